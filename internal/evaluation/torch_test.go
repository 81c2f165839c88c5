package evaluation

import (
	"testing"

	"fuhua/internal/profile"
)

// TestTorchFiguresFeedGrowthAndGraduation: the statistics record makes the MIIT
// growth check and the graduation conditions computable, each on its boundary,
// and a share stays missing while any incubatee lacks the figures.
func TestTorchFiguresFeedGrowthAndGraduation(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	yes := true
	c := profile.Profile{ID: "c", Kind: profile.Carrier, Type: "incubator"}
	firm := func(id string, rev float64, tr *profile.TorchRecord) profile.Profile {
		return profile.Profile{ID: id, Kind: profile.Startup, CarrierID: "c", IncubatedSince: "2023-01-01", RevenueWan: rev, Torch: tr}
	}
	miit := ruleSet(t, "miit_standard_2025")
	growth := func(d *Data) Indicator { return find(Evaluate(miit, &c, d, 2025), "growth") }

	// Revenue 121 on 100 grew by 21 % (> 20 %); 120 on 100 did not; R&D 13 on 10 did.
	d := &Data{Carriers: []profile.Profile{c}, Startups: []profile.Profile{
		firm("a", 121, &profile.TorchRecord{RevenuePrevWan: f(100)}),
		firm("b", 120, &profile.TorchRecord{RevenuePrevWan: f(100)}),
		firm("c1", 50, &profile.TorchRecord{RDSpendWan: f(13), RDSpendPrevWan: f(10)}),
	}}
	in := growth(d)
	if in.Status != OK || in.Value == nil || *in.Value != 0.6667 || len(in.Evidence) != 2 {
		t.Fatalf("growth with all figures: %+v", in)
	}
	// 2 of 3 ≥ 30 %; with only a of 4 firms growing: 1/4 = 25 % < 30 % fails.
	d.Startups = append(d.Startups[:1], firm("b", 120, &profile.TorchRecord{RevenuePrevWan: f(100)}),
		firm("d", 100, &profile.TorchRecord{RevenuePrevWan: f(100)}), firm("e", 100, &profile.TorchRecord{RevenuePrevWan: f(100)}))
	if in := growth(&Data{Carriers: d.Carriers, Startups: d.Startups}); in.Status != Failed {
		t.Errorf("1 of 4 growing: %+v", in)
	}
	// One firm without figures: missing, not a share of those who reported.
	d2 := &Data{Carriers: d.Carriers, Startups: append(append([]profile.Profile{}, d.Startups...), firm("x", 10, nil))}
	if in := growth(d2); in.Status != Missing {
		t.Errorf("a firm without figures: %+v", in)
	}

	grad := ruleSet(t, "graduation_2018")
	g := func(s profile.Profile) Status {
		s.GraduatedOn, s.Status, s.CarrierID, s.Kind, s.IncubatedSince = "2024-06-01", "graduated", "c", profile.Startup, "2022-01-01"
		r := Evaluate(grad, &c, &Data{Carriers: []profile.Profile{c}, Startups: []profile.Profile{s}}, 2024)
		return find(r, s.ID).Status
	}
	no := false
	all := func(tr profile.TorchRecord) *profile.TorchRecord {
		tr.AcquiredOrListed = &no
		if tr.FinancingTotalWan == nil {
			tr.FinancingTotalWan = f(0)
		}
		if tr.RevenuePrevWan == nil {
			tr.RevenuePrevWan = f(0)
		}
		return &tr
	}
	notHT := &profile.YearResult{Year: 2024, Passed: false}
	for name, tc := range map[string]struct {
		s    profile.Profile
		want Status
	}{
		"financing 500 is not above 500": {profile.Profile{ID: "f1", HighTech: notHT, RevenueWan: 1, Torch: all(profile.TorchRecord{FinancingTotalWan: f(500)})}, Failed},
		"financing 500.01":               {profile.Profile{ID: "f2", HighTech: notHT, RevenueWan: 1, Torch: all(profile.TorchRecord{FinancingTotalWan: f(500.01)})}, OK},
		"revenue 600 + 400 is not above": {profile.Profile{ID: "r1", HighTech: notHT, RevenueWan: 600, Torch: all(profile.TorchRecord{RevenuePrevWan: f(400)})}, Failed},
		"revenue 600 + 401":              {profile.Profile{ID: "r2", HighTech: notHT, RevenueWan: 600, Torch: all(profile.TorchRecord{RevenuePrevWan: f(401)})}, OK},
		"listed":                         {profile.Profile{ID: "l1", Torch: &profile.TorchRecord{AcquiredOrListed: &yes}}, OK},
		"nothing known":                  {profile.Profile{ID: "n1"}, Missing},
	} {
		if got := g(tc.s); got != tc.want {
			t.Errorf("%s: %s, want %s", name, got, tc.want)
		}
	}
}
