// Package rounds assigns a brokered round (批量对接): a mentor day, an investor
// roadshow (路演) or a park's recruitment round, where a manager brings many
// startups and many counterparts together at once. Given each startup's number of
// meetings, each counterpart's slots, a score for every pair (or the hard
// constraint that excludes it), pairs to avoid and pairs already introduced, it
// finds the assignment of greatest total score by a min-cost flow written here,
// compares it with first-come-first-served, and says why whoever got less than
// they asked for did.
//
// It is pure: no I/O, no clock, no HTTP, no database. It does not know how scores
// are computed (internal/match does, and the caller passes them in) nor where a
// round is stored.
package rounds

import (
	"math"
	"slices"
	"strings"

	"fuhua/internal/match"
)

// Limits of one round.
const (
	MaxStartups     = 5000
	MaxCounterparts = 1000
	MaxMeetings     = 10  // meetings one startup may ask for
	MaxSlots        = 200 // slots one counterpart may offer
)

// Startup is one startup of a round and how many meetings it should get.
type Startup struct {
	ID       string
	Meetings int
}

// Counterpart is one mentor, investor, carrier or provider of a round. Slots is
// how many startups it meets; Free, when ≥ 0, is a limit of its own below that
// (a mentor's free mentoring capacity), and −1 means none.
type Counterpart struct {
	ID    string
	Slots int
	Free  int
}

// Input is one round to assign.
type Input struct {
	Startups     []Startup
	Counterparts []Counterpart
	// Score scores startup s with counterpart c (indexes into the slices above):
	// 0–100, or a non-empty excluded (a match.Exclude code) when a hard constraint
	// forbids the pair. A pair that scores 0 has nothing in common and is not
	// assigned either. It is called once per pair.
	Score func(s, c int) (score int, excluded string)
	// Reasons explains an assigned pair (called only for those); nil gives none.
	Reasons func(s, c int) []match.Reason
	// Avoid and Introduced are pairs of ids (startup and counterpart, either
	// order) that must not be assigned: avoided by the manager's choice, or
	// already introduced.
	Avoid      [][2]string
	Introduced [][2]string
	// MaxShare, when in (0, 1), caps every counterpart at that share of the
	// meetings the round asks for (the sum of Meetings), rounded down, at least 1:
	// the exposure cap that keeps the best-scored few from taking every meeting.
	// 0 (or 1) means no cap beyond slots.
	MaxShare float64
	// dense turns pruning off (tests compare the two).
	dense bool
}

// Pair is one assigned meeting.
type Pair struct {
	StartupID     string         `json:"startup_id" bson:"s"`
	CounterpartID string         `json:"counterpart_id" bson:"c"`
	Score         int            `json:"score" bson:"score"`
	Reasons       []match.Reason `json:"reasons" bson:"reasons"`
}

// StartupFacts is what the assignment found out about one startup: what it asked
// for and how many counterparts it could meet, by why not. It is kept with a
// round so that the reasons for who got less can be told again after edits.
type StartupFacts struct {
	ID       string `json:"id" bson:"id"`
	Meetings int    `json:"meetings" bson:"meetings"`
	// Eligible counts the counterparts it may meet: no hard constraint, a score
	// above 0, not avoided, not introduced.
	Eligible   int `json:"eligible" bson:"eligible"`
	Excluded   int `json:"excluded" bson:"excluded"`
	NoFit      int `json:"no_fit" bson:"no_fit"`
	Avoided    int `json:"avoided" bson:"avoided"`
	Introduced int `json:"introduced" bson:"introduced"`
}

// CounterpartFacts is the same for one counterpart: its slots as asked, its cap
// after its own limit and the round's share cap, and how many startups it may
// meet.
type CounterpartFacts struct {
	ID        string `json:"id" bson:"id"`
	Requested int    `json:"slots" bson:"slots"`
	Own       int    `json:"own_limit" bson:"own"` // Free when it limits, else Requested
	Cap       int    `json:"cap" bson:"cap"`
	Eligible  int    `json:"eligible" bson:"eligible"`
}

// Result is an assignment and what it is measured against.
type Result struct {
	// Pairs are ordered by startup id, best score first, then counterpart id.
	Pairs        []Pair
	Total        int
	Mean         float64
	GreedyTotal  int
	GreedyMean   float64
	GreedyPairs  int
	Startups     []StartupFacts     // in input order
	Counterparts []CounterpartFacts // in input order
	Unassigned   []Unassigned
	// Pruned reports that the solver worked on each startup's best counterparts
	// and proved (by the dual certificate) that the others could not improve it.
	Pruned bool
}

// ShareCap is the cap MaxShare puts on every counterpart of a round asking for
// meetings meetings in all; 0 means none.
func ShareCap(maxShare float64, meetings int) int {
	if maxShare <= 0 || maxShare >= 1 {
		return 0
	}
	return max(1, int(math.Floor(maxShare*float64(meetings)+1e-9)))
}

// cell codes in the eligibility matrix.
const (
	cellExcluded   = -1
	cellAvoided    = -2
	cellIntroduced = -3
)

// Assign finds the assignment of greatest total score. Ties between equally good
// assignments are broken by ids, never by input order, so the same round given in
// any order gives the same pairs. Inputs must be valid (see Validate).
func Assign(in Input) Result {
	S, C := len(in.Startups), len(in.Counterparts)
	res := Result{Startups: make([]StartupFacts, S), Counterparts: make([]CounterpartFacts, C)}
	sIdx := make(map[string]int, S)
	cIdx := make(map[string]int, C)
	total := 0
	for i, s := range in.Startups {
		sIdx[s.ID] = i
		res.Startups[i] = StartupFacts{ID: s.ID, Meetings: s.Meetings}
		total += s.Meetings
	}
	share := ShareCap(in.MaxShare, total)
	for j, c := range in.Counterparts {
		cIdx[c.ID] = j
		own := c.Slots
		if c.Free >= 0 && c.Free < own {
			own = c.Free
		}
		capj := own
		if share > 0 && share < capj {
			capj = share
		}
		res.Counterparts[j] = CounterpartFacts{ID: c.ID, Requested: c.Slots, Own: own, Cap: capj}
	}
	blocked := map[int64]int8{}
	block := func(pairs [][2]string, code int8) {
		for _, p := range pairs {
			si, ok1 := sIdx[p[0]]
			cj, ok2 := cIdx[p[1]]
			if !ok1 || !ok2 {
				si, ok1 = sIdx[p[1]]
				cj, ok2 = cIdx[p[0]]
			}
			if ok1 && ok2 {
				if _, done := blocked[int64(si)*int64(C)+int64(cj)]; !done {
					blocked[int64(si)*int64(C)+int64(cj)] = code
				}
			}
		}
	}
	block(in.Avoid, cellAvoided)
	block(in.Introduced, cellIntroduced)

	// The matrix: score 1–100 where eligible, 0 for no fit, a negative code else.
	m := make([]int8, S*C)
	for i := range S {
		f := &res.Startups[i]
		for j := range C {
			sc, ex := in.Score(i, j)
			v := int8(min(max(sc, 0), 100))
			if code, ok := blocked[int64(i)*int64(C)+int64(j)]; ok && ex == "" && v > 0 {
				v = code
			}
			switch {
			case ex != "":
				v = cellExcluded
				f.Excluded++
			case v == 0:
				f.NoFit++
			case v == cellAvoided:
				f.Avoided++
			case v == cellIntroduced:
				f.Introduced++
			default:
				f.Eligible++
				res.Counterparts[j].Eligible++
			}
			m[i*C+j] = v
		}
	}

	// Canonical order: by id, so that input order never decides a tie.
	sOrd := order(S, func(i int) string { return in.Startups[i].ID })
	cOrd := order(C, func(j int) string { return in.Counterparts[j].ID })
	assigned, pruned := solve(in, res, m, sOrd, cOrd, in.dense)
	res.Pruned = pruned
	for _, p := range assigned {
		pr := Pair{StartupID: in.Startups[p[0]].ID, CounterpartID: in.Counterparts[p[1]].ID, Score: int(m[p[0]*C+p[1]]), Reasons: []match.Reason{}}
		if in.Reasons != nil {
			pr.Reasons = in.Reasons(p[0], p[1])
		}
		res.Pairs = append(res.Pairs, pr)
	}
	SortPairs(res.Pairs)
	res.Total, res.Mean = Totals(res.Pairs)
	res.GreedyTotal, res.GreedyPairs = greedy(in, res, m)
	if res.GreedyPairs > 0 {
		res.GreedyMean = float64(res.GreedyTotal) / float64(res.GreedyPairs)
	}
	res.Unassigned = Explain(res.Startups, res.Counterparts, res.Pairs, nil)
	return res
}

func order(n int, id func(int) string) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = i
	}
	slices.SortStableFunc(o, func(a, b int) int { return strings.Compare(id(a), id(b)) })
	return o
}

// SortPairs puts pairs in their canonical order: startup id, best score first,
// counterpart id.
func SortPairs(ps []Pair) {
	slices.SortFunc(ps, func(a, b Pair) int {
		if c := strings.Compare(a.StartupID, b.StartupID); c != 0 {
			return c
		}
		if a.Score != b.Score {
			return b.Score - a.Score
		}
		return strings.Compare(a.CounterpartID, b.CounterpartID)
	})
}

// Totals is the total and mean score of pairs (mean 0 when there are none).
func Totals(ps []Pair) (int, float64) {
	t := 0
	for _, p := range ps {
		t += p.Score
	}
	if len(ps) == 0 {
		return 0, 0
	}
	return t, float64(t) / float64(len(ps))
}

// pruneK is how many of its best counterparts a startup keeps in the first
// solve: three times its meetings, at least 6.
func pruneK(meetings int) int { return max(3*meetings, 6) }

// solve returns the optimal pairs as (startup, counterpart) indexes. Unless dense,
// it first solves with each startup's pruneK best counterparts, then checks
// every pruned pair against the dual certificate (the final potentials); pairs
// that could improve the assignment are added and it solves again, up to a few
// times before it falls back to every pair.
func solve(in Input, res Result, m []int8, sOrd, cOrd []int, dense bool) ([][2]int, bool) {
	S, C := len(in.Startups), len(in.Counterparts)
	keep := make([][]int, S) // per startup (input index): counterpart input indexes kept
	for i := range S {
		var cands []int
		for _, j := range cOrd {
			if m[i*C+j] > 0 {
				cands = append(cands, j)
			}
		}
		// Best first; cOrd already orders equal scores by id, and the sort is stable.
		slices.SortStableFunc(cands, func(a, b int) int { return int(m[i*C+b]) - int(m[i*C+a]) })
		if k := pruneK(in.Startups[i].Meetings); !dense && len(cands) > k {
			cands = cands[:k]
		}
		keep[i] = cands
	}
	sPos, cPos := invert(sOrd), invert(cOrd)
	for round := 0; ; round++ {
		g, arcOf := build(in, res, m, keep, sOrd, cOrd)
		g.solve()
		pairs := flowPairs(g, arcOf)
		if dense {
			return pairs, false
		}
		// The certificate. From the final potentials π, u_s = max(0, π_s − π_t)
		// and v_c = max(0, π_t − π_c), with z_e = max(0, w_e − u_s − v_c) on the
		// kept pairs, solve the dual of the assignment's linear programme on the
		// kept pairs, and their objective Σ meetings·u + Σ cap·v + Σ z equals the
		// total found: every residual arc has reduced cost ≥ 0, and the
		// empty-meeting arc ties π_t to the source wherever a meeting stays empty.
		// If every pruned pair also has w_e ≤ u_s + v_c, the same duals (z_e = 0
		// there) are feasible for the whole round, so by weak duality no
		// assignment over all pairs scores more. A pruned pair with
		// w_e > u_s + v_c might, so it is added and the round solved again.
		added := false
		kept := make([]bool, C)
		for i := range S {
			for _, j := range keep[i] {
				kept[j] = true
			}
			u := max(0, g.pot[1+sPos[i]]-g.pot[g.snk])
			var extra []int
			for _, j := range cOrd {
				w := int64(m[i*C+j])
				if w <= 0 || kept[j] {
					continue
				}
				v := max(0, g.pot[g.snk]-g.pot[1+S+cPos[j]])
				if w > u+v {
					extra = append(extra, j)
				}
			}
			for _, j := range keep[i] {
				kept[j] = false
			}
			if len(extra) > 0 {
				added = true
				keep[i] = append(keep[i], extra...)
			}
		}
		if !added {
			return pairs, true
		}
		if round == 3 {
			return solve(in, res, m, sOrd, cOrd, true)
		}
	}
}

// invert maps each input index to its position in ord.
func invert(ord []int) []int {
	inv := make([]int, len(ord))
	for p, i := range ord {
		inv[i] = p
	}
	return inv
}

// build lays out the flow graph in canonical order: node 0 the source, 1..S the
// startups by id, S+1..S+C the counterparts by id, S+C+1 the sink. arcOf maps
// each startup → counterpart arc to its (startup, counterpart) input indexes.
func build(in Input, res Result, m []int8, keep [][]int, sOrd, cOrd []int) (*graph, []pairArc) {
	S, C := len(in.Startups), len(in.Counterparts)
	g := newGraph(S + C + 2)
	g.src, g.snk = 0, S+C+1
	cPos := invert(cOrd)
	var arcOf []pairArc
	for p, i := range sOrd {
		g.arc(0, 1+p, in.Startups[i].Meetings, 0)
	}
	for p, i := range sOrd {
		js := slices.Clone(keep[i])
		slices.SortFunc(js, func(a, b int) int { return cPos[a] - cPos[b] })
		for _, j := range js {
			arcOf = append(arcOf, pairArc{int32(len(g.to)), int32(i), int32(j)})
			g.arc(1+p, 1+S+cPos[j], 1, -int64(m[i*C+j]))
		}
	}
	for p, j := range cOrd {
		g.arc(1+S+p, g.snk, res.Counterparts[j].Cap, 0)
	}
	g.initPotentials(S, C)
	return g, arcOf
}

// pairArc is a startup → counterpart arc and the input indexes of its pair.
type pairArc struct{ arc, s, c int32 }

// flowPairs reads the assignment off the flow: the saturated pair arcs.
func flowPairs(g *graph, arcOf []pairArc) [][2]int {
	var out [][2]int
	for _, p := range arcOf {
		if g.cap[p.arc] == 0 {
			out = append(out, [2]int{int(p.s), int(p.c)})
		}
	}
	return out
}

// greedy is first come, first served: startups in input order each take their
// best counterparts with room (score, then id), up to their meetings.
func greedy(in Input, res Result, m []int8) (total, pairs int) {
	C := len(in.Counterparts)
	cOrd := order(C, func(j int) string { return in.Counterparts[j].ID })
	used := make([]int, C)
	for i, s := range in.Startups {
		cands := make([]int, 0, C)
		for _, j := range cOrd {
			if m[i*C+j] > 0 {
				cands = append(cands, j)
			}
		}
		slices.SortStableFunc(cands, func(a, b int) int { return int(m[i*C+b]) - int(m[i*C+a]) })
		got := 0
		for _, j := range cands {
			if got == s.Meetings {
				break
			}
			if used[j] < res.Counterparts[j].Cap {
				used[j]++
				got++
				total += int(m[i*C+j])
				pairs++
			}
		}
	}
	return total, pairs
}
