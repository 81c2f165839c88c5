package index

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"fuhua/internal/match"
	"fuhua/internal/profile"
)

// The memory side of the index. Bleve scores free text and highlights it, but two
// things it does slowly at 100k profiles are done here instead, over a compact
// copy of every indexed profile kept in RAM (tens of MB at 100k):
//
//   - facet counts and totals: Bleve's facet builder visits the doc values of
//     every hit, tens of thousands for a broad query; here a hit set is a bitset
//     and a facet count is the popcount of its AND with the value's bitset;
//   - match candidates: every candidate is of one kind, and the pool is chosen
//     by a cheap pre-score over that kind's records instead of a Bleve query
//     with many optional clauses followed by decoding stored JSON per hit.
//
// The copy is derived from the same profile as the Bleve document, by the same
// analyser, so a filter or a word matches here exactly the documents it
// matches in Bleve. It is changed only under Index.applyMu (by Apply, remove and
// the rebuild swap) and read under memMu.

// Text fields, numbered for posting keys.
const (
	tName = iota
	tTags
	tTopics
	tSummary
	nText
)

var textFieldNames = [nText]string{tName: fName, tTags: fTags, tTopics: fTopics, tSummary: fSummary}

// Keyword fields kept as bitsets: the five facets plus what pre-scoring and an
// investor's hard constraints read.
var memKeywordFields = []string{fKind, fChainAll, fSegAll, fDistrict, fStage, fType, fServices, fNeedServices, fHomeDistrict, fFundingKinds,
	fStages, fRegions, fInstruments}

// record is one indexed profile as the memory side needs it. It is never changed
// after it is built, so readers may keep it after releasing the lock. It holds
// few pointers on purpose: 100k of them stay in the heap the collector scans,
// so keyword values and terms live only in the bitsets and postings.
type record struct {
	id   string
	p    *profile.Profile // the public view (no contact, no owner), as stored in Bleve
	prep match.Prepared   // for ranking, so a match does not re-derive it per candidate
}

// newRecord derives the record of p, which must be the public view.
func newRecord(p *profile.Profile, lex *match.Lexicon) *record {
	return &record{id: p.ID, p: p, prep: match.Prepare(p, lex)}
}

// restoreRecord is newRecord(p, ix.lex) with p's reading restored from what
// the index stored with it (reading), when that is a reading of this lexicon;
// otherwise p is read again. It counts which it did.
func (ix *Index) restoreRecord(p *profile.Profile, reading []byte) *record {
	if prep, ok := ix.lex.Restore(p, reading); ok {
		ix.restored.Add(1)
		return &record{id: p.ID, p: p, prep: prep}
	}
	ix.reread.Add(1)
	return newRecord(p, ix.lex)
}

// terms is the set of distinct terms the analyser makes of text, sorted.
func terms(an analysis.Analyzer, text string) []string {
	if text == "" {
		return nil
	}
	ts := an.Analyze([]byte(text))
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// bitset is a set of record slots.
type bitset []uint64

func (b *bitset) set(i uint32) {
	w := int(i >> 6)
	if w >= len(*b) {
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	(*b)[w] |= 1 << (i & 63)
}

func (b bitset) clear(i uint32) {
	if w := int(i >> 6); w < len(b) {
		b[w] &^= 1 << (i & 63)
	}
}

func (b bitset) has(i uint32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(i&63)) != 0
}

// and keeps in b only what is also in o.
func (b bitset) and(o bitset) {
	for i := range b {
		if i < len(o) {
			b[i] &= o[i]
		} else {
			b[i] = 0
		}
	}
}

// andNot removes o from b.
func (b bitset) andNot(o bitset) {
	for i := range min(len(b), len(o)) {
		b[i] &^= o[i]
	}
}

// or adds o to b, which must be at least as long.
func (b bitset) or(o bitset) {
	for i := range o {
		if i < len(b) {
			b[i] |= o[i]
		}
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

func andCount(a, b bitset) int {
	n := 0
	for i := range min(len(a), len(b)) {
		n += bits.OnesCount64(a[i] & b[i])
	}
	return n
}

// each calls fn for every slot in b, in slot order.
func (b bitset) each(fn func(uint32)) {
	for i, w := range b {
		for w != 0 {
			fn(uint32(i<<6 + bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
}

// memIndex is the in-memory copy: records by slot, a bitset per keyword value,
// and a sorted slot list per analysed term. A changed profile gets a new slot
// (appending keeps the term lists sorted); the old slot is dropped from live and
// reclaimed by compact once dead slots outnumber live ones.
type memIndex struct {
	lex  *match.Lexicon
	an   analysis.Analyzer
	recs []*record
	slot map[string]uint32
	live bitset
	kw   map[string]map[string]bitset
	// postings maps a text field's term (field index byte + term) to the slots
	// holding it, ascending.
	postings map[string][]uint32
	dead     int
}

func newMemIndex(lex *match.Lexicon, an analysis.Analyzer) *memIndex {
	m := &memIndex{lex: lex, an: an, slot: map[string]uint32{}, kw: map[string]map[string]bitset{}, postings: map[string][]uint32{}}
	for _, f := range memKeywordFields {
		m.kw[f] = map[string]bitset{}
	}
	return m
}

func postingKey(field int, term string) string { return string(rune('0'+field)) + term }

// put adds or replaces the record of r.id.
func (m *memIndex) put(r *record) { m.insert(m.derive(r)) }

// derived is what put files a record under: its keyword values and the terms
// of each text field. Deriving reads only the record, the lexicon and the
// analyser, so loads derive in parallel and insert in order (loadMemory).
type derived struct {
	r     *record
	kw    map[string][]string
	terms [nText][]string
}

func (m *memIndex) derive(r *record) derived {
	d := deriveKeywords(r)
	texts := textValues(r.p)
	for f, name := range textFieldNames {
		d.terms[f] = terms(m.an, texts[name])
	}
	return d
}

// deriveKeywords is derive without the terms, for a load that reads the
// postings from Bleve instead (loadPostings).
func deriveKeywords(r *record) derived {
	return derived{r: r, kw: keywordValues(r.p, r.prep.Reading())}
}

// insert adds or replaces the record d was derived from. An archived profile
// is only removed: it is never a candidate, and match relies on the memory copy
// holding none.
func (m *memIndex) insert(d derived) {
	r := d.r
	m.del(r.id)
	if r.p.Archived {
		return
	}
	s := uint32(len(m.recs))
	m.recs = append(m.recs, r)
	m.slot[r.id] = s
	m.live.set(s)
	for _, f := range memKeywordFields {
		for _, v := range d.kw[f] {
			b := m.kw[f][v]
			b.set(s)
			m.kw[f][v] = b
		}
	}
	for f, ts := range d.terms {
		for _, t := range ts {
			k := postingKey(f, t)
			m.postings[k] = append(m.postings[k], s)
		}
	}
}

// del removes id, if present.
func (m *memIndex) del(id string) {
	s, ok := m.slot[id]
	if !ok {
		return
	}
	delete(m.slot, id)
	m.live.clear(s)
	m.recs[s] = nil
	m.dead++
	if m.dead > 1024 && m.dead > len(m.slot) {
		m.compact()
	}
}

// compact rebuilds the structures from the live records, so that a long run of
// edits does not grow memory without bound.
func (m *memIndex) compact() {
	recs := make([]*record, 0, len(m.slot))
	for _, r := range m.recs {
		if r != nil {
			recs = append(recs, r)
		}
	}
	fresh := newMemIndex(m.lex, m.an)
	for _, r := range recs {
		fresh.put(r)
	}
	*m = *fresh
}

// words is the analysed form of a free-text query: per word, its terms and the
// chains it names. A word the analyser reduces to nothing is left out, as
// textQuery leaves it out.
type word struct {
	terms     []string
	chains    []string
	segments  []string
	districts []string
}

func (m *memIndex) words(q string) []word {
	var out []word
	for _, w := range strings.Fields(q) {
		ts := terms(m.an, w)
		if len(ts) == 0 {
			continue
		}
		out = append(out, word{terms: ts, chains: m.lex.SearchChains(w), segments: m.lex.SegmentsFor(w), districts: m.lex.DistrictsFor(w)})
	}
	return out
}

// filter is the set of live records that pass the keyword filters (field →
// value) and contain every word, with exactly the semantics of the Bleve query
// Search builds: a word matches when all its terms are in one of the text
// fields, or when the record is in a chain the word names.
func (m *memIndex) filter(filters [][2]string, ws []word) bitset {
	res := m.filtered(filters)
	for _, w := range ws {
		res.and(m.wordSet(w, len(res)))
	}
	return res
}

// filtered is the set of live records that pass the keyword filters.
func (m *memIndex) filtered(filters [][2]string) bitset {
	res := slices.Clone(m.live)
	for _, f := range filters {
		if f[1] != "" {
			res.and(m.kw[f[0]][f[1]])
		}
	}
	return res
}

// wordSet is the records (within the first n words of a bitset) that contain
// w: all its terms in one text field, or in a chain it names.
func (m *memIndex) wordSet(w word, n int) bitset {
	ok := make(bitset, n)
	for f := range nText {
		lists := make([][]uint32, 0, len(w.terms))
		for _, t := range w.terms {
			lists = append(lists, m.postings[postingKey(f, t)])
		}
		for _, s := range intersect(lists) {
			if int(s>>6) < len(ok) {
				ok[s>>6] |= 1 << (s & 63)
			}
		}
	}
	for _, c := range w.chains {
		ok.or(m.kw[fChainAll][c])
	}
	for _, c := range w.segments {
		ok.or(m.kw[fSegAll][c])
	}
	for _, c := range w.districts {
		ok.or(m.kw[fDistrict][c])
	}
	return ok
}

// filterRedundant is filter(filters, ws) and, per word, whether it removes
// nothing from what the filters and the other words leave: a word such as 盐城
// that every remaining record contains. Such a word still selects (a record
// without it does not match) but says nothing about which hit is better, and
// scoring it is most of the cost of a search at 100k. At most len(ws)-1 words
// are redundant: if each would be, none is, so a search keeps a word to rank by.
func (m *memIndex) filterRedundant(filters [][2]string, ws []word) (bitset, []bool) {
	base := m.filtered(filters)
	sets := make([]bitset, len(ws))
	set := slices.Clone(base)
	for i, w := range ws {
		sets[i] = m.wordSet(w, len(base))
		set.and(sets[i])
	}
	redundant := make([]bool, len(ws))
	if len(ws) < 2 {
		return set, redundant
	}
	n, kept := set.count(), 0
	others := make(bitset, len(base))
	for i := range ws {
		copy(others, base)
		for j, s := range sets {
			if j != i {
				others.and(s)
			}
		}
		if redundant[i] = others.count() == n; !redundant[i] {
			kept++
		}
	}
	if kept == 0 {
		clear(redundant)
	}
	return set, redundant
}

// intersect is the slots in every list (each ascending), ascending. Lists of
// similar length are merged in one pass; a much longer list is searched
// (binary search from the last position) for each slot of the shorter, so the
// cost is near the shorter list's length either way. Match resolves a few
// such intersections of common terms per request.
func intersect(lists [][]uint32) []uint32 {
	if len(lists) == 0 {
		return nil
	}
	slices.SortFunc(lists, func(a, b []uint32) int { return len(a) - len(b) })
	out := lists[0]
	for _, l := range lists[1:] {
		next := make([]uint32, 0, len(out))
		if len(l) <= 8*len(out) {
			i, j := 0, 0
			for i < len(out) && j < len(l) {
				switch {
				case out[i] < l[j]:
					i++
				case out[i] > l[j]:
					j++
				default:
					next = append(next, out[i])
					i++
					j++
				}
			}
		} else {
			j := 0
			for _, s := range out {
				j += sortSearch(l[j:], s)
				if j < len(l) && l[j] == s {
					next = append(next, s)
				}
			}
		}
		out = next
		if len(out) == 0 {
			break
		}
	}
	return out
}

// sortSearch is the first index in l (ascending) whose value is ≥ s.
func sortSearch(l []uint32, s uint32) int {
	i, _ := slices.BinarySearch(l, s)
	return i
}

// facets counts, for each facet, the records of set holding each value, most
// frequent first (ties by value), at most facetSize values, without the
// placeholder for "none".
func (m *memIndex) facets(set bitset) map[string][]Facet {
	out := emptyFacets()
	for name, field := range facetFields {
		var fs []Facet
		for v, b := range m.kw[field] {
			if v == none {
				continue
			}
			if n := andCount(set, b); n > 0 {
				fs = append(fs, Facet{Value: v, Count: n})
			}
		}
		slices.SortFunc(fs, func(a, b Facet) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Value, b.Value)
		})
		if len(fs) > facetSize {
			fs = fs[:facetSize]
		}
		if fs != nil {
			out[name] = fs
		}
	}
	return out
}

// firstByID is the records of set at positions [offset, offset+limit) in id
// order.
func (m *memIndex) firstByID(set bitset, offset, limit int) []*record {
	h := m.after(set, "", offset+limit)
	if offset >= len(h) {
		return nil
	}
	return h[offset:]
}

// heapUp and heapDown keep h a binary heap in which no element is above its
// parent: above(a, b) says a belongs nearer the root than b.
func heapUp[T any](h []T, i int, above func(a, b T) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !above(h[i], h[p]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func heapDown[T any](h []T, i int, above func(a, b T) bool) {
	for {
		l, r, top := 2*i+1, 2*i+2, i
		if l < len(h) && above(h[l], h[top]) {
			top = l
		}
		if r < len(h) && above(h[r], h[top]) {
			top = r
		}
		if top == i {
			return
		}
		h[top], h[i] = h[i], h[top]
		i = top
	}
}
