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
// index reads it once for its candidate pool and its ranking). It scores in two
// phases (see RankScores): the reasons are written only for the items it
// returns.
func RankFrom(fromP Prepared, cands []Prepared, env Env, limit int) []Item {
	scored := RankScores(fromP, cands, env)
	if limit > 0 && len(scored) > limit {
		scored = scored[:limit]
	}
	items := make([]Item, len(scored))
	for i, s := range scored {
		items[i] = s.Item()
	}
	return items
}

// Scored is a candidate ranked by RankScores: its score, known before any
// reason is written, and what Item needs to write them.
type Scored struct {
	// ID and Score are those of the candidate's Item.
	ID    string
	Score int

	from, cand *prepared
	env        Env
}

// RankScores is the first phase of RankFrom: it removes the candidates a hard
// constraint excludes, scores the rest without writing a reason, drops those
// that score 0, and orders the rest as Sort orders items (score descending,
// ties by id). The items are then written only for those shown, with Item or
// Explain: a pool of about 120 candidates of which 20 are shown no longer pays
// for 100 sets of sentences. Scores and order equal RankFrom's with limit 0.
func RankScores(fromP Prepared, cands []Prepared, env Env) []Scored {
	from := fromP.q
	out := make([]Scored, 0, len(cands))
	for _, c := range cands {
		if c.q == nil || Exclude(from.p, c.q.p, env) != "" {
			continue
		}
		// A candidate with nothing in common scores 0 and has no reason to be
		// shown.
		if n := scoreOnly(from, c.q, env); n > 0 {
			out = append(out, Scored{ID: c.q.p.ID, Score: n, from: from, cand: c.q, env: env})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Item is the candidate's full item, reasons written, exactly as ScorePrepared
// makes it; its Score equals s.Score.
func (s Scored) Item() Item { return score(s.from, s.cand, s.env) }

// Bare is the candidate's item without reasons (Reasons empty, Score s.Score):
// enough for what only reads ids and scores, such as Ledger.Arrange, before
// Explain writes the reasons of those kept.
func (s Scored) Bare() Item {
	p := s.cand.p
	return Item{Kind: p.Kind, ID: p.ID, Name: p.Name, Score: s.Score, Reasons: []Reason{}}
}

// Explain returns items with each one replaced by the full item (Scored.Item)
// of the entry of scored with its id, in the order of items: for a caller that
// rearranged and cut Bare items. An item whose id is not in scored is kept as
// it is.
func Explain(items []Item, scored []Scored) []Item {
	byID := make(map[string]int, len(scored))
	for i := len(scored) - 1; i >= 0; i-- {
		byID[scored[i].ID] = i
	}
	out := make([]Item, len(items))
	for i, it := range items {
		if j, ok := byID[it.ID]; ok {
			out[i] = scored[j].Item()
		} else {
			out[i] = it
		}
	}
	return out
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
	var keptBuf, weightBuf [nParts]int
	kept, weights := shareOut(parts, keptBuf[:0], weightBuf[:0])
	for i, k := range kept {
		if weights[i] == 0 {
			continue
		}
		p := parts[k]
		it.Reasons = append(it.Reasons, Reason{Code: p.code, ZH: p.zh, EN: p.en, Weight: weights[i]})
		it.Score += weights[i]
	}
	return it
}

// total is the Score finish gives parts, without making the item.
func total(parts []part) int {
	var keptBuf, weightBuf [nParts]int
	_, weights := shareOut(parts, keptBuf[:0], weightBuf[:0])
	n := 0
	for _, w := range weights {
		n += w
	}
	return n
}

// shareOut rounds the sum of parts' points to the score and shares it out by
// largest remainder, ties in the order of parts. It appends to kept the index
// in parts of each part that earns anything and to weights its integer points
// (callers pass empty slices of fixed arrays, so scoring a candidate's nParts
// parts allocates nothing here).
func shareOut(parts []part, kept, weights []int) ([]int, []int) {
	var rawBuf, remBuf [nParts]float64
	var orderBuf [nParts]int
	raw := rawBuf[:0]
	sum := 0.0
	for i, p := range parts {
		if p.frac <= 0 || p.max <= 0 {
			continue
		}
		v := p.max * math.Min(p.frac, 1)
		raw = append(raw, v)
		kept = append(kept, i)
		sum += v
	}
	total := int(math.Round(sum))
	if total > 100 {
		total = 100
	}
	rem := remBuf[:0]
	given := 0
	for _, v := range raw {
		w := int(math.Floor(v))
		weights = append(weights, w)
		given += w
		rem = append(rem, v-math.Floor(v))
	}
	// order lists the parts by remainder, largest first, ties in their own
	// order: a stable insertion sort, which orders exactly as any stable sort
	// by the same comparison does.
	order := orderBuf[:0]
	for i := range raw {
		order = append(order, i)
		for k := len(order) - 1; k > 0 && rem[order[k]] > rem[order[k-1]]; k-- {
			order[k], order[k-1] = order[k-1], order[k]
		}
	}
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
	return kept, weights
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
