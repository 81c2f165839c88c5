// Package indextest generates deterministic profiles of every kind for the
// index's property tests and for benchmarks of the index and of the API at
// 10k and 100k profiles. It is test support: nothing in production imports it.
package indextest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"fuhua/internal/profile"
)

// Profiles makes n deterministic profiles of every kind (5/12 startups, 1/12
// investors, 2/12 mentors, 1/12 carriers, 1/12 enclaves, 2/12 providers) from
// seed, with contact details that must never be findable. Summaries come from a
// small phrase bank with a common template, so common character pairs such as
// 盐城 occur in every profile: harsher than real prose for broad queries.
func Profiles(n int, seed uint64) []*profile.Profile {
	r := rand.New(rand.NewPCG(seed, seed*7+1))
	chains := []string{"ic", "semi3", "hydrogen", "digital", "vr", "env", "equipment", "auto", "new_energy", "materials", "electronics", "biomed"}
	phrases := map[string][]string{
		"ic":          {"芯片设计", "集成电路封装测试", "模拟芯片", "EDA工具"},
		"semi3":       {"碳化硅功率器件", "氮化镓射频", "第三代半导体衬底", "SiC外延"},
		"hydrogen":    {"燃料电池电堆", "电解水制氢", "高压储氢瓶", "加氢站设备"},
		"digital":     {"工业软件", "大数据平台", "人工智能算法", "SaaS服务"},
		"vr":          {"虚拟现实头显", "增强现实眼镜", "数字孪生"},
		"env":         {"烟气脱硝", "污水处理膜", "VOCs治理"},
		"equipment":   {"工业机器人", "数控机床", "激光加工设备"},
		"auto":        {"汽车零部件", "轻量化车身", "汽车电子"},
		"new_energy":  {"海上风电运维", "光伏组件", "储能系统"},
		"materials":   {"碳纤维复合材料", "高性能纤维", "石墨烯"},
		"electronics": {"印制电路板", "光模块", "消费电子结构件"},
		"biomed":      {"体外诊断试剂", "医疗器械", "创新药"},
	}
	districts := []string{"dongtai", "jianhu", "sheyang", "funing", "binhai", "xiangshui", "dafeng", "yandu", "tinghu", "kaifaqu", "yannan"}
	stages := profile.Stages.Codes()
	topics := []string{"融资规划", "股权设计", "市场营销", "财务管理", "知识产权", "技术路线", "出海", "政策申报"}
	pickN := func(list []string, k int) []string {
		idx := r.Perm(len(list))[:min(k, len(list))]
		out := make([]string, 0, len(idx))
		for _, i := range idx {
			out = append(out, list[i])
		}
		return out
	}
	kinds := []profile.Kind{profile.Startup, profile.Startup, profile.Startup, profile.Startup, profile.Startup,
		profile.Investor, profile.Mentor, profile.Mentor, profile.Carrier, profile.Enclave, profile.Provider, profile.Provider}
	out := make([]*profile.Profile, 0, n)
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		cs := pickN(chains, 1+r.IntN(2))
		var words []string
		for _, c := range cs {
			words = append(words, phrases[c][r.IntN(len(phrases[c]))])
		}
		p := &profile.Profile{
			ID: fmt.Sprintf("%s-%06d", k, i), Kind: k, Version: 1,
			Name:     fmt.Sprintf("盐城%s%s%d", words[0], k.ZH(), i),
			Summary:  "专注" + strings.Join(words, "、") + "，面向长三角客户提供产品与服务。",
			Chains:   cs,
			Tags:     words,
			District: districts[r.IntN(len(districts))],
			City:     "盐城",
			Contact: profile.Contact{Person: fmt.Sprintf("联系人%d", i), Phone: fmt.Sprintf("139%08d", i),
				Email: fmt.Sprintf("p%d@contact-secret.cn", i), WeChat: fmt.Sprintf("wxsecret%d", i)},
			OwnerID: fmt.Sprintf("owner-%d", i),
		}
		switch k {
		case profile.Startup:
			p.Stage = stages[r.IntN(len(stages))]
			p.Patents = r.IntN(4)
			p.Employees = 3 + r.IntN(80)
			p.Needs = &profile.Needs{FundingWan: float64(r.IntN(20) * 100), FundingKinds: pickN(profile.FundingKinds.Codes(), 1+r.IntN(2)),
				Mentoring: pickN(topics, r.IntN(3)), Services: pickN(profile.NeedServices.Codes(), r.IntN(3))}
		case profile.Investor:
			p.Type = []string{"angel", "vc", "guidance_fund", "bank"}[r.IntN(4)]
			p.Stages = pickN(stages, 1+r.IntN(4))
			p.TicketMinWan = float64(r.IntN(5) * 100)
			p.TicketMaxWan = p.TicketMinWan + float64(100+r.IntN(20)*100)
			p.Instruments = pickN(profile.FundingKinds.Codes(), 1+r.IntN(2))
			if r.IntN(3) == 0 {
				p.Regions = pickN(districts, 1+r.IntN(3))
			}
			p.HardTech = r.IntN(2) == 0
			p.District = ""
			p.City = "南京"
		case profile.Mentor:
			p.Title = "教授"
			p.Topics = pickN(topics, 1+r.IntN(3))
			p.Capacity = r.IntN(4)
			p.Remote = r.IntN(2) == 0
		case profile.Carrier:
			p.Type = []string{"maker_space", "incubator", "accelerator", "university_park", "industrial_park"}[r.IntN(5)]
			p.Level = "provincial"
			p.Services = pickN(profile.OfferServices.Codes(), 2+r.IntN(4))
		case profile.Enclave:
			p.HomeDistrict = districts[r.IntN(len(districts))]
			p.HostCity = []string{"上海", "南京", "北京", "深圳"}[r.IntN(4)]
			p.HostRegion = map[string]string{"上海": "yangtze_delta", "南京": "yangtze_delta", "北京": "jingjinji", "深圳": "pearl_delta"}[p.HostCity]
			p.District = ""
			p.City = p.HostCity
			p.Services = pickN(profile.OfferServices.Codes(), 2+r.IntN(3))
		case profile.Provider:
			p.Type = []string{"law", "accounting", "ip", "testing", "tech_transfer"}[r.IntN(5)]
			p.Services = pickN(profile.NeedServices.Codes(), 1+r.IntN(2))
		}
		out = append(out, p)
	}
	return out
}
