package match

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
	"fuhua/seed"
)

func testLex() *Lexicon { return NewLexicon(seed.Chains(), seed.Districts()) }

func TestCodesExpandsSynonyms(t *testing.T) {
	lex := testLex()
	for term, want := range map[string]string{"芯片": "ic", "hydrogen": "hydrogen", "燃料电池": "hydrogen", "GaN": "semi3", "ic": "ic"} {
		if got := lex.Codes(term); !contains(got, want) {
			t.Errorf("Codes(%q) = %v, want it to include %q", term, got, want)
		}
	}
}

// TestSynonymChainReason: a startup whose prose says 燃料电池 meets an investor
// tagged hydrogen, and the reason says so in both languages.
func TestSynonymChainReason(t *testing.T) {
	env := Env{Lex: testLex()}
	s := &profile.Profile{ID: "s1", Kind: profile.Startup, Name: "盐城某科技", Summary: "研发车用燃料电池电堆和膜电极"}
	inv := &profile.Profile{ID: "i1", Kind: profile.Investor, Name: "氢能基金", Type: "vc", Chains: []string{"hydrogen"}}
	items := Rank(s, []*profile.Profile{inv}, env, 10)
	if len(items) != 1 {
		t.Fatalf("got %d items, want 1", len(items))
	}
	var chain *Reason
	for i := range items[0].Reasons {
		if items[0].Reasons[i].Code == ReasonChain {
			chain = &items[0].Reasons[i]
		}
	}
	if chain == nil {
		t.Fatalf("no chain reason in %+v", items[0])
	}
	if !strings.Contains(chain.ZH, "氢能") || !strings.Contains(chain.ZH, "燃料电池") || !strings.Contains(chain.EN, "ydrogen") {
		t.Errorf("chain reason = %q / %q; want it to name 氢能 and 燃料电池", chain.ZH, chain.EN)
	}
}

// randomPair makes a startup and candidates of every kind with values drawn
// around the constraint boundaries.
func randomProfiles(r *rand.Rand, n int) (startups, others []*profile.Profile) {
	pick := func(list []string, max int) []string {
		var out []string
		for _, x := range list {
			if r.IntN(len(list)) < max {
				out = append(out, x)
			}
		}
		return out
	}
	districts := []string{"tinghu", "yandu", "dafeng", ""}
	stages := profile.Stages.Codes()
	kinds := profile.FundingKinds.Codes()
	chains := []string{"ic", "semi3", "hydrogen", "digital"}
	for i := 0; i < n; i++ {
		s := &profile.Profile{ID: fmt.Sprintf("s%03d", i), Kind: profile.Startup, Name: "startup",
			Chains: pick(chains, 1), District: districts[r.IntN(len(districts))], Archived: r.IntN(10) == 0}
		if r.IntN(4) > 0 {
			s.Stage = stages[r.IntN(len(stages))]
		}
		s.Needs = &profile.Needs{FundingWan: float64(r.IntN(5) * 300), FundingKinds: pick(kinds, 1),
			Mentoring: pick([]string{"融资", "股权设计", "市场"}, 1), Services: pick(profile.NeedServices.Codes(), 2)}
		startups = append(startups, s)

		inv := &profile.Profile{ID: fmt.Sprintf("i%03d", i), Kind: profile.Investor, Name: "investor", Type: "vc",
			Chains: pick(chains, 2), Stages: pick(stages, 3), Instruments: pick(kinds, 1),
			TicketMinWan: float64(r.IntN(4) * 200), Regions: pick(districts[:3], 1), HardTech: r.IntN(2) == 0,
			Archived: r.IntN(10) == 0}
		if r.IntN(3) > 0 {
			inv.TicketMaxWan = inv.TicketMinWan + float64(r.IntN(4)*300)
		}
		m := &profile.Profile{ID: fmt.Sprintf("m%03d", i), Kind: profile.Mentor, Name: "mentor",
			Capacity: r.IntN(3), Topics: pick([]string{"融资", "股权设计", "市场", "财务"}, 2), Remote: r.IntN(2) == 0,
			District: districts[r.IntN(len(districts))], Archived: r.IntN(10) == 0}
		c := &profile.Profile{ID: fmt.Sprintf("c%03d", i), Kind: profile.Carrier, Name: "carrier", Type: "incubator",
			Services: pick(profile.OfferServices.Codes(), 4), District: districts[r.IntN(len(districts))], Archived: r.IntN(10) == 0}
		others = append(others, inv, m, c)
	}
	return startups, others
}

// violates is the hard-constraint rule written out again, independently of
// Exclude, so a bug in one is caught by the other.
func violates(s, o *profile.Profile, accepted map[string]int) bool {
	if o.Archived || s.Archived || o.ID == s.ID {
		return true
	}
	switch o.Kind {
	case profile.Investor:
		need := s.Needs.FundingWan
		if need > 0 && need < o.TicketMinWan {
			return true
		}
		if need > 0 && o.TicketMaxWan > 0 && need > o.TicketMaxWan {
			return true
		}
		if len(s.Needs.FundingKinds) > 0 && len(o.Instruments) > 0 && !intersects(s.Needs.FundingKinds, o.Instruments) {
			return true
		}
		if s.Stage != "" && len(o.Stages) > 0 && !contains(o.Stages, s.Stage) {
			return true
		}
		if len(o.Regions) > 0 && !contains(o.Regions, s.District) {
			return true
		}
	case profile.Mentor:
		if accepted[o.ID] >= o.Capacity {
			return true
		}
	}
	return false
}

func TestHardConstraintsNeverShown(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	startups, others := randomProfiles(r, 60)
	accepted := map[string]int{}
	for _, o := range others {
		if o.Kind == profile.Mentor {
			accepted[o.ID] = r.IntN(3)
		}
	}
	env := Env{Lex: testLex(), Accepted: accepted}
	shown, hidden := 0, 0
	for _, s := range startups {
		if s.Archived {
			continue
		}
		for _, k := range []profile.Kind{profile.Investor, profile.Mentor, profile.Carrier} {
			var cands []*profile.Profile
			for _, o := range append(others, s) {
				if o.Kind == k || o == s {
					cands = append(cands, o)
				}
			}
			got := map[string]bool{}
			for _, it := range Rank(s, cands, env, 0) {
				got[it.ID] = true
			}
			for _, o := range cands {
				bad := violates(s, o, accepted)
				if bad && got[o.ID] {
					t.Errorf("startup %s was shown %s %s, which violates a hard constraint", s.ID, o.Kind, o.ID)
				}
				if !bad && !got[o.ID] && o.Kind == k && Score(s, o, env).Score > 0 {
					t.Errorf("startup %s was not shown %s %s, which meets every hard constraint", s.ID, o.Kind, o.ID)
				}
				if bad {
					hidden++
				} else {
					shown++
				}
			}
			// The reverse direction (investor → startup deal flow) obeys the
			// investor rules too.
			if k == profile.Investor {
				for _, o := range cands {
					if o.Kind != profile.Investor || o.Archived {
						continue
					}
					items := Rank(o, []*profile.Profile{s}, env, 0)
					if bad := violates(s, o, accepted); bad && len(items) == 1 || !bad && len(items) == 0 && Score(o, s, env).Score > 0 {
						t.Errorf("investor %s sees startup %s: %v, but violation is %v", o.ID, s.ID, len(items) == 1, bad)
					}
				}
			}
		}
	}
	if shown == 0 || hidden == 0 {
		t.Fatalf("the random data exercised nothing: %d shown, %d hidden", shown, hidden)
	}
}

func TestWeightsAddUpToScore(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	startups, others := randomProfiles(r, 40)
	env := Env{Lex: testLex(), Accepted: map[string]int{}}
	n := 0
	for _, s := range startups {
		for _, it := range Rank(s, others, env, 0) {
			sum := 0
			for _, re := range it.Reasons {
				sum += re.Weight
				if re.Weight <= 0 || re.ZH == "" || re.EN == "" || re.Code == "" {
					t.Errorf("%s→%s: reason %+v is empty or weightless", s.ID, it.ID, re)
				}
			}
			if sum != it.Score || it.Score < 0 || it.Score > 100 {
				t.Errorf("%s→%s: score %d, reasons add to %d", s.ID, it.ID, it.Score, sum)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no items scored")
	}
}

func TestRankIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	startups, others := randomProfiles(r, 30)
	env := Env{Lex: testLex()}
	for _, s := range startups[:5] {
		want := Rank(s, others, env, 20)
		shuffled := append([]*profile.Profile(nil), others...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if diff := cmp.Diff(Rank(s, shuffled, env, 20), want); diff != "" {
			t.Errorf("order depends on input order (-got +want):\n%s", diff)
		}
	}
}

func TestFinishRoundsToExactSum(t *testing.T) {
	it := finish(&prepared{p: &profile.Profile{ID: "x"}}, []part{
		{code: "a", max: 10, frac: 0.333, zh: "a", en: "a"},
		{code: "b", max: 10, frac: 0.333, zh: "b", en: "b"},
		{code: "c", max: 10, frac: 0.334, zh: "c", en: "c"},
	})
	var got []int
	for _, r := range it.Reasons {
		got = append(got, r.Weight)
	}
	if diff := cmp.Diff(got, []int{3, 3, 4}); diff != "" || it.Score != 10 {
		t.Errorf("weights %v score %d; want [3 3 4] and 10 (%s)", got, it.Score, diff)
	}
}

func TestLedgerCapsTopExposure(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLedger(time.Hour, func() time.Time { return now })
	items := []Item{{ID: "star", Score: 90}, {ID: "b", Score: 80}, {ID: "c", Score: 70}, {ID: "d", Score: 60}}
	free := func(id string) int {
		if id == "star" {
			return 2
		}
		return 100
	}
	top := func(items []Item) []string {
		var ids []string
		for _, it := range items[:TopN] {
			ids = append(ids, it.ID)
		}
		return ids
	}
	for _, s := range []string{"s1", "s2"} {
		if got := top(l.Arrange(s, items, free)); got[0] != "star" {
			t.Fatalf("startup %s: top %v, want star first while it has room", s, got)
		}
	}
	got := l.Arrange("s3", items, free)
	if diff := cmp.Diff(top(got), []string{"b", "c", "d"}); diff != "" {
		t.Errorf("third startup's top 3 (-got +want):\n%s", diff)
	}
	if got[TopN].ID != "star" {
		t.Errorf("the full mentor should follow the top places, got %v", got)
	}
	// Asking again does not count twice.
	if got := top(l.Arrange("s1", items, free)); got[0] != "star" {
		t.Errorf("s1 asking again lost its own place: %v", got)
	}
	// Too few others to push the full mentor below the top places: left out.
	if got := l.Arrange("s4", items[:2], free); len(got) != 1 || got[0].ID != "b" {
		t.Errorf("short list: %v, want only b", got)
	}
	// Exposures expire.
	now = now.Add(2 * time.Hour)
	if got := top(l.Arrange("s3", items, free)); got[0] != "star" {
		t.Errorf("after expiry: %v, want star back on top", got)
	}
}
