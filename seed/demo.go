package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode"

	"fuhua/internal/profile"
)

// The demo generator's fixed seed ("fuhua-01", "Yancheng"): the same n always
// yields the same profiles, so demos, screenshots and benchmarks are repeatable.
const (
	demoSeed1 uint64 = 0x66756875612d3031
	demoSeed2 uint64 = 0x59616e6368656e67
)

// demoShare is the mix of kinds, in percent.
var demoShare = []struct {
	kind   profile.Kind
	weight int
}{
	{profile.Startup, 55}, {profile.Mentor, 12}, {profile.Investor, 10},
	{profile.Carrier, 10}, {profile.Enclave, 5}, {profile.Provider, 8},
}

// Demo returns n believable, entirely fictional profiles of all six kinds across
// the chains and districts. Profile i depends only on i (each has its own random
// stream), so Demo(n) is a prefix of Demo(m) for n < m. Every profile passes
// Validate(Catalog()) after Normalize. ID and OwnerID are left empty.
func Demo(n int) []profile.Profile {
	g := newDemoGen()
	kinds := kindSequence(n)
	out := make([]profile.Profile, 0, n)
	for i := range n {
		r := rand.New(rand.NewPCG(demoSeed1, demoSeed2+uint64(i)))
		out = append(out, g.profile(kinds[i], i, r))
	}
	return out
}

// kindSequence spreads the kinds evenly by smooth weighted round-robin, so even a
// small demo has every kind in about the right share.
func kindSequence(n int) []profile.Kind {
	cur := make([]int, len(demoShare))
	total := 0
	for _, s := range demoShare {
		total += s.weight
	}
	out := make([]profile.Kind, n)
	for i := range out {
		best := 0
		for j, s := range demoShare {
			cur[j] += s.weight
			if cur[j] > cur[best] {
				best = j
			}
		}
		cur[best] -= total
		out[i] = demoShare[best].kind
	}
	return out
}

// syllable is a Chinese character with its pinyin, for names and e-mail domains.
type syllable struct{ zh, py string }

func syllables(s string) []syllable {
	var out []syllable
	for _, f := range strings.Fields(s) {
		r := []rune(f)
		out = append(out, syllable{string(r[0]), string(r[1:])})
	}
	return out
}

var (
	brandFirst  = syllables("芯xin 源yuan 华hua 恒heng 博bo 睿rui 泰tai 鼎ding 瑞rui 盛sheng 科ke 创chuang 宏hong 远yuan 嘉jia 达da 联lian 拓tuo 新xin 智zhi 海hai 润run 启qi 航hang 卓zhuo 越yue 银yin 天tian 正zheng 和he 信xin 明ming 星xing 腾teng 凯kai 昊hao 晟sheng 融rong 骏jun 盈ying")
	brandSecond = syllables("源yuan 微wei 芯xin 诚cheng 锐rui 达da 驰chi 能neng 光guang 辰chen 峰feng 泽ze 杰jie 德de 尚shang 晨chen 翔xiang 盛sheng 元yuan 汇hui 宇yu 坤kun 景jing 晖hui 奥ao 铭ming 睿rui 通tong 安an 丰feng 瀚han 越yue 岚lan 川chuan 禾he 朗lang 易yi 图tu 诺nuo 特te")
	surnames    = syllables("张zhang 王wang 李li 刘liu 陈chen 杨yang 赵zhao 黄huang 周zhou 吴wu 徐xu 孙sun 胡hu 朱zhu 高gao 林lin 何he 郭guo 马ma 罗luo 梁liang 宋song 郑zheng 谢xie 韩han 唐tang 冯feng 于yu 董dong 萧xiao 程cheng 曹cao 袁yuan 邓deng 许xu 傅fu 沈shen 曾zeng 彭peng 吕lv")
	givenNames  = syllables("伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie 娟juan 涛tao 明ming 超chao 秀xiu 霞xia 平ping 刚gang 桂gui 文wen 华hua 建jian 国guo 立li 志zhi 海hai 晓xiao 宇yu 欣xin 悦yue 浩hao 晨chen 思si 雨yu 嘉jia 子zi 博bo")
)

// districtInfo is what the generator knows of a district: a short name for body
// names, the 6-digit administrative division code credit codes carry, and the
// chains its firms lean to (demo flavour, loosely after the reference's sources;
// not a statement about the district).
type districtInfo struct {
	short, division string
	chains          []string
}

var demoDistricts = map[string]districtInfo{
	"dongtai":   {"东台", "320981", []string{"pv", "ic", "wind", "materials"}},
	"jianhu":    {"建湖", "320925", []string{"petro_machinery", "equipment", "display"}},
	"sheyang":   {"射阳", "320924", []string{"wind", "new_energy", "equipment"}},
	"funing":    {"阜宁", "320923", []string{"wind", "env", "air_pollution"}},
	"binhai":    {"滨海", "320922", []string{"materials", "marine", "hydrogen"}},
	"xiangshui": {"响水", "320921", []string{"materials", "marine", "pv"}},
	"dafeng":    {"大丰", "320904", []string{"materials", "wind", "pcb", "marine"}},
	"yandu":     {"盐都", "320903", []string{"pv", "energy_storage", "ic", "nev"}},
	"tinghu":    {"亭湖", "320902", []string{"env", "air_pollution", "digital", "biomed"}},
	// The two zones register firms under the city's own division code.
	"kaifaqu": {"盐城经开区", "320900", []string{"auto", "nev", "power_battery", "electronics", "pv"}},
	"yannan":  {"盐南", "320900", []string{"digital", "vr", "computing", "semi3"}},
}

// chainWords are the industry words firms of a chain put in their names.
var chainWords = map[string][]string{
	"ic": {"微电子", "半导体", "芯片"}, "semi3": {"半导体", "功率器件", "宽禁带"}, "hydrogen": {"氢能", "氢能源", "燃料电池"},
	"digital": {"数字科技", "信息技术", "数据科技", "智能科技"}, "vr": {"虚拟现实", "数字孪生", "视觉科技"},
	"env": {"环保科技", "环境科技", "节能科技"}, "equipment": {"智能装备", "精密机械", "装备科技"},
	"auto": {"汽车零部件", "汽车科技"}, "new_energy": {"新能源", "能源科技"}, "materials": {"新材料", "材料科技", "高分子材料"},
	"electronics": {"电子", "电子科技", "光电"}, "biomed": {"生物医药", "生物科技", "医疗器械"},
	"pv": {"光伏科技", "光能", "太阳能"}, "wind": {"风电科技", "风能装备"}, "energy_storage": {"储能科技", "储能"},
	"power_battery": {"锂电科技", "电池科技"}, "nev": {"新能源汽车", "电驱科技"}, "marine": {"海洋科技", "海工装备"},
	"health": {"健康科技", "康养科技"}, "stainless": {"不锈钢", "特钢"}, "air_pollution": {"环保设备", "除尘科技"},
	"precision_parts": {"精密制造", "精密科技"}, "pcb": {"电路科技", "电子"}, "petro_machinery": {"石油机械", "石化装备"},
	"agri_food": {"食品科技", "农业科技"}, "display": {"光电显示", "光电"}, "iiot": {"工业互联网", "智造科技"},
	"low_altitude": {"航空科技", "无人机"}, "embodied_ai": {"机器人", "智能机器人"}, "computing": {"算力科技", "云计算"},
}

var (
	products  = []string{"核心部件", "关键材料", "检测设备", "软件平台", "整体解决方案", "工艺装备", "功能模组", "智能终端"}
	markets   = []string{"长三角制造企业", "新能源龙头企业", "汽车主机厂", "政府及园区客户", "海外市场", "本地龙头企业配套", "科研院所"}
	topicList = []string{"融资路演", "股权设计", "知识产权布局", "研发管理", "市场营销", "高企申报", "财务规范", "供应链管理",
		"技术转移", "产品定义", "海外市场", "人力资源", "政策申报", "质量体系", "商业模式", "团队建设"}
	hostCities = []struct{ city, region string }{
		{"北京", "jingjinji"}, {"天津", "jingjinji"}, {"上海", "yangtze_delta"}, {"南京", "yangtze_delta"},
		{"苏州", "yangtze_delta"}, {"杭州", "yangtze_delta"}, {"合肥", "yangtze_delta"}, {"无锡", "yangtze_delta"},
		{"深圳", "pearl_delta"}, {"广州", "pearl_delta"}, {"西安", "other"}, {"武汉", "other"}, {"成都", "other"},
		{"首尔", "overseas"}, {"慕尼黑", "overseas"},
	}
)

// demoGen holds what every profile draws from.
type demoGen struct {
	districts []District
	chains    []Chain
	byCode    map[string]Chain
	pool      []string // chains weighted for drawing: the contract's twelve thrice
}

func newDemoGen() *demoGen {
	g := &demoGen{districts: Districts(), chains: Chains(), byCode: map[string]Chain{}}
	fixed := map[string]bool{"ic": true, "semi3": true, "hydrogen": true, "digital": true, "vr": true, "env": true,
		"equipment": true, "auto": true, "new_energy": true, "materials": true, "electronics": true, "biomed": true}
	for _, c := range g.chains {
		g.byCode[c.Code] = c
		switch {
		case fixed[c.Code]:
			g.pool = append(g.pool, c.Code, c.Code, c.Code)
		case !c.Group:
			g.pool = append(g.pool, c.Code)
		}
	}
	return g
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between draws an integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// weighted draws an index with the given weights.
func weighted(r *rand.Rand, ws ...int) int {
	t := 0
	for _, w := range ws {
		t += w
	}
	x := r.IntN(t)
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// brand is a trade name unique to i: two characters for the first 1600 indexes,
// then a third character per further round (i is scattered so neighbours do not
// share a first character).
func brand(i int) (string, string) {
	space := len(brandFirst) * len(brandSecond)
	k := (i*617 + 101) % space
	a, b := brandFirst[k/len(brandSecond)], brandSecond[k%len(brandSecond)]
	if a.zh == b.zh {
		b = syllable{"隆", "long"} // not in brandSecond, so the pair stays unique
	}
	zh, py := a.zh+b.zh, a.py+b.py
	if round := i / space; round > 0 {
		c := brandSecond[(k+round)%len(brandSecond)]
		zh, py = zh+c.zh, py+c.py+fmt.Sprint(round) // the digit keeps e-mail domains apart
	}
	return zh, py
}

func person(r *rand.Rand) (string, string) {
	s := pick(r, surnames)
	g1 := pick(r, givenNames)
	if chance(r, 0.6) {
		g2 := pick(r, givenNames)
		return s.zh + g1.zh + g2.zh, s.py + "." + g1.py + g2.py
	}
	return s.zh + g1.zh, s.py + "." + g1.py
}

func phone(r *rand.Rand) string {
	if chance(r, 0.3) {
		return fmt.Sprintf("0515-8%07d", r.IntN(10_000_000))
	}
	return fmt.Sprintf("1%d%d-%04d-%04d", pick(r, []int{3, 5, 8, 9}), r.IntN(10), r.IntN(10000), r.IntN(10000))
}

func (g *demoGen) contact(r *rand.Rand, domain string) profile.Contact {
	name, py := person(r)
	c := profile.Contact{Person: name, Phone: phone(r), Email: py + "@" + domain + ".example.com"}
	if chance(r, 0.5) {
		c.WeChat = "wx_" + strings.ReplaceAll(py, ".", "") + fmt.Sprint(r.IntN(1000))
	}
	return c
}

// chainsFor draws 1..max distinct chains, leaning to the district's own.
func (g *demoGen) chainsFor(r *rand.Rand, district string, max int) []string {
	n := between(r, 1, max)
	var out []string
	seen := map[string]bool{}
	for tries := 0; len(out) < n && tries < 20; tries++ {
		var c string
		if d, ok := demoDistricts[district]; ok && chance(r, 0.5) {
			c = pick(r, d.chains)
		} else {
			c = pick(r, g.pool)
		}
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// keywords draws n distinct Chinese keywords of a chain, for summaries and tags.
func (g *demoGen) keywords(r *rand.Rand, chain string, n int) []string {
	var zh []string
	for _, s := range g.byCode[chain].Synonyms {
		if strings.IndexFunc(s, func(c rune) bool { return unicode.Is(unicode.Han, c) }) >= 0 {
			zh = append(zh, s)
		}
	}
	r.Shuffle(len(zh), func(i, j int) { zh[i], zh[j] = zh[j], zh[i] })
	return zh[:min(n, len(zh))]
}

func (g *demoGen) word(r *rand.Rand, chain string) string {
	if ws := chainWords[chain]; len(ws) > 0 {
		return pick(r, ws)
	}
	return "科技"
}

func date(y, m, d int) string { return fmt.Sprintf("%04d-%02d-%02d", y, m, d) }

// addMonths moves a YYYY-MM-DD date (day ≤ 28) by m months.
func addMonths(s string, m int) string {
	var y, mo, d int
	fmt.Sscanf(s, "%d-%d-%d", &y, &mo, &d)
	t := y*12 + (mo - 1) + m
	return date(t/12, t%12+1, d)
}

// creditCode builds a unified social credit code (GB 32100-2015): 9 (registered
// by market regulation) 1 (enterprise), the division code, an organisation code
// "MA" + 6 characters with its GB 11714 check character, and the final check.
func creditCode(r *rand.Rand, division string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	body := []byte("MA")
	for range 6 {
		body = append(body, alphabet[r.IntN(len(alphabet))])
	}
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * weights[i]
	}
	var check byte
	switch c := 11 - sum%11; c {
	case 10:
		check = 'X'
	case 11:
		check = '0'
	default:
		check = byte('0' + c)
	}
	first17 := "91" + division + string(body) + string(check)
	last, _ := profile.CreditCodeCheck(first17)
	return first17 + string(last)
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

func (g *demoGen) profile(kind profile.Kind, i int, r *rand.Rand) profile.Profile {
	d := g.districts[r.IntN(len(g.districts))]
	p := profile.Profile{Kind: kind, District: d.Code, City: "盐城"}
	switch kind {
	case profile.Startup:
		g.startup(&p, i, r)
	case profile.Mentor:
		g.mentor(&p, i, r)
	case profile.Investor:
		g.investor(&p, i, r)
	case profile.Carrier:
		g.carrier(&p, i, r)
	case profile.Enclave:
		g.enclave(&p, i, r)
	case profile.Provider:
		g.provider(&p, i, r)
	}
	return p
}

func (g *demoGen) tags(r *rand.Rand, chains []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range chains {
		for _, k := range g.keywords(r, c, 2) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// distinctAlphabet is DistinctFirmName's digits.
var distinctAlphabet = []rune("科创智联数云芯氢能源光电新材华盛达通泰和")

// DistinctFirmName is the i-th of 8,000 made-up firm names (盐城科科创创智智…),
// each base-20 digit of i written twice, so that any two differ in two
// characters or more: as far apart as real firms' names mostly are, for
// spreadsheets of new rows that are not near duplicates of one another
// (the import benchmarks).
func DistinctFirmName(i int) string {
	var r []rune
	for range 3 {
		d := distinctAlphabet[i%len(distinctAlphabet)]
		r = append(r, d, d)
		i /= len(distinctAlphabet)
	}
	return "盐城" + string(r) + "科技有限公司"
}
