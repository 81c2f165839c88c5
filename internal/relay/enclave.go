package relay

import (
	"slices"
	"strings"

	"fuhua/internal/profile"
)

// Enclave projects (飞地孵化, 回盐转化, plan task 8): a startup incubated in an
// off-site enclave carries the enclave and its stage (see profile.EnclaveProject);
// it should land back in the enclave's home district.

// homeTypes are the carriers a project coming home may land in.
var homeTypes = map[string]bool{"incubator": true, "accelerator": true, "industrial_park": true, "university_park": true}

// Project is one enclave project with where it stands and, until it lands, the
// home-district carriers proposed for it.
type Project struct {
	StartupID string `json:"startup_id"`
	Name      string `json:"name"`
	Stage     string `json:"stage"`
	// Since is when the project entered the enclave, when known.
	Since    string `json:"since,omitempty"`
	LandedOn string `json:"landed_on,omitempty"`
	ParkID   string `json:"park_id,omitempty"`
	// AtHome is true when the project landed in a carrier of the home district.
	AtHome    bool        `json:"at_home"`
	Proposals []Candidate `json:"proposals"`
}

// EnclaveReport is one enclave's projects and how many came home.
type EnclaveReport struct {
	EnclaveID    string         `json:"enclave_id"`
	Name         string         `json:"name"`
	HomeDistrict string         `json:"home_district"`
	Projects     int            `json:"projects"`
	ByStage      map[string]int `json:"by_stage"`
	Landed       int            `json:"landed"`
	LandedHome   int            `json:"landed_home"`
	// HomeShare is LandedHome ÷ Projects, null without projects.
	HomeShare *float64  `json:"home_share"`
	Items     []Project `json:"items"`
}

// Enclaves reports each enclave's projects: counts by stage, the landed ones,
// those landed at home and the share; projects not yet landed get the home
// district's carriers sharing their chains as proposals.
func Enclaves(enclaves, startups, carriers []profile.Profile, chainZH func(string) string) []EnclaveReport {
	byID := map[string]*profile.Profile{}
	for i := range carriers {
		byID[carriers[i].ID] = &carriers[i]
	}
	out := []EnclaveReport{}
	for i := range enclaves {
		e := &enclaves[i]
		if e.Archived {
			continue
		}
		r := EnclaveReport{EnclaveID: e.ID, Name: e.Name, HomeDistrict: e.HomeDistrict, ByStage: map[string]int{}, Items: []Project{}}
		for _, st := range profile.EnclaveStages.Codes() {
			r.ByStage[st] = 0
		}
		var home []profile.Profile
		for j := range carriers {
			c := carriers[j]
			if homeTypes[c.Type] && c.District == e.HomeDistrict && e.HomeDistrict != "" {
				c.Type = "industrial_park" // Candidates ranks landing places; any home carrier qualifies here
				home = append(home, c)
			}
		}
		for j := range startups {
			s := &startups[j]
			if s.Archived || s.Enclave == nil || s.Enclave.EnclaveID != e.ID {
				continue
			}
			p := Project{StartupID: s.ID, Name: s.Name, Stage: s.Enclave.Stage, Since: s.Enclave.Since, LandedOn: s.Enclave.LandedOn, ParkID: s.Enclave.ParkID,
				Proposals: []Candidate{}}
			r.Projects++
			r.ByStage[p.Stage]++
			if p.Stage == "landed" {
				r.Landed++
				if c := byID[p.ParkID]; c != nil && c.District == e.HomeDistrict {
					p.AtHome = true
					r.LandedHome++
				}
			} else {
				for _, c := range Candidates(s, home, nil, chainZH) {
					c.Type = byID[c.ID].Type
					p.Proposals = append(p.Proposals, c)
				}
			}
			r.Items = append(r.Items, p)
		}
		if r.Projects > 0 {
			x := float64(r.LandedHome) / float64(r.Projects)
			r.HomeShare = &x
		}
		slices.SortFunc(r.Items, func(a, b Project) int { return strings.Compare(a.StartupID, b.StartupID) })
		out = append(out, r)
	}
	return out
}
