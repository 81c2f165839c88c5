package index

import (
	"context"
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"fuhua/internal/match"
	"fuhua/internal/profile"
)

// TestMemoryAgreesWithBleve: totals and facets come from the in-memory copy,
// so for every search they must equal what Bleve itself counts for the same
// query. Also after edits and archives through Apply, and after a reopen that
// reloads the copy from the stored documents.
func TestMemoryAgreesWithBleve(t *testing.T) {
	ps := genProfiles(480, 11)
	ix, src, dir := build(t, ps)
	for i, p := range ps[:40] {
		q := *p
		if i%3 == 0 {
			q.Archived = true
		} else {
			q.Summary = "改做钙钛矿叠层电池和芯片"
			q.Chains = []string{"hydrogen"}
		}
		if err := ix.Apply(src.write(&q)); err != nil {
			t.Fatal(err)
		}
	}
	reqs := []SearchRequest{
		{}, {Q: "芯片"}, {Q: "钙钛矿"}, {Q: "燃料电池 检测"}, {Q: "hydrogen"}, {Q: "盐城", Kind: profile.Mentor},
		{Q: "碳化硅", Kind: profile.Startup}, {Kind: profile.Investor, Chain: "ic"}, {District: "yandu", Stage: "angel"},
		{Type: "vc"}, {Q: "半导体 SiC"}, {Q: "EDA"}, {Q: "储能系统", Chain: "new_energy"},
	}
	check := func(ix *Index) {
		for _, r := range reqs {
			got := search(t, ix, r)
			want := bleveFacets(t, ix, r)
			if got.Total != want.Total {
				t.Errorf("%+v: total %d, Bleve counts %d", r, got.Total, want.Total)
			}
			if diff := cmp.Diff(got.Facets, want.Facets); diff != "" {
				t.Errorf("%+v: facets differ from Bleve's (-memory +bleve):\n%s", r, diff)
			}
		}
	}
	check(ix)
	ix.Close()
	check(openLoaded(t, dir))
}

// bleveFacets counts r's total and facets the way Search did before the
// memory copy: with Bleve's facet builder over the same query.
func bleveFacets(t *testing.T, ix *Index, r SearchRequest) *SearchResult {
	t.Helper()
	var must []query.Query
	for _, f := range [][2]string{{fKind, string(r.Kind)}, {fChainAll, r.Chain}, {fDistrict, r.District}, {fStage, r.Stage}, {fType, r.Type}} {
		if f[1] != "" {
			must = append(must, termQ(f[0], f[1]))
		}
	}
	if q, has, _ := ix.textQuery(r.Q); has {
		must = append(must, q)
	}
	var q query.Query = bleve.NewMatchAllQuery()
	if len(must) > 0 {
		q = bleve.NewConjunctionQuery(must...)
	}
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	for name, field := range facetFields {
		req.AddFacet(name, bleve.NewFacetRequest(field, facetSize))
	}
	res, err := ix.bi.SearchInContext(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	out := &SearchResult{Total: res.Total, Facets: emptyFacets()}
	for name, fr := range res.Facets {
		for _, tf := range fr.Terms.Terms() {
			if tf.Term != none {
				out.Facets[name] = append(out.Facets[name], Facet{Value: tf.Term, Count: tf.Count})
			}
		}
		sort.Slice(out.Facets[name], func(i, j int) bool {
			a, b := out.Facets[name][i], out.Facets[name][j]
			return a.Count > b.Count || a.Count == b.Count && a.Value < b.Value
		})
	}
	return out
}

// TestPublicViewKeepsIndexedFields: the memory copy is derived from the public
// view (all a reopened index has), the Bleve document from the full profile;
// both must give the same keyword values and text.
func TestPublicViewKeepsIndexedFields(t *testing.T) {
	ix, _, _ := build(t, nil)
	for _, p := range append(genProfiles(60, 3), loadDataset(t)...) {
		_, rec, err := document(p, ix.lex)
		if err != nil {
			t.Fatal(err)
		}
		pub := rec.p
		if pub.Contact != (profile.Contact{}) || pub.OwnerID != "" {
			t.Errorf("%s: public view holds contact or owner", p.ID)
		}
		if diff := cmp.Diff(keywordValues(pub, ix.lex.Read(pub)), keywordValues(p, ix.lex.Read(p))); diff != "" {
			t.Errorf("%s: keyword values differ (-public +full):\n%s", p.ID, diff)
		}
		if diff := cmp.Diff(textValues(pub), textValues(p)); diff != "" {
			t.Errorf("%s: text differs (-public +full):\n%s", p.ID, diff)
		}
	}
}

// TestSearchOrderMatchesBleveSort: Search ranks with its own collector that
// reads ids only for ties, by the words that remove some hit; every page must
// be exactly the page of a plain Bleve request for those words sorted by
// score, then id, with the same scores, and find what every word finds. The
// generated profiles share template phrases, so many hits tie, and 盐城 is in
// every name, so it ranks nothing in "盐城 储能系统".
func TestSearchOrderMatchesBleveSort(t *testing.T) {
	ix, _, _ := build(t, genProfiles(480, 11))
	reqs := []SearchRequest{
		{Q: "盐城"}, {Q: "芯片"}, {Q: "盐城 储能系统"}, {Q: "hydrogen"}, {Q: "碳化硅", Kind: profile.Startup},
		{Q: "工业软件", District: "yandu"}, {Q: "半导体", Stage: "angel"},
	}
	for _, r := range reqs {
		for _, page := range []struct{ offset, limit int }{{0, 20}, {20, 20}, {40, 7}, {100, 100}} {
			r := r
			r.Limit = page.limit
			if page.offset > 0 {
				r.Cursor = encodeCursor(page.offset)
			}
			got := search(t, ix, r)
			// Ranked by the words that remove some hit; found by all of them.
			filters := [][2]string{{fKind, string(r.Kind)}, {fDistrict, r.District}, {fStage, r.Stage}}
			var redundant []bool
			ix.memory(func(m *memIndex) { _, redundant = m.filterRedundant(filters, m.words(r.Q)) })
			wordQs, _ := ix.wordQueries(r.Q)
			var scored []query.Query
			for i, q := range wordQs {
				if !redundant[i] {
					scored = append(scored, q)
				}
			}
			textQ, _, _ := ix.textQuery(r.Q)
			must, rankMust := []query.Query{textQ}, []query.Query{bleve.NewConjunctionQuery(scored...)}
			for _, f := range filters {
				if f[1] != "" {
					must = append(must, termQ(f[0], f[1]))
					rankMust = append(rankMust, termQ(f[0], f[1]))
				}
			}
			req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(rankMust...), page.limit, page.offset, false)
			req.SortBy([]string{"-_score", "_id"})
			var want, all *bleve.SearchResult
			if err := ix.reader(func(bi bleve.Index) (err error) {
				if want, err = bi.Search(req); err != nil {
					return err
				}
				all, err = bi.Search(bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(must...), 0, 0, false))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if all.Total != want.Total {
				t.Errorf("%q: %d hits with every word, %d with the words that rank", r.Q, all.Total, want.Total)
			}
			var gotHits, wantHits []string
			for _, h := range got.Hits {
				gotHits = append(gotHits, fmt.Sprintf("%s %.3f", h.ID, h.Score))
			}
			for _, h := range want.Hits {
				wantHits = append(wantHits, fmt.Sprintf("%s %.3f", h.ID, math.Round(h.Score*1000)/1000))
			}
			if diff := cmp.Diff(gotHits, wantHits); diff != "" || got.Total != want.Total {
				t.Errorf("%q %+v: total %d, Bleve %d; page (-got +want):\n%s", r.Q, page, got.Total, want.Total, diff)
			}
		}
	}
}

// TestRedundantWords: a word is left out of ranking only when it removes no
// hit that the filters and the other words leave, and one word always ranks.
func TestRedundantWords(t *testing.T) {
	ix, _, _ := build(t, genProfiles(480, 11))
	for _, c := range []struct {
		q       string
		filters [][2]string
		want    []bool
	}{
		{"盐城 储能系统", nil, []bool{true, false}},
		{"储能系统 盐城", nil, []bool{false, true}},
		{"盐城", nil, []bool{false}},
		{"盐城 盐城", nil, []bool{false, false}}, // each alone would be redundant: both rank
		{"芯片 储能系统", nil, []bool{false, false}},
		{"盐城 储能系统", [][2]string{{fKind, "startup"}}, []bool{true, false}},
	} {
		ix.memory(func(m *memIndex) {
			ws := m.words(c.q)
			set, got := m.filterRedundant(c.filters, ws)
			if diff := cmp.Diff(got, c.want); diff != "" {
				t.Errorf("%q %v: redundant (-got +want):\n%s", c.q, c.filters, diff)
			}
			if diff := cmp.Diff(set, m.filter(c.filters, ws)); diff != "" {
				t.Errorf("%q %v: set differs from filter's", c.q, c.filters)
			}
		})
	}
}

// TestInvestorConstraintsOnlyRemoveExcluded: the bitsets that narrow an
// investor's deal flow remove only startups match.Exclude excludes, and keep
// every startup it does not.
func TestInvestorConstraintsOnlyRemoveExcluded(t *testing.T) {
	ps := genProfiles(480, 11)
	// Startups without a stage, a district or funding kinds (the generator
	// gives every startup all three).
	for i, clear := range []func(*profile.Profile){
		func(p *profile.Profile) { p.Stage = "" },
		func(p *profile.Profile) { p.District = "" },
		func(p *profile.Profile) { p.Needs.FundingKinds = nil },
		func(p *profile.Profile) { p.Needs = nil },
	} {
		for j, p := range ps[:60] {
			if p.Kind == profile.Startup {
				q := *p
				q.ID = fmt.Sprintf("startup-x%d-%d", i, j)
				if p.Needs != nil {
					n := *p.Needs
					q.Needs = &n
				}
				clear(&q)
				ps = append(ps, &q)
			}
		}
	}
	ix, _, _ := build(t, ps)
	env := match.Env{Lex: ix.lex, Accepted: map[string]int{}}
	removed := 0
	ix.memory(func(m *memIndex) {
		for _, inv := range ps {
			if inv.Kind != profile.Investor {
				continue
			}
			set := m.filter([][2]string{{fKind, string(profile.Startup)}}, nil)
			m.investorConstraints(inv, set)
			for id, s := range m.slot {
				r := m.recs[s]
				if r.p.Kind != profile.Startup {
					continue
				}
				why := match.Exclude(inv, r.p, env)
				switch {
				case !set.has(s) && why == "":
					t.Errorf("%s: %s removed but not excluded", inv.ID, id)
				case !set.has(s):
					removed++
				}
				if set.has(s) && (why == match.ExcludeStage || why == match.ExcludeRegion || why == match.ExcludeInstrument) {
					t.Errorf("%s: %s kept but excluded (%s)", inv.ID, id, why)
				}
			}
		}
	})
	if removed == 0 {
		t.Error("no startup removed: the test data exercises nothing")
	}
}

// TestStartupConstraintsOnlyRemoveExcluded: the bitsets that narrow a
// startup's investors remove only investors match.Exclude excludes for it, and
// keep every investor it keeps but for its ticket.
func TestStartupConstraintsOnlyRemoveExcluded(t *testing.T) {
	ps := genProfiles(480, 12)
	// Investors open to every stage, region or instrument, and startups
	// without a stage, a district or funding kinds.
	var extra []*profile.Profile
	for i, clear := range []func(*profile.Profile){
		func(p *profile.Profile) { p.Stages = nil },
		func(p *profile.Profile) { p.Regions = nil },
		func(p *profile.Profile) { p.Instruments = nil },
		func(p *profile.Profile) { p.Stage = "" },
		func(p *profile.Profile) { p.District = "" },
		func(p *profile.Profile) { p.Needs.FundingKinds = nil },
		func(p *profile.Profile) { p.Needs = nil },
	} {
		for j, p := range ps[:80] {
			if p.Kind != profile.Startup && p.Kind != profile.Investor || p.Kind == profile.Startup && i < 3 || p.Kind == profile.Investor && i >= 3 {
				continue
			}
			q := *p
			q.ID = fmt.Sprintf("%s-x%d-%d", p.Kind, i, j)
			if p.Needs != nil {
				n := *p.Needs
				q.Needs = &n
			}
			clear(&q)
			extra = append(extra, &q)
		}
	}
	ps = append(ps, extra...)
	ix, _, _ := build(t, ps)
	env := match.Env{Lex: ix.lex, Accepted: map[string]int{}}
	removed, kept := 0, 0
	ix.memory(func(m *memIndex) {
		for _, s := range ps {
			if s.Kind != profile.Startup {
				continue
			}
			set := m.filter([][2]string{{fKind, string(profile.Investor)}}, nil)
			m.startupConstraints(s, set)
			// Exclude names the first rule that fails and tickets come first:
			// the same startup seeking no amount shows the others.
			noTicket := *s
			if s.Needs != nil {
				n := *s.Needs
				n.FundingWan = 0
				noTicket.Needs = &n
			}
			for id, slot := range m.slot {
				r := m.recs[slot]
				if r.p.Kind != profile.Investor {
					continue
				}
				why := match.Exclude(&noTicket, r.p, env)
				switch {
				case !set.has(slot) && why == "":
					t.Errorf("%s: %s removed but not excluded by its stages, regions or instruments (%q)", s.ID, id, why)
				case !set.has(slot):
					removed++
				case why == "":
					kept++
				}
				if set.has(slot) && (why == match.ExcludeStage || why == match.ExcludeRegion || why == match.ExcludeInstrument) {
					t.Errorf("%s: %s kept but excluded (%s)", s.ID, id, why)
				}
			}
		}
	})
	if removed == 0 || kept == 0 {
		t.Errorf("removed %d, kept %d: the test data exercises only one side", removed, kept)
	}
}
