package main

import (
	"context"
	"log/slog"
	"math"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryLimitSetting(t *testing.T) {
	for _, c := range []struct {
		v, gomem string
		want     int64
		explicit bool
		err      bool
	}{
		{"", "", DefaultMemoryLimit, false, false},
		{"off", "", math.MaxInt64, true, false},
		{"800MiB", "", 800 << 20, true, false},
		{"1.5GiB", "", 3 << 29, true, false},
		{" 2GiB ", "", 2 << 30, true, false},
		{"300000000", "", 300000000, true, false},
		{"100MiB", "", 0, false, true},
		{"lots", "", 0, false, true},
		{"1TB", "", 0, false, true},
		{"-1GiB", "", 0, false, true},
		{"NaNGiB", "", 0, false, true},
	} {
		got, _, explicit, err := memoryLimit(c.v, c.gomem)
		if (err != nil) != c.err || !c.err && (got != c.want || explicit != c.explicit) {
			t.Errorf("memoryLimit(%q) = %d, %v, %v; want %d, %v, error %v", c.v, got, explicit, err, c.want, c.explicit, c.err)
		}
	}
}

func TestFittedLimit(t *testing.T) {
	const gib = 1 << 30
	if got := fittedLimit(gib/2, gib, gib, false); got != gib {
		t.Errorf("a live heap of half the default limit moved it to %d", got)
	}
	got := fittedLimit(3*gib, gib, gib, false)
	if float64(3*gib) > memHeadroom*float64(got) || got%(64<<20) != 0 || got > 6*gib {
		t.Errorf("a live heap of 3 GiB under a 1 GiB default limit gave %d", got)
	}
	if got := fittedLimit(3*gib, gib, gib, true); got != gib {
		t.Errorf("an operator's limit was changed to %d", got)
	}
	// A load at a million profiles: the heap peaks at 4.5 GiB, then keeps 3.8.
	peak := fittedLimit(9*gib/2, gib, gib, false)
	if got := fittedLimit(38*gib/10, peak, gib, false); got >= peak || float64(38*gib/10) > memHeadroom*float64(got) {
		t.Errorf("the limit raised to %d for 4.5 GiB stayed at %d once the heap kept 3.8 GiB", peak, got)
	}
	if got := fittedLimit(43*gib/10, peak, gib, false); got != peak {
		t.Errorf("a dip of less than an eighth (4.5 → 4.3 GiB) moved the limit from %d to %d", peak, got)
	}
	if got := fittedLimit(gib/10, peak, gib, false); got != gib {
		t.Errorf("a heap that shrank to 0.1 GiB took the limit to %d, not back to the default %d", got, gib)
	}
	if got := fittedLimit(gib/10, 2*gib, 2*gib, false); got != 2*gib {
		t.Errorf("the limit went below the one the server started with: %d", got)
	}
}

// The raises of a heap that grows from 1 to 5 GiB in 64 MiB steps, as a
// million profiles loading make them, give a warning at the first raise and
// at each doubling after it: three, not sixty.
func TestRaiseWarnsAtDoublings(t *testing.T) {
	const mib = 1 << 20
	var told int64
	var warned []int64
	limit := int64(1024 * mib)
	for live := int64(800 * mib); live <= 5*1024*mib; live += 64 * mib {
		next := fittedLimit(live, limit, 1024*mib, false)
		if next == limit {
			continue
		}
		if tellRaise(told, next) {
			warned = append(warned, next/mib)
			told = next
		}
		limit = next
	}
	if len(warned) != 3 || warned[1] < 2*warned[0] || warned[2] < 2*warned[1] {
		t.Errorf("warned at %v MiB; want the first raise and each doubling after it", warned)
	}
}

// TestPagesShareOfBudget: FUHUA_MEMORY_LIMIT (or the default) is the whole
// resident budget, a sixth of it for the index's pages and the rest the Go
// runtime's limit; GOMEMLIMIT is the runtime's own, and no limit keeps none.
func TestPagesShareOfBudget(t *testing.T) {
	const gib = 1 << 30
	if _, got, _, _ := memoryLimit("", ""); got != gib/6 {
		t.Errorf("pages of the default budget: %d, want %d", got, gib/6)
	}
	if _, got, _, _ := memoryLimit("1.5GiB", ""); got != 3*gib/2/6 {
		t.Errorf("pages of a 1.5 GiB budget: %d, want %d", got, 3*gib/2/6)
	}
	if _, got, _, _ := memoryLimit("", "900MiB"); got != 0 {
		t.Errorf("pages kept under GOMEMLIMIT: %d", got)
	}
	if _, got, _, _ := memoryLimit("off", ""); got != 0 {
		t.Errorf("pages kept with no limit: %d", got)
	}
	_, pages, _, _ := memoryLimit("", "")
	w := watchMemory(context.Background(), slog.New(slog.DiscardHandler), gib, false, pages)
	got := debug.SetMemoryLimit(-1)
	w.stop()
	if got != gib-gib/6 {
		t.Errorf("the Go limit under a 1 GiB budget is %d, want %d", got, gib-gib/6)
	}
}

func TestReleaseDue(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		file, pages, after int64
		want               bool
	}{
		{60 * mib, 128 * mib, 0, false},        // under half the share
		{100 * mib, 128 * mib, 0, true},        // over half of it
		{200 * mib, 128 * mib, 20 * mib, true}, // over, and grown since
		{80 * mib, 128 * mib, 70 * mib, false}, // the code alone is over half: not again for nothing
		{110 * mib, 128 * mib, 70 * mib, true}, // grown by a quarter of the share since
		{200 * mib, 0, 0, false},               // no share
	} {
		if got := releaseDue(c.file, c.pages, c.after); got != c.want {
			t.Errorf("releaseDue(%d, %d, %d MiB) = %v", c.file/mib, c.pages/mib, c.after/mib, got)
		}
	}
}

// TestWatchGivesBackPages: with the file-backed memory over its share, the
// watch calls the index's release within a couple of seconds, then not again
// while nothing grows; under the share, never.
func TestWatchGivesBackPages(t *testing.T) {
	const mib = 1 << 20
	var file atomic.Int64
	var calls atomic.Int32
	file.Store(300 * mib)
	w := startWatch(context.Background(), slog.New(slog.DiscardHandler), 1<<30, false, 128*mib,
		func() (int64, bool) { return file.Load(), true })
	defer w.stop()
	w.keepPages(func() int64 { calls.Add(1); file.Store(20 * mib); return 280 * mib })
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if calls.Load() != 1 {
		t.Fatalf("released %d times in 5 s with 300 MiB of pages over a 128 MiB share", calls.Load())
	}
	time.Sleep(2500 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("released %d times with the pages at 20 MiB", n)
	}
	w.keepPages(nil)
	file.Store(500 * mib)
	time.Sleep(2500 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Errorf("released %d times after the index closed", n)
	}
}
