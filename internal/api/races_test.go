package api_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/api"
	"fuhua/internal/intro"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// TestConcurrentIntroductionRequests: fifty identical POST /introductions for one
// pair at once: one 201, every other a 409 naming the created
// introduction, one pending introduction stored and one unit of the daily quota
// spent per round.
func TestConcurrentIntroductionRequests(t *testing.T) {
	h := newHarness(t)
	founderU, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	st := h.make(profile.Startup, founder, nil)
	// One round here; the store's own test repeats it.
	const rounds, callers = 1, 50
	for round := 1; round <= rounds; round++ {
		inv := h.make(profile.Investor, investor, nil)
		body := map[string]any{"from": ref(st), "to": ref(inv), "message": "想约个时间聊聊融资"}
		got := make([]response, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = h.do("POST", "/api/v1/introductions", founder, body)
			}()
		}
		wg.Wait()
		created := ""
		for _, r := range got {
			if r.Status == http.StatusCreated {
				if created != "" {
					t.Errorf("round %d: a second introduction was created", round)
				}
				created = r.json(t)["id"].(string)
			}
		}
		if created == "" {
			t.Fatalf("round %d: none created: %d %s", round, got[0].Status, got[0].Body)
		}
		for i, r := range got {
			if r.Status == http.StatusCreated {
				continue
			}
			code, _ := r.errCode(t)
			if r.Status != http.StatusConflict || code != "open_introduction" || !strings.Contains(string(r.Body), created) {
				t.Errorf("round %d request %d: %d %s; want 409 open_introduction naming %s", round, i, r.Status, r.Body, created)
			}
		}
		l, _, counts, err := h.store.ListIntros(context.Background(), intro.Query{Box: intro.Outbox, UserID: founderU.ID})
		if err != nil || len(l) != round || counts[intro.Pending] != round {
			t.Fatalf("round %d: %d introductions in the outbox, %d pending (%v); want %d", round, len(l), counts[intro.Pending], err, round)
		}
		if used, _ := h.store.QuotaUsed(context.Background(), founderU.ID); used != round {
			t.Fatalf("round %d: quota used %d, want %d", round, used, round)
		}
	}
}

// TestAnswerRaceIsConflict: both recipients of a brokered introduction answer it
// a dozen times each, at once. Nobody sent If-Match, so whoever loses the race is told 409
// (or sees what won), never 412, and each acceptance is recorded once.
func TestAnswerRaceIsConflict(t *testing.T) {
	h := newHarness(t)
	_, a := h.user(profile.RoleStartup)
	_, b := h.user(profile.RoleInvestor)
	_, mgr := h.user(profile.RoleManager, "yannan")
	for round := 0; round < 3; round++ {
		st := h.make(profile.Startup, a, nil)
		inv := h.make(profile.Investor, b, nil)
		r := h.do("POST", "/api/v1/introductions", mgr, map[string]any{"from": ref(st), "to": ref(inv), "message": "推荐对接"})
		if r.Status != http.StatusCreated {
			t.Fatalf("broker: %d %s", r.Status, r.Body)
		}
		id := r.json(t)["id"].(string)
		statuses := make([]int, 24)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok := a
				if i%2 == 1 {
					tok = b
				}
				statuses[i] = h.answer(tok, id, "accept").Status
			}()
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK && s != http.StatusConflict {
				t.Errorf("round %d accept %d: %d, want 200 or 409", round, i, s)
			}
		}
		in, err := h.store.GetIntro(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		// What is stored is one of the states the answers can reach, recorded once
		// each: pending with one acceptance, or accepted by both.
		evs := len(h.events(id))
		switch {
		case in.State == intro.Accepted && len(in.AcceptedBy) == 2 && in.Version == 3 && evs == 3:
		case in.State == intro.Pending && len(in.AcceptedBy) == 1 && in.Version == 2 && evs == 2:
		default:
			t.Fatalf("round %d: stored %s at version %d accepted by %d with %d events", round, in.State, in.Version, len(in.AcceptedBy), evs)
		}
	}
}

// TestLoginDatabaseFailureIs503: when the database cannot answer, sign-in says so
// (503), instead of "e-mail or password is wrong".
func TestLoginDatabaseFailureIs503(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + addr).
		SetServerSelectionTimeout(300 * time.Millisecond).SetTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	dead := mongodb.NewStore(client, "fuhua")
	h := newHarness(t, func(d *api.Deps) { d.Store, d.Intros = dead, dead })
	r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "someone@example.com", "password": testPassword})
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("login with the database down: %d %s, want 503", r.Status, r.Body)
	}
	if code, _ := r.errCode(t); code != "unavailable" {
		t.Fatalf("code %q", code)
	}
	// The control: with the database up, a wrong password is 401.
	live := newHarness(t)
	u, _ := live.user(profile.RoleStartup)
	if r := live.do("POST", "/api/v1/auth/login", "", map[string]any{"email": u.Email, "password": "wrong password here"}); r.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", r.Status)
	}
}
