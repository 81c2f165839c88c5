package techsme

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

func TestStaffTiers(t *testing.T) {
	for _, tc := range []struct {
		tech, emp int
		want      int
	}{
		{0, 100, 0}, {9, 100, 0}, {999, 10000, 0}, {10, 100, 4}, {1, 10, 4},
		{14, 100, 4}, {1499, 10000, 4}, {15, 100, 8}, {19, 100, 8}, {1999, 10000, 8},
		{20, 100, 12}, {1, 5, 12}, {24, 100, 12}, {25, 100, 16}, {1, 4, 16}, {29, 100, 16},
		{2999, 10000, 16}, {30, 100, 20}, {3, 10, 20}, {1, 3, 20}, {7, 7, 20}, {5, 0, 0},
	} {
		p := profile.Profile{TechStaff: tc.tech, Employees: tc.emp}
		if got := Assess(p, 2025).Staff.Points; got != tc.want {
			t.Errorf("tech %d of %d: got %d points, want %d", tc.tech, tc.emp, got, tc.want)
		}
	}
}

func TestRDTiers(t *testing.T) {
	for _, tc := range []struct {
		name        string
		sales, cost float64
		want        int
		measure     string
	}{
		{"nothing", 0, 0, 0, MeasureSales},
		{"sales 1.99%", 0.0199, 0, 0, MeasureSales},
		{"sales 2%", 0.02, 0, 10, MeasureSales},
		{"sales 2.99%", 0.0299, 0, 10, MeasureSales},
		{"sales 3%", 0.03, 0, 20, MeasureSales},
		{"sales 3% computed", 30.0 / 1000, 0, 20, MeasureSales},
		{"sales 3.99%", 0.0399, 0, 20, MeasureSales},
		{"sales 4%", 0.04, 0, 30, MeasureSales},
		{"sales 4.99%", 0.0499, 0, 30, MeasureSales},
		{"sales 5%", 0.05, 0, 40, MeasureSales},
		{"sales 5.99%", 0.0599, 0, 40, MeasureSales},
		{"sales 6%", 0.06, 0, 50, MeasureSales},
		{"sales 6% computed", 0.02 * 3, 0, 50, MeasureSales},
		{"sales 6% as 60/1000", 60.0 / 1000, 0, 50, MeasureSales},
		{"sales 25%", 0.25, 0, 50, MeasureSales},
		{"cost 9.99%", 0, 0.0999, 0, MeasureSales},
		{"cost 10%", 0, 0.1, 10, MeasureCost},
		{"cost 14.99%", 0, 0.1499, 10, MeasureCost},
		{"cost 15%", 0, 0.15, 20, MeasureCost},
		{"cost 19.99%", 0, 0.1999, 20, MeasureCost},
		{"cost 20%", 0, 0.2, 30, MeasureCost},
		{"cost 24.99%", 0, 0.2499, 30, MeasureCost},
		{"cost 25%", 0, 0.25, 40, MeasureCost},
		{"cost 29.99%", 0, 0.2999, 40, MeasureCost},
		{"cost 30%", 0, 0.3, 50, MeasureCost},
		{"cost 30% as 0.1+0.2", 0, 0.1 + 0.2, 50, MeasureCost},
		{"cost 30% as 3/10", 0, 3.0 / 10, 50, MeasureCost},
		{"cost 30% as 0.7*3/7", 0, 0.7 * 3 / 7, 50, MeasureCost},
		{"the better measure wins", 0.041, 0.26, 40, MeasureCost},
		{"a tie keeps sales", 0.05, 0.25, 40, MeasureSales},
	} {
		got := Assess(profile.Profile{RDRatio: tc.sales, RDCostRatio: tc.cost}, 2025).RD
		if got.Points != tc.want || got.Measure != tc.measure {
			t.Errorf("%s: got %d points by %s, want %d by %s", tc.name, got.Points, got.Measure, tc.want, tc.measure)
		}
	}
}

func TestIPTiers(t *testing.T) {
	for _, tc := range []struct {
		classI, classII int
		want            int
	}{
		{0, 0, 0}, {0, 1, 6}, {0, 2, 12}, {0, 3, 18}, {0, 4, 24}, {0, 40, 24},
		{1, 0, 30}, {1, 5, 30}, {3, 0, 30},
	} {
		got := Assess(profile.Profile{Patents: tc.classI, OtherIP: tc.classII}, 2025).IP.Points
		if got != tc.want {
			t.Errorf("class I %d, class II %d: got %d, want %d", tc.classI, tc.classII, got, tc.want)
		}
	}
}

// base is a firm that scores exactly 60: staff 10 % (4) + R&D 6 % of sales (50) +
// one class-II IP (6).
func base() profile.Profile {
	return profile.Profile{Kind: profile.Startup, Employees: 50, TechStaff: 5, RDRatio: 0.06, OtherIP: 1,
		RevenueWan: 800, AssetsWan: 500}
}

func TestPassAndSizeGate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*profile.Profile)
		total int
		pass  bool
		route Route
		size  bool
	}{
		{"60 exactly passes", func(*profile.Profile) {}, 60, true, RouteScore, true},
		{"56 fails", func(p *profile.Profile) { p.RDRatio = 0.0599; p.OtherIP = 2 }, 56, false, RouteNone, true},
		{"staff 0 fails at 80", func(p *profile.Profile) { p.TechStaff = 4; p.Patents = 1 }, 80, false, RouteNone, true},
		{"500 staff is inside the gate", func(p *profile.Profile) { p.Employees = 500; p.TechStaff = 50 }, 60, true, RouteScore, true},
		{"501 staff is outside", func(p *profile.Profile) { p.Employees = 501; p.TechStaff = 200 }, 76, false, RouteNone, false},
		{"revenue 2亿 is inside", func(p *profile.Profile) { p.RevenueWan = 20000 }, 60, true, RouteScore, true},
		{"revenue above 2亿 is outside", func(p *profile.Profile) { p.RevenueWan = 20000.01 }, 60, false, RouteNone, false},
		{"assets 2亿 is inside", func(p *profile.Profile) { p.AssetsWan = 20000 }, 60, true, RouteScore, true},
		{"assets above 2亿 is outside", func(p *profile.Profile) { p.AssetsWan = 20001 }, 60, false, RouteNone, false},
		{"high-tech granted this year", func(p *profile.Profile) {
			p.TechStaff = 0
			p.HighTech = &profile.YearResult{Year: 2025, Passed: true}
		}, 56, true, RouteHighTech, true},
		{"high-tech granted two years ago", func(p *profile.Profile) {
			p.TechStaff = 0
			p.HighTech = &profile.YearResult{Year: 2023, Passed: true}
		}, 56, true, RouteHighTech, true},
		{"high-tech expired after three years", func(p *profile.Profile) {
			p.TechStaff = 0
			p.HighTech = &profile.YearResult{Year: 2022, Passed: true}
		}, 56, false, RouteNone, true},
		{"high-tech not passed", func(p *profile.Profile) {
			p.TechStaff = 0
			p.HighTech = &profile.YearResult{Year: 2025, Passed: false}
		}, 56, false, RouteNone, true},
		{"high-tech from a later year does not count", func(p *profile.Profile) {
			p.TechStaff = 0
			p.HighTech = &profile.YearResult{Year: 2026, Passed: true}
		}, 56, false, RouteNone, true},
		{"high-tech does not lift the size gate", func(p *profile.Profile) {
			p.Employees = 600
			p.HighTech = &profile.YearResult{Year: 2025, Passed: true}
		}, 56, false, RouteNone, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			got := Assess(p, 2025)
			if got.Total != tc.total || got.Passed != tc.pass || got.Route != tc.route || got.SizeOK != tc.size {
				t.Errorf("got total %d passed %v route %q size %v; want %d %v %q %v",
					got.Total, got.Passed, got.Route, got.SizeOK, tc.total, tc.pass, tc.route, tc.size)
			}
			if got.SizeOK != (len(got.SizeProblems) == 0) {
				t.Errorf("SizeOK %v with problems %v", got.SizeOK, got.SizeProblems)
			}
			if got.Label != Label || got.RuleVersion == "" {
				t.Errorf("result is not labelled a pre-assessment")
			}
		})
	}
}

func TestGaps(t *testing.T) {
	// 5 of 60 staff (8.3 %), R&D 1.5 % of sales on 1000 万 revenue, one class-II IP.
	p := profile.Profile{Employees: 60, TechStaff: 5, RDRatio: 0.015, OtherIP: 1, RevenueWan: 1000}
	got := Assess(p, 2025)
	if got.Passed || got.Total != 6 {
		t.Fatalf("got passed %v total %d, want a fail at 6", got.Passed, got.Total)
	}
	want := []Gap{
		{Part: Staff, Reach: 4, Gain: 4, Providers: []string{"consulting"}, Text: Text{
			ZH: "再增加 2 名科技人员（占比达到 10%）可得 4 分",
			EN: "Add 2 more S&T staff (reaching 10% of employees) to score 4 points"}},
		{Part: RD, Reach: 10, Gain: 10, Providers: []string{"accounting"}, Text: Text{
			ZH: "研发费用占销售收入比例达到 2%，或占成本费用总额比例达到 10%，可得 10 分（按当前收入约需研发费用 20 万元）",
			EN: "Raise R&D spending to 2% of sales revenue, or 10% of total cost and expense, to score 10 points (about 20 wan yuan of R&D at current revenue)"}},
		{Part: IP, Reach: 12, Gain: 6, Providers: []string{"ip"}, Text: Text{
			ZH: "再增加 1 项二类知识产权（实用新型、外观设计、软件著作权）可得 12 分",
			EN: "Add 1 more class-II IP (utility model, design patent, software copyright) to score 12 points"}},
		{Part: IP, Reach: 30, Gain: 24, Providers: []string{"ip"}, Text: Text{
			ZH: "取得 1 项一类知识产权（如发明专利）可得 30 分",
			EN: "Obtain 1 class-I IP (such as an invention patent) to score 30 points"}},
	}
	if d := cmp.Diff(got.Gaps, want); d != "" {
		t.Errorf("gaps (-got +want):\n%s", d)
	}
	wantReasons := []string{"总分 6 分，距 60 分还差 54 分。", "科技人员占比低于 10%，该项为 0 分时不能通过评价。"}
	var reasons []string
	for _, r := range got.Reasons {
		reasons = append(reasons, r.ZH)
	}
	if d := cmp.Diff(reasons, wantReasons); d != "" {
		t.Errorf("reasons (-got +want):\n%s", d)
	}
}

func TestGapsAtTheTop(t *testing.T) {
	// Full marks on staff and IP leave only R&D to improve; a pass lists no gaps.
	p := profile.Profile{Employees: 10, TechStaff: 3, RDRatio: 0.01, Patents: 1}
	got := Assess(p, 2025)
	if got.Total != 50 || len(got.Gaps) != 1 || got.Gaps[0].Part != RD || got.Gaps[0].Reach != 10 {
		t.Errorf("got total %d gaps %+v; want 50 and one R&D gap to 10", got.Total, got.Gaps)
	}
	p.RDRatio = 0.02
	if got := Assess(p, 2025); !got.Passed || len(got.Gaps) != 0 {
		t.Errorf("a pass at %d lists gaps %+v", got.Total, got.Gaps)
	}
}

func TestHiresNeeded(t *testing.T) {
	for _, tc := range []struct{ tech, emp, bp, want int64 }{
		{5, 60, 1000, 2},   // 7/62 = 11.3 %, 6/61 = 9.8 %
		{0, 9, 1000, 1},    // 1/10
		{10, 100, 1000, 0}, // already there
		{29, 100, 3000, 2}, // 31/102 = 30.4 %, 30/101 = 29.7 %
		{0, 7, 3000, 3},    // 3/10
	} {
		if got := hiresNeeded(tc.tech, tc.emp, tc.bp); got != tc.want {
			t.Errorf("hiresNeeded(%d, %d, %d) = %d, want %d", tc.tech, tc.emp, tc.bp, got, tc.want)
		}
	}
}
