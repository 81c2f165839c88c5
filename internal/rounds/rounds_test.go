package rounds

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/match"
	"fuhua/internal/profile"
)

// instance is a random round with its score matrix.
type instance struct {
	in    Input
	score [][]int    // startup × counterpart, input order
	ex    [][]string // hard-constraint exclusions
}

func (x *instance) wire() {
	x.in.Score = func(s, c int) (int, string) { return x.score[s][c], x.ex[s][c] }
	x.in.Reasons = func(s, c int) []match.Reason {
		return []match.Reason{{Code: "test", ZH: "测试", EN: "test", Weight: x.score[s][c]}}
	}
}

// random makes a round of up to maxS startups and maxC counterparts.
func random(r *rand.Rand, maxS, maxC, maxMeet, maxSlots int, correlated bool) *instance {
	S, C := 1+r.IntN(maxS), 1+r.IntN(maxC)
	x := &instance{}
	for i := range S {
		x.in.Startups = append(x.in.Startups, Startup{ID: fmt.Sprintf("s%03d", i), Meetings: 1 + r.IntN(maxMeet)})
	}
	for j := range C {
		free := -1
		if r.IntN(5) == 0 {
			free = r.IntN(maxSlots + 1)
		}
		x.in.Counterparts = append(x.in.Counterparts, Counterpart{ID: fmt.Sprintf("c%03d", j), Slots: 1 + r.IntN(maxSlots), Free: free})
	}
	pop := make([]int, C) // how much everyone likes counterpart j (correlated scores)
	for j := range pop {
		pop[j] = r.IntN(60)
	}
	x.score = make([][]int, S)
	x.ex = make([][]string, S)
	for i := range S {
		x.score[i] = make([]int, C)
		x.ex[i] = make([]string, C)
		for j := range C {
			switch k := r.IntN(10); {
			case k == 0:
				x.ex[i][j] = match.ExcludeStage
				x.score[i][j] = r.IntN(101) // an excluded pair's score must not matter
			case k == 1:
				x.score[i][j] = 0
			case correlated:
				x.score[i][j] = min(100, pop[j]+r.IntN(41))
			default:
				x.score[i][j] = 1 + r.IntN(100)
			}
		}
	}
	for range r.IntN(3) {
		x.in.Avoid = append(x.in.Avoid, [2]string{x.in.Startups[r.IntN(S)].ID, x.in.Counterparts[r.IntN(C)].ID})
	}
	for range r.IntN(2) { // either order is accepted
		x.in.Introduced = append(x.in.Introduced, [2]string{x.in.Counterparts[r.IntN(C)].ID, x.in.Startups[r.IntN(S)].ID})
	}
	if r.IntN(3) == 0 {
		x.in.MaxShare = 0.1 + 0.5*r.Float64()
	}
	x.wire()
	return x
}

// allowed is the matrix as the rules see it: the score where a pair may be
// assigned, 0 where not.
func (x *instance) allowed() [][]int {
	out := make([][]int, len(x.score))
	for i := range x.score {
		out[i] = make([]int, len(x.score[i]))
		for j, sc := range x.score[i] {
			s, c := x.in.Startups[i].ID, x.in.Counterparts[j].ID
			if x.ex[i][j] != "" || slices.Contains(x.in.Avoid, [2]string{s, c}) || slices.Contains(x.in.Avoid, [2]string{c, s}) ||
				slices.Contains(x.in.Introduced, [2]string{s, c}) || slices.Contains(x.in.Introduced, [2]string{c, s}) {
				continue
			}
			out[i][j] = sc
		}
	}
	return out
}

// caps is each counterpart's cap, computed here from the rules as documented.
func (x *instance) caps() []int {
	total := 0
	for _, s := range x.in.Startups {
		total += s.Meetings
	}
	share := 0
	if x.in.MaxShare > 0 && x.in.MaxShare < 1 {
		share = max(1, int(x.in.MaxShare*float64(total)))
	}
	var out []int
	for _, c := range x.in.Counterparts {
		k := c.Slots
		if c.Free >= 0 {
			k = min(k, c.Free)
		}
		if share > 0 {
			k = min(k, share)
		}
		out = append(out, k)
	}
	return out
}

// brute tries every assignment and returns the best total.
func (x *instance) brute() int {
	w, caps := x.allowed(), x.caps()
	used := make([]int, len(caps))
	best := 0
	var rec func(i, total int)
	rec = func(i, total int) {
		if i == len(w) {
			best = max(best, total)
			return
		}
		var pick func(j, left, total int)
		pick = func(j, left, total int) {
			if j == len(caps) || left == 0 {
				rec(i+1, total)
				return
			}
			pick(j+1, left, total)
			if w[i][j] > 0 && used[j] < caps[j] {
				used[j]++
				pick(j+1, left-1, total+w[i][j])
				used[j]--
			}
		}
		pick(0, x.in.Startups[i].Meetings, total)
	}
	rec(0, 0)
	return best
}

// check asserts what must hold of any result: pairs allowed, scores right, no
// capacity exceeded, totals adding up, greedy no better.
func (x *instance) check(t *testing.T, res Result) {
	t.Helper()
	w, caps := x.allowed(), x.caps()
	si, ci := map[string]int{}, map[string]int{}
	for i, s := range x.in.Startups {
		si[s.ID] = i
	}
	for j, c := range x.in.Counterparts {
		ci[c.ID] = j
	}
	sGot, cGot := map[int]int{}, map[int]int{}
	seen := map[[2]string]bool{}
	total := 0
	for _, p := range res.Pairs {
		i, j := si[p.StartupID], ci[p.CounterpartID]
		if w[i][j] == 0 {
			t.Fatalf("pair %s–%s is not allowed (score %d, excluded %q)", p.StartupID, p.CounterpartID, x.score[i][j], x.ex[i][j])
		}
		if p.Score != w[i][j] {
			t.Fatalf("pair %s–%s has score %d, want %d", p.StartupID, p.CounterpartID, p.Score, w[i][j])
		}
		if seen[[2]string{p.StartupID, p.CounterpartID}] {
			t.Fatalf("pair %s–%s twice", p.StartupID, p.CounterpartID)
		}
		seen[[2]string{p.StartupID, p.CounterpartID}] = true
		sGot[i]++
		cGot[j]++
		total += p.Score
	}
	for i, s := range x.in.Startups {
		if sGot[i] > s.Meetings {
			t.Fatalf("startup %s got %d meetings, asked %d", s.ID, sGot[i], s.Meetings)
		}
	}
	for j, c := range x.in.Counterparts {
		if cGot[j] > caps[j] {
			t.Fatalf("counterpart %s got %d, cap %d", c.ID, cGot[j], caps[j])
		}
	}
	if total != res.Total {
		t.Fatalf("total %d, pairs add up to %d", res.Total, total)
	}
	if res.GreedyTotal > res.Total {
		t.Fatalf("greedy %d beats the optimum %d", res.GreedyTotal, res.Total)
	}
}

func TestAssignMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	for n := range 400 {
		x := random(r, 5, 4, 2, 2, n%2 == 0)
		res := Assign(x.in)
		x.check(t, res)
		if want := x.brute(); res.Total != want {
			t.Fatalf("instance %d: total %d, brute force finds %d\n%+v\n%v", n, res.Total, want, x.in, x.score)
		}
	}
}

func TestAssignIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for n := range 50 {
		x := random(r, 30, 8, 3, 4, n%2 == 0)
		a, b := Assign(x.in), Assign(x.in)
		if d := cmp.Diff(a, b); d != "" {
			t.Fatalf("same input, different results (-first +second):\n%s", d)
		}
		// The same round listed in another order: the same pairs.
		y := shuffled(r, x)
		c := Assign(y.in)
		if d := cmp.Diff(a.Pairs, c.Pairs); d != "" {
			t.Fatalf("shuffled input, different pairs (-in order +shuffled):\n%s", d)
		}
		if a.Total != c.Total {
			t.Fatalf("shuffled: total %d vs %d", a.Total, c.Total)
		}
	}
}

// shuffled is x with startups and counterparts (and their matrix) reordered.
func shuffled(r *rand.Rand, x *instance) *instance {
	S, C := len(x.in.Startups), len(x.in.Counterparts)
	ps, pc := r.Perm(S), r.Perm(C)
	y := &instance{in: x.in}
	y.in.Startups = make([]Startup, S)
	y.in.Counterparts = make([]Counterpart, C)
	y.score = make([][]int, S)
	y.ex = make([][]string, S)
	for a, i := range ps {
		y.in.Startups[a] = x.in.Startups[i]
		y.score[a] = make([]int, C)
		y.ex[a] = make([]string, C)
		for b, j := range pc {
			y.score[a][b] = x.score[i][j]
			y.ex[a][b] = x.ex[i][j]
		}
	}
	for b, j := range pc {
		y.in.Counterparts[b] = x.in.Counterparts[j]
	}
	y.in.Avoid = slices.Clone(x.in.Avoid)
	slices.Reverse(y.in.Avoid)
	y.wire()
	return y
}

// TestPruningKeepsTheOptimum compares the pruned solve (each startup's best
// counterparts, then every other pair checked against the dual certificate)
// with the dense one on instances where pruning bites: many counterparts, and
// scores correlated so that the favourites' slots run out.
func TestPruningKeepsTheOptimum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	certified := 0
	for n := range 24 {
		x := random(r, 60, 30, 3, 6, n%2 == 0)
		pruned := Assign(x.in)
		x.check(t, pruned)
		d := x.in
		d.dense = true
		dense := Assign(d)
		if pruned.Total != dense.Total {
			t.Fatalf("instance %d: pruned total %d, dense %d", n, pruned.Total, dense.Total)
		}
		if pruned.Pruned {
			certified++
		}
	}
	if certified == 0 {
		t.Fatal("no instance was solved pruned and certified: the test did not exercise pruning")
	}
}

// TestOptimumBeatsFirstComeFirstServed is the case every broker knows: the first
// startup takes the counterpart the second needs, though it had another almost as
// good.
func TestOptimumBeatsFirstComeFirstServed(t *testing.T) {
	x := &instance{
		in: Input{
			Startups:     []Startup{{ID: "a", Meetings: 1}, {ID: "b", Meetings: 1}},
			Counterparts: []Counterpart{{ID: "m1", Slots: 1, Free: -1}, {ID: "m2", Slots: 1, Free: -1}},
		},
		score: [][]int{{90, 80}, {85, 0}},
		ex:    [][]string{{"", ""}, {"", ""}},
	}
	x.wire()
	res := Assign(x.in)
	want := []Pair{
		{StartupID: "a", CounterpartID: "m2", Score: 80, Reasons: []match.Reason{{Code: "test", ZH: "测试", EN: "test", Weight: 80}}},
		{StartupID: "b", CounterpartID: "m1", Score: 85, Reasons: []match.Reason{{Code: "test", ZH: "测试", EN: "test", Weight: 85}}},
	}
	if d := cmp.Diff(want, res.Pairs); d != "" {
		t.Fatalf("pairs (-want +got):\n%s", d)
	}
	if res.Total != 165 || res.GreedyTotal != 90 || res.GreedyPairs != 1 || res.Mean != 82.5 || res.GreedyMean != 90 {
		t.Fatalf("total %d mean %v, greedy %d mean %v over %d", res.Total, res.Mean, res.GreedyTotal, res.GreedyMean, res.GreedyPairs)
	}
	if len(res.Unassigned) != 0 {
		t.Fatalf("unassigned: %+v", res.Unassigned)
	}
}

func TestExplainSaysWhy(t *testing.T) {
	// s1 fits nobody (one pair excluded, the rest score 0); s2's only fit is
	// avoided; s3 and s4 both want only m1, which has one slot; s5 fits m2 alone
	// and asks for two meetings; s6 and s7 both fit m4, whose own limit (a
	// mentor's free capacity) is 1 of its 2 slots; m3 fits nobody.
	x := &instance{
		in: Input{
			Startups: []Startup{{ID: "s1", Meetings: 1}, {ID: "s2", Meetings: 1}, {ID: "s3", Meetings: 1},
				{ID: "s4", Meetings: 1}, {ID: "s5", Meetings: 2}, {ID: "s6", Meetings: 1}, {ID: "s7", Meetings: 1}},
			Counterparts: []Counterpart{{ID: "m1", Slots: 1, Free: -1}, {ID: "m2", Slots: 3, Free: -1},
				{ID: "m3", Slots: 1, Free: -1}, {ID: "m4", Slots: 2, Free: 1}},
			Avoid: [][2]string{{"m2", "s2"}},
		},
		score: [][]int{
			{0, 0, 0, 0},
			{0, 50, 0, 0},
			{70, 0, 0, 0},
			{60, 0, 0, 0},
			{0, 40, 0, 0},
			{0, 0, 0, 50},
			{0, 0, 0, 40},
		},
		ex: make([][]string, 7),
	}
	for i := range x.ex {
		x.ex[i] = make([]string, 4)
	}
	x.ex[0][0] = match.ExcludeTicket
	x.wire()
	res := Assign(x.in)
	x.check(t, res)
	got := map[string]string{}
	for _, u := range res.Unassigned {
		got[u.ID] = fmt.Sprintf("%s/%d", u.Reason, u.Missing)
		if u.ZH == "" || u.EN == "" {
			t.Fatalf("unassigned %s has no text: %+v", u.ID, u)
		}
	}
	want := map[string]string{
		"s1": "no_eligible/1", "s2": "avoided/1", "s4": "full/1", "s5": "too_few/1", "s7": "full/1",
		"m2": "demand_met/2", "m3": "no_eligible/1", "m4": "own_limit/1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("unassigned (-want +got):\n%s", d)
	}

	// A share cap of 20 % of the 8 meetings asked for is 1 per counterpart.
	x.in.MaxShare = 0.2
	res = Assign(x.in)
	x.check(t, res)
	for _, u := range res.Unassigned {
		if u.ID == "m2" && u.Reason != WhyShareCap {
			t.Fatalf("m2 with max_share: %+v", u)
		}
	}
}

func TestRoundEdits(t *testing.T) {
	r := &Round{State: Draft,
		Startups:     []StartupFacts{{ID: "s1", Meetings: 1, Eligible: 2}, {ID: "s2", Meetings: 1, Eligible: 1}},
		Counterparts: []CounterpartFacts{{ID: "m1", Requested: 1, Own: 1, Cap: 1, Eligible: 2}, {ID: "m2", Requested: 1, Own: 1, Cap: 1, Eligible: 1}},
		Avoid:        []IDPair{{"s2", "m2"}},
		Pairs:        []Pair{{StartupID: "s1", CounterpartID: "m1", Score: 60}},
	}
	r.Retotal()
	cases := []struct {
		p    Pair
		code string
	}{
		{Pair{StartupID: "s1", CounterpartID: "m2"}, "startup_full"},
		{Pair{StartupID: "s2", CounterpartID: "m1"}, "counterpart_full"},
		{Pair{StartupID: "s2", CounterpartID: "m2"}, "avoided_pair"},
		{Pair{StartupID: "s9", CounterpartID: "m1"}, "not_in_round"},
		{Pair{StartupID: "s1", CounterpartID: "m1"}, "duplicate_pair"},
	}
	for _, c := range cases {
		err := r.Add("add", c.p)
		if err == nil || !containsCode(err, c.code) {
			t.Fatalf("add %+v: %v, want %s", c.p, err, c.code)
		}
	}
	if r.Total != 60 || len(r.Pairs) != 1 {
		t.Fatalf("a refused add changed the round: %+v", r)
	}
	if err := r.Remove("remove", "s1", "m1"); err != nil {
		t.Fatal(err)
	}
	if r.Total != 0 || len(r.Removed) != 1 {
		t.Fatalf("after remove: %+v", r)
	}
	un := r.Unassigned()
	if len(un) == 0 || un[0].ID != "s1" || un[0].Reason != WhyRemoved {
		t.Fatalf("unassigned after remove: %+v", un)
	}
	if err := r.Add("add", Pair{StartupID: "s2", CounterpartID: "m1", Score: 30}); err != nil {
		t.Fatal(err)
	}
	if r.Total != 30 {
		t.Fatalf("total after add: %d", r.Total)
	}
	r.State = Published
	if err := r.Remove("remove", "s2", "m1"); err == nil {
		t.Fatal("a published round was edited")
	}
}

func containsCode(err error, code string) bool {
	e, ok := profile.AsError(err)
	return ok && e.Code == code && e.ZH != "" && e.EN != ""
}

func TestValidate(t *testing.T) {
	ok := Input{Startups: []Startup{{ID: "a", Meetings: 1}}, Counterparts: []Counterpart{{ID: "b", Slots: 1, Free: -1}}}
	if err := Validate(ok); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		field string
		f     func(in *Input)
	}{
		{"startup_ids", func(in *Input) { in.Startups = nil }},
		{"counterpart_ids", func(in *Input) { in.Counterparts = append(in.Counterparts, Counterpart{ID: "a", Slots: 1}) }},
		{"meetings_per_startup", func(in *Input) { in.Startups[0].Meetings = MaxMeetings + 1 }},
		{"slots", func(in *Input) { in.Counterparts[0].Slots = 0 }},
		{"max_share", func(in *Input) { in.MaxShare = 1.5 }},
		{"startup_ids", func(in *Input) {
			for i := range MaxStartups {
				in.Startups = append(in.Startups, Startup{ID: fmt.Sprint("x", i), Meetings: 1})
			}
		}},
	}
	for _, b := range bad {
		field, f := b.field, b.f
		in := ok
		in.Startups = slices.Clone(ok.Startups)
		in.Counterparts = slices.Clone(ok.Counterparts)
		f(&in)
		err := Validate(in)
		if e, ok := profile.AsError(err); !ok || e.Field != field || e.ZH == "" || e.EN == "" {
			t.Fatalf("%s: %v", field, err)
		}
	}
}
