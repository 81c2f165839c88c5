package match

import (
	"slices"
	"strings"

	"fuhua/internal/profile"
)

// Where a piece of evidence was found.
const (
	FromDeclared = "declared"
	FromName     = "name"
	FromTags     = "tags"
	FromTopics   = "topics"
	FromSummary  = "summary"
)

// Evidence is how fuhua knows one thing about a profile: declared by it, or
// read from its text, with the word that was the evidence.
type Evidence struct {
	// Word is the word found in the text; empty when declared.
	Word string `json:"word,omitempty"`
	// Where is FromDeclared or the field the word was found in.
	Where string `json:"where"`
	// Weight is how sure the reading is: 1 declared, less when inferred.
	Weight float64 `json:"weight"`
}

// Inferred reports whether the evidence was read from text, not declared.
func (e Evidence) Inferred() bool { return e.Where != FromDeclared }

// Reading is what fuhua understands of a profile: the chains and segments it
// works in, the chains it only mentions, and, for a startup, the needs its
// structured fields and its prose state; for others, what they offer. A
// Reading is read-only once made.
type Reading struct {
	// Chains the profile belongs to.
	Chains Evidences
	// Mentions are chains the text names without making the profile a member:
	// one incidental word (an application, a customer) in a profile that
	// declares other chains.
	Mentions Evidences
	// Segments the profile works in (codes "<chain>.<segment>").
	Segments Evidences
	// Services a startup needs, or a carrier, enclave or provider offers.
	Services Evidences
	// Funding kinds a startup seeks.
	Funding Evidences
	// Topics a startup seeks mentoring on, or a mentor advises on.
	Topics Evidences
	// Space is set when a startup needs space.
	Space *Evidence
}

// Inference weights. A word in a profile's name, tags or a mentor's topics is
// chosen by its author to describe it; a word in the summary may be about a
// customer.
const (
	wTagged  = 0.85
	wSummary = 0.75
	wSingle  = 0.6  // a chain known from one summary word of a profile with no declared chain
	wContext = 0.35 // a segment known only from an application word
	wProse   = 0.6  // a need named in prose without a marker such as 需要
)

// hitSet is what Read found of one code: the different words (lower-cased)
// and the strongest evidence, the first of those as strong.
type hitSet struct {
	code  string
	n     int      // how many different words
	word1 string   // the first word
	more  []string // the others
	first Evidence
}

// hits is the hit sets of a profile's codes of one sort. A profile has few, so
// a slice scanned for the code is cheaper than a map of pointers.
type hits []hitSet

// add records ph's word as evidence of code.
func (hs *hits) add(code string, ph *phrase, where string, w float64) {
	var h *hitSet
	for i := range *hs {
		if (*hs)[i].code == code {
			h = &(*hs)[i]
			break
		}
	}
	if h == nil {
		*hs = append(*hs, hitSet{code: code})
		h = &(*hs)[len(*hs)-1]
	}
	// ph.word is ph.orig lower-cased (see scanner.add).
	word, low := ph.orig, ph.word
	switch {
	case h.n == 0:
		h.first = Evidence{Word: word, Where: where, Weight: w}
		h.word1, h.n = low, 1
		return
	case w > h.first.Weight:
		h.first = Evidence{Word: word, Where: where, Weight: w}
	}
	if low != h.word1 && !slices.Contains(h.more, low) {
		h.more = append(h.more, low)
		h.n++
	}
}

// Read is what fuhua understands of p. Declared chains and segments are taken as
// they are. A chain is inferred from text when a profile declares none, or when
// the words are strong: in its name, tags or topics, or two different words of
// that chain in its summary; otherwise it is only a mention. Segments are
// inferred within the chains the profile belongs to. Needs are read from a
// startup's prose clause by clause: a clause that says it is done (已完成) states
// no need.
func (l *Lexicon) Read(p *profile.Profile) *Reading {
	r := &draft{}
	declared := Evidence{Where: FromDeclared, Weight: 1}
	for _, c := range p.Chains {
		r.Chains.set(c, declared)
	}
	for _, s := range p.Segments {
		if seg := l.Segment(s); seg != nil {
			r.Segments.set(s, declared)
			r.Chains.set(seg.Chain, declared)
		}
	}
	if l == nil || l.tm == nil {
		return r.freeze()
	}
	tags, topics, summary := strings.Join(p.Tags, "\n"), strings.Join(p.Topics, "\n"), clauses(p.Summary)
	fields := [][2]string{{FromName, p.Name}, {FromTags, tags}, {FromTopics, topics}, {FromSummary, p.Summary}}
	var chainHits, segHits, ctxHits hits
	// Words after a marker such as 面向 or 用于 in the same clause name the
	// firm's customers and applications: they never make it a member of a
	// chain, and within its own chains they count as application words.
	var appChains hits
	scan := func(text, where string, w float64) {
		// An application runs from its marker to the clause's end, or to 的 in
		// "面向新能源汽车的碳化硅器件", where what follows is the firm's own.
		var applied [][2]int
		low := lower(text)
		l.tm.apps.eachLow(low, func(at int, ph *phrase) {
			// Positions are in the lower-cased text, which may be longer than
			// text (İ lower-cases to two runes).
			end := len(low)
			if i := strings.Index(low[at+len(ph.word):], "的"); i >= 0 {
				end = at + len(ph.word) + i
			}
			applied = append(applied, [2]int{at, end})
		})
		l.tm.words.eachLow(low, func(at int, ph *phrase) {
			inApp := false
			for _, a := range applied {
				inApp = inApp || at >= a[0] && at < a[1]
			}
			if inApp {
				switch ph.class {
				case pChain:
					appChains.add(ph.code, ph, where, w)
				case pSegment, pContext:
					appChains.add(l.tm.segs[ph.code].Chain, ph, where, w)
					ctxHits.add(ph.code, ph, where, w)
				}
				return
			}
			switch ph.class {
			case pChain:
				chainHits.add(ph.code, ph, where, w)
			case pSegment:
				segHits.add(ph.code, ph, where, w)
				chainHits.add(l.tm.segs[ph.code].Chain, ph, where, w)
			case pContext:
				ctxHits.add(ph.code, ph, where, w)
			}
		})
	}
	for _, f := range fields {
		if f[0] != FromSummary {
			scan(f[1], f[0], wTagged)
			continue
		}
		for _, c := range summary {
			scan(c, f[0], wSummary)
		}
	}
	noneDeclared := len(r.Chains) == 0
	slices.SortFunc(chainHits, func(a, b hitSet) int { return strings.Compare(a.code, b.code) })
	for i := range chainHits {
		c, h := chainHits[i].code, &chainHits[i]
		if r.Chains.has(c) {
			continue
		}
		strong := h.first.Where != FromSummary || h.n >= 2
		switch {
		case strong:
			r.Chains.set(c, h.first)
		case noneDeclared:
			e := h.first
			e.Weight = wSingle
			r.Chains.set(c, e)
		default:
			r.Mentions.set(c, h.first)
		}
	}
	for _, h := range appChains {
		c := h.code
		if !r.Chains.has(c) && !r.Mentions.has(c) {
			r.Mentions.set(c, h.first)
		}
	}
	for _, h := range segHits {
		code := h.code
		if r.Segments.has(code) {
			continue
		}
		if r.Chains.has(l.tm.segs[code].Chain) {
			r.Segments.set(code, h.first)
		}
	}
	for _, h := range ctxHits {
		code := h.code
		if r.Segments.has(code) {
			continue
		}
		if r.Chains.has(l.tm.segs[code].Chain) {
			e := h.first
			e.Weight = wContext
			r.Segments.set(code, e)
		}
	}
	// A segment of a 5+2 group chain that sums up a sub-chain (new_energy.storage
	// → energy_storage) makes the profile a member of that sub-chain too.
	for _, se := range r.Segments {
		code, e := se.Code, se.Evidence
		if e.Weight <= wContext {
			continue
		}
		for _, n := range l.tm.segs[code].Narrower {
			if sub := l.tm.segs[n]; sub != nil {
				if !r.Chains.has(sub.Chain) {
					r.Chains.set(sub.Chain, e)
				}
			}
		}
	}
	l.readOffersAndNeeds(p, r, tags, topics, summary)
	return r.freeze()
}

// draft is a Reading while Read fills it in. Its sets are short slices, not
// maps: a profile has a few codes of each sort, and with six maps a profile
// took about a tenth longer to prepare, which every load of the index does for
// every profile (BenchmarkPrepare; BENCHMARKS.md, round 7).
type draft struct {
	Chains, Mentions, Segments, Services, Funding, Topics evSet
	Space                                                 *Evidence
}

// freeze is the Reading of d: each set sorted.
func (d *draft) freeze() *Reading {
	sets := [...]evSet{d.Chains, d.Mentions, d.Segments, d.Services, d.Funding, d.Topics}
	n := 0
	for _, s := range sets {
		n += len(s)
	}
	r := &Reading{Space: d.Space}
	into := make([]entry, 0, n) // the six sets share one array
	for i, es := range [...]*Evidences{&r.Chains, &r.Mentions, &r.Segments, &r.Services, &r.Funding, &r.Topics} {
		*es, into = sets[i].sorted(into)
	}
	return r
}

// evSet is a set of codes with their evidence while a reading is made, in the
// order the codes were first set.
type evSet []Entry

// get is the evidence of code, and whether code is in s.
func (s evSet) get(code string) (Evidence, bool) {
	for i := range s {
		if s[i].Code == code {
			return s[i].Evidence, true
		}
	}
	return Evidence{}, false
}

// has reports whether code is in s.
func (s evSet) has(code string) bool {
	_, ok := s.get(code)
	return ok
}

// set makes e the evidence of code, in place if code is in s already.
func (s *evSet) set(code string, e Evidence) {
	for i := range *s {
		if (*s)[i].Code == code {
			(*s)[i].Evidence = e
			return
		}
	}
	*s = append(*s, Entry{code, e})
}

// sorted is s as an Evidences, sorted by code, its entries appended to into
// (see evidencesFrom). s is sorted in place.
func (s evSet) sorted(into []entry) (Evidences, []entry) {
	slices.SortFunc(s, func(a, b Entry) int { return strings.Compare(a.Code, b.Code) })
	return evidencesFrom(s, into)
}

// readOffersAndNeeds is Read's part for needs and offers; tags and topics are
// p's joined by lines, summary its summary's clauses, as Read made them.
func (l *Lexicon) readOffersAndNeeds(p *profile.Profile, r *draft, tags, topics string, summary []string) {
	declared := Evidence{Where: FromDeclared, Weight: 1}
	switch p.Kind {
	case profile.Startup:
		if n := p.Needs; n != nil {
			for _, s := range n.Services {
				r.Services.set(s, declared)
			}
			for _, k := range n.FundingKinds {
				r.Funding.set(k, declared)
			}
			if n.FundingWan > 0 && len(n.FundingKinds) == 0 {
				r.Funding.set("equity", Evidence{Where: FromDeclared, Weight: 0.5})
			}
			for _, m := range n.Mentoring {
				l.tm.needs.each(m, func(_ int, ph *phrase) {
					if ph.class == pTopic {
						r.Topics.set(ph.code, declared)
					}
				})
			}
			if n.SpaceSqm > 0 {
				e := declared
				r.Space = &e
			}
		}
		declared := [3]int{len(r.Services), len(r.Funding), len(r.Topics)}
		for _, clause := range clauses(tags) {
			l.readNeedClause(clause, FromTags, r)
		}
		for _, clause := range summary {
			l.readNeedClause(clause, FromSummary, r)
		}
		// What the startup declared outweighs what fuhua reads: beside declared
		// needs of a sort, needs of that sort read from prose count half.
		for i, m := range []evSet{r.Services, r.Funding, r.Topics} {
			if declared[i] == 0 {
				continue
			}
			for k := range m {
				if m[k].Inferred() {
					m[k].Weight /= 2
				}
			}
		}
	case profile.Mentor:
		for _, f := range [][2]string{{FromTopics, topics}, {FromTags, tags}, {FromSummary, p.Summary}} {
			w := wTagged
			if f[0] == FromSummary {
				w = wSummary
			}
			l.tm.needs.each(f[1], func(_ int, ph *phrase) {
				if ph.class == pTopic {
					if !r.Topics.has(ph.code) {
						r.Topics.set(ph.code, Evidence{Word: ph.orig, Where: f[0], Weight: w})
					}
				}
			})
		}
	case profile.Carrier, profile.Enclave, profile.Provider:
		for _, s := range p.Services {
			r.Services.set(s, declared)
		}
		if p.Kind == profile.Provider && p.Type != "" {
			r.Services.set(p.Type, declared)
		}
		for _, f := range [][2]string{{FromName, p.Name}, {FromTags, tags}, {FromSummary, p.Summary}} {
			w := wTagged
			if f[0] == FromSummary {
				w = wSummary
			}
			l.tm.needs.each(f[1], func(_ int, ph *phrase) {
				if ph.class == pService {
					if !r.Services.has(ph.code) {
						r.Services.set(ph.code, Evidence{Word: ph.orig, Where: f[0], Weight: w})
					}
				}
			})
		}
	}
}

// readNeedClause reads one clause of a startup's prose for needs. A clause with
// a marker (需要, 寻求, looking for) states needs; one that says it is done
// (已完成) states none; need words in a clause with neither count less.
func (l *Lexicon) readNeedClause(clause, where string, r *draft) {
	type hit struct {
		code  string
		class phraseClass
		word  string
	}
	var hits []hit
	marked, negated := false, false
	l.tm.needs.each(clause, func(_ int, ph *phrase) {
		switch ph.class {
		case pMarker:
			marked = true
		case pNegation:
			negated = true
		default:
			hits = append(hits, hit{ph.code, ph.class, ph.orig})
		}
	})
	if negated && !marked || len(hits) == 0 {
		return
	}
	w := wProse
	if marked {
		w = wSummary
	}
	for _, h := range hits {
		e := Evidence{Word: h.word, Where: where, Weight: w}
		put := func(m *evSet) {
			if old, ok := m.get(h.code); !ok || old.Weight < e.Weight {
				m.set(h.code, e)
			}
		}
		switch h.class {
		case pService:
			put(&r.Services)
		case pFunding:
			put(&r.Funding)
		case pTopic:
			put(&r.Topics)
		case pSpace:
			if r.Space == nil || r.Space.Weight < e.Weight {
				r.Space = &e
			}
		}
	}
}

// clauses splits prose at the punctuation that ends a clause in Chinese or
// English.
func clauses(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		switch r {
		case '。', '；', ';', '！', '!', '？', '?', '\n', '，', ',', '.':
			return true
		}
		return false
	})
}

// Members is the set of chains a reading belongs to, sorted.
func (r *Reading) Members() []string { return r.Chains.Codes() }

// SegmentList is the reading's segments, sorted.
func (r *Reading) SegmentList() []string { return r.Segments.Codes() }
