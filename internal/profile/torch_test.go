package profile

import (
	"strings"
	"testing"
)

func TestTorchValidation(t *testing.T) {
	cat := Catalog{Districts: NewCodeSet("district", "yannan", "盐南高新区"), Chains: NewCodeSet("chain", "ic", "集成电路")}
	neg, big, yr := -1, 2_000_000, 1999
	money := -5.0
	for name, tc := range map[string]struct {
		t     *TorchRecord
		field string
	}{
		"none":              {nil, ""},
		"empty":             {&TorchRecord{}, ""},
		"good":              {&TorchRecord{ReportYear: 2024, TechField: "energy", RegistrationType: "170", FounderGender: "female"}, ""},
		"negative staff":    {&TorchRecord{StaffCollege: &neg}, "torch.staff_college"},
		"too many patents":  {&TorchRecord{InventionPatents: &big}, "torch.invention_patents"},
		"negative rd":       {&TorchRecord{RDSpendWan: &money}, "torch.rd_spend_wan"},
		"loss is fine":      {&TorchRecord{NetProfitWan: &money}, ""},
		"tech field":        {&TorchRecord{TechField: "ai"}, "torch.tech_field"},
		"registration type": {&TorchRecord{RegistrationType: "999"}, "torch.registration_type"},
		"gender":            {&TorchRecord{FounderGender: "x"}, "torch.founder_gender"},
		"report year":       {&TorchRecord{ReportYear: yr}, "torch.report_year"},
	} {
		p := Profile{Kind: Startup, Name: "企业", Torch: tc.t}
		err := p.Validate(cat)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		e, ok := AsError(err)
		if !ok || e.Field != tc.field || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: %v, want invalid %s", name, err, tc.field)
		}
		if name == "tech field" && !strings.Contains(e.EN, "electronics") {
			t.Errorf("the valid fields are not listed: %s", e.EN)
		}
	}
}

func TestTorchWarnings(t *testing.T) {
	i := func(x int) *int { return &x }
	f := func(x float64) *float64 { return &x }
	for name, tc := range map[string]struct {
		p    Profile
		want []string
	}{
		"no record":           {Profile{Employees: 5}, nil},
		"at the limit":        {Profile{Employees: 5, RevenueWan: 100, Torch: &TorchRecord{StaffCollege: i(5), RDSpendWan: f(100)}}, nil},
		"staff above":         {Profile{Employees: 5, Torch: &TorchRecord{StaffCollege: i(6)}}, []string{"torch.staff_college"}},
		"rd above revenue":    {Profile{RevenueWan: 100, Torch: &TorchRecord{RDSpendWan: f(100.5)}}, []string{"torch.rd_spend_wan"}},
		"revenue not stated":  {Profile{Torch: &TorchRecord{RDSpendWan: f(100)}}, nil},
		"doctorates":          {Profile{Employees: 10, Torch: &TorchRecord{StaffDoctorate: i(3), StaffCollege: i(2)}}, []string{"torch.staff_doctorate"}},
		"financing":           {Profile{Torch: &TorchRecord{FinancingYearWan: f(10), FinancingTotalWan: f(9)}}, []string{"torch.financing_year_wan"}},
		"invention > class I": {Profile{Patents: 1, Torch: &TorchRecord{InventionPatents: i(2)}}, []string{"torch.invention_patents"}},
	} {
		var got []string
		for _, w := range tc.p.TorchWarnings() {
			got = append(got, w.Field)
			if w.ZH == "" || w.EN == "" {
				t.Errorf("%s: warning without zh or en", name)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}
