package rounds

import (
	"fmt"
	"time"

	"fuhua/internal/profile"
)

// State is where a round stands: a draft the manager edits, being published
// (introductions are being created), or published.
type State string

// The states.
const (
	Draft      State = "draft"
	Publishing State = "publishing"
	Published  State = "published"
)

// Outcome is what publishing did with one pair: the brokered introduction it
// created (or found it had created before), or why it skipped the pair.
type Outcome struct {
	StartupID     string `json:"startup_id" bson:"s"`
	CounterpartID string `json:"counterpart_id" bson:"c"`
	IntroID       string `json:"introduction_id,omitempty" bson:"intro,omitempty"`
	Skipped       string `json:"skipped,omitempty" bson:"skipped,omitempty"` // a code
	ZH            string `json:"zh,omitempty" bson:"zh,omitempty"`
	EN            string `json:"en,omitempty" bson:"en,omitempty"`
}

// Round is one stored round: what was asked, what the assignment found, the
// pairs as the manager has edited them, and after publishing what became of each.
type Round struct {
	ID      string       `json:"id" bson:"_id"`
	Name    string       `json:"name" bson:"name"`
	Target  profile.Kind `json:"target" bson:"target"`
	OwnerID string       `json:"owner_id" bson:"owner"`
	State   State        `json:"state" bson:"state"`
	// MaxShare is the exposure cap asked for (0: none); Meetings the default
	// meetings per startup.
	MaxShare float64 `json:"max_share" bson:"max_share"`
	Meetings int     `json:"meetings_per_startup" bson:"meetings"`
	// Names of the profiles at the time the round was made, by id.
	Names        map[string]string  `json:"-" bson:"names"`
	Startups     []StartupFacts     `json:"-" bson:"startups"`
	Counterparts []CounterpartFacts `json:"-" bson:"counterparts"`
	Avoid        []IDPair           `json:"avoid" bson:"avoid"`
	Introduced   []IDPair           `json:"-" bson:"introduced"`
	Removed      []IDPair           `json:"removed" bson:"removed"`
	// Pairs are kept by the store in chunks beside the round (a round can hold
	// tens of thousands of pairs, more than one document may).
	Pairs       []Pair    `json:"-" bson:"-"`
	Total       int       `json:"total_score" bson:"total"`
	Mean        float64   `json:"mean_score" bson:"mean"`
	GreedyTotal int       `json:"greedy_total_score" bson:"greedy_total"`
	GreedyMean  float64   `json:"greedy_mean_score" bson:"greedy_mean"`
	GreedyPairs int       `json:"greedy_pairs" bson:"greedy_pairs"`
	Outcomes    []Outcome `json:"outcomes" bson:"outcomes"`
	// Chunks is how many pair chunks the store wrote for this version.
	Chunks      int        `json:"-" bson:"chunks"`
	CreatedAt   time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at" bson:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty" bson:"published_at,omitempty"`
	Version     int64      `json:"version" bson:"version"`
}

// IDPair names a startup and a counterpart. (Stored as a sub-document: the
// embedded database holds no arrays of arrays.)
type IDPair struct {
	S string `json:"startup_id" bson:"s"`
	C string `json:"counterpart_id" bson:"c"`
}

// Pairs turns id pairs into the [startup, counterpart] arrays Input takes.
func Pairs(ps []IDPair) [][2]string {
	out := make([][2]string, len(ps))
	for i, p := range ps {
		out[i] = [2]string{p.S, p.C}
	}
	return out
}

// Unassigned tells who got less than asked in the round as it stands now.
func (r *Round) Unassigned() []Unassigned {
	return Explain(r.Startups, r.Counterparts, r.Pairs, r.Removed)
}

// Retotal recomputes the total and mean score after an edit.
func (r *Round) Retotal() {
	SortPairs(r.Pairs)
	r.Total, r.Mean = Totals(r.Pairs)
}

func (r *Round) editable() error {
	if r.State != Draft {
		return profile.Conflict("round_published", "the round is published and can no longer be edited", "本轮已发布，不能再修改")
	}
	return nil
}

func (r *Round) find(s, c string) int {
	for i, p := range r.Pairs {
		if p.StartupID == s && p.CounterpartID == c {
			return i
		}
	}
	return -1
}

// Remove takes the pair (s, c) out of a draft round.
func (r *Round) Remove(field, s, c string) error {
	if err := r.editable(); err != nil {
		return err
	}
	i := r.find(s, c)
	if i < 0 {
		return profile.Invalid(field, "unknown_pair", "the round has no such pair", "本轮没有这一对接组合")
	}
	r.Pairs = append(r.Pairs[:i], r.Pairs[i+1:]...)
	if !containsPair(r.Removed, s, c) {
		r.Removed = append(r.Removed, IDPair{s, c})
	}
	r.Retotal()
	return nil
}

// Add puts pair p into a draft round. The caller has checked the hard
// constraints of the two profiles and scored the pair; Add checks that both are
// in the round, the pair is new, neither avoided nor introduced, and that neither
// side goes past its meetings or cap.
func (r *Round) Add(field string, p Pair) error {
	if err := r.editable(); err != nil {
		return err
	}
	var sf *StartupFacts
	for i := range r.Startups {
		if r.Startups[i].ID == p.StartupID {
			sf = &r.Startups[i]
		}
	}
	var cf *CounterpartFacts
	for i := range r.Counterparts {
		if r.Counterparts[i].ID == p.CounterpartID {
			cf = &r.Counterparts[i]
		}
	}
	switch {
	case sf == nil:
		return profile.Invalid(field+".startup_id", "not_in_round", "the startup is not in this round", "该企业不在本轮中")
	case cf == nil:
		return profile.Invalid(field+".counterpart_id", "not_in_round", "the counterpart is not in this round", "该对象不在本轮中")
	case r.find(p.StartupID, p.CounterpartID) >= 0:
		return profile.Invalid(field, "duplicate_pair", "the round already has this pair", "本轮已有这一对接组合")
	case containsPair(r.Avoid, p.StartupID, p.CounterpartID):
		return profile.Invalid(field, "avoided_pair", "this pair is on the round's avoid list", "这一组合在本轮的回避名单中")
	case containsPair(r.Introduced, p.StartupID, p.CounterpartID):
		return profile.Invalid(field, "introduced_pair", "these two already have an introduction", "双方已有对接记录")
	}
	sGot, cGot := 0, 0
	for _, q := range r.Pairs {
		if q.StartupID == p.StartupID {
			sGot++
		}
		if q.CounterpartID == p.CounterpartID {
			cGot++
		}
	}
	if sGot >= sf.Meetings {
		return profile.Invalid(field, "startup_full", fmt.Sprintf("the startup already has its %d meetings; remove one first", sf.Meetings),
			fmt.Sprintf("该企业已排满 %d 场对接，请先移除一场", sf.Meetings))
	}
	if cGot >= cf.Cap {
		return profile.Invalid(field, "counterpart_full", fmt.Sprintf("the counterpart's %d slots are full; remove one of its pairs first", cf.Cap),
			fmt.Sprintf("该对象的 %d 个名额已满，请先移除其中一组", cf.Cap))
	}
	r.Pairs = append(r.Pairs, p)
	r.Removed = dropPair(r.Removed, p.StartupID, p.CounterpartID)
	r.Retotal()
	return nil
}

func containsPair(list []IDPair, a, b string) bool {
	for _, p := range list {
		if (p.S == a && p.C == b) || (p.S == b && p.C == a) {
			return true
		}
	}
	return false
}

func dropPair(list []IDPair, a, b string) []IDPair {
	out := list[:0]
	for _, p := range list {
		if !(p.S == a && p.C == b) {
			out = append(out, p)
		}
	}
	return out
}
