package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fuhua/internal/api"
	"fuhua/internal/profile"
)

// TestMetricsOnlyForTheOperator: /metrics answers a direct loopback caller and a
// caller with the metrics token, in Prometheus's format, with the request
// durations by route template (never an id) and status; a remote caller, a
// loopback one that a proxy forwards, and a wrong token get 404.
func TestMetricsOnlyForTheOperator(t *testing.T) {
	h := newHarness(t, func(d *api.Deps) { d.MetricsToken = "metrics-token-0123456789" })
	_, tok := h.user(profile.RoleStartup)
	p := h.create(profile.Startup, tok)
	if r := h.do("GET", "/api/v1/startups/"+p["id"].(string), tok, nil); r.Status != http.StatusOK {
		t.Fatalf("get: %d", r.Status)
	}
	get := func(remote string, headers ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.RemoteAddr = remote
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		h.h.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		name    string
		remote  string
		headers []string
		want    int
	}{
		{"loopback", "127.0.0.1:5000", nil, 200},
		{"loopback v6", "[::1]:5000", nil, 200},
		{"token", "203.0.113.9:5000", []string{"Authorization", "Bearer metrics-token-0123456789"}, 200},
		{"remote", "203.0.113.9:5000", nil, 404},
		{"wrong token", "203.0.113.9:5000", []string{"Authorization", "Bearer metrics-token-x"}, 404},
		{"forwarded through a local proxy", "127.0.0.1:5000", []string{"X-Forwarded-For", "203.0.113.9"}, 404},
	} {
		rec := get(c.remote, c.headers...)
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
			continue
		}
		if c.want != 200 {
			continue
		}
		body := rec.Body.String()
		for _, w := range []string{
			`fuhua_http_request_duration_seconds_count{method="GET",route="/api/v1/startups/:id",status="200"}`,
			`fuhua_http_request_duration_seconds_count{method="POST",route="/api/v1/startups",status="201"}`,
			`fuhua_db_operation_duration_seconds_count{command="insert",outcome="ok"}`,
			"fuhua_index_lag_changes", "fuhua_imports_in_progress", "fuhua_index_pages_released_bytes_total", "go_goroutines",
			`fuhua_index_reconciliations_total{outcome="ok"}`, `fuhua_index_reconciled_profiles_total{action="indexed"}`,
		} {
			if !strings.Contains(body, w) {
				t.Errorf("%s: /metrics lacks %s", c.name, w)
			}
		}
		if strings.Contains(body, p["id"].(string)) {
			t.Errorf("%s: /metrics names a profile id", c.name)
		}
	}
}
