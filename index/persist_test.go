package index

import (
	"context"
	"testing"
)

// A serving index returns from a write before Bleve has put it on disk; a
// clean Close waits until it has, so a reopened index holds every write, with
// no database to repair it from.
func TestCloseKeepsEveryWriteOfTheServingIndex(t *testing.T) {
	ps := genProfiles(40, 11)
	ix, src, dir := build(t, ps[:20])
	ix.Close()

	ix, err := Open(dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps[20:] {
		if err := ix.Apply(src.write(p)); err != nil {
			t.Fatal(err)
		}
	}
	if !waitPersisted(ix.bi, 0) {
		t.Log("some writes were still only in memory before Close (the case this test is about)")
	}
	ix.Close()

	ix, err = Open(dir, testOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(ps)) {
		t.Fatalf("the reopened index holds %d profiles, want %d", n, len(ps))
	}
	for _, p := range ps[20:] {
		if ix.seqLocked(p.ID) == 0 {
			t.Fatalf("%s, written before Close, is not in the reopened index", p.ID)
		}
	}
}
