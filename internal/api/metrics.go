package api

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"fuhua/internal/metrics"
)

// serveMetrics answers GET /metrics (Prometheus text format, outside /api/v1):
// for a caller on the same host that came directly (the peer address is
// loopback and no proxy header says it forwards someone else), or for anyone
// sending Authorization: Bearer <FUHUA_METRICS_TOKEN> when that is set. Others
// get 404, as if there were no such endpoint: the figures name routes and
// volumes, not people, but they are for the operator.
func (s *Server) serveMetrics(c *gin.Context) error {
	if !s.mayReadMetrics(c.Request) {
		return newHTTPError(http.StatusNotFound, "no_route", "", "no such endpoint: "+c.Request.URL.Path, "接口不存在："+c.Request.URL.Path)
	}
	metrics.Handler().ServeHTTP(c.Writer, c.Request)
	return nil
}

func (s *Server) mayReadMetrics(r *http.Request) bool {
	if s.MetricsToken != "" {
		if raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(raw)), []byte(s.MetricsToken)) == 1 {
			return true
		}
	}
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-IP") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
