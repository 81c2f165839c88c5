package profile

import "fmt"

// Enclave projects (飞地孵化, 回盐转化): a startup incubated in an off-site enclave
// carries the enclave, where it stands, and where it landed at home. Optional.

// EnclaveProject is a startup's place in an enclave's pipeline.
type EnclaveProject struct {
	EnclaveID string `json:"enclave_id" bson:"enclave_id"`
	// Stage: incubating (in the enclave), negotiating (landing negotiation
	// with the home district), landed.
	Stage string `json:"stage" bson:"stage"`
	Since string `json:"since,omitempty" bson:"since,omitempty"`
	// LandedOn and ParkID (the carrier it landed in) are set once landed.
	LandedOn string `json:"landed_on,omitempty" bson:"landed_on,omitempty"`
	ParkID   string `json:"park_id,omitempty" bson:"park_id,omitempty"`
}

// EnclaveStages are the stages of an enclave project.
var EnclaveStages = NewCodeSet("enclave stage", "incubating", "飞地孵化中", "negotiating", "落地洽谈中", "landed", "已回盐落地")

func (p *Profile) validateEnclaveProject(v *validator) {
	e := p.Enclave
	if e == nil {
		return
	}
	v.text("enclave.enclave_id", e.EnclaveID, 64, true)
	v.code("enclave.stage", e.Stage, EnclaveStages, true)
	v.date("enclave.since", e.Since)
	v.date("enclave.landed_on", e.LandedOn)
	v.text("enclave.park_id", e.ParkID, 64, false)
	if v.err != nil {
		return
	}
	switch {
	case e.Stage == "landed" && (e.LandedOn == "" || e.ParkID == ""):
		field := "enclave.landed_on"
		if e.LandedOn != "" {
			field = "enclave.park_id"
		}
		v.fail(field, "required", v.l(field).EN+" is required: a landed project needs the date it landed at home and the carrier it landed in",
			v.l(field).ZH+"为必填项：已回盐落地的项目须填写回盐落地日期和落地载体")
	case e.Stage != "landed" && (e.LandedOn != "" || e.ParkID != ""):
		v.fail("enclave.stage", "out_of_range", fmt.Sprintf("Enclave project stage is %s: the landing date and carrier are for a landed project", e.Stage),
			fmt.Sprintf("飞地项目阶段为%s：只有已回盐落地的项目才填写回盐落地日期和落地载体", EnclaveStages.ZH(e.Stage)))
	case e.Since != "" && e.LandedOn != "" && e.LandedOn < e.Since:
		v.order("enclave.landed_on", "enclave.since", "is before", "早于")
	}
}
