package index

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	bdoc "github.com/blevesearch/bleve/v2/document"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"fuhua/internal/profile"
)

// Bounds on one search, so that no request can make the index do unbounded work.
const (
	MaxQueryRunes = 256
	MaxQueryTerms = 32
	MaxPageSize   = 100
	DefaultLimit  = 20
	// MaxDepth is how far paging may reach: offset + limit never exceeds it.
	MaxDepth = 10_000
)

// SearchRequest is one free-text search with filters. Every field is optional.
type SearchRequest struct {
	Q        string       // the user's words; never parsed as query syntax
	Kind     profile.Kind // filter: one kind
	Chain    string       // filter: a chain code (declared, or named in the prose)
	Segment  string       // filter: a segment code of the chain map (declared, or read from the prose)
	District string
	Stage    string
	Type     string
	Limit    int    // page size, 1–100; 0 means 20
	Cursor   string // from the previous page's NextCursor
}

// SearchResult is one page of hits with facet counts over every match.
type SearchResult struct {
	Hits       []Hit              `json:"items"`
	Total      uint64             `json:"total"`
	Facets     map[string][]Facet `json:"facets"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// Hit is one profile found. Snippet is HTML: the text is escaped and the matched
// words are wrapped in <mark>.
type Hit struct {
	ID      string       `json:"id"`
	Kind    profile.Kind `json:"kind"`
	Name    string       `json:"name"`
	Snippet string       `json:"snippet"`
	Score   float64      `json:"score"`
}

// Facet is one value of a facet with how many matching profiles have it.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// facetSize is how many values of one facet a search returns.
const facetSize = 64

// facetFields maps the facet names the API shows to index fields.
var facetFields = map[string]string{"kind": fKind, "chain": fChainAll, "district": fDistrict, "stage": fStage, "type": fType}

// searchFields is the allow-list free text is matched against, with boosts.
var searchFields = []struct {
	name  string
	boost float64
}{{fName, 3}, {fTags, 2}, {fTopics, 1.5}, {fSummary, 1}}

// Search runs a free-text search. The user's text is split into words, each of
// which must appear (as analysed Chinese character pairs or Latin words) in one
// of name, tags, topics or summary, or name a chain whose profiles then match;
// it never reaches Bleve's query-string parser, so `*`, `/.*/`, `~5` and
// `email:x` are plain text. Input errors are *profile.Error of kind
// profile.ErrInvalid naming the field; a search past its deadline is of kind
// profile.ErrUnavailable, as is a search while Open's background load runs.
func (ix *Index) Search(ctx context.Context, r SearchRequest) (*SearchResult, error) {
	offset, err := ix.checkSearch(&r)
	if err != nil {
		return nil, err
	}
	if err := ix.loading(); err != nil {
		return nil, err
	}
	filters := [][2]string{{fKind, string(r.Kind)}, {fChainAll, r.Chain}, {fSegAll, r.Segment}, {fDistrict, r.District}, {fStage, r.Stage}, {fType, r.Type}}
	words := ix.searchWords(r.Q)
	wordQs, hasText := ix.queriesOf(words), len(strings.Fields(r.Q)) > 0
	if hasText && len(wordQs) == 0 {
		return &SearchResult{Hits: []Hit{}, Facets: emptyFacets()}, nil
	}

	// Totals and facets come from the in-memory copy: the same filters and
	// words over the same analysed terms, counted with bitsets instead of
	// Bleve's facet builder visiting every hit's doc values.
	out := &SearchResult{Hits: []Hit{}}
	var page []*record
	var redundant []bool
	ix.memory(func(m *memIndex) {
		set, red := m.filterRedundant(filters, m.words(r.Q))
		redundant = red
		out.Total = uint64(set.count())
		out.Facets = m.facets(set)
		if !hasText {
			page = m.firstByID(set, offset, r.Limit)
		}
	})
	if !hasText {
		// Without words there is no relevance: the page is in id order, as
		// Bleve would sort it, and the score is 0.
		for _, rec := range page {
			out.Hits = append(out.Hits, Hit{ID: rec.id, Kind: rec.p.Kind, Name: rec.p.Name,
				Snippet: snippet(nil, map[string]any{fSummary: rec.p.Summary})})
		}
		if next := offset + len(out.Hits); len(out.Hits) == r.Limit && uint64(next) < out.Total && next+r.Limit <= MaxDepth {
			out.NextCursor = encodeCursor(next)
		}
		return out, nil
	}

	// A word every other hit contains anyway (盐城 in every name at 100k) is
	// left out of the query that ranks: the hits are the same (the memory copy
	// says it removes none), and Bleve no longer scores all its postings. It
	// is still in the query that finds the words' positions, so it is marked.
	// Scores then leave out its share, which is about the same for every hit.
	var scored []query.Query
	for i, q := range wordQs {
		if i >= len(redundant) || !redundant[i] {
			scored = append(scored, q)
		}
	}
	rankMust := []query.Query{bleve.NewConjunctionQuery(scored...)}
	for _, f := range filters {
		if f[1] != "" {
			rankMust = append(rankMust, termQ(f[0], f[1]))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, ix.opts.SearchTimeout)
	defer cancel()
	var ranked []scoredHit
	var total uint64
	err = ix.reader(func(bi bleve.Index) error {
		var err error
		ranked, total, err = rankPage(ctx, bi, bleve.NewConjunctionQuery(rankMust...), offset, r.Limit)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "search_timeout",
				EN: "the search took too long; narrow it down and try again", ZH: "搜索超时，请缩小范围后重试"}
		}
		return nil, fmt.Errorf("index: search: %w: %w", profile.ErrInternal, err)
	}

	// Bleve's total is the one its pages are drawn from; it equals the memory
	// count unless a write landed between the two reads.
	out.Total = total
	recs := make([]*record, len(ranked))
	ix.memory(func(m *memIndex) {
		for i, h := range ranked {
			if s, ok := m.slot[h.id]; ok {
				recs[i] = m.recs[s]
			}
		}
	})
	hl, err := bleve.Config.Cache.HighlighterNamed("html")
	if err != nil {
		return nil, fmt.Errorf("index: search: %w: %w", profile.ErrInternal, err)
	}
	for i, h := range ranked {
		rec := recs[i]
		if rec == nil { // deleted between ranking and loading
			continue
		}
		// The stored name and summary are these texts (see document), so
		// Bleve's own highlighter marks exactly what it marked on the stored
		// document.
		texts := textValues(rec.p)
		d := &bsearch.DocumentMatch{ID: h.id, Locations: bsearch.FieldTermLocationMap{}}
		for _, f := range []string{fName, fSummary} {
			if tlm := ix.locate(words, texts[f]); tlm != nil {
				d.Locations[f] = tlm
			}
		}
		doc := bdoc.NewDocument(h.id)
		for _, f := range []string{fName, fSummary} {
			if texts[f] != "" {
				doc.AddField(bdoc.NewTextField(f, nil, []byte(texts[f])))
			}
		}
		for _, f := range []string{fSummary, fName} {
			hl.BestFragmentsInField(d, doc, f, 1)
		}
		out.Hits = append(out.Hits, Hit{ID: h.id, Kind: rec.p.Kind, Name: texts[fName],
			Snippet: snippet(d.Fragments, map[string]any{fSummary: texts[fSummary]}), Score: math.Round(h.score*1000) / 1000})
	}
	if next := offset + len(ranked); len(ranked) == r.Limit && uint64(next) < total && next+r.Limit <= MaxDepth {
		out.NextCursor = encodeCursor(next)
	}
	return out, nil
}

// scoredHit is one hit of rankPage: Bleve's score and, once a tie or the page
// needs it, the external id.
type scoredHit struct {
	score float64
	doc   bleveindex.IndexInternalID // valid only during the search
	id    string
}

// rankPage scores every hit of q and returns those at [offset, offset+limit)
// ordered by score descending, then id ascending, with the total.
//
// Why not a plain request sorted by "-_score, _id": Bleve's collector then
// loads the external id of every hit to compare it, ≈40% of a broad search
// at 100k. Here a hit's id is read only when its score ties with the worst of
// the offset+limit best kept so far, and for those kept at the end, so the
// order is the same for a fraction of the id reads. The hook is Bleve's own
// for custom collection (search.MakeDocumentMatchHandlerKey).
func rankPage(ctx context.Context, bi bleve.Index, q query.Query, offset, limit int) ([]scoredHit, uint64, error) {
	k := offset + limit
	best := make([]*scoredHit, 0, k)
	var reader bleveindex.IndexReader
	var idErr error
	idOf := func(h *scoredHit) string {
		if h.id == "" && idErr == nil {
			h.id, idErr = reader.ExternalID(h.doc)
		}
		return h.id
	}
	// The worst kept hit on top, so a better one replaces it.
	worse := func(a, b *scoredHit) bool {
		if a.score != b.score {
			return a.score < b.score
		}
		return idOf(a) > idOf(b)
	}
	var page []scoredHit
	spare := &scoredHit{}
	makeHandler := func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		reader = sctx.IndexReader
		return func(d *bsearch.DocumentMatch) error {
			if d == nil { // the end, while the reader is still open
				for _, h := range best {
					idOf(h)
				}
				if idErr != nil {
					return idErr
				}
				slices.SortFunc(best, func(a, b *scoredHit) int {
					if a.score != b.score {
						return cmp.Compare(b.score, a.score)
					}
					return strings.Compare(a.id, b.id)
				})
				for _, h := range best[min(offset, len(best)):] {
					page = append(page, scoredHit{score: h.score, id: h.id})
				}
				return nil
			}
			defer sctx.DocumentMatchPool.Put(d)
			// Most hits of a broad search are not kept: each is looked at in
			// spare, and only one that is kept takes a new one (or the one it
			// pushed out) and a copy of its internal id.
			h := spare
			*h = scoredHit{score: d.Score, doc: d.IndexInternalID}
			if len(best) == k {
				if !worse(best[0], h) {
					return idErr
				}
				h.doc = slices.Clone(h.doc)
				spare, best[0] = best[0], h
				heapDown(best, 0, worse)
				return idErr
			}
			h.doc = slices.Clone(h.doc)
			best = append(best, h)
			heapUp(best, len(best)-1, worse)
			spare = &scoredHit{}
			return idErr
		}, false, nil
	}
	req := bleve.NewSearchRequestOptions(q, k, 0, false)
	res, err := bi.SearchInContext(context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, bsearch.MakeDocumentMatchHandler(makeHandler)), req)
	if err != nil {
		return nil, 0, err
	}
	return page, res.Total, nil
}

func emptyFacets() map[string][]Facet {
	out := make(map[string][]Facet, len(facetFields))
	for name := range facetFields {
		out[name] = []Facet{}
	}
	return out
}

// checkSearch validates r in place (setting the default limit) and returns the
// offset its cursor stands for.
func (ix *Index) checkSearch(r *SearchRequest) (int, error) {
	if n := utf8.RuneCountInString(r.Q); n > MaxQueryRunes {
		return 0, profile.Invalid("q", "too_long",
			fmt.Sprintf("q is %d characters; at most %d are allowed", n, MaxQueryRunes),
			fmt.Sprintf("搜索词共 %d 个字符，最多 %d 个", n, MaxQueryRunes))
	}
	if !utf8.ValidString(r.Q) {
		return 0, profile.Invalid("q", "invalid_text", "q contains invalid characters", "搜索词含有非法字符")
	}
	if n := len(strings.Fields(r.Q)); n > MaxQueryTerms {
		return 0, profile.Invalid("q", "too_many_terms",
			fmt.Sprintf("q has %d words; at most %d are allowed", n, MaxQueryTerms),
			fmt.Sprintf("搜索词有 %d 个，最多 %d 个", n, MaxQueryTerms))
	}
	if r.Kind != "" && !r.Kind.Valid() {
		return 0, profile.Invalid("kind", "unknown_code", "kind must be one of startup, mentor, investor, carrier, enclave, provider",
			"kind 应为 startup、mentor、investor、carrier、enclave、provider 之一")
	}
	if r.Chain != "" && len(ix.lex.Codes(r.Chain)) == 0 {
		return 0, profile.Invalid("chain", "unknown_code", fmt.Sprintf("%q is not a chain code", r.Chain),
			fmt.Sprintf("%q 不是有效的产业链代码", r.Chain))
	}
	if r.Stage != "" && !profile.Stages.Has(r.Stage) {
		return 0, profile.Invalid("stage", "unknown_code", "stage must be one of "+profile.Stages.List(),
			"stage 应为以下之一："+profile.Stages.List())
	}
	for _, v := range []struct{ field, value string }{{"district", r.District}, {"type", r.Type}} {
		if len(v.value) > 64 {
			return 0, profile.Invalid(v.field, "too_long", v.field+" is too long", v.field+" 过长")
		}
	}
	switch {
	case r.Limit == 0:
		r.Limit = DefaultLimit
	case r.Limit < 0 || r.Limit > MaxPageSize:
		return 0, profile.Invalid("limit", "out_of_range", fmt.Sprintf("limit must be between 1 and %d", MaxPageSize),
			fmt.Sprintf("limit 应在 1 到 %d 之间", MaxPageSize))
	}
	offset := 0
	if r.Cursor != "" {
		var ok bool
		if offset, ok = decodeCursor(r.Cursor); !ok {
			return 0, profile.Invalid("cursor", "invalid_cursor", "cursor is not one this server gave out", "cursor 无效")
		}
	}
	if offset+r.Limit > MaxDepth {
		return 0, profile.Invalid("cursor", "too_deep",
			fmt.Sprintf("paging stops at %d results; narrow the search instead", MaxDepth),
			fmt.Sprintf("最多翻到第 %d 条结果，请缩小搜索范围", MaxDepth))
	}
	return offset, nil
}

func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) < 2 || raw[0] != 'o' {
		return 0, false
	}
	n, err := strconv.Atoi(string(raw[1:]))
	if err != nil || n < 0 || n > MaxDepth {
		return 0, false
	}
	return n, true
}

func termQ(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

// textQuery turns the user's words into a query: for each word, a disjunction
// of match queries (all its character pairs must be in one field) over the
// allow-listed fields, plus the chains the word names. hasText is false for
// blank input; empty is true when there were words but none that analysis keeps
// (only punctuation, say), which finds nothing rather than everything.
func (ix *Index) textQuery(q string) (_ query.Query, hasText, empty bool) {
	conj, hasText := ix.wordQueries(q)
	if !hasText {
		return nil, false, false
	}
	if len(conj) == 0 {
		return nil, false, true
	}
	return bleve.NewConjunctionQuery(conj...), true, false
}

// searchWord is one word of a search's text as the cjk analyser reads it.
type searchWord struct {
	text  string   // as typed
	terms []string // its analysed terms: what its match query asks for
	han   []string // those of them made of Chinese characters only (see mayContain)
}

// searchWords are the words of q that analysis keeps, in order (the words
// memIndex.words returns), each analysed once for both the query (queriesOf)
// and the snippets (locate).
func (ix *Index) searchWords(q string) []searchWord {
	var out []searchWord
	for _, w := range strings.Fields(q) {
		sw := searchWord{text: w}
		for _, tok := range ix.analyzer.Analyze([]byte(w)) {
			t := string(tok.Term)
			sw.terms = append(sw.terms, t)
			if allHan(t) {
				sw.han = append(sw.han, t)
			}
		}
		if len(sw.terms) > 0 {
			out = append(out, sw)
		}
	}
	return out
}

// wordQueries is textQuery's query for each word analysis keeps, in order;
// hasText is false for blank input.
func (ix *Index) wordQueries(q string) (_ []query.Query, hasText bool) {
	if len(strings.Fields(q)) == 0 {
		return nil, false
	}
	return ix.queriesOf(ix.searchWords(q)), true
}

// queriesOf is the query of each word: a disjunction of its match query in
// every searched field and the chains, segments and districts it names.
func (ix *Index) queriesOf(words []searchWord) []query.Query {
	var conj []query.Query
	for _, sw := range words {
		w := sw.text
		var dis []query.Query
		for _, f := range searchFields {
			m := bleve.NewMatchQuery(w)
			m.SetField(f.name)
			m.Analyzer = cjk.AnalyzerName
			m.SetOperator(query.MatchQueryOperatorAnd)
			m.SetBoost(f.boost)
			dis = append(dis, m)
		}
		// The chains, segments and districts the word names: 膜电极 finds a
		// fuel-cell firm whose summary says MEA, 氢 the hydrogen chain, 盐南高新区
		// the district. memIndex.wordSet mirrors this.
		for _, kw := range []struct {
			field string
			codes []string
			boost float64
		}{{fChainAll, ix.lex.SearchChains(w), 2}, {fSegAll, ix.lex.SegmentsFor(w), 2}, {fDistrict, ix.lex.DistrictsFor(w), 1.5}} {
			for _, code := range kw.codes {
				t := bleve.NewTermQuery(code)
				t.SetField(kw.field)
				t.SetBoost(kw.boost)
				dis = append(dis, t)
			}
		}
		conj = append(conj, bleve.NewDisjunctionQuery(dis...))
	}
	return conj
}

// locate is where the words occur in one hit's text of a
// highlighted field: the locations Bleve reports for the search's query when
// asked for them. A word's match query in a field matches when every one of its
// terms is in the field, and then each of those terms brings every place it
// occurs; a term two words share is listed once, in position order. The text is
// the one indexed, read by the field's analyser (cjk), so positions and byte
// offsets are the index's own. Nil when no word matches in the text.
//
// Why not ask Bleve: matching the page's documents again with locations was a
// second search, about a sixth of a search's time at 100k.
func (ix *Index) locate(words []searchWord, text string) bsearch.TermLocationMap {
	if text == "" || len(words) == 0 || !mayContain(words, text) {
		return nil
	}
	wanted := map[string]bsearch.Locations{}
	for _, w := range words {
		for _, t := range w.terms {
			wanted[t] = nil
		}
	}
	for _, tok := range ix.analyzer.Analyze([]byte(text)) {
		if locs, ok := wanted[string(tok.Term)]; ok {
			wanted[string(tok.Term)] = append(locs, &bsearch.Location{
				Pos: uint64(tok.Position), Start: uint64(tok.Start), End: uint64(tok.End)})
		}
	}
	var out bsearch.TermLocationMap
	for _, w := range words {
		all := true
		for _, t := range w.terms {
			if wanted[t] == nil {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		if out == nil {
			out = bsearch.TermLocationMap{}
		}
		for _, t := range w.terms {
			out[t] = wanted[t]
		}
	}
	return out
}

// mayContain is false when no word can match in text: each word has a term of
// Chinese characters only that text does not contain as it stands. The cjk
// analyser changes no Chinese character (it folds widths of Latin letters and
// katakana, and lower-cases), so such a term is then not among text's terms. A
// word with no such term may match, and the text has to be analysed.
func mayContain(words []searchWord, text string) bool {
	for _, w := range words {
		absent := false
		for _, t := range w.han {
			if !strings.Contains(text, t) {
				absent = true
				break
			}
		}
		if !absent {
			return true
		}
	}
	return false
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// snippet is the highlighted summary (or name), or the summary's start when no
// fragment was highlighted.
func snippet(frags map[string][]string, fields map[string]any) string {
	for _, f := range []string{fSummary, fName} {
		if fr := frags[f]; len(fr) > 0 {
			return fr[0]
		}
	}
	s, _ := fields[fSummary].(string)
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return html.EscapeString(s)
}
