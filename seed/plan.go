package seed

import (
	"fmt"
	"strconv"
	"strings"
)

// Basis says how a target's value relates to its period, because the plan mixes
// three kinds: "every year at least N", "N new over 2023–2025" and "N in place by
// 2025". Reading one as another is the easiest way to misreport the plan.
type Basis string

// The three bases.
const (
	// EachYear targets apply to every calendar year of the period on its own.
	EachYear Basis = "each_year"
	// PeriodTotal targets count what is new over the whole period, summed.
	PeriodTotal Basis = "period_total"
	// EndOfPeriod targets are a stock that must be in place by the end of To.
	EndOfPeriod Basis = "end_of_period"
)

// Indicator is one plan indicator: its fixed code (DESIGN.md), labels and unit.
type Indicator struct {
	Code   string `json:"code"`
	ZH     string `json:"zh"`
	EN     string `json:"en"`
	Unit   string `json:"unit"`
	UnitEN string `json:"unit_en"`
}

// Target is one number the plan sets, for the city (District "") or one district.
type Target struct {
	Indicator string  `json:"indicator"`
	District  string  `json:"district,omitempty"`
	Basis     Basis   `json:"basis"`
	From      int     `json:"from"`
	To        int     `json:"to"`
	Value     float64 `json:"value"`
	// AtLeast is true where the plan writes 以上 ("or more").
	AtLeast bool `json:"at_least,omitempty"`
	// Wording is the plan's own words for the number (a table cell such as
	// "500以上", or a phrase such as "力争达100家").
	Wording string `json:"wording"`
	// Source quotes where in the plan the number stands.
	Source string `json:"source"`
}

// TableRow is one row of the plan's target table, kept as the plan prints it.
type TableRow struct {
	No        int    `json:"no"`
	Label     string `json:"label"`
	Indicator string `json:"indicator"`
	Basis     Basis  `json:"basis"`
	// Cells are the row's cells as printed, in the table's column order.
	Cells []string `json:"cells"`
	// Text quotes the plan's body where it repeats the row's city target.
	Text string `json:"text,omitempty"`
}

// Table is the plan's 重点目标任务预期表: columns are district codes with "" for the
// city-wide column 全市.
type Table struct {
	Title        string     `json:"title"`
	Columns      []string   `json:"columns"`
	ColumnLabels []string   `json:"column_labels"`
	Rows         []TableRow `json:"rows"`
}

// ActionPlan is the city's three-year incubator plan as data: its indicators, the
// target table as printed, and every target (table cells and the body's targets)
// flattened into Targets.
type ActionPlan struct {
	Title      string      `json:"title"`
	Issuer     string      `json:"issuer"`
	Published  string      `json:"published"`
	From       int         `json:"from"`
	To         int         `json:"to"`
	Indicators []Indicator `json:"indicators"`
	Table      Table       `json:"table"`
	Targets    []Target    `json:"targets"`
	// Notes record where the plan's numbers disagree or need care; they are kept,
	// not fixed.
	Notes []string `json:"notes"`
}

// Plan returns the plan with the table's cells expanded into Targets: first the
// table (row by row, city then districts in the table's order), then the targets
// the plan's body sets.
func Plan() ActionPlan {
	var p ActionPlan
	load("plan.json", &p)
	body := p.Targets
	p.Targets = nil
	for _, row := range p.Table.Rows {
		if len(row.Cells) != len(p.Table.Columns) {
			panic(fmt.Sprintf("seed: plan.json: table row %d has %d cells for %d columns", row.No, len(row.Cells), len(p.Table.Columns)))
		}
		for i, cell := range row.Cells {
			v, atLeast := parseCell(cell)
			t := Target{
				Indicator: row.Indicator,
				District:  p.Table.Columns[i],
				Basis:     row.Basis,
				From:      p.From,
				To:        p.To,
				Value:     v,
				AtLeast:   atLeast,
				Wording:   cell,
				Source:    fmt.Sprintf("%s 第%d行“%s”，%s：%s", p.Table.Title, row.No, row.Label, p.Table.ColumnLabels[i], cell),
			}
			if i == 0 && row.Text != "" {
				t.Source += "；" + row.Text
			}
			p.Targets = append(p.Targets, t)
		}
	}
	p.Targets = append(p.Targets, body...)
	return p
}

// parseCell reads a table cell: a number, optionally followed by 以上.
func parseCell(cell string) (float64, bool) {
	num, atLeast := strings.CutSuffix(cell, "以上")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		panic(fmt.Sprintf("seed: plan.json: table cell %q is not a number", cell))
	}
	return v, atLeast
}

// Indicator returns the indicator with the given code.
func (p ActionPlan) Indicator(code string) (Indicator, bool) {
	for _, in := range p.Indicators {
		if in.Code == code {
			return in, true
		}
	}
	return Indicator{}, false
}

// TargetsFor returns the targets set for one district ("" for the city) that are
// in force in year: an EachYear target covers each year from From to To, the
// others the whole period (progress is measured as the period goes).
func (p ActionPlan) TargetsFor(district string, year int) []Target {
	var out []Target
	for _, t := range p.Targets {
		if t.District == district && t.From <= year && year <= t.To {
			out = append(out, t)
		}
	}
	return out
}
