package policy

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

func on(s string) Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return Date{t}
}

// state is an outcome in one word: met, close, unmet or unknown.
func state(o Outcome) string {
	switch {
	case o.Met == nil:
		return "unknown"
	case *o.Met:
		return "met"
	case o.Close:
		return "close"
	}
	return "unmet"
}

func eval1(c Condition, p profile.Profile, d string) Outcome { return evaluate(&c, &p, on(d)) }

func f(v float64) *float64 { return &v }

func TestCompareBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Condition
		p    profile.Profile
		want string
	}{
		{">= at the threshold", Condition{Kind: Compare, Metric: "employees", Op: ">=", Value: 10}, profile.Profile{Employees: 10}, "met"},
		{">= one below", Condition{Kind: Compare, Metric: "employees", Op: ">=", Value: 10}, profile.Profile{Employees: 9}, "unmet"},
		{"> at the threshold", Condition{Kind: Compare, Metric: "employees", Op: ">", Value: 10}, profile.Profile{Employees: 10}, "unmet"},
		{"> one above", Condition{Kind: Compare, Metric: "employees", Op: ">", Value: 10}, profile.Profile{Employees: 11}, "met"},
		{"<= at the threshold", Condition{Kind: Compare, Metric: "revenue_wan", Op: "<=", Value: 20000}, profile.Profile{RevenueWan: 20000}, "met"},
		{"<= a cent above", Condition{Kind: Compare, Metric: "revenue_wan", Op: "<=", Value: 20000}, profile.Profile{RevenueWan: 20000.01}, "unmet"},
		{"< at the threshold", Condition{Kind: Compare, Metric: "revenue_wan", Op: "<", Value: 5000}, profile.Profile{RevenueWan: 5000}, "unmet"},
		{"< just below", Condition{Kind: Compare, Metric: "revenue_wan", Op: "<", Value: 5000}, profile.Profile{RevenueWan: 4999.9}, "met"},
		{"== equal", Condition{Kind: Compare, Metric: "patents", Op: "==", Value: 3}, profile.Profile{Patents: 3}, "met"},
		{"== other", Condition{Kind: Compare, Metric: "patents", Op: "==", Value: 3}, profile.Profile{Patents: 4}, "unmet"},
		// Shares compare in whole basis points: 0.1 + 0.2 is 30 %, 9.99 % is below 10 %.
		{"share 30 % as 0.1+0.2", Condition{Kind: Compare, Metric: "rd_cost_ratio", Op: ">=", Value: 30}, profile.Profile{RDCostRatio: 0.1 + 0.2}, "met"},
		{"share 9.99 %", Condition{Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 10}, profile.Profile{RDRatio: 0.0999}, "unmet"},
		{"share 10 %", Condition{Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 10}, profile.Profile{RDRatio: 0.1}, "met"},
		{"staff share exactly 10 %", Condition{Kind: Compare, Metric: "tech_staff_share", Op: ">=", Value: 10}, profile.Profile{Employees: 50, TechStaff: 5}, "met"},
		{"staff share 9.8 %", Condition{Kind: Compare, Metric: "tech_staff_share", Op: ">=", Value: 10}, profile.Profile{Employees: 51, TechStaff: 5}, "unmet"},
		{"staff share without a headcount", Condition{Kind: Compare, Metric: "tech_staff_share", Op: ">=", Value: 10}, profile.Profile{TechStaff: 5}, "unknown"},
		{"zero is a value", Condition{Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 3}, profile.Profile{}, "unmet"},
		{"zero_unknown reads zero as not filled in", Condition{Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 3, ZeroUnknown: true}, profile.Profile{}, "unknown"},
		{"ip_total adds both classes", Condition{Kind: Compare, Metric: "ip_total", Op: ">=", Value: 3}, profile.Profile{Patents: 1, OtherIP: 2}, "met"},
		// Close by percent: within 20 % of 10 % is 8 % and up.
		{"close pct at the edge", Condition{Kind: Compare, Metric: "tech_staff_share", Op: ">=", Value: 10, Close: &Gap{Pct: 20}}, profile.Profile{Employees: 100, TechStaff: 8}, "close"},
		{"close pct past the edge", Condition{Kind: Compare, Metric: "tech_staff_share", Op: ">=", Value: 10, Close: &Gap{Pct: 20}}, profile.Profile{Employees: 10000, TechStaff: 799}, "unmet"},
		{"close pct on money", Condition{Kind: Compare, Metric: "area_sqm", Op: ">=", Value: 10000, Close: &Gap{Pct: 20}}, profile.Profile{AreaSqm: 8000}, "close"},
		{"close pct on money, below", Condition{Kind: Compare, Metric: "area_sqm", Op: ">=", Value: 10000, Close: &Gap{Pct: 20}}, profile.Profile{AreaSqm: 7999}, "unmet"},
		// Close by items: one short.
		{"one item short", Condition{Kind: Compare, Metric: "ip_total", Op: ">=", Value: 2, Close: &Gap{Abs: 1}}, profile.Profile{OtherIP: 1}, "close"},
		{"two items short", Condition{Kind: Compare, Metric: "ip_total", Op: ">=", Value: 2, Close: &Gap{Abs: 1}}, profile.Profile{}, "unmet"},
		{"abs on a share is in percent", Condition{Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 4, Close: &Gap{Abs: 1}}, profile.Profile{RDRatio: 0.03}, "close"},
		{"abs on a share, past it", Condition{Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 4, Close: &Gap{Abs: 1}}, profile.Profile{RDRatio: 0.0299}, "unmet"},
		{"met is never close", Condition{Kind: Compare, Metric: "ip_total", Op: ">=", Value: 1, Close: &Gap{Abs: 1}}, profile.Profile{Patents: 1}, "met"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := state(eval1(tc.c, tc.p, "2025-06-30")); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestHaveAndNeedTexts(t *testing.T) {
	c := Condition{Code: "rd", ZH: "研发", EN: "R&D", Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 4}
	got := eval1(c, profile.Profile{RDRatio: 0.031}, "2025-06-30")
	want := Outcome{Code: "rd", ZH: "研发", EN: "R&D", Met: met(false),
		Have: Text{ZH: "研发费用占销售收入比例 3.1%", EN: "R&D spending / sales revenue 3.1%"},
		Need: Text{ZH: "需 ≥ 4%", EN: "needs ≥ 4%"}}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("(-got +want)\n%s", d)
	}
}

func TestBandBoundaries(t *testing.T) {
	// The high-tech enterprise R&D rule: 5 % up to 5,000 万元 of revenue (inclusive),
	// 4 % up to 2 亿元, 3 % above.
	c := Condition{Kind: Banded, Metric: "rd_ratio", Op: ">=", By: "revenue_wan", ZeroUnknown: true,
		Bands: []Band{{UpTo: f(5000), Value: 5}, {UpTo: f(20000), Value: 4}, {Value: 3}}}
	for _, tc := range []struct {
		revenue, rd float64
		want        string
	}{
		{4999, 0.05, "met"}, {4999, 0.0499, "unmet"},
		{5000, 0.05, "met"}, {5000, 0.0499, "unmet"}, // 5,000 万 is still the first band
		{5000.1, 0.04, "met"}, {5000.1, 0.0399, "unmet"},
		{20000, 0.04, "met"}, {20000, 0.0399, "unmet"},
		{20000.1, 0.03, "met"}, {20000.1, 0.0299, "unmet"},
		{0, 0.08, "unknown"}, // no revenue: the band cannot be told
		{3000, 0, "unknown"}, // no R&D figure
	} {
		p := profile.Profile{RevenueWan: tc.revenue, RDRatio: tc.rd}
		if got := state(eval1(c, p, "2025-06-30")); got != tc.want {
			t.Errorf("revenue %g, R&D %g: got %s, want %s", tc.revenue, tc.rd, got, tc.want)
		}
	}
	o := eval1(c, profile.Profile{RevenueWan: 8000, RDRatio: 0.031}, "2025-06-30")
	if o.Need.ZH != "需 ≥ 4%（年销售收入 ≤ 20000 万元）" || o.Have.ZH != "研发费用占销售收入比例 3.1%" {
		t.Errorf("texts: have %q need %q", o.Have.ZH, o.Need.ZH)
	}
	if o := eval1(c, profile.Profile{RevenueWan: 30000, RDRatio: 0.01}, "2025-06-30"); o.Need.ZH != "需 ≥ 3%（年销售收入 > 20000 万元）" {
		t.Errorf("open band text: %q", o.Need.ZH)
	}
}

func TestAgeBoundaries(t *testing.T) {
	c := Condition{Kind: Age, Metric: "founded", Op: ">=", Value: 1, Close: &Gap{Abs: 0.25}}
	for _, tc := range []struct {
		founded, on, want string
	}{
		{"2024-06-30", "2025-06-30", "met"},     // exactly a year
		{"2024-07-01", "2025-06-30", "close"},   // a day short: 11 whole months
		{"2024-09-30", "2025-06-30", "close"},   // 9 months: within a quarter
		{"2024-10-01", "2025-06-30", "unmet"},   // 8 whole months
		{"2024-02-29", "2025-02-28", "close"},   // leap day: 11 whole months by the calendar
		{"2026-01-01", "2025-06-30", "unmet"},   // a future date
		{"", "2025-06-30", "unknown"},           // not filled in
		{"2024-13-01", "2025-06-30", "unknown"}, // not a date
	} {
		if got := state(eval1(c, profile.Profile{Founded: tc.founded}, tc.on)); got != tc.want {
			t.Errorf("founded %q on %s: got %s, want %s", tc.founded, tc.on, got, tc.want)
		}
	}
	young := Condition{Kind: Age, Metric: "founded", Op: "<=", Value: 5}
	for _, tc := range []struct{ founded, want string }{{"2020-06-30", "met"}, {"2020-06-29", "met"}, {"2020-05-30", "unmet"}} {
		// 2020-06-29 → 2025-06-30 is 60 whole months; 2020-05-30 is 61.
		if got := state(eval1(young, profile.Profile{Founded: tc.founded}, "2025-06-30")); got != tc.want {
			t.Errorf("at most 5 years, founded %s: got %s, want %s", tc.founded, got, tc.want)
		}
	}
}

func TestMonthsBetween(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2024-01-31", "2024-02-29", 0}, {"2024-01-31", "2024-03-31", 2}, {"2024-01-15", "2024-01-14", 0},
		{"2024-03-15", "2024-01-16", -1}, {"2024-03-15", "2024-01-15", -2}, {"2023-06-30", "2025-06-30", 24},
	} {
		if got := monthsBetween(on(tc.a).Time, on(tc.b).Time); got != tc.want {
			t.Errorf("monthsBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFlagInAndCert(t *testing.T) {
	falsy := false
	for _, tc := range []struct {
		name string
		c    Condition
		p    profile.Profile
		want string
	}{
		{"flag true", Condition{Kind: Flag, Metric: "benchmark"}, profile.Profile{Benchmark: true}, "met"},
		{"flag false", Condition{Kind: Flag, Metric: "benchmark"}, profile.Profile{}, "unmet"},
		{"flag wanted false", Condition{Kind: Flag, Metric: "benchmark", Want: &falsy}, profile.Profile{}, "met"},
		{"in: listed", Condition{Kind: In, Metric: "district", Values: []string{"yannan", "tinghu"}}, profile.Profile{District: "tinghu"}, "met"},
		{"in: not listed", Condition{Kind: In, Metric: "district", Values: []string{"yannan"}}, profile.Profile{District: "tinghu"}, "unmet"},
		{"in: empty is unmet", Condition{Kind: In, Metric: "district", Values: []string{"yannan"}}, profile.Profile{}, "unmet"},
		{"in: empty with zero_unknown", Condition{Kind: In, Metric: "stage", Values: []string{"seed"}, ZeroUnknown: true}, profile.Profile{}, "unknown"},
		{"in: any code of a list", Condition{Kind: In, Metric: "services", Values: []string{"finance"}}, profile.Profile{Services: []string{"space", "finance"}}, "met"},
		{"in: none of a list", Condition{Kind: In, Metric: "services", Values: []string{"finance"}}, profile.Profile{Services: []string{"space"}}, "unmet"},
		{"cert: none", Condition{Kind: Cert, Metric: "high_tech", Value: 3}, profile.Profile{}, "unmet"},
		{"cert: not passed", Condition{Kind: Cert, Metric: "high_tech", Value: 3}, profile.Profile{HighTech: &profile.YearResult{Year: 2025}}, "unmet"},
		{"cert: granted this year", Condition{Kind: Cert, Metric: "high_tech", Value: 3}, profile.Profile{HighTech: &profile.YearResult{Year: 2025, Passed: true}}, "met"},
		{"cert: third year", Condition{Kind: Cert, Metric: "high_tech", Value: 3}, profile.Profile{HighTech: &profile.YearResult{Year: 2023, Passed: true}}, "met"},
		{"cert: fourth year", Condition{Kind: Cert, Metric: "high_tech", Value: 3}, profile.Profile{HighTech: &profile.YearResult{Year: 2022, Passed: true}}, "unmet"},
		{"cert: granted later", Condition{Kind: Cert, Metric: "high_tech", Value: 3}, profile.Profile{HighTech: &profile.YearResult{Year: 2026, Passed: true}}, "unmet"},
		{"lacking", Condition{Kind: Lacking, Need: &Text{ZH: "x", EN: "x"}}, profile.Profile{}, "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := state(eval1(tc.c, tc.p, "2025-06-30")); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	c := Condition{Kind: Score, Pass: 60, Require: []string{"staff"}, Close: &Gap{Abs: 10}, Parts: []Part{
		{Code: "staff", ZH: "科技人员", EN: "staff", Options: []Option{{Metric: "tech_staff_share", Table: []Row{{30, 20}, {10, 4}}}}},
		{Code: "rd", ZH: "研发", EN: "R&D", Options: []Option{
			{Metric: "rd_ratio", Table: []Row{{6, 50}, {2, 10}}},
			{Metric: "rd_cost_ratio", Table: []Row{{30, 50}, {10, 10}}}}},
		{Code: "ip", ZH: "成果", EN: "IP", Options: []Option{{Metric: "patents", Table: []Row{{1, 30}}}}},
	}}
	for _, tc := range []struct {
		name   string
		p      profile.Profile
		points int
		want   string
		metric string
	}{
		{"54 is six short: close", profile.Profile{Employees: 10, TechStaff: 1, RDRatio: 0.06, Patents: 0, OtherIP: 0}, 54, "close", "rd_ratio"},
		{"60", profile.Profile{Employees: 10, TechStaff: 3, RDRatio: 0.02, Patents: 1}, 60, "met", "rd_ratio"},
		{"59 by one tier short", profile.Profile{Employees: 10, TechStaff: 3, RDRatio: 0.0199, Patents: 1}, 50, "close", "rd_ratio"},
		{"49 is not close", profile.Profile{Employees: 10, TechStaff: 1, RDRatio: 0.02, Patents: 1}, 44, "unmet", "rd_ratio"},
		{"a zero required part fails at 80", profile.Profile{Employees: 10, TechStaff: 0, RDRatio: 0.06, Patents: 1}, 80, "unmet", "rd_ratio"},
		{"the better option wins", profile.Profile{Employees: 10, TechStaff: 3, RDRatio: 0.02, RDCostRatio: 0.3, Patents: 1}, 100, "met", "rd_cost_ratio"},
		{"a tie keeps the first option", profile.Profile{Employees: 10, TechStaff: 3, RDRatio: 0.06, RDCostRatio: 0.3}, 70, "met", "rd_ratio"},
		{"no headcount scores nothing for staff", profile.Profile{TechStaff: 3, RDRatio: 0.06, Patents: 1}, 80, "unmet", "rd_ratio"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := eval1(c, tc.p, "2025-06-30")
			if o.Points != tc.points || state(o) != tc.want || o.Parts[1].Metric != tc.metric {
				t.Errorf("got %d points, %s, R&D by %s; want %d, %s, %s", o.Points, state(o), o.Parts[1].Metric, tc.points, tc.want, tc.metric)
			}
		})
	}
}

func TestGroupsAndStatus(t *testing.T) {
	metC := Condition{Code: "a", Kind: Compare, Metric: "patents", Op: ">=", Value: 1}                         // Patents 1
	closeC := Condition{Code: "b", Kind: Compare, Metric: "other_ip", Op: ">=", Value: 2, Close: &Gap{Abs: 1}} // OtherIP 1
	farC := Condition{Code: "c", Kind: Compare, Metric: "employees", Op: ">=", Value: 100}                     // Employees 5
	unkC := Condition{Code: "d", Kind: Lacking, Need: &Text{ZH: "x", EN: "x"}}
	p := profile.Profile{Patents: 1, OtherIP: 1, Employees: 5}
	any := func(cs ...Condition) Condition { return Condition{Code: "g", Kind: Any, Of: cs} }
	all := func(cs ...Condition) Condition { return Condition{Code: "g", Kind: All, Of: cs} }
	for _, tc := range []struct {
		name string
		c    Condition
		want string
	}{
		{"any: one met", any(farC, metC), "met"},
		{"any: unknown beats unmet", any(farC, unkC), "unknown"},
		{"any: close member", any(farC, closeC), "close"},
		{"any: all far", any(farC, farC), "unmet"},
		{"all: all met", all(metC, metC), "met"},
		{"all: one far", all(metC, farC, closeC), "unmet"},
		{"all: one close", all(metC, closeC), "close"},
		{"all: close and unknown", all(closeC, unkC), "close"},
		{"all: unknown", all(metC, unkC), "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := state(eval1(tc.c, p, "2025-06-30")); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	if o := eval1(any(farC, metC, metC), p, "2025-06-30"); o.Branch != "a" {
		t.Errorf("branch %q, want the first member met", o.Branch)
	}

	for _, tc := range []struct {
		name string
		cs   []Condition
		want Status
	}{
		{"all met", []Condition{metC}, Eligible},
		{"one close", []Condition{metC, closeC}, Close},
		{"close and lacking data", []Condition{closeC, unkC}, Close},
		{"close and an empty field", []Condition{closeC, unkC, {Code: "e", Kind: Compare, Metric: "rd_ratio", Op: ">=", Value: 3, ZeroUnknown: true}}, Unknown},
		{"close and an empty field inside a group", []Condition{closeC, all(metC, Condition{Code: "e", Kind: Age, Metric: "founded", Op: ">=", Value: 1})}, Unknown},
		{"close and lacking inside a group", []Condition{closeC, any(farC, unkC)}, Close},
		{"one unknown", []Condition{metC, unkC}, Unknown},
		{"one far beats everything", []Condition{metC, closeC, unkC, farC}, NotEligible},
	} {
		g := &Programme{Code: "x", Conditions: tc.cs}
		if got := Evaluate(g, &p, on("2025-06-30")).Status; got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestProviders(t *testing.T) {
	g := &Programme{Code: "x", Conditions: []Condition{
		{Code: "ip", Kind: Compare, Metric: "patents", Op: ">=", Value: 1, Provider: "ip"},
		{Code: "met", Kind: Compare, Metric: "employees", Op: ">=", Value: 1, Provider: "law"},
		{Code: "grp", Kind: Any, Provider: "finance", Of: []Condition{
			{Code: "m1", Kind: Compare, Metric: "other_ip", Op: ">=", Value: 5, Provider: "ip"},
			{Code: "m2", Kind: Lacking, Need: &Text{ZH: "x", EN: "x"}, Provider: "accounting"}}},
		{Code: "sc", Kind: Score, Pass: 10, Parts: []Part{
			{Code: "a", ZH: "a", EN: "a", Provider: "consulting", Options: []Option{{Metric: "seats", Table: []Row{{1, 5}}}}},
			{Code: "b", ZH: "b", EN: "b", Provider: "testing", Options: []Option{{Metric: "employees", Table: []Row{{1, 5}}}}}}},
	}}
	got := Evaluate(g, &profile.Profile{Employees: 3}, on("2025-06-30")).Providers()
	want := []string{"ip", "finance", "accounting", "consulting"} // law is met; testing's part is full
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("(-got +want)\n%s", d)
	}
}
