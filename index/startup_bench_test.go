package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRebuild times Index.Rebuild of a fresh on-disk index from an
// in-memory source of 10k (and 100k) generated profiles (the database's cost is not in
// it): reading, deriving the documents and records, Bleve's indexing and the
// swap. It reports profiles/s.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(GCPercent)) // as serve runs
			src := benchSource(n)
			b.ResetTimer()
			var total, cpu time.Duration
			for i := range b.N {
				b.StopTimer()
				ix, err := Open(filepath.Join(b.TempDir(), fmt.Sprint(i)), Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start, c0 := time.Now(), processCPU()
				if err := ix.Rebuild(context.Background(), src); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				cpu += processCPU() - c0
				b.StopTimer()
				ix.Close()
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "profiles/s")
			b.ReportMetric(float64(cpu.Microseconds())/float64(n*b.N), "cpu-us/profile")
		})
	}
}

// BenchmarkOpenReady times Open of an existing, complete index of 10k (and
// 100k) generated profiles and the background load of its memory copy (WaitReady),
// which is what "ready with an existing index" costs the index (the
// reconciliation against the database is not in it).
func BenchmarkOpenReady(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			defer debug.SetGCPercent(debug.SetGCPercent(GCPercent)) // as serve runs
			// Kept between runs (building 100k takes minutes), apart from
			// benchData's index, which the other benchmarks hold open.
			dir := filepath.Join(os.TempDir(), fmt.Sprintf("fuhua-bench-open-%s-%d", MappingVersion, n))
			ix, err := Open(dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if ix.NeedsRebuild() {
				if err := ix.Rebuild(context.Background(), benchSource(n)); err != nil {
					b.Fatal(err)
				}
			} else if err := ix.WaitReady(context.Background()); err != nil {
				b.Fatal(err)
			}
			ix.Close()
			b.ResetTimer()
			var total, cpu time.Duration
			for range b.N {
				start, c0 := time.Now(), processCPU()
				ix, err := Open(dir, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := ix.WaitReady(context.Background()); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				cpu += processCPU() - c0
				b.StopTimer()
				ix.Close()
				b.StartTimer()
			}
			b.ReportMetric(total.Seconds()*1000/float64(b.N), "ms/open")
			b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/open")
		})
	}
}

// processCPU is the CPU time (user and system) the process has used so far, on
// every thread: on a shared machine it shows the work a rebuild or a load costs
// apart from the time spent waiting for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
