package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"fuhua/internal/notify"
	"fuhua/internal/policy"
	"fuhua/internal/profile"
)

// pushResult is the response of POST /policies/{code}/push.
type pushResult struct {
	Code string `json:"code"`
	Year int    `json:"year"`
	// Firms is how many firms were in the statuses asked for; Told how many
	// owners were told now; Already how many had been told of this programme,
	// year and status before (each firm is told once).
	Firms   int `json:"firms"`
	Told    int `json:"told"`
	Already int `json:"already"`
}

// pushPolicy answers POST /api/v1/policies/{code}/push?status=&district=&year=:
// the manager pushes the programme (免申即享) to every firm of their districts in
// the statuses asked for (eligible and close by default): each firm's owner gets
// a policy_eligible notification naming the programme, once per firm, programme,
// year and status, however often the office pushes.
func (s *Server) pushPolicy(c *gin.Context) error {
	q, err := s.policyFirmsQuery(c)
	if err != nil {
		return err
	}
	if s.Notes == nil || s.Saved == nil {
		return &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable",
			EN: "notifications are not set up on this server", ZH: "本服务未启用通知"}
	}
	rows, _, err := s.firms(c, q)
	if err != nil {
		return err
	}
	g := q.programme
	out := pushResult{Code: g.Code, Year: q.year, Firms: len(rows)}
	ctx := c.Request.Context()
	for _, r := range rows {
		if r.Owner == "" {
			continue
		}
		first, err := s.Saved.ClaimOnce(ctx, fmt.Sprintf("policy-push:%s:%d:%s:%s", g.Code, q.year, r.ID, r.Result.Status))
		if err != nil {
			return err
		}
		if !first {
			out.Already++
			continue
		}
		ref := notify.Ref{Kind: g.AppliesTo, ID: r.ID, Name: r.Name}
		s.tell(ctx, r.Owner, notify.Pushed(ref, g.ZH, g.EN, r.Result.Status == policy.Eligible))
		out.Told++
	}
	c.JSON(http.StatusOK, out)
	return nil
}
