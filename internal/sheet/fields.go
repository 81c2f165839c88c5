package sheet

import (
	"strings"
	"sync"
	"unicode"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// valueType says how a cell is read and written.
type valueType int

const (
	text    valueType = iota
	integer           // whole number
	number            // decimal number
	ratio             // a fraction; "18%" and "0.18" both read as 0.18
	boolean           // 是/否, true/false, 1/0 …
	date              // YYYY-MM-DD; 2023/3/1, 2023年3月1日 and Excel date serials are accepted
	year              // a calendar year
	code              // one code of a vocabulary, given as the code or its name
	codes             // several codes, separated by 、,;，；| or new lines
	list              // several free texts, same separators
)

// vocab is a closed list of codes with every name a spreadsheet may use for them.
type vocab struct {
	name   string            // the list's name in English, for messages
	nameZH string            // and in Chinese
	order  []string          // codes in order
	label  map[string]string // code → the Chinese name written in exports
	lookup map[string]string // normalized code or name → code
}

func newVocab(name, nameZH string) *vocab {
	return &vocab{name: name, nameZH: nameZH, label: map[string]string{}, lookup: map[string]string{}}
}

// add registers code with its display label and further names.
func (v *vocab) add(code, label string, names ...string) {
	v.order = append(v.order, code)
	v.label[code] = label
	for _, n := range append([]string{code, label}, names...) {
		if k := normalize(n); k != "" {
			if _, taken := v.lookup[k]; !taken {
				v.lookup[k] = code
			}
		}
	}
}

func fromCodeSet(name, nameZH string, set profile.CodeSet) *vocab {
	v := newVocab(name, nameZH)
	for _, c := range set.Codes() {
		v.add(c, set.ZH(c))
	}
	return v
}

// resolve maps a cell's text to a code.
func (v *vocab) resolve(s string) (string, bool) {
	c, ok := v.lookup[normalize(s)]
	return c, ok
}

// display is what an export writes for code: its Chinese name when that name reads
// back as the same code (and holds no list separator: 燃料电池（材料、膜电极与电堆）
// would split), the code otherwise.
func (v *vocab) display(code string) string {
	if l, ok := v.label[code]; ok && l != "" && !strings.ContainsAny(l, "、,;，；|\n") {
		if back, _ := v.resolve(l); back == code {
			return l
		}
	}
	return code
}

func (v *vocab) listZH() string {
	out := make([]string, 0, len(v.order))
	for _, c := range v.order {
		out = append(out, v.display(c))
	}
	return strings.Join(out, "、")
}

func (v *vocab) listCodes() string { return strings.Join(v.order, ", ") }

// Field is one column a spreadsheet of a kind may carry.
type Field struct {
	// Key is the field's JSON name, with a dot for nested fields ("contact.phone").
	Key string
	// ZH is the Chinese header written in templates and exports.
	ZH string
	// EN is the English header; Key is accepted as well.
	EN      string
	aliases []string
	typ     valueType
	vocab   *vocab
	// opt: an empty cell is unknown (null), not zero — the Torch figures.
	opt    bool
	HintZH string
	HintEN string
}

// headerNames lists every header that names f.
func (f *Field) headerNames() []string {
	return append([]string{f.Key, f.ZH, f.EN}, f.aliases...)
}

// normalize folds a header or name for lookup: full-width forms to ASCII, lower
// case, and without spaces, punctuation or a parenthesised remark, so that
// "营业收入（万元）", "营业收入" and " 营业收入 " are the same header and
// "Pre-A" equals "pre_a".
func normalize(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range strings.TrimSpace(s) {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r -= 0xFEE0
		}
		switch r {
		case '(', '[', '【':
			depth++
			continue
		case ')', ']', '】':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 || unicode.IsSpace(r) || unicode.IsPunct(r) || r == '*' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// vocabs holds the vocabularies; built once, never changed.
type vocabs struct {
	districts, chains, stages, fundingKinds, needServices, statuses, investorTypes,
	carrierTypes, levels, hostRegions, providerTypes, offerServices *vocab
	segments, enclaveStages, poolStatuses, genders, techFields, registrationTypes *vocab
}

var loadVocabs = sync.OnceValue(func() *vocabs {
	v := &vocabs{
		stages:            fromCodeSet("stage", "阶段", profile.Stages),
		fundingKinds:      fromCodeSet("funding kind", "资金类型", profile.FundingKinds),
		needServices:      fromCodeSet("service", "服务", profile.NeedServices),
		statuses:          fromCodeSet("status", "状态", profile.StartupStatuses),
		investorTypes:     fromCodeSet("investor type", "机构类型", profile.InvestorTypes),
		carrierTypes:      fromCodeSet("carrier type", "载体类型", profile.CarrierTypes),
		levels:            fromCodeSet("level", "级别", profile.Levels),
		hostRegions:       fromCodeSet("host region", "区域", profile.HostRegions),
		providerTypes:     fromCodeSet("provider type", "机构类型", profile.ProviderTypes),
		offerServices:     fromCodeSet("service", "服务", profile.OfferServices),
		segments:          fromCodeSet("segment", "产业链环节", seed.Catalog().Segments),
		enclaveStages:     fromCodeSet("enclave stage", "飞地项目阶段", profile.EnclaveStages),
		poolStatuses:      fromCodeSet("pool status", "导师库状态", profile.PoolStatuses),
		genders:           fromCodeSet("gender", "性别", profile.Genders),
		techFields:        fromCodeSet("technology field", "技术领域", profile.TechFields),
		registrationTypes: fromCodeSet("registration type", "登记注册类型", profile.RegistrationTypes),
	}
	// Spreadsheets write districts short ("东台", "盐南") or long ("盐城市大丰区").
	extra := map[string][]string{"kaifaqu": {"开发区", "经开区", "盐城经开区", "盐城开发区"}, "yannan": {"盐南", "盐南高新", "盐南新区"}}
	v.districts = newVocab("district", "区县")
	for _, d := range seed.Districts() {
		names := append([]string{d.EN, d.FullZH, "盐城" + d.ZH, "盐城市" + d.ZH}, extra[d.Code]...)
		if r := []rune(d.ZH); len(r) == 3 && strings.ContainsRune("市县区", r[2]) {
			names = append(names, string(r[:2]))
		}
		v.districts.add(d.Code, d.ZH, names...)
	}
	v.chains = newVocab("chain", "产业链")
	for _, c := range seed.Chains() {
		v.chains.add(c.Code, c.ZH, c.EN)
	}
	return v
})

func f(key, zh, en string, typ valueType, aliases ...string) Field {
	return Field{Key: key, ZH: zh, EN: en, typ: typ, aliases: aliases}
}

func withVocab(fd Field, v *vocab) Field { fd.vocab = v; return fd }

// labeled is a column headed by the field's label (profile/labels.go), for the
// fields added after the first spreadsheets: segments, the enclave project, the
// mentor pool status and the Torch statistics record.
func labeled(k profile.Kind, key string, typ valueType, v *vocab, aliases ...string) Field {
	l, _ := profile.FieldLabel(k, key)
	fd := f(key, l.ZH, l.EN, typ, aliases...)
	fd.vocab = v
	return fd
}

// optional marks a column whose empty cell is unknown rather than zero.
func optional(fd Field) Field { fd.opt = true; return fd }

// torchFields are the columns of the Torch statistics record, in the record's order.
func torchFields(v *vocabs) []Field {
	ints := []string{"torch.staff_doctorate", "torch.staff_college", "torch.staff_returnees", "torch.fresh_graduates"}
	money := []string{"torch.revenue_prev_wan", "torch.net_profit_wan", "torch.rd_spend_wan", "torch.rd_spend_prev_wan",
		"torch.tax_wan", "torch.registered_capital_wan", "torch.financing_year_wan", "torch.financing_total_wan"}
	ip := []string{"torch.ip_applied", "torch.ip_granted", "torch.invention_patents", "torch.software_copyrights",
		"torch.plant_varieties", "torch.ic_layouts"}
	out := []Field{labeled(profile.Startup, "torch.report_year", year, nil)}
	for _, k := range []string{"torch.founder_student", "torch.founder_serial", "torch.founder_returnee", "torch.founder_scientist"} {
		out = append(out, optional(labeled(profile.Startup, k, boolean, nil)))
	}
	out = append(out, labeled(profile.Startup, "torch.founder_gender", code, v.genders))
	for _, k := range ints {
		out = append(out, optional(labeled(profile.Startup, k, integer, nil)))
	}
	for _, k := range money {
		out = append(out, hint(optional(labeled(profile.Startup, k, number, nil)), "万元", "in 10,000 CNY"))
	}
	for _, k := range ip {
		out = append(out, optional(labeled(profile.Startup, k, integer, nil)))
	}
	return append(out,
		labeled(profile.Startup, "torch.tech_field", code, v.techFields),
		labeled(profile.Startup, "torch.registration_type", code, v.registrationTypes),
		optional(labeled(profile.Startup, "torch.has_mentor", boolean, nil)),
		optional(labeled(profile.Startup, "torch.acquired_or_listed", boolean, nil)))
}

func hint(fd Field, zh, en string) Field { fd.HintZH, fd.HintEN = zh, en; return fd }

// Fields lists the columns of kind k in the order templates and exports write them.
// The key that makes an import idempotent comes first after the name.
func Fields(k profile.Kind) []Field { return loadFields()[k] }

var loadFields = sync.OnceValue(func() map[profile.Kind][]Field {
	v := loadVocabs()
	common := func(k profile.Kind) []Field {
		nameAliases := map[profile.Kind][]string{
			profile.Startup:  {"企业名称", "公司名称", "单位名称", "企业全称"},
			profile.Mentor:   {"姓名", "导师姓名", "专家姓名"},
			profile.Investor: {"机构名称", "基金名称", "投资机构名称", "银行名称"},
			profile.Carrier:  {"载体名称", "孵化载体名称", "孵化器名称", "众创空间名称"},
			profile.Enclave:  {"飞地名称", "科创飞地名称"},
			profile.Provider: {"机构名称", "服务机构名称", "单位名称"},
		}[k]
		district := withVocab(f("district", "所在区县", "district", code, "区县", "所属区县", "所在地区", "辖区", "所属地区"), v.districts)
		city := f("city", "所在城市", "city", text, "城市")
		if k == profile.Enclave {
			// An enclave sits outside Yancheng: its own district is usually empty and
			// the district that owns it is home_district, so the common Chinese
			// "所属区县" means home_district here.
			district = withVocab(f("district", "所在区县（盐城）", "district", code), v.districts)
			city = f("city", "城市", "city", text)
		}
		return []Field{
			hint(f("name", "名称", "name", text, append([]string{"名字"}, nameAliases...)...), "必填", "required"),
			hint(f("summary", "简介", "summary", text, "概述", "描述", "主营业务", "企业简介", "简要介绍", "description"), "", ""),
			withVocab(f("chains", "所属产业链", "chains", codes, "产业链", "产业领域", "产业方向"), v.chains),
			hint(labeled(k, "segments", codes, v.segments, "环节", "产业环节"), "产业图谱中的环节，如 燃料电池", "chain-map segments, e.g. hydrogen.fuel_cell"),
			f("tags", "标签", "tags", list, "关键词", "关键字"),
			district,
			city,
			f("contact.person", "联系人", "contact person", text, "contact"),
			f("contact.phone", "联系电话", "phone", text, "电话", "手机", "手机号", "手机号码", "tel", "mobile"),
			f("contact.email", "电子邮箱", "email", text, "邮箱", "e-mail", "mail"),
			f("contact.wechat", "微信", "wechat", text, "微信号"),
		}
	}
	own := map[profile.Kind][]Field{
		profile.Startup: {
			hint(f("credit_code", "统一社会信用代码", "credit code", text, "信用代码", "社会信用代码", "uscc"),
				"必填，18 位；再次导入时据此更新而不重复", "required, 18 characters; a second import updates by it"),
			withVocab(f("stage", "发展阶段", "stage", code, "阶段", "融资阶段", "融资轮次"), v.stages),
			f("founded", "成立日期", "founded", date, "成立时间", "注册日期", "注册时间"),
			f("employees", "职工总数", "employees", integer, "员工数", "员工人数", "职工人数", "从业人员数", "从业人数"),
			f("tech_staff", "科技人员数", "tech staff", integer, "科技人员", "研发人员数", "研发人员"),
			hint(f("rd_ratio", "研发费用占销售收入比例", "R&D / revenue", ratio, "研发投入占比", "研发占比", "研发费用占比"), "如 6% 或 0.06", "e.g. 6% or 0.06"),
			hint(f("rd_cost_ratio", "研发费用占成本费用比例", "R&D / total cost", ratio), "如 6% 或 0.06", "e.g. 6% or 0.06"),
			f("patents", "一类知识产权数", "class-I IP", integer, "一类知识产权", "发明专利", "发明专利数", "Ⅰ类知识产权"),
			f("other_ip", "二类知识产权数", "class-II IP", integer, "二类知识产权", "其他知识产权", "Ⅱ类知识产权"),
			hint(f("revenue_wan", "营业收入（万元）", "revenue (10k CNY)", number, "销售收入", "年销售收入", "营收", "营业收入", "revenue"), "万元", "in 10,000 CNY"),
			hint(f("assets_wan", "资产总额（万元）", "assets (10k CNY)", number, "资产总额", "总资产", "assets"), "万元", "in 10,000 CNY"),
			hint(f("carrier_id", "所在载体", "carrier", text, "孵化载体", "入驻载体", "所在孵化载体", "carrier"), "载体 ID 或载体名称", "the carrier's id or exact name"),
			withVocab(f("status", "孵化状态", "status", code, "状态", "在孵状态"), v.statuses),
			f("incubated_since", "入孵日期", "incubated since", date, "入孵时间"),
			f("graduated_on", "毕业日期", "graduated on", date, "毕业时间"),
			f("tech_sme.year", "科技型中小企业评价年度", "tech-SME year", year, "科小评价年度", "科小年度"),
			f("tech_sme.passed", "科技型中小企业是否通过", "tech-SME passed", boolean, "科技型中小企业", "是否科技型中小企业", "科小是否通过"),
			f("high_tech.year", "高新技术企业认定年度", "high-tech year", year, "高企认定年度", "高企年度"),
			f("high_tech.passed", "高新技术企业是否有效", "high-tech passed", boolean, "高新技术企业", "是否高新技术企业", "是否高企"),
			hint(f("needs.funding_wan", "融资需求（万元）", "funding need (10k CNY)", number, "融资需求", "融资需求金额"), "万元", "in 10,000 CNY"),
			withVocab(f("needs.funding_kinds", "融资方式", "funding kinds", codes, "资金需求类型"), v.fundingKinds),
			f("needs.mentoring", "辅导需求", "mentoring needs", list, "导师需求"),
			withVocab(f("needs.services", "服务需求", "service needs", codes), v.needServices),
			f("needs.space_sqm", "场地需求（平方米）", "space need (m²)", number, "场地需求", "场地需求面积"),
			hint(labeled(profile.Startup, "enclave.enclave_id", text, nil, "飞地"), "飞地 ID", "the enclave's id"),
			labeled(profile.Startup, "enclave.stage", code, v.enclaveStages),
			labeled(profile.Startup, "enclave.since", date, nil),
			labeled(profile.Startup, "enclave.landed_on", date, nil),
			hint(labeled(profile.Startup, "enclave.park_id", text, nil), "落地载体 ID", "the carrier's id"),
		},
		profile.Mentor: {
			f("title", "职称/职务", "title", text, "职称", "职务"),
			f("organization", "工作单位", "organization", text, "单位", "所在单位", "任职单位"),
			f("topics", "擅长领域", "topics", list, "辅导方向", "专长", "研究方向"),
			f("languages", "语言", "languages", list),
			f("capacity", "可辅导企业数", "capacity", integer, "辅导容量"),
			f("remote", "可远程辅导", "remote", boolean, "是否远程", "远程"),
			labeled(profile.Mentor, "pool_status", code, v.poolStatuses, "在库状态"),
		},
		profile.Investor: {
			hint(withVocab(f("type", "机构类型", "type", code, "类型", "投资机构类型"), v.investorTypes), "必填", "required"),
			withVocab(f("stages", "投资阶段", "stages", codes, "关注阶段"), v.stages),
			hint(f("ticket_min_wan", "单笔最低（万元）", "ticket min (10k CNY)", number, "最低投资额", "单笔投资下限"), "万元", "in 10,000 CNY"),
			hint(f("ticket_max_wan", "单笔最高（万元）", "ticket max (10k CNY)", number, "最高投资额", "单笔投资上限"), "万元", "in 10,000 CNY"),
			withVocab(f("instruments", "投资方式", "instruments", codes, "资金工具"), v.fundingKinds),
			withVocab(f("regions", "关注区县", "regions", codes, "投资区域"), v.districts),
			f("hard_tech", "投硬科技", "hard tech", boolean, "是否投硬科技", "硬科技"),
		},
		profile.Carrier: {
			hint(withVocab(f("type", "载体类型", "type", code, "类型"), v.carrierTypes), "必填", "required"),
			withVocab(f("level", "级别", "level", code, "载体级别", "认定级别"), v.levels),
			f("level_since", "级别认定年份", "level since", year, "认定年份", "认定年度"),
			f("benchmark", "标杆孵化器", "benchmark", boolean, "是否标杆", "是否标杆孵化器"),
			f("professional", "专业化", "professional", boolean, "是否专业化", "专业孵化器"),
			f("international", "国际化", "international", boolean, "是否国际化"),
			f("area_sqm", "面积（平方米）", "area (m²)", number, "面积", "孵化面积", "场地面积"),
			f("seats", "工位数", "seats", integer, "工位"),
			withVocab(f("services", "服务内容", "services", codes, "服务", "服务项目"), v.offerServices),
			f("established", "成立日期", "established", date, "成立时间", "建成时间", "运营时间"),
		},
		profile.Enclave: {
			hint(withVocab(f("home_district", "所属区县", "home district", code, "归属区县", "母城区县"), v.districts), "必填", "required"),
			f("host_city", "所在城市", "host city", text, "飞地所在城市", "所在地", "落地城市"),
			hint(withVocab(f("host_region", "所在区域", "host region", code, "区域"), v.hostRegions), "必填", "required"),
			f("capacity", "可容纳项目数", "capacity", integer, "容量"),
			withVocab(f("services", "服务内容", "services", codes, "服务", "服务项目"), v.offerServices),
			f("established", "成立日期", "established", date, "成立时间", "建成时间", "运营时间"),
		},
		profile.Provider: {
			hint(withVocab(f("type", "机构类型", "type", code, "类型", "服务类型"), v.providerTypes), "必填", "required"),
			withVocab(f("services", "服务内容", "services", codes, "服务", "服务项目"), v.offerServices),
		},
	}
	own[profile.Startup] = append(own[profile.Startup], torchFields(v)...)
	out := map[profile.Kind][]Field{}
	for _, k := range profile.Kinds {
		fs := common(k)
		fs = append(fs[:1:1], append(own[k][:1:1], fs[1:]...)...) // the name, then the kind's key field, then the rest
		fs = append(fs, own[k][1:]...)
		for i := range fs {
			if fs[i].HintZH == "" {
				fs[i].HintZH, fs[i].HintEN = typeHint(&fs[i])
			}
		}
		out[k] = fs
	}
	return out
})

// typeHint describes what a column takes, for template comments.
func typeHint(fd *Field) (string, string) {
	switch fd.typ {
	case integer:
		return "整数", "whole number"
	case number:
		return "数字", "number"
	case ratio:
		return "百分比或小数", "percentage or fraction"
	case boolean:
		return "是 / 否", "yes / no"
	case date:
		return "日期，如 2023-03-01", "date, e.g. 2023-03-01"
	case year:
		return "年份，如 2024", "year, e.g. 2024"
	case code:
		return "可选：" + fd.vocab.listZH(), "one of: " + fd.vocab.listCodes()
	case codes:
		return "可多选，用、分隔：" + fd.vocab.listZH(), "several, separated by 、 or commas: " + fd.vocab.listCodes()
	case list:
		return "可填多项，用、分隔", "several, separated by 、 or commas"
	}
	return "", ""
}
