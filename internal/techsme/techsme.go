// Package techsme pre-assesses a startup against the national technology-based SME
// evaluation (科技型中小企业评价办法): the size gate, the 100-point score and direct
// confirmation by a high-tech enterprise certificate. It tells the founder what is
// missing and which kind of service provider could help close each gap.
//
// The rules are the "tech_sme" programme of the policy catalogue (seed/policies.json)
// and the policy engine (internal/policy) evaluates them; this package turns the
// engine's outcome into the detailed result the tech-SME page shows (points per
// part, the next tier of each part and how far away it is). It must not know HTTP
// or the database.
//
// It is a pre-assessment from the profile's own figures: the official result is the
// provincial publication and the registration number, and eligibility conditions the
// profile does not hold (E1, E3, E4, D2–D4 of the reference) are assumed met.
package techsme

import (
	"fmt"
	"math"
	"strconv"

	"fuhua/internal/policy"
	"fuhua/internal/profile"
)

// Part names one scored part of the evaluation, or the size gate.
type Part string

// The parts.
const (
	Size  Part = "size"
	Staff Part = "staff"
	RD    Part = "rd"
	IP    Part = "ip"
)

// Route says how a firm passes.
type Route string

// The routes; RouteNone means it does not pass.
const (
	RouteNone     Route = ""
	RouteScore    Route = "score"
	RouteHighTech Route = "high_tech"
)

// R&D measures, named after the profile fields they come from.
const (
	MeasureSales = "rd_ratio"      // R&D expense / sales revenue
	MeasureCost  = "rd_cost_ratio" // R&D expense / total cost and expense
)

// Text is a sentence in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// PartScore is the score of one part.
type PartScore struct {
	Points int `json:"points"`
	Max    int `json:"max"`
	// RatioBP is the measured ratio in basis points (1 % = 100) for staff and R&D.
	RatioBP int64 `json:"ratio_bp,omitempty"`
	// Measure is the R&D measure that scored (MeasureSales or MeasureCost).
	Measure string `json:"measure,omitempty"`
}

// Gap is one step that would raise a part's score, and who could help take it.
type Gap struct {
	Part Part `json:"part"`
	// Reach is the part's points after the step; Gain what the step adds.
	Reach int `json:"reach"`
	Gain  int `json:"gain"`
	Text
	// Providers are provider types (profile.ProviderTypes codes) whose services
	// close this gap.
	Providers []string `json:"providers"`
}

// Result is a pre-assessment.
type Result struct {
	RuleVersion string `json:"rule_version"`
	Year        int    `json:"year"`
	// Label marks the result as a pre-assessment wherever it is shown.
	Label Text `json:"label"`
	// SizeOK is the size gate (staff ≤ 500, revenue and assets ≤ 2亿元); a firm
	// above it cannot pass by either route.
	SizeOK       bool      `json:"size_ok"`
	SizeProblems []Text    `json:"size_problems,omitempty"`
	Staff        PartScore `json:"staff"`
	RD           PartScore `json:"rd"`
	IP           PartScore `json:"ip"`
	Total        int       `json:"total"`
	Passed       bool      `json:"passed"`
	Route        Route     `json:"route"`
	Reasons      []Text    `json:"reasons"`
	Gaps         []Gap     `json:"gaps,omitempty"`
}

// providers says which provider types help with each part: IP agents file patents
// and software copyrights; accountants set up the R&D bookkeeping (研发费用归集)
// that the R&D ratio is read from; consultants help plan technical hiring.
var providers = map[Part][]string{
	Staff: {"consulting"},
	RD:    {"accounting"},
	IP:    {"ip"},
}

// Label is the text every result carries.
var Label = Text{
	ZH: "预评估：依据企业自填数据按《科技型中小企业评价办法》测算，正式结果以省级科技管理部门公示和入库登记编号为准。",
	EN: "Pre-assessment from the firm's own figures under the national tech-SME evaluation rules; the official result is the provincial publication and registration number.",
}

// Assess pre-assesses p for the evaluation year through the policy engine
// (programme "tech_sme" of the catalogue). It reads employees, tech_staff,
// rd_ratio, rd_cost_ratio (fractions: 0.06 is 6 %), patents (class I IP), other_ip
// (class II), revenue_wan, assets_wan and high_tech.
func Assess(p profile.Profile, year int) Result {
	rules := rulesFor(year)
	res := policy.Evaluate(rules.programme, &p, policy.YearEnd(year))
	r := Result{RuleVersion: rules.programme.Version, Year: year, Label: Label, SizeOK: true}

	if o, _ := res.Condition(condEmployees); o.IsUnmet() {
		r.SizeProblems = append(r.SizeProblems, Text{
			ZH: fmt.Sprintf("职工总数 %d 人，超过 %d 人上限", p.Employees, rules.MaxEmployees),
			EN: fmt.Sprintf("%d employees, above the limit of %d", p.Employees, rules.MaxEmployees)})
	}
	if o, _ := res.Condition(condRevenue); o.IsUnmet() {
		r.SizeProblems = append(r.SizeProblems, Text{
			ZH: fmt.Sprintf("年销售收入 %s 万元，超过 %s 万元上限", num(p.RevenueWan), num(rules.MaxRevenue)),
			EN: fmt.Sprintf("annual sales revenue of %s wan yuan, above the limit of %s", num(p.RevenueWan), num(rules.MaxRevenue))})
	}
	if o, _ := res.Condition(condAssets); o.IsUnmet() {
		r.SizeProblems = append(r.SizeProblems, Text{
			ZH: fmt.Sprintf("资产总额 %s 万元，超过 %s 万元上限", num(p.AssetsWan), num(rules.MaxAssets)),
			EN: fmt.Sprintf("total assets of %s wan yuan, above the limit of %s", num(p.AssetsWan), num(rules.MaxAssets))})
	}
	r.SizeOK = len(r.SizeProblems) == 0

	route, _ := res.Condition(condRoute)
	var highTech, byScore bool
	for _, o := range route.Of {
		switch o.Code {
		case condHighTech:
			highTech = o.IsMet()
		case condScore:
			byScore = o.IsMet()
			r.Total = o.Points
			for _, ps := range o.Parts {
				score := PartScore{Points: ps.Points, Max: ps.Max}
				switch Part(ps.Code) {
				case Staff:
					score.RatioBP = int64(ps.Value)
					r.Staff = score
				case RD:
					score.RatioBP, score.Measure = int64(ps.Value), ps.Metric
					r.RD = score
				case IP:
					r.IP = score
				}
			}
		}
	}
	ht := p.HighTech

	switch {
	case !r.SizeOK:
		r.Reasons = append(r.Reasons, Text{ZH: "企业规模超出科技型中小企业标准，不能通过评价。",
			EN: "The firm is above the size limits of a tech-SME and cannot pass."})
	case res.Status == policy.Eligible && highTech:
		r.Passed, r.Route = true, RouteHighTech
		r.Reasons = append(r.Reasons, Text{
			ZH: fmt.Sprintf("持有 %d 年认定的有效高新技术企业证书，可直接确认，无需评分。", ht.Year),
			EN: fmt.Sprintf("Holds a valid high-tech enterprise certificate (granted %d): confirmed directly, without scoring.", ht.Year)})
	case res.Status == policy.Eligible && byScore:
		r.Passed, r.Route = true, RouteScore
		r.Reasons = append(r.Reasons, Text{
			ZH: fmt.Sprintf("总分 %d 分，达到 %d 分且科技人员指标不为 0。", r.Total, rules.PassMark),
			EN: fmt.Sprintf("Total %d points: at least %d with a non-zero staff score.", r.Total, rules.PassMark)})
	}
	if r.SizeOK && !byScore {
		if ht != nil && ht.Passed && !highTech {
			r.Reasons = append(r.Reasons, Text{
				ZH: fmt.Sprintf("%d 年认定的高新技术企业证书在 %d 年已不在有效期内。", ht.Year, year),
				EN: fmt.Sprintf("The high-tech enterprise certificate granted in %d is no longer valid in %d.", ht.Year, year)})
		}
		if r.Total < rules.PassMark {
			r.Reasons = append(r.Reasons, Text{
				ZH: fmt.Sprintf("总分 %d 分，距 %d 分还差 %d 分。", r.Total, rules.PassMark, rules.PassMark-r.Total),
				EN: fmt.Sprintf("Total %d points, %d short of %d.", r.Total, rules.PassMark-r.Total, rules.PassMark)})
		}
		if r.Staff.Points == 0 {
			r.Reasons = append(r.Reasons, Text{
				ZH: fmt.Sprintf("科技人员占比低于 %s，该项为 0 分时不能通过评价。", pct(rules.Staff[len(rules.Staff)-1].Min)),
				EN: fmt.Sprintf("S&T staff are below %s of employees; with 0 points for staff the firm cannot pass.", pct(rules.Staff[len(rules.Staff)-1].Min))})
		}
		r.Gaps = gaps(rules, p, r)
	}
	return r
}

// gaps lists, part by part, the next step up and who could help.
func gaps(rules *ruleSet, p profile.Profile, r Result) []Gap {
	var out []Gap
	add := func(part Part, reach int, zh, en string) {
		cur := map[Part]int{Staff: r.Staff.Points, RD: r.RD.Points, IP: r.IP.Points}[part]
		out = append(out, Gap{Part: part, Reach: reach, Gain: reach - cur, Text: Text{ZH: zh, EN: en},
			Providers: append([]string(nil), providers[part]...)})
	}

	if t, ok := rules.Staff.next(r.Staff.Points); ok {
		if p.Employees <= 0 {
			add(Staff, t.Points, fmt.Sprintf("填写职工总数和科技人员数；科技人员占比达到 %s 可得 %d 分", pct(t.Min), t.Points),
				fmt.Sprintf("Enter total employees and S&T staff; an S&T share of %s scores %d points", pct(t.Min), t.Points))
		} else {
			n := hiresNeeded(int64(p.TechStaff), int64(p.Employees), t.Min)
			add(Staff, t.Points, fmt.Sprintf("再增加 %d 名科技人员（占比达到 %s）可得 %d 分", n, pct(t.Min), t.Points),
				fmt.Sprintf("Add %d more S&T staff (reaching %s of employees) to score %d points", n, pct(t.Min), t.Points))
		}
	}

	ts, okS := rules.RDSales.next(r.RD.Points)
	tc, okC := rules.RDCost.next(r.RD.Points)
	switch {
	case okS && okC && ts.Points == tc.Points:
		zh := fmt.Sprintf("研发费用占销售收入比例达到 %s，或占成本费用总额比例达到 %s，可得 %d 分", pct(ts.Min), pct(tc.Min), ts.Points)
		en := fmt.Sprintf("Raise R&D spending to %s of sales revenue, or %s of total cost and expense, to score %d points", pct(ts.Min), pct(tc.Min), ts.Points)
		if p.RevenueWan > 0 {
			need := p.RevenueWan * float64(ts.Min) / 10000
			zh += fmt.Sprintf("（按当前收入约需研发费用 %s 万元）", num(math.Ceil(need*10)/10))
			en += fmt.Sprintf(" (about %s wan yuan of R&D at current revenue)", num(math.Ceil(need*10)/10))
		}
		add(RD, ts.Points, zh, en)
	default:
		if okS {
			add(RD, ts.Points, fmt.Sprintf("研发费用占销售收入比例达到 %s 可得 %d 分", pct(ts.Min), ts.Points),
				fmt.Sprintf("Raise R&D spending to %s of sales revenue to score %d points", pct(ts.Min), ts.Points))
		}
		if okC {
			add(RD, tc.Points, fmt.Sprintf("研发费用占成本费用总额比例达到 %s 可得 %d 分", pct(tc.Min), tc.Points),
				fmt.Sprintf("Raise R&D spending to %s of total cost and expense to score %d points", pct(tc.Min), tc.Points))
		}
	}

	if r.IP.Points < rules.ClassI {
		if t, ok := rules.ClassII.next(r.IP.Points); ok {
			n := t.Min - int64(p.OtherIP)
			add(IP, t.Points, fmt.Sprintf("再增加 %d 项二类知识产权（实用新型、外观设计、软件著作权）可得 %d 分", n, t.Points),
				fmt.Sprintf("Add %d more class-II IP (utility model, design patent, software copyright) to score %d points", n, t.Points))
		}
		add(IP, rules.ClassI, fmt.Sprintf("取得 %d 项一类知识产权（如发明专利）可得 %d 分", rules.ClassIMin, rules.ClassI),
			fmt.Sprintf("Obtain %d class-I IP (such as an invention patent) to score %d points", rules.ClassIMin, rules.ClassI))
	}
	return out
}

// hiresNeeded is the fewest new S&T staff n with (tech+n)/(emp+n) ≥ bp/10000,
// in integers so 30 % means exactly 30 %.
func hiresNeeded(tech, emp, bp int64) int64 {
	short := bp*emp - 10000*tech // > 0 when below the tier
	if short <= 0 {
		return 0
	}
	return (short + (10000 - bp) - 1) / (10000 - bp)
}

// pct writes basis points as a percentage: 1000 → "10%", 1250 → "12.5%".
func pct(bp int64) string {
	return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%"
}

// num writes an amount without trailing zeros.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
