package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"fuhua/internal/policy"
	"fuhua/internal/profile"
)

// startup fills a startup: a firm that entered incubation between 2021 and 2025,
// some since graduated, with staff, R&D and IP figures spread across the tech-SME
// tiers and a tech-SME result consistent with those figures.
func (g *demoGen) startup(p *profile.Profile, i int, r *rand.Rand) {
	di := demoDistricts[p.District]
	p.Chains = g.chainsFor(r, p.District, 2)
	main := p.Chains[0]
	zh, py := brand(i)
	prefix := "盐城"
	if chance(r, 0.35) && !strings.HasPrefix(di.short, "盐") {
		prefix = di.short
	}
	suffix := pick(r, []string{"科技有限公司", "有限公司", "技术有限公司"})
	word := g.word(r, main)
	if strings.HasSuffix(word, "科技") {
		suffix = "有限公司" // not 科技科技 or 科技技术
	}
	p.Name = prefix + zh + word + suffix
	p.CreditCode = creditCode(r, di.division)
	p.Contact = g.contact(r, py)

	sinceYear := 2021 + weighted(r, 12, 18, 22, 24, 24)
	p.IncubatedSince = date(sinceYear, between(r, 1, 12), between(r, 1, 28))
	p.Founded = addMonths(p.IncubatedSince, -between(r, 0, 24))
	p.Status = "incubating"
	graduateP := map[int]float64{2021: 0.6, 2022: 0.45, 2023: 0.25, 2024: 0.08}[sinceYear]
	lastYear := 2025
	switch {
	case chance(r, graduateP):
		if on := addMonths(p.IncubatedSince, between(r, 12, 48)); on <= "2025-12-31" {
			p.Status, p.GraduatedOn = "graduated", on
			fmt.Sscanf(on, "%d", &lastYear)
		}
	case chance(r, 0.05):
		p.Status = "left"
	}

	p.Stage = []string{"idea", "seed", "angel", "pre_a", "a", "b", "c_plus"}[weighted(r, 10, 25, 25, 20, 12, 6, 2)]
	p.Employees = max(3, min(480, int(math.Round(math.Exp(2.8+0.8*r.NormFloat64())))))
	p.TechStaff = min(p.Employees, int(math.Round(float64(p.Employees)*(0.05+0.65*r.Float64()))))
	if !chance(r, 0.15) {
		p.RevenueWan = round(min(15000, math.Exp(5+1.2*r.NormFloat64())), 1)
		p.RDRatio = round(0.005+0.2*r.Float64()*r.Float64(), 4)
	}
	p.RDCostRatio = round(0.02+0.5*r.Float64()*r.Float64(), 4)
	p.AssetsWan = round(p.RevenueWan*(0.5+1.5*r.Float64())+float64(between(r, 50, 2000)), 1)
	if chance(r, 0.45) {
		p.Patents = between(r, 1, 6)
	}
	p.OtherIP = r.IntN(13)
	if sinceYear <= 2023 && chance(r, 0.15) {
		p.HighTech = &profile.YearResult{Year: between(r, max(2022, sinceYear), 2025), Passed: true}
	}
	if !chance(r, 0.1) { // one in ten never filed for the tech-SME evaluation
		p.TechSME = &profile.YearResult{Year: lastYear, Passed: techSMEPassed(p, lastYear)}
	}

	n := &profile.Needs{}
	if chance(r, 0.7) {
		n.FundingWan = float64(between(r, 5, 300) * 10)
		n.FundingKinds = pickSome(r, profile.FundingKinds.Codes(), 2)
	}
	n.Mentoring = pickSome(r, topicList, 3)
	n.Services = pickSome(r, profile.NeedServices.Codes(), 3)
	if chance(r, 0.5) {
		n.SpaceSqm = float64(between(r, 5, 200) * 10)
	}
	p.Needs = n

	kw := g.keywords(r, main, 3)
	var b strings.Builder
	fmt.Fprintf(&b, "公司专注于%s领域，主要产品为%s相关的%s，面向%s。", strings.Join(kw[:min(2, len(kw))], "、"),
		kw[len(kw)-1], pick(r, products), pick(r, markets))
	if len(p.Chains) > 1 {
		fmt.Fprintf(&b, "同时布局%s方向。", strings.Join(g.keywords(r, p.Chains[1], 2), "、"))
	}
	fmt.Fprintf(&b, "团队%d人，其中科技人员%d人；拥有发明专利%d项、实用新型及软件著作权等%d项。", p.Employees, p.TechStaff, p.Patents, p.OtherIP)
	if n.FundingWan > 0 {
		fmt.Fprintf(&b, "本轮计划融资%g万元，", n.FundingWan)
	}
	fmt.Fprintf(&b, "希望对接%s方面的导师。（示例数据）", strings.Join(n.Mentoring, "、"))
	p.Summary = b.String()
	p.Tags = g.tags(r, p.Chains)
	p.Torch = demoTorch(p, i, lastYear)
}

// torchFields maps a chain to the 国家重点支持的高新技术领域 its firms usually
// report (a chain not listed, such as agri_food, reports none). [guess]: the
// demo's own reading, not a published table.
var torchFields = map[string]string{"ic": "electronics", "semi3": "electronics", "electronics": "electronics", "digital": "electronics",
	"vr": "electronics", "hydrogen": "energy", "new_energy": "energy", "env": "environment", "equipment": "manufacturing",
	"auto": "manufacturing", "materials": "materials", "biomed": "biomed", "pv": "energy", "wind": "energy",
	"energy_storage": "energy", "power_battery": "energy", "nev": "manufacturing", "nev_parts": "manufacturing",
	"ngit": "electronics", "display": "electronics", "pcb": "electronics", "computing": "electronics", "iiot": "electronics",
	"embodied_ai": "manufacturing", "marine": "manufacturing", "health": "biomed", "air_pollution": "environment",
	"stainless": "materials", "precision_parts": "manufacturing", "petro_machinery": "manufacturing", "low_altitude": "aerospace"}

// demoTorch gives about seven in ten demo startups a Torch statistics record
// consistent with their profile (staff within employees, R&D within revenue,
// invention patents within class-I IP), so the statistics export and the
// carrier aggregates have figures to show; the rest report none. It draws
// from its own random stream, so the rest of the demo data is as before.
func demoTorch(p *profile.Profile, i, year int) *profile.TorchRecord {
	r := rand.New(rand.NewPCG(uint64(i)+1, 0x70c4))
	if !chance(r, 0.7) {
		return nil
	}
	n := func(x int) *int { return &x }
	m := func(x float64) *float64 { v := round(x, 1); return &v }
	b := func(x bool) *bool { return &x }
	t := &profile.TorchRecord{ReportYear: year, FounderSerial: b(chance(r, 0.3)), FounderStudent: b(chance(r, 0.15)),
		FounderScientist: b(chance(r, 0.4)), FounderReturnee: b(chance(r, 0.1)),
		FounderGender: []string{"male", "female"}[weighted(r, 75, 25)], RegistrationType: []string{"150", "170", "160"}[weighted(r, 70, 25, 5)]}
	college := p.Employees * between(r, 40, 95) / 100
	t.StaffCollege = n(college)
	t.StaffDoctorate = n(min(college, r.IntN(4)))
	t.StaffReturnees = n(min(college, r.IntN(3)))
	t.FreshGraduates = n(min(p.Employees, r.IntN(6)))
	if p.RevenueWan > 0 {
		t.RevenuePrevWan = m(p.RevenueWan * (0.55 + 0.5*r.Float64()))
		t.RDSpendWan = m(p.RevenueWan * p.RDRatio)
		t.TaxWan = m(p.RevenueWan * (0.01 + 0.05*r.Float64()))
		t.NetProfitWan = m(p.RevenueWan * (-0.2 + 0.35*r.Float64()))
	}
	t.RegisteredCapWan = m(float64(between(r, 10, 500) * 10))
	if p.Stage != "idea" && p.Stage != "seed" && chance(r, 0.6) {
		total := float64(between(r, 10, 300) * 10)
		t.FinancingTotalWan = m(total)
		t.FinancingYearWan = m(total * r.Float64() * 0.5)
	}
	t.IPApplied, t.IPGranted = n(r.IntN(6)), n(r.IntN(4))
	t.InventionPatents = n(p.Patents - r.IntN(p.Patents+1)/2)
	t.SoftwareCopyrights = n(r.IntN(p.OtherIP + 1))
	t.TechField = torchFields[p.Chains[0]]
	return t
}

// pickSome draws 1..max distinct items of xs, in xs's order.
func pickSome(r *rand.Rand, xs []string, max int) []string {
	n := between(r, 1, min(max, len(xs)))
	idx := r.Perm(len(xs))[:n]
	var out []string
	for j, x := range xs {
		for _, k := range idx {
			if k == j {
				out = append(out, x)
			}
		}
	}
	return out
}

func (g *demoGen) mentor(p *profile.Profile, i int, r *rand.Rand) {
	name, py := person(r)
	p.Name = name
	zh, _ := brand(i)
	p.Chains = g.chainsFor(r, p.District, 3)
	main := p.Chains[0]
	switch weighted(r, 30, 30, 25, 15) {
	case 0:
		p.Title = pick(r, []string{"教授", "副教授", "研究员", "高级工程师"})
		p.Organization = zh + g.word(r, main) + "研究院"
	case 1:
		p.Title = pick(r, []string{"董事长", "创始人", "总经理"})
		p.Organization = zh + g.word(r, main) + "集团有限公司"
	case 2:
		p.Title = pick(r, []string{"技术总监", "首席技术官", "研发总监", "产品总监"})
		p.Organization = zh + g.word(r, main) + "股份有限公司"
	default:
		p.Title = pick(r, []string{"合伙人律师", "注册会计师", "投资总监", "专利代理师"})
		p.Organization = zh + pick(r, []string{"律师事务所", "会计师事务所", "资本", "知识产权代理有限公司"})
	}
	p.Topics = pickSome(r, topicList, 5)
	p.Languages = []string{"中文"}
	if chance(r, 0.4) {
		p.Languages = append(p.Languages, "英语")
	}
	if chance(r, 0.08) {
		p.Languages = append(p.Languages, "韩语")
	}
	p.Capacity = between(r, 1, 5)
	p.Remote = chance(r, 0.5)
	p.Contact = profile.Contact{Person: name, Phone: phone(r), Email: py + fmt.Sprint(i%100) + "@mentor.example.com"}
	if chance(r, 0.5) {
		p.Contact.WeChat = "wx_" + strings.ReplaceAll(py, ".", "") + fmt.Sprint(r.IntN(1000))
	}
	kw := g.keywords(r, main, 2)
	p.Summary = fmt.Sprintf("%s，%s%s，从事%s相关工作%d年，可在%s方面为在孵企业提供辅导，每期可带%d家企业。（示例数据）",
		name, p.Organization, p.Title, strings.Join(kw, "、"), between(r, 5, 30), strings.Join(p.Topics, "、"), p.Capacity)
	p.Tags = g.tags(r, p.Chains)
}

func (g *demoGen) investor(p *profile.Profile, i int, r *rand.Rand) {
	di := demoDistricts[p.District]
	zh, py := brand(i)
	p.Chains = g.chainsFor(r, p.District, 4)
	kw := g.keywords(r, p.Chains[0], 2)
	focus := strings.Join(kw, "、")
	stages := func(ss ...string) []string { return ss }
	// A fund's ticket spans most of its type's band (a minimum in the lower fifth,
	// a maximum in the upper half), as funds state them; narrow bands would leave
	// founders with no investor at all.
	ticket := func(lo, hi int) {
		a := between(r, lo, lo+(hi-lo)/5)
		b := between(r, lo+(hi-lo)/2, hi)
		p.TicketMinWan, p.TicketMaxWan = float64(a/10*10), float64(b/10*10+10)
	}
	p.Type = []string{"angel", "vc", "pe", "guidance_fund", "bank", "insurance", "guarantee", "corporate"}[weighted(r, 20, 30, 8, 12, 18, 4, 4, 4)]
	p.Instruments = []string{"equity"}
	switch p.Type {
	case "angel":
		p.Name = "盐城" + zh + "天使投资合伙企业（有限合伙）"
		p.Stages = stages("idea", "seed", "angel")
		ticket(30, 300)
		p.HardTech = chance(r, 0.3)
		p.Summary = fmt.Sprintf("天使投资机构，关注%s等早期项目，单笔投资%g至%g万元，可提供创业辅导与后续融资对接。", focus, p.TicketMinWan, p.TicketMaxWan)
	case "vc":
		p.Name = zh + pick(r, []string{"创业投资有限公司", "创业投资基金（有限合伙）", "资本管理有限公司"})
		p.Stages = stages("angel", "pre_a", "a", "b")
		ticket(300, 3000)
		p.HardTech = chance(r, 0.4)
		p.Summary = fmt.Sprintf("创业投资机构，重点投资%s领域的成长期科技企业，单笔%g至%g万元，可联动孵化载体开展投孵联动。", focus, p.TicketMinWan, p.TicketMaxWan)
	case "pe":
		p.Name = zh + "股权投资管理有限公司"
		p.Stages = stages("b", "c_plus")
		ticket(2000, 20000)
		p.Summary = fmt.Sprintf("私募股权投资机构，关注%s等方向的中后期企业及产业链整合。", focus)
	case "guidance_fund":
		p.Name = di.short + zh + "科创引导基金"
		p.Stages = stages("seed", "angel", "pre_a", "a")
		ticket(100, 2000)
		p.HardTech = true
		p.Summary = fmt.Sprintf("政府引导基金，坚持“投小、投早、投硬”，引导社会资本投向%s等硬科技领域的种子期、初创期企业，以基金招商促进项目落户孵化载体。", focus)
	case "bank":
		p.Name = zh + "银行盐城" + di.short + "科技支行"
		p.Stages = stages("angel", "pre_a", "a", "b", "c_plus")
		ticket(50, 1000)
		p.Instruments = []string{"debt"}
		p.Summary = fmt.Sprintf("提供苏科贷、专利权和商标权质押贷款等科技信贷产品，首贷一般不超过300万元，重点支持%s领域的科技型中小企业。", focus)
	case "insurance":
		p.Name = zh + "财产保险盐城中心支公司"
		p.Stages = stages("angel", "pre_a", "a", "b")
		ticket(50, 500)
		p.Instruments = []string{"debt"}
		p.Summary = fmt.Sprintf("提供科技保险、贷款保证保险和知识产权保险，服务%s等领域的科技企业。", focus)
	case "guarantee":
		p.Name = "盐城" + zh + "融资担保有限公司"
		p.Stages = stages("seed", "angel", "pre_a", "a", "b")
		ticket(50, 1000)
		p.Instruments = []string{"debt"}
		p.Summary = fmt.Sprintf("为科技型中小企业贷款提供融资担保，与合作银行共担风险，熟悉%s等行业。", focus)
	default:
		p.Name = zh + g.word(r, p.Chains[0]) + "产业投资有限公司"
		p.Stages = stages("pre_a", "a", "b")
		ticket(500, 5000)
		p.Summary = fmt.Sprintf("产业资本，围绕%s产业链上下游开展战略投资，可开放应用场景与供应链资源。", focus)
	}
	p.Summary += "（示例数据）"
	// Most funds invest anywhere in the city (no regions); district funds and
	// local bank branches keep to a few districts.
	if p.Type != "guidance_fund" && p.Type != "bank" && chance(r, 0.7) {
		p.Regions = nil
	} else {
		var codes []string
		for _, d := range g.districts {
			codes = append(codes, d.Code)
		}
		p.Regions = pickSome(r, codes, 4)
	}
	p.Contact = g.contact(r, py)
	p.Tags = g.tags(r, p.Chains)
}

var carrierServices = []string{"space", "incubation", "roadshow", "finance", "policy", "talent", "ip", "law",
	"accounting", "testing", "tech_transfer", "prototyping", "landing", "international", "consulting"}

func (g *demoGen) carrier(p *profile.Profile, i int, r *rand.Rand) {
	di := demoDistricts[p.District]
	zh, py := brand(i)
	p.Chains = g.chainsFor(r, p.District, 3)
	word := g.word(r, p.Chains[0])
	p.Type = []string{"maker_space", "incubator", "accelerator", "university_park", "industrial_park", "finance_station", "virtual"}[weighted(r, 30, 35, 10, 5, 10, 5, 5)]
	estYear := 2010 + weighted(r, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9)
	p.Established = date(estYear, between(r, 1, 12), between(r, 1, 28))
	switch p.Type {
	case "maker_space":
		p.Name = di.short + zh + word + "众创空间"
		p.AreaSqm, p.Seats = float64(between(r, 5, 50)*100), between(r, 30, 300)
	case "incubator":
		p.Name = pick(r, []string{di.short + zh + "科技企业孵化器", zh + word + "专业孵化器"})
		p.AreaSqm, p.Seats = float64(between(r, 30, 500)*100), between(r, 100, 800)
	case "accelerator":
		p.Name = di.short + zh + "科技企业加速器"
		p.AreaSqm = float64(between(r, 20, 160) * 1000)
	case "university_park":
		p.Name = zh + "学院大学科技园"
		p.AreaSqm, p.Seats = float64(between(r, 10, 100)*1000), between(r, 100, 600)
	case "industrial_park":
		p.Name = di.short + zh + word + "产业园"
		p.AreaSqm = float64(between(r, 100, 2000) * 1000)
	case "finance_station":
		p.Name = di.short + zh + "科创金融服务驿站"
		p.AreaSqm = float64(between(r, 5, 50) * 10)
	case "virtual":
		p.Name = zh + word + "虚拟孵化器"
	}
	p.Level = []string{"national", "provincial", "municipal", "none"}[weighted(r, 6, 30, 40, 24)]
	if p.Type == "finance_station" || p.Type == "virtual" && p.Level == "national" {
		p.Level = "none"
	}
	if p.Level != "none" {
		// Most levels are recent, so the plan's years see carriers move up.
		p.LevelSince = max(estYear, 2015+weighted(r, 1, 1, 2, 2, 3, 3, 4, 6, 6, 6, 5))
	}
	p.Benchmark = (p.Type == "incubator" || p.Type == "virtual") && chance(r, 0.06)
	p.Professional = chance(r, 0.4)
	p.International = chance(r, 0.05)
	p.Services = pickSome(r, carrierServices, 6)
	p.Contact = g.contact(r, py)
	levelZH := map[string]string{"national": "国家级", "provincial": "省级", "municipal": "市级", "none": ""}[p.Level]
	var b strings.Builder
	fmt.Fprintf(&b, "%s位于%s，是%s%s，聚焦%s等方向", p.Name, di.short, levelZH, profile.CarrierTypes.ZH(p.Type),
		strings.Join(g.keywords(r, p.Chains[0], 3), "、"))
	var svc []string
	for _, s := range p.Services {
		svc = append(svc, profile.OfferServices.ZH(s))
	}
	fmt.Fprintf(&b, "，提供%s等服务", strings.Join(svc, "、"))
	if p.AreaSqm > 0 {
		fmt.Fprintf(&b, "，面积约%s平方米", strconv.FormatFloat(p.AreaSqm, 'f', -1, 64))
	}
	b.WriteString("。（示例数据）")
	p.Summary = b.String()
	p.Tags = g.tags(r, p.Chains)
}

func (g *demoGen) enclave(p *profile.Profile, i int, r *rand.Rand) {
	di := demoDistricts[p.District]
	zh, py := brand(i)
	host := pick(r, hostCities)
	p.HomeDistrict, p.HostCity, p.HostRegion = p.District, host.city, host.region
	// The city field holds where the enclave is; district stays the home district
	// so that district's managers see it.
	p.City = host.city
	p.Chains = g.chainsFor(r, p.District, 3)
	p.Name = fmt.Sprintf("%s（%s）%s%s", di.short, host.city, zh, pick(r, []string{"科创飞地", "离岸科创中心", "离岸孵化器"}))
	p.Established = date(2019+weighted(r, 1, 2, 3, 4, 6, 6, 6), between(r, 1, 12), between(r, 1, 28))
	p.Capacity = between(r, 5, 60)
	p.Services = pickSome(r, []string{"space", "incubation", "landing", "talent", "roadshow", "tech_transfer", "policy"}, 5)
	p.Contact = g.contact(r, py)
	p.Summary = fmt.Sprintf("%s在%s设立的科创飞地，面向%s等方向招引项目与人才，在外孵化、回%s落地，可容纳约%d个团队。（示例数据）",
		di.short, host.city, strings.Join(g.keywords(r, p.Chains[0], 3), "、"), di.short, p.Capacity)
	p.Tags = append(g.tags(r, p.Chains), "科创飞地")
}

func (g *demoGen) provider(p *profile.Profile, i int, r *rand.Rand) {
	zh, py := brand(i)
	p.Type = []string{"law", "accounting", "ip", "testing", "tech_transfer", "consulting", "finance"}[weighted(r, 15, 20, 25, 15, 10, 10, 5)]
	if chance(r, 0.7) {
		p.Chains = g.chainsFor(r, p.District, 3)
	}
	field := "科技型中小企业"
	if len(p.Chains) > 0 {
		field = strings.Join(g.keywords(r, p.Chains[0], 2), "、") + "等领域的科技企业"
	}
	var what string
	switch p.Type {
	case "law":
		p.Name = "江苏" + zh + "律师事务所"
		p.Services = []string{"law", "policy"}
		what = "提供股权架构、投融资协议、知识产权诉讼和合规等法律服务"
	case "accounting":
		p.Name = "盐城" + zh + "会计师事务所有限公司"
		p.Services = []string{"accounting", "policy"}
		what = "提供研发费用归集、加计扣除、高新技术企业认定和科技型中小企业评价的财务辅导"
	case "ip":
		p.Name = "盐城" + zh + "知识产权代理有限公司"
		p.Services = []string{"ip", "policy"}
		what = "提供发明专利、实用新型、外观设计和软件著作权申请，以及知识产权贯标与质押融资服务"
	case "testing":
		p.Name = "江苏" + zh + "检验检测有限公司"
		p.Services = []string{"testing", "prototyping"}
		what = "提供产品检测、认证咨询和小试中试服务"
	case "tech_transfer":
		p.Name = "盐城" + zh + "技术转移服务有限公司"
		p.Services = []string{"tech_transfer", "consulting"}
		what = "对接高校院所科技成果，提供技术评估、技术经纪和成果转化服务"
	case "consulting":
		p.Name = "盐城" + zh + "企业管理咨询有限公司"
		p.Services = []string{"consulting", "talent", "policy"}
		what = "提供战略规划、人才招聘、管理体系和政策申报咨询"
	case "finance":
		p.Name = "盐城" + zh + "科技金融服务有限公司"
		p.Services = []string{"finance", "roadshow"}
		what = "提供苏科贷申请辅导、融资路演和投融资对接服务"
	}
	p.Summary = fmt.Sprintf("%s为%s%s。（示例数据）", p.Name, field, what)
	p.Contact = g.contact(r, py)
	p.Tags = g.tags(r, p.Chains)
}

// techSMEPassed pre-assesses a demo firm against the tech-SME programme of the
// catalogue, as internal/techsme does (which cannot be imported here: it reads the
// catalogue from this package).
func techSMEPassed(p *profile.Profile, year int) bool {
	g, ok := Policies().Get("tech_sme", year)
	return ok && policy.Evaluate(g, p, policy.YearEnd(year)).Status == policy.Eligible
}
