package match

import (
	"fmt"
	"runtime"
	"testing"

	"fuhua/index/indextest"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// demoProfiles is seed.Demo(n) with ids, as pointers: believable prose of every
// kind for benchmarks and for comparing ways of ranking.
func demoProfiles(n int) []*profile.Profile {
	ps := seed.Demo(n)
	out := make([]*profile.Profile, len(ps))
	for i := range ps {
		ps[i].ID = fmt.Sprintf("d%06d", i)
		out[i] = &ps[i]
	}
	return out
}

// rankCase is one ranking as the index makes it: a profile and a pool of
// prepared candidates of one kind it may be matched with.
type rankCase struct {
	from  Prepared
	cands []Prepared
}

// rankCases makes rankings over pools of up to pool candidates from n demo
// profiles, in every direction the pairs allow.
func rankCases(lex *Lexicon, n, pool int) []rankCase {
	byKind := map[profile.Kind][]Prepared{}
	var all []Prepared
	for _, p := range demoProfiles(n) {
		q := Prepare(p, lex)
		byKind[p.Kind] = append(byKind[p.Kind], q)
		all = append(all, q)
	}
	var out []rankCase
	for i, f := range all {
		for j, k := range targets[f.Profile().Kind] {
			cs := byKind[k]
			if len(cs) == 0 {
				continue
			}
			at := (i*31 + j*7) % len(cs)
			cands := append(append([]Prepared(nil), cs[at:]...), cs[:at]...)
			out = append(out, rankCase{f, cands[:min(pool, len(cands))]})
		}
	}
	return out
}

// BenchmarkRankFrom ranks pools of 120 prepared candidates keeping 20, as
// index.Match does for one request.
func BenchmarkRankFrom(b *testing.B) {
	lex := testLex()
	cases := rankCases(lex, 2000, 120)
	env := Env{Lex: lex, Accepted: map[string]int{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := cases[(i*131)%len(cases)]
		_ = RankFrom(c.from, c.cands, env, 20)
	}
}

// BenchmarkPrepareHeap reports the live heap a prepared profile holds: it
// prepares 20,000 profiles (seed's demo prose, and the index's generated
// profiles) and measures the heap after a collection before and after, the
// profiles themselves already allocated.
func BenchmarkPrepareHeap(b *testing.B) {
	lex := testLex()
	for _, g := range []struct {
		name string
		ps   []*profile.Profile
	}{{"demo", demoProfiles(20000)}, {"indextest", indextest.Profiles(20000, 1)}} {
		b.Run(g.name, func(b *testing.B) {
			var perProfile float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				kept := make([]Prepared, len(g.ps))
				for i, p := range g.ps {
					kept[i] = Prepare(p, lex)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				perProfile = float64(after.HeapAlloc-before.HeapAlloc) / float64(len(kept))
				runtime.KeepAlive(kept)
			}
			b.ReportMetric(perProfile, "B/profile")
		})
	}
}
