package profile

import "strings"

// CodeSet is a closed list of codes with their Chinese names, used for validation
// and in error messages that list the valid codes.
type CodeSet struct {
	Name  string // the field's name in English, for messages
	codes map[string]string
	order []string
}

// NewCodeSet builds a set from code, zh pairs, keeping their order.
func NewCodeSet(name string, pairs ...string) CodeSet {
	s := CodeSet{Name: name, codes: make(map[string]string, len(pairs)/2)}
	for i := 0; i+1 < len(pairs); i += 2 {
		s.codes[pairs[i]] = pairs[i+1]
		s.order = append(s.order, pairs[i])
	}
	return s
}

// Has reports whether code is in the set.
func (s CodeSet) Has(code string) bool { _, ok := s.codes[code]; return ok }

// ZH is the Chinese name of code, or code itself.
func (s CodeSet) ZH(code string) string {
	if zh, ok := s.codes[code]; ok && zh != "" {
		return zh
	}
	return code
}

// Codes lists the codes in their given order.
func (s CodeSet) Codes() []string { return append([]string(nil), s.order...) }

// ZHList is the Chinese names joined for a message a person reads.
func (s CodeSet) ZHList() string { return zhList(s) }

// List is the codes joined for an error message.
func (s CodeSet) List() string { return strings.Join(s.order, ", ") }

// The closed lists fixed by the data contract.
var (
	Stages = NewCodeSet("stage", "idea", "创意", "seed", "种子", "angel", "天使", "pre_a", "Pre-A",
		"a", "A轮", "b", "B轮", "c_plus", "C轮及以后")
	FundingKinds = NewCodeSet("funding kind", "equity", "股权", "debt", "债权/贷款", "grant", "补助")
	NeedServices = NewCodeSet("service", "law", "法律", "accounting", "财务会计", "ip", "知识产权",
		"testing", "检验检测", "tech_transfer", "技术转移", "finance", "金融")
	StartupStatuses = NewCodeSet("status", "incubating", "在孵", "graduated", "已毕业", "left", "已退出")
	InvestorTypes   = NewCodeSet("investor type", "angel", "天使投资", "vc", "创业投资", "pe", "私募股权",
		"guidance_fund", "政府引导基金", "bank", "银行", "insurance", "保险", "guarantee", "担保", "corporate", "产业资本")
	CarrierTypes = NewCodeSet("carrier type", "maker_space", "众创空间", "incubator", "孵化器", "accelerator", "加速器",
		"university_park", "大学科技园", "industrial_park", "产业园区", "finance_station", "科创金融服务驿站", "virtual", "虚拟孵化器")
	Levels      = NewCodeSet("level", "national", "国家级", "provincial", "省级", "municipal", "市级", "none", "无")
	HostRegions = NewCodeSet("host region", "jingjinji", "京津冀", "yangtze_delta", "长三角", "pearl_delta", "珠三角",
		"other", "其他", "overseas", "境外")
	ProviderTypes = NewCodeSet("provider type", "law", "律师事务所", "accounting", "会计师事务所", "ip", "知识产权代理",
		"testing", "检验检测", "tech_transfer", "技术转移", "consulting", "管理咨询", "finance", "金融服务")
	// OfferServices are the services a carrier, enclave or provider offers: the
	// startup needs plus what carriers and enclaves add.
	OfferServices = NewCodeSet("service", "law", "法律", "accounting", "财务会计", "ip", "知识产权",
		"testing", "检验检测", "tech_transfer", "技术转移", "finance", "金融", "consulting", "管理咨询",
		"space", "场地", "incubation", "孵化辅导", "roadshow", "路演", "talent", "人才", "policy", "政策申报",
		"landing", "落地对接", "prototyping", "小试中试", "international", "国际合作")
)

// Catalog holds the code lists that are data (districts and chains, from seed/).
type Catalog struct {
	Districts CodeSet
	Chains    CodeSet
	// Segments are the chain map's segment codes ("hydrogen.fuel_cell").
	Segments CodeSet
}
