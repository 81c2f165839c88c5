package evaluation

import (
	"testing"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// TestDemoDataEvaluates runs every applicable rule set over the demo data for
// every plan year: each result is complete (a grade, sections, a status per
// indicator, a score within its maximum).
func TestDemoDataEvaluates(t *testing.T) {
	ps := append(seed.Named(), seed.Demo(600)...)
	d := &Data{}
	for i := range ps {
		ps[i].ID = string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
	}
	for _, p := range ps {
		switch p.Kind {
		case profile.Startup:
			d.Startups = append(d.Startups, p)
		case profile.Carrier:
			d.Carriers = append(d.Carriers, p)
		case profile.Mentor:
			d.Mentors = append(d.Mentors, p)
		}
	}
	n := 0
	for _, year := range []int{2023, 2024, 2025} {
		for i := range d.Carriers {
			c := &d.Carriers[i]
			for _, rs := range seed.RuleSets() {
				if !Applies(rs, c.Type, year) {
					continue
				}
				r := Evaluate(rs, c, d, year)
				n++
				if r.Grade == "" || len(r.Sections) == 0 || r.Score > r.MaxScore+1e-9 || r.Score < 0 {
					t.Fatalf("%s %s %d: %+v", c.Name, rs.Code, year, r)
				}
				for _, s := range r.Sections {
					for _, in := range s.Indicators {
						if in.Status != OK && in.Status != Missing && in.Status != Failed {
							t.Fatalf("%s/%s: status %q", rs.Code, in.Code, in.Status)
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no carrier of the demo data was evaluated")
	}
}
