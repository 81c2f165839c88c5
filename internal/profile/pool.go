package profile

import "fmt"

// The mentor pool (创业导师库): which carriers appointed a mentor, since when and
// at what filing level, and whether the mentor is still in the pool. All of it is
// optional; a mentor profile needs none of it.

// Appointment is a mentor's appointment by one carrier.
type Appointment struct {
	CarrierID string `json:"carrier_id" bson:"carrier_id"`
	// Since and Until (optional: still appointed) are YYYY-MM-DD.
	Since string `json:"since" bson:"since"`
	Until string `json:"until,omitempty" bson:"until,omitempty"`
	// Level is the filing level of the appointment: national, provincial, city.
	Level string `json:"level" bson:"level"`
}

// Codes of the mentor pool.
var (
	FilingLevels = NewCodeSet("filing level", "national", "国家级", "provincial", "省级", "city", "市级")
	PoolStatuses = NewCodeSet("pool status", "active", "在库", "suspended", "暂停", "exited", "已退出")
)

// MaxAppointments bounds a mentor's appointments.
const MaxAppointments = 20

// ActiveIn reports whether the appointment held at some time in year.
func (a Appointment) ActiveIn(year int) bool {
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	return a.Since != "" && a.Since <= last && (a.Until == "" || a.Until >= first)
}

func (p *Profile) validatePool(v *validator) {
	v.code("pool_status", p.PoolStatus, PoolStatuses, false)
	if len(p.Appointments) > MaxAppointments {
		v.fail("appointments", "too_many", fmt.Sprintf("Appointments has %d entries; at most %d are allowed", len(p.Appointments), MaxAppointments),
			fmt.Sprintf("导师聘任有 %d 项，最多 %d 项", len(p.Appointments), MaxAppointments))
		return
	}
	seen := map[string]bool{}
	for i, a := range p.Appointments {
		f := fmt.Sprintf("appointments[%d].", i)
		v.text(f+"carrier_id", a.CarrierID, 64, true)
		if seen[a.CarrierID] {
			v.fail(f+"carrier_id", "duplicate", fmt.Sprintf("%s: the carrier is appointed twice", v.l(f+"carrier_id").EN),
				fmt.Sprintf("%s与前面的聘任重复：同一载体只填一次", v.l(f+"carrier_id").ZH))
		}
		seen[a.CarrierID] = true
		if a.Since == "" {
			v.fail(f+"since", "required", v.l(f+"since").EN+" is required (YYYY-MM-DD)", v.l(f+"since").ZH+"为必填项（年-月-日）")
		}
		v.date(f+"since", a.Since)
		v.date(f+"until", a.Until)
		if v.err == nil && a.Until != "" && a.Until < a.Since {
			v.order(f+"until", f+"since", "is before", "早于")
		}
		v.code(f+"level", a.Level, FilingLevels, true)
	}
}
