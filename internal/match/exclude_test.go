package match

import (
	"math/rand/v2"
	"testing"

	"fuhua/internal/profile"
)

// TestRulesAgreeWithExclude: for every allowed pair that is not the same
// profile and not archived, the rules of the asking profile and target kind
// decide what Exclude decides, and are nil only where Exclude never excludes.
func TestRulesAgreeWithExclude(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	startups, others := randomProfiles(r, 80)
	accepted := map[string]int{}
	for _, o := range others {
		if o.Kind == profile.Mentor {
			accepted[o.ID] = r.IntN(3)
		}
	}
	env := Env{Lex: testLex(), Accepted: accepted}
	all := append(append([]*profile.Profile(nil), startups...), others...)
	excluded := map[string]int{}
	for _, from := range all {
		for _, cand := range all {
			if cand.ID == from.ID || cand.Archived || !Allowed(from.Kind, cand.Kind) {
				continue
			}
			want := Exclude(from, cand, env)
			got := ""
			if rules := Rules(from, cand.Kind, env); rules != nil {
				got = rules(cand)
			}
			if got != want {
				t.Fatalf("%s → %s: Rules says %q, Exclude %q", from.ID, cand.ID, got, want)
			}
			excluded[want]++
		}
	}
	for _, why := range []string{"", ExcludeTicket, ExcludeInstrument, ExcludeStage, ExcludeRegion, ExcludeCapacity} {
		if excluded[why] == 0 {
			t.Errorf("no pair with outcome %q: the random data does not exercise it", why)
		}
	}
	if got := Rules(startups[0], profile.Startup, env); got == nil || got(startups[1]) != ExcludePair {
		t.Error("a pair that may not be matched is not refused by its rules")
	}
}
