package index

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

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
// retrieved from the index only, never the database: Bleve pre-selects a few
// hundred by chain, place and text and the exact ranking is done in Go, so a
// candidate Bleve ranks below the pool (poolSize) is not considered.
// For startup → mentor, the process's exposure ledger keeps a mentor out of the
// top 3 of more startups than their free capacity.
//
// Errors: *profile.Error of kind profile.ErrInvalid naming "target", "limit",
// "chain" or "stage"; profile.ErrUnavailable on a deadline; profile.ErrInternal.
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

	cands, err := ix.candidates(ctx, from, target, o)
	if err != nil {
		return nil, err
	}
	env := match.Env{Lex: ix.lex, Accepted: map[string]int{}}
	if target == profile.Mentor && o.Accepted != nil && len(cands) > 0 {
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = c.ID
		}
		if env.Accepted, err = o.Accepted.AcceptedMentoring(ctx, ids); err != nil {
			return nil, err
		}
	}
	items := match.Rank(from, cands, env, 0)
	if target == profile.Mentor {
		free := make(map[string]int, len(cands))
		for _, c := range cands {
			free[c.ID] = env.FreeCapacity(c)
		}
		items = ix.ledger.Arrange(from.ID, items, func(id string) int { return free[id] })
	}
	if len(items) > o.Limit {
		items = items[:o.Limit]
	}
	return items, nil
}

// poolSize is how many candidates Bleve pre-selects for exact ranking.
func poolSize(limit int) int { return min(60+3*limit, 400) }

// candidates fetches the profiles Bleve ranks best for from, with the hard
// constraints it can express applied as filters.
func (ix *Index) candidates(ctx context.Context, from *profile.Profile, target profile.Kind, o MatchOptions) ([]*profile.Profile, error) {
	must := []query.Query{termQ(fKind, string(target))}
	must = append(must, hardFilters(from, target)...)
	if o.Chain != "" {
		must = append(must, termQ(fChainAll, o.Chain))
	}
	if o.Stage != "" {
		must = append(must, termQ(fStage, o.Stage))
	}
	if o.District != "" {
		must = append(must, termQ(fDistrict, o.District))
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	b.AddMustNot(bleve.NewDocIDQuery([]string{from.ID}))
	if should := ix.softQueries(from, target); len(should) > 0 {
		b.AddShould(should...)
	}
	req := bleve.NewSearchRequestOptions(b, poolSize(o.Limit), 0, false)
	req.SortBy([]string{"-_score", "_id"})
	req.Fields = []string{fSource, fSeq}

	ctx, cancel := context.WithTimeout(ctx, ix.opts.SearchTimeout)
	defer cancel()
	var res *bleve.SearchResult
	err := ix.reader(func(bi bleve.Index) error {
		var err error
		res, err = bi.SearchInContext(ctx, req)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "match_timeout",
				EN: "matching took too long; try again", ZH: "匹配超时，请重试"}
		}
		return nil, fmt.Errorf("index: match: %w: %w", profile.ErrInternal, err)
	}
	out := make([]*profile.Profile, 0, len(res.Hits))
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		p, err := fromPublic(src, int64(numberField(h, fSeq)))
		if err != nil {
			return nil, fmt.Errorf("index: match: stored %s: %w: %w", h.ID, profile.ErrInternal, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func anyOf(field string, values ...string) query.Query {
	qs := make([]query.Query, 0, len(values))
	for _, v := range values {
		qs = append(qs, termQ(field, v))
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func numRange(field string, lo, hi *float64) query.Query {
	t := true
	q := bleve.NewNumericRangeInclusiveQuery(lo, hi, &t, &t)
	q.SetField(field)
	return q
}

// hardFilters are the investor and mentor constraints as Bleve filters, so the
// candidate pool is not wasted on profiles match.Exclude would drop anyway.
// match.Exclude still checks every candidate: it is the rule, this is a speed-up.
func hardFilters(from *profile.Profile, target profile.Kind) []query.Query {
	var out []query.Query
	zero := 0.0
	switch {
	case from.Kind == profile.Startup && target == profile.Investor:
		n := from.Needs
		if n != nil && n.FundingWan > 0 {
			need := n.FundingWan
			out = append(out, numRange(fTicketMin, nil, &need),
				bleve.NewDisjunctionQuery(numRange(fTicketMax, &need, nil), numRange(fTicketMax, &zero, &zero)))
		}
		if n != nil && len(n.FundingKinds) > 0 {
			out = append(out, anyOf(fInstruments, append([]string{none}, n.FundingKinds...)...))
		}
		if from.Stage != "" {
			out = append(out, anyOf(fStages, none, from.Stage))
		}
		if from.District != "" {
			out = append(out, anyOf(fRegions, none, from.District))
		} else {
			out = append(out, termQ(fRegions, none))
		}
	case from.Kind == profile.Investor && target == profile.Startup:
		lo, hi := from.TicketMinWan, from.TicketMaxWan
		var inRange query.Query
		if hi > 0 {
			inRange = numRange(fFunding, &lo, &hi)
		} else {
			inRange = numRange(fFunding, &lo, nil)
		}
		out = append(out, bleve.NewDisjunctionQuery(numRange(fFunding, &zero, &zero), inRange))
		if len(from.Instruments) > 0 {
			out = append(out, anyOf(fFundingKinds, append([]string{none}, from.Instruments...)...))
		}
		if len(from.Stages) > 0 {
			out = append(out, anyOf(fStage, append([]string{none}, from.Stages...)...))
		}
		if len(from.Regions) > 0 {
			out = append(out, anyOf(fDistrict, from.Regions...))
		}
	case target == profile.Mentor:
		one := 1.0
		out = append(out, numRange(fCapacity, &one, nil))
	}
	return out
}

// softQueries are the optional clauses that order the candidate pool: the
// chains from belongs to (declared or named in its prose), its district, what it
// needs or offers, and its own words.
func (ix *Index) softQueries(from *profile.Profile, target profile.Kind) []query.Query {
	var out []query.Query
	for code := range ix.lex.EffectiveChains(from) {
		out = append(out, termBoost(fChainAll, code, 5))
	}
	if from.District != "" {
		out = append(out, termBoost(fDistrict, from.District, 1))
		if target == profile.Enclave {
			out = append(out, termBoost(fHomeDistrict, from.District, 3))
		}
	}
	if from.Needs != nil {
		for _, s := range from.Needs.Services {
			out = append(out, termBoost(fServices, s, 2))
		}
		if target == profile.Mentor && len(from.Needs.Mentoring) > 0 {
			out = append(out, textMatch(fTopics, strings.Join(from.Needs.Mentoring, " "), 3))
		}
	}
	if target == profile.Startup {
		for _, s := range from.Services {
			out = append(out, termBoost(fNeedServices, s, 2))
		}
		if len(from.Topics) > 0 {
			out = append(out, textMatch(fTopics, strings.Join(from.Topics, " "), 3))
		}
	}
	// Its own words: each tag must appear whole (all its character pairs) in the
	// candidate's tags or summary. Tags rather than the summary, because common
	// pairs in prose (公司, 技术) would make every profile a candidate and the
	// query as slow as a scan; the summary still counts in the exact ranking.
	for _, tag := range from.Tags {
		for _, f := range []string{fTags, fSummary} {
			m := bleve.NewMatchQuery(tag)
			m.SetField(f)
			m.SetOperator(query.MatchQueryOperatorAnd)
			out = append(out, m)
		}
	}
	return out
}

func textMatch(field, text string, boost float64) query.Query {
	m := bleve.NewMatchQuery(text)
	m.SetField(field)
	m.SetBoost(boost)
	return m
}

func termBoost(field, value string, boost float64) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}
