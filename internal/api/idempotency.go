package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/idempotency"
	"fuhua/internal/profile"
)

// Requests keeps the records of Idempotency-Key (see package idempotency).
type Requests interface {
	ClaimRequest(ctx context.Context, rec *idempotency.Record) (*idempotency.Record, error)
	GetRequest(ctx context.Context, id string) (*idempotency.Record, error)
	CompleteRequest(ctx context.Context, id string, status int, body []byte, location, etag string) error
	ReleaseRequest(ctx context.Context, id string) error
}

const ctxIdemRef = "fuhua.idempotency.ref"

// idemRef is the id the resource created by this request is to get, when the
// request carries an Idempotency-Key; "" otherwise.
func idemRef(c *gin.Context) string { return c.GetString(ctxIdemRef) }

// waitForDuplicate is how long a request whose key is being worked on by another
// waits for that one's response before answering 409.
const waitForDuplicate = 2 * time.Second

// idempotent makes a POST that creates something safe to retry with an
// Idempotency-Key: the first request with a key claims it and its response is
// kept for 24 hours; the same key with the same body (same account, same route)
// gets that response again without a second write; with another body, 422. A
// duplicate that arrives while the first is still working waits briefly for its
// response, then gets 409 with Retry-After. Failed requests (not 2xx) free the
// key.
func (s *Server) idempotent() gin.HandlerFunc {
	return func(c *gin.Context) {
		vals := c.Request.Header.Values("Idempotency-Key")
		if len(vals) == 0 {
			c.Next()
			return
		}
		err := idempotency.CheckKey(vals[0])
		if err == nil && len(vals) > 1 {
			err = profile.Invalid("Idempotency-Key", "invalid_idempotency_key", "send Idempotency-Key once", "Idempotency-Key 只能发送一次")
		}
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		body, rerr := io.ReadAll(c.Request.Body)
		if rerr != nil {
			// The handler reports the unreadable or oversized body as it always does.
			c.Request.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errorReader{rerr}))
			c.Next()
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		ctx := c.Request.Context()
		rec := &idempotency.Record{ID: idempotency.ID(currentUser(c).ID, vals[0]),
			Fingerprint: idempotency.Fingerprint(c.Request.Method, c.FullPath(), body)}
		held, err := s.Store.ClaimRequest(ctx, rec)
		if err != nil {
			writeError(c, s.Log, err)
			return
		}
		if held != nil {
			if held.Fingerprint != rec.Fingerprint {
				writeError(c, s.Log, newHTTPError(http.StatusUnprocessableEntity, "idempotency_key_reused", "Idempotency-Key",
					"this Idempotency-Key was already used for a different request; use a new key for a new request",
					"此 Idempotency-Key 已用于另一个不同的请求；新的请求请使用新的 Idempotency-Key"))
				return
			}
			if !held.Done && !held.StalledAfter(s.Now(), s.IdempotencyStall) {
				held = s.awaitDuplicate(ctx, held)
			}
			switch {
			case held == nil || (!held.Done && !held.StalledAfter(s.Now(), s.IdempotencyStall)):
				e := newHTTPError(http.StatusConflict, "request_in_progress", "Idempotency-Key",
					"a request with this Idempotency-Key is still being processed; try again shortly", "请求处理中，请稍后重试")
				e.detail.RetryAfter = 1
				writeError(c, s.Log, e)
				return
			case held.Done:
				replay(c, held)
				return
			}
			// The request that claimed the key died: carry its work on under the
			// same resource id, so whatever it wrote is found rather than doubled.
			rec = held
		}
		c.Set(ctxIdemRef, rec.Ref)
		w := &capturingWriter{ResponseWriter: c.Writer}
		c.Writer = w
		c.Next()
		bg := context.WithoutCancel(ctx)
		if st := w.Status(); st >= 200 && st < 300 {
			if err := s.Store.CompleteRequest(bg, rec.ID, st, w.buf.Bytes(), w.Header().Get("Location"), w.Header().Get("ETag")); err != nil {
				s.Log.Warn("idempotency record not completed; a retry will find the resource by its id", "id", requestID(c), "err", err.Error())
			}
			return
		}
		if err := s.Store.ReleaseRequest(bg, rec.ID); err != nil {
			s.Log.Warn("idempotency key not released", "id", requestID(c), "err", err.Error())
		}
	}
}

// awaitDuplicate polls the record held by another request until it is finished,
// gone (nil) or waitForDuplicate has passed, and returns what it last saw.
func (s *Server) awaitDuplicate(ctx context.Context, held *idempotency.Record) *idempotency.Record {
	deadline := time.NewTimer(waitForDuplicate)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return held
		case <-deadline.C:
			return held
		case <-tick.C:
		}
		got, err := s.Store.GetRequest(ctx, held.ID)
		if errors.Is(err, profile.ErrNotFound) {
			return nil // the first failed and freed the key: the client may send again
		}
		if err == nil {
			held = got
			if held.Done {
				return held
			}
		}
	}
}

// replay answers with the response kept for the key.
func replay(c *gin.Context, r *idempotency.Record) {
	if r.Location != "" {
		c.Header("Location", r.Location)
	}
	if r.ETag != "" {
		c.Header("ETag", r.ETag)
	}
	c.Header("Idempotent-Replayed", "true")
	c.Data(r.Status, "application/json; charset=utf-8", r.Body)
	c.Abort()
}

// capturingWriter keeps a copy of the response body for the idempotency record.
type capturingWriter struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

func (w *capturingWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *capturingWriter) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// errorReader fails every read with err.
type errorReader struct{ err error }

func (r errorReader) Read([]byte) (int, error) { return 0, r.err }
