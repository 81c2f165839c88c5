// Package relay is the graduates' relay (毕业企业落地, 园区接力, plan task 14): it
// proposes the accelerators and industrial parks whose industry matches a
// graduate (a shared chain; the graduate's home district first, then the city's
// other districts, then parks outside the city), and counts, per district and
// year, the graduates and those that landed — by an accepted introduction's
// "landed" outcome — in a park of their chain. It is pure: no I/O, no HTTP.
package relay

import (
	"fmt"
	"slices"
	"strings"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// LandingTypes are the carrier types a graduate lands in.
var LandingTypes = map[string]bool{"accelerator": true, "industrial_park": true}

// Candidate is one proposed landing place, with why.
type Candidate struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	District string   `json:"district"`
	Level    string   `json:"level"`
	Shared   []string `json:"shared_chains"`
	SameHome bool     `json:"same_district"`
	ZH       string   `json:"zh"`
	EN       string   `json:"en"`
}

// Candidates ranks the live accelerators and industrial parks sharing a chain
// with s: same district first, then the city's districts in order (rank), then
// outside the city; within each, more shared chains first, then by name.
func Candidates(s *profile.Profile, carriers []profile.Profile, rank map[string]int, chainZH func(string) string) []Candidate {
	out := []Candidate{}
	for i := range carriers {
		c := &carriers[i]
		if c.Archived || !LandingTypes[c.Type] {
			continue
		}
		var shared []string
		for _, ch := range s.Chains {
			if slices.Contains(c.Chains, ch) {
				shared = append(shared, ch)
			}
		}
		if len(shared) == 0 {
			continue
		}
		same := s.District != "" && c.District == s.District
		names := make([]string, len(shared))
		for j, ch := range shared {
			names[j] = chainZH(ch)
		}
		where, whereEN := "市内其他区县", "elsewhere in the city"
		switch {
		case same:
			where, whereEN = "本区县", "in the firm's own district"
		case c.District == "":
			where, whereEN = "市外", "outside the city"
		}
		out = append(out, Candidate{ID: c.ID, Name: c.Name, Type: c.Type, District: c.District, Level: c.Level, Shared: shared, SameHome: same,
			ZH: fmt.Sprintf("同属%s产业链，%s", strings.Join(names, "、"), where),
			EN: fmt.Sprintf("shares the %s chain(s), %s", strings.Join(shared, ", "), whereEN)})
	}
	place := func(c Candidate) int {
		switch {
		case c.SameHome:
			return -1
		case c.District == "":
			return 1 << 30 // outside the city: last
		}
		if r, ok := rank[c.District]; ok {
			return r
		}
		return 1<<30 - 1 // a district not in the list: before outside
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		if pa, pb := place(a), place(b); pa != pb {
			return pa - pb
		}
		if len(a.Shared) != len(b.Shared) {
			return len(b.Shared) - len(a.Shared)
		}
		if a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Landing is one graduate of the year and where it landed, if it did.
type Landing struct {
	StartupID string `json:"startup_id"`
	Name      string `json:"name"`
	District  string `json:"district"`
	Graduated string `json:"graduated_on"`
	// ParkID, IntroID and Date are set when the graduate landed.
	ParkID   string `json:"park_id,omitempty"`
	ParkName string `json:"park_name,omitempty"`
	IntroID  string `json:"introduction_id,omitempty"`
	Date     string `json:"date,omitempty"`
	// Matching is true when the park shares a chain with the graduate.
	Matching bool `json:"matching"`
}

// Scope is one district's (or, with District "", the city's) graduates of
// the year and their landings.
type Scope struct {
	District    string    `json:"district"`
	Graduates   int       `json:"graduates"`
	Landed      int       `json:"landed"`
	LandedMatch int       `json:"landed_matching"`
	MatchShare  *float64  `json:"matching_share"`
	Items       []Landing `json:"items"`
}

// Landings counts the graduates of year (graduated_on in it) per district and
// for the city: landed by an accepted introduction with a "landed" outcome at
// an accelerator or industrial park (the first such outcome), and whether the
// park shares a chain. MatchShare is null where nobody graduated.
func Landings(startups, carriers []profile.Profile, intros []intro.Introduction, year int, districts []string) []Scope {
	parks := map[string]*profile.Profile{}
	for i := range carriers {
		if LandingTypes[carriers[i].Type] {
			parks[carriers[i].ID] = &carriers[i]
		}
	}
	type landed struct{ park, intro, date string }
	first := map[string]landed{}
	for i := range intros {
		in := &intros[i]
		if in.State != intro.Accepted {
			continue
		}
		firm, park := in.From, in.To
		if firm.Kind != profile.Startup {
			firm, park = in.To, in.From
		}
		if firm.Kind != profile.Startup || park.Kind != profile.Carrier || parks[park.ID] == nil {
			continue
		}
		for _, o := range in.Outcomes {
			if o.Kind == "landed" {
				if l, ok := first[firm.ID]; !ok || o.Date < l.date {
					first[firm.ID] = landed{park.ID, in.ID, o.Date}
				}
			}
		}
	}
	y := fmt.Sprintf("%04d", year)
	byDistrict := map[string]*Scope{"": {Items: []Landing{}}}
	order := []string{""}
	for _, d := range districts {
		byDistrict[d] = &Scope{District: d, Items: []Landing{}}
		order = append(order, d)
	}
	for i := range startups {
		s := &startups[i]
		if s.Archived || !strings.HasPrefix(s.GraduatedOn, y) {
			continue
		}
		l := Landing{StartupID: s.ID, Name: s.Name, District: s.District, Graduated: s.GraduatedOn}
		if f, ok := first[s.ID]; ok {
			p := parks[f.park]
			l.ParkID, l.ParkName, l.IntroID, l.Date = p.ID, p.Name, f.intro, f.date
			l.Matching = slices.ContainsFunc(s.Chains, func(ch string) bool { return slices.Contains(p.Chains, ch) })
		}
		for _, sc := range []*Scope{byDistrict[""], byDistrict[s.District]} {
			if sc == nil {
				continue
			}
			sc.Graduates++
			if l.ParkID != "" {
				sc.Landed++
			}
			if l.Matching {
				sc.LandedMatch++
			}
			sc.Items = append(sc.Items, l)
			if s.District == "" {
				break // a firm with no district counts for the city only
			}
		}
	}
	out := make([]Scope, 0, len(order))
	for _, d := range order {
		sc := byDistrict[d]
		if sc.Graduates > 0 {
			x := float64(sc.LandedMatch) / float64(sc.Graduates)
			sc.MatchShare = &x
		}
		slices.SortFunc(sc.Items, func(a, b Landing) int { return strings.Compare(a.StartupID, b.StartupID) })
		out = append(out, *sc)
	}
	return out
}
