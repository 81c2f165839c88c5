package api

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/gin-gonic/gin"

	"fuhua/internal/profile"
)

// Duplicates is the lookup behind the duplicate warning (profile/dup.go): the
// live profiles of p's kind and district whose name is nearly the same.
type Duplicates interface {
	SimilarProfiles(ctx context.Context, p *profile.Profile) ([]*profile.Profile, error)
}

// duplicateWarnings lists the profiles p may duplicate. A failed lookup is
// logged and gives no warning: the write it follows has happened.
func (s *Server) duplicateWarnings(c *gin.Context, p *profile.Profile) []profile.Warning {
	d, ok := s.Store.(Duplicates)
	if !ok || !profile.DupChecked(p.Kind) {
		return nil
	}
	others, err := d.SimilarProfiles(c.Request.Context(), p)
	if err != nil {
		s.Log.Warn("duplicate check failed", "id", requestID(c), "profile", p.ID, "err", err.Error())
		return nil
	}
	var out []profile.Warning
	for _, o := range others {
		out = append(out, profile.SimilarWarning(p, o))
	}
	return out
}

// renderWarned writes p as render does, with "warnings" beside its fields
// when there are any: the profile is still the resource itself, not an
// envelope.
func (s *Server) renderWarned(c *gin.Context, status int, p *profile.Profile, ws []profile.Warning) error {
	if len(ws) == 0 {
		return s.render(c, status, p)
	}
	b, err := s.view(c, p)
	if err != nil {
		return err
	}
	wj, err := json.Marshal(ws)
	if err != nil {
		return err
	}
	b = bytes.TrimSpace(b)
	out := make([]byte, 0, len(b)+len(wj)+16)
	out = append(out, `{"warnings":`...)
	out = append(out, wj...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	out = append(out, b[1:]...)
	c.Header("ETag", etag(p.Version))
	c.Data(status, "application/json; charset=utf-8", out)
	return nil
}
