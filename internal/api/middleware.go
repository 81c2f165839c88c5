package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/metrics"
)

// MaxBody is the largest request body accepted (413 beyond).
const MaxBody = 1 << 20

const ctxRequestID = "fuhua.request_id"

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

// withRequestID gives every request an id, echoed in X-Request-ID and in error
// bodies, so a person reporting a problem can quote it.
func withRequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Set(ctxRequestID, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// logRequests writes one JSON line per request (never a body, header or
// token), records its duration in the metrics by route template and status, and
// logs a warning for a request slower than slow (0: none).
func logRequests(log *slog.Logger, slow time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		took := time.Since(start)
		route := c.FullPath()
		if route == "" {
			route = "(no route)"
		}
		status := c.Writer.Status()
		metrics.HTTPDuration.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Observe(took.Seconds())
		attrs := []any{"id", requestID(c), "method", c.Request.Method, "route", route,
			"status", status, "duration_ms", float64(took.Microseconds()) / 1000,
			"bytes", c.Writer.Size(), "client", c.ClientIP()}
		if u := currentUser(c); u != nil {
			attrs = append(attrs, "user", u.ID)
		}
		log.Info("request", attrs...)
		if slow > 0 && took >= slow {
			metrics.SlowRequests.WithLabelValues(route).Inc()
			log.Warn("slow request", "id", requestID(c), "method", c.Request.Method, "route", route, "status", status,
				"duration_ms", float64(took.Microseconds())/1000, "threshold_ms", slow.Milliseconds())
		}
	}
}

// recoverPanics turns a panic into a logged 500 with a generic body; the stack goes
// to the log, never to the client.
func recoverPanics(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				log.Error("panic", "id", requestID(c), "route", c.FullPath(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				writeError(c, log, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// securityHeaders sets the headers every response carries. API responses are
// never cached; pages get a strict content security policy.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" {
			h.Set("Cache-Control", "no-store")
			h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		} else {
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
				"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		}
		c.Next()
	}
}

// cors answers cross-origin requests only from the configured origins; with none
// configured it adds nothing, and browsers refuse cross-origin calls.
func cors(origins []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" || !slices.Contains(origins, origin) {
			if c.Request.Method == http.MethodOptions && origin != "" {
				c.AbortWithStatus(http.StatusForbidden)
				return
			}
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match, If-None-Match, X-CSRF-Token")
		h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
		h.Set("Access-Control-Expose-Headers", "ETag, Retry-After, X-Request-ID")
		h.Set("Access-Control-Max-Age", "600")
		if c.Request.Method == http.MethodOptions {
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}

// MaxUpload is the body limit of a spreadsheet import: the largest file accepted
// (10 MiB, see internal/sheet) and room for the multipart framing.
const MaxUpload = 10<<20 + 64<<10

// limitBody caps every request body at MaxBody bytes (MaxUpload for a spreadsheet
// import); readers past it fail and the decoder answers 413.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := int64(MaxBody)
		if c.Request.Method == http.MethodPost && strings.HasSuffix(c.FullPath(), "/import") {
			limit = MaxUpload
		}
		if c.Request.ContentLength > limit {
			writeError(c, slog.Default(), newHTTPError(http.StatusRequestEntityTooLarge, "body_too_large", "",
				fmt.Sprintf("the request body is larger than %d bytes", limit), fmt.Sprintf("请求体超过 %d 字节", limit)))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}
