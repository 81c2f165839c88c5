package index

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"fuhua/internal/match"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// The judged set (testdata/judged) is a relevance set for matching: realistic
// profiles of all six kinds and queries whose candidates were graded 0–3 by
// what an experienced incubation manager in Jiangsu would say, before fuhua's
// output was looked at. TestJudgedRelevance scores fuhua and a naive baseline
// on it with NDCG@5, per direction.

var judgedVerbose = flag.Bool("judged.v", false, "print every judged query's top 5 with grades, for fuhua and the naive baseline")

// judgedFloor is fuhua's mean NDCG@5 on the judged set minus 0.01: 0.8810 when
// the set was written (2026-12-01, the naive baseline 0.8348), 0.9260 after the
// chain map (issue 8). Raise it as the ranking improves.
const judgedFloor = 0.916

// judgedMaxIrrelevantTop3 is how many queries may have a grade-0 candidate in
// fuhua's top 3: 27 of 64 when the set was written, 23 after the chain map. One
// more is a regression; lower it as the ranking improves.
const judgedMaxIrrelevantTop3 = 23

type judgedCandidate struct {
	ID    string `json:"id"`
	Grade int    `json:"grade"`
	Why   string `json:"why"`
	Hard  bool   `json:"hard"`
}

type judgedQuery struct {
	ID         string            `json:"id"`
	From       string            `json:"from"`
	Target     profile.Kind      `json:"target"`
	Candidates []judgedCandidate `json:"candidates"`
}

func loadJudged(t *testing.T) ([]*profile.Profile, map[string]*profile.Profile, []judgedQuery) {
	t.Helper()
	var ps []*profile.Profile
	var qs []judgedQuery
	for name, into := range map[string]any{"profiles.json": &ps, "queries.json": &qs} {
		raw, err := os.ReadFile(filepath.Join("testdata", "judged", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, into); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	cat := seed.Catalog()
	byID := map[string]*profile.Profile{}
	for _, p := range ps {
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			t.Errorf("profile %s does not pass fuhua's validation: %v", p.ID, err)
		}
		if byID[p.ID] != nil {
			t.Errorf("profile id %s twice", p.ID)
		}
		byID[p.ID] = p
	}
	return ps, byID, qs
}

// direction names a query's direction, "startup→mentor".
func direction(from *profile.Profile, target profile.Kind) string {
	return string(from.Kind) + "→" + string(target)
}

// checkJudged checks the set is what it claims to be: every query from a known
// profile to a kind it may be matched with, at least 15 distinct candidates of
// that kind graded 0–3 with a reason, and "hard" exactly where match.Exclude
// removes the candidate (with no accepted introductions, a mentor of capacity 0
// is full).
func checkJudged(t *testing.T, byID map[string]*profile.Profile, qs []judgedQuery) {
	t.Helper()
	env := match.Env{Accepted: map[string]int{}}
	perDir := map[string]int{}
	for _, q := range qs {
		from := byID[q.From]
		if from == nil {
			t.Fatalf("%s: from %s is not a judged profile", q.ID, q.From)
		}
		if !match.Allowed(from.Kind, q.Target) {
			t.Fatalf("%s: a %s cannot be matched with %s", q.ID, from.Kind, q.Target)
		}
		perDir[direction(from, q.Target)]++
		if len(q.Candidates) < 15 {
			t.Errorf("%s: %d candidates; at least 15", q.ID, len(q.Candidates))
		}
		seen := map[string]bool{}
		positive := false
		for _, c := range q.Candidates {
			p := byID[c.ID]
			switch {
			case p == nil:
				t.Errorf("%s: candidate %s is not a judged profile", q.ID, c.ID)
				continue
			case p.Kind != q.Target:
				t.Errorf("%s: candidate %s is a %s, not a %s", q.ID, c.ID, p.Kind, q.Target)
			case seen[c.ID]:
				t.Errorf("%s: candidate %s twice", q.ID, c.ID)
			case c.Grade < 0 || c.Grade > 3 || strings.TrimSpace(c.Why) == "":
				t.Errorf("%s: candidate %s: grade %d, why %q", q.ID, c.ID, c.Grade, c.Why)
			}
			seen[c.ID] = true
			positive = positive || c.Grade > 0
			if why := match.Exclude(from, p, env); (why != "") != c.Hard {
				t.Errorf("%s: candidate %s marked hard=%v but match.Exclude says %q", q.ID, c.ID, c.Hard, why)
			}
		}
		if !positive {
			t.Errorf("%s: no candidate graded above 0", q.ID)
		}
	}
	for _, d := range judgedDirections {
		if perDir[d] < 8 {
			t.Errorf("direction %s has %d queries; at least 8", d, perDir[d])
		}
	}
}

var judgedDirections = []string{"startup→mentor", "startup→investor", "startup→carrier",
	"startup→enclave", "startup→provider", "investor→startup"}

// ranking is a query's candidates in a scorer's order: those it returned, in
// its order, then the rest by id. shown counts the returned ones.
type ranking struct {
	ids   []string
	shown int
}

func rankCandidates(q judgedQuery, returned []string) ranking {
	in := map[string]bool{}
	for _, c := range q.Candidates {
		in[c.ID] = true
	}
	var r ranking
	got := map[string]bool{}
	for _, id := range returned {
		if in[id] && !got[id] {
			r.ids = append(r.ids, id)
			got[id] = true
		}
	}
	r.shown = len(r.ids)
	var rest []string
	for _, c := range q.Candidates {
		if !got[c.ID] {
			rest = append(rest, c.ID)
		}
	}
	sort.Strings(rest)
	r.ids = append(r.ids, rest...)
	return r
}

// ndcg5 is NDCG@5 with gain 2^grade−1, the ideal taken from the grades.
func ndcg5(q judgedQuery, ids []string) float64 {
	grade := map[string]int{}
	var all []int
	for _, c := range q.Candidates {
		grade[c.ID] = c.Grade
		all = append(all, c.Grade)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(all)))
	dcg := func(gs []int) float64 {
		s := 0.0
		for i := 0; i < len(gs) && i < 5; i++ {
			s += (math.Pow(2, float64(gs[i])) - 1) / math.Log2(float64(i)+2)
		}
		return s
	}
	var got []int
	for _, id := range ids {
		got = append(got, grade[id])
	}
	if ideal := dcg(all); ideal > 0 {
		return dcg(got) / ideal
	}
	return 0
}

// naive is the baseline fuhua is compared with: the hard constraints, chain
// overlap (declared chains plus chains whose name or synonyms occur in the
// text), and the character-bigram cosine of name, summary and tags. Written
// naive on purpose, not tuned.
type naive struct{ chains []seed.Chain }

func (n naive) text(p *profile.Profile) string {
	return strings.ToLower(p.Name + " " + p.Summary + " " + strings.Join(p.Tags, " "))
}

func (n naive) chainSet(p *profile.Profile) map[string]bool {
	set := map[string]bool{}
	for _, c := range p.Chains {
		set[c] = true
	}
	text := n.text(p)
	for _, c := range n.chains {
		for _, w := range append([]string{c.ZH}, c.Synonyms...) {
			if containsWord(text, strings.ToLower(w)) {
				set[c.Code] = true
				break
			}
		}
	}
	return set
}

// containsWord finds w in text; a Latin word only where no letter or digit
// touches it ("ic" is not in "electronics").
func containsWord(text, w string) bool {
	latin := w != "" && w[0] < 0x80
	for i := 0; w != ""; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(w)
		if !latin || (j == 0 || !isASCIIAlnum(text[j-1])) && (end == len(text) || !isASCIIAlnum(text[end])) {
			return true
		}
		i = j + 1
	}
	return false
}

func isASCIIAlnum(b byte) bool {
	return b < 0x80 && (unicode.IsLetter(rune(b)) || unicode.IsDigit(rune(b)))
}

func bigrams(s string) map[string]float64 {
	var rs []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	out := map[string]float64{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])]++
	}
	return out
}

func cosine(a, b map[string]float64) float64 {
	var dot, na, nb float64
	for k, v := range a {
		dot += v * b[k]
		na += v * v
	}
	for _, v := range b {
		nb += v * v
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// rank returns the ids of cands that pass the hard constraints, best first,
// ties by id.
func (n naive) rank(from *profile.Profile, cands []*profile.Profile) []string {
	env := match.Env{Accepted: map[string]int{}}
	fc, fb := n.chainSet(from), bigrams(n.text(from))
	type scored struct {
		id    string
		score float64
	}
	var out []scored
	for _, c := range cands {
		if match.Exclude(from, c, env) != "" {
			continue
		}
		overlap := 0
		for code := range n.chainSet(c) {
			if fc[code] {
				overlap++
			}
		}
		out = append(out, scored{c.ID, 10*float64(overlap) + 5*cosine(fb, bigrams(n.text(c)))})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id < out[j].id
	})
	ids := make([]string, len(out))
	for i, s := range out {
		ids[i] = s.id
	}
	return ids
}

// stepClock moves a day and a bit on every reading, so that the mentor
// exposure ledger has forgotten the previous query by the next one: each
// judged query is scored as if asked alone, not after the ones before it.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(25 * time.Hour)
	return c.t
}

func TestJudgedRelevance(t *testing.T) {
	ps, byID, qs := loadJudged(t)
	checkJudged(t, byID, qs)
	if t.Failed() {
		t.FailNow()
	}
	clock := &stepClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	// The live seed/ lexicon, as production has it.
	ix, _, _ := buildWith(t, ps, Options{Now: clock.now})
	base := naive{chains: seed.Chains()}
	ctx := context.Background()

	type sums struct {
		n            int
		fuhua, naive float64
	}
	per := map[string]*sums{}
	var total sums
	var offenders []string
	for _, q := range qs {
		from := byID[q.From]
		items, err := ix.Match(ctx, from, q.Target, MatchOptions{Limit: MaxMatches})
		if err != nil {
			t.Fatalf("%s: Match(%s, %s): %v", q.ID, q.From, q.Target, err)
		}
		returned := ids(items)
		var cands []*profile.Profile
		grade := map[string]judgedCandidate{}
		for _, c := range q.Candidates {
			cands = append(cands, byID[c.ID])
			grade[c.ID] = c
		}
		for _, id := range returned {
			if c, ok := grade[id]; ok && c.Hard {
				t.Errorf("%s: fuhua returned %s, which a hard constraint excludes (%s)", q.ID, id, c.Why)
			}
		}
		fr, nr := rankCandidates(q, returned), rankCandidates(q, base.rank(from, cands))
		fs, ns := ndcg5(q, fr.ids), ndcg5(q, nr.ids)
		d := direction(from, q.Target)
		if per[d] == nil {
			per[d] = &sums{}
		}
		for _, s := range []*sums{per[d], &total} {
			s.n++
			s.fuhua += fs
			s.naive += ns
		}
		for i := 0; i < 3 && i < fr.shown; i++ {
			if c := grade[fr.ids[i]]; c.Grade == 0 {
				offenders = append(offenders, fmt.Sprintf("%s %s (%s): #%d %s %s — %s",
					q.ID, q.From, d, i+1, c.ID, byID[c.ID].Name, c.Why))
				break
			}
		}
		if *judgedVerbose {
			t.Logf("%s %s %s → %s  fuhua %.3f  naive %.3f", q.ID, d, q.From, from.Name, fs, ns)
			for _, side := range []struct {
				name string
				r    ranking
			}{{"fuhua", fr}, {"naive", nr}} {
				for i := 0; i < 5 && i < len(side.r.ids); i++ {
					c := grade[side.r.ids[i]]
					mark := ""
					if i >= side.r.shown {
						mark = " (not returned)"
					}
					t.Logf("    %s #%d [%d] %s %s%s", side.name, i+1, c.Grade, c.ID, byID[c.ID].Name, mark)
				}
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%-18s %3s  %6s  %6s\n", "direction", "n", "fuhua", "naive")
	for _, d := range judgedDirections {
		s := per[d]
		fmt.Fprintf(&b, "%-18s %3d  %6.3f  %6.3f\n", d, s.n, s.fuhua/float64(s.n), s.naive/float64(s.n))
	}
	mean := total.fuhua / float64(total.n)
	fmt.Fprintf(&b, "%-18s %3d  %6.3f  %6.3f\n", "mean", total.n, mean, total.naive/float64(total.n))
	t.Log(b.String())
	t.Logf("mean NDCG@5: fuhua %.4f, naive %.4f (floor %.3f)", mean, total.naive/float64(total.n), judgedFloor)
	t.Logf("%d queries with a grade-0 candidate in fuhua's top 3:\n  %s", len(offenders), strings.Join(offenders, "\n  "))

	if len(offenders) > judgedMaxIrrelevantTop3 {
		t.Errorf("%d queries have a grade-0 candidate in fuhua's top 3; at most %d did when the set was written",
			len(offenders), judgedMaxIrrelevantTop3)
	}
	if mean < judgedFloor {
		t.Errorf("fuhua's mean NDCG@5 on the judged set is %.3f, below the floor %.3f", mean, judgedFloor)
	}
}

// TestJudgedScoring pins the scorers the judged test relies on with figures
// worked out by hand.
func TestJudgedScoring(t *testing.T) {
	q := judgedQuery{Candidates: []judgedCandidate{{ID: "a", Grade: 3}, {ID: "b", Grade: 2}, {ID: "c"}, {ID: "d"}}}
	// Ideal: 7/log2(2) + 3/log2(3) = 8.8928; c, a, b: 7/log2(3) + 3/log2(4) = 5.9165.
	if got, want := ndcg5(q, []string{"c", "a", "b", "d"}), 5.9165/8.8928; math.Abs(got-want) > 1e-4 {
		t.Errorf("ndcg5(c a b d) = %.4f; want %.4f", got, want)
	}
	if got := ndcg5(q, []string{"a", "b", "c", "d"}); math.Abs(got-1) > 1e-9 {
		t.Errorf("ndcg5(ideal order) = %v; want 1", got)
	}
	// Returned candidates keep their order, unknown ids are dropped, the rest follow by id.
	r := rankCandidates(q, []string{"x", "c", "a", "c"})
	if got := strings.Join(r.ids, " "); got != "c a b d" || r.shown != 2 {
		t.Errorf("rankCandidates = %q, shown %d; want \"c a b d\", shown 2", got, r.shown)
	}
	if !containsWord("soc for ic design", "ic") || containsWord("electronics", "ic") || !containsWord("碳化硅衬底", "碳化硅") {
		t.Error("containsWord: Latin words must match whole, Chinese anywhere")
	}
	if got := cosine(bigrams("膜电极"), bigrams("膜电极")); math.Abs(got-1) > 1e-9 {
		t.Errorf("cosine of a text with itself = %v; want 1", got)
	}
}
