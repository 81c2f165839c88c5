package rounds

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkAssign2000x300 assigns 2,000 startups (3 meetings each) to 300
// counterparts (20 slots each, so supply meets demand) with a dense random score
// for every pair: 600,000 pairs. BENCHMARKS.md records its figure.
func BenchmarkAssign2000x300(b *testing.B) {
	const S, C = 2000, 300
	r := rand.New(rand.NewPCG(2000, 300))
	in := Input{}
	for i := range S {
		in.Startups = append(in.Startups, Startup{ID: fmt.Sprintf("s%05d", i), Meetings: 3})
	}
	for j := range C {
		in.Counterparts = append(in.Counterparts, Counterpart{ID: fmt.Sprintf("c%04d", j), Slots: 20, Free: -1})
	}
	scores := make([]int8, S*C)
	for i := range scores {
		scores[i] = int8(1 + r.IntN(100))
	}
	in.Score = func(s, c int) (int, string) { return int(scores[s*C+c]), "" }
	b.ResetTimer()
	var res Result
	for b.Loop() {
		res = Assign(in)
	}
	b.ReportMetric(float64(res.Total), "total")
	b.ReportMetric(float64(res.GreedyTotal), "greedy_total")
	b.ReportMetric(float64(len(res.Pairs)), "pairs")
	if res.Pruned {
		b.ReportMetric(1, "pruned")
	}
}
