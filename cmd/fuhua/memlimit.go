package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	fuhuametrics "fuhua/internal/metrics"
)

// DefaultMemoryLimit is serve's memory budget when neither FUHUA_MEMORY_LIMIT
// nor GOMEMLIMIT says otherwise. Of it, the Go runtime gets all but pageShare
// as a soft limit (debug.SetMemoryLimit): under it the collector runs sooner
// rather than letting the heap grow to GOGC's target (three times the live
// heap at FUHUA_GOGC=200). At 100k profiles the live heap is under half a
// gigabyte, so a server holds about 1 GiB in all instead of about 2.
const DefaultMemoryLimit = 1 << 30

// memHeadroom is the share of the limit the live heap may fill before a
// default limit is raised: above it the collector would run ever more often
// (Go then gives it up to half the CPU) for little memory back.
const memHeadroom = 0.75

// memoryLimit reads FUHUA_MEMORY_LIMIT: a size such as 800MiB, 1GiB or 1.5GiB
// (B, KiB, MiB, GiB; at least 256MiB), or off for none. Unset, it is
// DefaultMemoryLimit unless GOMEMLIMIT is set (which the Go runtime has then
// applied). explicit says whether the operator chose the limit. pages is the
// share of it kept for the index's mapped pages (pageShare): none when there
// is no limit or the limit is GOMEMLIMIT's, which is the Go runtime's own.
func memoryLimit(v, gomemlimit string) (limit, pages int64, explicit bool, err error) {
	switch strings.TrimSpace(v) {
	case "":
		if gomemlimit != "" {
			return debug.SetMemoryLimit(-1), 0, true, nil
		}
		return DefaultMemoryLimit, DefaultMemoryLimit / pageShare, false, nil
	case "off", "0":
		return math.MaxInt64, 0, true, nil
	}
	bad := fmt.Errorf("FUHUA_MEMORY_LIMIT must be a size such as 800MiB, 1GiB or 1.5GiB (at least 256MiB), or off; got %q", v)
	s := strings.TrimSpace(v)
	unit := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, unit = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.n
			break
		}
	}
	f, perr := strconv.ParseFloat(s, 64)
	if perr != nil || math.IsNaN(f) || f*float64(unit) < 256<<20 || f*float64(unit) > 1<<50 {
		return 0, 0, false, bad
	}
	limit = int64(f * float64(unit))
	return limit, limit / pageShare, true, nil
}

// fittedLimit is the limit a server should run under given its live heap:
// the same limit while the live heap fits in memHeadroom of it; otherwise, for
// a default limit only, one it fits in, rounded up to 64 MiB. A default limit
// raised for a heap that has since shrunk by an eighth or more (a load holds
// more than it keeps: at a million profiles about half a gigabyte) comes back
// down to fit it, never below base, the default the server started with. An
// operator's own limit is kept; the caller warns.
func fittedLimit(live, limit, base int64, explicit bool) int64 {
	if explicit {
		return limit
	}
	const step = 64 << 20
	need := (int64(float64(live)/memHeadroom) + step - 1) / step * step
	want := max(base, need)
	switch {
	case want > limit && float64(live) > memHeadroom*float64(limit):
		return want
	case want < limit && want <= limit-limit/8:
		return want
	}
	return limit
}

// tellRaise reports whether raising the limit to next is worth a warning when
// the last one warned of told (0: none yet): the first raise, then each time
// the limit has doubled since. A million profiles loading raise it every few
// seconds, in steps of 64 MiB; a warning for each was two dozen in two minutes.
func tellRaise(told, next int64) bool { return told == 0 || next >= 2*told }

// pageShare is the part of a memory budget (FUHUA_MEMORY_LIMIT or the
// default) kept for the search index's mapped pages: Bleve maps its segment
// files, and the pages a search reads stay in the process's resident memory
// beside the Go heap. The Go runtime gets the rest as its limit, and the
// pages are given back when they pass their share (see watchMemory), so the
// budget bounds the server's resident memory, not only its heap.
const pageShare = 6 // a sixth: 171 MiB of the default 1 GiB, which leaves the Go runtime 853

// memoryWatch is what watchMemory started: stop ends it (and waits for it)
// and puts the Go limit before back; keepPages gives it the index's way of
// dropping its mapped pages (nil: none, as before the index opens).
type memoryWatch struct {
	stop    func()
	release atomic.Pointer[func() int64]
	// fileRSS is the process's file-backed resident memory in bytes (the
	// index's mapped pages and the program's own code); false when unknown.
	fileRSS func() (int64, bool)
}

func (w *memoryWatch) keepPages(release func() int64) {
	if release == nil {
		w.release.Store(nil)
		return
	}
	w.release.Store(&release)
}

// statmFileRSS reads the resident shared pages of /proc/self/statm: the
// process's file-backed and shared memory. Off Linux it is unknown.
func statmFileRSS() (int64, bool) {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return 0, false
	}
	n, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return 0, false
	}
	return n * int64(os.Getpagesize()), true
}

// releaseDue reports whether the mapped pages should be given back: the
// file-backed resident memory is above half its share (searches read pages
// fast: at half, the second before the next check does not take them past
// the share), and has grown by a quarter of the share since the last release
// left it at after (the program's own code counts too, and is not given back:
// without the second rule a process whose code alone passed half the share
// would release every second for nothing).
func releaseDue(file, pages, after int64) bool {
	return pages > 0 && file > pages/2 && file-after >= pages/4
}

// watchMemory applies limit, less pages for the index's mapped pages, as the
// Go runtime's limit and, until stop is called (or ctx ends), checks every
// second: the live heap, so that a default limit the data has outgrown (a
// million profiles need several gigabytes) is raised with a warning rather
// than left to make the collector run without pause, and lowered again when
// the heap shrinks (fittedLimit; an operator's limit is kept, with a
// warning); and the file-backed resident memory, so that the index's pages
// stay within pages (releaseDue).
func watchMemory(ctx context.Context, log *slog.Logger, limit int64, explicit bool, pages int64) *memoryWatch {
	return startWatch(ctx, log, limit, explicit, pages, statmFileRSS)
}

// startWatch is watchMemory with the file-backed resident memory read by
// fileRSS.
func startWatch(ctx context.Context, log *slog.Logger, limit int64, explicit bool, pages int64, fileRSS func() (int64, bool)) *memoryWatch {
	w := &memoryWatch{fileRSS: fileRSS}
	if limit != math.MaxInt64 {
		limit -= pages
	}
	before := debug.SetMemoryLimit(limit) // restored by stop: serve may run inside a test process
	if limit == math.MaxInt64 {
		w.stop = func() { debug.SetMemoryLimit(before) }
		return w
	}
	base := limit
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(time.Second)
		defer t.Stop()
		warned := false
		var told int64  // the limit the last raise warned of
		var after int64 // the file-backed resident memory the last release left
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if rel := w.release.Load(); rel != nil {
				if file, ok := w.fileRSS(); ok && releaseDue(file, pages, after) {
					released := (*rel)()
					fuhuametrics.PagesReleased.Add(float64(released))
					after, _ = w.fileRSS()
					log.Debug("index pages given back", "file_mib", file>>20, "released_mib", released>>20, "after_mib", after>>20)
				}
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				continue
			}
			live := int64(sample[0].Value.Uint64())
			switch next := fittedLimit(live, limit, base, explicit); {
			case next < limit:
				log.Info("memory limit lowered: the live heap shrank since it was raised",
					"live_mib", live>>20, "from_mib", limit>>20, "to_mib", next>>20)
				limit = next
				debug.SetMemoryLimit(limit)
			case next > limit:
				if tellRaise(told, next) {
					log.Warn("memory limit raised: the live heap outgrew the default budget; set FUHUA_MEMORY_LIMIT to choose one",
						"live_mib", live>>20, "from_mib", limit>>20, "to_mib", next>>20)
					told = next
				}
				limit = next
				debug.SetMemoryLimit(limit)
			case explicit && !warned && float64(live) > memHeadroom*float64(limit):
				log.Warn("the live heap is near FUHUA_MEMORY_LIMIT: the collector will run often; raise the limit",
					"live_mib", live>>20, "limit_mib", limit>>20)
				warned = true
			}
		}
	}()
	w.stop = func() { cancel(); <-done; debug.SetMemoryLimit(before) }
	return w
}
