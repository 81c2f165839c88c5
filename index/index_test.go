package index

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	bleveindex "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"fuhua/internal/match"
	"fuhua/internal/profile"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the current ranking")

func loadDataset(t testing.TB) []*profile.Profile {
	t.Helper()
	raw, err := os.ReadFile("testdata/profiles.json")
	if err != nil {
		t.Fatal(err)
	}
	var ps []*profile.Profile
	if err := json.Unmarshal(raw, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

// testOptions pins the chain and district lists to a snapshot in testdata/, so
// that enriching seed/ does not move the golden ranking. TestSynonyms uses the
// live seed/ list.
func testOptions(t testing.TB) Options {
	t.Helper()
	var o Options
	for name, into := range map[string]any{"chains.json": &o.Chains, "districts.json": &o.Districts} {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatal(err)
		}
	}
	o.PollInterval = 5 * time.Millisecond
	return o
}

// build writes ps to a fresh source and builds an on-disk index from it with
// the production mapping.
func build(t testing.TB, ps []*profile.Profile) (*Index, *memSource, string) {
	t.Helper()
	return buildWith(t, ps, testOptions(t))
}

func buildWith(t testing.TB, ps []*profile.Profile, opts Options) (*Index, *memSource, string) {
	t.Helper()
	src := newMemSource()
	for _, p := range ps {
		src.write(p)
	}
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, src, dir
}

// openLoaded opens the index in dir and waits for its memory copy; the test
// closes it at its end.
func openLoaded(t testing.TB, dir string) *Index {
	t.Helper()
	ix, err := Open(dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(items []match.Item) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func hitIDs(r *SearchResult) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func search(t *testing.T, ix *Index, r SearchRequest) *SearchResult {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("Search(%+v): %v", r, err)
	}
	return res
}

// golden is everything the golden file pins: every allowed match of every
// profile in the dataset, and a set of searches.
type golden struct {
	Matches  map[string][]match.Item  `json:"matches"`
	Searches map[string]*SearchResult `json:"searches"`
}

var goldenSearches = []SearchRequest{
	{Q: "半导体"},
	{Q: "芯片"},
	{Q: "氢能"},
	{Q: "燃料电池 检测"},
	{Kind: profile.Investor, Chain: "ic"},
	{Kind: profile.Startup, District: "yannan"},
	{Q: "盐城", Limit: 5},
}

func computeGolden(t *testing.T, ix *Index, ps []*profile.Profile) golden {
	ctx := context.Background()
	g := golden{Matches: map[string][]match.Item{}, Searches: map[string]*SearchResult{}}
	for _, p := range ps {
		if p.Archived {
			continue
		}
		for _, k := range match.Targets(p.Kind) {
			items, err := ix.Match(ctx, p, k, MatchOptions{})
			if err != nil {
				t.Fatalf("Match(%s, %s): %v", p.ID, k, err)
			}
			g.Matches[p.ID+"→"+string(k)] = items
		}
	}
	for _, r := range goldenSearches {
		key, _ := json.Marshal(r)
		g.Searches[string(key)] = search(t, ix, r)
	}
	return g
}

// TestGoldenRanking pins the ranking and the reasons on a small fixed dataset.
// Run with -update after a deliberate change and review the diff like code.
func TestGoldenRanking(t *testing.T) {
	ps := loadDataset(t)
	ix, _, _ := build(t, ps)
	got := computeGolden(t, ix, ps)
	raw, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden.json")
	if *update {
		if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantRaw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./index -run Golden -update to create it)", err)
	}
	var want golden
	if err := json.Unmarshal(wantRaw, &want); err != nil {
		t.Fatal(err)
	}
	var gotRound golden
	_ = json.Unmarshal(raw, &gotRound)
	if diff := cmp.Diff(gotRound, want); diff != "" {
		t.Errorf("ranking changed (-got +want); if intended, rerun with -update and review:\n%s", diff)
	}
}

// TestExpectedTopMatches states in words what the golden file must show, so a
// careless -update cannot bless a bad ranking.
func TestExpectedTopMatches(t *testing.T) {
	ps := loadDataset(t)
	ix, _, _ := build(t, ps)
	byID := map[string]*profile.Profile{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	tests := []struct {
		from   string
		target profile.Kind
		first  string
		absent []string
	}{
		// The SiC startup's best investor is the hard-tech guidance fund; the
		// archived fund and the fund whose ticket starts at 3,000 万元 never show.
		{"st-sic", profile.Investor, "inv-guide", []string{"inv-arch", "inv-big", "inv-angel"}},
		// The fuel-cell startup tags no chain, but its prose meets the hydrogen fund.
		{"st-h2", profile.Investor, "inv-h2", []string{"inv-bank"}},
		{"st-sic", profile.Carrier, "ca-inc", nil},
		{"st-h2", profile.Enclave, "en-sh", nil},
		{"st-sic", profile.Provider, "pr-ip", nil},
		// A mentor with no free capacity is never proposed.
		{"st-h2", profile.Mentor, "mt-cap", []string{"mt-full"}},
		{"inv-guide", profile.Startup, "st-sic", []string{"st-grad", "st-soft"}},
	}
	for _, tt := range tests {
		t.Run(tt.from+"→"+string(tt.target), func(t *testing.T) {
			items, err := ix.Match(context.Background(), byID[tt.from], tt.target, MatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(items)
			if len(got) == 0 || got[0] != tt.first {
				t.Errorf("got %v, want %s first", got, tt.first)
			}
			for _, a := range tt.absent {
				for _, id := range got {
					if id == a {
						t.Errorf("got %v, which includes %s", got, a)
					}
				}
			}
		})
	}
}

// TestSynonyms runs on the live chain list in seed/: the synonyms the issue
// names must hold there.
func TestSynonyms(t *testing.T) {
	ps := loadDataset(t)
	ix, _, _ := buildWith(t, ps, Options{})
	// 芯片 finds profiles tagged ic whose text never says 芯片.
	res := search(t, ix, SearchRequest{Q: "芯片"})
	if !contains(hitIDs(res), "en-sz") {
		t.Errorf("search 芯片 = %v; want en-sz (tagged ic, prose says 集成电路)", hitIDs(res))
	}
	// hydrogen finds prose that says 燃料电池 and tags nothing.
	res = search(t, ix, SearchRequest{Q: "hydrogen"})
	if !contains(hitIDs(res), "st-h2") {
		t.Errorf("search hydrogen = %v; want st-h2 (prose 燃料电池, no chains)", hitIDs(res))
	}
	// Chain filter and facet see it too.
	res = search(t, ix, SearchRequest{Chain: "hydrogen", Kind: profile.Startup})
	if diff := cmp.Diff(hitIDs(res), []string{"st-h2"}); diff != "" {
		t.Errorf("chain=hydrogen startups (-got +want):\n%s", diff)
	}
	// 半导体 is found inside 第三代半导体功率器件.
	res = search(t, ix, SearchRequest{Q: "半导体", Kind: profile.Startup})
	if !contains(hitIDs(res), "st-sic") {
		t.Errorf("search 半导体 = %v; want st-sic", hitIDs(res))
	}
	if len(res.Hits) > 0 && !strings.Contains(res.Hits[0].Snippet, "<mark>") {
		t.Errorf("snippet %q has no highlight", res.Hits[0].Snippet)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestContactNotFindable: no contact value or owner id can be searched, and none
// is stored in the index at all.
func TestContactNotFindable(t *testing.T) {
	ps := genProfiles(60, 9)
	ix, _, dir := build(t, ps)
	for _, p := range ps[:12] {
		for _, v := range []string{p.Contact.Phone, p.Contact.Email, p.Contact.WeChat, p.Contact.Person, p.OwnerID} {
			res := search(t, ix, SearchRequest{Q: v})
			if len(res.Hits) != 0 {
				t.Errorf("searching %q found %v", v, hitIDs(res))
			}
		}
	}
	// Every stored field of every document, scanned for the secrets (the disk
	// files are compressed, so they cannot be grepped).
	for _, p := range ps {
		doc, err := ix.bi.Document(p.ID)
		if err != nil || doc == nil {
			t.Fatalf("document %s: %v", p.ID, err)
		}
		stored := 0
		doc.VisitFields(func(f bleveindex.Field) {
			stored++
			for _, v := range []string{p.Contact.Phone, p.Contact.Email, p.Contact.WeChat, p.Contact.Person, p.OwnerID} {
				if strings.Contains(string(f.Value()), v) {
					t.Errorf("%s: stored field %s holds %q", p.ID, f.Name(), v)
				}
			}
		})
		if stored == 0 {
			t.Fatalf("%s: no stored fields seen; the check would pass vacuously", p.ID)
		}
	}
	_ = dir
}

// TestQuerySyntaxIsLiteral: Bleve's query-string syntax has no effect.
func TestQuerySyntaxIsLiteral(t *testing.T) {
	ix, _, _ := build(t, loadDataset(t))
	all := search(t, ix, SearchRequest{})
	if all.Total < 10 {
		t.Fatalf("dataset too small: %d", all.Total)
	}
	for _, q := range []string{"*", "/.*/", "盐城~5", "email:x", "kind:startup", "+name:盐城", "_id:st-sic", "summary:*"} {
		res := search(t, ix, SearchRequest{Q: q})
		if res.Total != 0 {
			t.Errorf("q=%q found %d profiles %v; query syntax must be literal text", q, res.Total, hitIDs(res))
		}
	}
}

func TestSearchBounds(t *testing.T) {
	ix, _, _ := build(t, loadDataset(t))
	tests := []struct {
		name  string
		req   SearchRequest
		field string
	}{
		{"long", SearchRequest{Q: strings.Repeat("氢", MaxQueryRunes+1)}, "q"},
		{"terms", SearchRequest{Q: strings.Repeat("a ", MaxQueryTerms+1)}, "q"},
		{"limit", SearchRequest{Limit: MaxPageSize + 1}, "limit"},
		{"negative", SearchRequest{Limit: -1}, "limit"},
		{"deep", SearchRequest{Limit: 100, Cursor: encodeCursor(MaxDepth - 50)}, "cursor"},
		{"cursor", SearchRequest{Cursor: "garbage!"}, "cursor"},
		{"kind", SearchRequest{Kind: "robot"}, "kind"},
		{"chain", SearchRequest{Chain: "nope"}, "chain"},
		{"stage", SearchRequest{Stage: "z"}, "stage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.req)
			e, ok := profile.AsError(err)
			if !ok || !errors.Is(err, profile.ErrInvalid) || e.Field != tt.field {
				t.Errorf("err = %v; want an invalid-input error on %q", err, tt.field)
			}
		})
	}
	// Exactly at the bounds is fine.
	if _, err := ix.Search(context.Background(), SearchRequest{Q: strings.Repeat("a ", MaxQueryTerms), Limit: MaxPageSize}); err != nil {
		t.Errorf("32 terms, limit 100: %v", err)
	}
}

func TestSearchPagingAndFacets(t *testing.T) {
	ix, _, _ := build(t, loadDataset(t))
	first := search(t, ix, SearchRequest{Limit: 5})
	if first.NextCursor == "" {
		t.Fatal("no next cursor")
	}
	second := search(t, ix, SearchRequest{Limit: 5, Cursor: first.NextCursor})
	for _, id := range hitIDs(second) {
		if contains(hitIDs(first), id) {
			t.Errorf("page 2 repeats %s", id)
		}
	}
	sum := 0
	for _, f := range first.Facets["kind"] {
		sum += f.Count
	}
	if uint64(sum) != first.Total || first.Total != 22 { // 23 profiles, one archived
		t.Errorf("kind facets add to %d, total %d; want 22", sum, first.Total)
	}
	for _, name := range []string{"kind", "chain", "district", "stage", "type"} {
		if len(first.Facets[name]) == 0 {
			t.Errorf("facet %s empty", name)
		}
	}
}

// TestMatchHardConstraintsThroughIndex: with the Bleve pre-filters and the
// ranking together, no candidate that violates a hard constraint is ever shown.
func TestMatchHardConstraintsThroughIndex(t *testing.T) {
	ps := genProfiles(600, 4)
	ix, src, _ := build(t, ps)
	// Archive a few investors and mentors through the writer path.
	archived := map[string]bool{}
	for _, p := range ps {
		if (p.Kind == profile.Investor || p.Kind == profile.Mentor) && len(archived) < 20 {
			q := *p
			q.Archived = true
			if err := ix.Apply(src.write(&q)); err != nil {
				t.Fatal(err)
			}
			archived[p.ID] = true
		}
	}
	accepted := fixedCounts{}
	for _, p := range ps {
		if p.Kind == profile.Mentor && p.Capacity > 0 && len(accepted) < 30 {
			accepted[p.ID] = p.Capacity // full
		}
	}
	byID := map[string]*profile.Profile{}
	for _, p := range ps {
		byID[p.ID] = p
	}
	checked := 0
	for _, s := range ps {
		if s.Kind != profile.Startup || checked > 60 {
			continue
		}
		checked++
		for _, k := range []profile.Kind{profile.Investor, profile.Mentor} {
			items, err := ix.Match(context.Background(), s, k, MatchOptions{Limit: 100, Accepted: accepted})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				o := byID[it.ID]
				if why := violation(s, o, accepted); why != "" || archived[o.ID] || o.ID == s.ID {
					t.Errorf("%s was shown %s %s: %s (archived %v)", s.ID, k, o.ID, why, archived[o.ID])
				}
			}
		}
	}
	// And the investor side: deal flow only lists startups it can fund.
	for _, inv := range ps {
		if inv.Kind != profile.Investor || archived[inv.ID] {
			continue
		}
		items, err := ix.Match(context.Background(), inv, profile.Startup, MatchOptions{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if why := violation(byID[it.ID], inv, nil); why != "" {
				t.Errorf("investor %s was shown startup %s: %s", inv.ID, it.ID, why)
			}
		}
	}
}

type fixedCounts map[string]int

func (f fixedCounts) AcceptedMentoring(ctx context.Context, ids []string) (map[string]int, error) {
	out := map[string]int{}
	for _, id := range ids {
		out[id] = f[id]
	}
	return out, nil
}

// violation restates the hard constraints independently of match.Exclude.
func violation(s, o *profile.Profile, accepted map[string]int) string {
	switch o.Kind {
	case profile.Investor:
		need := s.Needs.FundingWan
		if need > 0 && (need < o.TicketMinWan || o.TicketMaxWan > 0 && need > o.TicketMaxWan) {
			return "ticket"
		}
		if len(s.Needs.FundingKinds) > 0 && len(o.Instruments) > 0 {
			ok := false
			for _, k := range s.Needs.FundingKinds {
				ok = ok || contains(o.Instruments, k)
			}
			if !ok {
				return "instrument"
			}
		}
		if s.Stage != "" && len(o.Stages) > 0 && !contains(o.Stages, s.Stage) {
			return "stage"
		}
		if len(o.Regions) > 0 && !contains(o.Regions, s.District) {
			return "region"
		}
	case profile.Mentor:
		if accepted[o.ID] >= o.Capacity {
			return "capacity"
		}
	}
	return ""
}

func TestMatchInputErrors(t *testing.T) {
	ps := loadDataset(t)
	ix, _, _ := build(t, ps)
	s := ps[0]
	for _, tt := range []struct {
		target profile.Kind
		o      MatchOptions
		field  string
	}{
		{profile.Startup, MatchOptions{}, "target"},
		{"robot", MatchOptions{}, "target"},
		{profile.Investor, MatchOptions{Limit: 101}, "limit"},
	} {
		_, err := ix.Match(context.Background(), s, tt.target, tt.o)
		if e, ok := profile.AsError(err); !ok || e.Field != tt.field || !errors.Is(err, profile.ErrInvalid) {
			t.Errorf("Match(%s, %+v) err = %v; want invalid %s", tt.target, tt.o, err, tt.field)
		}
	}
}

// TestMentorNotFlooded: a mentor with one free place is the top match of one
// startup at a time, however many startups would rank them first.
func TestMentorNotFlooded(t *testing.T) {
	var ps []*profile.Profile
	ps = append(ps, &profile.Profile{ID: "star", Kind: profile.Mentor, Name: "明星导师", Chains: []string{"ic"},
		Topics: []string{"融资规划"}, Capacity: 1, District: "tinghu"})
	for i := 0; i < 4; i++ {
		ps = append(ps, &profile.Profile{ID: fmt.Sprintf("m%d", i), Kind: profile.Mentor, Name: "导师", Capacity: 5,
			Chains: []string{"ic"}})
	}
	for i := 0; i < 5; i++ {
		ps = append(ps, &profile.Profile{ID: fmt.Sprintf("s%d", i), Kind: profile.Startup, Name: "芯片企业",
			Chains: []string{"ic"}, District: "tinghu", Needs: &profile.Needs{Mentoring: []string{"融资规划"}}})
	}
	ix, _, _ := build(t, ps)
	top := 0
	for _, s := range ps[5:] {
		items, err := ix.Match(context.Background(), s, profile.Mentor, MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if pos := indexOf(ids(items), "star"); pos >= 0 && pos < match.TopN {
			top++
		} else if pos < 0 {
			t.Errorf("%s: star missing entirely from %v; it should only move down", s.ID, ids(items))
		}
	}
	if top != 1 {
		t.Errorf("star was a top-%d match of %d startups; its free capacity is 1", match.TopN, top)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestRebuildGivesIdenticalResults: delete the index directory, restart, and
// the rebuilt index answers exactly as before; a restart with the index intact
// is ready at once.
func TestRebuildGivesIdenticalResults(t *testing.T) {
	ps := loadDataset(t)
	ix, src, dir := build(t, ps)
	before := computeGolden(t, ix, ps)
	ix.Close()

	reopened, err := Open(dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := reopened.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !reopened.Ready() || reopened.NeedsRebuild() {
		t.Errorf("intact index: ready %v, needs rebuild %v", reopened.Ready(), reopened.NeedsRebuild())
	}
	if diff := cmp.Diff(computeGolden(t, reopened, ps), before); diff != "" {
		t.Errorf("results differ after reopening (-reopened +before):\n%s", diff)
	}
	reopened.Close()

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ix2, err := Open(dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if ix2.Ready() || !ix2.NeedsRebuild() {
		t.Fatalf("missing index: ready %v, needs rebuild %v; want not ready", ix2.Ready(), ix2.NeedsRebuild())
	}
	if err := ix2.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if !ix2.Ready() {
		t.Error("not ready after rebuild")
	}
	after := computeGolden(t, ix2, ps)
	if diff := cmp.Diff(after, before); diff != "" {
		t.Errorf("results differ after rebuild (-after +before):\n%s", diff)
	}
}

// TestOpenLoadsInBackground: reopening an intact index returns before its
// memory copy is loaded, refuses searches and matches until then rather than
// answering from an empty copy, and keeps the writes applied meanwhile.
func TestOpenLoadsInBackground(t *testing.T) {
	ps := loadDataset(t)
	ix, src, dir := build(t, ps)
	ix.Close()

	opts := testOptions(t)
	inWindow, release := make(chan struct{}), make(chan struct{})
	opts.beforeLoadSwap = func() {
		close(inWindow)
		<-release
	}
	re, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	<-inWindow
	if re.Ready() {
		t.Error("ready before the memory copy is loaded")
	}
	if _, err := re.Search(context.Background(), SearchRequest{Q: "电池"}); !errors.Is(err, profile.ErrUnavailable) {
		t.Errorf("search while loading: %v, want ErrUnavailable", err)
	}
	// Writes in the window between the last page read and the swap: a new
	// profile, a changed one, an archived one.
	added := src.write(&profile.Profile{ID: "loading-new", Kind: profile.Startup, Name: "射阳钠电科技", Summary: "钠离子电池正极材料"})
	changed := *ps[0]
	changed.Name, changed.Summary = "东台氢燃料装备", "碱性电解槽制氢装备"
	archived := *ps[1]
	archived.Archived = true
	for _, p := range []*profile.Profile{added, src.write(&changed), src.write(&archived)} {
		if err := re.Apply(p); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	if err := re.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !re.Ready() {
		t.Fatal("not ready after the load")
	}
	if got := hitIDs(search(t, re, SearchRequest{Q: "钠离子"})); !contains(got, "loading-new") {
		t.Errorf("profile added while loading not found: %v", got)
	}
	if got := hitIDs(search(t, re, SearchRequest{Q: "东台氢燃料装备", Limit: 100})); !contains(got, changed.ID) {
		t.Errorf("profile changed while loading not found by its new name: %v", got)
	}
	// Filter-only searches and facets come from the memory copy alone.
	res := search(t, re, SearchRequest{Kind: archived.Kind, Limit: 100})
	if contains(hitIDs(res), archived.ID) {
		t.Errorf("profile archived while loading still listed: %v", hitIDs(res))
	}
	var want uint64
	for _, p := range ps[2:] {
		if p.Kind == archived.Kind && !p.Archived {
			want++
		}
	}
	if archived.Kind == profile.Startup {
		want++ // loading-new
	}
	if changed.Kind == archived.Kind && !ps[0].Archived {
		want++
	}
	if res.Total != want {
		t.Errorf("total of kind %s after loading: %d, want %d", archived.Kind, res.Total, want)
	}
}

func TestOpenMovesBrokenIndexAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Ready() || !ix.NeedsRebuild() {
		t.Errorf("broken index: ready %v, needs rebuild %v", ix.Ready(), ix.NeedsRebuild())
	}
	aside, _ := filepath.Glob(dir + ".broken-*")
	if len(aside) != 1 {
		t.Errorf("broken index not moved aside: %v", aside)
	}
}

// TestOpenMovesTruncatedRootAside: a root file cut after its two meta pages
// (a disk or a copy that lost the tail) once crashed the process with SIGBUS
// inside bbolt; Open moves it aside and asks for a rebuild instead, and a
// truncated segment does the same.
func TestOpenMovesTruncatedRootAside(t *testing.T) {
	ps := loadDataset(t)
	for _, c := range []struct {
		name string
		file func(dir string) string
		size func(int64) int64
	}{
		{"root cut after its meta pages", func(dir string) string { return filepath.Join(dir, "store", "root.bolt") },
			func(int64) int64 { return 2 * int64(os.Getpagesize()) }},
		{"segment cut to a third", func(dir string) string {
			zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(zaps) == 0 {
				t.Fatal("no segment")
			}
			return zaps[len(zaps)-1]
		}, func(n int64) int64 { return n / 3 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ix, _, dir := build(t, ps)
			ix.Close()
			path := c.file(dir)
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, c.size(fi.Size())); err != nil {
				t.Fatal(err)
			}
			re, err := Open(dir, testOptions(t))
			if err != nil {
				t.Fatal(err)
			}
			defer re.Close()
			if re.Ready() || !re.NeedsRebuild() {
				t.Errorf("truncated index: ready %v, needs rebuild %v", re.Ready(), re.NeedsRebuild())
			}
			if n, err := re.Count(); err != nil || n != 0 {
				t.Errorf("the replacement index holds %d documents (%v), want an empty one", n, err)
			}
		})
	}
}

// TestApplyShowsOwnWriteAndIgnoresOlder: the writer's own change is searchable
// as soon as Apply returns, and a late, older change cannot overwrite it.
func TestApplyShowsOwnWriteAndIgnoresOlder(t *testing.T) {
	ix, src, _ := build(t, loadDataset(t))
	p := &profile.Profile{ID: "new", Kind: profile.Startup, Name: "射阳钠电科技", Summary: "钠离子电池正极材料"}
	old := src.write(p)
	p2 := *p
	p2.Summary = "固态电池电解质"
	newer := src.write(&p2)
	if err := ix.Apply(newer); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(old); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(search(t, ix, SearchRequest{Q: "固态电池"})); !contains(got, "new") {
		t.Errorf("own write not visible: %v", got)
	}
	if got := hitIDs(search(t, ix, SearchRequest{Q: "钠离子"})); contains(got, "new") {
		t.Errorf("older change overwrote the newer one: %v", got)
	}
	arch := p2
	arch.Archived = true
	if err := ix.Apply(src.write(&arch)); err != nil {
		t.Fatal(err)
	}
	if got := hitIDs(search(t, ix, SearchRequest{Q: "固态电池"})); contains(got, "new") {
		t.Errorf("archived profile still found: %v", got)
	}
}

func TestReconcileRepairsDrift(t *testing.T) {
	for _, versions := range []bool{false, true} {
		t.Run(fmt.Sprintf("versions=%v", versions), func(t *testing.T) { testReconcileRepairsDrift(t, versions) })
	}
}

// testReconcileRepairsDrift runs TestReconcileRepairsDrift on a source that
// lists versions (reconciliation then reads whole only what differs) or not.
func testReconcileRepairsDrift(t *testing.T, versions bool) {
	ps := loadDataset(t)
	ix, msrc, _ := build(t, ps)
	src := msrc
	var source Source = msrc
	if versions {
		// ps[3] is listed but gone when read: the index drops it.
		source = versionSource{msrc, []string{ps[3].ID}}
		msrc.drop(ps[3].ID)
	}
	// The memory copy's sequences are Bleve's.
	fromBleve, err := ix.bleveSeqs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fromMemory, _ := ix.indexedSeqs(context.Background())
	if diff := cmp.Diff(fromBleve, fromMemory); diff != "" || len(fromBleve) == 0 {
		t.Errorf("indexed sequences, Bleve (-) against the memory copy (+):\n%s", diff)
	}
	// Changes the index never heard of: an edit, a new profile, an archive, and a
	// document removed from the database outright.
	edit := *ps[0]
	edit.Summary = "改做钙钛矿叠层电池"
	src.write(&edit)
	src.write(&profile.Profile{ID: "fresh", Kind: profile.Mentor, Name: "新导师", Summary: "钙钛矿专家", Capacity: 1})
	arch := *ps[1]
	arch.Archived = true
	src.write(&arch)
	src.drop(ps[2].ID)

	gets := src.getCalls.Load()
	st, err := ix.Reconcile(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	want := ReconcileStats{Indexed: 2, Deleted: 2}
	if versions {
		want.Deleted++
	}
	if diff := cmp.Diff(st, want); diff != "" {
		t.Errorf("stats (-got +want):\n%s", diff)
	}
	// With versions, only the edited, new and archived profiles (and the
	// ghost, which is not found) are read whole.
	if got := src.getCalls.Load() - gets; versions && got != 4 {
		t.Errorf("reconciliation read %d profiles whole, want 4", got)
	}
	got := hitIDs(search(t, ix, SearchRequest{Q: "钙钛矿"}))
	if diff := cmp.Diff(got, []string{"fresh", ps[0].ID}); diff != "" && diff != cmp.Diff(got, []string{ps[0].ID, "fresh"}) {
		t.Errorf("after reconcile, 钙钛矿 finds %v", got)
	}
	all := hitIDs(search(t, ix, SearchRequest{Limit: 100}))
	if contains(all, ps[1].ID) || contains(all, ps[2].ID) || versions && contains(all, ps[3].ID) {
		t.Errorf("archived or dropped profile still indexed: %v", all)
	}
	// A second pass finds nothing to do.
	if st, _ := ix.Reconcile(context.Background(), source); st != (ReconcileStats{}) {
		t.Errorf("second reconcile repaired %+v", st)
	}
}

// TestFollowerWaitsForWriterInFlight: writer A takes seq 1 and stalls; writer B
// takes seq 2 and finishes. The follower must not move past 1 (that would skip
// A's change for good); once A finishes, both are applied.
func TestFollowerWaitsForWriterInFlight(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	src := newMemSource()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	var w waiter

	a := src.reserve()
	src.write(&profile.Profile{ID: "b", Kind: profile.Startup, Name: "乙公司"})
	if err := ix.poll(ctx, src, &w); err != nil {
		t.Fatal(err)
	}
	if ix.Cursor() != 0 {
		t.Fatalf("cursor %d moved past the writer in flight at seq 1", ix.Cursor())
	}
	now = now.Add(5 * time.Second) // within the grace period
	ix.poll(ctx, src, &w)
	if ix.Cursor() != 0 {
		t.Fatalf("cursor %d gave up on seq 1 before the grace period", ix.Cursor())
	}
	src.commit(a, &profile.Profile{ID: "a", Kind: profile.Startup, Name: "甲公司"})
	ix.poll(ctx, src, &w)
	if ix.Cursor() != 2 {
		t.Fatalf("cursor %d, want 2", ix.Cursor())
	}
	got := hitIDs(search(t, ix, SearchRequest{Limit: 10}))
	if diff := cmp.Diff(got, []string{"a", "b"}); diff != "" {
		t.Errorf("indexed (-got +want):\n%s", diff)
	}
	if ix.Skipped() != 0 {
		t.Errorf("skipped %d", ix.Skipped())
	}
}

// TestFollowerGivesUpAfterGrace: a writer that died after taking its sequence
// holds the follower back only for the grace period.
func TestFollowerGivesUpAfterGrace(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	src := newMemSource()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{Now: func() time.Time { return now }, Grace: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var w waiter
	src.reserve() // dies
	src.write(&profile.Profile{ID: "b", Kind: profile.Startup, Name: "乙公司"})
	ix.poll(context.Background(), src, &w)
	now = now.Add(11 * time.Second)
	ix.poll(context.Background(), src, &w)
	if ix.Cursor() != 2 || ix.Skipped() != 1 {
		t.Errorf("cursor %d skipped %d; want 2 and 1", ix.Cursor(), ix.Skipped())
	}
	if got := hitIDs(search(t, ix, SearchRequest{})); !contains(got, "b") {
		t.Errorf("b not applied: %v", got)
	}
}

// TestFollowerPassesOwnWrites: a change this process applied itself (the
// write's own Apply) is passed without reading its change document back; one
// another process wrote is read and applied. Without a follower running,
// nothing is noted (the notes would only pile up).
func TestFollowerPassesOwnWrites(t *testing.T) {
	src := newMemSource()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(src.write(&profile.Profile{ID: "z", Kind: profile.Startup, Name: "丙公司"})); err != nil {
		t.Fatal(err)
	}
	if len(ix.local) != 0 {
		t.Fatalf("noted %d writes with no follower running", len(ix.local))
	}
	ix.following.Add(1) // as Follow does
	if err := ix.Apply(src.write(&profile.Profile{ID: "a", Kind: profile.Startup, Name: "甲公司"})); err != nil {
		t.Fatal(err)
	}
	src.write(&profile.Profile{ID: "b", Kind: profile.Startup, Name: "乙公司"}) // another replica's
	var w waiter
	if err := ix.poll(context.Background(), src, &w); err != nil {
		t.Fatal(err)
	}
	if ix.Cursor() != 3 {
		t.Fatalf("cursor %d, want 3", ix.Cursor())
	}
	if n := src.changeCalls.Load(); n != 2 {
		t.Errorf("read %d change documents, want 2 (seq 1, written with no follower, and seq 3, another's)", n)
	}
	got := hitIDs(search(t, ix, SearchRequest{Limit: 10}))
	if diff := cmp.Diff(got, []string{"a", "b", "z"}); diff != "" {
		t.Errorf("indexed (-got +want):\n%s", diff)
	}
	if len(ix.local) != 0 {
		t.Errorf("%d notes left after the follower passed them: %v", len(ix.local), ix.local)
	}
}

// TestFollowerRace: many writers race for sequence numbers and finish in any
// order while the follower runs. Every final version must reach the index; a
// follower that skipped a sequence whose writer was slow would miss it (no
// reconciliation runs here to hide the bug).
func TestFollowerRace(t *testing.T) {
	src := newMemSource()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{PollInterval: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Follow(ctx, src) }()

	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				seq := src.reserve()
				// Stall between taking the sequence and writing the change, longer
				// than a poll, so later sequences land first.
				time.Sleep(time.Duration((w*7+i*3)%5) * 3 * time.Millisecond)
				src.commit(seq, &profile.Profile{ID: fmt.Sprintf("w%d-%d", w, i), Kind: profile.Startup,
					Name: fmt.Sprintf("企业%d-%d", w, i), Summary: fmt.Sprintf("版本%d", i)})
			}
		}(w)
	}
	wg.Wait()
	last, _ := src.LastSeq(ctx)
	// The deadline only bounds a follower that never catches up: under -race on
	// a loaded 2-core machine 200 applies took longer than 5 s once (CI).
	deadline := time.Now().Add(60 * time.Second)
	for ix.Cursor() < last && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if ix.Cursor() != last || ix.Skipped() != 0 {
		t.Fatalf("cursor %d of %d, skipped %d", ix.Cursor(), last, ix.Skipped())
	}
	have, err := ix.indexedSeqs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	src.EachProfile(context.Background(), func(p *profile.Profile) error { want[p.ID] = p.Seq; return nil })
	if diff := cmp.Diff(have, want); diff != "" {
		t.Errorf("index differs from the database (-index +db):\n%s", diff)
	}
}

// TestPollCostDoesNotGrow: a poll reads the counter and each new change by its
// sequence, nothing else, however many profiles there are.
func TestPollCostDoesNotGrow(t *testing.T) {
	ix, src, _ := build(t, genProfiles(500, 3))
	last, _ := src.LastSeq(context.Background())
	ix.SetCursor(last)
	src.lastCalls.Store(0)
	src.changeCalls.Store(0)
	src.getCalls.Store(0)
	src.eachCalls.Store(0)
	var w waiter
	ix.poll(context.Background(), src, &w) // idle
	src.write(&profile.Profile{ID: "x", Kind: profile.Startup, Name: "新企业"})
	ix.poll(context.Background(), src, &w) // one change
	got := []int64{src.lastCalls.Load(), src.changeCalls.Load(), src.getCalls.Load(), src.eachCalls.Load()}
	if diff := cmp.Diff(got, []int64{2, 1, 1, 0}); diff != "" {
		t.Errorf("calls [LastSeq ChangeAt GetProfile EachProfile] (-got +want):\n%s", diff)
	}
}

// TestRunRebuildsMissingIndexThenFollows: the start-up path the server uses.
func TestRunRebuildsMissingIndexThenFollows(t *testing.T) {
	src := newMemSource()
	for _, p := range loadDataset(t) {
		src.write(p)
	}
	ix, err := Open(filepath.Join(t.TempDir(), "index"), Options{PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx, src) }()
	deadline := time.Now().Add(5 * time.Second)
	for !ix.Ready() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !ix.Ready() {
		t.Fatal("never ready")
	}
	src.write(&profile.Profile{ID: "later", Kind: profile.Provider, Name: "后来的律所", Type: "law"})
	for time.Now().Before(deadline) {
		if contains(hitIDs(search(t, ix, SearchRequest{Q: "律所"})), "later") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !contains(hitIDs(search(t, ix, SearchRequest{Q: "律所"})), "later") {
		t.Error("follower did not apply a change made after start")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}

// bleveBatches is how many batches Bleve has taken since the index opened.
func bleveBatches(t *testing.T, ix *Index) uint64 { return bleveStat(t, ix, "TotBatches") }

// bleveStat is one of the counters of Bleve's index statistics (scorch's
// Stats, by field name) since the index opened.
func bleveStat(t *testing.T, ix *Index, name string) uint64 {
	t.Helper()
	var n uint64
	if err := ix.reader(func(bi bleve.Index) error {
		idx, _ := bi.StatsMap()["index"].(map[string]any)
		n, _ = idx[name].(uint64)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFollowerCatchesUpInBatches: a follower behind by hundreds of changes
// another process made (new profiles, one edited twice, one removed from the
// database between them) applies them in a few Bleve batches, not one per
// change, and ends where one at a time would: every change in, the removed
// one out, the edit's last version searchable.
func TestFollowerCatchesUpInBatches(t *testing.T) {
	src := newMemSource()
	ix := openTemp(t)
	ps := genProfiles(600, 7)
	for i, p := range ps {
		src.write(p)
		switch i {
		case 100:
			edit := *ps[50]
			edit.Summary = "先改做钙钛矿"
			src.write(&edit)
		case 300:
			src.drop(ps[200].ID) // its change is logged; the document is gone
			src.write(&profile.Profile{ID: ps[200].ID, Kind: ps[200].Kind, Name: "x"})
			src.drop(ps[200].ID)
		case 400:
			edit := *ps[50]
			edit.Summary = "再改做固态电池隔膜"
			src.write(&edit)
		}
	}
	before := bleveBatches(t, ix)
	var w waiter
	if err := ix.poll(context.Background(), src, &w); err != nil {
		t.Fatal(err)
	}
	if last, _ := src.LastSeq(context.Background()); ix.Cursor() != last {
		t.Fatalf("cursor %d, want %d", ix.Cursor(), last)
	}
	// 599 profiles at most followBatch a batch, split at each of the two
	// removals, and the removals' own two: 13 at 64 a batch. One a change
	// would be 603.
	if n := bleveBatches(t, ix) - before; n > 20 {
		t.Errorf("%d Bleve batches for 603 changes, want 20 at most", n)
	}
	if n, err := ix.Count(); err != nil || n != 599 {
		t.Errorf("%d indexed (%v), want 599", n, err)
	}
	seqOf := func(id string) (seq int64, ok bool) {
		ix.memory(func(m *memIndex) {
			if s, found := m.slot[id]; found && m.recs[s] != nil {
				seq, ok = m.recs[s].p.Seq, true
			}
		})
		return seq, ok
	}
	if _, ok := seqOf(ps[200].ID); ok {
		t.Errorf("the profile removed from the database is still indexed")
	}
	if seq, ok := seqOf(ps[50].ID); !ok || seq != 404 {
		t.Errorf("the twice-edited profile is at %d (%v), want its last change, 404", seq, ok)
	}
	if got := hitIDs(search(t, ix, SearchRequest{Q: "固态电池隔膜"})); !contains(got, ps[50].ID) {
		t.Errorf("the second edit is not searchable: %v", got)
	}
	if got := hitIDs(search(t, ix, SearchRequest{Q: "钙钛矿"})); contains(got, ps[50].ID) {
		t.Errorf("the first edit is still searchable")
	}
	if len(ix.local) != 0 {
		t.Errorf("%d notes left after the follower applied them", len(ix.local))
	}
}
