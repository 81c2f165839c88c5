package rounds

import (
	"container/heap"
	"math"
)

// The assignment as a min-cost flow: source → startup (capacity its meetings,
// cost 0) → counterpart (capacity 1, cost −score) → sink (capacity its cap, cost
// 0). A flow of least cost is an assignment of greatest total score; flow stops
// where one more meeting would add no score, so nobody is paired at a loss.
//
// The solver is the primal-dual method: each phase finds shortest distances from
// the source by Dijkstra on reduced costs (node potentials keep them ≥ 0), then
// pushes a maximum flow (Dinic) through the arcs whose reduced cost is 0, which
// are exactly the arcs of the shortest augmenting paths. A phase strictly raises
// the cost of the next augmenting path, and path costs are integers between −100
// and 0 (a path's cost is the score it adds, negated), so there are at most 101
// phases whatever the size of the round.
//
// A virtual arc source → sink of cost 0 stands for "this startup's meeting stays
// empty": it keeps the sink reachable, ends the loop once the best path no longer
// adds score, and makes the final potentials a certificate of optimality (see
// duals).

const inf = math.MaxInt64 / 4

type graph struct {
	n, src, snk int
	head        []int32 // first arc of each node, −1 if none
	next        []int32 // next arc of the same tail
	to          []int32
	cap         []int32
	cost        []int64
	pot         []int64
}

func newGraph(n int) *graph {
	g := &graph{n: n, head: make([]int32, n), pot: make([]int64, n)}
	for i := range g.head {
		g.head[i] = -1
	}
	return g
}

// arc adds u→v with capacity c and cost w, and its residual twin v→u (index ^1).
func (g *graph) arc(u, v, c int, w int64) {
	g.to = append(g.to, int32(v), int32(u))
	g.cap = append(g.cap, int32(c), 0)
	g.cost = append(g.cost, w, -w)
	g.next = append(g.next, g.head[u], g.head[v])
	g.head[u] = int32(len(g.to) - 2)
	g.head[v] = int32(len(g.to) - 1)
}

func (g *graph) reduced(a int32, u int) int64 {
	return g.cost[a] + g.pot[u] - g.pot[g.to[a]]
}

// initPotentials sets potentials that make every initial arc's reduced cost ≥ 0:
// the graph is a DAG (source, startups, counterparts, sink), so its shortest
// distances from the source, layer by layer, will do.
func (g *graph) initPotentials(startups, counterparts int) {
	for i := range g.pot {
		g.pot[i] = 0
	}
	for u := 1; u <= startups; u++ {
		for a := g.head[u]; a >= 0; a = g.next[a] {
			if a&1 == 0 && g.cost[a] < 0 {
				v := g.to[a]
				if g.cost[a] < g.pot[v] {
					g.pot[v] = g.cost[a]
				}
			}
		}
	}
	for c := startups + 1; c <= startups+counterparts; c++ {
		if g.pot[c] < g.pot[g.snk] {
			g.pot[g.snk] = g.pot[c]
		}
	}
}

type item struct {
	v int32
	d int64
}
type pq []item

func (h pq) Len() int { return len(h) }
func (h pq) Less(i, j int) bool {
	if h[i].d != h[j].d {
		return h[i].d < h[j].d
	}
	return h[i].v < h[j].v
}
func (h pq) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pq) Push(x any)   { *h = append(*h, x.(item)) }
func (h *pq) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// dijkstra computes distances on reduced costs and moves the potentials by them.
// It reports the true cost of the cheapest source → sink path afterwards (the
// virtual empty-meeting arc included, so it is never above 0).
func (g *graph) dijkstra(dist []int64, h *pq) int64 {
	for i := range dist {
		dist[i] = inf
	}
	dist[g.src] = 0
	*h = (*h)[:0]
	heap.Push(h, item{int32(g.src), 0})
	// The empty-meeting arc source → sink, cost 0.
	if d := g.pot[g.src] - g.pot[g.snk]; d < dist[g.snk] {
		dist[g.snk] = d
		heap.Push(h, item{int32(g.snk), d})
	}
	for h.Len() > 0 {
		it := heap.Pop(h).(item)
		u := int(it.v)
		if it.d != dist[u] {
			continue
		}
		for a := g.head[u]; a >= 0; a = g.next[a] {
			if g.cap[a] == 0 {
				continue
			}
			v := g.to[a]
			if nd := it.d + g.reduced(a, u); nd < dist[v] {
				dist[v] = nd
				heap.Push(h, item{v, nd})
			}
		}
	}
	far := int64(0)
	for _, d := range dist {
		if d < inf && d > far {
			far = d
		}
	}
	for i, d := range dist {
		if d >= inf {
			d = far
		}
		g.pot[i] += d
	}
	return g.pot[g.snk] - g.pot[g.src]
}

// maxflow pushes a maximum flow from source to sink through the admissible arcs
// (residual, reduced cost 0), by Dinic's method. Arcs are tried in the order they
// were added, so the result depends only on the input order.
func (g *graph) maxflow(level, iter []int32, queue []int32) {
	for {
		for i := range level {
			level[i] = -1
		}
		level[g.src] = 0
		queue = append(queue[:0], int32(g.src))
		for qi := 0; qi < len(queue); qi++ {
			u := int(queue[qi])
			for a := g.head[u]; a >= 0; a = g.next[a] {
				v := g.to[a]
				if g.cap[a] > 0 && level[v] < 0 && g.reduced(a, u) == 0 {
					level[v] = level[u] + 1
					queue = append(queue, v)
				}
			}
		}
		if level[g.snk] < 0 {
			return
		}
		copy(iter, g.head)
		for g.push(g.src, math.MaxInt32, level, iter) > 0 {
		}
	}
}

func (g *graph) push(u int, f int32, level, iter []int32) int32 {
	if u == g.snk {
		return f
	}
	for ; iter[u] >= 0; iter[u] = g.next[iter[u]] {
		a := iter[u]
		v := int(g.to[a])
		if g.cap[a] == 0 || level[v] != level[u]+1 || g.reduced(a, u) != 0 {
			continue
		}
		if got := g.push(v, min(f, g.cap[a]), level, iter); got > 0 {
			g.cap[a] -= got
			g.cap[a^1] += got
			return got
		}
	}
	return 0
}

// solve runs the primal-dual loop to the end.
func (g *graph) solve() {
	dist := make([]int64, g.n)
	level := make([]int32, g.n)
	iter := make([]int32, g.n)
	queue := make([]int32, 0, g.n)
	var h pq
	for g.dijkstra(dist, &h) < 0 {
		g.maxflow(level, iter, queue)
	}
}
