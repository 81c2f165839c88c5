package api

import (
	"github.com/gin-gonic/gin"

	"fuhua/internal/profile"
)

// afterWrite tells whom a profile's creation (before is nil) or change concerns:
// the owners of saved lists it entered, and its own owner of support programmes
// it newly qualifies for. It runs after the write is stored and indexed, and
// never fails the request.
func (s *Server) afterWrite(c *gin.Context, before, after *profile.Profile) {
	ctx := c.Request.Context()
	s.tellSaved(ctx, after)
	s.tellEligible(ctx, before, after)
}
