package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// introStorm is the introductions side of TestKill9WriteStorm: the admin brokers
// introductions between acknowledged startups and one mentor (owned by its own
// account, since a broker cannot introduce two profiles of one owner), and the
// mentor accepts some of them. Every 2xx is recorded; requests cut by a kill are
// retried after the restart with their Idempotency-Key.
type introStorm struct {
	mu       sync.Mutex
	mentorID string
	mentor   string                          // the mentor account's token
	asked    map[string]bool                 // startups already asked for (one introduction per pair)
	acked    map[string]string               // introduction id → startup id
	accepted map[string]bool                 // introduction ids whose acceptance was acknowledged
	pending  []struct{ key, startup string } // creations cut by a kill
	attempts int
}

// maxIntroAttempts keeps the admin under intro.DailyLimit (20 a day) whatever
// the kills cut.
const maxIntroAttempts = 15

func introBody(startup, mentor string) map[string]any {
	return map[string]any{"from": map[string]string{"kind": "startup", "id": startup},
		"to": map[string]string{"kind": "mentor", "id": mentor}, "message": "kill storm"}
}

// setup registers the mentor account and its profile on the first start.
func (s *introStorm) setup(t *testing.T, base string) {
	t.Helper()
	a := newAPI(base, "")
	email := fmt.Sprintf("mentor-%s@example.com", randomKey()[:8])
	if r, err := a.do(context.Background(), "POST", "/api/v1/auth/register",
		map[string]string{"email": email, "password": adminPassword, "name": "风暴导师", "role": "mentor"}, nil); err != nil || r.status != 201 {
		t.Fatalf("register the mentor: %v %d %s", err, r.status, r.body)
	}
	r, err := a.do(context.Background(), "POST", "/api/v1/auth/login", map[string]string{"email": email, "password": adminPassword}, nil)
	var tok struct{ Token string }
	if err != nil || r.decode(&tok) != nil || tok.Token == "" {
		t.Fatalf("mentor login: %v %d %s", err, r.status, r.body)
	}
	s.mentor = tok.Token
	m := newAPI(base, s.mentor)
	r, err = m.do(context.Background(), "POST", "/api/v1/mentors",
		map[string]any{"name": "风暴导师", "district": "yannan", "capacity": 50, "chains": []string{"hydrogen"}}, nil)
	var p stored
	if err != nil || r.status != 201 || r.decode(&p) != nil {
		t.Fatalf("mentor profile: %v %d %s", err, r.status, r.body)
	}
	s.mentorID = p.ID
	s.asked, s.acked, s.accepted = map[string]bool{}, map[string]string{}, map[string]bool{}
}

// run asks for introductions of the startups in ids and has the mentor accept
// every other one, until a request fails (the kill) or the attempts run out.
func (s *introStorm) run(t *testing.T, base, admin string, ids []string) {
	a, m := newAPI(base, admin), newAPI(base, s.mentor)
	sort.Strings(ids)
	for _, sid := range ids {
		s.mu.Lock()
		if s.asked[sid] || s.attempts >= maxIntroAttempts {
			s.mu.Unlock()
			continue
		}
		s.asked[sid] = true
		s.attempts++
		s.mu.Unlock()
		key := randomKey()
		r, err := a.do(context.Background(), "POST", "/api/v1/introductions", introBody(sid, s.mentorID), map[string]string{"Idempotency-Key": key})
		if err != nil {
			s.mu.Lock()
			s.pending = append(s.pending, struct{ key, startup string }{key, sid})
			s.mu.Unlock()
			return
		}
		var in struct{ ID string }
		if r.status != 201 || r.decode(&in) != nil {
			t.Errorf("broker an introduction: %d %s", r.status, r.body)
			return
		}
		s.mu.Lock()
		s.acked[in.ID] = sid
		n := len(s.acked)
		s.mu.Unlock()
		if n%2 == 0 {
			r, err := m.do(context.Background(), "POST", "/api/v1/introductions/"+in.ID+"/accept", map[string]string{"note": "好"}, nil)
			if err != nil {
				return
			}
			if r.status != 200 {
				t.Errorf("accept %s: %d %s", in.ID, r.status, r.body)
				return
			}
			s.mu.Lock()
			s.accepted[in.ID] = true
			s.mu.Unlock()
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verify retries the cut creations with their keys (as a client does, after
// Retry-After while the killed request's key is in progress), then checks that
// every acknowledged introduction and acceptance is in the database and that
// each startup asked for has exactly one introduction.
func (s *introStorm) verify(t *testing.T, base, admin string) {
	t.Helper()
	a := newAPI(base, admin)
	for _, pc := range s.pending {
		var r reply
		var err error
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(500 * time.Millisecond) {
			r, err = a.do(context.Background(), "POST", "/api/v1/introductions", introBody(pc.startup, s.mentorID), map[string]string{"Idempotency-Key": pc.key})
			if err != nil || r.status != 409 || !strings.Contains(string(r.body), "request_in_progress") || time.Now().After(deadline) {
				break
			}
		}
		var in struct{ ID string }
		if err != nil || (r.status != 201 && r.status != 200) || r.decode(&in) != nil {
			t.Fatalf("retry of a cut introduction: %v %d %s", err, r.status, r.body)
		}
		s.acked[in.ID] = pc.startup
	}
	s.pending = nil
	per := map[string]int{}
	for id, sid := range s.acked {
		r, err := a.do(context.Background(), "GET", "/api/v1/introductions/"+id, nil, nil)
		var in struct {
			From  struct{ ID string }
			State string
		}
		if err != nil || r.status != 200 || r.decode(&in) != nil {
			t.Errorf("acknowledged introduction %s: %v %d %s", id, err, r.status, r.body)
			continue
		}
		if in.From.ID != sid {
			t.Errorf("introduction %s is from %s, want %s", id, in.From.ID, sid)
		}
		if s.accepted[id] && in.State != "accepted" {
			t.Errorf("introduction %s: acknowledged acceptance lost (state %s)", id, in.State)
		}
		per[sid]++
	}
	// One introduction per pair in the database, not only among those we saw.
	r, err := a.do(context.Background(), "GET", "/api/v1/introductions?box=brokered&limit=100", nil, nil)
	var page struct {
		Items []struct {
			ID   string
			From struct{ ID string }
		}
	}
	if err != nil || r.status != 200 || r.decode(&page) != nil {
		t.Fatalf("brokered box: %v %d %s", err, r.status, r.body)
	}
	count := map[string]int{}
	for _, it := range page.Items {
		count[it.From.ID]++
	}
	for sid, n := range count {
		if n != 1 {
			t.Errorf("startup %s has %d introductions to the mentor; retries made duplicates", sid, n)
		}
	}
}
