package seed

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tableWant is the plan's 重点目标任务预期表 as read off the published text, cell by
// cell: 全市, then 东台市, 建湖县, 射阳县, 阜宁县, 滨海县, 响水县, 大丰区, 盐都区, 亭湖区,
// 市开发区, 盐南高新区.
var tableWant = map[string][12]float64{
	"new_provincial_carriers": {20, 2, 2, 1, 1, 1, 1, 2, 3, 2, 2, 3},
	"new_enclaves":            {30, 3, 2, 2, 2, 2, 2, 3, 4, 3, 2, 5},
	"new_incubated_firms":     {500, 60, 50, 50, 50, 40, 40, 55, 60, 50, 45, 50},
	"new_accelerators":        {14, 1, 2, 2, 1, 1, 1, 2, 1, 1, 1, 1},
}

// tableBasis is how each table row counts: rows 1, 2 and 4 are three-year totals,
// row 3 is per year.
var tableBasis = map[string]Basis{"new_provincial_carriers": PeriodTotal, "new_enclaves": PeriodTotal,
	"new_incubated_firms": EachYear, "new_accelerators": PeriodTotal}

// fromTable tells a target from the table apart from the body's targets on the same
// indicator (the body's "5家以上 each year" beside the table's 20 over three years).
func fromTable(x Target) bool { b, ok := tableBasis[x.Indicator]; return ok && x.Basis == b }

var tableColumns = []string{"", "dongtai", "jianhu", "sheyang", "funing", "binhai", "xiangshui", "dafeng",
	"yandu", "tinghu", "kaifaqu", "yannan"}

func tableTarget(t *testing.T, p ActionPlan, indicator, district string) Target {
	t.Helper()
	var found []Target
	for _, x := range p.Targets {
		if x.Indicator == indicator && x.District == district && fromTable(x) {
			found = append(found, x)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s/%q: got %d table targets, want 1: %+v", indicator, district, len(found), found)
	}
	return found[0]
}

func TestPlanTableCellByCell(t *testing.T) {
	p := Plan()
	if got := p.Table.Columns; !cmp.Equal(got, tableColumns) {
		t.Fatalf("table columns: %s", cmp.Diff(got, tableColumns))
	}
	for ind, row := range tableWant {
		for i, district := range tableColumns {
			got := tableTarget(t, p, ind, district)
			if got.Value != row[i] {
				t.Errorf("%s, column %q: got %g, want %g", ind, district, got.Value, row[i])
			}
			if got.From != 2023 || got.To != 2025 {
				t.Errorf("%s/%q: period %d-%d, want 2023-2025", ind, district, got.From, got.To)
			}
			if got.Source == "" {
				t.Errorf("%s/%q: no source quote", ind, district)
			}
		}
	}
}

func TestPlanTableBases(t *testing.T) {
	// Rows 1, 2 and 4 are three-year totals; row 3 is per year. Misreading this
	// makes every district look three times too good or too bad.
	want := map[int]Basis{1: PeriodTotal, 2: PeriodTotal, 3: EachYear, 4: PeriodTotal}
	for _, row := range Plan().Table.Rows {
		if row.Basis != want[row.No] {
			t.Errorf("row %d %s: basis %q, want %q", row.No, row.Indicator, row.Basis, want[row.No])
		}
	}
	city := tableTarget(t, Plan(), "new_incubated_firms", "")
	if !city.AtLeast || city.Wording != "500以上" {
		t.Errorf("city new_incubated_firms: at_least=%v wording=%q, want true and 500以上", city.AtLeast, city.Wording)
	}
	if d := tableTarget(t, Plan(), "new_incubated_firms", "dongtai"); d.AtLeast {
		t.Errorf("dongtai's cell has no 以上 but AtLeast is true")
	}
}

func TestPlanDistrictRowsSum(t *testing.T) {
	p := Plan()
	sums := map[string]float64{}
	city := map[string]float64{}
	for _, x := range p.Targets {
		if !fromTable(x) {
			continue
		}
		if x.District == "" {
			city[x.Indicator] = x.Value
		} else {
			sums[x.Indicator] += x.Value
		}
	}
	for _, ind := range []string{"new_provincial_carriers", "new_enclaves", "new_accelerators"} {
		if sums[ind] != city[ind] {
			t.Errorf("%s: districts sum to %g, city column says %g", ind, sums[ind], city[ind])
		}
	}
	// The plan's own row 3 does not add up: districts 550 a year, city "500以上".
	// Both are recorded as printed.
	if sums["new_incubated_firms"] != 550 || city["new_incubated_firms"] != 500 {
		t.Errorf("new_incubated_firms: districts %g (want 550), city %g (want 500)", sums["new_incubated_firms"], city["new_incubated_firms"])
	}
}

func TestPlanBodyTargets(t *testing.T) {
	type key struct {
		ind   string
		basis Basis
		from  int
		to    int
	}
	want := map[key]float64{
		{"new_provincial_carriers", EachYear, 2023, 2025}:       5,
		{"graduated_firms", EachYear, 2023, 2025}:               200,
		{"tech_sme_share", EachYear, 2023, 2023}:                60,
		{"tech_sme_share", EachYear, 2024, 2024}:                65,
		{"tech_sme_share", EachYear, 2025, 2025}:                70,
		{"provincial_carriers_total", EndOfPeriod, 2023, 2025}:  100,
		{"maker_spaces_total", EndOfPeriod, 2023, 2025}:         50,
		{"incubators_total", EndOfPeriod, 2023, 2025}:           100,
		{"enclaves_total", EndOfPeriod, 2023, 2025}:             30,
		{"benchmark_incubators_total", EndOfPeriod, 2023, 2025}: 3,
		{"finance_stations_total", EndOfPeriod, 2023, 2025}:     3,
	}
	got := map[key]float64{}
	p := Plan()
	for _, x := range p.Targets {
		if fromTable(x) {
			continue
		}
		if x.District != "" {
			t.Errorf("body target %s has district %q", x.Indicator, x.District)
		}
		if x.Source == "" || x.Wording == "" {
			t.Errorf("body target %s lacks wording or source", x.Indicator)
		}
		got[key{x.Indicator, x.Basis, x.From, x.To}] = x.Value
	}
	if d := cmp.Diff(got, want, cmp.AllowUnexported(key{})); d != "" {
		t.Errorf("body targets (-got +want):\n%s", d)
	}
}

func TestPlanIndicatorsAreTheFixedCodes(t *testing.T) {
	p := Plan()
	var got []string
	for _, in := range p.Indicators {
		got = append(got, in.Code)
		if in.ZH == "" || in.EN == "" || in.Unit == "" {
			t.Errorf("indicator %s lacks a label or unit", in.Code)
		}
	}
	want := []string{"new_provincial_carriers", "new_enclaves", "new_incubated_firms", "new_accelerators",
		"graduated_firms", "tech_sme_share", "provincial_carriers_total", "maker_spaces_total", "incubators_total",
		"enclaves_total", "benchmark_incubators_total", "finance_stations_total"}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("indicator codes (-got +want):\n%s", d)
	}
	for _, x := range p.Targets {
		if _, ok := p.Indicator(x.Indicator); !ok {
			t.Errorf("target names unknown indicator %q", x.Indicator)
		}
	}
}

func TestPlanTargetsForYear(t *testing.T) {
	p := Plan()
	// 2024 for the city: 4 table rows + 5/year carriers + 200 graduates + the 2024
	// share + 6 stocks = 13.
	if got := len(p.TargetsFor("", 2024)); got != 13 {
		t.Errorf("city 2024: %d targets, want 13", got)
	}
	if got := len(p.TargetsFor("yannan", 2024)); got != 4 {
		t.Errorf("yannan 2024: %d targets, want 4", got)
	}
	if got := len(p.TargetsFor("", 2026)); got != 0 {
		t.Errorf("city 2026: %d targets, want 0 (the plan ends in 2025)", got)
	}
}
