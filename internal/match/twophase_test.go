package match

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/index/indextest"
	"fuhua/internal/profile"
)

// onePhase is ranking as it was before RankScores: every candidate scored with
// its reasons, then sorted and cut. The two-phase ranking must equal it.
func onePhase(fromP Prepared, cands []Prepared, env Env, limit int) []Item {
	items := make([]Item, 0, len(cands))
	for _, c := range cands {
		if Exclude(fromP.Profile(), c.Profile(), env) != "" {
			continue
		}
		if it := score(fromP.q, c.q, env); it.Score > 0 {
			items = append(items, it)
		}
	}
	Sort(items)
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items
}

// twoPhaseCases is rankings over profiles of three generators: seed's demo
// prose, the index's generated profiles, and randomProfiles' boundary values.
func twoPhaseCases(t *testing.T, lex *Lexicon) []rankCase {
	t.Helper()
	cases := rankCases(lex, 150, 50)
	var ps []*profile.Profile
	ps = append(ps, indextest.Profiles(120, 9)...)
	startups, others := randomProfiles(rand.New(rand.NewPCG(11, 12)), 20)
	ps = append(append(ps, startups...), others...)
	byKind := map[profile.Kind][]Prepared{}
	var all []Prepared
	for _, p := range ps {
		q := Prepare(p, lex)
		byKind[p.Kind] = append(byKind[p.Kind], q)
		all = append(all, q)
	}
	for _, f := range all {
		for _, k := range targets[f.Profile().Kind] {
			cases = append(cases, rankCase{f, byKind[k]})
		}
	}
	return cases
}

// TestTwoPhaseEqualsOnePhase: scoring without sentences and writing them only
// for the items returned changes no item (kind, id, name, score, every reason
// with its code, sentences and weight) and no place in the order.
func TestTwoPhaseEqualsOnePhase(t *testing.T) {
	lex := testLex()
	env := Env{Lex: lex, Accepted: map[string]int{}}
	items, pairs := 0, 0
	for i, c := range twoPhaseCases(t, lex) {
		want := onePhase(c.from, c.cands, env, 0)
		items += len(want)
		if diff := cmp.Diff(want, RankFrom(c.from, c.cands, env, 0)); diff != "" {
			t.Fatalf("case %d (%s): RankFrom differs from one-phase ranking (-want +got):\n%s", i, c.from.Profile().ID, diff)
		}
		limit := 1 + i%20
		if diff := cmp.Diff(onePhase(c.from, c.cands, env, limit), RankFrom(c.from, c.cands, env, limit)); diff != "" {
			t.Fatalf("case %d (%s): RankFrom limit %d differs (-want +got):\n%s", i, c.from.Profile().ID, limit, diff)
		}
		scored := RankScores(c.from, c.cands, env)
		if len(scored) != len(want) {
			t.Fatalf("case %d: RankScores kept %d, one phase %d", i, len(scored), len(want))
		}
		for j, s := range scored {
			if s.ID != want[j].ID || s.Score != want[j].Score {
				t.Fatalf("case %d place %d: RankScores has %s %d, one phase %s %d", i, j, s.ID, s.Score, want[j].ID, want[j].Score)
			}
			b := s.Bare()
			if b.Kind != want[j].Kind || b.ID != want[j].ID || b.Name != want[j].Name || b.Score != want[j].Score || len(b.Reasons) != 0 {
				t.Fatalf("case %d place %d: Bare = %+v, want the item without reasons of %+v", i, j, b, want[j])
			}
		}
		// A caller that rearranges bare items (as the ledger does) and cuts
		// them gets each one's full item back from Explain.
		bare := make([]Item, len(scored))
		for j, s := range scored {
			bare[j] = s.Bare()
		}
		slices.Reverse(bare)
		bare = bare[:len(bare)/2]
		wantRev := slices.Clone(want)
		slices.Reverse(wantRev)
		if diff := cmp.Diff(wantRev[:len(bare)], Explain(bare, scored)); diff != "" {
			t.Fatalf("case %d: Explain differs (-want +got):\n%s", i, diff)
		}
		// The score without sentences is the score with them for every pair,
		// excluded or not, 0 or not.
		for _, cand := range c.cands {
			pairs++
			if got, full := scoreOnly(c.from.q, cand.q, env), score(c.from.q, cand.q, env).Score; got != full {
				t.Fatalf("case %d: %s→%s scores %d without sentences, %d with", i, c.from.Profile().ID, cand.Profile().ID, got, full)
			}
		}
	}
	if items < 1000 || pairs < 10000 {
		t.Fatalf("only %d items and %d pairs compared; the generators no longer make enough matches", items, pairs)
	}
	t.Logf("%d items, %d pairs", items, pairs)
}
