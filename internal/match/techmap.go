package match

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fuhua/seed"
)

// This file is the industry technology map (产业技术图谱) as matching reasons on
// it: each chain's segments from upstream to downstream, the words that reveal a
// segment in free text, which segment supplies which (within and across
// chains), the words that state a need, and the places enclaves are hosted in
// with the segments those places are strong in. The data is seed/chainmap.json,
// seed/needs.json and seed/hosts.json; this only indexes it.

// Segment is one link of a chain as the lexicon holds it.
type Segment struct {
	seed.Segment
	// Pos is the segment's place in its chain, 0 upstream.
	Pos int
}

// phrase is one word the scanner looks for, with what it reveals.
type phrase struct {
	word  string // lower-cased
	orig  string // as written in the data
	code  string // chain, segment, service, funding kind or topic code
	class phraseClass
	latin bool // Latin phrases match only as whole words: "IC" is not in "ICT"
}

type phraseClass uint8

const (
	pChain    phraseClass = iota // a chain synonym
	pSegment                     // an identifying keyword of a segment
	pContext                     // a weak word of a segment (an application, a customer)
	pService                     // a service need or offer
	pFunding                     // a funding kind
	pTopic                       // a mentoring topic
	pSpace                       // a need for space
	pMarker                      // a word that marks a clause as a need
	pNegation                    // a word that marks a clause as done, not needed
)

// scanner finds phrases in text, longest first and without overlaps, in one
// pass over the text. Phrases are filed by their first two runes, so at each
// position only the few phrases that can start there are tried (a first rune
// such as 电 starts hundreds of them).
//
// Most positions start no phrase, and two map lookups there cost most of a
// scan, so two bit sets answer first: starts has bit r for every rune r below
// 1<<16 that begins a phrase (positions at other runes use the maps), pairs has
// a bit for a hash of each pair byPair holds. A set bit may be a false alarm (the
// maps then answer), a clear one never misses.
type scanner struct {
	byPair  map[[2]rune][]phrase // phrases of two runes or more, longest first
	single  map[rune][]phrase    // phrases of one rune
	exact   map[string][]phrase  // every phrase by its lower-cased word
	starts  *[1 << 16 / 64]uint64
	singles *[1 << 16 / 64]uint64 // bit r for a phrase of the one rune r below 1<<16
	pairs   *[pairBits / 64]uint64
}

// pairBits is the size of a scanner's pair filter, in bits.
const pairBits = 1 << 16

// pairBit is where the pair filter keeps the pair r, r2.
func pairBit(r, r2 rune) uint32 { return (uint32(r)*0x9E3779B1 ^ uint32(r2)*0x85EBCA77) >> 16 }

func newScanner() scanner {
	return scanner{byPair: map[[2]rune][]phrase{}, single: map[rune][]phrase{}, exact: map[string][]phrase{},
		starts: new([1 << 16 / 64]uint64), singles: new([1 << 16 / 64]uint64), pairs: new([pairBits / 64]uint64)}
}

func (s *scanner) add(word, code string, class phraseClass) {
	lw := strings.ToLower(strings.TrimSpace(word))
	if lw == "" {
		return
	}
	for _, p := range s.exact[lw] {
		if p.code == code && p.class == class {
			return
		}
	}
	p := phrase{word: lw, orig: strings.TrimSpace(word), code: code, class: class, latin: isLatinWord(lw)}
	s.exact[lw] = append(s.exact[lw], p)
	r, n := utf8.DecodeRuneInString(lw)
	if r < 1<<16 {
		s.starts[r>>6] |= 1 << (r & 63)
	}
	if n == len(lw) {
		if r < 1<<16 {
			s.singles[r>>6] |= 1 << (r & 63)
		}
		s.single[r] = append(s.single[r], p)
		return
	}
	r2, _ := utf8.DecodeRuneInString(lw[n:])
	s.byPair[[2]rune{r, r2}] = append(s.byPair[[2]rune{r, r2}], p)
	b := pairBit(r, r2)
	s.pairs[b>>6] |= 1 << (b & 63)
}

func (s *scanner) seal() {
	for k, ps := range s.byPair {
		sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].word) > len(ps[j].word) })
		s.byPair[k] = ps
	}
}

// each calls fn for every phrase found in text, at the position of its first
// byte. Where phrases overlap the longest one starting first wins; phrases of
// the same word (a keyword that is also a chain synonym) are all reported.
func (s *scanner) each(text string, fn func(at int, p *phrase)) {
	if s == nil || text == "" {
		return
	}
	s.eachLow(lower(text), fn)
}

// eachLow is each over text already lower-cased (see lower), for a caller
// that scans the same text with several scanners.
func (s *scanner) eachLow(low string, fn func(at int, p *phrase)) {
	if s == nil || low == "" {
		return
	}
	prev := rune(0)
	skipTo := 0
	for i, r := range low {
		if i < skipTo {
			prev = r
			continue
		}
		if r < 1<<16 && s.starts[r>>6]&(1<<(r&63)) == 0 {
			prev = r
			continue
		}
		r2, _ := utf8.DecodeRuneInString(low[i+utf8.RuneLen(r):])
		var pair []phrase
		if b := pairBit(r, r2); r >= 1<<16 || s.pairs[b>>6]&(1<<(b&63)) != 0 {
			pair = s.byPair[[2]rune{r, r2}]
		}
		var single []phrase
		if r >= 1<<16 || s.singles[r>>6]&(1<<(r&63)) != 0 {
			single = s.single[r]
		}
		var won string
		for _, list := range [2][]phrase{pair, single} {
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

// techMap is the map's index inside a Lexicon.
type techMap struct {
	segs     map[string]*Segment
	byChain  map[string][]string        // chain → its segment codes, upstream first
	adjacent map[string]map[string]int  // segment → segment → +1 it supplies it, -1 it is supplied by it
	linked   map[string]map[string]bool // chains the chain list relates (Related, Parent)
	reaches  map[string]map[string]bool // segment → chains it supplies or is supplied by
	words    scanner                    // chain synonyms, segment keywords and context words
	apps     scanner                    // words that introduce customers and applications (面向, 用于)
	needs    scanner                    // service, funding, topic and space words, markers and negations
	topics   map[string]seed.Topic
	hosts    map[string]map[string]bool // host city → segments and chains it is strong in
}

// negations mark a clause as already done ("已完成天使轮融资"), so the need words
// in it are not needs. They are grammar, not domain data, so they live here.
var negations = []string{"已完成", "已获", "已获得", "已拥有", "已有", "已取得", "已通过", "完成了", "获得了", "拥有",
	"completed", "closed", "raised", "holds", "has obtained"}

func buildTechMap(chains []seed.Chain, cm seed.ChainMap, needs seed.NeedsLexicon, hosts []seed.Host) *techMap {
	known := make(map[string]seed.Chain, len(chains))
	for _, c := range chains {
		known[c.Code] = c
	}
	t := &techMap{
		segs: map[string]*Segment{}, byChain: map[string][]string{}, adjacent: map[string]map[string]int{},
		linked: map[string]map[string]bool{}, reaches: map[string]map[string]bool{}, words: newScanner(),
		needs: newScanner(), apps: newScanner(), topics: map[string]seed.Topic{}, hosts: map[string]map[string]bool{},
	}
	link := func(a, b string) {
		if a == b || a == "" || b == "" {
			return
		}
		for _, x := range [][2]string{{a, b}, {b, a}} {
			if t.linked[x[0]] == nil {
				t.linked[x[0]] = map[string]bool{}
			}
			t.linked[x[0]][x[1]] = true
		}
	}
	for _, c := range chains {
		for _, w := range append([]string{c.ZH}, c.Synonyms...) {
			t.words.add(w, c.Code, pChain)
		}
		for _, r := range c.Related {
			if _, ok := known[r]; ok {
				link(c.Code, r)
			}
		}
		if _, ok := known[c.Parent]; ok {
			link(c.Code, c.Parent)
		}
	}
	for _, w := range cm.ApplicationMarkers {
		t.apps.add(w, "", pMarker)
	}
	for _, ch := range cm.Chains {
		if _, ok := known[ch.Chain]; !ok {
			continue
		}
		for i, s := range ch.Segments {
			s.Chain = ch.Chain
			t.segs[s.Code] = &Segment{Segment: s, Pos: i}
			t.byChain[ch.Chain] = append(t.byChain[ch.Chain], s.Code)
			for _, w := range s.Keywords {
				t.words.add(w, s.Code, pSegment)
			}
			for _, w := range s.Context {
				t.words.add(w, s.Code, pContext)
			}
		}
	}
	for code, s := range t.segs {
		for _, to := range s.Supplies {
			if _, ok := t.segs[to]; !ok || to == code {
				continue
			}
			if t.adjacent[code] == nil {
				t.adjacent[code] = map[string]int{}
			}
			if t.adjacent[to] == nil {
				t.adjacent[to] = map[string]int{}
			}
			t.adjacent[code][to] = 1
			if t.adjacent[to][code] == 0 {
				t.adjacent[to][code] = -1
			}
			for _, x := range [][2]string{{code, t.segs[to].Chain}, {to, s.Chain}} {
				if t.reaches[x[0]] == nil {
					t.reaches[x[0]] = map[string]bool{}
				}
				t.reaches[x[0]][x[1]] = true
			}
		}
	}
	for code, ws := range needs.Services {
		for _, w := range ws {
			t.needs.add(w, code, pService)
		}
	}
	for code, ws := range needs.FundingKinds {
		for _, w := range ws {
			t.needs.add(w, code, pFunding)
		}
	}
	for code, ws := range needs.Mentoring {
		for _, w := range ws {
			t.needs.add(w, code, pTopic)
		}
	}
	for _, tp := range needs.Topics {
		t.topics[tp.Code] = tp
		t.needs.add(tp.ZH, tp.Code, pTopic)
		t.needs.add(tp.EN, tp.Code, pTopic)
	}
	for _, w := range needs.Space {
		t.needs.add(w, "space", pSpace)
	}
	for _, w := range needs.NeedMarkers {
		t.needs.add(w, "", pMarker)
	}
	for _, w := range negations {
		t.needs.add(w, "", pNegation)
	}
	for _, h := range hosts {
		set := t.hosts[h.HostCity]
		if set == nil {
			set = map[string]bool{}
			t.hosts[h.HostCity] = set
		}
		for _, s := range h.StrongIn {
			if seg, ok := t.segs[s]; ok {
				set[s] = true
				set[seg.Chain] = true
			} else if _, ok := known[s]; ok {
				set[s] = true
			}
		}
	}
	t.words.seal()
	t.needs.seal()
	t.apps.seal()
	return t
}

// Segment returns the segment with code, or nil.
func (l *Lexicon) Segment(code string) *Segment {
	if l == nil || l.tm == nil {
		return nil
	}
	return l.tm.segs[code]
}

// ChainSegments lists a chain's segment codes, upstream first.
func (l *Lexicon) ChainSegments(chain string) []string {
	if l == nil || l.tm == nil {
		return nil
	}
	return append([]string(nil), l.tm.byChain[chain]...)
}

// Adjacent tells how segment a relates to b: +1 when a supplies b, -1 when b
// supplies a, 0 when neither.
func (l *Lexicon) Adjacent(a, b string) int { return l.tm.adjacent[a][b] }

// SegmentsFor returns the segments a search word names: those it is an
// identifying keyword of, or whose code or name it is.
func (l *Lexicon) SegmentsFor(word string) []string {
	lw := strings.ToLower(strings.TrimSpace(word))
	if lw == "" {
		return nil
	}
	var out []string
	for _, p := range l.tm.words.exact[lw] {
		if p.class == pSegment {
			out = append(out, p.code)
		}
	}
	for code, s := range l.tm.segs {
		if code == lw || strings.ToLower(s.ZH) == lw || strings.ToLower(s.EN) == lw {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return compactStrings(out)
}

// HostStrong reports whether an enclave's host city is strong in the segment or
// chain code.
func (l *Lexicon) HostStrong(city, code string) bool { return l.tm.hosts[city][code] }

// TopicNames returns a mentoring topic's names (the code when unknown).
func (l *Lexicon) TopicNames(code string) (zh, en string) {
	if t, ok := l.tm.topics[code]; ok {
		return t.ZH, t.EN
	}
	return code, code
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// AdjacentSegments lists the segments that supply seg or that it supplies, sorted.
func (l *Lexicon) AdjacentSegments(seg string) []string {
	out := make([]string, 0, len(l.tm.adjacent[seg]))
	for c := range l.tm.adjacent[seg] {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// SearchChains returns the chains a search word names: those Codes finds, and
// for a single Chinese character (氢), which the index's character pairs cannot
// find, the chains whose names or synonyms contain it — when there are at most
// three, so that a character in every chain's name (电) names none.
func (l *Lexicon) SearchChains(word string) []string {
	out := l.Codes(word)
	w := strings.TrimSpace(word)
	r, size := utf8.DecodeRuneInString(w)
	if size != len(w) || !unicode.Is(unicode.Han, r) {
		return out
	}
	var found []string
	for code, c := range l.chains {
		for _, s := range append([]string{c.ZH}, c.Synonyms...) {
			if strings.ContainsRune(s, r) {
				found = append(found, code)
				break
			}
		}
	}
	if len(found) == 0 || len(found) > 3 {
		return out
	}
	out = append(out, found...)
	sort.Strings(out)
	return compactStrings(out)
}

// DistrictsFor returns the district a search word names: its code, its Chinese
// or English name, its full name, or its Chinese name without 区, 县 or 市
// (盐都 for 盐都区).
func (l *Lexicon) DistrictsFor(word string) []string {
	w := strings.ToLower(strings.TrimSpace(word))
	if w == "" {
		return nil
	}
	var out []string
	for code, d := range l.districts {
		short := strings.TrimRight(d.ZH, "区县市")
		if w == code || w == strings.ToLower(d.ZH) || w == strings.ToLower(d.EN) || d.FullZH != "" && w == d.FullZH ||
			utf8.RuneCountInString(short) >= 2 && w == short {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return out
}
