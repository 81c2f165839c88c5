package kpi

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
	"fuhua/seed"
)

func carrierOf(district, typ, level string, since int, established string) profile.Profile {
	return profile.Profile{Kind: profile.Carrier, District: district, Type: typ, Level: level, LevelSince: since, Established: established}
}

func enclaveOf(home, established string) profile.Profile {
	return profile.Profile{Kind: profile.Enclave, HomeDistrict: home, Established: established}
}

func startupOf(district, since, graduated, status string, sme *profile.YearResult) profile.Profile {
	return profile.Profile{Kind: profile.Startup, District: district, IncubatedSince: since, GraduatedOn: graduated,
		Status: status, TechSME: sme}
}

func pass(y int) *profile.YearResult { return &profile.YearResult{Year: y, Passed: true} }

// data is a small city whose indicators are worked out by hand in the tests.
func data() []profile.Profile {
	archivedCarrier := carrierOf("yannan", "incubator", "provincial", 2024, "2020-01-01")
	archivedCarrier.Archived = true
	benchmark := carrierOf("yannan", "virtual", "provincial", 2022, "2022-03-01")
	benchmark.Benchmark = true
	archivedStartup := startupOf("yandu", "2024-01-01", "", "incubating", pass(2024))
	archivedStartup.Archived = true
	return []profile.Profile{
		carrierOf("yandu", "incubator", "provincial", 2023, "2020-05-01"),        // c1
		carrierOf("yandu", "maker_space", "national", 2024, "2018-01-01"),        // c2
		carrierOf("yandu", "accelerator", "municipal", 0, "2024-03-01"),          // c3
		carrierOf("tinghu", "incubator", "municipal", 0, "2019-01-01"),           // c4
		carrierOf("yannan", "industrial_park", "provincial", 2024, "2010-01-01"), // c5: not an incubation carrier
		archivedCarrier, // c6
		benchmark,       // c7
		carrierOf("tinghu", "finance_station", "none", 0, "2024-06-01"),                     // c8
		carrierOf("dongtai", "maker_space", "municipal", 2025, "2025-02-01"),                // c9
		carrierOf("yannan", "finance_station", "none", 0, "2023-05-01"),                     // c10
		enclaveOf("yannan", "2023-04-01"),                                                   // e1
		enclaveOf("yannan", "2024-09-01"),                                                   // e2
		enclaveOf("kaifaqu", "2022-01-01"),                                                  // e3
		enclaveOf("kaifaqu", ""),                                                            // e4: date unknown
		enclaveOf("kaifaqu", "2024-01-15"),                                                  // e5
		startupOf("yandu", "2023-03-01", "", "incubating", pass(2024)),                      // s1
		startupOf("yandu", "2024-02-01", "", "incubating", &profile.YearResult{Year: 2024}), // s2: failed
		startupOf("yandu", "2022-05-01", "2024-06-30", "graduated", pass(2024)),             // s3
		startupOf("tinghu", "2021-01-01", "2023-12-31", "graduated", pass(2023)),            // s4
		startupOf("tinghu", "2024-07-01", "", "left", pass(2024)),                           // s5: left, no date
		startupOf("tinghu", "2025-01-10", "", "incubating", pass(2025)),                     // s6
		archivedStartup, // s7
	}
}

// halfway is exactly half of 2023–2025 (548 of 1096 days) and of 2024 (183 of 366).
var halfway = time.Date(2024, 7, 2, 0, 0, 0, 0, cst)

type got struct {
	Actual, Expected float64
	Status           Status
}

func find(t *testing.T, r Report, district, code, period string) Indicator {
	t.Helper()
	s, ok := r.Scope(district)
	if !ok {
		t.Fatalf("no scope %q", district)
	}
	for _, in := range s.Indicators {
		if in.Code == code && in.Period == period {
			return in
		}
	}
	t.Fatalf("scope %q has no %s for %s", district, code, period)
	return Indicator{}
}

func TestCityHalfway2024(t *testing.T) {
	r := Compute(slices.Values(data()), seed.Plan(), 2024, halfway)
	want := map[[2]string]got{
		{"new_provincial_carriers", "2023-2025"}: {2, 10, Behind},            // c1 2023, c2 2024
		{"new_provincial_carriers", "2024"}:      {1, 2.5, Behind},           // c2
		{"new_enclaves", "2023-2025"}:            {3, 15, Behind},            // e1, e2, e5
		{"new_incubated_firms", "2024"}:          {2, 250, Behind},           // s2, s5
		{"new_accelerators", "2023-2025"}:        {1, 7, Behind},             // c3
		{"graduated_firms", "2024"}:              {1, 100, Behind},           // s3
		{"tech_sme_share", "2024"}:               {200.0 / 3, 32.5, Reached}, // s1, s3 of s1, s2, s3
		{"provincial_carriers_total", "2025"}:    {3, 50.5, Behind},          // c1, c2, c7; baseline 1 (c7)
		{"maker_spaces_total", "2025"}:           {1, 25, Behind},            // c2 (c9 only in 2025)
		{"incubators_total", "2025"}:             {2, 50.5, Behind},          // c1, c4; baseline 1 (c4)
		{"enclaves_total", "2025"}:               {5, 16, Behind},            // baseline 2 (e3, e4)
		{"benchmark_incubators_total", "2025"}:   {1, 2, Behind},             // c7, baseline 1
		{"finance_stations_total", "2025"}:       {2, 1.5, OnTrack},          // c8, c10, baseline 0
	}
	city, _ := r.Scope("")
	if len(city.Indicators) != len(want) {
		t.Errorf("city has %d indicators, want %d", len(city.Indicators), len(want))
	}
	for k, w := range want {
		in := find(t, r, "", k[0], k[1])
		g := got{in.Actual, in.Expected, in.Status}
		if d := cmp.Diff(g, w, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); d != "" {
			t.Errorf("%s %s (-got +want):\n%s", k[0], k[1], d)
		}
	}
	share := find(t, r, "", "tech_sme_share", "2024")
	if share.Numerator != 2 || share.Denominator != 3 || share.Target != 65 {
		t.Errorf("tech_sme_share: %d of %d, target %g; want 2 of 3, target 65", share.Numerator, share.Denominator, share.Target)
	}
	if p := find(t, r, "", "new_provincial_carriers", "2023-2025").Progress; p != 0.1 {
		t.Errorf("progress = %g, want 0.1", p)
	}
}

func TestDistrictsHalfway2024(t *testing.T) {
	r := Compute(slices.Values(data()), seed.Plan(), 2024, halfway)
	for _, tc := range []struct {
		district, code, period string
		want                   got
	}{
		{"yandu", "new_provincial_carriers", "2023-2025", got{2, 1.5, OnTrack}},
		{"yandu", "new_accelerators", "2023-2025", got{1, 0.5, Reached}},
		{"yandu", "new_incubated_firms", "2024", got{1, 30, Behind}}, // s7 is archived
		{"yandu", "new_enclaves", "2023-2025", got{0, 2, Behind}},
		{"yannan", "new_enclaves", "2023-2025", got{2, 2.5, Behind}},
		{"yannan", "new_provincial_carriers", "2023-2025", got{0, 1.5, Behind}}, // c6 archived, c7 in 2022
		{"kaifaqu", "new_enclaves", "2023-2025", got{1, 1, OnTrack}},            // exactly half of 2
		{"tinghu", "new_incubated_firms", "2024", got{1, 25, Behind}},
	} {
		in := find(t, r, tc.district, tc.code, tc.period)
		if g := (got{in.Actual, in.Expected, in.Status}); g != tc.want {
			t.Errorf("%s %s: got %+v, want %+v", tc.district, tc.code, g, tc.want)
		}
	}
	if s, _ := r.Scope("yandu"); len(s.Indicators) != 4 {
		t.Errorf("yandu has %d indicators, want the 4 table rows", len(s.Indicators))
	}
}

func TestStatusFollowsTime(t *testing.T) {
	// kaifaqu has 1 new enclave of 2 over 2023–2025: on track up to half-way,
	// behind after it.
	for _, tc := range []struct {
		now  time.Time
		want Status
	}{
		{time.Date(2024, 7, 1, 0, 0, 0, 0, cst), OnTrack},
		{halfway, OnTrack},
		{time.Date(2024, 7, 3, 0, 0, 0, 0, cst), Behind},
	} {
		r := Compute(slices.Values(data()), seed.Plan(), 2024, tc.now)
		if got := find(t, r, "kaifaqu", "new_enclaves", "2023-2025").Status; got != tc.want {
			t.Errorf("at %s: %s, want %s", tc.now.Format(time.DateOnly), got, tc.want)
		}
	}
}

func TestPastYearJudgedAtItsEnd(t *testing.T) {
	r := Compute(slices.Values(data()), seed.Plan(), 2023, time.Date(2026, 3, 1, 0, 0, 0, 0, cst))
	if want := time.Date(2024, 1, 1, 0, 0, 0, 0, cst); !r.AsOf.Equal(want) {
		t.Errorf("as of %s, want %s", r.AsOf, want)
	}
	share := find(t, r, "", "tech_sme_share", "2023")
	// Incubating in 2023: s1, s3, s4 (graduated on 2023-12-31); passed for 2023: s4.
	// A closed year short of its target is missed (未完成), not behind.
	if share.Numerator != 1 || share.Denominator != 3 || share.Target != 60 || share.Status != Missed || !share.Closed {
		t.Errorf("2023 share: %d of %d target %g %s; want 1 of 3, 60, missed", share.Numerator, share.Denominator, share.Target, share.Status)
	}
	yearly := find(t, r, "", "new_provincial_carriers", "2023")
	if yearly.Actual != 1 || yearly.Expected != 5 || yearly.Status != Missed || !yearly.Closed {
		t.Errorf("2023 new carriers: %+v", yearly)
	}
	// The three-year total is still open at the end of 2023: behind.
	total := find(t, r, "", "new_provincial_carriers", "2023-2025")
	if total.Actual != 1 || total.Status != Behind || total.Closed || total.Expected < 6.65 || total.Expected > 6.67 {
		t.Errorf("2023 three-year carriers: actual %g expected %g %s; want 1, 20×365/1096, behind", total.Actual, total.Expected, total.Status)
	}
}

func TestYearOutsidePlan(t *testing.T) {
	r := Compute(slices.Values(data()), seed.Plan(), 2026, halfway)
	if len(r.Scopes) != 12 {
		t.Fatalf("%d scopes, want city + 11 districts", len(r.Scopes))
	}
	for _, s := range r.Scopes {
		if len(s.Indicators) != 0 {
			t.Errorf("2026 %q: %d indicators, want none (the plan ends in 2025)", s.District, len(s.Indicators))
		}
	}
}

// planTable is the plan's target table, read independently of seed's test.
var planTable = map[string][12]float64{
	"new_provincial_carriers": {20, 2, 2, 1, 1, 1, 1, 2, 3, 2, 2, 3},
	"new_enclaves":            {30, 3, 2, 2, 2, 2, 2, 3, 4, 3, 2, 5},
	"new_incubated_firms":     {500, 60, 50, 50, 50, 40, 40, 55, 60, 50, 45, 50},
	"new_accelerators":        {14, 1, 2, 2, 1, 1, 1, 2, 1, 1, 1, 1},
}

func TestReportedTargetsArePlanTargets(t *testing.T) {
	districts := []string{"", "dongtai", "jianhu", "sheyang", "funing", "binhai", "xiangshui", "dafeng",
		"yandu", "tinghu", "kaifaqu", "yannan"}
	cityOnly := map[[2]string]float64{
		{"new_provincial_carriers", "Y"}: 5, {"graduated_firms", "Y"}: 200,
		{"provincial_carriers_total", "2025"}: 100, {"maker_spaces_total", "2025"}: 50,
		{"incubators_total", "2025"}: 100, {"enclaves_total", "2025"}: 30,
		{"benchmark_incubators_total", "2025"}: 3, {"finance_stations_total", "2025"}: 3,
	}
	share := map[int]float64{2023: 60, 2024: 65, 2025: 70}
	for _, year := range []int{2023, 2024, 2025} {
		r := Compute(slices.Values(data()), seed.Plan(), year, halfway)
		for i, d := range districts {
			s, _ := r.Scope(d)
			want := map[[2]string]float64{}
			y := []string{"2023-2025", "2023-2025", "Y", "2023-2025"}
			for j, code := range []string{"new_provincial_carriers", "new_enclaves", "new_incubated_firms", "new_accelerators"} {
				want[[2]string{code, y[j]}] = planTable[code][i]
			}
			if d == "" {
				for k, v := range cityOnly {
					want[k] = v
				}
				want[[2]string{"tech_sme_share", "Y"}] = share[year]
			}
			gotT := map[[2]string]float64{}
			for _, in := range s.Indicators {
				period := in.Period
				if in.Basis == seed.EachYear && period == itoa(year) {
					period = "Y"
				}
				gotT[[2]string{in.Code, period}] = in.Target
			}
			if diff := cmp.Diff(gotT, want); diff != "" {
				t.Errorf("%d %q targets (-got +want):\n%s", year, d, diff)
			}
		}
	}
}

func itoa(y int) string { return time.Date(y, 1, 1, 0, 0, 0, 0, cst).Format("2006") }

// TestRecordsAreWhatIsCounted: for every indicator of every scope, the records
// listed are as many as the actual (for the share: the denominator, with the
// numerator marked passed), and each record lies in the scope.
func TestRecordsAreWhatIsCounted(t *testing.T) {
	ps := data()
	for i := range ps {
		ps[i].ID = fmt.Sprintf("p%02d", i)
	}
	for _, year := range []int{2023, 2024, 2025} {
		r := Compute(slices.Values(ps), seed.Plan(), year, halfway)
		n := 0
		for _, sc := range r.Scopes {
			for _, in := range sc.Indicators {
				got, recs, ok := Records(slices.Values(ps), seed.Plan(), in.Code, sc.District, in.Period, year, halfway)
				if !ok || got.Actual != in.Actual || got.Status != in.Status {
					t.Fatalf("%d %q %s %s: ok %v, %+v vs %+v", year, sc.District, in.Code, in.Period, ok, got, in)
				}
				want, passed := int(in.Actual), 0
				if in.Code == "tech_sme_share" {
					want = in.Denominator
				}
				for _, rec := range recs {
					if sc.District != "" && rec.District != sc.District {
						t.Errorf("%s %q: record %+v from another district", in.Code, sc.District, rec)
					}
					if rec.ID == "" || rec.WhyZH == "" || rec.WhyEN == "" {
						t.Errorf("%s: record %+v lacks its id or reason", in.Code, rec)
					}
					if rec.Passed != nil && *rec.Passed {
						passed++
					}
				}
				if len(recs) != want || passed != in.Numerator {
					t.Errorf("%d %q %s %s: %d records (%d passed), want %d (%d)", year, sc.District, in.Code, in.Period, len(recs), passed, want, in.Numerator)
				}
				n += len(recs)
			}
		}
		if n == 0 {
			t.Errorf("%d: no records at all", year)
		}
	}
	// By hand: new firms in yandu in 2024 are s2 only (p16).
	_, recs, _ := Records(slices.Values(ps), seed.Plan(), "new_incubated_firms", "yandu", "", 2024, halfway)
	if len(recs) != 1 || recs[0].ID != "p16" || recs[0].Date != "2024-02-01" || recs[0].WhyZH != "入孵" {
		t.Errorf("yandu 2024 new firms: %+v", recs)
	}
	if _, _, ok := Records(slices.Values(ps), seed.Plan(), "no_such", "", "", 2024, halfway); ok {
		t.Error("an unknown indicator has records")
	}
	if _, _, ok := Records(slices.Values(ps), seed.Plan(), "new_provincial_carriers", "", "1999", 2024, halfway); ok {
		t.Error("a period the plan does not set has records")
	}
}
