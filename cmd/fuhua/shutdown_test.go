package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"fuhua/index"
)

// TestShutdownUnderLoad is SIGTERM while clients call (run's context ends as
// main's signal handler ends it): /readyz turns 503 before the listener closes;
// clients send until /readyz says 503 (as a load balancer would), uploads in
// flight across the drain and the shutdown complete, every request got its
// whole answer, never one cut mid-way, and once closed a request is refused; the index is closed cleanly (it
// reopens without a rebuild and holds every profile acknowledged) and no
// goroutine is left behind.
//
// Protections it checks: svc.Drain and the drain delay before Shutdown
// (without them /readyz goes from 200 straight to refused), http.Server.Shutdown
// rather than Close (requests in flight are cut), the follower stopped and the
// index closed (the index stays locked: it cannot be reopened), the
// background goroutines waited for (goleak).
func TestShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole server")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
		// net/http's dialer may still be finishing a refused connection's cleanup.
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
	dir := t.TempDir()
	env := baseEnv(freeAddr(t), dir)
	env["FUHUA_DRAIN"] = "500ms"
	srv := startInproc(t, env)
	waitReady(t, srv.base, 90*time.Second, srv.exited, srv.log.String)
	token := loginAdmin(t, srv.base)

	var (
		created   sync.Map // id → true for every 201
		nCreated  atomic.Int64
		nAnswered atomic.Int64
		nRefused  atomic.Int64
		mu        sync.Mutex
		failures  []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	var closed atomic.Bool   // set once some request was refused: the listener is closed
	var draining atomic.Bool // set once /readyz said 503: a load balancer sends no new requests
	var wg sync.WaitGroup
	ctx := context.Background()
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			a := newAPI(srv.base, token)
			defer a.hc.CloseIdleConnections()
			for i := 0; !draining.Load(); i++ {
				var r reply
				var err error
				switch i % 3 {
				case 0:
					var p stored
					p, r, err = a.create(ctx, testName(fmt.Sprintf("w%dn%d", w, i)), nil)
					if err == nil && r.status == 201 {
						created.Store(p.ID, true)
						nCreated.Add(1)
					}
				case 1:
					r, err = a.do(ctx, "GET", "/api/v1/search?kind=startup&q=w"+fmt.Sprint(w), nil, nil)
				default:
					r, err = a.do(ctx, "GET", "/api/v1/startups?limit=50", nil, nil)
				}
				switch classify(err) {
				case answered:
					nAnswered.Add(1)
					if r.status >= 500 {
						fail("worker %d request %d: %d %s", w, i, r.status, r.body)
					}
				case refused:
					nRefused.Add(1)
					closed.Store(true)
					return // nobody listens any more
				case cut:
					fail("worker %d request %d cut: %v", w, i, err)
					return
				}
			}
		}(w)
	}

	// Readiness, watched from outside as a load balancer would.
	var seq []string
	readyDone := make(chan struct{})
	go func() {
		defer close(readyDone)
		hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		for {
			r, err := hc.Get(srv.base + "/readyz")
			state := ""
			switch classify(err) {
			case refused:
				seq = append(seq, "refused")
				return
			case cut:
				// A probe whose connection the kernel took just as the
				// listener closed is reset unserved (EOF): after "503
				// draining" that is the listener closing, as refused is; a
				// cut before it is a failure.
				if draining.Load() && errors.Is(err, io.EOF) {
					seq = append(seq, "refused")
				} else {
					seq = append(seq, "cut: "+err.Error())
				}
				return
			}
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			state = fmt.Sprint(r.StatusCode)
			if strings.Contains(string(b), "draining") {
				state += " draining"
			}
			if r.StatusCode == 503 {
				draining.Store(true)
			}
			if len(seq) == 0 || seq[len(seq)-1] != state {
				seq = append(seq, state)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	// Let the load run, then stop the server the way SIGTERM does.
	for nCreated.Load() < 20 {
		if err, ok := srv.exited(); ok {
			t.Fatalf("server stopped: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Requests in flight across the drain and Shutdown: uploads whose bodies
	// trickle in for 1.5 s, started before the signal. Shutdown waits for them;
	// Close would cut them.
	var slow sync.WaitGroup
	for u := 0; u < 3; u++ {
		slow.Add(1)
		go func(u int) {
			defer slow.Done()
			pr, pw := io.Pipe()
			body := fmt.Sprintf(`{"name":%q,"chains":["hydrogen"],"district":"yannan","stage":"angel"}`, testName(fmt.Sprintf("slow%d", u)))
			go func() {
				for i := 0; i < len(body); i += len(body)/10 + 1 {
					_, _ = pw.Write([]byte(body[i:min(len(body), i+len(body)/10+1)]))
					time.Sleep(150 * time.Millisecond)
				}
				pw.Close()
			}()
			req, _ := http.NewRequest("POST", srv.base+"/api/v1/startups", pr)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := hc.Do(req)
			if err != nil {
				fail("slow upload %d cut: %v", u, err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != 201 {
				fail("slow upload %d: %d %v %s", u, resp.StatusCode, err, b)
				return
			}
			nAnswered.Add(1)
			nCreated.Add(1)
		}(u)
	}
	time.Sleep(300 * time.Millisecond) // the uploads are under way
	srv.stop(t)
	wg.Wait()
	slow.Wait()
	<-readyDone
	// Once closed, nobody listens: a new request is refused.
	if _, err := newAPI(srv.base, token).do(ctx, "GET", "/healthz", nil, nil); classify(err) != refused {
		t.Errorf("after shutdown a request was not refused: %v", err)
	} else {
		closed.Store(true)
	}

	for _, f := range failures {
		t.Error(f)
	}
	want := []string{"200", "503 draining", "refused"}
	if fmt.Sprint(seq) != fmt.Sprint(want) {
		t.Errorf("/readyz went %q, want %q (503 before the listener closes)", seq, want)
	}
	log := srv.log.String()
	if strings.Contains(log, `"level":"ERROR"`) || !strings.Contains(log, "requests drained") {
		t.Errorf("shutdown log:\n%s", log)
	}
	t.Logf("%d answered (%d created), %d refused after close; readiness %q", nAnswered.Load(), nCreated.Load(), nRefused.Load(), seq)

	// The index was closed cleanly: it opens again at once, needs no rebuild,
	// and holds every profile that was acknowledged.
	opened := make(chan *index.Index, 1)
	go func() {
		ix, err := index.Open(filepath.Join(dir, "index"), index.Options{})
		if err != nil {
			t.Errorf("reopen index: %v", err)
		}
		opened <- ix
	}()
	var ix *index.Index
	select {
	case ix = <-opened:
	case <-time.After(30 * time.Second):
		t.Fatal("the index cannot be reopened: still locked by the stopped server (not closed)")
	}
	if ix == nil {
		return
	}
	defer ix.Close()
	if ix.NeedsRebuild() {
		t.Error("the index needs a rebuild after a clean shutdown")
	}
	wctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ix.WaitReady(wctx); err != nil {
		t.Fatal(err)
	}
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	if n != uint64(nCreated.Load()) {
		t.Errorf("index holds %d profiles after shutdown, %d were acknowledged", n, nCreated.Load())
	}
}
