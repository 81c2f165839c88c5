package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"fuhua/internal/api"
)

// The OpenAPI document as the tests read it: loaded and checked once.
var (
	oaOnce   sync.Once
	oaDoc    *openapi3.T
	oaRouter routers.Router
	oaErr    error
)

func openAPI(t testing.TB) (*openapi3.T, routers.Router) {
	t.Helper()
	oaOnce.Do(func() {
		loader := openapi3.NewLoader()
		oaDoc, oaErr = loader.LoadFromData(api.OpenAPI())
		if oaErr != nil {
			return
		}
		if oaErr = oaDoc.Validate(context.Background()); oaErr != nil {
			return
		}
		oaRouter, oaErr = legacy.NewRouter(oaDoc)
	})
	if oaErr != nil {
		t.Fatalf("internal/api/openapi.json: %v", oaErr)
	}
	return oaDoc, oaRouter
}

// documented reports whether a path is one the OpenAPI document covers (the
// web pages under /, /app and /static are not the API).
func documented(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// checkOpenAPI validates one response the harness received against the
// document: its route must be there, its status documented (explicitly, or an
// error under "default"), and a JSON body must match the schema. A failure says
// which method, path and status to add or fix in internal/api/openapi.json.
func checkOpenAPI(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if !documented(req.URL.Path) || req.Method == http.MethodOptions || req.Method == http.MethodHead {
		return
	}
	_, router := openAPI(t)
	route, params, err := router.FindRoute(req)
	if err != nil {
		// A path or method the server does not have either: its 404/405 must be
		// the API's error shape.
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			if msg := errorShape(body); msg != "" {
				t.Errorf("openapi: %s %s answered %d with a body that is not an Error: %s", req.Method, req.URL.Path, status, msg)
			}
			return
		}
		t.Errorf("openapi: %s %s answered %d, but internal/api/openapi.json has no such operation (%v): add %q with %q under \"paths\"",
			req.Method, req.URL.Path, status, err, templateOf(req.URL.Path), strings.ToLower(req.Method))
		return
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true}
	resp := route.Operation.Responses.Status(status)
	switch ct := header.Get("Content-Type"); {
	case len(body) == 0: // 204, 304: the status must be listed
		opts.ExcludeResponseBody = true
		if resp == nil && status < 400 {
			t.Errorf("openapi: %s %s (%s) answered %d without a body, which internal/api/openapi.json does not list: add responses.%d",
				req.Method, req.URL.Path, route.Path, status, status)
		}
	case !strings.Contains(ct, "json"): // spreadsheets, CSV, Prometheus text: the type must be listed
		opts.ExcludeResponseBody = true
		if status < 400 && (resp == nil || resp.Value.Content.Get(ct) == nil) {
			t.Errorf("openapi: %s %s (%s) answered %d %s, which internal/api/openapi.json does not list: add responses.%d.content[%q]",
				req.Method, req.URL.Path, route.Path, status, ct, status, ct)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status, Header: header, Options: opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		b := string(body)
		if len(b) > 400 {
			b = b[:400] + "…"
		}
		t.Errorf("openapi: %s %s (path %s) answered %d, which does not match internal/api/openapi.json (responses.%d or default): %v\nbody: %s",
			req.Method, req.URL.Path, route.Path, status, status, err, b)
	}
}

var idSegment = regexp.MustCompile(`^[0-9a-f]{24}$`)

// templateOf guesses the document path of a concrete one: ids become {id}.
func templateOf(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if idSegment.MatchString(p) {
			parts[i] = "{id}"
		}
	}
	return strings.Join(parts, "/")
}

// errorShape is empty when body is the API's error object, else what is wrong.
func errorShape(body []byte) string {
	doc, _ := openAPIOnce()
	s := doc.Components.Schemas["Error"].Value
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "not JSON: " + err.Error()
	}
	if err := s.VisitJSON(v); err != nil {
		return err.Error()
	}
	return ""
}

func openAPIOnce() (*openapi3.T, routers.Router) { return oaDoc, oaRouter }

// TestOpenAPIDocumentsEveryRoute: every route the server registers (but the
// web pages) is an operation of the document, and the document names no
// operation the server lacks. A new route fails here until it is added.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	doc, _ := openAPI(t)
	h := newHarness(t)
	ginPath := regexp.MustCompile(`:([a-z_]+)`)
	have := map[string]bool{}
	for _, r := range h.srv.Engine().Routes() {
		if r.Method == http.MethodHead || !documented(r.Path) {
			continue
		}
		p := ginPath.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + p
		have[key] = true
		item := doc.Paths.Value(p)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s is a route but not in internal/api/openapi.json: add paths[%q].%s with its responses", key, p, strings.ToLower(r.Method))
		}
	}
	for p, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			if !have[m+" "+p] {
				t.Errorf("internal/api/openapi.json documents %s %s, which the server does not have", m, p)
			}
		}
	}
}

// TestOpenAPIServedAndCanFail: the document is served without sign-in, and the
// check the harness runs rejects a response that drifted from it (a profile
// without its id, an error without its Chinese message, an undocumented route).
func TestOpenAPIServedAndCanFail(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/api/v1/openapi.json", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d", r.Status)
	}
	if v, _ := r.json(t)["openapi"].(string); !strings.HasPrefix(v, "3.") {
		t.Fatalf("served document has openapi %q", v)
	}
	for _, c := range []struct {
		method, path string
		status       int
		body         string
		want         string
	}{
		{"GET", "/api/v1/startups/0123456789abcdef01234567", 200, `{"kind":"startup","name":"x","version":1}`, "does not match"},
		{"GET", "/api/v1/me", 401, `{"error":{"code":"unauthenticated","message":"m","message_en":"m"}}`, "does not match"},
		{"GET", "/api/v1/me", 201, `{"id":"u"}`, "does not match"},
		{"GET", "/api/v1/not-documented", 200, `{}`, "no such operation"},
	} {
		rec := &recorder{}
		req := httptest.NewRequest(c.method, c.path, nil)
		hdr := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		checkOpenAPI(rec, req, c.status, hdr, []byte(c.body))
		if !strings.Contains(rec.msg, c.want) {
			t.Errorf("%s %s %d %s: the check said %q, want %q", c.method, c.path, c.status, c.body, rec.msg, c.want)
		}
	}
}

// recorder is a testing.TB that keeps what checkOpenAPI reports.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Errorf(format string, args ...any) { r.msg += fmt.Sprintf(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.msg += fmt.Sprintf(format, args...) }
