package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// An import (or export) answers after the server's write timeout has passed;
// any other route is cut off at it. The handler takes 3× the write timeout.
func TestImportOutlastsWriteTimeout(t *testing.T) {
	const timeout = 150 * time.Millisecond
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(3 * timeout)
		io.WriteString(w, `{"rows":1}`)
	})
	srv := httptest.NewUnstartedServer(withDeadline(slow, time.Minute))
	srv.Config.WriteTimeout = timeout
	srv.Start()
	defer srv.Close()
	for _, c := range []struct {
		path string
		ok   bool
	}{{"/api/v1/startups/import", true}, {"/api/v1/startups/export", true}, {"/api/v1/startups", false}} {
		resp, err := http.Post(srv.URL+c.path, "text/csv", nil)
		var body []byte
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		got := err == nil && string(body) == `{"rows":1}`
		if got != c.ok {
			t.Errorf("POST %s after the write timeout: answered %v (%v %q), want %v", c.path, got, err, body, c.ok)
		}
	}
}
