// Package torch prepares the national Torch statistics (火炬统计) of a carrier's
// in-incubation firms for a year: one row per firm in the form's order with money
// converted from 万元 to the form's 千元, the consistency warnings the statistics
// platform would raise, and the carrier-level aggregates (在孵企业数, 当年新增,
// 当年毕业, 累计毕业, 获得投融资的企业数, 创业导师数, …) computed from the firms. It
// is pure and counts firms exactly as the evaluation does (evaluation.Firms); it
// knows nothing of HTTP, spreadsheets or the database.
package torch

import (
	"fuhua/internal/evaluation"
	"fuhua/internal/profile"
)

// Column is one column of the firm record, in the form's order.
type Column struct {
	Key  string `json:"key"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	Unit string `json:"unit"`
}

// wanToQian converts 万元 to the form's 千元.
const wanToQian = 10

// Columns are the in-incubation firm record's columns as the form orders them
// (reference/evaluation.md, "The Torch in-incubation firm record").
var Columns = []Column{
	{"name", "企业名称", "Firm name", ""},
	{"credit_code", "统一社会信用代码", "Unified social credit code", ""},
	{"founded", "成立时间", "Founded", ""},
	{"incubated_since", "入驻时间", "Entered", ""},
	{"registration_type", "登记注册类型", "Registration type", ""},
	{"tech_field", "技术领域", "Technology field", ""},
	{"has_mentor", "是否与创业导师建立辅导关系", "Coached by a mentor", ""},
	{"graduated", "是否毕业企业", "Graduated", ""},
	{"graduated_on", "毕业时间", "Graduated on", ""},
	{"high_tech", "是否高新技术企业", "High-tech enterprise", ""},
	{"founder_student", "大学生创业", "Founded by a student", ""},
	{"founder_serial", "连续创业者", "Serial entrepreneur", ""},
	{"founder_returnee", "留学人员创业", "Founded by a returnee", ""},
	{"founder_scientist", "科技人员创业", "Founded by a scientist", ""},
	{"founder_gender", "创始人性别", "Founder's gender", ""},
	{"financing_total", "获得天使或风险投资额", "Angel or venture investment received", "千元"},
	{"registered_capital", "注册资本", "Registered capital", "千元"},
	{"revenue", "总收入", "Total income", "千元"},
	{"net_profit", "净利润", "Net profit", "千元"},
	{"rd_spend", "R&D 支出", "R&D spending", "千元"},
	{"tax", "实际上缴税费", "Taxes paid", "千元"},
	{"employees", "从业人员", "Employees", "人"},
	{"staff_doctorate", "其中：博士", "of whom doctorates", "人"},
	{"staff_college", "其中：大专以上", "of whom college-educated", "人"},
	{"staff_returnees", "其中：留学人员", "of whom returnees", "人"},
	{"fresh_graduates", "其中：吸纳应届毕业生", "of whom fresh graduates hired", "人"},
	{"ip_applied", "当年知识产权申请数", "IP applied for this year", "件"},
	{"ip_granted", "当年知识产权授权数", "IP granted this year", "件"},
	{"invention_patents", "有效发明专利", "Valid invention patents", "件"},
	{"software_copyrights", "软件著作权", "Software copyrights", "件"},
	{"plant_varieties", "植物新品种", "New plant varieties", "件"},
	{"ic_layouts", "集成电路布图", "IC layout designs", "件"},
	{"warnings", "一致性提示", "Consistency warnings", ""},
}

// Row is one firm's record: values by column key (nil where the firm states
// nothing: a blank cell, never a zero), its id and its warnings.
type Row struct {
	ID       string                 `json:"id"`
	Values   map[string]any         `json:"values"`
	Warnings []profile.TorchWarning `json:"warnings"`
	// Derived names the values fuhua filled in from its own records (the
	// mentoring relation) rather than the firm's statement.
	Derived []string `json:"derived"`
}

// Aggregate is one carrier-level figure. Reporting is how many of the
// incubatees stated the figure where it sums an optional field, so a sum over a
// few firms is not read as the carrier's total.
type Aggregate struct {
	Code      string  `json:"code"`
	ZH        string  `json:"zh"`
	EN        string  `json:"en"`
	Unit      string  `json:"unit"`
	Value     float64 `json:"value"`
	Reporting *int    `json:"reporting,omitempty"`
	Of        *int    `json:"of,omitempty"`
}

// Report is a carrier's statistics for a year.
type Report struct {
	CarrierID  string      `json:"carrier_id"`
	Name       string      `json:"name"`
	Year       int         `json:"year"`
	Columns    []Column    `json:"columns"`
	Rows       []Row       `json:"rows"`
	Aggregates []Aggregate `json:"aggregates"`
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func optYesNo(b *bool) any {
	if b == nil {
		return nil
	}
	return yesNo(*b)
}

func optInt(x *int) any {
	if x == nil {
		return nil
	}
	return *x
}

func qian(x *float64) any {
	if x == nil {
		return nil
	}
	return *x * wanToQian
}

// Build computes carrier c's report for year from d.
func Build(d *evaluation.Data, c *profile.Profile, year int) Report {
	fs := d.Firms(c, year)
	r := Report{CarrierID: c.ID, Name: c.Name, Year: year, Columns: Columns, Rows: []Row{}}
	for _, s := range fs.Incubatees {
		r.Rows = append(r.Rows, row(s, year, len(fs.Mentored[s.ID]) > 0))
	}
	r.Aggregates = aggregates(fs, year)
	return r
}

func row(s *profile.Profile, year int, mentored bool) Row {
	t := s.Torch
	if t == nil {
		t = &profile.TorchRecord{}
	}
	v := map[string]any{
		"name": s.Name, "credit_code": s.CreditCode, "founded": s.Founded, "incubated_since": s.IncubatedSince,
		"registration_type": nil, "tech_field": nil,
		"graduated":       yesNo(s.GraduatedOn != "" && s.GraduatedOn <= itoa(year)+"-12-31"),
		"graduated_on":    s.GraduatedOn,
		"high_tech":       yesNo(s.HighTech != nil && s.HighTech.Passed && s.HighTech.Year <= year),
		"founder_student": optYesNo(t.FounderStudent), "founder_serial": optYesNo(t.FounderSerial),
		"founder_returnee": optYesNo(t.FounderReturnee), "founder_scientist": optYesNo(t.FounderScientist),
		"founder_gender":  nil,
		"financing_total": qian(t.FinancingTotalWan), "registered_capital": qian(t.RegisteredCapWan),
		"revenue": nil, "net_profit": qian(t.NetProfitWan), "rd_spend": qian(t.RDSpendWan), "tax": qian(t.TaxWan),
		"employees": nil, "staff_doctorate": optInt(t.StaffDoctorate), "staff_college": optInt(t.StaffCollege),
		"staff_returnees": optInt(t.StaffReturnees), "fresh_graduates": optInt(t.FreshGraduates),
		"ip_applied": optInt(t.IPApplied), "ip_granted": optInt(t.IPGranted), "invention_patents": optInt(t.InventionPatents),
		"software_copyrights": optInt(t.SoftwareCopyrights), "plant_varieties": optInt(t.PlantVarieties), "ic_layouts": optInt(t.ICLayouts),
	}
	if t.RegistrationType != "" {
		v["registration_type"] = profile.RegistrationTypes.ZH(t.RegistrationType)
	}
	if t.TechField != "" {
		v["tech_field"] = profile.TechFields.ZH(t.TechField)
	}
	if t.FounderGender != "" {
		v["founder_gender"] = profile.Genders.ZH(t.FounderGender)
	}
	if s.RevenueWan > 0 {
		v["revenue"] = s.RevenueWan * wanToQian
	}
	if s.Employees > 0 {
		v["employees"] = s.Employees
	}
	out := Row{ID: s.ID, Values: v, Warnings: s.TorchWarnings(), Derived: []string{}}
	if t.HasMentor != nil {
		v["has_mentor"] = yesNo(*t.HasMentor)
	} else {
		v["has_mentor"] = yesNo(mentored)
		out.Derived = append(out.Derived, "has_mentor")
	}
	var ws []string
	for _, w := range out.Warnings {
		ws = append(ws, w.ZH)
	}
	v["warnings"] = join(ws)
	return out
}

func aggregates(fs evaluation.Firms, year int) []Aggregate {
	n := len(fs.Incubatees)
	count := func(code, zh, en string, k int) Aggregate {
		return Aggregate{Code: code, ZH: zh, EN: en, Unit: "家", Value: float64(k)}
	}
	founders := func(pick func(*profile.TorchRecord) *bool) (int, int) {
		yes, stated := 0, 0
		for _, s := range fs.Incubatees {
			if s.Torch != nil && pick(s.Torch) != nil {
				stated++
				if *pick(s.Torch) {
					yes++
				}
			}
		}
		return yes, stated
	}
	sum := func(code, zh, en, unit string, scale float64, pick func(*profile.Profile) (float64, bool)) Aggregate {
		total, stated := 0.0, 0
		for _, s := range fs.Incubatees {
			if x, ok := pick(s); ok {
				total += x
				stated++
			}
		}
		return Aggregate{Code: code, ZH: zh, EN: en, Unit: unit, Value: total * scale, Reporting: ptr(stated), Of: ptr(n)}
	}
	financed := 0
	for _, s := range fs.Incubatees {
		if len(fs.Financed[s.ID]) > 0 || (s.Torch != nil && s.Torch.FinancingYearWan != nil && *s.Torch.FinancingYearWan > 0) {
			financed++
		}
	}
	techSME, highTech := 0, 0
	for _, s := range fs.Incubatees {
		if s.TechSME != nil && s.TechSME.Passed && s.TechSME.Year == year {
			techSME++
		}
		if s.HighTech != nil && s.HighTech.Passed && s.HighTech.Year <= year {
			highTech++
		}
	}
	out := []Aggregate{count("incubatees", "在孵企业数", "Incubatees", n)}
	for _, f := range []struct {
		code, zh, en string
		pick         func(*profile.TorchRecord) *bool
	}{
		{"founded_by_returnees", "其中：留学人员创办", "of which founded by returnees", func(t *profile.TorchRecord) *bool { return t.FounderReturnee }},
		{"founded_by_students", "其中：大学生创办", "of which founded by students", func(t *profile.TorchRecord) *bool { return t.FounderStudent }},
		{"founded_by_scientists", "其中：科技人员创办", "of which founded by scientists", func(t *profile.TorchRecord) *bool { return t.FounderScientist }},
	} {
		yes, stated := founders(f.pick)
		a := count(f.code, f.zh, f.en, yes)
		a.Reporting, a.Of = ptr(stated), ptr(n)
		out = append(out, a)
	}
	out = append(out,
		count("new_incubatees", "当年新增在孵企业数", "New incubatees this year", len(fs.New)),
		count("graduated_year", "当年毕业企业数", "Graduated this year", len(fs.Graduated)),
		count("graduates_total", "累计毕业企业数", "Cumulative graduates", len(fs.GraduatesTotal)),
		count("financed_firms", "获得投融资的企业数", "Firms financed this year", financed),
		Aggregate{Code: "mentors", ZH: "创业导师数", EN: "Mentors", Unit: "名", Value: float64(len(fs.Mentors))},
		count("tech_sme_firms", "在孵科技型中小企业数", "Incubatees passing the tech-SME evaluation", techSME),
		count("high_tech_firms", "在孵高新技术企业数", "Incubatees that are high-tech enterprises", highTech),
		sum("employees", "在孵企业从业人员", "Incubatees' employees", "人", 1, func(s *profile.Profile) (float64, bool) {
			return float64(s.Employees), s.Employees > 0
		}),
		sum("fresh_graduates", "吸纳应届大学毕业生", "Fresh graduates hired", "人", 1, func(s *profile.Profile) (float64, bool) {
			if s.Torch == nil || s.Torch.FreshGraduates == nil {
				return 0, false
			}
			return float64(*s.Torch.FreshGraduates), true
		}),
		sum("revenue", "在孵企业总收入", "Incubatees' total income", "千元", wanToQian, func(s *profile.Profile) (float64, bool) {
			return s.RevenueWan, s.RevenueWan > 0
		}),
		sum("rd_spend", "在孵企业R&D投入", "Incubatees' R&D spending", "千元", wanToQian, func(s *profile.Profile) (float64, bool) {
			if s.Torch == nil || s.Torch.RDSpendWan == nil {
				return 0, false
			}
			return *s.Torch.RDSpendWan, true
		}),
		sum("financing_total", "累计获得风险投资额", "Venture investment received in all", "千元", wanToQian, func(s *profile.Profile) (float64, bool) {
			if s.Torch == nil || s.Torch.FinancingTotalWan == nil {
				return 0, false
			}
			return *s.Torch.FinancingTotalWan, true
		}),
		sum("valid_ip", "拥有有效知识产权数", "Valid IP held", "件", 1, func(s *profile.Profile) (float64, bool) {
			return float64(s.Patents + s.OtherIP), s.Patents+s.OtherIP > 0
		}),
		sum("ip_applied", "当年知识产权申请数", "IP applied for this year", "件", 1, func(s *profile.Profile) (float64, bool) {
			if s.Torch == nil || s.Torch.IPApplied == nil {
				return 0, false
			}
			return float64(*s.Torch.IPApplied), true
		}),
	)
	return out
}

func ptr(n int) *int { return &n }

func itoa(y int) string {
	b := []byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)}
	return string(b)
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "；"
		}
		out += s
	}
	return out
}
