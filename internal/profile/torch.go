package profile

import "fmt"

// The national in-incubation firm statistics record (火炬统计 在孵企业). Every
// field is optional and none is needed to create a profile; a figure left out is
// unknown, never zero (numbers are pointers). Money is in 万元 like the rest of a
// profile; the statistics export converts it to the form's 千元.

// TorchRecord is a startup's figures for the Torch statistics of ReportYear.
type TorchRecord struct {
	ReportYear int `json:"report_year,omitempty" bson:"report_year,omitempty"`
	// Founder traits: 大学生创业, 连续创业者, 留学人员创业, 科技人员创业, 性别.
	FounderStudent   *bool  `json:"founder_student,omitempty" bson:"founder_student,omitempty"`
	FounderSerial    *bool  `json:"founder_serial,omitempty" bson:"founder_serial,omitempty"`
	FounderReturnee  *bool  `json:"founder_returnee,omitempty" bson:"founder_returnee,omitempty"`
	FounderScientist *bool  `json:"founder_scientist,omitempty" bson:"founder_scientist,omitempty"`
	FounderGender    string `json:"founder_gender,omitempty" bson:"founder_gender,omitempty"`
	// Staff by education and origin (从业人员 其中 博士 / 大专以上 / 留学人员), and
	// fresh graduates hired in the year (吸纳应届毕业生).
	StaffDoctorate *int `json:"staff_doctorate,omitempty" bson:"staff_doctorate,omitempty"`
	StaffCollege   *int `json:"staff_college,omitempty" bson:"staff_college,omitempty"`
	StaffReturnees *int `json:"staff_returnees,omitempty" bson:"staff_returnees,omitempty"`
	FreshGraduates *int `json:"fresh_graduates,omitempty" bson:"fresh_graduates,omitempty"`
	// Money, 万元: the year before's revenue (for growth and the graduation
	// rule), net profit, R&D spending this year and the year before, taxes
	// paid, registered capital, financing received this year and angel or
	// venture investment received in all.
	RevenuePrevWan    *float64 `json:"revenue_prev_wan,omitempty" bson:"revenue_prev_wan,omitempty"`
	NetProfitWan      *float64 `json:"net_profit_wan,omitempty" bson:"net_profit_wan,omitempty"`
	RDSpendWan        *float64 `json:"rd_spend_wan,omitempty" bson:"rd_spend_wan,omitempty"`
	RDSpendPrevWan    *float64 `json:"rd_spend_prev_wan,omitempty" bson:"rd_spend_prev_wan,omitempty"`
	TaxWan            *float64 `json:"tax_wan,omitempty" bson:"tax_wan,omitempty"`
	RegisteredCapWan  *float64 `json:"registered_capital_wan,omitempty" bson:"registered_capital_wan,omitempty"`
	FinancingYearWan  *float64 `json:"financing_year_wan,omitempty" bson:"financing_year_wan,omitempty"`
	FinancingTotalWan *float64 `json:"financing_total_wan,omitempty" bson:"financing_total_wan,omitempty"`
	// IP: applied for and granted this year, valid IP held by type.
	IPApplied          *int `json:"ip_applied,omitempty" bson:"ip_applied,omitempty"`
	IPGranted          *int `json:"ip_granted,omitempty" bson:"ip_granted,omitempty"`
	InventionPatents   *int `json:"invention_patents,omitempty" bson:"invention_patents,omitempty"`
	SoftwareCopyrights *int `json:"software_copyrights,omitempty" bson:"software_copyrights,omitempty"`
	PlantVarieties     *int `json:"plant_varieties,omitempty" bson:"plant_varieties,omitempty"`
	ICLayouts          *int `json:"ic_layouts,omitempty" bson:"ic_layouts,omitempty"`
	// TechField is the 技术领域 (国家重点支持的高新技术领域), RegistrationType the
	// 登记注册类型 (the statistics bureau's code).
	TechField        string `json:"tech_field,omitempty" bson:"tech_field,omitempty"`
	RegistrationType string `json:"registration_type,omitempty" bson:"registration_type,omitempty"`
	// HasMentor is 是否与创业导师建立辅导关系 as the firm states it; left out, the
	// export derives it from fuhua's mentoring records.
	HasMentor *bool `json:"has_mentor,omitempty" bson:"has_mentor,omitempty"`
	// AcquiredOrListed: merged, acquired or listed (a graduation condition).
	AcquiredOrListed *bool `json:"acquired_or_listed,omitempty" bson:"acquired_or_listed,omitempty"`
}

// Codes of the statistics record.
var (
	Genders = NewCodeSet("gender", "male", "男", "female", "女")
	// TechFields are the eight 国家重点支持的高新技术领域.
	TechFields = NewCodeSet("technology field", "electronics", "电子信息", "biomed", "生物与新医药", "aerospace", "航空航天",
		"materials", "新材料", "services", "高技术服务", "energy", "新能源与节能", "environment", "资源与环境",
		"manufacturing", "先进制造与自动化")
	// RegistrationTypes are the statistics bureau's 登记注册类型 codes.
	RegistrationTypes = NewCodeSet("registration type", "110", "国有企业", "120", "集体企业", "130", "股份合作企业",
		"140", "联营企业", "150", "有限责任公司", "160", "股份有限公司", "170", "私营企业", "190", "其他企业",
		"200", "港澳台商投资企业", "300", "外商投资企业")
)

func (v *validator) optInt(field string, x *int, max int) {
	if x != nil {
		v.num(field, float64(*x), 0, float64(max))
	}
}

func (v *validator) optMoney(field string, x *float64, min float64) {
	if x != nil {
		v.num(field, *x, min, 100_000_000)
	}
}

func (p *Profile) validateTorch(v *validator) {
	t := p.Torch
	if t == nil {
		return
	}
	if t.ReportYear != 0 {
		v.num("torch.report_year", float64(t.ReportYear), 2000, 2100)
	}
	v.code("torch.founder_gender", t.FounderGender, Genders, false)
	for _, f := range []struct {
		name string
		x    *int
	}{{"torch.staff_doctorate", t.StaffDoctorate}, {"torch.staff_college", t.StaffCollege}, {"torch.staff_returnees", t.StaffReturnees},
		{"torch.fresh_graduates", t.FreshGraduates}, {"torch.ip_applied", t.IPApplied}, {"torch.ip_granted", t.IPGranted},
		{"torch.invention_patents", t.InventionPatents}, {"torch.software_copyrights", t.SoftwareCopyrights},
		{"torch.plant_varieties", t.PlantVarieties}, {"torch.ic_layouts", t.ICLayouts}} {
		v.optInt(f.name, f.x, 1_000_000)
	}
	for _, f := range []struct {
		name string
		x    *float64
		min  float64
	}{{"torch.revenue_prev_wan", t.RevenuePrevWan, 0}, {"torch.net_profit_wan", t.NetProfitWan, -100_000_000},
		{"torch.rd_spend_wan", t.RDSpendWan, 0}, {"torch.rd_spend_prev_wan", t.RDSpendPrevWan, 0}, {"torch.tax_wan", t.TaxWan, 0},
		{"torch.registered_capital_wan", t.RegisteredCapWan, 0}, {"torch.financing_year_wan", t.FinancingYearWan, 0},
		{"torch.financing_total_wan", t.FinancingTotalWan, 0}} {
		v.optMoney(f.name, f.x, f.min)
	}
	v.code("torch.tech_field", t.TechField, TechFields, false)
	v.code("torch.registration_type", t.RegistrationType, RegistrationTypes, false)
}

// TorchWarning is a consistency problem the statistics platform would flag; it
// does not stop a save.
type TorchWarning struct {
	Field string `json:"field"`
	ZH    string `json:"zh"`
	EN    string `json:"en"`
}

// TorchWarnings lists the cross-field checks the statistics platform makes
// that p's figures fail, where both figures are stated: staff counts within
// employees, R&D and net profit within revenue, the year's financing within
// the total, invention patents within class-I IP.
func (p *Profile) TorchWarnings() []TorchWarning {
	out := []TorchWarning{}
	t := p.Torch
	if t == nil {
		return out
	}
	staff := func(field, zh string, x *int) {
		if x != nil && p.Employees > 0 && *x > p.Employees {
			l, _ := FieldLabel(Startup, field)
			out = append(out, TorchWarning{field, fmt.Sprintf("%s（%d）多于从业人员（%d）", zh, *x, p.Employees),
				fmt.Sprintf("%s (%d) is more than the employees (%d)", l.EN, *x, p.Employees)})
		}
	}
	staff("torch.staff_doctorate", "博士人数", t.StaffDoctorate)
	staff("torch.staff_college", "大专以上人数", t.StaffCollege)
	staff("torch.staff_returnees", "留学人员数", t.StaffReturnees)
	staff("torch.fresh_graduates", "吸纳应届毕业生数", t.FreshGraduates)
	if t.StaffDoctorate != nil && t.StaffCollege != nil && *t.StaffDoctorate > *t.StaffCollege {
		out = append(out, TorchWarning{"torch.staff_doctorate", "博士人数多于大专以上人数", "doctorates exceed the college-educated staff"})
	}
	money := func(field, zh string, x *float64) {
		if x != nil && p.RevenueWan > 0 && *x > p.RevenueWan {
			l, _ := FieldLabel(Startup, field)
			xz, xe := Quantity(*x, "万元")
			rz, re := Quantity(p.RevenueWan, "万元")
			out = append(out, TorchWarning{field, fmt.Sprintf("%s（%s）大于营业收入（%s）", zh, xz, rz),
				fmt.Sprintf("%s (%s) is more than the revenue (%s)", l.EN, xe, re)})
		}
	}
	money("torch.rd_spend_wan", "研发支出", t.RDSpendWan)
	money("torch.net_profit_wan", "净利润", t.NetProfitWan)
	if t.FinancingYearWan != nil && t.FinancingTotalWan != nil && *t.FinancingYearWan > *t.FinancingTotalWan {
		out = append(out, TorchWarning{"torch.financing_year_wan", "当年获得投融资额大于累计获得投资额",
			"financing received this year is more than the total received"})
	}
	if t.InventionPatents != nil && p.Patents > 0 && *t.InventionPatents > p.Patents {
		out = append(out, TorchWarning{"torch.invention_patents", "有效发明专利数多于Ⅰ类知识产权数",
			"valid invention patents exceed the class-I IP count"})
	}
	return out
}
