package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"fuhua/index"
	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/match"
	"fuhua/internal/profile"
)

// Deal flow (issue 10): an investor's startups, ranked by the same matcher as
// GET /investors/{id}/matches?target=startup, filtered by chain, segment, stage
// and district, paged, and each marked with the introduction already between
// them. Startups with a pending, accepted or declined introduction are listed
// after those not yet introduced (withdrawn and expired ones free the pair and
// keep their rank). Built on exported index functions only: the matcher ranks at
// most index.MaxMatches candidates, so deal flow reaches that deep; a segment
// is judged by the search index (declared, or read from the prose), up to
// dealSegmentDepth startups.

const (
	dealDefaultLimit = 10
	dealMaxLimit     = 50
	dealSegmentDepth = 500
)

type dealIntro struct {
	ID    string      `json:"id"`
	State intro.State `json:"state"`
}

type dealItem struct {
	Kind         profile.Kind   `json:"kind"`
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Score        int            `json:"score"`
	Reasons      []match.Reason `json:"reasons"`
	District     string         `json:"district"`
	Stage        string         `json:"stage"`
	Chains       []string       `json:"chains"`
	Introduction *dealIntro     `json:"introduction"`
}

type dealList struct {
	Items      []dealItem `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// dealflow answers GET /api/v1/investors/{id}/dealflow?chain=&segment=&stage=&district=&limit=&cursor=.
// Those who may see the investor's matches may see it: its owner, a manager of
// its district, an admin.
func (s *Server) dealflow(c *gin.Context) error {
	if s.Index == nil || !s.Index.Ready() {
		return s.noIndex()
	}
	st, err := s.asking()
	if err != nil {
		return err
	}
	inv, err := s.loadProfile(c, profile.Investor)
	if err != nil {
		return err
	}
	if !auth.CanEdit(currentUser(c), inv) {
		return profile.Forbidden("only the investor's owner, a manager of its district or an admin may see its deal flow",
			"只有投资机构资料的所有者、所在区县管理员或系统管理员可以查看其项目源")
	}
	if inv.Archived {
		return profile.Invalid("id", "archived", "an archived profile has no deal flow", "已归档的资料没有项目源")
	}
	o := index.MatchOptions{Limit: index.MaxMatches, Accepted: s.Accepted}
	if o.Chain, err = queryCode(c, "chain", s.Catalog.Chains); err != nil {
		return err
	}
	if o.Stage, err = queryCode(c, "stage", profile.Stages); err != nil {
		return err
	}
	if o.District, err = queryCode(c, "district", s.Catalog.Districts); err != nil {
		return err
	}
	segment, err := queryCode(c, "segment", s.Catalog.Segments)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, dealDefaultLimit, dealMaxLimit)
	if err != nil {
		return err
	}
	offset := 0
	if cur, err := queryOne(c, "cursor"); err != nil {
		return err
	} else if cur != "" {
		if offset, err = strconv.Atoi(cur); err != nil || offset < 0 || offset > index.MaxMatches {
			return profile.Invalid("cursor", "invalid_cursor", "cursor (the page position) is not one this API gave out", "分页位置（cursor）无效")
		}
	}
	ctx := c.Request.Context()
	items, err := s.Index.Match(ctx, inv, profile.Startup, o)
	if err != nil {
		return err
	}
	if segment != "" {
		in := map[string]bool{}
		req := index.SearchRequest{Kind: profile.Startup, Segment: segment, Limit: 100}
		for len(in) < dealSegmentDepth {
			res, err := s.Index.Search(ctx, req)
			if err != nil {
				return err
			}
			for _, h := range res.Hits {
				in[h.ID] = true
			}
			if res.NextCursor == "" || len(res.Hits) == 0 {
				break
			}
			req.Cursor = res.NextCursor
		}
		items = slices.DeleteFunc(items, func(it match.Item) bool { return !in[it.ID] })
	}
	ins, err := st.IntrosOfProfile(ctx, inv.ID)
	if err != nil {
		return err
	}
	latest := map[string]*intro.Introduction{} // newest first, so the first seen is the latest
	for i := range ins {
		other := ins[i].From.ID
		if other == inv.ID {
			other = ins[i].To.ID
		}
		if _, ok := latest[other]; !ok {
			latest[other] = &ins[i]
		}
	}
	demoted := func(id string) bool {
		in := latest[id]
		return in != nil && (in.State.Open() || in.State == intro.Declined)
	}
	// A stable partition keeps the matcher's order within each part.
	slices.SortStableFunc(items, func(a, b match.Item) int {
		da, db := demoted(a.ID), demoted(b.ID)
		switch {
		case da == db:
			return 0
		case db:
			return -1
		}
		return 1
	})
	out := dealList{Items: []dealItem{}}
	if offset < len(items) {
		page := items[offset:min(offset+limit, len(items))]
		for _, it := range page {
			p, err := s.Store.GetProfile(ctx, it.ID)
			if errors.Is(err, profile.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			d := dealItem{Kind: it.Kind, ID: it.ID, Name: it.Name, Score: it.Score, Reasons: it.Reasons,
				District: p.District, Stage: p.Stage, Chains: p.Chains}
			if d.Chains == nil {
				d.Chains = []string{}
			}
			if in := latest[it.ID]; in != nil {
				d.Introduction = &dealIntro{ID: in.ID, State: in.State}
			}
			out.Items = append(out.Items, d)
		}
		if offset+limit < len(items) {
			out.NextCursor = strconv.Itoa(offset + limit)
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}
