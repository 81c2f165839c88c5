package seed

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"fuhua/internal/profile"
)

// The chains the plan names (任务2, 任务4) and the large new-energy chains must be
// segmented in depth.
var deepChains = []string{"ic", "semi3", "hydrogen", "digital", "vr", "env", "equipment", "auto",
	"new_energy", "pv", "wind", "energy_storage", "power_battery", "nev"}

// genericWords may never identify a segment: a firm of any chain writes them.
// Place names and company names are here too.
var genericWords = []string{
	"材料", "新材料", "设备", "装备", "系统", "技术", "智能", "软件", "平台", "服务", "制造", "研发", "新能源",
	"产品", "解决方案", "应用", "科技", "工程", "零部件", "部件", "零件", "配件", "模块", "模组", "组件",
	"电池", "电子", "检测", "测试", "数据", "信息", "网络", "能源", "环保", "节能", "汽车", "电站", "运维",
	"化工", "加工", "生产", "销售", "贸易", "咨询", "管理", "开发", "设计", "创新", "数字化", "自动化",
	"高端", "精密", "绿色", "低碳", "工业", "产业", "企业", "项目", "客户", "市场", "集成", "系统集成",
	"智能制造", "数字化转型", "智慧", "安全", "机器人", "传感器", "控制器", "电机", "物流", "食品", "医疗",
	"健康", "教育", "培训", "文旅", "创业", "孵化", "园区", "新型", "先进", "高性能", "芯片设计服务",
	"system", "systems", "software", "platform", "service", "services", "technology", "technologies",
	"solution", "solutions", "equipment", "material", "materials", "smart", "intelligent", "manufacturing",
	"design", "development", "module", "modules", "cell", "cells", "stack", "substrate", "catalyst",
	"controller", "sensor", "battery", "energy", "power", "engineering", "product", "products",
	"application", "applications", "innovation", "digital", "automation", "industrial", "industry",
	"green", "AI", "data", "network", "new energy", "consulting", "management", "R&D", "research",
	"testing", "inspection", "maintenance", "logistics", "robot", "motor", "coating", "coatings",
	"generator", "tower", "casing", "tubing", "bus", "port", "rotor", "stator", "engine", "transmission",
	"chassis", "separator", "binder", "foundry", "API", "ATE", "transformer", "encoder", "headset",
	"tablet", "router", "shipping", "plant", "solar farm operator",
	// places
	"盐城", "江苏", "上海", "北京", "深圳", "南京", "苏州", "东台", "大丰", "阜宁", "建湖", "射阳", "滨海",
	"响水", "盐都", "亭湖", "长三角", "Yancheng", "Jiangsu",
	// companies named in the reference
	"天合", "晶澳", "金风", "东风悦达起亚", "华人运通", "SK On", "国显光电", "Trina", "Goldwind",
}

// sharedKeywords are the words allowed to identify two segments, each with its
// reason. Keep it short; a word that no longer needs the exception fails the test.
var sharedKeywords = map[string]string{}

var segmentCode = regexp.MustCompile(`^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$`)
var srcCite = regexp.MustCompile(`\[src: ([^\]]+)\]`)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func hasLatin(s string) bool {
	for _, r := range s {
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// wordProblem says what is wrong with a keyword or context word, or "".
func wordProblem(w string) string {
	switch {
	case w == "" || strings.TrimSpace(w) != w:
		return "blank or padded"
	case hasHan(w):
		n := 0
		for _, r := range w {
			if unicode.Is(unicode.Han, r) {
				n++
			}
		}
		if n < 2 && !hasLatin(w) {
			return "a single Chinese character"
		}
	default:
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
		if n < 2 {
			return "shorter than two letters"
		}
	}
	return ""
}

func chainsByCode() map[string]Chain {
	m := map[string]Chain{}
	for _, c := range Chains() {
		m[c.Code] = c
	}
	return m
}

func TestChainMapCoversEveryChain(t *testing.T) {
	m := Map()
	chains := chainsByCode()
	seen := map[string]bool{}
	for _, c := range m.Chains {
		if _, ok := chains[c.Chain]; !ok {
			t.Errorf("map chain %q is not in chains.json", c.Chain)
		}
		if seen[c.Chain] {
			t.Errorf("chain %q appears twice in the map", c.Chain)
		}
		seen[c.Chain] = true
		n := len(c.Segments)
		switch c.Depth {
		case DeepChain:
			if n < 5 || n > 8 {
				t.Errorf("deep chain %q has %d segments, want 5–8", c.Chain, n)
			}
		case OutlineChain:
			if n < 3 || n > 5 {
				t.Errorf("outline chain %q has %d segments, want 3–5", c.Chain, n)
			}
		default:
			t.Errorf("chain %q: depth %q is neither deep nor outline", c.Chain, c.Depth)
		}
	}
	for code := range chains {
		if !seen[code] {
			t.Errorf("chain %q of chains.json has no segments in the map", code)
		}
	}
	for _, code := range deepChains {
		if c, ok := m.Chain(code); !ok || c.Depth != DeepChain {
			t.Errorf("chain %q must be segmented in depth", code)
		}
	}
	if m.Version == "" {
		t.Error("map has no version")
	}
	if len(m.ApplicationMarkers) < 5 {
		t.Errorf("map has %d application markers", len(m.ApplicationMarkers))
	}
	for _, w := range m.ApplicationMarkers {
		if p := wordProblem(w); p != "" {
			t.Errorf("application marker %q is %s", w, p)
		}
	}
}

func TestSegmentsWellFormed(t *testing.T) {
	m := Map()
	streamRank := map[string]int{Upstream: 0, Midstream: 1, Downstream: 2}
	codes := map[string]bool{}
	for _, c := range m.Chains {
		last := 0
		for _, s := range c.Segments {
			if codes[s.Code] {
				t.Errorf("segment code %q appears twice", s.Code)
			}
			codes[s.Code] = true
			if !segmentCode.MatchString(s.Code) || !strings.HasPrefix(s.Code, c.Chain+".") {
				t.Errorf("segment code %q is not <chain>.<segment> of chain %q in lower-case ASCII", s.Code, c.Chain)
			}
			if s.Chain != c.Chain {
				t.Errorf("segment %q: Chain is %q, want %q", s.Code, s.Chain, c.Chain)
			}
			if strings.TrimSpace(s.ZH) == "" || !hasHan(s.ZH) || strings.TrimSpace(s.EN) == "" || hasHan(s.EN) {
				t.Errorf("segment %q: names zh %q en %q", s.Code, s.ZH, s.EN)
			}
			r, ok := streamRank[s.Stream]
			if !ok {
				t.Errorf("segment %q: stream %q", s.Code, s.Stream)
			} else if r < last {
				t.Errorf("segment %q (%s) comes after a more downstream segment of %q", s.Code, s.Stream, c.Chain)
			} else {
				last = r
			}
			zh, en := 0, 0
			in := map[string]string{}
			for _, w := range s.Keywords {
				if p := wordProblem(w); p != "" {
					t.Errorf("segment %q: keyword %q is %s", s.Code, w, p)
				}
				if hasHan(w) {
					zh++
				} else {
					en++
				}
				if in[strings.ToLower(w)] != "" {
					t.Errorf("segment %q lists keyword %q twice", s.Code, w)
				}
				in[strings.ToLower(w)] = "keyword"
			}
			if zh == 0 || en == 0 {
				t.Errorf("segment %q has %d Chinese and %d English keywords, want both", s.Code, zh, en)
			}
			for _, w := range s.Context {
				if p := wordProblem(w); p != "" {
					t.Errorf("segment %q: context word %q is %s", s.Code, w, p)
				}
				if in[strings.ToLower(w)] != "" {
					t.Errorf("segment %q lists %q as a context word and again (%s)", s.Code, w, in[strings.ToLower(w)])
				}
				in[strings.ToLower(w)] = "context"
			}
			if c.Depth == DeepChain && len(s.Keywords) < 15 {
				t.Errorf("segment %q of a deep chain has %d keywords, want at least 15", s.Code, len(s.Keywords))
			}
			if len(s.Keywords) > 40 {
				t.Errorf("segment %q has %d keywords, want at most 40", s.Code, len(s.Keywords))
			}
			checkBasis(t, m, "segment "+s.Code, s.Basis)
		}
	}
}

func checkBasis(t *testing.T, m ChainMap, what, basis string) {
	t.Helper()
	if !strings.HasPrefix(basis, "[src:") && !strings.HasPrefix(basis, "[own]") && !strings.HasPrefix(basis, "[guess]") {
		t.Errorf("%s: basis %q does not start with [src: …], [own] or [guess]", what, basis)
	}
	if strings.TrimSpace(strings.TrimLeft(basis, "[]a-z: ")) == "" {
		t.Errorf("%s: basis says nothing", what)
	}
	for _, cite := range srcCite.FindAllStringSubmatch(basis, -1) {
		for _, id := range strings.Split(cite[1], ",") {
			if _, ok := m.Sources[strings.TrimSpace(id)]; !ok {
				t.Errorf("%s: cites source %q, which the map's sources do not list", what, strings.TrimSpace(id))
			}
		}
	}
}

func TestSegmentLinks(t *testing.T) {
	m := Map()
	chains := chainsByCode()
	for _, s := range m.Segments() {
		seen := map[string]bool{}
		for _, to := range s.Supplies {
			if to == s.Code {
				t.Errorf("segment %q supplies itself", s.Code)
			}
			if _, ok := m.Segment(to); !ok {
				t.Errorf("segment %q supplies %q, which is no segment", s.Code, to)
			}
			if seen[to] {
				t.Errorf("segment %q lists supplies %q twice", s.Code, to)
			}
			seen[to] = true
		}
		if len(s.Narrower) > 0 && !chains[s.Chain].Group {
			t.Errorf("segment %q has narrower segments but %q is not a 5+2 group", s.Code, s.Chain)
		}
		for _, n := range s.Narrower {
			sub, ok := m.Segment(n)
			if !ok {
				t.Errorf("segment %q: narrower %q is no segment", s.Code, n)
				continue
			}
			if chains[sub.Chain].Parent != s.Chain {
				t.Errorf("segment %q: narrower %q belongs to %q, whose group is %q", s.Code, n, sub.Chain, chains[sub.Chain].Parent)
			}
		}
	}
	// The cross-chain links the matching relies on.
	for _, link := range [][2]string{
		{"semi3.device", "pv.bos"}, {"semi3.device", "nev.edrive"}, {"semi3.device", "energy_storage.pcs"},
		{"semi3.device", "nev.charging"}, {"hydrogen.fc_system", "auto.vehicle"}, {"ic.packaging", "electronics.terminals"},
		{"ic.design", "auto.electronics"}, {"power_battery.cell", "energy_storage.integration"},
		{"power_battery.pack_bms", "nev.vehicle"}, {"pcb.rigid", "electronics.ems"}, {"pcb.rigid", "auto.electronics"},
		{"display.module", "vr.devices"}, {"iiot.platform", "equipment.automation"}, {"pcb.ic_substrate", "ic.packaging"},
	} {
		s, _ := m.Segment(link[0])
		if !slices.Contains(s.Supplies, link[1]) {
			t.Errorf("segment %q should supply %q", link[0], link[1])
		}
	}
}

func TestKeywordsNotGeneric(t *testing.T) {
	stop := map[string]bool{}
	for _, w := range genericWords {
		stop[strings.ToLower(w)] = true
	}
	for _, s := range Map().Segments() {
		for _, w := range s.Keywords {
			if stop[strings.ToLower(w)] {
				t.Errorf("segment %q: keyword %q is a generic word, a place or a company", s.Code, w)
			}
		}
	}
}

func TestKeywordIdentifiesOneSegment(t *testing.T) {
	owners := map[string][]string{}
	for _, s := range Map().Segments() {
		for _, w := range s.Keywords {
			k := strings.ToLower(w)
			owners[k] = append(owners[k], s.Code)
		}
	}
	for w, segs := range owners {
		if len(segs) > 1 && sharedKeywords[w] == "" {
			t.Errorf("keyword %q identifies %v; keep it in one and put it in the others' context", w, segs)
		}
	}
	for w := range sharedKeywords {
		if len(owners[w]) < 2 {
			t.Errorf("shared keyword %q is listed as an exception but identifies %d segment(s)", w, len(owners[w]))
		}
	}
}

// lookup finds the segments a text names, the way a matcher should: keywords and
// context words together, longest first (identifying before context), so that a context word (港口物流车)
// shields an identifying word inside it (港口物流); ASCII words only as whole
// words, case-insensitively, a plural -s or -es allowed. It returns the segments with an identifying hit.
func lookup(m ChainMap, text string) []string {
	type entry struct {
		word, seg string
		ident     bool
	}
	var words []entry
	for _, s := range m.Segments() {
		for _, w := range s.Keywords {
			words = append(words, entry{w, s.Code, true})
		}
		for _, w := range s.Context {
			words = append(words, entry{w, s.Code, false})
		}
	}
	// Longest first; of equal words the identifying one wins over a context one.
	sort.SliceStable(words, func(i, j int) bool {
		if len(words[i].word) != len(words[j].word) {
			return len(words[i].word) > len(words[j].word)
		}
		return words[i].ident && !words[j].ident
	})
	low := strings.ToLower(text)
	taken := make([]bool, len(low))
	hits := map[string]bool{}
	isWord := func(b byte) bool { return b < 0x80 && (b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z') }
	for _, e := range words {
		w := strings.ToLower(e.word)
		ascii := !hasHan(w)
		for from := 0; ; {
			i := strings.Index(low[from:], w)
			if i < 0 {
				break
			}
			i += from
			end := i + len(w)
			from = i + 1
			if ascii {
				// An English plural (substrates, chargers) is the same word.
				for _, suffix := range []string{"es", "s"} {
					if strings.HasPrefix(low[end:], suffix) && (end+len(suffix) == len(low) || !isWord(low[end+len(suffix)])) {
						end += len(suffix)
						break
					}
				}
				if i > 0 && isWord(low[i-1]) || end < len(low) && isWord(low[end]) {
					continue
				}
			}
			if slices.Contains(taken[i:end], true) {
				continue
			}
			for k := i; k < end; k++ {
				taken[k] = true
			}
			if e.ident {
				hits[e.seg] = true
			}
		}
	}
	var out []string
	for s := range hits {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestLookupSamples(t *testing.T) {
	m := Map()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"膜电极", []string{"hydrogen.fuel_cell"}},
		{"MEA", []string{"hydrogen.fuel_cell"}},
		{"碳化硅衬底", []string{"semi3.substrate"}},
		{"PVT", []string{"semi3.substrate"}},
		{"OSAT", []string{"ic.packaging"}},
		{"BMS", []string{"power_battery.pack_bms"}},
		{"公司专注氢燃料电池膜电极与双极板研发", []string{"hydrogen.fuel_cell"}},
		{"采用PVT法生长6英寸碳化硅单晶", []string{"semi3.substrate"}},
		{"We grow SiC substrates by physical vapor transport.", []string{"semi3.substrate"}},
		// "SiC" alone is the general word of the sub-chain, held by the group chain's segment.
		{"SiC wafers", []string{"ngit.wbg"}},
		{"Type IV tanks with carbon fibre winding", []string{"hydrogen.storage_transport", "materials.fibers_composites"}},
		// PEM alone is both an electrolyser and a fuel cell: it identifies neither.
		{"PEM", nil},
		{"开发PEM电解水制氢设备", []string{"hydrogen.production"}},
		{"PEM燃料电池电堆", []string{"hydrogen.fuel_cell"}},
		{"Our membrane electrode assembly lines supply PEMFC stack makers.", []string{"hydrogen.fuel_cell"}},
		{"提供ALK与PEM电解槽", []string{"hydrogen.production"}},
		{"氢燃料电池系统，已用于港口物流车", []string{"hydrogen.fc_system"}},
		{"产品已用于港口物流车", nil},
		// A customer's product named in full identifies the customer's segment too:
		// the matcher, not the map, must weigh it below the firm's declared chains.
		{"SiC MOSFET用于光伏逆变器与EV电驱", []string{"pv.bos", "semi3.device"}},
		{"储能变流器PCS与储能EMS", []string{"energy_storage.pcs"}},
		{"海上风电运维船与风机运维", []string{"wind.farm_om"}},
		{"IC封装载板", []string{"pcb.ic_substrate"}},
		{"智能化改造解决方案", []string{"iiot.smart_factory"}},
		{"the company ate lunch and hired Mr. Wang", nil},
	} {
		got := lookup(m, tc.text)
		if !slices.Equal(got, tc.want) {
			t.Errorf("lookup(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	// The demo's product and customer phrases are written by firms of every chain.
	for _, phrase := range append(slices.Clone(products), markets...) {
		if got := lookup(m, phrase); len(got) > 0 {
			t.Errorf("generic phrase %q identifies %v", phrase, got)
		}
	}
}

func TestNeedsUseProfileCodes(t *testing.T) {
	n := Needs()
	keys := func(m map[string][]string) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	sorted := func(xs []string) []string {
		ys := slices.Clone(xs)
		sort.Strings(ys)
		return ys
	}
	for _, tc := range []struct {
		what string
		got  map[string][]string
		want []string
	}{
		{"services", n.Services, profile.NeedServices.Codes()},
		{"funding_kinds", n.FundingKinds, profile.FundingKinds.Codes()},
		{"stages", n.Stages, profile.Stages.Codes()},
	} {
		if !slices.Equal(keys(tc.got), sorted(tc.want)) {
			t.Errorf("needs %s codes %v, want the profile's %v", tc.what, keys(tc.got), sorted(tc.want))
		}
	}
	var topics []string
	for _, tp := range n.Topics {
		if !regexp.MustCompile(`^[a-z][a-z_]*$`).MatchString(tp.Code) || !hasHan(tp.ZH) || tp.EN == "" || hasHan(tp.EN) {
			t.Errorf("topic %+v is not a lower-case code with zh and en names", tp)
		}
		topics = append(topics, tp.Code)
	}
	if !slices.Equal(keys(n.Mentoring), sorted(topics)) || len(topics) != len(n.Mentoring) {
		t.Errorf("mentoring codes %v, want the topics %v", keys(n.Mentoring), sorted(topics))
	}
	for _, tc := range []struct {
		what string
		m    map[string][]string
	}{{"services", n.Services}, {"funding_kinds", n.FundingKinds}, {"stages", n.Stages}, {"mentoring", n.Mentoring}} {
		owner := map[string]string{}
		for code, words := range tc.m {
			zh, en := 0, 0
			for _, w := range words {
				if p := wordProblem(w); p != "" {
					t.Errorf("needs %s.%s: %q is %s", tc.what, code, w, p)
				}
				if hasHan(w) {
					zh++
				} else {
					en++
				}
				if o, dup := owner[strings.ToLower(w)]; dup {
					t.Errorf("needs %s: %q is listed under %q and %q", tc.what, w, o, code)
				}
				owner[strings.ToLower(w)] = code
			}
			if zh == 0 || en == 0 {
				t.Errorf("needs %s.%s has %d Chinese and %d English words, want both", tc.what, code, zh, en)
			}
		}
	}
	for name, words := range map[string][]string{"space": n.Space, "need_markers": n.NeedMarkers} {
		if len(words) < 5 {
			t.Errorf("needs %s has %d words", name, len(words))
		}
		for _, w := range words {
			if p := wordProblem(w); p != "" {
				t.Errorf("needs %s: %q is %s", name, w, p)
			}
		}
	}
	// Every topic a demo mentor offers is one a startup can be read to seek.
	all := map[string]bool{}
	for _, words := range n.Mentoring {
		for _, w := range words {
			all[w] = true
		}
	}
	for _, w := range topicList {
		if !all[w] {
			t.Errorf("demo mentor topic %q is in no mentoring topic's words", w)
		}
	}
	// The plan's own examples read as needs of the right kind.
	for _, tc := range []struct{ text, dim, code string }{
		{"急需专利布局", "services", "ip"}, {"需要检测认证", "services", "testing"},
		{"寻求天使轮", "stages", "angel"}, {"希望申请苏科贷", "funding_kinds", "debt"},
		{"seeking a seed round", "stages", "seed"}, {"looking for patent filing support", "services", "ip"},
	} {
		dims := map[string]map[string][]string{"services": n.Services, "stages": n.Stages, "funding_kinds": n.FundingKinds}
		marked := slices.ContainsFunc(n.NeedMarkers, func(w string) bool { return strings.Contains(strings.ToLower(tc.text), strings.ToLower(w)) })
		named := slices.ContainsFunc(dims[tc.dim][tc.code], func(w string) bool { return strings.Contains(strings.ToLower(tc.text), strings.ToLower(w)) })
		if !marked || !named {
			t.Errorf("%q: need marker found %v, %s.%s word found %v", tc.text, marked, tc.dim, tc.code, named)
		}
	}
}

func TestHosts(t *testing.T) {
	m := Map()
	hosts := Hosts()
	byCity := map[string]Host{}
	for _, h := range hosts {
		if _, dup := byCity[h.HostCity]; dup {
			t.Errorf("host %q appears twice", h.HostCity)
		}
		byCity[h.HostCity] = h
		if !hasHan(h.HostCity) || h.HostCityEN == "" || hasHan(h.HostCityEN) {
			t.Errorf("host %q/%q lacks a Chinese or English name", h.HostCity, h.HostCityEN)
		}
		if !profile.HostRegions.Has(h.HostRegion) {
			t.Errorf("host %q: region %q is not one of %s", h.HostCity, h.HostRegion, profile.HostRegions.List())
		}
		if len(h.StrongIn) < 3 {
			t.Errorf("host %q is strong in %d segments, want at least 3", h.HostCity, len(h.StrongIn))
		}
		seen := map[string]bool{}
		for _, s := range h.StrongIn {
			if _, ok := m.Segment(s); !ok {
				t.Errorf("host %q: strong_in %q is no segment", h.HostCity, s)
			}
			if seen[s] {
				t.Errorf("host %q lists %q twice", h.HostCity, s)
			}
			seen[s] = true
		}
		checkBasis(t, m, "host "+h.HostCity, h.Basis)
	}
	// The demo's enclaves sit in these cities; each must be described, in the same region.
	for _, hc := range hostCities {
		h, ok := byCity[hc.city]
		if !ok {
			t.Errorf("demo host city %q is not in hosts.json", hc.city)
		} else if h.HostRegion != hc.region {
			t.Errorf("host %q: region %q, the demo says %q", hc.city, h.HostRegion, hc.region)
		}
	}
}
