package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fuhua/internal/embedded"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// TestKill9WriteStorm runs the real binary on the embedded database, lets
// concurrent clients create and rename profiles, kills it with SIGKILL at a
// random moment and starts it again, several times on one data directory.
// After every restart each acknowledged write is in the database (GET shows at
// least the acknowledged version) and, within 10 s of ready, the index agrees
// with the database: the list (the index's copy) holds every profile GET
// finds, at the version GET shows. At the end the server is stopped with
// SIGTERM and the database, read directly, holds exactly what the index lists.
// FUHUA_SOAK=1 (make soak) kills it 20 times instead of 5.
func TestKill9WriteStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	points := 5
	if os.Getenv("FUHUA_SOAK") != "" {
		points = 20
	}
	seed := uint64(time.Now().UnixNano())
	rng := mrand.New(mrand.NewPCG(seed, 0))
	t.Logf("seed %d, %d kill points", seed, points)
	dir := t.TempDir()
	env := baseEnv("", dir)
	// A killed request leaves its Idempotency-Key in progress; past this the
	// restarted server lets a retry carry it on (serve's default is 10 s).
	env["FUHUA_IDEMPOTENCY_STALL"] = "3s"
	acked := map[string]int64{} // id → highest acknowledged version
	var pending []pendingCreate // creations cut by a kill: no answer
	token := ""
	idem := -1 // whether the server honours Idempotency-Key: -1 not known yet
	var last map[string]stored
	var intros introStorm // the introductions brokered in the storm

	for k := 0; k <= points; k++ {
		env["FUHUA_ADDR"] = freeAddr(t)
		c := startChild(t, env)
		waitReady(t, c.base, 60*time.Second, c.exited, c.out.String)
		if token == "" {
			token = loginAdmin(t, c.base)
			intros.setup(t, c.base)
		}
		check := newKeepAliveAPI(c.base, token)
		last = verifyAcked(t, check, acked, 10*time.Second)
		if idem < 0 {
			idem = honoursIdempotencyKey(t, check, acked)
		}
		retryPending(t, check, pending, idem == 1, acked)
		pending = nil
		intros.verify(t, c.base, token)
		if k == points {
			last = verifyAcked(t, check, acked, 10*time.Second)
			c.term(t, 60*time.Second)
			break
		}

		// The storm: each worker creates and renames its own profiles.
		killAfter := 300*time.Millisecond + time.Duration(rng.Int64N(int64(2*time.Second)))
		own := make([][]string, 3)
		i := 0
		for id := range acked {
			own[i%len(own)] = append(own[i%len(own)], id)
			i++
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		writes := 0
		startups := make([]string, 0, len(acked))
		for id := range acked {
			startups = append(startups, id)
		}
		wg.Add(1)
		go func() { defer wg.Done(); intros.run(t, c.base, token, startups) }()
		for w := range own {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				r := mrand.New(mrand.NewPCG(seed, uint64(k*10+w)))
				a := newAPI(c.base, token)
				ids := own[w]
				versions := map[string]int64{}
				for n := 0; ; n++ {
					if len(ids) == 0 || r.IntN(10) < 4 {
						key := randomKey()
						name := testName(fmt.Sprintf("k%dw%dn%d%s", k, w, n, key[:6]))
						p, rep, err := a.create(context.Background(), name, map[string]string{"Idempotency-Key": key})
						mu.Lock()
						switch {
						case err != nil:
							pending = append(pending, pendingCreate{key: key, name: name})
						case rep.status == 201:
							acked[p.ID] = max(acked[p.ID], p.Version)
							writes++
							ids = append(ids, p.ID)
							versions[p.ID] = p.Version
						default:
							t.Errorf("create: %d %s", rep.status, rep.body)
						}
						mu.Unlock()
						if err != nil {
							return
						}
						continue
					}
					id := ids[r.IntN(len(ids))]
					v, ok := versions[id]
					if !ok {
						rep, err := a.do(context.Background(), "GET", "/api/v1/startups/"+id, nil, nil)
						if err != nil {
							return
						}
						var p stored
						if rep.status != 200 || rep.decode(&p) != nil {
							t.Errorf("GET %s: %d %s", id, rep.status, rep.body)
							return
						}
						v = p.Version
					}
					p, rep, err := a.rename(context.Background(), id, v, testName(fmt.Sprintf("k%dw%dn%dr", k, w, n)))
					if err != nil {
						return
					}
					switch rep.status {
					case 200:
						mu.Lock()
						acked[id] = max(acked[id], p.Version)
						writes++
						mu.Unlock()
						versions[id] = p.Version
					case 412: // an edit cut by the last kill landed after all: read again
						delete(versions, id)
					default:
						t.Errorf("rename %s: %d %s", id, rep.status, rep.body)
						return
					}
				}
			}(w)
		}
		time.Sleep(killAfter)
		c.kill()
		wg.Wait()
		t.Logf("kill %d after %s: %d writes acknowledged, %d cut; %d profiles acknowledged in all; introductions %d acknowledged (%d accepted), %d cut",
			k+1, killAfter.Round(time.Millisecond), writes, len(pending), len(acked), len(intros.acked), len(intros.accepted), len(intros.pending))
	}

	// Read the database directly: it holds exactly what the index listed.
	srv, err := embedded.Start(filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st, err := mongodb.Open(ctx, srv.URI(), "fuhua")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	inDB := map[string]stored{}
	err = st.EachProfile(ctx, func(p *profile.Profile) error {
		if !p.Archived && p.Kind == profile.Startup {
			inDB[p.ID] = stored{ID: p.ID, Name: p.Name, Version: p.Version}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sorted(inDB)) != fmt.Sprint(sorted(last)) {
		t.Errorf("the database holds %d startups, the index listed %d, or they differ", len(inDB), len(last))
	}
	for id, v := range acked {
		if inDB[id].Version < v {
			t.Errorf("%s acknowledged at version %d, the database has %d", id, v, inDB[id].Version)
		}
	}
}

// pendingCreate is a creation whose answer never came.
type pendingCreate struct{ key, name string }

func randomKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newKeepAliveAPI is a client that reuses connections, for checks that make
// many calls to a healthy server.
func newKeepAliveAPI(base, token string) *client {
	return &client{base: base, token: token, hc: &http.Client{Timeout: 30 * time.Second}}
}

// verifyAcked checks every acknowledged write against the database, then waits
// (up to bound) for the index to agree with it, and returns the index's list.
func verifyAcked(t *testing.T, a *client, acked map[string]int64, bound time.Duration) map[string]stored {
	t.Helper()
	ids := make([]string, 0, len(acked))
	for id := range acked {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p, status := a.get(t, id)
		if status != 200 || p.Version < acked[id] {
			t.Fatalf("acknowledged write lost: %s at version %d, GET says %d version %d", id, acked[id], status, p.Version)
		}
	}
	start := time.Now()
	for {
		listed, err := a.listAll(t)
		if err != nil {
			t.Fatal(err)
		}
		diff := ""
		for _, id := range ids {
			if _, ok := listed[id]; !ok {
				diff = id + " is in the database but not in the index"
				break
			}
		}
		if diff == "" {
			for id, l := range listed {
				p, status := a.get(t, id)
				if status != 200 || p.Version != l.Version {
					diff = fmt.Sprintf("%s: index version %d, database %d (status %d)", id, l.Version, p.Version, status)
					break
				}
			}
		}
		if diff == "" {
			return listed
		}
		if time.Since(start) > bound {
			t.Fatalf("the index does not agree with the database %s after ready: %s", bound, diff)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// honoursIdempotencyKey sends one creation twice with the same Idempotency-Key:
// the server honours the header when the second answer names the same profile.
// Both creations count as acknowledged.
//
// TODO(idempotency): the Idempotency-Key branch adds the header; once it is
// merged this returns 1 and retryPending asserts that retries made no duplicate.
// When that branch has landed, make a 0 here a failure.
func honoursIdempotencyKey(t *testing.T, a *client, acked map[string]int64) int {
	t.Helper()
	key := randomKey()
	hdr := map[string]string{"Idempotency-Key": key}
	name := testName("idem" + key[:8])
	p1, r1, err1 := a.create(context.Background(), name, hdr)
	p2, r2, err2 := a.create(context.Background(), name, hdr)
	if err1 != nil || err2 != nil || r1.status != 201 || (r2.status != 201 && r2.status != 200) {
		t.Fatalf("idempotency probe: %v %v %d %d %s", err1, err2, r1.status, r2.status, r2.body)
	}
	acked[p1.ID] = max(acked[p1.ID], p1.Version)
	if p2.ID == "" {
		var p stored
		_ = r2.decode(&p)
		p2 = p
	}
	acked[p2.ID] = max(acked[p2.ID], p2.Version)
	if p1.ID == p2.ID {
		t.Log("the server honours Idempotency-Key: retries of cut creations are checked for duplicates")
		return 1
	}
	t.Log("TODO(idempotency): the server does not honour Idempotency-Key yet; retries of cut creations are not checked")
	return 0
}

// retryPending retries each cut creation with its key and, when the server
// honours the header, checks that the name exists exactly once.
func retryPending(t *testing.T, a *client, pending []pendingCreate, honoured bool, acked map[string]int64) {
	t.Helper()
	if !honoured || len(pending) == 0 {
		return
	}
	for _, pc := range pending {
		// As a client does: a key still in progress (the killed request's) is
		// retried after Retry-After until the server counts that request dead.
		var p stored
		var r reply
		var err error
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(500 * time.Millisecond) {
			p, r, err = a.create(context.Background(), pc.name, map[string]string{"Idempotency-Key": pc.key})
			if err != nil || r.status != 409 || !strings.Contains(string(r.body), "request_in_progress") || time.Now().After(deadline) {
				break
			}
		}
		if err != nil || (r.status != 201 && r.status != 200) {
			t.Fatalf("retry of a cut creation: %v %d %s", err, r.status, r.body)
		}
		if p.ID == "" {
			_ = r.decode(&p)
		}
		acked[p.ID] = max(acked[p.ID], p.Version)
	}
	listed := verifyAcked(t, a, acked, 10*time.Second)
	count := map[string]int{}
	for _, p := range listed {
		count[p.Name]++
	}
	for _, pc := range pending {
		if count[pc.name] != 1 {
			t.Errorf("%q exists %d times after its creation was retried with the same Idempotency-Key", pc.name, count[pc.name])
		}
	}
}
