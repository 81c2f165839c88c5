package index

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"
)

// mappedRSS is how many kB of this process's resident memory are pages of
// .zap files under dir (from /proc/self/smaps).
func mappedRSS(t *testing.T, dir string) (kb int) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			path := fields[len(fields)-1]
			in = strings.HasPrefix(path, dir+"/") && strings.HasSuffix(path, ".zap")
			continue
		}
		if in && len(fields) >= 2 && fields[0] == "Rss:" {
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kb
}

// TestLoadGivesBackMappedPages: a load reads every stored document through
// Bleve's mapping of the segment files; once loaded, those pages are no
// longer in the process's resident memory, and what the index answers is
// the same as before they were dropped.
func TestLoadGivesBackMappedPages(t *testing.T) {
	ps := genProfiles(600, 11)
	ix, _, dir := build(t, ps)
	search := func(ix *Index) *SearchResult {
		t.Helper()
		res, err := ix.Search(context.Background(), SearchRequest{Q: "芯片 盐城", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	before := search(ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	dir, _ = filepath.Abs(dir)
	ix = openLoaded(t, dir)
	if ls := ix.LoadStats(); ls.ReleasedBytes == 0 {
		t.Error("the load released no mapped bytes")
	}
	if kb := mappedRSS(t, dir); kb > 64 {
		t.Errorf("after the load %d kB of the index's files are resident, want almost none", kb)
	}
	// Read every stored document again (a load now gives back its pages as
	// it goes, so the test reads them itself): the pages come back, and a
	// release drops them.
	err := ix.lowReader(func(r index.IndexReader) error {
		snap, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			t.Fatal("not a scorch snapshot")
		}
		for _, ss := range snap.Segments() {
			it := ss.DocNumbersLive().Iterator()
			for it.HasNext() {
				if err := ss.VisitDocument(uint64(it.Next()), func(string, byte, []byte, []uint64) bool { return true }); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	touched := mappedRSS(t, dir)
	if touched < 64 {
		t.Fatalf("reading every stored document left only %d kB resident: the measure sees nothing", touched)
	}
	if ix.releaseMapped() == 0 {
		t.Error("release dropped nothing")
	}
	if kb := mappedRSS(t, dir); kb > 64 {
		t.Errorf("after a release %d kB of %d are still resident", kb, touched)
	}
	if d := cmp.Diff(before, search(ix)); d != "" {
		t.Errorf("the search answers differently after the release (-before +after):\n%s", d)
	}
}

// TestLoadGivesBackPagesAsItGoes: a load reads the stored documents a chunk
// at a time and gives back each chunk's pages before the next, so the
// index's files are never all resident at once (at a million profiles they
// are gigabytes beside the growing heap).
func TestLoadGivesBackPagesAsItGoes(t *testing.T) {
	ix, _, dir := build(t, genProfiles(600, 12))
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	dir, _ = filepath.Abs(dir)
	defer func(n int) { loadChunk, afterLoadChunk = n, nil }(loadChunk)
	loadChunk = 100
	var after []int
	afterLoadChunk = func() { after = append(after, mappedRSS(t, dir)) }
	openLoaded(t, dir)
	if len(after) < 6 {
		t.Fatalf("a load of 600 profiles in chunks of 100 ran %d chunks", len(after))
	}
	for i, kb := range after {
		if kb > 64 {
			t.Errorf("after chunk %d of the load %d kB of the index's files were resident, want almost none", i+1, kb)
		}
	}
}
