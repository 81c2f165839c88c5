package index

import (
	"context"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

// TestLocateIsBleves: for the hits of a search, locate gives in name and
// summary exactly the locations Bleve reports when the page's documents are
// matched again with the search's query and IncludeLocations (what Search did
// before), so the snippets mark the same words. The words cover one and several
// words, Latin and Chinese, a word twice, a word naming a chain but absent from
// the text, and text that is only punctuation.
func TestLocateIsBleves(t *testing.T) {
	src := sourceOf(600, 5)
	ix := openTemp(t)
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	compared, marked := 0, 0
	for _, r := range []SearchRequest{
		{Q: "芯片"}, {Q: "燃料电池 检测"}, {Q: "碳化硅", Kind: profile.Startup}, {Q: "hydrogen"},
		{Q: "盐城 储能系统"}, {Q: "半导体 半导体"}, {Q: "氢"}, {Q: "检测 ！！"}, {Q: "新能源 汽车 电池"},
		{Q: "Battery 电池", Limit: 50}, {Q: "孵化器"}, {Q: "智能制造 工业互联网"},
	} {
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 {
			continue
		}
		wordQs, _ := ix.wordQueries(r.Q)
		must := []query.Query{bleve.NewConjunctionQuery(wordQs...)}
		if r.Kind != "" {
			must = append(must, termQ(fKind, string(r.Kind)))
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		var want map[string]map[string]bleveLocs
		err = ix.reader(func(bi bleve.Index) error {
			req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(append(must, bleve.NewDocIDQuery(ids))...), len(ids), 0, false)
			req.IncludeLocations = true
			out, err := bi.Search(req)
			if err != nil {
				return err
			}
			want = map[string]map[string]bleveLocs{}
			for _, h := range out.Hits {
				want[h.ID] = map[string]bleveLocs{}
				for _, f := range []string{fName, fSummary} {
					want[h.ID][f] = flatLocs(h.Locations[f])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		words := ix.searchWords(r.Q)
		for _, id := range ids {
			p, err := src.GetProfile(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			texts := textValues(p)
			for _, f := range []string{fName, fSummary} {
				got := flatLocs(ix.locate(words, texts[f]))
				if diff := cmp.Diff(want[id][f], got); diff != "" {
					t.Errorf("q %q, %s, %s: locations differ from Bleve's (-bleve +locate):\n%s", r.Q, id, f, diff)
				}
				compared++
				if len(got) > 0 {
					marked++
				}
			}
		}
		for _, h := range res.Hits {
			if strings.Contains(h.Snippet, "<mark>") {
				marked++
			}
		}
	}
	if compared < 100 || marked < 50 {
		t.Fatalf("compared %d fields, %d with locations: too few to show anything", compared, marked)
	}
}

// bleveLocs is a field's locations, term by term, as comparable values.
type bleveLocs map[string][][3]uint64

func flatLocs(tlm bsearch.TermLocationMap) bleveLocs {
	out := bleveLocs{}
	for term, locs := range tlm {
		for _, l := range locs {
			if len(l.ArrayPositions) > 0 {
				panic("array positions in a single-valued field")
			}
			out[term] = append(out[term], [3]uint64{l.Pos, l.Start, l.End})
		}
	}
	return out
}
