package match

import (
	"math"
	"sort"

	"fuhua/internal/profile"
)

// Item is one ranked candidate as the API shows it. The weights of Reasons add up
// to Score exactly, so a person can see where every point came from.
type Item struct {
	Kind    profile.Kind `json:"kind"`
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Score   int          `json:"score"`
	Reasons []Reason     `json:"reasons"`
}

// Reason is one criterion that earned points: a stable code for machines and a
// full sentence in Chinese and in English for people.
type Reason struct {
	Code   string `json:"code"`
	ZH     string `json:"zh"`
	EN     string `json:"en"`
	Weight int    `json:"weight"`
}

// Reason codes.
const (
	ReasonChain      = "chain"
	ReasonStage      = "stage"
	ReasonTicket     = "ticket"
	ReasonPlace      = "place"
	ReasonHardTech   = "hard_tech"
	ReasonTopics     = "topics"
	ReasonServices   = "services"
	ReasonText       = "text"
	ReasonHost       = "host_strength"
	ReasonInstrument = "instrument"
)

// Why a candidate is removed before scoring (the result of Exclude).
const (
	ExcludeSelf       = "self"
	ExcludeArchived   = "archived"
	ExcludePair       = "pair"
	ExcludeTicket     = "ticket"
	ExcludeInstrument = "instrument"
	ExcludeStage      = "stage"
	ExcludeRegion     = "region"
	ExcludeCapacity   = "capacity"
)

// Env is what ranking needs besides the two profiles.
type Env struct {
	// Lex names chains and districts and finds chains in prose. Required.
	Lex *Lexicon
	// Accepted counts accepted mentoring introductions per mentor id; a missing id
	// counts zero. It is an input because introductions live elsewhere.
	Accepted map[string]int
}

// FreeCapacity is how many more startups a mentor can take: capacity minus
// accepted mentoring introductions, never below zero.
func (e Env) FreeCapacity(m *profile.Profile) int {
	if free := m.Capacity - e.Accepted[m.ID]; free > 0 {
		return free
	}
	return 0
}

// targets lists, for each kind, the kinds it may be matched with, as the issue
// fixes them.
var targets = map[profile.Kind][]profile.Kind{
	profile.Startup:  {profile.Mentor, profile.Investor, profile.Carrier, profile.Enclave, profile.Provider},
	profile.Investor: {profile.Startup},
	profile.Mentor:   {profile.Startup},
	profile.Carrier:  {profile.Startup},
	profile.Enclave:  {profile.Startup},
}

// Targets lists the kinds a profile of kind k can be matched with; empty when k
// has no matches (providers look for no one).
func Targets(k profile.Kind) []profile.Kind { return append([]profile.Kind(nil), targets[k]...) }

// Allowed reports whether profiles of kind from may be matched with kind to.
func Allowed(from, to profile.Kind) bool {
	for _, t := range targets[from] {
		if t == to {
			return true
		}
	}
	return false
}

// pair puts the startup first: every allowed pair has a startup on one side, and
// the criteria are the same whichever side asks.
func pair(from, cand *profile.Profile) (s, o *profile.Profile) {
	if from.Kind == profile.Startup {
		return from, cand
	}
	return cand, from
}

// Exclude applies the hard constraints and returns why cand must not be shown to
// from, or "" when it may be. Investor constraints hold in both directions (an
// investor does not see deal flow it cannot fund); mentor capacity only removes a
// mentor who is the candidate.
func Exclude(from, cand *profile.Profile, env Env) string {
	switch {
	case cand.ID == from.ID:
		return ExcludeSelf
	case cand.Archived:
		return ExcludeArchived
	case !Allowed(from.Kind, cand.Kind):
		return ExcludePair
	}
	return rule(from, cand, env)
}

// Rank removes the candidates a hard constraint excludes, scores the rest, drops
// those that score 0, and returns the best limit of them: score descending, ties broken by id so the
// order never depends on the order of cands. A limit ≤ 0 keeps them all.
func Rank(from *profile.Profile, cands []*profile.Profile, env Env, limit int) []Item {
	ps := make([]Prepared, 0, len(cands))
	for _, c := range cands {
		if c != nil {
			ps = append(ps, Prepare(c, env.Lex))
		}
	}
	return RankPrepared(from, ps, env, limit)
}

// Prepared is a profile with what scoring derives from it (chains found in its
// prose, text units) computed once. A caller that ranks the same profiles many
// times, as the index does, keeps them prepared instead of paying for this per
// request. It must not be changed after Prepare.
type Prepared struct{ q *prepared }

// Prepare derives what scoring needs from p.
func Prepare(p *profile.Profile, lex *Lexicon) Prepared { return Prepared{prepare(p, lex)} }

// Reading is what the lexicon read of the profile (see Lexicon.Read).
func (p Prepared) Reading() *Reading { return p.q.r }

// Profile is the profile p was prepared from.
func (p Prepared) Profile() *profile.Profile { return p.q.p }

// RankPrepared is Rank over candidates prepared with the same Lexicon as env.Lex.
func RankPrepared(from *profile.Profile, cands []Prepared, env Env, limit int) []Item {
	return RankFrom(Prepare(from, env.Lex), cands, env, limit)
}

// RankFrom is RankPrepared for a caller that has prepared from already (the
// index reads it once for its candidate pool and its ranking).
func RankFrom(fromP Prepared, cands []Prepared, env Env, limit int) []Item {
	prepared, from := fromP.q, fromP.q.p
	items := make([]Item, 0, len(cands))
	for _, c := range cands {
		if c.q == nil || Exclude(from, c.q.p, env) != "" {
			continue
		}
		// A candidate with nothing in common scores 0 and has no reason to be
		// shown.
		if it := score(prepared, c.q, env); it.Score > 0 {
			items = append(items, it)
		}
	}
	Sort(items)
	if limit > 0 && len(items) > limit {
		items = items[:limit]
	}
	return items
}

// Score scores one candidate without checking hard constraints; Rank is the usual
// entry point.
func Score(from, cand *profile.Profile, env Env) Item {
	return score(prepare(from, env.Lex), prepare(cand, env.Lex), env)
}

// Sort orders items best first, ties by id.
func Sort(items []Item) {
	sort.Slice(items, func(i, j int) bool {
		if items[i].Score != items[j].Score {
			return items[i].Score > items[j].Score
		}
		return items[i].ID < items[j].ID
	})
}

// part is one criterion's contribution before rounding: up to max points, of which
// frac (0–1) is earned.
type part struct {
	code   string
	max    float64
	frac   float64
	zh, en string
}

// finish turns parts into an item whose integer weights add up to its score: the
// score is the rounded sum, and the points are shared out by largest remainder so
// rounding never makes the reasons disagree with the score.
func finish(c *prepared, parts []part) Item {
	it := Item{Kind: c.p.Kind, ID: c.p.ID, Name: c.p.Name, Reasons: []Reason{}}
	var raw []float64
	var kept []part
	sum := 0.0
	for _, p := range parts {
		if p.frac <= 0 || p.max <= 0 {
			continue
		}
		v := p.max * math.Min(p.frac, 1)
		raw = append(raw, v)
		kept = append(kept, p)
		sum += v
	}
	total := int(math.Round(sum))
	if total > 100 {
		total = 100
	}
	weights := make([]int, len(raw))
	given := 0
	for i, v := range raw {
		weights[i] = int(math.Floor(v))
		given += weights[i]
	}
	order := make([]int, len(raw))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return raw[order[a]]-math.Floor(raw[order[a]]) > raw[order[b]]-math.Floor(raw[order[b]])
	})
	for k := 0; given < total && len(order) > 0; k++ {
		weights[order[k%len(order)]]++
		given++
	}
	for k := len(order) - 1; given > total && k >= 0; k-- {
		if i := order[k]; weights[i] > 0 {
			weights[i]--
			given--
		}
	}
	for i, p := range kept {
		if weights[i] == 0 {
			continue
		}
		it.Reasons = append(it.Reasons, Reason{Code: p.code, ZH: p.zh, EN: p.en, Weight: weights[i]})
		it.Score += weights[i]
	}
	return it
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

// ScorePrepared is Score for profiles already prepared with env.Lex: a caller
// scoring every pair of two lists (a brokered round) prepares each profile once.
func ScorePrepared(from, cand Prepared, env Env) Item { return score(from.q, cand.q, env) }
