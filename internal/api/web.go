package api

import (
	"github.com/gin-gonic/gin"

	"fuhua/web"
)

// webRoutes mounts the web pages (package web) on GET and HEAD of /, /app/* and
// /static/*. They are explicit routes rather than a NoRoute fallback, so an
// unknown path under /api/ still answers with the API's JSON 404.
func (s *Server) webRoutes() {
	h := gin.WrapH(web.Handler())
	for _, p := range web.Paths() {
		s.engine.GET(p, h)
		s.engine.HEAD(p, h)
	}
}
