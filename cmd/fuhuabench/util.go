package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

func splitLines(s string) []string  { return strings.Split(s, "\n") }
func splitFields(s string) []string { return strings.Fields(s) }
func trimSpace(b []byte) []byte     { return bytes.TrimSpace(b) }

func cut(s, sep string) (string, string, bool) {
	k, v, ok := strings.Cut(s, sep)
	return strings.TrimSpace(k), strings.TrimSpace(v), ok
}

// loadProfiles stores ps as `fuhua seed` does (Store.CreateSeed: the first
// named of them filed for the duplicate check, the generated rest not),
// skipping startups whose credit code is taken, and returns how many it added.
func loadProfiles(ctx context.Context, st *mongodb.Store, ps []profile.Profile, named int) (int, error) {
	ptrs := make([]*profile.Profile, len(ps))
	for i := range ps {
		ptrs[i] = &ps[i]
	}
	return st.CreateSeed(ctx, ptrs[:named], ptrs[named:])
}

// cpuTicks is the CPU time (user and system, in clock ticks) process pid has
// used so far; 0 if it cannot be read.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count fields after its ")".
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	var u, s int64
	fmt.Sscan(f[11], &u)
	fmt.Sscan(f[12], &s)
	return u + s
}

// settle waits, up to bound, until the given processes together use less than
// a tenth of a core over half a second: what one phase's writes leave behind
// (the index merging its segments, the other replica following) then no
// longer lands in the next phase's figures. It returns how long it waited.
func settle(bound time.Duration, pids ...int) time.Duration {
	const window = 500 * time.Millisecond
	start := time.Now()
	total := func() int64 {
		var t int64
		for _, p := range pids {
			t += cpuTicks(p)
		}
		return t
	}
	for time.Since(start) < bound {
		before := total()
		time.Sleep(window)
		// 100 ticks a second: a tenth of a core over half a second is 5 ticks.
		if total()-before < 5 {
			break
		}
	}
	return time.Since(start)
}
