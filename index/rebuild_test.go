package index

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

// sequentialMem is the memory copy a one-by-one rebuild makes: every live
// profile of src, in cursor order, put as Apply puts it.
func sequentialMem(t *testing.T, ix *Index, src Source) *memIndex {
	t.Helper()
	mem := newMemIndex(ix.lex, ix.analyzer)
	err := src.EachProfile(context.Background(), func(p *profile.Profile) error {
		if p.Archived {
			return nil
		}
		_, rec, err := document(p, ix.lex)
		if err != nil {
			return err
		}
		mem.put(newRecord(rec.p, ix.lex))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return mem
}

// sameMem reports the first difference between two memory copies: records by
// slot (id and public view), the slot map, every keyword bitset and every
// posting list.
func sameMem(a, b *memIndex) error {
	if len(a.recs) != len(b.recs) {
		return fmt.Errorf("records: %d and %d", len(a.recs), len(b.recs))
	}
	for i := range a.recs {
		ra, rb := a.recs[i], b.recs[i]
		if (ra == nil) != (rb == nil) {
			return fmt.Errorf("slot %d: one is empty", i)
		}
		if ra == nil {
			continue
		}
		ja, _ := publicJSON(ra.p)
		jb, _ := publicJSON(rb.p)
		if ra.id != rb.id || ja != jb || ra.p.Seq != rb.p.Seq {
			return fmt.Errorf("slot %d: %s and %s differ", i, ra.id, rb.id)
		}
		// The readings, as a start stores and restores them (every set
		// and evidence, the space need).
		if a.lex != nil && b.lex != nil && !bytes.Equal(a.lex.AppendReading(nil, ra.prep), b.lex.AppendReading(nil, rb.prep)) {
			return fmt.Errorf("slot %d: %s: the readings differ", i, ra.id)
		}
	}
	if len(a.slot) != len(b.slot) || a.dead != b.dead || !slices.Equal(a.live, b.live) {
		return fmt.Errorf("slots: %d/%d live, %d/%d dead", len(a.slot), len(b.slot), a.dead, b.dead)
	}
	for id, s := range a.slot {
		if b.slot[id] != s {
			return fmt.Errorf("%s: slot %d and %d", id, s, b.slot[id])
		}
	}
	for f, vs := range a.kw {
		if len(vs) != len(b.kw[f]) {
			return fmt.Errorf("field %s: %d and %d values", f, len(vs), len(b.kw[f]))
		}
		for v, bs := range vs {
			if !slices.Equal(bs, b.kw[f][v]) {
				return fmt.Errorf("field %s value %s: bitsets differ", f, v)
			}
		}
	}
	if len(a.postings) != len(b.postings) {
		return fmt.Errorf("postings: %d and %d terms", len(a.postings), len(b.postings))
	}
	for k, l := range a.postings {
		if !slices.Equal(l, b.postings[k]) {
			return fmt.Errorf("term %q: postings differ", k)
		}
	}
	return nil
}

// sourceOf is a source of n generated profiles.
func sourceOf(n int, seed uint64) *memSource {
	src := newMemSource()
	for _, p := range genProfiles(n, seed) {
		src.write(p)
	}
	return src
}

// openTemp opens an index in a directory of the test's, closed when the test
// ends.
func openTemp(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// smallRebuildSteps makes a rebuild of a few hundred profiles cross many
// chunks and Bleve batches, for the length of the test.
func smallRebuildSteps(t *testing.T) {
	chunk, batch := rebuildChunk, rebuildBatch
	rebuildChunk, rebuildBatch = 7, 50
	t.Cleanup(func() { rebuildChunk, rebuildBatch = chunk, batch })
}

// TestRebuildPipelineKeepsOrder: the pipelined rebuild (chunks derived on
// every core, Bleve batches written beside them) makes the same memory copy as
// putting each profile in cursor order, and indexes every live profile in
// Bleve; after more writes, a load of the index (from its segments, and by
// paging) makes the copy that putting the final profiles in id order makes.
func TestRebuildPipelineKeepsOrder(t *testing.T) {
	smallRebuildSteps(t)
	src := newMemSource()
	for i, p := range genProfiles(400, 7) {
		if i%9 == 0 {
			p.Archived = true
		}
		src.write(p)
	}
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	want := sequentialMem(t, ix, src)
	if len(want.slot) < 300 {
		t.Fatalf("only %d live profiles", len(want.slot))
	}
	ix.memory(func(m *memIndex) {
		if err := sameMem(m, want); err != nil {
			t.Errorf("rebuilt copy: %v", err)
		}
	})
	if n, err := ix.Count(); err != nil || n != uint64(len(want.slot)) {
		t.Errorf("Bleve holds %d documents (%v), want %d", n, err, len(want.slot))
	}
	if len(ix.seqs) != 400 {
		t.Errorf("sequences of %d profiles, want 400 (archived included)", len(ix.seqs))
	}
	// Writes after the rebuild leave deleted documents in the old segments
	// and new versions in newer ones.
	for i, p := range genProfiles(400, 7) {
		if i%13 != 1 {
			continue
		}
		q, err := src.GetProfile(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		q.Summary += " 新增氢能检测业务"
		q.Tags = append(q.Tags, "燃料电池")
		q.Archived = i%26 == 1
		if err := ix.Apply(src.write(q)); err != nil {
			t.Fatal(err)
		}
	}
	want = sequentialMem(t, ix, src)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// The load reads in id order, which is the memSource cursor's order too,
	// from the segments and, for an index that is not scorch's, by paging.
	for _, paged := range []bool{false, true} {
		forcePagedLoad = paged
		ix, err = Open(dir, testOptions(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.WaitReady(context.Background()); err != nil {
			t.Fatal(err)
		}
		ix.memory(func(m *memIndex) {
			if err := sameMem(m, want); err != nil {
				t.Errorf("loaded copy (paged %v): %v", paged, err)
			}
		})
		// Every reading was restored from the index, none read again.
		if ls := ix.LoadStats(); ls.Restored != int64(len(want.slot)) || ls.Reread != 0 {
			t.Errorf("paged %v: %d readings restored and %d read again, want %d and 0", paged, ls.Restored, ls.Reread, len(want.slot))
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
	forcePagedLoad = false
}

// TestRebuildMergesToOneSegment: a rebuild written in many batches (here
// eight) serves from one segment, and its searches find and score as the
// unmerged index does.
func TestRebuildMergesToOneSegment(t *testing.T) {
	smallRebuildSteps(t)
	src := sourceOf(400, 11)
	ix := openTemp(t)
	segments := func() (n int) {
		ix.reader(func(bi bleve.Index) error { n = fileSegments(bi); return nil })
		return n
	}
	search := func() []*SearchResult {
		var out []*SearchResult
		for _, r := range []SearchRequest{{Q: "氢能"}, {Q: "芯片", Kind: profile.Startup}, {Q: "检测 燃料电池"}} {
			res, err := ix.Search(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n != 1 {
		t.Fatalf("the rebuilt index has %d segments, want 1", n)
	}
	merged := search()
	if merged[0].Total == 0 {
		t.Fatal("氢能 finds nothing: the comparison below would show nothing")
	}

	// The same profiles indexed without the merge: the same hits and scores.
	mergeSegments = false
	defer func() { mergeSegments = true }()
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n < 2 {
		t.Fatalf("without the merge the index has %d segments: the comparison shows nothing", n)
	}
	if diff := cmp.Diff(search(), merged); diff != "" {
		t.Errorf("the merged index answers differently (-unmerged +merged):\n%s", diff)
	}
}

type failingSource struct {
	*memSource
	n int
}

var errCursor = errors.New("cursor lost")

func (f failingSource) EachProfile(ctx context.Context, fn func(*profile.Profile) error) error {
	i := 0
	return f.memSource.EachProfile(ctx, func(p *profile.Profile) error {
		if i++; i > f.n {
			return errCursor
		}
		return fn(p)
	})
}

// TestRebuildPipelineFails: a cursor that fails part-way, or a profile that
// cannot be indexed, fails the rebuild with that error and leaves the index
// as it was (still needing a rebuild), with nothing hanging.
func TestRebuildPipelineFails(t *testing.T) {
	smallRebuildSteps(t)
	src := sourceOf(200, 3)
	ix := openTemp(t)
	if err := ix.Rebuild(context.Background(), failingSource{src, 120}); !errors.Is(err, errCursor) {
		t.Fatalf("rebuild with a failing cursor: %v, want %v", err, errCursor)
	}
	if !ix.NeedsRebuild() || ix.Ready() {
		t.Fatalf("after a failed rebuild: needs rebuild %v, ready %v", ix.NeedsRebuild(), ix.Ready())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ix.Rebuild(ctx, src); !errors.Is(err, context.Canceled) {
		t.Fatalf("rebuild with an ended context: %v", err)
	}
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 200 || !ix.Ready() {
		t.Fatalf("after the rebuild: %d documents, ready %v", n, ix.Ready())
	}
}

// TestPublicJSONFastPath: dropping the empty owner id from the view's bytes
// gives exactly what decoding and encoding the view again gives, for the
// generated profiles, the test dataset, and text with quotes, the owner key
// itself, HTML and line separators in it.
func TestPublicJSONFastPath(t *testing.T) {
	ps := append(genProfiles(300, 11), loadDataset(t)...)
	odd := *ps[0]
	odd.ID = "odd"
	odd.Name = `a,"owner_id":"" <b>&amp; "contact": x\` + "\u2028\u2029 盐城"
	odd.Summary = `{"owner_id":"","contact":{}} \"quoted\"`
	odd.Tags = []string{`,"owner_id":""`, "<script>"}
	odd.OwnerID = "u-1"
	ps = append(ps, &odd)
	fast := 0
	for _, p := range ps {
		q := *p
		q.Contact = profile.Contact{}
		q.OwnerID = ""
		raw, err := q.View(false)
		if err != nil {
			t.Fatal(err)
		}
		want, err := publicJSONSlow(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := publicJSON(p)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%s: publicJSON\n%s\nwant\n%s", p.ID, got, want)
		}
		if _, ok := dropEmptyOwner(raw); ok {
			fast++
		}
	}
	if fast < len(ps)-1 {
		t.Errorf("the fast path served %d of %d profiles", fast, len(ps))
	}
}

// TestReopenWithOtherChainsReadsAgain: readings stored by an index are of the
// chain list it was opened with. Reopened with another (a synonym added), the
// load reads every profile again, and a profile tagged with the new synonym
// is in its chain; restored, it would not be.
func TestReopenWithOtherChainsReadsAgain(t *testing.T) {
	src := newMemSource()
	for _, p := range genProfiles(60, 3) {
		src.write(p)
	}
	const word = "氢能重卡换电"
	tagged := &profile.Profile{ID: "tagged-new-word", Kind: profile.Startup, Name: "新词科技", Tags: []string{word}, Summary: "做" + word + "服务"}
	src.write(tagged)
	dir := filepath.Join(t.TempDir(), "ix")
	opts := testOptions(t)
	ix, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	chain := opts.Chains[0].Code
	inChain := func(ix *Index) (in bool) {
		ix.memory(func(m *memIndex) {
			s, ok := m.slot[tagged.ID]
			in = ok && m.recs[s].prep.Reading().Chains.Has(chain)
		})
		return in
	}
	if inChain(ix) {
		t.Fatalf("%q is in %s before the synonym is added", word, chain)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	other := testOptions(t)
	other.Chains[0].Synonyms = append(other.Chains[0].Synonyms, word)
	ix, err = Open(dir, other)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ls := ix.LoadStats(); ls.Restored != 0 || ls.Reread != 61 {
		t.Errorf("%d readings restored and %d read again, want 0 and 61", ls.Restored, ls.Reread)
	}
	if !inChain(ix) {
		t.Errorf("reopened with %q a synonym of %s, the profile tagged with it is not in the chain", word, chain)
	}
}
