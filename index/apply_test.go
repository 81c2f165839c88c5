package index

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fuhua/internal/profile"
)

// Writes applied at the same time (which Apply puts into one Bleve batch) end
// as if applied one by one: each profile holds its newest version, whatever
// order the versions arrived in, and an archived newest version is gone.
func TestConcurrentAppliesKeepTheNewestVersion(t *testing.T) {
	ix, _, _ := build(t, nil)
	base := genProfiles(6, 3)
	const versions = 12
	type write struct {
		p *profile.Profile
	}
	var writes []write
	for i, b := range base {
		for v := 1; v <= versions; v++ {
			p := *b
			p.Seq = int64(v*len(base) + i)
			p.Version = int64(v)
			p.Tags = []string{fmt.Sprintf("版本%d", v)}
			p.Archived = i == 0 && v == versions // the first profile ends archived
			writes = append(writes, write{&p})
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(writes), func(i, j int) { writes[i], writes[j] = writes[j], writes[i] })
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(writes); i += 8 {
				if err := ix.Apply(writes[i].p); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for i, b := range base {
		var got *record
		ix.memory(func(m *memIndex) {
			if s, ok := m.slot[b.ID]; ok {
				got = m.recs[s]
			}
		})
		if i == 0 {
			if got != nil {
				t.Errorf("%s: archived in its newest version, still in the copy", b.ID)
			}
			continue
		}
		if got == nil || got.p.Version != versions {
			t.Errorf("%s: copy holds %+v, want version %d", b.ID, got, versions)
		}
		doc, err := ix.bi.Document(b.ID)
		if err != nil || doc == nil {
			t.Fatalf("%s: not in Bleve: %v", b.ID, err)
		}
	}
	n, _ := ix.Count()
	if n != uint64(len(base)-1) {
		t.Errorf("Bleve holds %d documents, want %d", n, len(base)-1)
	}
}

// Within one batch, as one by one: a version older than one before it in the
// batch is skipped.
func TestOneBatchSkipsAnOlderVersionOfTheSameProfile(t *testing.T) {
	ix, _, _ := build(t, nil)
	b := genProfiles(1, 5)[0]
	var reqs []*applyReq
	for _, v := range []int64{3, 1, 2} {
		p := *b
		p.Seq, p.Version = v, v
		reqs = append(reqs, &applyReq{p: &p, done: make(chan struct{})})
	}
	ix.applyMu.Lock()
	ix.applyAllLocked(reqs)
	ix.applyMu.Unlock()
	for _, r := range reqs {
		<-r.done
		if r.err != nil {
			t.Fatal(r.err)
		}
	}
	var got int64
	ix.memory(func(m *memIndex) { got = m.recs[m.slot[b.ID]].p.Version })
	if got != 3 || ix.seqs[b.ID] != 3 {
		t.Fatalf("after versions 3, 1, 2 in one batch the copy holds %d (seq %d), want 3", got, ix.seqs[b.ID])
	}
}

func TestReconcilePause(t *testing.T) {
	if got := reconcilePause(5*time.Minute, time.Second); got != 5*time.Minute {
		t.Errorf("a 1 s reconciliation waits %s, want the period", got)
	}
	if got := reconcilePause(5*time.Minute, 7*time.Second); got != 700*time.Second {
		t.Errorf("a 7 s reconciliation waits %s, want 700 s", got)
	}
}

// slowSource reads every profile slowly and counts the reads.
type slowSource struct {
	*memSource
	delay time.Duration
	reads atomic.Int32
}

func (s *slowSource) EachProfile(ctx context.Context, fn func(*profile.Profile) error) error {
	s.reads.Add(1)
	time.Sleep(s.delay)
	return s.memSource.EachProfile(ctx, fn)
}

// TestRunPausesAfterASlowStart: the start's reconciliation counts like any
// other, so one that took 40 ms makes the next wait 4 s, not the 50 ms period.
func TestRunPausesAfterASlowStart(t *testing.T) {
	opts := testOptions(t)
	opts.ReconcileEvery = 50 * time.Millisecond
	ix, mem, _ := buildWith(t, loadDataset(t)[:20], opts)
	src := &slowSource{memSource: mem, delay: 40 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx, src) }()
	time.Sleep(time.Second)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	if n := src.reads.Load(); n != 1 {
		t.Errorf("the database was read whole %d times in a second; want once (the start), then a pause of 100 times the 40 ms it took", n)
	}
}

// TestChainMapCountsEachProfileOnce edits a startup several times (each edit
// files it under a new slot of the memory copy; the old one stays in the
// keyword sets until compaction), applies one write twice (the writer and the
// follower both do), moves one out of the segment and archives another: the
// chain map counts each live profile once, where it is now.
func TestChainMapCountsEachProfileOnce(t *testing.T) {
	ix, src, _ := build(t, nil)
	count := func(seg string) int {
		t.Helper()
		v, err := ix.ChainMap("hydrogen", "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range v.Segments {
			if s.Code == seg {
				return s.Counts[profile.Startup]
			}
		}
		t.Fatalf("no segment %s", seg)
		return 0
	}
	a := &profile.Profile{ID: "h1", Kind: profile.Startup, Name: "盐城一号科技", Chains: []string{"hydrogen"},
		Segments: []string{"hydrogen.production"}, Stage: "seed", District: "yannan"}
	b := &profile.Profile{ID: "h2", Kind: profile.Startup, Name: "盐城二号科技", Chains: []string{"hydrogen"},
		Segments: []string{"hydrogen.fuel_cell"}, Stage: "seed", District: "yannan"}
	for _, p := range []*profile.Profile{a, b} {
		if err := ix.Apply(src.write(p)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ {
		a2 := *a
		a2.Summary = fmt.Sprintf("第%d次修改", i)
		w := src.write(&a2)
		for range 2 { // the writer's apply and the follower's
			if err := ix.Apply(w); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := count("hydrogen.production"); n != 1 {
		t.Errorf("production counts %d startups after three edits of one; want 1", n)
	}
	moved := *b
	moved.Segments = []string{"hydrogen.production"}
	if err := ix.Apply(src.write(&moved)); err != nil {
		t.Fatal(err)
	}
	if p, f := count("hydrogen.production"), count("hydrogen.fuel_cell"); p != 2 || f != 0 {
		t.Errorf("after h2 moved to production: production %d, fuel cell %d; want 2 and 0", p, f)
	}
	gone := *a
	gone.Archived = true
	if err := ix.Apply(src.write(&gone)); err != nil {
		t.Fatal(err)
	}
	if n := count("hydrogen.production"); n != 1 {
		t.Errorf("production counts %d after h1 was archived; want 1", n)
	}
	if v, err := ix.ChainMap("hydrogen", "yannan"); err != nil || v.WholeChain[profile.Startup] != 0 {
		t.Errorf("whole-chain startups in Yannan: %v %v; want none (both name a segment)", v.WholeChain, err)
	}
}

// LiveOfKind gives each live profile of the kind once, as its latest public
// view: an edited profile once (its old slot is dead, not gone), an archived
// one not at all, no other kind, and no contact or owner.
func TestLiveOfKindGivesEachLiveProfileOnce(t *testing.T) {
	ix, src, _ := build(t, nil)
	mk := func(id string, k profile.Kind, name string) *profile.Profile {
		return &profile.Profile{ID: id, Kind: k, Name: name, District: "yannan", OwnerID: "owner-" + id,
			Contact: profile.Contact{Phone: "0515-8888" + id}}
	}
	for _, p := range []*profile.Profile{mk("s1", profile.Startup, "甲科技"), mk("s2", profile.Startup, "乙科技"),
		mk("s3", profile.Startup, "丙科技"), mk("c1", profile.Carrier, "一号孵化器")} {
		if err := ix.Apply(src.write(p)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		edited := mk("s1", profile.Startup, fmt.Sprintf("甲科技%d", i))
		if err := ix.Apply(src.write(edited)); err != nil {
			t.Fatal(err)
		}
	}
	gone := mk("s3", profile.Startup, "丙科技")
	gone.Archived = true
	if err := ix.Apply(src.write(gone)); err != nil {
		t.Fatal(err)
	}
	ps, ok := ix.LiveOfKind(profile.Startup)
	if !ok {
		t.Fatal("the index is ready, yet LiveOfKind says it is not loaded")
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.ID+" "+p.Name)
		if p.Contact != (profile.Contact{}) || p.OwnerID != "" {
			t.Errorf("%s carries its contact or owner: %+v %q", p.ID, p.Contact, p.OwnerID)
		}
	}
	slices.Sort(got)
	if strings.Join(got, ", ") != "s1 甲科技2, s2 乙科技" {
		t.Errorf("live startups %v, want s1 (as last edited) and s2", got)
	}
}

// TestRunReportsReconciliation: Run tells OnReconcile what its start's
// reconciliation repaired — here the three profiles written to the database
// while the index was not following.
func TestRunReportsReconciliation(t *testing.T) {
	opts := testOptions(t)
	type call struct {
		st  ReconcileStats
		err error
	}
	calls := make(chan call, 4)
	opts.OnReconcile = func(st ReconcileStats, took time.Duration, err error) {
		if took <= 0 {
			t.Errorf("took %v", took)
		}
		calls <- call{st, err}
	}
	data := loadDataset(t)
	ix, mem, _ := buildWith(t, data[:20], opts)
	for _, p := range data[20:23] {
		mem.write(p)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx, mem) }()
	select {
	case c := <-calls:
		if c.err != nil || c.st.Indexed != 3 || c.st.Deleted != 0 {
			t.Errorf("first reconciliation: %+v, %v; want 3 indexed, none deleted", c.st, c.err)
		}
	case <-time.After(5 * time.Second):
		t.Error("OnReconcile was not called within 5 s")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}
