package index

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"fuhua/internal/match"
	"fuhua/internal/profile"
)

// MaxMatches is the most matches one request may ask for.
const MaxMatches = 100

// AcceptedCounter reports, for some mentors, how many of their mentoring
// introductions have been accepted; a mentor at capacity is not proposed.
// Introductions live elsewhere, so the caller supplies it.
type AcceptedCounter interface {
	AcceptedMentoring(ctx context.Context, mentorIDs []string) (map[string]int, error)
}

// MatchOptions shape one match request.
type MatchOptions struct {
	// Limit is how many items to return, 1–100; 0 means 20.
	Limit int
	// Chain, Stage and District filter deal flow (target startup) and are
	// ignored for other targets.
	Chain, Stage, District string
	// Accepted counts accepted mentoring introductions; nil counts none.
	Accepted AcceptedCounter
}

// Match ranks the profiles of kind target for from, best first, each with a score
// (0–100) and the reasons that make it up. Hard constraints (ticket range and
// instruments, stage, an investor's regions, a full mentor, archived, from
// itself) remove candidates; the rest are scored by match.Rank. Candidates are
// taken from the index's in-memory copy, never the database: a cheap pre-score
// by chain, place, services and words keeps the best poolSize of them and the
// exact ranking is done on those, so a candidate pre-scored below the pool is
// not considered.
// For startup → mentor, the process's exposure ledger keeps a mentor out of the
// top 3 of more startups than their free capacity.
//
// Errors: *profile.Error of kind profile.ErrInvalid naming "target", "limit",
// "chain" or "stage"; profile.ErrUnavailable on a deadline or while Open's
// background load runs; profile.ErrInternal.
func (ix *Index) Match(ctx context.Context, from *profile.Profile, target profile.Kind, o MatchOptions) ([]match.Item, error) {
	if !match.Allowed(from.Kind, target) {
		var ts []string
		for _, t := range match.Targets(from.Kind) {
			ts = append(ts, string(t))
		}
		return nil, profile.Invalid("target", "unknown_code",
			fmt.Sprintf("a %s can be matched with: %s", from.Kind, strings.Join(ts, ", ")),
			fmt.Sprintf("%s可匹配的对象：%s", from.Kind.ZH(), strings.Join(ts, "、")))
	}
	switch {
	case o.Limit == 0:
		o.Limit = DefaultLimit
	case o.Limit < 0 || o.Limit > MaxMatches:
		return nil, profile.Invalid("limit", "out_of_range", fmt.Sprintf("limit must be between 1 and %d", MaxMatches),
			fmt.Sprintf("limit 应在 1 到 %d 之间", MaxMatches))
	}
	if target != profile.Startup {
		o.Chain, o.Stage, o.District = "", "", ""
	}
	if o.Chain != "" && len(ix.lex.Codes(o.Chain)) == 0 {
		return nil, profile.Invalid("chain", "unknown_code", fmt.Sprintf("%q is not a chain code", o.Chain),
			fmt.Sprintf("%q 不是有效的产业链代码", o.Chain))
	}
	if o.Stage != "" && !profile.Stages.Has(o.Stage) {
		return nil, profile.Invalid("stage", "unknown_code", "stage must be one of "+profile.Stages.List(),
			"stage 应为以下之一："+profile.Stages.List())
	}
	if from.Archived {
		return []match.Item{}, nil
	}
	if err := ix.loading(); err != nil {
		return nil, err
	}

	fromP := match.Prepare(from, ix.lex) // read once: for the pool and for the ranking
	cands := ix.candidates(fromP, target, o)
	env := match.Env{Lex: ix.lex, Accepted: map[string]int{}}
	var err error
	if target == profile.Mentor && o.Accepted != nil && len(cands) > 0 {
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = c.Profile().ID
		}
		if env.Accepted, err = o.Accepted.AcceptedMentoring(ctx, ids); err != nil {
			return nil, err
		}
	}
	if target != profile.Mentor {
		return match.RankFrom(fromP, cands, env, o.Limit), nil
	}
	// The ledger arranges by id and score only, so the reasons are written
	// for the items it keeps, not for the whole pool.
	scored := match.RankScores(fromP, cands, env)
	free := make(map[string]int, len(cands))
	for _, c := range cands {
		free[c.Profile().ID] = env.FreeCapacity(c.Profile())
	}
	bare := make([]match.Item, len(scored))
	for i, sc := range scored {
		bare[i] = sc.Bare()
	}
	bare = ix.ledger.Arrange(from.ID, bare, func(id string) int { return free[id] })
	if len(bare) > o.Limit {
		bare = bare[:o.Limit]
	}
	return match.Explain(bare, scored), nil
}

// scoreBuf is a zeroed slice of n pre-scores from scorePool, to be put back
// zeroed when done: a match at 100k would otherwise allocate (or clear) 800 KB
// for it. Every buffer in the pool is zero over its whole capacity, so the
// caller zeroes only the entries it wrote.
func (ix *Index) scoreBuf(n int) *[]float64 {
	b, _ := ix.scorePool.Get().(*[]float64)
	if b == nil || cap(*b) < n {
		s := make([]float64, n)
		return &s
	}
	*b = (*b)[:n]
	return b
}

// poolSize is how many candidates are pre-selected for exact ranking.
func poolSize(limit int) int { return min(60+3*limit, 400) }

// candidates picks, from the in-memory copy, the profiles of kind target that
// pass the hard constraints and the request's filters, and keeps the poolSize
// best by preScore (ties by id). Only these are ranked exactly: scoring every
// profile of a kind (40k startups at 100k) with reasons would take longer than
// a request may.
func (ix *Index) candidates(fromP match.Prepared, target profile.Kind, o MatchOptions) []match.Prepared {
	from := fromP.Profile()
	soft := ix.softTerms(from, fromP.Reading(), target)
	// The pair's hard rules (capacity ≥ 1 here; accepted counts come later).
	// The memory copy holds no archived profile, and from's own entry is
	// known by its slot, so what is left of match.Exclude is these rules.
	rules := match.Rules(from, target, match.Env{Lex: ix.lex, Accepted: map[string]int{}})
	type cand struct {
		r     *record
		score float64
	}
	// The worst of the pool on top, so a better candidate replaces it.
	above := func(a, b cand) bool { return a.score < b.score || a.score == b.score && a.r.id > b.r.id }
	k := poolSize(o.Limit)
	pool := make([]cand, 0, k)
	ix.memory(func(m *memIndex) {
		set := m.filter([][2]string{{fKind, string(target)}, {fChainAll, o.Chain}, {fStage, o.Stage}, {fDistrict, o.District}}, nil)
		if s, ok := m.slot[from.ID]; ok {
			set.clear(s)
		}
		if from.Kind == profile.Investor {
			m.investorConstraints(from, set)
		}
		if from.Kind == profile.Startup && target == profile.Investor {
			m.startupConstraints(from, set)
		}
		clauses := soft.bitsets(m)
		// Candidates in no clause score 0 and only fill a pool the others left
		// short, so they are visited last and only then: for deal flow that
		// skips most of the 40k startups at 100k.
		scored := make(bitset, len(set))
		for _, cl := range clauses {
			if cl.set != nil {
				scored.or(cl.set)
				continue
			}
			for _, s := range cl.list {
				if w := int(s >> 6); w < len(scored) {
					scored[w] |= 1 << (s & 63)
				}
			}
		}
		scored.and(set)
		rest := slices.Clone(set)
		rest.andNot(scored)
		// Pre-scores are summed clause by clause over the words of each
		// clause's set, not clause by clause per candidate: work in proportion
		// to the memberships, not to candidates × clauses (40k startups × a
		// few dozen clauses for an investor's deal flow). The order of the
		// additions per candidate is the same, so are the sums. Only the
		// scored candidates' entries are written, and they are zeroed again
		// before the buffer goes back to the pool.
		scores := ix.scoreBuf(len(m.recs))
		defer func() {
			scored.each(func(s uint32) { (*scores)[s] = 0 })
			ix.scorePool.Put(scores)
		}()
		for _, cl := range clauses {
			if cl.set == nil {
				for _, s := range cl.list {
					if scored.has(s) {
						(*scores)[s] += cl.weight
					}
				}
				continue
			}
			for i := range min(len(cl.set), len(scored)) {
				for w := cl.set[i] & scored[i]; w != 0; w &= w - 1 {
					(*scores)[i<<6+bits.TrailingZeros64(w)] += cl.weight
				}
			}
		}
		consider := func(s uint32) {
			score := (*scores)[s]
			// Most of a kind cannot enter a full pool: reject them on the score
			// alone, before the record is read or the hard constraints checked.
			if len(pool) == k && score < pool[0].score {
				return
			}
			r := m.recs[s]
			c := cand{r, score}
			if r == nil || len(pool) == k && !above(pool[0], c) || rules != nil && rules(r.p) != "" {
				return
			}
			if len(pool) < k {
				pool = append(pool, c)
				heapUp(pool, len(pool)-1, above)
			} else if above(pool[0], c) {
				pool[0] = c
				heapDown(pool, 0, above)
			}
		}
		scored.each(consider)
		if len(pool) < k {
			rest.each(consider)
		}
	})
	out := make([]match.Prepared, len(pool))
	for i, c := range pool {
		out[i] = c.r.prep
	}
	return out
}

// soft is what orders the candidate pool: the chains from belongs to (declared
// or named in its prose), its district, what it needs or offers, and its own
// words, each with a weight. It is a cheap stand-in for match.Rank, which
// decides the final order.
type soft struct {
	kw    []softKeyword
	texts []softText
}

type softKeyword struct {
	field, value string
	weight       float64
}

// softText earns weight when all terms are in the field, or, when all is false,
// weight divided among the terms for each one found.
type softText struct {
	field  int
	terms  []string
	weight float64
	all    bool
}

// softClause is one weighted set of records: a candidate in it earns weight.
// A keyword's set is a bitset; a term's is its posting list (ascending slots),
// used as it is rather than turned into a bitset of every slot per request.
type softClause struct {
	set    bitset
	list   []uint32
	weight float64
}

// bitsets resolves q against m once per request, so scoring a candidate is a
// handful of bit tests rather than string lookups.
func (q soft) bitsets(m *memIndex) []softClause {
	var out []softClause
	for _, k := range q.kw {
		if b := m.kw[k.field][k.value]; b != nil {
			out = append(out, softClause{set: b, weight: k.weight})
		}
	}
	for _, t := range q.texts {
		if t.all {
			lists := make([][]uint32, 0, len(t.terms))
			for _, term := range t.terms {
				lists = append(lists, m.postings[postingKey(t.field, term)])
			}
			if l := intersect(lists); len(l) > 0 {
				out = append(out, softClause{list: l, weight: t.weight})
			}
			continue
		}
		for _, term := range t.terms {
			if l := m.postings[postingKey(t.field, term)]; len(l) > 0 {
				out = append(out, softClause{list: l, weight: t.weight / float64(len(t.terms))})
			}
		}
	}
	return out
}

func (ix *Index) softTerms(from *profile.Profile, r *match.Reading, target profile.Kind) soft {
	var q soft
	kw := func(field, value string, w float64) { q.kw = append(q.kw, softKeyword{field, value, w}) }
	for _, code := range r.Members() {
		kw(fChainAll, code, 5)
	}
	for _, seg := range r.Placed() {
		kw(fSegAll, seg, 4)
		for _, adj := range ix.lex.AdjacentSegments(seg) {
			kw(fSegAll, adj, 2)
		}
	}
	if from.District != "" {
		kw(fDistrict, from.District, 1)
		if target == profile.Enclave {
			kw(fHomeDistrict, from.District, 3)
		}
	}
	text := func(field int, s string, w float64, all bool) {
		if ts := terms(ix.analyzer, s); len(ts) > 0 {
			q.texts = append(q.texts, softText{field, ts, w, all})
		}
	}
	if from.Needs != nil {
		for _, s := range from.Needs.Services {
			kw(fServices, s, 2)
		}
		if target == profile.Mentor && len(from.Needs.Mentoring) > 0 {
			text(tTopics, strings.Join(from.Needs.Mentoring, "\n"), 3, false)
		}
	}
	if target == profile.Startup {
		for _, s := range from.Services {
			kw(fNeedServices, s, 2)
		}
		if len(from.Topics) > 0 {
			text(tTopics, strings.Join(from.Topics, "\n"), 3, false)
		}
	}
	// Its own words: each tag must appear whole (all its terms) in the
	// candidate's tags or summary. Tags rather than the summary, because common
	// pairs in prose (公司, 技术) say little; the summary still counts in the
	// exact ranking.
	for _, tag := range from.Tags {
		text(tTags, tag, 1, true)
		text(tSummary, tag, 1, true)
	}
	return q
}

// investorConstraints removes from set the startups that inv's stages, regions
// or instruments exclude (match.Exclude's ExcludeStage, ExcludeRegion and
// ExcludeInstrument), with a few bitset operations. Most of an investor's deal
// flow fails one of them, and otherwise the pool would take the best
// pre-scored startups one by one, check each and drop most. Exclude still
// decides (tickets are checked only there); this only removes what it would.
func (m *memIndex) investorConstraints(inv *profile.Profile, set bitset) {
	if len(inv.Stages) > 0 {
		m.keepAny(set, fStage, inv.Stages, true) // a startup without a stage passes
	}
	if len(inv.Regions) > 0 {
		m.keepAny(set, fDistrict, inv.Regions, false) // one without a district does not
	}
	if len(inv.Instruments) > 0 {
		m.keepAny(set, fFundingKinds, inv.Instruments, true) // one seeking no kind in particular passes
	}
}

// keepAny keeps in set only the records filed under field with one of values,
// or with none there when orNone.
func (m *memIndex) keepAny(set bitset, field string, values []string, orNone bool) {
	ok := make(bitset, len(set))
	for _, v := range values {
		ok.or(m.kw[field][strOrNone(v)])
	}
	if orNone {
		ok.or(m.kw[field][none])
	}
	set.and(ok)
}

// startupConstraints removes from set the investors whose stages, regions or
// instruments exclude the startup s (match.Exclude's ExcludeStage,
// ExcludeRegion and ExcludeInstrument seen from the startup's side), as
// investorConstraints does for deal flow. Exclude still decides (tickets are
// checked only there).
func (m *memIndex) startupConstraints(s *profile.Profile, set bitset) {
	// An investor naming no stages, regions or instruments takes every value.
	if s.Stage != "" {
		m.keepAny(set, fStages, []string{s.Stage}, true)
	}
	// An investor naming regions takes only a startup in one of them; one
	// without a district is in none.
	var regions []string
	if s.District != "" {
		regions = []string{s.District}
	}
	m.keepAny(set, fRegions, regions, true)
	if s.Needs != nil && len(s.Needs.FundingKinds) > 0 {
		m.keepAny(set, fInstruments, s.Needs.FundingKinds, true)
	}
}
