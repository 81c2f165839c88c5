package profile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Labels: every field a client may set, by the name the profile form shows it
// under (web/static/js/fields.js) and the unit people count it in. Messages
// name fields by these labels; the JSON "field" of an error keeps the code,
// which API clients read.

// Label is how a person knows one field: its Chinese and English name and the
// unit its numbers are read in.
type Label struct {
	ZH, EN string
	// Unit: "万元" (money), "%" (a fraction shown as a percentage), "人", "项",
	// "件", "个", "平方米", "年" (a calendar year), or "" (text, codes, dates).
	Unit string
}

// labels holds the fields every kind shares, and those whose name is the same
// wherever they appear.
var labels = map[string]Label{
	"kind":           {"资料类型", "Kind", ""},
	"id":             {"资料 ID", "Profile id", ""},
	"version":        {"版本号", "Version", ""},
	"name":           {"名称", "Name", ""},
	"summary":        {"简介", "Summary", ""},
	"chains":         {"产业链", "Industry chains", ""},
	"segments":       {"产业链环节", "Chain segments", ""},
	"tags":           {"标签", "Tags", ""},
	"district":       {"所在区县", "District", ""},
	"city":           {"城市", "City", ""},
	"contact":        {"联系方式", "Contact", ""},
	"contact.person": {"联系人", "Contact person", ""},
	"contact.phone":  {"电话", "Phone", ""},
	"contact.email":  {"邮箱", "E-mail", ""},
	"contact.wechat": {"微信", "WeChat", ""},

	// startup
	"credit_code":         {"统一社会信用代码", "Unified social credit code", ""},
	"stage":               {"融资阶段", "Stage", ""},
	"status":              {"孵化状态", "Incubation status", ""},
	"founded":             {"成立日期", "Founded", ""},
	"incubated_since":     {"入孵日期", "Incubated since", ""},
	"graduated_on":        {"毕业日期", "Graduated on", ""},
	"carrier_id":          {"所在载体", "Carrier", ""},
	"employees":           {"职工总数", "Employees", "人"},
	"tech_staff":          {"科技人员数", "Technical staff", "人"},
	"rd_ratio":            {"研发投入占比", "R&D spend / revenue", "%"},
	"rd_cost_ratio":       {"研发费用占成本费用比例", "R&D / total cost", "%"},
	"patents":             {"Ⅰ类知识产权", "Class-I IP", "项"},
	"other_ip":            {"Ⅱ类知识产权", "Class-II IP", "项"},
	"revenue_wan":         {"营业收入（万元）", "Revenue (10k CNY)", "万元"},
	"assets_wan":          {"资产总额（万元）", "Assets (10k CNY)", "万元"},
	"tech_sme":            {"科技型中小企业评价", "Tech-SME evaluation", ""},
	"tech_sme.year":       {"科技型中小企业评价年度", "Tech-SME evaluation year", "年"},
	"tech_sme.passed":     {"已通过科技型中小企业评价", "Tech-SME passed", ""},
	"high_tech":           {"高新技术企业认定", "High-tech enterprise", ""},
	"high_tech.year":      {"高新技术企业认定年度", "High-tech enterprise year", "年"},
	"high_tech.passed":    {"已认定高新技术企业", "High-tech recognised", ""},
	"needs":               {"需求", "Needs", ""},
	"needs.funding_wan":   {"融资需求（万元）", "Funding sought (10k CNY)", "万元"},
	"needs.funding_kinds": {"资金类型", "Funding kinds", ""},
	"needs.mentoring":     {"辅导主题", "Mentoring topics", ""},
	"needs.services":      {"专业服务", "Services needed", ""},
	"needs.space_sqm":     {"场地需求（㎡）", "Space needed (m²)", "平方米"},

	// startup: the Torch statistics record
	"torch":                        {"火炬统计", "Torch statistics", ""},
	"torch.report_year":            {"火炬统计年度", "Torch report year", "年"},
	"torch.founder_student":        {"大学生创业", "Founded by a student", ""},
	"torch.founder_serial":         {"连续创业者", "Serial entrepreneur", ""},
	"torch.founder_returnee":       {"留学人员创业", "Founded by a returnee", ""},
	"torch.founder_scientist":      {"科技人员创业", "Founded by a scientist", ""},
	"torch.founder_gender":         {"创始人性别", "Founder's gender", ""},
	"torch.staff_doctorate":        {"从业人员中博士人数", "Staff with a doctorate", "人"},
	"torch.staff_college":          {"从业人员中大专以上人数", "College-educated staff", "人"},
	"torch.staff_returnees":        {"从业人员中留学人员数", "Returnee staff", "人"},
	"torch.fresh_graduates":        {"吸纳应届毕业生数", "Fresh graduates hired", "人"},
	"torch.revenue_prev_wan":       {"上年营业收入（万元）", "Revenue the year before (10k CNY)", "万元"},
	"torch.net_profit_wan":         {"净利润（万元）", "Net profit (10k CNY)", "万元"},
	"torch.rd_spend_wan":           {"研发支出（万元）", "R&D spending (10k CNY)", "万元"},
	"torch.rd_spend_prev_wan":      {"上年研发支出（万元）", "R&D spending the year before (10k CNY)", "万元"},
	"torch.tax_wan":                {"实际上缴税费（万元）", "Taxes paid (10k CNY)", "万元"},
	"torch.registered_capital_wan": {"注册资本（万元）", "Registered capital (10k CNY)", "万元"},
	"torch.financing_year_wan":     {"当年获得投融资额（万元）", "Financing received this year (10k CNY)", "万元"},
	"torch.financing_total_wan":    {"累计获得天使或风险投资额（万元）", "Angel or venture investment in all (10k CNY)", "万元"},
	"torch.ip_applied":             {"当年知识产权申请数", "IP applied for this year", "件"},
	"torch.ip_granted":             {"当年知识产权授权数", "IP granted this year", "件"},
	"torch.invention_patents":      {"有效发明专利数", "Valid invention patents", "件"},
	"torch.software_copyrights":    {"软件著作权数", "Software copyrights", "件"},
	"torch.plant_varieties":        {"植物新品种数", "New plant varieties", "件"},
	"torch.ic_layouts":             {"集成电路布图数", "IC layout designs", "件"},
	"torch.tech_field":             {"技术领域", "Technology field", ""},
	"torch.registration_type":      {"登记注册类型", "Registration type", ""},
	"torch.has_mentor":             {"是否与创业导师建立辅导关系", "Coached by a mentor", ""},
	"torch.acquired_or_listed":     {"是否被兼并收购或上市", "Acquired or listed", ""},

	// startup: the enclave project
	"enclave":            {"飞地项目", "Enclave project", ""},
	"enclave.enclave_id": {"所在飞地", "Enclave", ""},
	"enclave.stage":      {"飞地项目阶段", "Enclave project stage", ""},
	"enclave.since":      {"入驻飞地日期", "In the enclave since", ""},
	"enclave.landed_on":  {"回盐落地日期", "Landed at home on", ""},
	"enclave.park_id":    {"落地载体", "Landed in (carrier)", ""},

	// mentor
	"title":                   {"职务 / 职称", "Title", ""},
	"organization":            {"单位", "Organisation", ""},
	"topics":                  {"擅长领域", "Topics", ""},
	"languages":               {"语言", "Languages", ""},
	"remote":                  {"接受线上辅导", "Remote", ""},
	"appointments":            {"导师聘任", "Appointments", ""},
	"appointments.carrier_id": {"聘任载体", "Appointing carrier", ""},
	"appointments.since":      {"聘任日期", "Appointed since", ""},
	"appointments.until":      {"解聘日期", "Appointed until", ""},
	"appointments.level":      {"备案级别", "Filing level", ""},
	"pool_status":             {"导师库状态", "Pool status", ""},

	// investor
	"stages":         {"投资阶段", "Stages", ""},
	"ticket_min_wan": {"单笔下限（万元）", "Ticket min (10k CNY)", "万元"},
	"ticket_max_wan": {"单笔上限（万元）", "Ticket max (10k CNY)", "万元"},
	"instruments":    {"投资方式", "Instruments", ""},
	"regions":        {"关注区县", "Regions", ""},
	"hard_tech":      {"投小、投早、投硬科技", "Hard tech", ""},

	// carrier
	"level":         {"级别", "Level", ""},
	"level_since":   {"获评年度", "Level since", "年"},
	"benchmark":     {"标杆孵化器", "Benchmark", ""},
	"professional":  {"专业化", "Professional", ""},
	"international": {"国际化", "International", ""},
	"area_sqm":      {"面积（㎡）", "Area (m²)", "平方米"},
	"seats":         {"工位数", "Seats", "个"},
	"services":      {"提供服务", "Services", ""},
	"established":   {"成立日期", "Established", ""},

	// named per kind in kindLabels; these are for a request that names no kind
	"type":     {"类型", "Type", ""},
	"capacity": {"容量", "Capacity", ""},

	// enclave
	"home_district": {"所属区县", "Home district", ""},
	"host_city":     {"所在城市", "Host city", ""},
	"host_region":   {"所在区域", "Host region", ""},
}

// kindLabels are the fields whose name depends on the kind.
var kindLabels = map[Kind]map[string]Label{
	Mentor:   {"capacity": {"可同时辅导企业数", "Capacity (startups at once)", "家"}},
	Enclave:  {"capacity": {"可容纳项目数", "Capacity (projects)", "个"}},
	Investor: {"type": {"机构类型", "Investor type", ""}},
	Carrier:  {"type": {"载体类型", "Carrier type", ""}},
	Provider: {"type": {"机构类型", "Provider type", ""}},
}

// FieldLabel returns the label of field on a profile of kind k. An indexed
// field ("appointments[1].since") is named with its position ("第 2 项导师聘任的
// 聘任日期"). ok is false for a field the table does not know; the label is then
// the field's code, which a test keeps from happening.
func FieldLabel(k Kind, field string) (Label, bool) {
	base, pos := field, -1
	if i := strings.IndexByte(field, '['); i >= 0 {
		if j := strings.IndexByte(field[i:], ']'); j > 0 {
			if n, err := strconv.Atoi(field[i+1 : i+j]); err == nil {
				pos = n
				base = field[:i] + field[i+j+1:]
			}
		}
	}
	l, ok := kindLabels[k][base]
	if !ok {
		l, ok = labels[base]
	}
	if !ok {
		return Label{ZH: field, EN: field}, false
	}
	if pos >= 0 {
		parent, _, _ := strings.Cut(base, ".")
		pl := labels[parent]
		l.ZH = fmt.Sprintf("第 %d 项%s的%s", pos+1, pl.ZH, l.ZH)
		l.EN = fmt.Sprintf("%s of %s no. %d", l.EN, strings.ToLower(pl.EN[:1])+pl.EN[1:], pos+1)
	}
	return l, true
}

// LabeledFields lists every field code the label table knows for kind k (the
// common ones and the kind's own), for tests that walk them.
func LabeledFields(k Kind) []string {
	out := []string{}
	for f := range labels {
		out = append(out, f)
	}
	for f := range kindLabels[k] {
		out = append(out, f)
	}
	return out
}

// Quantity writes x in unit the way people read it, in Chinese and in English:
// money in 万元 above 10,000 万元 as 亿元 (and 万亿元), a fraction as a
// percentage, large counts with 万; never in exponent notation.
func Quantity(x float64, unit string) (zh, en string) {
	switch unit {
	case "%":
		p := decimal(x * 100)
		return p + "%", p + "%"
	case "年":
		return decimal(x) + " 年", decimal(x)
	case "万元":
		en = grouped(x) + " (10k CNY)"
		switch a := math.Abs(x); {
		case a >= 1e8:
			return decimal(x/1e8) + " 万亿元", en
		case a >= 1e4:
			return decimal(x/1e4) + " 亿元", en
		}
		return decimal(x) + " 万元", en
	case "":
		return zhCount(x), grouped(x)
	}
	enUnit := map[string]string{"人": " people", "平方米": " m²", "项": "", "件": "", "个": "", "家": ""}[unit]
	n := zhCount(x)
	if !strings.HasSuffix(n, "万") && !strings.HasSuffix(n, "亿") {
		n += " "
	}
	return n + unit, grouped(x) + enUnit
}

// zhCount writes a count with 万 or 亿 when it is a round number of them.
func zhCount(x float64) string {
	switch a := math.Abs(x); {
	case a >= 1e8 && math.Mod(a, 1e6) == 0:
		return decimal(x/1e8) + " 亿"
	case a >= 1e4 && math.Mod(a, 100) == 0:
		return decimal(x/1e4) + " 万"
	}
	return decimal(x)
}

// decimal writes x in decimal, at most four decimals, never with an exponent;
// absurdly large values are clipped.
func decimal(x float64) string {
	s := strconv.FormatFloat(math.Round(x*1e4)/1e4, 'f', -1, 64)
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return s
}

// grouped writes x with thousands separated by commas (English).
func grouped(x float64) string {
	s := decimal(x)
	if strings.HasSuffix(s, "…") {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
