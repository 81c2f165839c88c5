package main

// Helpers of the fault tests (see RELIABILITY.md): a server run in-process by
// run() or as a child process of the real binary, and an HTTP client that
// tells a full answer from a connection that was refused or cut.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin password 1"
)

// baseEnv is the environment of a test server on dir: no demo data, no drain
// delay, the admin account, and a request deadline of 30 s instead of 2.5 s
// (under -race on a shared machine 50 concurrent writes of one profile take
// longer than the production deadline; TestDatabaseOutage runs with it).
func baseEnv(addr, dir string) map[string]string {
	return map[string]string{
		"FUHUA_ADDR": addr, "FUHUA_DATA_DIR": dir, "FUHUA_DEMO": "0", "FUHUA_DRAIN": "0", "FUHUA_REQUEST_DEADLINE": "30s",
		"FUHUA_ADMIN_EMAIL": adminEmail, "FUHUA_ADMIN_PASSWORD": adminPassword,
	}
}

// inproc is `fuhua serve` run by run() in this process.
type inproc struct {
	base   string
	cancel context.CancelFunc
	errc   chan error
	log    *syncBuffer
}

// startInproc starts run(serve) with env; it does not wait for readiness.
func startInproc(t *testing.T, env map[string]string) *inproc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &inproc{base: "http://" + env["FUHUA_ADDR"], cancel: cancel, errc: make(chan error, 1), log: &syncBuffer{}}
	go func() { p.errc <- run(ctx, nil, func(k string) string { return env[k] }, p.log) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.errc:
		case <-time.After(60 * time.Second):
		}
	})
	return p
}

// stop cancels run's context (what SIGTERM does in main) and waits for run.
func (p *inproc) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	select {
	case err := <-p.errc:
		p.errc <- err // for Cleanup
		if err != nil {
			t.Fatalf("serve returned %v\n%s", err, p.log.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("serve did not shut down\n%s", p.log.String())
	}
}

// exited reports run's error if it has returned.
func (p *inproc) exited() (error, bool) {
	select {
	case err := <-p.errc:
		p.errc <- err
		return err, true
	default:
		return nil, false
	}
}

// waitReady polls /readyz until 200, failing after bound or when the server
// stops; it returns how long it took.
func waitReady(t *testing.T, base string, bound time.Duration, stopped func() (error, bool), log func() string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		r, err := http.Get(base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
			if r.StatusCode == 200 {
				return time.Since(start)
			}
		}
		if err, ok := stopped(); ok {
			t.Fatalf("server stopped before ready: %v\n%s", err, log())
		}
		if time.Since(start) > bound {
			t.Fatalf("/readyz not 200 after %s\n%s", bound, log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// child is `fuhua serve` of the real binary, run as a child process.
type child struct {
	cmd  *exec.Cmd
	base string
	out  *syncBuffer
	done chan struct{}
	err  error
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

// TestMain removes the binary fuhuaBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// fuhuaBinary builds the real binary once per test run (without -race: the
// child is the system under test, the race detector watches the in-process
// tests) and returns its path.
func fuhuaBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "fuhua-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "fuhua")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// startChild starts the binary with env (added to this process's environment).
func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(fuhuaBinary(t), "serve")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{cmd: cmd, base: "http://" + env["FUHUA_ADDR"], out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.out, c.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.err = cmd.Wait(); close(c.done) }()
	t.Cleanup(func() { c.kill() })
	return c
}

func (c *child) exited() (error, bool) {
	select {
	case <-c.done:
		return c.err, true
	default:
		return nil, false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// term sends SIGTERM and waits (up to bound) for a clean exit.
func (c *child) term(t *testing.T, bound time.Duration) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
		if c.err != nil {
			t.Fatalf("after SIGTERM: %v\n%s", c.err, c.out.String())
		}
	case <-time.After(bound):
		c.kill()
		t.Fatalf("no exit %s after SIGTERM\n%s", bound, c.out.String())
	}
}

// outcome is how one request ended.
type outcome int

const (
	answered outcome = iota // a status line and the whole body arrived
	refused                 // the connection was refused: nobody listens
	cut                     // anything else: reset, EOF mid-answer, timeout
)

// classify tells a refused connection from one cut after it was made.
func classify(err error) outcome {
	if err == nil {
		return answered
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return refused
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return refused
	}
	return cut
}

// client is a client of one server with one account's token.
type client struct {
	base  string
	token string
	hc    *http.Client
}

// newAPI makes a client; each request has its own connection, so that a
// request refused after the listener closed is told apart from one cut.
func newAPI(base, token string) *client {
	return &client{base: base, token: token, hc: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}}
}

// reply is a full answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) decode(into any) error { return json.Unmarshal(r.body, into) }

// do sends one request and reads the whole answer; err is the transport's.
func (a *client) do(ctx context.Context, method, path string, body any, hdr map[string]string) (reply, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	if cl := resp.ContentLength; cl >= 0 && int64(len(b)) != cl {
		return reply{}, fmt.Errorf("short body: %d of %d bytes", len(b), cl)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// loginAdmin signs the admin in once: tokens outlive restarts (the secret is
// kept in the data directory or given), and logins are throttled per account.
func loginAdmin(t *testing.T, base string) string {
	t.Helper()
	a := newAPI(base, "")
	r, err := a.do(context.Background(), "POST", "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Token string }
	if err := r.decode(&body); err != nil || body.Token == "" {
		t.Fatalf("login: %d %s", r.status, r.body)
	}
	return body.Token
}

// startupBody is a valid new startup named name.
func startupBody(name string) map[string]any {
	return map[string]any{"name": name, "chains": []string{"hydrogen"}, "district": "yannan", "stage": "angel"}
}

// stored is a profile as GET or a list shows it.
type stored struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version int64  `json:"version"`
}

// create posts a startup; ok only on 201.
func (a *client) create(ctx context.Context, name string, hdr map[string]string) (stored, reply, error) {
	r, err := a.do(ctx, "POST", "/api/v1/startups", startupBody(name), hdr)
	var p stored
	if err == nil && r.status == 201 {
		err = r.decode(&p)
	}
	return p, r, err
}

// rename changes a startup's name at version v (If-Match).
func (a *client) rename(ctx context.Context, id string, v int64, name string) (stored, reply, error) {
	r, err := a.do(ctx, "PATCH", "/api/v1/startups/"+id, map[string]any{"name": name}, map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v)})
	var p stored
	if err == nil && r.status == 200 {
		err = r.decode(&p)
	}
	return p, r, err
}

// get reads a startup from the database (GET by id).
func (a *client) get(t *testing.T, id string) (stored, int) {
	t.Helper()
	r, err := a.do(context.Background(), "GET", "/api/v1/startups/"+id, nil, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", id, err)
	}
	var p stored
	if r.status == 200 {
		if err := r.decode(&p); err != nil {
			t.Fatal(err)
		}
	}
	return p, r.status
}

// listAll pages through GET /startups (the index's copy) and returns id → entry.
func (a *client) listAll(t *testing.T) (map[string]stored, error) {
	t.Helper()
	out := map[string]stored{}
	cursor := ""
	for {
		path := "/api/v1/startups?limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		r, err := a.do(context.Background(), "GET", path, nil, nil)
		if err != nil {
			return nil, err
		}
		if r.status != 200 {
			return nil, fmt.Errorf("list: %d %s", r.status, r.body)
		}
		var page struct {
			Items      []stored `json:"items"`
			NextCursor string   `json:"next_cursor"`
		}
		if err := r.decode(&page); err != nil {
			return nil, err
		}
		for _, p := range page.Items {
			out[p.ID] = p
		}
		if page.NextCursor == "" || len(page.Items) == 0 {
			return out, nil
		}
		cursor = page.NextCursor
	}
}

// searchIDs returns the ids search finds for q among startups.
func (a *client) searchIDs(q string) (map[string]bool, int, error) {
	r, err := a.do(context.Background(), "GET", "/api/v1/search?kind=startup&limit=100&q="+url.QueryEscape(q), nil, nil)
	if err != nil {
		return nil, 0, err
	}
	if r.status != 200 {
		return nil, r.status, nil
	}
	var res struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := r.decode(&res); err != nil {
		return nil, r.status, err
	}
	ids := map[string]bool{}
	for _, h := range res.Items {
		ids[h.ID] = true
	}
	return ids, r.status, nil
}

// testName is a profile name with tag, a word of letters and digits that the
// index keeps whole, so a search for tag finds exactly that profile.
func testName(tag string) string { return "盐城测试科技 " + tag }
