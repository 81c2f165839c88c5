package policy

import (
	"math"
	"sort"

	"fuhua/internal/profile"
)

// MetricType says how a metric is read and compared.
type MetricType string

// The metric types.
const (
	// Count is a whole number (people, items, years); Amount a decimal (万元, ㎡).
	Count  MetricType = "count"
	Amount MetricType = "amount"
	// Share is a percentage, compared in whole basis points so 10 % is exactly 10 %.
	Share MetricType = "share"
	// DateType is a YYYY-MM-DD string; Codes one or more codes; FlagType a yes/no;
	// CertType a yearly result (year, passed).
	DateType MetricType = "date"
	Codes    MetricType = "codes"
	FlagType MetricType = "flag"
	CertType MetricType = "cert"
)

// Metric is one field (or derived measure) of a profile that rules may read.
type Metric struct {
	ZH, EN string
	Type   MetricType
	// UnitZH and UnitEN follow a number ("人", "万元", "%").
	UnitZH, UnitEN string
	num            func(*profile.Profile) (float64, bool)
	codes          func(*profile.Profile) []string
	date           func(*profile.Profile) string
	flag           func(*profile.Profile) bool
	cert           func(*profile.Profile) *profile.YearResult
}

func count(f func(*profile.Profile) int) func(*profile.Profile) (float64, bool) {
	return func(p *profile.Profile) (float64, bool) { return float64(f(p)), true }
}

func amount(f func(*profile.Profile) float64) func(*profile.Profile) (float64, bool) {
	return func(p *profile.Profile) (float64, bool) { return f(p), !math.IsNaN(f(p)) }
}

// fractionBP turns a ratio stored as a fraction into whole basis points. It first
// rounds to a millionth, so a float such as 0.1 (0.1000000000000000055…) or 0.3
// (0.29999999999999998…) reads as exactly 10 % or 30 %, then truncates, so 9.99 %
// stays below 10 %.
func fractionBP(f float64) int64 {
	if math.IsNaN(f) || f <= 0 {
		return 0
	}
	return int64(math.Round(f*1e6)) / 100
}

// share reads a fraction field as basis points.
func share(f func(*profile.Profile) float64) func(*profile.Profile) (float64, bool) {
	return func(p *profile.Profile) (float64, bool) { return float64(fractionBP(f(p))), true }
}

func one(f func(*profile.Profile) string) func(*profile.Profile) []string {
	return func(p *profile.Profile) []string {
		if v := f(p); v != "" {
			return []string{v}
		}
		return nil
	}
}

// metrics are the fields rules may read, by name. A name not here is a data error
// (Validate refuses it); data fuhua does not hold is a Lacking rule instead.
var metrics = map[string]Metric{
	"employees":  {ZH: "职工总数", EN: "employees", Type: Count, UnitZH: " 人", UnitEN: "", num: count(func(p *profile.Profile) int { return p.Employees })},
	"tech_staff": {ZH: "科技人员", EN: "S&T staff", Type: Count, UnitZH: " 人", num: count(func(p *profile.Profile) int { return p.TechStaff })},
	// The share of S&T staff among employees, in whole basis points rounded down
	// (floor(x) ≥ n ⇔ x ≥ n, so a threshold test stays exact); unknown without a
	// headcount.
	"tech_staff_share": {ZH: "科技人员占比", EN: "S&T staff share", Type: Share, UnitZH: "%", UnitEN: "%",
		num: func(p *profile.Profile) (float64, bool) {
			if p.Employees <= 0 {
				return 0, false
			}
			if p.TechStaff <= 0 {
				return 0, true
			}
			return float64(int64(p.TechStaff) * 10000 / int64(p.Employees)), true
		}},
	"rd_ratio": {ZH: "研发费用占销售收入比例", EN: "R&D spending / sales revenue", Type: Share, UnitZH: "%", UnitEN: "%",
		num: share(func(p *profile.Profile) float64 { return p.RDRatio })},
	"rd_cost_ratio": {ZH: "研发费用占成本费用总额比例", EN: "R&D spending / total cost and expense", Type: Share, UnitZH: "%", UnitEN: "%",
		num: share(func(p *profile.Profile) float64 { return p.RDCostRatio })},
	"patents":  {ZH: "一类知识产权（发明专利等）", EN: "class-I IP (invention patents …)", Type: Count, UnitZH: " 项", num: count(func(p *profile.Profile) int { return p.Patents })},
	"other_ip": {ZH: "二类知识产权（实用新型、外观设计、软件著作权）", EN: "class-II IP (utility models, designs, software copyrights)", Type: Count, UnitZH: " 项", num: count(func(p *profile.Profile) int { return p.OtherIP })},
	"ip_total": {ZH: "自主知识产权", EN: "owned IP", Type: Count, UnitZH: " 项",
		num: count(func(p *profile.Profile) int { return p.Patents + p.OtherIP })},
	"revenue_wan": {ZH: "年销售收入", EN: "annual sales revenue", Type: Amount, UnitZH: " 万元", UnitEN: " wan yuan", num: amount(func(p *profile.Profile) float64 { return p.RevenueWan })},
	"assets_wan":  {ZH: "资产总额", EN: "total assets", Type: Amount, UnitZH: " 万元", UnitEN: " wan yuan", num: amount(func(p *profile.Profile) float64 { return p.AssetsWan })},
	"area_sqm":    {ZH: "场地面积", EN: "floor area", Type: Amount, UnitZH: " ㎡", UnitEN: " m²", num: amount(func(p *profile.Profile) float64 { return p.AreaSqm })},
	"seats":       {ZH: "工位数", EN: "desks", Type: Count, UnitZH: " 个", num: count(func(p *profile.Profile) int { return p.Seats })},
	"capacity":    {ZH: "可容纳项目数", EN: "capacity", Type: Count, UnitZH: " 个", num: count(func(p *profile.Profile) int { return p.Capacity })},

	"founded":         {ZH: "成立时间", EN: "registration", Type: DateType, date: func(p *profile.Profile) string { return p.Founded }},
	"established":     {ZH: "设立时间", EN: "established", Type: DateType, date: func(p *profile.Profile) string { return p.Established }},
	"incubated_since": {ZH: "入孵时间", EN: "incubated since", Type: DateType, date: func(p *profile.Profile) string { return p.IncubatedSince }},

	"district":      {ZH: "所在区县", EN: "district", Type: Codes, codes: one(func(p *profile.Profile) string { return p.District })},
	"home_district": {ZH: "所属区县", EN: "home district", Type: Codes, codes: one(func(p *profile.Profile) string { return p.HomeDistrict })},
	"host_region":   {ZH: "所在区域", EN: "host region", Type: Codes, codes: one(func(p *profile.Profile) string { return p.HostRegion })},
	"stage":         {ZH: "发展阶段", EN: "stage", Type: Codes, codes: one(func(p *profile.Profile) string { return p.Stage })},
	"status":        {ZH: "孵化状态", EN: "incubation status", Type: Codes, codes: one(func(p *profile.Profile) string { return p.Status })},
	"type":          {ZH: "类型", EN: "type", Type: Codes, codes: one(func(p *profile.Profile) string { return p.Type })},
	"level":         {ZH: "级别", EN: "level", Type: Codes, codes: one(func(p *profile.Profile) string { return p.Level })},
	"chains":        {ZH: "产业链", EN: "chains", Type: Codes, codes: func(p *profile.Profile) []string { return p.Chains }},
	"services":      {ZH: "服务内容", EN: "services", Type: Codes, codes: func(p *profile.Profile) []string { return p.Services }},

	"benchmark":     {ZH: "标杆孵化器", EN: "benchmark incubator", Type: FlagType, flag: func(p *profile.Profile) bool { return p.Benchmark }},
	"professional":  {ZH: "专业孵化器", EN: "professional incubator", Type: FlagType, flag: func(p *profile.Profile) bool { return p.Professional }},
	"international": {ZH: "国际孵化载体", EN: "international carrier", Type: FlagType, flag: func(p *profile.Profile) bool { return p.International }},

	"high_tech": {ZH: "高新技术企业证书", EN: "high-tech enterprise certificate", Type: CertType, cert: func(p *profile.Profile) *profile.YearResult { return p.HighTech }},
	"tech_sme":  {ZH: "科技型中小企业入库", EN: "tech-SME registration", Type: CertType, cert: func(p *profile.Profile) *profile.YearResult { return p.TechSME }},
}

// MetricNames lists the metric names, sorted.
func MetricNames() []string {
	out := make([]string, 0, len(metrics))
	for k := range metrics {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// LookupMetric returns the metric rules call name.
func LookupMetric(name string) (Metric, bool) {
	m, ok := metrics[name]
	return m, ok
}
