package techsme

// This file is the one place the scoring rules live. A correction to a threshold or
// a point value is one edit here; the scorer, the gap finder and the tests read it.
//
// Source: 《科技型中小企业评价办法》 国科发政〔2017〕115号, 第六条 and 第七条, as laid
// out in /work/shared/reference/tech-sme-rules.md (§2, §3). The 2022 work guide
// (国科火字〔2022〕67号) changed the procedure, not these tiers.

// RuleVersion names the rule text this package implements.
const RuleVersion = "v2017 (国科发政〔2017〕115号)"

// tier is one row of a scoring table: a value at or above Min earns Points.
// Ratios are in basis points (1 % = 100), counts are plain counts.
type tier struct {
	Min    int64
	Points int
}

// table is a scoring table, best tier first; a value below every Min scores 0.
type table []tier

// rules is the evaluation rule table.
var rules = struct {
	// Size gate (E2), all inclusive ("不超过").
	MaxEmployees int
	MaxRevenue   float64 // 万元
	MaxAssets    float64 // 万元

	// Staff: tech_staff / employees.
	Staff    table
	StaffMax int
	// R&D: the better of R&D / sales revenue and R&D / total cost and expense.
	RDSales table
	RDCost  table
	RDMax   int
	// IP: class I (invention patents …) ≥ ClassIMin earns ClassI; otherwise class II
	// counts by ClassII. Class I and II are not added together.
	ClassIMin int64
	ClassI    int
	ClassII   table
	IPMax     int

	// Pass: total ≥ PassMark and a non-zero staff score; or a valid high-tech
	// enterprise certificate (direct confirmation D1), which lasts HighTechYears
	// calendar years counting the year it was granted.
	PassMark      int
	HighTechYears int
}{
	MaxEmployees: 500,
	MaxRevenue:   20000,
	MaxAssets:    20000,

	Staff:    table{{3000, 20}, {2500, 16}, {2000, 12}, {1500, 8}, {1000, 4}},
	StaffMax: 20,
	RDSales:  table{{600, 50}, {500, 40}, {400, 30}, {300, 20}, {200, 10}},
	RDCost:   table{{3000, 50}, {2500, 40}, {2000, 30}, {1500, 20}, {1000, 10}},
	RDMax:    50,

	ClassIMin: 1,
	ClassI:    30,
	ClassII:   table{{4, 24}, {3, 18}, {2, 12}, {1, 6}},
	IPMax:     30,

	PassMark:      60,
	HighTechYears: 3,
}

// score returns the points v earns in t.
func (t table) score(v int64) int {
	for _, r := range t {
		if v >= r.Min {
			return r.Points
		}
	}
	return 0
}

// next returns the lowest tier that earns more than points, if any.
func (t table) next(points int) (tier, bool) {
	for i := len(t) - 1; i >= 0; i-- {
		if t[i].Points > points {
			return t[i], true
		}
	}
	return tier{}, false
}
