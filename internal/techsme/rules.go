package techsme

import (
	"fmt"
	"math"
	"sync"

	"fuhua/internal/policy"
	"fuhua/seed"
)

// The scoring rules live in the policy catalogue (seed/policies.json, programme
// "tech_sme"), where the policy engine evaluates them. This file reads from that
// programme the thresholds the gap finder and the reasons quote, so a correction
// to a threshold or a point value is one edit in the data.
//
// Source: 《科技型中小企业评价办法》 国科发政〔2017〕115号, 第六条 and 第七条, as laid
// out in /work/shared/reference/tech-sme-rules.md (§2, §3). The 2022 work guide
// (国科火字〔2022〕67号) changed the procedure, not these tiers.

// Code is the programme's code in the policy catalogue.
const Code = "tech_sme"

// The condition codes of the programme this package reads.
const (
	condEmployees = "size_employees"
	condRevenue   = "size_revenue"
	condAssets    = "size_assets"
	condRoute     = "route"
	condHighTech  = "direct_high_tech"
	condScore     = "score"
)

// tier is one row of a scoring table: a value at or above Min earns Points.
// Ratios are in basis points (1 % = 100), counts are plain counts.
type tier struct {
	Min    int64
	Points int
}

// table is a scoring table, best tier first; a value below every Min scores 0.
type table []tier

// ruleSet is the evaluation rule table as the gap finder and the reasons use it.
type ruleSet struct {
	programme *policy.Programme

	MaxEmployees int
	MaxRevenue   float64 // 万元
	MaxAssets    float64 // 万元

	Staff   table
	RDSales table
	RDCost  table
	// IP: class I (invention patents …) ≥ ClassIMin earns ClassI; otherwise class II
	// counts by ClassII.
	ClassIMin int64
	ClassI    int
	ClassII   table

	PassMark      int
	HighTechYears int
}

// rulesFor returns the rule set of the programme version in force in year (the
// earliest version before it exists, the latest after the last), read once per
// version.
func rulesFor(year int) *ruleSet {
	cat := seed.Policies()
	g, ok := cat.Get(Code, year)
	for i := range cat.Programmes { // no version in force: the latest before year, else the earliest
		p := &cat.Programmes[i]
		switch {
		case ok || p.Code != Code:
		case g == nil, p.From <= year && p.From > g.From, year < g.From && p.From < g.From:
			g = p
		}
	}
	if g == nil {
		panic("techsme: the policy catalogue has no " + Code + " programme") // embedded data: caught by every test
	}
	rulesMu.Lock()
	defer rulesMu.Unlock()
	if r, ok := rulesCache[g]; ok {
		return r
	}
	r, err := readRules(g)
	if err != nil {
		panic("techsme: " + err.Error()) // embedded data: caught by every test
	}
	rulesCache[g] = r
	return r
}

var (
	rulesMu    sync.Mutex
	rulesCache = map[*policy.Programme]*ruleSet{}
)

// readRules reads the thresholds out of the programme, checking it has the shape
// this package expects.
func readRules(g *policy.Programme) (*ruleSet, error) {
	r := &ruleSet{programme: g}
	find := func(cs []policy.Condition, code string) (*policy.Condition, error) {
		for i := range cs {
			if cs[i].Code == code {
				return &cs[i], nil
			}
		}
		return nil, fmt.Errorf("programme %s %s has no condition %q", g.Code, g.Version, code)
	}
	var errs []error
	get := func(cs []policy.Condition, code string) *policy.Condition {
		c, err := find(cs, code)
		if err != nil {
			errs = append(errs, err)
			return &policy.Condition{}
		}
		return c
	}
	r.MaxEmployees = int(get(g.Conditions, condEmployees).Value)
	r.MaxRevenue = get(g.Conditions, condRevenue).Value
	r.MaxAssets = get(g.Conditions, condAssets).Value
	route := get(g.Conditions, condRoute)
	r.HighTechYears = int(get(route.Of, condHighTech).Value)
	sc := get(route.Of, condScore)
	r.PassMark = sc.Pass
	parts := map[string]policy.Part{}
	for _, p := range sc.Parts {
		parts[p.Code] = p
	}
	toTable := func(part string, opt int, bp bool) table {
		p := parts[part]
		if opt >= len(p.Options) {
			errs = append(errs, fmt.Errorf("score part %q has no option %d", part, opt))
			return nil
		}
		var t table
		for _, row := range p.Options[opt].Table {
			m := row.Min
			if bp {
				m = math.Round(m * 100)
			}
			t = append(t, tier{Min: int64(m), Points: row.Points})
		}
		return t
	}
	r.Staff = toTable(string(Staff), 0, true)
	r.RDSales = toTable(string(RD), 0, true)
	r.RDCost = toTable(string(RD), 1, true)
	if ci := toTable(string(IP), 0, false); len(ci) == 1 {
		r.ClassIMin, r.ClassI = ci[0].Min, ci[0].Points
	} else {
		errs = append(errs, fmt.Errorf("score part ip: the class-I option must have one row"))
	}
	r.ClassII = toTable(string(IP), 1, false)
	if len(r.Staff) == 0 {
		errs = append(errs, fmt.Errorf("score part staff has no tiers"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%v", errs)
	}
	return r, nil
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
