package index

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

// TestCompactsAfterManyWrites: profiles written in many small batches (each a
// segment of its own) are merged into one segment once the writes pause, and
// the searches then find and score as before; fewer writes than the threshold
// leave the segments alone.
func TestCompactsAfterManyWrites(t *testing.T) {
	after, quiet := compactAfter, compactQuiet
	compactAfter, compactQuiet = 120, 50*time.Millisecond
	t.Cleanup(func() { compactAfter, compactQuiet = after, quiet })

	src := newMemSource()
	ps := genProfiles(400, 13)
	for _, p := range ps[:100] {
		src.write(p)
	}
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	segments := func() (n int) {
		ix.reader(func(bi bleve.Index) error { n = fileSegments(bi); return nil })
		return n
	}
	merges := func() int {
		ix.compact.mu.Lock()
		defer ix.compact.mu.Unlock()
		return ix.compact.merges
	}
	write := func(batch []*profile.Profile) {
		for i := 0; i < len(batch); i += 10 {
			var chunk []*profile.Profile
			for _, p := range batch[i:min(i+10, len(batch))] {
				chunk = append(chunk, src.write(p))
			}
			if err := ix.ApplyAll(chunk); err != nil {
				t.Fatal(err)
			}
		}
	}
	search := func() []*SearchResult {
		var out []*SearchResult
		for _, r := range []SearchRequest{{Q: "氢能"}, {Q: "芯片", Kind: profile.Startup}, {Q: "检测 燃料电池"}, {Kind: profile.Mentor}} {
			res, err := ix.Search(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}

	// 100 writes: under the threshold.
	write(ps[100:200])
	time.Sleep(10 * compactQuiet)
	if m := merges(); m != 0 {
		t.Fatalf("%d merges after 100 writes, want none", m)
	}
	// 200 more: past it.
	write(ps[200:400])
	if n := segments(); n < 2 {
		t.Fatalf("%d segments before the merge: the test shows nothing", n)
	}
	before := search()
	if before[0].Total == 0 || before[3].Total == 0 {
		t.Fatal("the searches find nothing: the comparison would show nothing")
	}
	deadline := time.Now().Add(10 * time.Second)
	for merges() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if m := merges(); m != 1 {
		t.Fatalf("%d merges after 300 writes and a pause, want 1", m)
	}
	if n := segments(); n != 1 {
		t.Errorf("%d segments after the merge, want 1", n)
	}
	if diff := cmp.Diff(before, search()); diff != "" {
		t.Errorf("the merged index answers differently (-before +after):\n%s", diff)
	}
}

// TestCloseEndsACompaction: Close stops the pause timer and waits for a merge
// that runs, and nothing starts a merge afterwards.
func TestCloseEndsACompaction(t *testing.T) {
	after, quiet := compactAfter, compactQuiet
	compactAfter, compactQuiet = 10, time.Hour
	t.Cleanup(func() { compactAfter, compactQuiet = after, quiet })
	src := newMemSource()
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Rebuild(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	for _, p := range genProfiles(60, 3) {
		if err := ix.Apply(src.write(p)); err != nil {
			t.Fatal(err)
		}
	}
	go ix.compactNow()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix.compactNow() // after Close: does nothing
	ix.noteWrites(1000, 10)
	ix.compact.mu.Lock()
	defer ix.compact.mu.Unlock()
	if ix.compact.running || !ix.compact.closed {
		t.Errorf("after Close: running %v, closed %v", ix.compact.running, ix.compact.closed)
	}
}
