package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"fuhua/internal/idempotency"
	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

const idemHeader = "Idempotency-Key"

// TestIdempotencyKeyReplays: the same key and body get the same status and body
// without a second write; another body gets 422; keys are per account; a failed
// request frees its key; a key is forgotten after 24 hours.
func TestIdempotencyKeyReplays(t *testing.T) {
	h := newHarness(t)
	ownerU, founder := h.user(profile.RoleStartup)
	_, other := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	body := with(profile.Startup, map[string]any{"credit_code": nil})

	first := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "create-startup-1")
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	seq := h.lastSeq()
	again := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "create-startup-1")
	if again.Status != first.Status || !bytes.Equal(again.Body, first.Body) || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("replay: %d %s\nwant %d %s", again.Status, again.Body, first.Status, first.Body)
	}
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("a replay is not marked as one")
	}
	if h.lastSeq() != seq || h.ownedCount(ownerU.ID) != 1 {
		t.Fatalf("the replay wrote (seq %d → %d, %d profiles)", seq, h.lastSeq(), h.ownedCount(ownerU.ID))
	}

	changed := with(profile.Startup, map[string]any{"credit_code": nil, "name": "另一家企业"})
	r := h.do("POST", "/api/v1/startups", founder, changed, idemHeader, "create-startup-1")
	if code, field := r.errCode(t); r.Status != http.StatusUnprocessableEntity || code != "idempotency_key_reused" || field != idemHeader {
		t.Fatalf("other body, same key: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), "Idempotency-Key 已用于另一个不同的请求") {
		t.Errorf("no Chinese message: %s", r.Body)
	}
	if r := h.do("POST", "/api/v1/mentors", founder, bodies()[profile.Mentor], idemHeader, "create-startup-1"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("same key on another route: %d", r.Status)
	}
	if h.lastSeq() != seq {
		t.Fatalf("a refused request wrote")
	}

	// Keys are per account.
	if r := h.do("POST", "/api/v1/startups", other, body, idemHeader, "create-startup-1"); r.Status != http.StatusCreated || bytes.Equal(r.Body, first.Body) {
		t.Fatalf("another account's same key: %d %s", r.Status, r.Body)
	}

	// A failed request frees its key for the corrected one.
	if r := h.do("POST", "/api/v1/startups", founder, with(profile.Startup, map[string]any{"district": "nanjing"}), idemHeader, "k2"); r.Status != 400 {
		t.Fatalf("bad body: %d", r.Status)
	}
	if r := h.do("POST", "/api/v1/startups", founder, with(profile.Startup, map[string]any{"credit_code": nil, "name": "改正后"}), idemHeader, "k2"); r.Status != http.StatusCreated {
		t.Fatalf("corrected body after a failure: %d %s", r.Status, r.Body)
	}

	// Introductions replay too.
	st := first.json(t)
	inv := h.make(profile.Investor, investor, nil)
	ask := map[string]any{"from": ref(st), "to": ref(inv), "message": "您好"}
	a1 := h.do("POST", "/api/v1/introductions", founder, ask, idemHeader, "intro-1")
	a2 := h.do("POST", "/api/v1/introductions", founder, ask, idemHeader, "intro-1")
	if a1.Status != http.StatusCreated || a2.Status != http.StatusCreated || !bytes.Equal(a1.Body, a2.Body) {
		t.Fatalf("introduction replay: %d %s / %d %s", a1.Status, a1.Body, a2.Status, a2.Body)
	}
	ask["message"] = "换个说法"
	if r := h.do("POST", "/api/v1/introductions", founder, ask, idemHeader, "intro-1"); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("introduction, other body: %d %s", r.Status, r.Body)
	}
	if used, _ := h.store.QuotaUsed(context.Background(), ownerU.ID); used != 1 {
		t.Fatalf("quota used %d, want 1", used)
	}

	// After 24 hours the key is forgotten.
	later := time.Now().Add(idempotency.TTL + time.Hour).UTC().Truncate(time.Millisecond)
	h.store.SetClock(func() time.Time { return later })
	if r := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "create-startup-1"); r.Status != http.StatusCreated || bytes.Equal(r.Body, first.Body) {
		t.Fatalf("a key older than 24 h still replays: %d", r.Status)
	}
}

// TestIdempotencyKeyValidation: a key that is empty, longer than 200 bytes or not
// printable ASCII is refused with 400, and nothing is written.
func TestIdempotencyKeyValidation(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	seq := h.lastSeq()
	for _, key := range []string{"", strings.Repeat("k", 201), "键", "a\x01b", "tab\tkey"} {
		r := h.do("POST", "/api/v1/startups", founder, bodies()[profile.Startup], idemHeader, key)
		if code, field := r.errCode(t); r.Status != 400 || code != "invalid_idempotency_key" || field != idemHeader {
			t.Errorf("key %q: %d %s", key, r.Status, r.Body)
		}
	}
	if h.lastSeq() != seq {
		t.Fatal("a refused request wrote")
	}
	if r := h.do("POST", "/api/v1/startups", founder, bodies()[profile.Startup], idemHeader, strings.Repeat("k", 200)); r.Status != http.StatusCreated {
		t.Fatalf("a 200-byte key: %d %s", r.Status, r.Body)
	}
}

// TestIdempotencyKeyConcurrentDuplicates: twenty copies of one request with one key
// at once create one profile (and one introduction); every copy gets the created
// one or 409 with Retry-After.
func TestIdempotencyKeyConcurrentDuplicates(t *testing.T) {
	h := newHarness(t)
	ownerU, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	inv := h.make(profile.Investor, investor, nil)
	run := func(path string, body any, key string) string {
		got := make([]response, 20)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = h.do("POST", path, founder, body, idemHeader, key)
			}()
		}
		wg.Wait()
		id := ""
		for _, r := range got {
			switch r.Status {
			case http.StatusCreated:
				gid := r.json(t)["id"].(string)
				if id != "" && gid != id {
					t.Fatalf("%s: two resources created: %s and %s", path, id, gid)
				}
				id = gid
			case http.StatusConflict:
				if code, _ := r.errCode(t); code != "request_in_progress" || r.Header.Get("Retry-After") == "" {
					t.Errorf("%s: 409 %s without Retry-After", path, r.Body)
				}
			default:
				t.Errorf("%s: %d %s", path, r.Status, r.Body)
			}
		}
		if id == "" {
			t.Fatalf("%s: nothing created", path)
		}
		return id
	}
	stID := run("/api/v1/startups", with(profile.Startup, map[string]any{"credit_code": nil}), "dup-startup")
	if n := h.ownedCount(ownerU.ID); n != 1 {
		t.Fatalf("%d startups stored, want 1", n)
	}
	run("/api/v1/introductions", map[string]any{"from": map[string]any{"kind": "startup", "id": stID}, "to": ref(inv)}, "dup-intro")
	if used, _ := h.store.QuotaUsed(context.Background(), ownerU.ID); used != 1 {
		t.Fatalf("quota used %d, want 1", used)
	}
}

// TestIdempotencyKeyAfterACrash: a key claimed by a request that died (no
// response within a minute) is carried on by the retry under the same resource
// id: if the dead request had written, the retry answers with that write instead
// of making a second one.
func TestIdempotencyKeyAfterACrash(t *testing.T) {
	h := newHarness(t)
	ownerU, founder := h.user(profile.RoleStartup)
	body := with(profile.Startup, map[string]any{"credit_code": nil})
	raw, _ := json.Marshal(body)
	claim := func(key string) string {
		rec := &idempotency.Record{ID: idempotency.ID(ownerU.ID, key), Fingerprint: idempotency.Fingerprint("POST", "/api/v1/startups", raw)}
		if held, err := h.store.ClaimRequest(context.Background(), rec); err != nil || held != nil {
			t.Fatalf("claim: %v %v", held, err)
		}
		return rec.Ref
	}
	// Died before writing.
	refA := claim("crash-a")
	if r := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "crash-a"); r.Status != http.StatusConflict {
		t.Fatalf("while the claim is young: %d %s", r.Status, r.Body)
	}
	// Died after writing.
	refB := claim("crash-b")
	p := &profile.Profile{ID: refB, Kind: profile.Startup, Name: "写入后崩溃", District: "yannan", OwnerID: ownerU.ID}
	if err := h.store.CreateProfile(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	// An introduction whose request died after its insert.
	_, investor := h.user(profile.RoleInvestor)
	inv := h.make(profile.Investor, investor, nil)
	mine := h.make(profile.Startup, founder, map[string]any{"name": "对接发起方"})
	ask := map[string]any{"from": ref(mine), "to": ref(inv), "message": "崩溃前已写入"}
	askRaw, _ := json.Marshal(ask)
	introRec := &idempotency.Record{ID: idempotency.ID(ownerU.ID, "crash-intro"), Fingerprint: idempotency.Fingerprint("POST", "/api/v1/introductions", askRaw)}
	if held, err := h.store.ClaimRequest(context.Background(), introRec); err != nil || held != nil {
		t.Fatalf("claim: %v %v", held, err)
	}
	fromP, _ := h.store.GetProfile(context.Background(), mine["id"].(string))
	toP, _ := h.store.GetProfile(context.Background(), inv["id"].(string))
	in, ev, err := intro.New(ownerU, fromP, toP, "崩溃前已写入", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in.ID = introRec.Ref
	if err := h.store.CreateIntro(context.Background(), in, ev); err != nil {
		t.Fatal(err)
	}

	later := time.Now().Add(2 * idempotency.InProgressTTL).UTC().Truncate(time.Millisecond)
	h.store.SetClock(func() time.Time { return later })
	h.srv.Now = func() time.Time { return later }
	ri := h.do("POST", "/api/v1/introductions", founder, ask, idemHeader, "crash-intro")
	if ri.Status != http.StatusCreated || ri.json(t)["id"] != introRec.Ref {
		t.Fatalf("introduction retry after a crash after the write: %d %s, want 201 with id %s", ri.Status, ri.Body, introRec.Ref)
	}
	if used, _ := h.store.QuotaUsed(context.Background(), ownerU.ID); used != 1 {
		t.Fatalf("the retry spent quota again: %d used", used)
	}
	ra := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "crash-a")
	if ra.Status != http.StatusCreated || ra.json(t)["id"] != refA {
		t.Fatalf("retry after a crash before the write: %d %s, want 201 with id %s", ra.Status, ra.Body, refA)
	}
	rb := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "crash-b")
	if rb.Status != http.StatusCreated || rb.json(t)["id"] != refB {
		t.Fatalf("retry after a crash after the write: %d %s, want 201 with id %s", rb.Status, rb.Body, refB)
	}
	if n := h.ownedCount(ownerU.ID); n != 3 {
		t.Fatalf("%d profiles, want 3 (one per key, and the introduction's)", n)
	}
	if r := h.do("POST", "/api/v1/startups", founder, body, idemHeader, "crash-b"); r.Status != http.StatusCreated || !bytes.Equal(r.Body, rb.Body) {
		t.Fatalf("replay after the takeover: %d", r.Status)
	}
}

// ownedCount is how many profiles the account owns, in the database.
func (h *harness) ownedCount(owner string) int {
	h.t.Helper()
	n, err := h.store.Database().Collection("profiles").CountDocuments(context.Background(), map[string]any{"owner_id": owner})
	if err != nil {
		h.t.Fatal(err)
	}
	return int(n)
}
