package index

import (
	"context"
	"testing"
	"time"
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

// Writes that come one at a time within the persister's nap reach the disk
// together: Bleve merges them in memory and writes them in one go, not one
// write each (each of which its merger would then have to merge again).
func TestServingIndexPersistsWritesTogether(t *testing.T) {
	ps := genProfiles(60, 13)
	ix, src, _ := build(t, ps[:20])
	if !waitPersisted(ix.bi, persistWait) {
		t.Fatal("the rebuilt index never reached the disk")
	}
	before := persists(t, ix)
	for _, p := range ps[20:] {
		if err := ix.Apply(src.write(p)); err != nil { // one write, one Bleve batch
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond) // writes arriving apart, as from users
	}
	if !waitPersisted(ix.bi, 5*persisterNap+persistWait) {
		t.Fatal("the writes never reached the disk")
	}
	if got := persists(t, ix) - before; got > 10 {
		t.Errorf("40 single writes, 5 ms apart, reached the disk in %d writes of Bleve's, want at most 10 (the nap is %v)", got, persisterNap)
	}
}

// persists is how many times Bleve's persister has written a snapshot to disk
// since the index opened.
func persists(t *testing.T, ix *Index) uint64 { return bleveStat(t, ix, "TotPersistLoopProgress") }
