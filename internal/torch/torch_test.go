package torch

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/evaluation"
	"fuhua/internal/intro"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
)

func f(x float64) *float64 { return &x }
func n(x int) *int         { return &x }
func b(x bool) *bool       { return &x }

func TestBuildRowsUnitsAndAggregates(t *testing.T) {
	c := profile.Profile{ID: "c", Kind: profile.Carrier, Name: "甲孵化器", Type: "incubator"}
	d := &evaluation.Data{
		Carriers: []profile.Profile{c},
		Startups: []profile.Profile{
			{ID: "a", Kind: profile.Startup, Name: "甲", CarrierID: "c", IncubatedSince: "2023-01-01", Employees: 10, RevenueWan: 120.5,
				Patents: 2, OtherIP: 1, TechSME: &profile.YearResult{Year: 2024, Passed: true},
				Torch: &profile.TorchRecord{RDSpendWan: f(12.5), FinancingTotalWan: f(600), StaffDoctorate: n(12), FreshGraduates: n(3),
					FounderStudent: b(true), TechField: "electronics", RegistrationType: "150", HasMentor: b(false)}},
			{ID: "b", Kind: profile.Startup, Name: "乙", CarrierID: "c", IncubatedSince: "2024-03-01", GraduatedOn: "2024-10-01",
				HighTech: &profile.YearResult{Year: 2024, Passed: true}},
			{ID: "x", Kind: profile.Startup, Name: "丙", CarrierID: "c", IncubatedSince: "2025-01-01"},
		},
		Services: []mentor.Service{{ID: "sv", MentorID: "m", StartupID: "b", Date: "2024-05-01", Kind: "coaching"}},
		Intros: []intro.Introduction{{ID: "i", State: intro.Accepted, From: profile.Ref{Kind: profile.Startup, ID: "a"},
			To: profile.Ref{Kind: profile.Investor, ID: "v"}, Outcomes: []intro.Outcome{{Kind: "invested", Date: "2024-02-01"}}}},
	}
	r := Build(d, &c, 2024)
	if r.Columns[0].ZH != "企业名称" || r.Columns[1].ZH != "统一社会信用代码" || r.Columns[len(r.Columns)-1].Key != "warnings" {
		t.Fatalf("columns out of the form's order: %+v", r.Columns[:2])
	}
	for _, col := range r.Columns {
		switch col.Key {
		case "financing_total", "registered_capital", "revenue", "net_profit", "rd_spend", "tax":
			if col.Unit != "千元" {
				t.Errorf("%s in %q, want 千元", col.Key, col.Unit)
			}
		}
	}
	if len(r.Rows) != 2 {
		t.Fatalf("rows: %+v", r.Rows)
	}
	a, bb := r.Rows[0].Values, r.Rows[1].Values
	// 万元 × 10 = 千元.
	for key, want := range map[string]any{"revenue": 1205.0, "rd_spend": 125.0, "financing_total": 6000.0, "net_profit": nil,
		"tech_field": "电子信息", "registration_type": "有限责任公司", "has_mentor": "否", "founder_student": "是", "founder_serial": nil,
		"graduated": "否", "employees": 10} {
		if diff := cmp.Diff(a[key], want); diff != "" {
			t.Errorf("a.%s (-got +want): %s", key, diff)
		}
	}
	if len(r.Rows[0].Warnings) != 1 || r.Rows[0].Warnings[0].Field != "torch.staff_doctorate" || a["warnings"] == "" {
		t.Errorf("12 doctorates among 10 employees should warn: %+v", r.Rows[0].Warnings)
	}
	// b states nothing: blanks, and the mentor relation comes from the service log.
	if bb["revenue"] != nil || bb["employees"] != nil || bb["has_mentor"] != "是" || bb["graduated"] != "是" || bb["high_tech"] != "是" {
		t.Errorf("b: %+v", bb)
	}
	if diff := cmp.Diff(r.Rows[1].Derived, []string{"has_mentor"}); diff != "" {
		t.Errorf("derived: %s", diff)
	}
	got := map[string]Aggregate{}
	for _, ag := range r.Aggregates {
		got[ag.Code] = ag
	}
	for code, want := range map[string]float64{"incubatees": 2, "new_incubatees": 1, "graduated_year": 1, "graduates_total": 1,
		"financed_firms": 1, "mentors": 1, "tech_sme_firms": 1, "high_tech_firms": 1, "employees": 10, "revenue": 1205,
		"rd_spend": 125, "valid_ip": 3, "founded_by_students": 1, "fresh_graduates": 3} {
		if got[code].Value != want {
			t.Errorf("%s = %g, want %g", code, got[code].Value, want)
		}
	}
	if ag := got["revenue"]; ag.Reporting == nil || *ag.Reporting != 1 || *ag.Of != 2 {
		t.Errorf("revenue should say 1 of 2 firms reported: %+v", ag)
	}
}
