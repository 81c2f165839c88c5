package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	zapv17 "github.com/blevesearch/zapx/v17"

	"fuhua/internal/profile"
)

// benchSet is one generated dataset with its index, built once per process and
// per size because building 100k documents takes minutes. It keeps only the
// first profiles (the match requests): a server holds the index and its memory
// copy, not the whole dataset and a source of it, and 230 MB more live heap
// would make every garbage collection in the benchmark slower than in serve.
type benchSet struct {
	ix *Index
	ps []*profile.Profile
	n  int
}

// benchKeep is how many generated profiles a benchSet keeps for requests.
const benchKeep = 2000

var (
	benchMu   sync.Mutex
	benchSets = map[int]*benchSet{}
)

// benchSource is a source holding the n generated profiles of a benchSet.
func benchSource(n int) *memSource {
	src := newMemSource()
	for _, p := range genProfiles(n, 42) {
		src.write(p)
	}
	return src
}

func benchData(b *testing.B, n int) *benchSet {
	benchMu.Lock()
	defer benchMu.Unlock()
	if s, ok := benchSets[n]; ok {
		return s
	}
	b.Helper()
	// The same GC target as serve, which sets it because of the memory copy
	// (FUHUA_GOGC overrides it in both).
	gogc := GCPercent
	if v, err := strconv.Atoi(os.Getenv("FUHUA_GOGC")); err == nil && v >= 25 {
		gogc = v
	}
	debug.SetGCPercent(gogc)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("fuhua-bench-%s-%d", MappingVersion, n))
	ix, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if ix.NeedsRebuild() {
		start := time.Now()
		if err := ix.Rebuild(context.Background(), benchSource(n)); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d profiles in %s", n, time.Since(start).Round(time.Millisecond))
	} else {
		start := time.Now()
		if err := ix.WaitReady(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %d profiles in %s", n, time.Since(start).Round(time.Millisecond))
	}
	s := &benchSet{ix: ix, ps: genProfiles(benchKeep, 42), n: n}
	benchSets[n] = s
	// Collect the garbage of building or loading now, so its collection is not
	// charged to the first timed requests (a server loads once at start).
	runtime.GC()
	return s
}

// latencies records each operation's duration and reports p50 and p99.
type latencies []time.Duration

func (l latencies) report(b *testing.B) { l.reportAs(b, "") }

func (l latencies) reportAs(b *testing.B, prefix string) {
	if len(l) == 0 {
		return
	}
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	pct := func(p float64) float64 {
		return float64(l[min(len(l)-1, int(float64(len(l))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.99), prefix+"p99-ms")
}

// threadCPU is the CPU time the calling OS thread has used. The machine the
// benchmarks run on is shared, so wall-clock tails include time spent waiting
// for a core; the CPU time of the request's own thread (locked to it) shows the
// work itself. Garbage collection on other threads is not in it.
func threadCPU() time.Duration {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// clockThreadCPUTime is CLOCK_THREAD_CPUTIME_ID (Linux), which, unlike
// getrusage, is not rounded to the scheduler tick.
const clockThreadCPUTime = 3

// timed runs fn b.N times on one locked OS thread, recording wall-clock and
// thread CPU time, and reports p50 and p99 of both.
func timed(b *testing.B, fn func(i int)) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	wall := make(latencies, 0, b.N)
	cpu := make(latencies, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start, c0 := time.Now(), threadCPU()
		fn(i)
		wall = append(wall, time.Since(start))
		cpu = append(cpu, threadCPU()-c0)
	}
	b.StopTimer()
	wall.report(b)
	cpu.reportAs(b, "cpu-")
}

// BenchmarkMatch ranks matches through Index.Match for startups (→ investor,
// mentor, carrier) and investors (→ startup deal flow), limit 20.
func BenchmarkMatch(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			s := benchData(b, n)
			type req struct {
				from   *profile.Profile
				target profile.Kind
			}
			var reqs []req
			targets := []profile.Kind{profile.Investor, profile.Mentor, profile.Carrier}
			for i, p := range s.ps {
				switch p.Kind {
				case profile.Startup:
					reqs = append(reqs, req{p, targets[i%len(targets)]})
				case profile.Investor:
					reqs = append(reqs, req{p, profile.Startup})
				}
				if len(reqs) == 500 {
					break
				}
			}
			ctx := context.Background()
			timed(b, func(i int) {
				r := reqs[i%len(reqs)]
				if _, err := s.ix.Match(ctx, r.from, r.target, MatchOptions{}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// benchQueries are the searches BenchmarkSearch cycles through: narrow and
// broad words, a chain name, and a filter-only search.
var benchQueries = []SearchRequest{
	{Q: "芯片"}, {Q: "燃料电池 检测"}, {Q: "碳化硅", Kind: profile.Startup}, {Q: "工业软件", District: "yandu"},
	{Q: "hydrogen"}, {Kind: profile.Investor, Chain: "ic"}, {Q: "盐城 储能系统"}, {Q: "半导体", Stage: "angel"},
}

// BenchmarkSearchEach times each of benchQueries on its own at 100k, to show
// which kind of search the tail of BenchmarkSearch comes from.
func BenchmarkSearchEach(b *testing.B) {
	for i, q := range benchQueries {
		b.Run(fmt.Sprintf("q%d", i), func(b *testing.B) {
			s := benchData(b, 100_000)
			lat := make(latencies, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if _, err := s.ix.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			lat.report(b)
		})
	}
}

// BenchmarkSearch runs free-text searches with all five facets, limit 20.
func BenchmarkSearch(b *testing.B) {
	queries := benchQueries
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			s := benchData(b, n)
			ctx := context.Background()
			timed(b, func(i int) {
				if _, err := s.ix.Search(ctx, queries[i%len(queries)]); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkFollowerPoll measures one idle poll and one poll with a new change
// over a source of 100k profiles. The in-memory source only shows the index
// side; the same access pattern (counter, then changes by _id) must be measured
// on the real store.
func BenchmarkFollowerPoll(b *testing.B) {
	s := benchData(b, 100_000)
	src := benchSource(s.n)
	last, _ := src.LastSeq(context.Background())
	s.ix.SetCursor(last)
	var w waiter
	b.Run("idle", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.ix.poll(context.Background(), src, &w)
		}
	})
	b.Run("one-change", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			p := *s.ps[i%len(s.ps)]
			p.Version++
			src.write(&p)
			s.ix.poll(context.Background(), src, &w)
		}
	})
}

// BenchmarkApplyOne applies single writes (each a profile edited, as a PATCH
// applies it) to a 10k index from 4 goroutines, as serve's writers do: each
// write is a Bleve batch of one document, so what a batch costs by itself
// is what this measures. "bump=100" puts back zapx's default sizing of a new
// segment's buffer (Open sets it to 0), beside it in the same process.
func BenchmarkApplyOne(b *testing.B) {
	for _, bump := range []int{0, 100} {
		b.Run(fmt.Sprintf("bump=%d", bump), func(b *testing.B) {
			ix, err := Open(filepath.Join(b.TempDir(), "index"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			src := benchSource(10_000)
			if err := ix.Rebuild(context.Background(), src); err != nil {
				b.Fatal(err)
			}
			if err := ix.WaitReady(context.Background()); err != nil {
				b.Fatal(err)
			}
			zapv17.NewSegmentBufferNumResultsBump = bump
			defer func() { zapv17.NewSegmentBufferNumResultsBump = 0 }()
			ps := genProfiles(10_000, 42)[:2000] // the indexed profiles, edited
			var seq atomic.Int64
			seq.Store(1 << 40)
			b.ReportAllocs()
			b.ResetTimer()
			b.SetParallelism(2) // 4 goroutines on 2 cores
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					p := *ps[int(n)%len(ps)]
					p.Seq = n
					if err := ix.Apply(&p); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
