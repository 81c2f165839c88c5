package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"fuhua/index"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// chainMapper is the index's chain-map view; the API asks for it only when the
// index provides it.
type chainMapper interface {
	ChainMap(chain, district string) (*index.ChainView, error)
}

type segmentBrief struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

type chainBrief struct {
	Code     string         `json:"code"`
	ZH       string         `json:"zh"`
	EN       string         `json:"en"`
	Group    bool           `json:"group"`
	Parent   string         `json:"parent,omitempty"`
	Segments []segmentBrief `json:"segments"`
}

// chainList answers GET /api/v1/chains: every chain of the industry technology
// map with its segments, upstream first, in the chain list's order.
func (s *Server) chainList(c *gin.Context) error {
	segs := map[string][]segmentBrief{}
	for _, ch := range seed.Map().Chains {
		for _, sg := range ch.Segments {
			segs[ch.Chain] = append(segs[ch.Chain], segmentBrief{sg.Code, sg.ZH, sg.EN})
		}
	}
	items := []chainBrief{}
	for _, ch := range seed.Chains() {
		b := chainBrief{Code: ch.Code, ZH: ch.ZH, EN: ch.EN, Group: ch.Group, Parent: ch.Parent, Segments: segs[ch.Code]}
		if b.Segments == nil {
			b.Segments = []segmentBrief{}
		}
		items = append(items, b)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

// chainDetail answers GET /api/v1/chains/{code}?district=: the chain's segments
// in order with their links, the counts of live profiles working in each (with
// startups by stage), and each segment's gaps.
func (s *Server) chainDetail(c *gin.Context) error {
	code := c.Param("code")
	if !s.Catalog.Chains.Has(code) {
		return &profile.Error{Kind: profile.ErrNotFound, Code: "not_found", Field: "code",
			EN: "no such chain; GET /api/v1/chains lists them", ZH: "没有这条产业链，可用的产业链见 GET /api/v1/chains"}
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return err
	}
	cm, ok := s.Index.(chainMapper)
	if s.Index == nil || !ok || !s.Index.Ready() {
		return s.noIndex()
	}
	v, err := cm.ChainMap(code, district)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}
