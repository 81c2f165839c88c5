package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// DefaultMemoryLimit is serve's memory budget when neither FUHUA_MEMORY_LIMIT
// nor GOMEMLIMIT says otherwise: a soft limit (debug.SetMemoryLimit) on what
// the Go runtime holds. Under it the collector runs sooner rather than letting
// the heap grow to GOGC's target (three times the live heap at FUHUA_GOGC=200):
// at 100k profiles the live heap is about half a gigabyte, so a server holds
// about 1 GiB of its own memory instead of about 2 (the search index's files,
// mapped by Bleve, come on top).
const DefaultMemoryLimit = 1 << 30

// memHeadroom is the share of the limit the live heap may fill before a
// default limit is raised: above it the collector would run ever more often
// (Go then gives it up to half the CPU) for little memory back.
const memHeadroom = 0.75

// memoryLimit reads FUHUA_MEMORY_LIMIT: a size such as 800MiB, 1GiB or 1.5GiB
// (B, KiB, MiB, GiB; at least 256MiB), or off for none. Unset, it is
// DefaultMemoryLimit unless GOMEMLIMIT is set (which the Go runtime has then
// applied). explicit says whether the operator chose the limit.
func memoryLimit(v, gomemlimit string) (limit int64, explicit bool, err error) {
	switch strings.TrimSpace(v) {
	case "":
		if gomemlimit != "" {
			return debug.SetMemoryLimit(-1), true, nil
		}
		return DefaultMemoryLimit, false, nil
	case "off", "0":
		return math.MaxInt64, true, nil
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
		return 0, false, bad
	}
	return int64(f * float64(unit)), true, nil
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

// watchMemory applies limit and, until ctx ends or the returned stop is
// called (which waits for it and puts the limit before back), checks the live heap every second: a default
// limit the data has outgrown (a million profiles need several gigabytes) is
// raised with a warning rather than left to make the collector run without
// pause, and lowered again when the heap shrinks (fittedLimit); an operator's
// limit is kept, with a warning.
func watchMemory(ctx context.Context, log *slog.Logger, limit int64, explicit bool) (stop func()) {
	before := debug.SetMemoryLimit(limit) // restored by stop: serve may run inside a test process
	if limit == math.MaxInt64 {
		return func() { debug.SetMemoryLimit(before) }
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
		var told int64 // the limit the last raise warned of
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
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
	return func() { cancel(); <-done; debug.SetMemoryLimit(before) }
}
