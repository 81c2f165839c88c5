package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects the server's log lines from its goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveOnce runs `fuhua serve` on dir until check returns, then stops it the way
// SIGTERM does and returns the log.
func serveOnce(t *testing.T, dir string, check func(base string)) string {
	t.Helper()
	addr := freeAddr(t)
	env := map[string]string{
		"FUHUA_ADDR": addr, "FUHUA_DATA_DIR": dir, "FUHUA_DEMO_SIZE": "40", "FUHUA_DRAIN": "0",
		"FUHUA_ADMIN_EMAIL": "admin@example.com", "FUHUA_ADMIN_PASSWORD": "admin password 1",
	}
	ctx, cancel := context.WithCancel(context.Background())
	var log syncBuffer
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, nil, func(k string) string { return env[k] }, &log) }()
	base := "http://" + addr
	deadline := time.Now().Add(90 * time.Second)
	for {
		r, err := http.Get(base + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-errc:
			t.Fatalf("serve stopped: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("never ready\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	check(base)
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not shut down")
	}
	return log.String()
}

func login(t *testing.T, base string) string {
	t.Helper()
	r, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"admin@example.com","password":"admin password 1"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var body struct{ Token string }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Token == "" {
		t.Fatalf("login: %d %v", r.StatusCode, err)
	}
	return body.Token
}

func getJSON(t *testing.T, base, path, token string, into any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if into != nil {
		_ = json.NewDecoder(r.Body).Decode(into)
	}
	return r.StatusCode
}

// TestServeRestartKeepsEverything is `make run` twice on one data directory: the
// first start creates the admin, loads the demo data and builds the index; the
// second reopens all of it (the embedded database refuses to re-create indexes,
// which once crashed a restart) and finds the same data and a token still valid
// (the signing secret is kept in the data directory).
func TestServeRestartKeepsEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole server twice")
	}
	dir := t.TempDir()
	var token string
	var first struct {
		Items []struct{ ID string } `json:"items"`
	}
	log := serveOnce(t, dir, func(base string) {
		token = login(t, base)
		if s := getJSON(t, base, "/api/v1/startups?limit=100", token, &first); s != 200 || len(first.Items) == 0 {
			t.Fatalf("demo startups: %d, %d items", s, len(first.Items))
		}
		var hits struct {
			Items []struct{ ID string } `json:"items"`
		}
		if s := getJSON(t, base, "/api/v1/search?kind=startup&limit=100", token, &hits); s != 200 || len(hits.Items) != len(first.Items) {
			t.Fatalf("search sees %d startups, list %d", len(hits.Items), len(first.Items))
		}
	})
	if !strings.Contains(log, "demo data loaded on first start") || strings.Contains(log, `"level":"ERROR"`) {
		t.Fatalf("first start log:\n%s", log)
	}
	for _, secret := range []string{"admin password 1", token} {
		if strings.Contains(log, secret) {
			t.Fatal("the log holds a password or a token")
		}
	}
	log = serveOnce(t, dir, func(base string) {
		var again struct {
			Items []struct{ ID string } `json:"items"`
		}
		if s := getJSON(t, base, "/api/v1/startups?limit=100", token, &again); s != 200 || fmt.Sprint(again.Items) != fmt.Sprint(first.Items) {
			t.Fatalf("after restart: %d, %d items (before %d)", s, len(again.Items), len(first.Items))
		}
	})
	if strings.Contains(log, "demo data loaded") || strings.Contains(log, `"level":"ERROR"`) {
		t.Fatalf("second start log:\n%s", log)
	}
}
