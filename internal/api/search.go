package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"fuhua/index"
	"fuhua/internal/auth"
	"fuhua/internal/match"
	"fuhua/internal/profile"
)

func (s *Server) noIndex() error {
	return &profile.Error{Kind: profile.ErrUnavailable, Code: "index_unavailable",
		EN: "search is not available right now; try again shortly", ZH: "检索服务暂不可用，请稍后重试"}
}

// search answers GET /api/v1/search?q=&kind=&chain=&district=&stage=&type=&limit=&cursor=.
// Hits carry no contact details: the index holds none.
func (s *Server) search(c *gin.Context) error {
	if s.Index == nil || !s.Index.Ready() {
		return s.noIndex()
	}
	var r index.SearchRequest
	var err error
	if r.Q, err = queryOne(c, "q"); err != nil {
		return err
	}
	kinds := profile.NewCodeSet("kind", "startup", "企业", "mentor", "导师", "investor", "投资机构", "carrier", "孵化载体",
		"enclave", "科创飞地", "provider", "服务机构")
	var kind string
	if kind, err = queryCode(c, "kind", kinds); err != nil {
		return err
	}
	r.Kind = profile.Kind(kind)
	if r.Chain, err = queryCode(c, "chain", s.Catalog.Chains); err != nil {
		return err
	}
	if r.District, err = queryCode(c, "district", s.Catalog.Districts); err != nil {
		return err
	}
	if r.Segment, err = queryOne(c, "segment"); err != nil {
		return err
	}
	if r.Segment != "" && !s.Catalog.Segments.Has(r.Segment) {
		return profile.Invalid("segment", "unknown_code", "segment is not a segment of the chain map; GET /api/v1/chains lists them",
			"segment（产业链环节）不在产业图谱中，可用的环节见 GET /api/v1/chains")
	}
	if r.Stage, err = queryCode(c, "stage", profile.Stages); err != nil {
		return err
	}
	if r.Type, err = queryOne(c, "type"); err != nil {
		return err
	}
	if r.Limit, err = queryLimit(c, index.DefaultLimit, index.MaxPageSize); err != nil {
		return err
	}
	if r.Cursor, err = queryOne(c, "cursor"); err != nil {
		return err
	}
	res, err := s.Index.Search(c.Request.Context(), r)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, res)
	return nil
}

// matchesResponse is the body of a matches answer.
type matchesResponse struct {
	Items []match.Item `json:"items"`
}

// matches answers GET /api/v1/{path}/{id}/matches?target=&limit=&chain=&stage=&district=:
// the profiles of kind target that fit this one best, each with its score and the
// reasons behind it. Only those who may edit the profile ask on its behalf.
func (s *Server) matches(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		if s.Index == nil || !s.Index.Ready() {
			return s.noIndex()
		}
		from, err := s.matchSubject(c, k)
		if err != nil {
			return err
		}
		if !auth.CanEdit(currentUser(c), from) {
			return profile.Forbidden("only the profile's owner, a manager of its district or an admin may ask for its matches",
				"只有资料所有者、所在区县管理员或系统管理员可以查看其匹配结果")
		}
		if from.Archived {
			return profile.Invalid("id", "archived", "an archived profile has no matches", "已归档的资料不参与匹配")
		}
		target, err := queryOne(c, "target")
		if err != nil {
			return err
		}
		if target == "" {
			return profile.Invalid("target", "required", fmt.Sprintf("say which kind to match with: target=%s", joinKinds(match.Targets(k))),
				fmt.Sprintf("请指定匹配对象：target=%s", joinKinds(match.Targets(k))))
		}
		o := index.MatchOptions{Accepted: s.Accepted}
		if o.Limit, err = queryLimit(c, index.DefaultLimit, index.MaxMatches); err != nil {
			return err
		}
		if o.Chain, err = queryCode(c, "chain", s.Catalog.Chains); err != nil {
			return err
		}
		if o.Stage, err = queryCode(c, "stage", profile.Stages); err != nil {
			return err
		}
		if o.District, err = queryCode(c, "district", s.Catalog.Districts); err != nil {
			return err
		}
		items, err := s.Index.Match(c.Request.Context(), from, profile.Kind(target), o)
		if err != nil {
			return err
		}
		if items == nil {
			items = []match.Item{}
		}
		c.JSON(http.StatusOK, matchesResponse{Items: items})
		return nil
	}
}

// matchSubject is the profile a match is asked for: the page cache's copy when
// it holds the version the index has (the candidates come from the same
// index, so the answer is as fresh either way), else loadProfile's. It saves
// a database read per match.
func (s *Server) matchSubject(c *gin.Context, k profile.Kind) (*profile.Profile, error) {
	id := c.Param("id")
	if seq, ok := s.Index.SeqOf(id); ok {
		if p := s.pages.get(id, seq); p != nil && p.Kind == k {
			cp := *p
			return &cp, nil
		}
	}
	p, err := s.loadProfile(c, k)
	if err == nil && !p.Archived {
		cp := *p
		s.pages.put(&cp)
	}
	return p, err
}

func joinKinds(ks []profile.Kind) string {
	out := ""
	for i, k := range ks {
		if i > 0 {
			out += "|"
		}
		out += string(k)
	}
	return out
}
