package api_test

import (
	"context"
	"net/http"
	"testing"

	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// namedUser is an account of role with a display name of its own.
func (h *harness) namedUser(name string, role profile.Role, districts ...string) (*profile.User, string) {
	h.t.Helper()
	u := &profile.User{Email: mongodb.NewID() + "@example.com", Name: name, Role: role, Districts: districts, PasswordHash: passwordHash(h.t)}
	if err := h.store.CreateUser(context.Background(), u); err != nil {
		h.t.Fatal(err)
	}
	tok, _, err := h.tokens.Issue(u)
	if err != nil {
		h.t.Fatal(err)
	}
	return u, tok
}

// TestIntroBrokerName: an introduction a manager brokered names the broker's
// account (broker_name) in the list and alone, to both sides, each with its own
// broker; one the founder asked for names none.
func TestIntroBrokerName(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, zhou := h.namedUser("周主任", profile.RoleManager, "yannan")
	_, wu := h.namedUser("吴科长", profile.RoleManager, "yannan")
	st1 := h.make(profile.Startup, founder, nil)
	st2 := h.make(profile.Startup, founder, map[string]any{"name": "盐城第二家氢能企业"})
	st3 := h.make(profile.Startup, founder, map[string]any{"name": "盐城第三家氢能企业"})
	inv := h.make(profile.Investor, investor, nil)
	byZhou := h.mustAsk(zhou, st1, inv)
	byWu := h.mustAsk(wu, st2, inv)
	direct := h.mustAsk(founder, st3, inv)
	want := map[string]any{byZhou: "周主任", byWu: "吴科长", direct: nil}

	for who, tok := range map[string]string{"investor": investor, "founder": founder} {
		seen := 0
		for _, box := range []string{"inbox", "outbox"} {
			r := h.do("GET", "/api/v1/introductions?box="+box, tok, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s's %s: %d %s", who, box, r.Status, r.Body)
			}
			for _, x := range r.json(t)["items"].([]any) {
				it := x.(map[string]any)
				w, ok := want[it["id"].(string)]
				if !ok {
					continue
				}
				seen++
				if got := it["broker_name"]; got != w {
					t.Errorf("%s's %s: %s has broker_name %v, want %v", who, box, it["id"], got, w)
				}
			}
		}
		if seen != 3 {
			t.Errorf("the %s's boxes hold %d of the 3 introductions", who, seen)
		}
		for id, w := range want {
			r := h.do("GET", "/api/v1/introductions/"+id, tok, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s GET %s: %d %s", who, id, r.Status, r.Body)
			}
			if got := r.json(t)["broker_name"]; got != w {
				t.Errorf("%s GET %s: broker_name %v, want %v", who, id, got, w)
			}
		}
	}
	// The broker's own view names the broker too.
	if got := h.do("GET", "/api/v1/introductions/"+byWu, wu, nil).json(t)["broker_name"]; got != "吴科长" {
		t.Errorf("the broker's own view: broker_name %v", got)
	}
}
