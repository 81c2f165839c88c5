package match

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fuhua/internal/profile"
)

// weights gives, for each kind a startup is matched with, the most points each
// criterion can earn. Every row adds up to 100, so a perfect match scores 100.
var weights = map[profile.Kind]map[string]float64{
	profile.Investor: {ReasonChain: 35, ReasonStage: 12, ReasonTicket: 13, ReasonInstrument: 10, ReasonPlace: 8, ReasonHardTech: 8, ReasonText: 14},
	profile.Mentor:   {ReasonChain: 40, ReasonTopics: 30, ReasonPlace: 15, ReasonText: 15},
	profile.Carrier:  {ReasonChain: 30, ReasonStage: 25, ReasonPlace: 25, ReasonServices: 10, ReasonText: 10},
	profile.Enclave:  {ReasonChain: 25, ReasonPlace: 35, ReasonHost: 15, ReasonServices: 10, ReasonText: 15},
	profile.Provider: {ReasonServices: 50, ReasonChain: 20, ReasonPlace: 20, ReasonText: 10},
}

// hardTech are the chains counted as hard tech (投硬) for investors that prefer it.
// Both the contract's codes and the reference list's finer codes are here, so a
// richer chain list in seed/ keeps working.
var hardTech = map[string]bool{
	"ic": true, "semi3": true, "hydrogen": true, "equipment": true, "materials": true, "new_energy": true,
	"electronics": true, "biomed": true, "vr": true, "hem": true, "new_materials": true, "eit": true,
	"pv": true, "wind": true, "energy_storage": true, "power_battery": true, "embodied_ai": true,
	"low_altitude": true, "display": true, "pcb": true, "nev": true, "computing": true,
}

// prepared is a profile with what scoring derives from it computed once. The
// index keeps one for every profile, so it holds no more than scoring reads.
type prepared struct {
	p     *profile.Profile
	r     *Reading
	grams []uint32 // sorted hashes of the text's units (see grams)
	tags  []tag    // the tags and topics, one per lower-cased form, sorted by it
}

// tag is one of a profile's tags or topics: lower-cased and trimmed (low), and
// as written (orig). When several are the same lower-cased, the last written
// is kept.
type tag struct{ low, orig string }

func prepare(p *profile.Profile, lex *Lexicon) *prepared { return prepareWith(p, lex.Read(p)) }

// prepareWith is prepare with r, the lexicon's reading of p, given.
func prepareWith(p *profile.Profile, r *Reading) *prepared {
	q := &prepared{p: p, r: r}
	var b strings.Builder
	n := len(p.Summary)
	for _, list := range [2][]string{p.Tags, p.Topics} {
		for _, t := range list {
			n += 1 + len(t)
		}
	}
	b.Grow(n)
	b.WriteString(p.Summary)
	tags := make([]tag, 0, len(p.Tags)+len(p.Topics))
	for _, list := range [2][]string{p.Tags, p.Topics} {
		for _, t := range list {
			b.WriteString(" ")
			b.WriteString(t)
			if k := strings.ToLower(strings.TrimSpace(t)); k != "" {
				tags = append(tags, tag{k, t})
			}
		}
	}
	q.tags = uniqueTags(tags)
	q.grams = grams(b.String())
	return q
}

// uniqueTags sorts tags by their lower-cased form and keeps, of those with the
// same one, the last in the order given.
func uniqueTags(tags []tag) []tag {
	if len(tags) == 0 {
		return nil
	}
	slices.SortStableFunc(tags, func(a, b tag) int { return strings.Compare(a.low, b.low) })
	out := tags[:0]
	for i, t := range tags {
		if i+1 < len(tags) && tags[i+1].low == t.low {
			continue
		}
		out = append(out, t)
	}
	// A copy of exactly the tags kept: the index holds it for every profile.
	kept := make([]tag, len(out))
	copy(kept, out)
	return kept
}

// grams splits text into the units similarity is measured in: overlapping pairs
// of Chinese characters (as the index's cjk analyser does) and whole Latin words,
// returned as a sorted set of hashes: the top 32 bits of each unit's 64-bit FNV
// hash. Hashes rather than strings keep scoring a few hundred candidates per
// request cheap in allocations, and 32 bits rather than 64 halve what the index
// keeps of every profile for them (about 37 MB at 100k profiles); a collision,
// about one in a million pairs of a profile's units, only nudges a similarity.
func grams(text string) []uint32 {
	// FNV-1a, 64 bits, as hash/fnv's New64a computes it, written out so that
	// no unit needs a string or a hash of its own.
	const offset, prime = 14695981039346656037, 1099511628211
	scratch := gramScratch.Get().(*gramBuf)
	out := scratch.a[:0]
	var run []rune
	var runBuf [64]rune
	run = runBuf[:0]
	var utf [2 * utf8.UTFMax]byte
	word, wordLen := uint64(offset), 0
	flushWord := func() {
		if wordLen > 1 {
			out = append(out, word)
		}
		word, wordLen = offset, 0
	}
	hashRunes := func(rs []rune) {
		n := 0
		for _, r := range rs {
			n += utf8.EncodeRune(utf[n:], r)
		}
		h := uint64(offset)
		for _, c := range utf[:n] {
			h ^= uint64(c)
			h *= prime
		}
		out = append(out, h)
	}
	flushRun := func() {
		if len(run) == 1 {
			hashRunes(run)
		}
		for i := 0; i+1 < len(run); i++ {
			hashRunes(run[i : i+2])
		}
		run = run[:0]
	}
	for _, r := range lower(text) {
		switch {
		case isHan(r):
			flushWord()
			run = append(run, r)
		case isLetterOrDigit(r):
			flushRun()
			n := utf8.EncodeRune(utf[:], r)
			for _, c := range utf[:n] {
				word ^= uint64(c)
				word *= prime
			}
			wordLen += n
		default:
			flushRun()
			flushWord()
		}
	}
	flushRun()
	flushWord()
	collected := out
	out = sortHashes(out, scratch)
	// Exactly as long as the set: the index keeps it for every profile. The
	// top halves of sorted hashes are sorted; equal ones are kept once.
	n := 0
	for i, h := range out {
		if i == 0 || h>>32 != out[i-1]>>32 {
			n++
		}
	}
	set := make([]uint32, 0, n)
	for i, h := range out {
		if i == 0 || h>>32 != out[i-1]>>32 {
			set = append(set, uint32(h>>32))
		}
	}
	scratch.a = collected[:0]
	gramScratch.Put(scratch)
	return set
}

// gramScratch holds the buffers grams collects hashes in before it sorts them.
var gramScratch = sync.Pool{New: func() any { return new(gramBuf) }}

// gramBuf is grams' scratch: the hashes as collected, and their sorted copy.
type gramBuf struct{ a, b []uint64 }

// sortHashes sorts hs, hashes spread evenly over 64 bits, in about linear
// time: into as many buckets by their top bits as there are hashes, then each
// bucket (one or two hashes, mostly) by insertion. The result is in buf.
func sortHashes(hs []uint64, buf *gramBuf) []uint64 {
	if len(hs) < 32 {
		slices.Sort(hs)
		return hs
	}
	bits := 1
	for 1<<bits < len(hs) {
		bits++
	}
	shift := 64 - bits
	var countBuf [1<<12 + 1]int32
	var count []int32
	if bits <= 12 {
		count = countBuf[:1<<bits+1]
	} else {
		count = make([]int32, 1<<bits+1)
	}
	for _, h := range hs {
		count[h>>shift+1]++
	}
	for i := 1; i < len(count); i++ {
		count[i] += count[i-1]
	}
	out := slices.Grow(buf.b[:0], len(hs))[:len(hs)]
	buf.b = out
	for _, h := range hs {
		b := h >> shift
		out[count[b]] = h
		count[b]++
	}
	// Text made to crowd its hashes into few buckets would make insertion
	// quadratic: past a linear budget of moves, an ordinary sort finishes.
	moves, budget := 0, 8*len(out)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
			if moves++; moves > budget {
				slices.Sort(out)
				return out
			}
		}
	}
	return out
}

// isHan is unicode.Is(unicode.Han, r), without the table search for ASCII and
// for the CJK Unified Ideographs block (all Han; TestRuneShortcuts checks it).
func isHan(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	if r >= 0x4E00 && r <= 0x9FFF {
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// isLetterOrDigit is unicode.IsLetter(r) || unicode.IsDigit(r), quick for ASCII.
func isLetterOrDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// lower is strings.ToLower(s), but returns s itself without a pass of
// unicode.ToLower's table search per rune when nothing in s has a lower case:
// Chinese text has none (the runes from U+3000 to U+9FFF have no case;
// TestRuneShortcuts checks it).
func lower(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				return strings.ToLower(s)
			}
			i++
			continue
		}
		// U+3000 to U+9FFF are E3 to E9 and two continuation bytes, always
		// valid UTF-8.
		if c >= 0xE3 && c <= 0xE9 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || (r < 0x3000 || r > 0x9FFF) && unicode.ToLower(r) != r {
			return strings.ToLower(s)
		}
		i += n
	}
	return s
}

// cosine is the cosine similarity of two sorted sets.
func cosine(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(n) / math.Sqrt(float64(len(a))*float64(len(b)))
}

// score scores cand for from with its reasons written.
func score(from, cand *prepared, env Env) Item {
	parts := scoreParts(from, cand, env, true)
	return finish(cand, parts[:])
}

// scoreOnly is score's Score without writing a reason: what ordering needs.
func scoreOnly(from, cand *prepared, env Env) int {
	parts := scoreParts(from, cand, env, false)
	return total(parts[:])
}

// nParts is how many criteria scoreParts weighs.
const nParts = 10

// scoreParts weighs every criterion for the pair. The fractions do not depend
// on explain; with explain false no part writes its sentences (zh and en stay
// empty), which is most of what scoring a candidate allocates.
func scoreParts(from, cand *prepared, env Env, explain bool) [nParts]part {
	s, o := from, cand
	if from.p.Kind != profile.Startup {
		s, o = cand, from
	}
	w := weights[o.p.Kind]
	parts := [nParts]part{
		chainPart(s, o, env.Lex, explain),
		stagePart(s.p, o.p, explain),
		ticketPart(s.p, o.p, explain),
		instrumentPart(s, o, explain),
		topicsPart(s, o, env.Lex, explain),
		servicesPart(s, o, explain),
		placePart(s.p, o.p, env.Lex, explain),
		hostPart(s, o, env.Lex, explain),
		hardTechPart(s, o, env.Lex, explain),
		textPart(s, o, explain),
	}
	for i := range parts {
		parts[i].max = w[parts[i].code]
	}
	// A side that works in named chains (an investor's thesis, a professional
	// carrier, a specialised lab) is relevant for its chains: with no relation
	// on the map its other criteria — the same district, a fitting stage, the
	// right kind of service — count for less. A side with no chain is open to
	// every chain and is not discounted.
	if g := gate(s, o, parts[0].frac); g < 1 {
		for i := 1; i < len(parts); i++ {
			parts[i].frac *= g
		}
	}
	// A carrier whose type does not suit the startup's stage (a finance station
	// for a team that needs a workshop) is not the place for it, however near.
	if o.p.Kind == profile.Carrier && s.p.Stage != "" {
		fits := false
		for _, p := range parts {
			fits = fits || p.code == ReasonStage && p.frac > 0
		}
		if !fits {
			for i := range parts {
				if parts[i].code == ReasonPlace {
					parts[i].frac *= 0.5
				}
			}
		}
	}
	// A carrier is a place: one in another district serves a startup only when
	// it is of the startup's chain, so its stage and services count for less.
	if o.p.Kind == profile.Carrier && s.p.District != "" && o.p.District != s.p.District {
		reach := reachFloor + (1-reachFloor)*min(1, parts[0].frac/gateFull)
		for i := range parts {
			if c := parts[i].code; c == ReasonStage || c == ReasonServices || c == ReasonText {
				parts[i].frac *= reach
			}
		}
	}
	return parts
}

// Gating: how much of the other criteria a specialised side keeps with no
// relation on the map, and the relation at which it keeps them all.
const (
	gateFloor = 0.3
	gateStart = relLinkedChain * 0.85
	gateFull  = relChainOther
	// reachFloor is what a carrier in another district with no relation on
	// the map keeps of its stage and services.
	reachFloor = 0.5
)

// gate is the share of the non-chain criteria a pair keeps given the chain
// relation rel (the chain part's fraction): 1 when either side names no chain.
func gate(s, o *prepared, rel float64) float64 {
	if o.r.Chains.Len() == 0 || s.r.Chains.Len() == 0 {
		return 1
	}
	return gateFloor + (1-gateFloor)*max(0, min(1, (rel-gateStart)/(gateFull-gateStart)))
}

var instrumentZH = map[string]string{"equity": "股权投资", "debt": "贷款", "grant": "补助资金"}
var instrumentEN = map[string]string{"equity": "equity", "debt": "loans", "grant": "grants"}

// instrumentPart earns when an investor offers the kinds of money the startup
// seeks, declared or read from its prose. A startup that needs its research
// turned into a business (成果转化) is served by grants too.
func instrumentPart(s, o *prepared, explain bool) part {
	p := part{code: ReasonInstrument}
	if o.p.Kind != profile.Investor || len(o.p.Instruments) == 0 {
		return p
	}
	want := map[string]Evidence{}
	for i := range s.r.Funding.Len() {
		en := s.r.Funding.At(i)
		k, e := en.Code, en.Evidence
		want[k] = e
	}
	if e, ok := s.r.Services.Get("tech_transfer"); ok {
		if _, has := want["grant"]; !has {
			want["grant"] = Evidence{Word: e.Word, Where: e.Where, Weight: min(e.Weight, wProse)}
		}
	}
	kinds := make([]string, 0, len(want))
	for k := range want {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	total, got := 0.0, 0.0
	hits := 0
	var zh, en []string
	var ev []sideEvidence
	for _, k := range kinds {
		e := want[k]
		total += e.Weight
		if contains(o.p.Instruments, k) {
			got += e.Weight
			hits++
			if explain {
				zh = append(zh, instrumentZH[k])
				en = append(en, instrumentEN[k])
				ev = append(ev, sideEvidence{profile.Startup, e})
			}
		}
	}
	if hits == 0 || total == 0 {
		return p
	}
	p.frac = got / total
	if !explain {
		return p
	}
	p.zh, p.en = because("提供企业需要的"+strings.Join(zh, "、"), "Offers the "+joinEN(en)+" the startup seeks", ev...)
	return p
}

func chainPart(s, o *prepared, lex *Lexicon, explain bool) part {
	return lex.relate(s, o, explain)
}

var stageEN = map[string]string{"idea": "idea", "seed": "seed", "angel": "angel", "pre_a": "pre-A",
	"a": "Series A", "b": "Series B", "c_plus": "Series C or later"}

// carrierFit says which carrier types suit a startup at each stage, following the
// incubation chain 众创空间 → 孵化器 → 加速器 → 产业园区.
var carrierFit = map[string][]string{
	"idea":   {"maker_space", "virtual", "university_park", "incubator"},
	"seed":   {"maker_space", "virtual", "university_park", "incubator"},
	"angel":  {"incubator", "university_park", "accelerator", "industrial_park"},
	"pre_a":  {"incubator", "accelerator", "university_park", "industrial_park"},
	"a":      {"accelerator", "incubator", "industrial_park"},
	"b":      {"accelerator", "industrial_park"},
	"c_plus": {"accelerator", "industrial_park"},
}

var carrierEN = map[string]string{"maker_space": "A maker space", "incubator": "An incubator",
	"accelerator": "An accelerator", "university_park": "A university science park",
	"industrial_park": "An industrial park", "finance_station": "A finance service station", "virtual": "A virtual incubator"}

func stagePart(s, o *profile.Profile, explain bool) part {
	p := part{code: ReasonStage}
	switch o.Kind {
	case profile.Investor:
		if s.Stage == "" {
			return p
		}
		if len(o.Stages) == 0 {
			p.frac, p.zh, p.en = 0.5, "投资机构不限投资阶段", "The investor invests at any stage"
			return p
		}
		if contains(o.Stages, s.Stage) {
			p.frac = 1
			if !explain {
				return p
			}
			p.zh = "投资阶段涵盖企业所处的" + profile.Stages.ZH(s.Stage) + "阶段"
			p.en = "Invests at the startup's stage (" + stageEN[s.Stage] + ")"
		}
	case profile.Carrier:
		if s.Status == "graduated" {
			switch o.Type {
			case "industrial_park":
				p.frac, p.zh, p.en = 1, "产业园区是毕业企业落地的去处", "An industrial park is where a graduated startup lands"
			case "accelerator":
				p.frac, p.zh, p.en = 0.9, "加速器承接毕业企业加速成长", "An accelerator takes graduated startups on to scale up"
			}
			return p
		}
		if i := slices.Index(carrierFit[s.Stage], o.Type); s.Stage != "" && i >= 0 {
			p.frac = []float64{1, 0.8, 0.6, 0.6}[min(i, 3)]
			if !explain {
				return p
			}
			p.zh = profile.CarrierTypes.ZH(o.Type) + "适合处于" + profile.Stages.ZH(s.Stage) + "阶段的企业"
			p.en = carrierEN[o.Type] + " suits a startup at the " + stageEN[s.Stage] + " stage"
		}
	}
	return p
}

// wanZH writes an amount in 万元 as Chinese readers count it.
func wanZH(wan float64) string { return strconv.FormatFloat(wan, 'f', -1, 64) + " 万元" }

// wanEN writes an amount in 万元 in yuan for English readers: 500 万元 is CNY 5m.
func wanEN(wan float64) string {
	if wan >= 100 {
		return "CNY " + strconv.FormatFloat(wan/100, 'f', -1, 64) + "m"
	}
	return "CNY " + strconv.FormatFloat(wan*10, 'f', -1, 64) + "k"
}

func ticketPart(s, o *profile.Profile, explain bool) part {
	p := part{code: ReasonTicket}
	if o.Kind != profile.Investor || s.Needs == nil || s.Needs.FundingWan <= 0 {
		return p
	}
	lo, hi, need := o.TicketMinWan, o.TicketMaxWan, s.Needs.FundingWan
	if !explain {
		switch {
		case lo > 0 && hi > 0:
			p.frac = 1
		case hi > 0 || lo > 0:
			p.frac = 0.7
		}
		return p
	}
	var rzh, ren string
	switch {
	case lo > 0 && hi > 0:
		p.frac = 1
		rzh = strconv.FormatFloat(lo, 'f', -1, 64) + "–" + wanZH(hi)
		ren = wanEN(lo) + "–" + strings.TrimPrefix(wanEN(hi), "CNY ")
	case hi > 0:
		p.frac, rzh, ren = 0.7, "至多 "+wanZH(hi), "up to "+wanEN(hi)
	case lo > 0:
		p.frac, rzh, ren = 0.7, "不低于 "+wanZH(lo), "at least "+wanEN(lo)
	default:
		return p
	}
	p.zh = "单笔投资" + rzh + "，可满足企业 " + wanZH(need) + "的融资需求"
	p.en = "Tickets of " + ren + " can meet the " + wanEN(need) + " the startup seeks"
	return p
}

// topicsPart earns what a mentor covers of what the startup asked for: the
// topics it wrote (matched as words) and those read from its prose (matched as
// topic codes against the mentor's topics and summary).
func topicsPart(s, o *prepared, lex *Lexicon, explain bool) part {
	p := part{code: ReasonTopics}
	if o.p.Kind != profile.Mentor {
		return p
	}
	var asked []string
	if s.p.Needs != nil {
		asked = s.p.Needs.Mentoring
	}
	var hit []string
	hits := 0
	var ev []sideEvidence
	covered := map[string]bool{}
	total := 0.0
	got := 0.0
	for _, need := range asked {
		n := strings.ToLower(strings.TrimSpace(need))
		if n == "" {
			continue
		}
		total++
		for _, t := range o.p.Topics {
			tl := strings.ToLower(strings.TrimSpace(t))
			if tl != "" && (strings.Contains(tl, n) || strings.Contains(n, tl)) {
				hits++
				if explain {
					hit = append(hit, need)
				}
				got++
				lex.tm.needs.each(need, func(_ int, ph *phrase) { covered[ph.code] = true })
				break
			}
		}
	}
	for i := range s.r.Topics.Len() {
		en := s.r.Topics.At(i)
		c, es := en.Code, en.Evidence
		if covered[c] {
			continue
		}
		if es.Where == FromDeclared && len(asked) > 0 {
			continue // counted above as the words the startup wrote
		}
		total += es.Weight
		if eo, found := o.r.Topics.Get(c); found {
			got += es.Weight
			hits++
			if explain {
				zh, _ := lex.TopicNames(c)
				hit = append(hit, zh)
				ev = append(ev, sideEvidence{profile.Startup, es}, sideEvidence{profile.Mentor, eo})
			}
		}
	}
	if hits == 0 || total == 0 {
		return p
	}
	p.frac = got / total
	if !explain {
		return p
	}
	p.zh, p.en = because("导师擅长企业需要的"+strings.Join(hit, "、"),
		"The mentor covers what the startup asked for: "+strings.Join(hit, ", "), ev...)
	return p
}

var serviceEN = map[string]string{"law": "legal", "accounting": "accounting", "ip": "IP", "testing": "testing",
	"tech_transfer": "technology-transfer", "finance": "finance"}

// servicesPart earns the share of a startup's service needs, declared or read
// from its prose, that the other side offers; a carrier's space counts for a
// startup that needs space.
func servicesPart(s, o *prepared, explain bool) part {
	p := part{code: ReasonServices}
	total, got := 0.0, 0.0
	hits := 0
	var zh, en []string
	var ev []sideEvidence
	for ix := range s.r.Services.Len() {
		x := s.r.Services.At(ix)
		need, es := x.Code, x.Evidence
		total += es.Weight
		if eo, found := o.r.Services.Get(need); found {
			got += es.Weight
			hits++
			if explain {
				zh = append(zh, profile.NeedServices.ZH(need))
				en = append(en, serviceEN[need])
				ev = append(ev, sideEvidence{profile.Startup, es}, sideEvidence{o.p.Kind, eo})
			}
		}
	}
	if sp := s.r.Space; sp != nil && o.p.Kind == profile.Carrier {
		total += sp.Weight
		if offersSpace[o.p.Type] {
			got += sp.Weight
			hits++
			if explain {
				zh = append(zh, "场地")
				en = append(en, "space")
				ev = append(ev, sideEvidence{profile.Startup, *sp})
			}
		}
	}
	if hits == 0 || total == 0 {
		return p
	}
	p.frac = got / total
	if !explain {
		return p
	}
	p.zh, p.en = because("提供企业需要的"+strings.Join(zh, "、")+"服务",
		"Offers the "+joinEN(en)+" services the startup needs", ev...)
	return p
}

// offersSpace are the carrier types that have space to let.
var offersSpace = map[string]bool{"maker_space": true, "incubator": true, "accelerator": true,
	"university_park": true, "industrial_park": true}

// hostPart earns when an enclave's host city is strong in the startup's
// segments or chains, as seed/hosts.json records it.
func hostPart(s, o *prepared, lex *Lexicon, explain bool) part {
	p := part{code: ReasonHost}
	if o.p.Kind != profile.Enclave || o.p.HostCity == "" {
		return p
	}
	for _, c := range s.r.SegmentList() {
		if e, _ := s.r.Segments.Get(c); lex.HostStrong(o.p.HostCity, c) && e.Weight > wContext {
			p.frac = 1
			if !explain {
				return p
			}
			sg := lex.Segment(c)
			p.zh = o.p.HostCity + "在" + sg.ZH + "环节有产业和人才优势，适合在此孵化"
			p.en = o.p.HostCity + " is strong in " + sg.EN + ", a good place to incubate the project"
			return p
		}
	}
	for _, c := range s.r.Members() {
		if lex.HostStrong(o.p.HostCity, c) {
			p.frac = 0.7
			if !explain {
				return p
			}
			zh, en := lex.ChainNames(c)
			p.zh = o.p.HostCity + "在" + zh + "产业有优势，适合在此孵化"
			p.en = o.p.HostCity + " is strong in " + en + ", a good place to incubate the project"
			return p
		}
	}
	return p
}

func placePart(s, o *profile.Profile, lex *Lexicon, explain bool) part {
	p := part{code: ReasonPlace}
	if !explain {
		switch {
		case o.Kind == profile.Enclave:
			if s.District != "" && o.HomeDistrict == s.District {
				p.frac += 0.7
			}
			if o.HostCity != "" && s.City != "" && o.HostCity == s.City {
				p.frac += 0.3
			}
		case s.District != "" && o.District == s.District:
			p.frac = 1
		case o.Kind == profile.Investor && s.District != "" && contains(o.Regions, s.District):
			p.frac = 0.8
		case o.Kind == profile.Mentor && o.Remote:
			p.frac = 0.6
		}
		return p
	}
	dzh, den := lex.DistrictNames(s.District)
	switch {
	case o.Kind == profile.Enclave:
		var zh, en []string
		if s.District != "" && o.HomeDistrict == s.District {
			p.frac += 0.7
			zh = append(zh, "飞地归属企业所在的"+dzh+"，项目孵化后可回到当地落地")
			en = append(en, "The enclave belongs to "+den+", the startup's home, so the project can land back there")
		}
		if o.HostCity != "" && s.City != "" && o.HostCity == s.City {
			p.frac += 0.3
			rzh := profile.HostRegions.ZH(o.HostRegion)
			zh = append(zh, "飞地位于企业所在城市"+o.HostCity+"（"+rzh+"）")
			en = append(en, "the enclave is in "+o.HostCity+", the startup's city")
		}
		p.zh = strings.Join(zh, "；")
		p.en = strings.Join(en, "; ")
		if p.en != "" {
			p.en = strings.ToUpper(p.en[:1]) + p.en[1:]
		}
	case s.District != "" && o.District == s.District:
		p.frac, p.zh, p.en = 1, "同在"+dzh, "Both based in "+den
	case o.Kind == profile.Investor && s.District != "" && contains(o.Regions, s.District):
		p.frac = 0.8
		p.zh = "投资区域包括企业所在的" + dzh
		p.en = "Invests in " + den + ", where the startup is based"
	case o.Kind == profile.Mentor && o.Remote:
		p.frac, p.zh, p.en = 0.6, "导师可远程辅导", "The mentor can advise remotely"
	}
	return p
}

func hardTechPart(s, o *prepared, lex *Lexicon, explain bool) part {
	p := part{code: ReasonHardTech}
	if o.p.Kind != profile.Investor || !o.p.HardTech {
		return p
	}
	if n := s.p.Patents; n > 0 {
		p.frac = 1
		if !explain {
			return p
		}
		p.zh = fmt.Sprintf("投资机构偏好硬科技，企业拥有 %d 项一类知识产权", n)
		p.en = fmt.Sprintf("The investor favours hard tech, and the startup holds %d class-I IP rights (invention patents and the like)", n)
		return p
	}
	var codes []string
	for i := range s.r.Chains.Len() {
		en := s.r.Chains.At(i)
		c := en.Code
		if hardTech[c] {
			if !explain {
				p.frac = 0.7
				return p
			}
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return p
	}
	sort.Strings(codes)
	zh, en := lex.ChainNames(codes[0])
	p.frac = 0.7
	p.zh = "投资机构偏好硬科技，企业属于" + zh + "领域"
	p.en = "The investor favours hard tech, and the startup works in " + en
	return p
}

func textPart(s, o *prepared, explain bool) part {
	p := part{code: ReasonText}
	var shared []string
	nShared := 0
	// Both lists are sorted by their lower-cased forms, each once.
	for i, j := 0, 0; i < len(s.tags) && j < len(o.tags); {
		switch c := strings.Compare(s.tags[i].low, o.tags[j].low); {
		case c == 0:
			nShared++
			if explain {
				shared = append(shared, s.tags[i].orig)
			}
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	cos := cosine(s.grams, o.grams)
	if cos < 0.05 && nShared == 0 {
		return p
	}
	p.frac = math.Min(1, 2*cos+0.2*float64(nShared))
	if !explain {
		return p
	}
	sort.Strings(shared)
	if len(shared) > 0 {
		if len(shared) > 3 {
			shared = shared[:3]
		}
		p.zh = "有相同的标签：" + strings.Join(shared, "、")
		p.en = "Shared tags: " + strings.Join(shared, ", ")
		return p
	}
	pct := int(math.Round(cos * 100))
	p.zh = fmt.Sprintf("双方简介内容相近（相似度 %d%%）", pct)
	p.en = fmt.Sprintf("Their descriptions are alike (%d%% similar)", pct)
	return p
}

// sortedKeys appends m's keys to buf and sorts them. A caller passes a small
// buffer that stays on its stack for the few needs a profile has.
// joinEN joins words as English prose: "a", "a and b", "a, b and c".
func joinEN(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
