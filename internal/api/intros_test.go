package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"fuhua/internal/api"
	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// The contact values of the profiles the tests make; a body holding one of them
// has leaked a contact.
const (
	startupWeChat  = "qingtu-chen"
	investorWeChat = "tianshi-fund-wx"
	mentorEmail    = "wang@ycit.example"
)

// make creates a profile of kind k through the API with overrides applied to the
// standard body; a startup gets no credit code unless one is given, so several
// can exist.
func (h *harness) make(k profile.Kind, token string, overrides map[string]any) map[string]any {
	h.t.Helper()
	b := bodies()[k]
	if k == profile.Startup {
		delete(b, "credit_code")
	}
	if k == profile.Investor {
		b["contact"] = map[string]any{"person": "李经理", "wechat": investorWeChat}
	}
	for key, v := range overrides {
		b[key] = v
	}
	r := h.do("POST", "/api/v1/"+k.Path(), token, b)
	if r.Status != http.StatusCreated {
		h.t.Fatalf("create %s: %d %s", k, r.Status, r.Body)
	}
	return r.json(h.t)
}

func ref(p map[string]any) map[string]any { return map[string]any{"kind": p["kind"], "id": p["id"]} }

// ask posts an introduction request and returns the response.
func (h *harness) ask(token string, from, to map[string]any, msg string) response {
	h.t.Helper()
	return h.do("POST", "/api/v1/introductions", token, map[string]any{"from": ref(from), "to": ref(to), "message": msg})
}

func (h *harness) mustAsk(token string, from, to map[string]any) string {
	h.t.Helper()
	r := h.ask(token, from, to, "想约个时间聊聊融资")
	if r.Status != http.StatusCreated {
		h.t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	return r.json(h.t)["id"].(string)
}

func (h *harness) answer(token, id, action string) response {
	h.t.Helper()
	return h.do("POST", "/api/v1/introductions/"+id+"/"+action, token, nil)
}

// sees reports whether the viewer gets profile p's contact from its GET.
func (h *harness) sees(token string, p map[string]any, secret string) bool {
	h.t.Helper()
	kind := profile.Kind(p["kind"].(string))
	r := h.do("GET", "/api/v1/"+kind.Path()+"/"+p["id"].(string), token, nil)
	if r.Status != 200 {
		h.t.Fatalf("GET %s: %d %s", kind, r.Status, r.Body)
	}
	_, has := r.json(h.t)["contact"]
	if has != strings.Contains(string(r.Body), secret) {
		h.t.Fatalf("contact key and contact value disagree: %s", r.Body)
	}
	return has
}

func (h *harness) events(id string) []intro.Event {
	h.t.Helper()
	evs, err := h.store.IntroEvents(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return evs
}

// TestStrangersMeetDirectly is the "done": a startup and an investor who
// have never met are introduced at the startup's request, and see each other's
// contacts only after the investor accepts.
func TestStrangersMeetDirectly(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, admin := h.user(profile.RoleAdmin)
	st := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	if h.sees(founder, inv, investorWeChat) || h.sees(investor, st, startupWeChat) {
		t.Fatal("contacts visible before any introduction")
	}
	r := h.ask(founder, st, inv, "我们在做氢燃料电池电堆，想约贵基金聊聊天使轮")
	if r.Status != http.StatusCreated || r.Header.Get("Location") == "" {
		t.Fatalf("ask: %d %s", r.Status, r.Body)
	}
	got := r.json(t)
	id := got["id"].(string)
	if got["state"] != "pending" || got["broker_id"] != nil || strings.Contains(string(r.Body), investorWeChat) {
		t.Fatalf("created: %s", r.Body)
	}
	if h.sees(founder, inv, investorWeChat) || h.sees(investor, st, startupWeChat) {
		t.Fatal("contacts visible while pending")
	}
	inbox := h.do("GET", "/api/v1/introductions?box=inbox", investor, nil).json(t)
	if items := inbox["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != id {
		t.Fatalf("investor's inbox: %v", inbox)
	}
	if c := inbox["counts"].(map[string]any); c["pending"].(float64) != 1 || c["accepted"].(float64) != 0 {
		t.Fatalf("inbox counts: %v", c)
	}
	if out := h.do("GET", "/api/v1/introductions?box=outbox", founder, nil).json(t); len(out["items"].([]any)) != 1 {
		t.Fatalf("founder's outbox: %v", out)
	}
	r = h.do("POST", "/api/v1/introductions/"+id+"/accept", investor, map[string]any{"note": "欢迎来访"})
	if r.Status != 200 || r.json(t)["state"] != "accepted" {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if !h.sees(founder, inv, investorWeChat) || !h.sees(investor, st, startupWeChat) {
		t.Fatal("contacts not visible after acceptance")
	}
	r = h.do("GET", "/api/v1/introductions/"+id, founder, nil)
	if !strings.Contains(string(r.Body), investorWeChat) {
		t.Fatalf("the accepted introduction does not show the other side's contact: %s", r.Body)
	}
	r = h.do("POST", "/api/v1/introductions/"+id+"/outcomes", founder, map[string]any{"kind": "meeting", "date": time.Now().In(intro.Zone).Format("2006-01-02"), "note": "首次见面"})
	if r.Status != http.StatusCreated || len(r.json(t)["outcomes"].([]any)) != 1 {
		t.Fatalf("outcome: %d %s", r.Status, r.Body)
	}
	if r := h.do("GET", "/api/v1/introductions/"+id+"/events", founder, nil); r.Status != 403 {
		t.Fatalf("a side reading the audit trail: %d", r.Status)
	}
	r = h.do("GET", "/api/v1/introductions/"+id+"/events", admin, nil)
	evs := r.json(t)["items"].([]any)
	if r.Status != 200 || len(evs) != 3 {
		t.Fatalf("audit trail: %d %s", r.Status, r.Body)
	}
	for i, want := range [][2]string{{"", "pending"}, {"pending", "accepted"}, {"accepted", "accepted"}} {
		e := evs[i].(map[string]any)
		if e["from"] != want[0] || e["to"] != want[1] || e["actor_id"] == "" || e["at"] == nil {
			t.Errorf("event %d: %v, want %v", i, e, want)
		}
	}
}

// TestStrangersMeetThroughManager: a manager brokers; both sides must accept
// before either sees the other's contact.
func TestStrangersMeetThroughManager(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	mgr, mgrTok := h.user(profile.RoleManager, "yannan")
	_, mgrOut := h.user(profile.RoleManager, "dafeng")
	st := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	if r := h.ask(mgrOut, st, inv, ""); r.Status != 403 {
		t.Fatalf("manager of another district brokering: %d %s", r.Status, r.Body)
	}
	r := h.ask(mgrTok, st, inv, "两家都在氢能链上，建议见面")
	if r.Status != 201 || r.json(t)["broker_id"] != mgr.ID {
		t.Fatalf("broker: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	if r := h.answer(mgrTok, id, "accept"); r.Status != 403 {
		t.Fatalf("broker accepting: %d", r.Status)
	}
	if r := h.answer(founder, id, "accept"); r.Status != 200 || r.json(t)["state"] != "pending" {
		t.Fatalf("first side accepts: %d %s", r.Status, r.Body)
	}
	if h.sees(founder, inv, investorWeChat) || h.sees(investor, st, startupWeChat) {
		t.Fatal("contacts visible after only one side accepted")
	}
	if r := h.answer(investor, id, "accept"); r.Status != 200 || r.json(t)["state"] != "accepted" {
		t.Fatalf("second side accepts: %d %s", r.Status, r.Body)
	}
	if !h.sees(founder, inv, investorWeChat) || !h.sees(investor, st, startupWeChat) {
		t.Fatal("contacts not visible after both accepted")
	}
	b := h.do("GET", "/api/v1/introductions?box=brokered", mgrTok, nil).json(t)
	if len(b["items"].([]any)) != 1 || b["counts"].(map[string]any)["accepted"].(float64) != 1 {
		t.Fatalf("brokered list: %v", b)
	}
	r = h.do("POST", "/api/v1/introductions/"+id+"/outcomes", mgrTok, map[string]any{"kind": "invested", "date": "2025-01-15", "note": "天使轮 500 万"})
	if r.Status != 201 {
		t.Fatalf("broker records an outcome: %d %s", r.Status, r.Body)
	}
}

// TestContactVisibilityByState checks every kind of viewer against every state.
func TestContactVisibilityByState(t *testing.T) {
	h := newHarness(t)
	founder, founderTok := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, third := h.user(profile.RoleInvestor)
	_, mgrIn := h.user(profile.RoleManager, "yannan")
	_, mgrOut := h.user(profile.RoleManager, "dafeng")
	_, admin := h.user(profile.RoleAdmin)
	_ = founder
	var clock time.Time
	now := func() time.Time { return clock }
	clock = time.Now().UTC().Truncate(time.Millisecond)
	h.store.SetClock(now)
	for _, state := range intro.States {
		t.Run(string(state), func(t *testing.T) {
			clock = time.Now().UTC().Truncate(time.Millisecond)
			// Contacts unique to the state, so profiles of other subtests don't count.
			stSecret, invSecret := "st-wx-"+string(state), "inv-wx-"+string(state)
			st := h.make(profile.Startup, founderTok, map[string]any{"name": "状态测试企业" + string(state), "contact": map[string]any{"wechat": stSecret}})
			inv := h.make(profile.Investor, investor, map[string]any{"name": "状态测试基金" + string(state), "contact": map[string]any{"wechat": invSecret}})
			id := h.mustAsk(founderTok, st, inv)
			switch state {
			case intro.Accepted:
				h.answer(investor, id, "accept")
			case intro.Declined:
				h.answer(investor, id, "decline")
			case intro.Withdrawn:
				h.answer(founderTok, id, "withdraw")
			case intro.Expired:
				clock = clock.Add(intro.TTL + time.Minute)
			}
			r := h.do("GET", "/api/v1/introductions/"+id, admin, nil)
			if r.json(t)["state"] != string(state) {
				t.Fatalf("set-up: state %v, want %s", r.json(t)["state"], state)
			}
			open := state == intro.Accepted
			for _, v := range []struct {
				who          string
				tok          string
				startup, inv bool
			}{
				{"startup owner", founderTok, true, open},
				{"investor owner (other side)", investor, open, true},
				{"third party", third, false, false},
				{"manager in the startup's district", mgrIn, true, false},
				{"manager out of district", mgrOut, false, false},
				{"admin", admin, true, true},
			} {
				if got := h.sees(v.tok, st, stSecret); got != v.startup {
					t.Errorf("%s sees the startup's contact = %v, want %v", v.who, got, v.startup)
				}
				if got := h.sees(v.tok, inv, invSecret); got != v.inv {
					t.Errorf("%s sees the investor's contact = %v, want %v", v.who, got, v.inv)
				}
				l := h.do("GET", "/api/v1/startups?limit=100", v.tok, nil)
				if strings.Contains(string(l.Body), stSecret) != v.startup {
					t.Errorf("%s: startup contact in the list = %v, want %v", v.who, !v.startup, v.startup)
				}
				l = h.do("GET", "/api/v1/investors?limit=100", v.tok, nil)
				if strings.Contains(string(l.Body), invSecret) != v.inv {
					t.Errorf("%s: investor contact in the list = %v, want %v", v.who, !v.inv, v.inv)
				}
			}
		})
	}
}

// TestRacingAccepts: twenty concurrent accepts make one transition; a race of
// accepts and declines ends in exactly one of the two.
func TestRacingAccepts(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	st := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	id := h.mustAsk(founder, st, inv)
	statuses := make([]int, 20)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = h.answer(investor, id, "accept").Status
		}(i)
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("accept %d: %d, want 200 (idempotent)", i, s)
		}
	}
	in, err := h.store.GetIntro(context.Background(), id)
	if err != nil || in.State != intro.Accepted || in.Version != 2 {
		t.Fatalf("stored %+v %v; want accepted at version 2", in, err)
	}
	accepts := 0
	for _, e := range h.events(id) {
		if e.Action == "accept" {
			accepts++
		}
	}
	if accepts != 1 {
		t.Fatalf("%d accept transitions recorded, want 1", accepts)
	}

	// Accepts against declines.
	st2 := h.make(profile.Startup, founder, map[string]any{"name": "第二家企业"})
	id2 := h.mustAsk(founder, st2, inv)
	var mu sync.Mutex
	got := map[string][]int{}
	for i := 0; i < 16; i++ {
		action := []string{"accept", "decline"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := h.answer(investor, id2, action).Status
			mu.Lock()
			got[action] = append(got[action], s)
			mu.Unlock()
		}()
	}
	wg.Wait()
	in, _ = h.store.GetIntro(context.Background(), id2)
	winner, loser := "accept", "decline"
	if in.State == intro.Declined {
		winner, loser = loser, winner
	}
	for _, s := range got[winner] {
		if s != 200 {
			t.Errorf("%s (the winning answer): %d", winner, s)
		}
	}
	for _, s := range got[loser] {
		if s != http.StatusConflict {
			t.Errorf("%s after the other answer won: %d, want 409", loser, s)
		}
	}
	if n := len(h.events(id2)); n != 2 || in.Version != 2 {
		t.Fatalf("%d events, version %d; want create + one answer at version 2", n, in.Version)
	}
}

func TestOnePairOneOpenIntroduction(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, mgr := h.user(profile.RoleManager, "yannan")
	st := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	id := h.mustAsk(founder, st, inv)
	for _, tc := range []struct {
		who, tok string
		from, to map[string]any
	}{{"again", founder, st, inv}, {"the other way", investor, inv, st}, {"brokered", mgr, st, inv}} {
		r := h.ask(tc.tok, tc.from, tc.to, "")
		if code, _ := r.errCode(t); r.Status != http.StatusConflict || code != "open_introduction" {
			t.Errorf("%s: %d %s", tc.who, r.Status, r.Body)
		}
	}
	h.answer(investor, id, "decline")
	if r := h.ask(investor, inv, st, ""); r.Status != 201 {
		t.Fatalf("after a decline the pair is free again: %d %s", r.Status, r.Body)
	}
}

func TestDailyLimit(t *testing.T) {
	h := newHarness(t)
	founder, founderTok := h.user(profile.RoleStartup)
	other, _ := h.user(profile.RoleInvestor)
	st := h.make(profile.Startup, founderTok, nil)
	for i := 0; i <= intro.DailyLimit; i++ {
		p := &profile.Profile{Kind: profile.Investor, Name: fmt.Sprintf("基金%d", i), OwnerID: other.ID}
		if err := h.store.CreateProfile(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		r := h.ask(founderTok, st, map[string]any{"kind": "investor", "id": p.ID}, "")
		if i < intro.DailyLimit {
			if r.Status != 201 {
				t.Fatalf("request %d: %d %s", i+1, r.Status, r.Body)
			}
			continue
		}
		if code, _ := r.errCode(t); r.Status != http.StatusTooManyRequests || code != "daily_limit" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("request %d: %d %s (Retry-After %q)", i+1, r.Status, r.Body, r.Header.Get("Retry-After"))
		}
	}
	if n, err := h.store.QuotaUsed(context.Background(), founder.ID); err != nil || n != intro.DailyLimit {
		t.Fatalf("quota used %d, %v", n, err)
	}
}

func TestMentorCapacity(t *testing.T) {
	h := newHarness(t)
	_, mentorTok := h.user(profile.RoleMentor)
	m := h.make(profile.Mentor, mentorTok, map[string]any{"capacity": 1})
	var ids []string
	for i := 0; i < 2; i++ {
		_, f := h.user(profile.RoleStartup)
		st := h.make(profile.Startup, f, map[string]any{"name": fmt.Sprintf("需要辅导的企业%d", i)})
		ids = append(ids, h.mustAsk(f, st, m))
	}
	if r := h.answer(mentorTok, ids[0], "accept"); r.Status != 200 {
		t.Fatalf("first mentee: %d %s", r.Status, r.Body)
	}
	r := h.answer(mentorTok, ids[1], "accept")
	if code, _ := r.errCode(t); r.Status != http.StatusConflict || code != "mentor_full" || !strings.Contains(string(r.Body), "capacity") {
		t.Fatalf("beyond capacity: %d %s", r.Status, r.Body)
	}
	if in, _ := h.store.GetIntro(context.Background(), ids[1]); in.State != intro.Pending {
		t.Fatalf("refused acceptance changed the state to %s", in.State)
	}
	counts, err := h.store.MentoringCounts(context.Background())
	if err != nil || counts[m["id"].(string)] != 1 {
		t.Fatalf("mentoring counts %v %v", counts, err)
	}
	// Raising the capacity frees a place.
	if r := h.do("PATCH", "/api/v1/mentors/"+m["id"].(string), mentorTok, map[string]any{"capacity": 2}, "If-Match", `"1"`); r.Status != 200 {
		t.Fatalf("raise capacity: %d %s", r.Status, r.Body)
	}
	if r := h.answer(mentorTok, ids[1], "accept"); r.Status != 200 {
		t.Fatalf("after raising capacity: %d %s", r.Status, r.Body)
	}
}

// TestTokenRevocation: a password change, "sign out everywhere" and a role change
// each end every older token.
func TestTokenRevocation(t *testing.T) {
	h := newHarness(t)
	u, tok := h.user(profile.RoleStartup)
	r := h.do("POST", "/api/v1/me/password", tok, map[string]any{"current_password": "not the password", "new_password": "another long password"})
	if _, field := r.errCode(t); r.Status != 400 || field != "current_password" {
		t.Fatalf("wrong current password: %d %s", r.Status, r.Body)
	}
	r = h.do("POST", "/api/v1/me/password", tok, map[string]any{"current_password": testPassword, "new_password": "short"})
	if _, field := r.errCode(t); r.Status != 400 || field != "new_password" {
		t.Fatalf("weak new password: %d %s", r.Status, r.Body)
	}
	if r := h.do("GET", "/api/v1/me", tok, nil); r.Status != 200 {
		t.Fatalf("refused changes revoked the token: %d", r.Status)
	}
	r = h.do("POST", "/api/v1/me/password", tok, map[string]any{"current_password": testPassword, "new_password": "another long password"})
	if r.Status != 200 {
		t.Fatalf("change password: %d %s", r.Status, r.Body)
	}
	fresh := r.json(t)["token"].(string)
	if r := h.do("GET", "/api/v1/me", tok, nil); r.Status != 401 {
		t.Fatalf("old token after a password change: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/me", fresh, nil); r.Status != 200 {
		t.Fatalf("new token: %d", r.Status)
	}
	if r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": u.Email, "password": "another long password"}); r.Status != 200 {
		t.Fatalf("login with the new password: %d", r.Status)
	}
	if r := h.do("POST", "/api/v1/me/logout-all", fresh, nil); r.Status != http.StatusNoContent {
		t.Fatalf("logout-all: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/me", fresh, nil); r.Status != 401 {
		t.Fatalf("token after logout-all: %d", r.Status)
	}

	v, vtok := h.user(profile.RoleStartup)
	_, admin := h.user(profile.RoleAdmin)
	if r := h.do("PATCH", "/api/v1/users/"+v.ID, vtok, map[string]any{"role": "admin"}); r.Status != 403 {
		t.Fatalf("self-promotion: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/me", vtok, nil); r.Status != 200 {
		t.Fatalf("a refused role change revoked the token: %d", r.Status)
	}
	r = h.do("PATCH", "/api/v1/users/"+v.ID, admin, map[string]any{"role": "manager", "districts": []string{"yannan"}})
	if r.Status != 200 || r.json(t)["role"] != "manager" {
		t.Fatalf("role change: %d %s", r.Status, r.Body)
	}
	if r := h.do("GET", "/api/v1/me", vtok, nil); r.Status != 401 {
		t.Fatalf("old token after a role change: %d", r.Status)
	}
}

// TestLoginThrottle: per account and per client address, with 429 and
// Retry-After; X-Forwarded-For counts only from a trusted proxy.
func TestLoginThrottle(t *testing.T) {
	h := newHarness(t)
	u, _ := h.user(profile.RoleStartup)
	for i := 0; i < 5; i++ {
		if r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": u.Email, "password": "wrong password " + fmt.Sprint(i)}); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": strings.ToUpper(u.Email), "password": testPassword})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || r.Header.Get("Retry-After") == "0" {
		t.Fatalf("sixth attempt on one account: %d Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}

	// Address: bodies that fail validation cost no hashing but still count.
	addr := func(h *harness, xff func(int) string, n int) (first429 int) {
		for i := 1; i <= n; i++ {
			r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": fmt.Sprintf("a%d@example.com", i), "password": ""},
				"X-Forwarded-For", xff(i))
			if r.Status == http.StatusTooManyRequests {
				return i
			}
		}
		return 0
	}
	many := func(i int) string { return fmt.Sprintf("198.51.100.%d", i) }
	one := func(int) string { return "203.0.113.7" }
	if got := addr(newHarness(t), many, 25); got != 21 {
		t.Fatalf("untrusted X-Forwarded-For: first 429 at attempt %d, want 21 (the header must be ignored)", got)
	}
	proxied := newHarness(t, func(d *api.Deps) { d.TrustedProxies = []string{"192.0.2.0/24"} })
	if got := addr(proxied, many, 25); got != 0 {
		t.Fatalf("distinct clients behind a trusted proxy were throttled at attempt %d", got)
	}
	if got := addr(proxied, one, 25); got != 21 {
		t.Fatalf("one client behind a trusted proxy: first 429 at attempt %d, want 21", got)
	}
}
