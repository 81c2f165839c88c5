package match

// This file keeps the scanner, Read and prepare as they were before they were
// made faster, so that TestFastReadSame can check the fast ones give the same
// results, Reading by Reading and field by field. It is a frozen reference,
// not a second implementation to keep in step: a change meant to alter what
// Read finds deletes this file and TestFastReadSame (the golden file and the
// judged set pin the results from then on) rather than editing both.

import (
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fuhua/internal/profile"
)

func (s *scanner) refEach(text string, fn func(at int, p *phrase)) {
	if s == nil || text == "" {
		return
	}
	low := strings.ToLower(text)
	prev := rune(0)
	skipTo := 0
	for i, r := range low {
		if i < skipTo {
			prev = r
			continue
		}
		r2, _ := utf8.DecodeRuneInString(low[i+utf8.RuneLen(r):])
		var won string
		for _, list := range [2][]phrase{s.byPair[[2]rune{r, r2}], s.single[r]} {
			for k := range list {
				p := &list[k]
				if won != "" && p.word != won {
					if len(p.word) < len(won) {
						break
					}
					continue
				}
				if !strings.HasPrefix(low[i:], p.word) {
					continue
				}
				end := i + len(p.word)
				if p.latin {
					if isWordRune(prev) {
						continue
					}
					// English plurals: "substrates" is the keyword "substrate".
					rest := low[end:]
					whole := false
					for _, suffix := range []string{"", "s", "es"} {
						if strings.HasPrefix(rest, suffix) {
							if next, _ := utf8.DecodeRuneInString(rest[len(suffix):]); !isWordRune(next) {
								end += len(suffix)
								whole = true
								break
							}
						}
					}
					if !whole {
						continue
					}
				}
				won = p.word
				skipTo = max(skipTo, end)
				fn(i, p)
			}
		}
		prev = r
	}
}

type refHitSet struct {
	words map[string]bool
	first Evidence
}

func (h *refHitSet) add(word, where string, w float64) {
	if h.words == nil {
		h.words = map[string]bool{}
		h.first = Evidence{Word: word, Where: where, Weight: w}
	} else if w > h.first.Weight {
		h.first = Evidence{Word: word, Where: where, Weight: w}
	}
	h.words[strings.ToLower(word)] = true
}

func (l *Lexicon) refRead(p *profile.Profile) *Reading {
	r := &refDraft{Chains: map[string]Evidence{}, Mentions: map[string]Evidence{}, Segments: map[string]Evidence{},
		Services: map[string]Evidence{}, Funding: map[string]Evidence{}, Topics: map[string]Evidence{}}
	declared := Evidence{Where: FromDeclared, Weight: 1}
	for _, c := range p.Chains {
		r.Chains[c] = declared
	}
	for _, s := range p.Segments {
		if seg := l.Segment(s); seg != nil {
			r.Segments[s] = declared
			r.Chains[seg.Chain] = declared
		}
	}
	if l == nil || l.tm == nil {
		return r.freeze()
	}
	fields := [][2]string{{FromName, p.Name}, {FromTags, strings.Join(p.Tags, "\n")},
		{FromTopics, strings.Join(p.Topics, "\n")}, {FromSummary, p.Summary}}
	chainHits := map[string]*refHitSet{}
	segHits := map[string]*refHitSet{}
	ctxHits := map[string]*refHitSet{}
	get := func(m map[string]*refHitSet, k string) *refHitSet {
		if m[k] == nil {
			m[k] = &refHitSet{}
		}
		return m[k]
	}
	// Words after a marker such as 面向 or 用于 in the same clause name the
	// firm's customers and applications: they never make it a member of a
	// chain, and within its own chains they count as application words.
	appChains := map[string]*refHitSet{}
	scan := func(text, where string, w float64) {
		// An application runs from its marker to the clause's end, or to 的 in
		// "面向新能源汽车的碳化硅器件", where what follows is the firm's own.
		var applied [][2]int
		l.tm.apps.refEach(text, func(at int, ph *phrase) {
			end := len(text)
			if i := strings.Index(text[at+len(ph.word):], "的"); i >= 0 {
				end = at + len(ph.word) + i
			}
			applied = append(applied, [2]int{at, end})
		})
		l.tm.words.refEach(text, func(at int, ph *phrase) {
			inApp := false
			for _, a := range applied {
				inApp = inApp || at >= a[0] && at < a[1]
			}
			if inApp {
				switch ph.class {
				case pChain:
					get(appChains, ph.code).add(ph.orig, where, w)
				case pSegment, pContext:
					get(appChains, l.tm.segs[ph.code].Chain).add(ph.orig, where, w)
					get(ctxHits, ph.code).add(ph.orig, where, w)
				}
				return
			}
			switch ph.class {
			case pChain:
				get(chainHits, ph.code).add(ph.orig, where, w)
			case pSegment:
				get(segHits, ph.code).add(ph.orig, where, w)
				get(chainHits, l.tm.segs[ph.code].Chain).add(ph.orig, where, w)
			case pContext:
				get(ctxHits, ph.code).add(ph.orig, where, w)
			}
		})
	}
	for _, f := range fields {
		if f[0] != FromSummary {
			scan(f[1], f[0], wTagged)
			continue
		}
		for _, c := range refClauses(f[1]) {
			scan(c, f[0], wSummary)
		}
	}
	noneDeclared := len(r.Chains) == 0
	codes := make([]string, 0, len(chainHits))
	for c := range chainHits {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		h := chainHits[c]
		if _, ok := r.Chains[c]; ok {
			continue
		}
		strong := h.first.Where != FromSummary || len(h.words) >= 2
		switch {
		case strong:
			r.Chains[c] = h.first
		case noneDeclared:
			e := h.first
			e.Weight = wSingle
			r.Chains[c] = e
		default:
			r.Mentions[c] = h.first
		}
	}
	for c, h := range appChains {
		if _, ok := r.Chains[c]; !ok {
			if _, ok := r.Mentions[c]; !ok {
				r.Mentions[c] = h.first
			}
		}
	}
	for code, h := range segHits {
		if _, ok := r.Segments[code]; ok {
			continue
		}
		if _, ok := r.Chains[l.tm.segs[code].Chain]; ok {
			r.Segments[code] = h.first
		}
	}
	for code, h := range ctxHits {
		if _, ok := r.Segments[code]; ok {
			continue
		}
		if _, ok := r.Chains[l.tm.segs[code].Chain]; ok {
			e := h.first
			e.Weight = wContext
			r.Segments[code] = e
		}
	}
	// A segment of a 5+2 group chain that sums up a sub-chain (new_energy.storage
	// → energy_storage) makes the profile a member of that sub-chain too.
	for code, e := range r.Segments {
		if e.Weight <= wContext {
			continue
		}
		for _, n := range l.tm.segs[code].Narrower {
			if sub := l.tm.segs[n]; sub != nil {
				if _, ok := r.Chains[sub.Chain]; !ok {
					r.Chains[sub.Chain] = e
				}
			}
		}
	}
	l.refReadOffersAndNeeds(p, r)
	return r.freeze()
}

func (l *Lexicon) refReadOffersAndNeeds(p *profile.Profile, r *refDraft) {
	declared := Evidence{Where: FromDeclared, Weight: 1}
	switch p.Kind {
	case profile.Startup:
		if n := p.Needs; n != nil {
			for _, s := range n.Services {
				r.Services[s] = declared
			}
			for _, k := range n.FundingKinds {
				r.Funding[k] = declared
			}
			if n.FundingWan > 0 && len(n.FundingKinds) == 0 {
				r.Funding["equity"] = Evidence{Where: FromDeclared, Weight: 0.5}
			}
			for _, m := range n.Mentoring {
				l.tm.needs.refEach(m, func(_ int, ph *phrase) {
					if ph.class == pTopic {
						r.Topics[ph.code] = declared
					}
				})
			}
			if n.SpaceSqm > 0 {
				e := declared
				r.Space = &e
			}
		}
		declared := [3]int{len(r.Services), len(r.Funding), len(r.Topics)}
		for _, f := range [][2]string{{FromTags, strings.Join(p.Tags, "\n")}, {FromSummary, p.Summary}} {
			for _, clause := range refClauses(f[1]) {
				l.refReadNeedClause(clause, f[0], r)
			}
		}
		// What the startup declared outweighs what fuhua reads: beside declared
		// needs of a sort, needs of that sort read from prose count half.
		for i, m := range []map[string]Evidence{r.Services, r.Funding, r.Topics} {
			if declared[i] == 0 {
				continue
			}
			for k, e := range m {
				if e.Inferred() {
					e.Weight /= 2
					m[k] = e
				}
			}
		}
	case profile.Mentor:
		for _, f := range [][2]string{{FromTopics, strings.Join(p.Topics, "\n")}, {FromTags, strings.Join(p.Tags, "\n")}, {FromSummary, p.Summary}} {
			w := wTagged
			if f[0] == FromSummary {
				w = wSummary
			}
			l.tm.needs.refEach(f[1], func(_ int, ph *phrase) {
				if ph.class == pTopic {
					if _, ok := r.Topics[ph.code]; !ok {
						r.Topics[ph.code] = Evidence{Word: ph.orig, Where: f[0], Weight: w}
					}
				}
			})
		}
	case profile.Carrier, profile.Enclave, profile.Provider:
		for _, s := range p.Services {
			r.Services[s] = declared
		}
		if p.Kind == profile.Provider && p.Type != "" {
			r.Services[p.Type] = declared
		}
		for _, f := range [][2]string{{FromName, p.Name}, {FromTags, strings.Join(p.Tags, "\n")}, {FromSummary, p.Summary}} {
			w := wTagged
			if f[0] == FromSummary {
				w = wSummary
			}
			l.tm.needs.refEach(f[1], func(_ int, ph *phrase) {
				if ph.class == pService {
					if _, ok := r.Services[ph.code]; !ok {
						r.Services[ph.code] = Evidence{Word: ph.orig, Where: f[0], Weight: w}
					}
				}
			})
		}
	}
}

func (l *Lexicon) refReadNeedClause(clause, where string, r *refDraft) {
	type hit struct {
		code  string
		class phraseClass
		word  string
	}
	var hits []hit
	marked, negated := false, false
	l.tm.needs.refEach(clause, func(_ int, ph *phrase) {
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
		put := func(m map[string]Evidence) {
			if old, ok := m[h.code]; !ok || old.Weight < e.Weight {
				m[h.code] = e
			}
		}
		switch h.class {
		case pService:
			put(r.Services)
		case pFunding:
			put(r.Funding)
		case pTopic:
			put(r.Topics)
		case pSpace:
			if r.Space == nil || r.Space.Weight < e.Weight {
				r.Space = &e
			}
		}
	}
}

func refClauses(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		switch r {
		case '。', '；', ';', '！', '!', '？', '?', '\n', '，', ',', '.':
			return true
		}
		return false
	})
}

func refPrepare(p *profile.Profile, lex *Lexicon) *prepared {
	q := &prepared{p: p, r: lex.refRead(p)}
	var b strings.Builder
	b.WriteString(p.Summary)
	var tags []tag
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
	q.grams = refGrams(b.String())
	return q
}

func refGrams(text string) []uint32 {
	set := map[uint64]struct{}{}
	add := func(s string) {
		h := fnv.New64a()
		h.Write([]byte(s))
		set[h.Sum64()] = struct{}{}
	}
	var run []rune
	var word strings.Builder
	flushWord := func() {
		if word.Len() > 1 {
			add(word.String())
		}
		word.Reset()
	}
	flushRun := func() {
		if len(run) == 1 {
			add(string(run))
		}
		for i := 0; i+1 < len(run); i++ {
			add(string(run[i : i+2]))
		}
		run = run[:0]
	}
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushRun()
			word.WriteRune(r)
		default:
			flushRun()
			flushWord()
		}
	}
	flushRun()
	flushWord()
	top := map[uint32]struct{}{}
	for h := range set {
		top[uint32(h>>32)] = struct{}{}
	}
	out := make([]uint32, 0, len(top))
	for h := range top {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

// refDraft is the reference's Reading while it is made: a map per set, as Read
// kept them before round 7, so the test compares Read's sets with maps'.
type refDraft struct {
	Chains, Mentions, Segments, Services, Funding, Topics map[string]Evidence
	Space                                                 *Evidence
}

func (d *refDraft) freeze() *Reading {
	return &Reading{Chains: evidencesOf(d.Chains), Mentions: evidencesOf(d.Mentions), Segments: evidencesOf(d.Segments),
		Services: evidencesOf(d.Services), Funding: evidencesOf(d.Funding), Topics: evidencesOf(d.Topics), Space: d.Space}
}

// evidencesOf is the sorted set of m's entries, sorted as Read's sets are.
func evidencesOf(m map[string]Evidence) Evidences {
	s := make(evSet, 0, len(m))
	for c, e := range m {
		s = append(s, Entry{c, e})
	}
	es, _ := s.sorted(nil)
	return es
}
