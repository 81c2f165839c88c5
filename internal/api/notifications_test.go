package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

type noteItem struct {
	ID, Type, ZH, EN, Link string
	Read                   bool
	CreatedAt              string `json:"created_at"`
}

type noteBody struct {
	Items      []noteItem
	Unread     int
	NextCursor string `json:"next_cursor"`
}

func (h *harness) notes(token, query string) noteBody {
	h.t.Helper()
	r := h.do("GET", "/api/v1/notifications"+query, token, nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("notifications%s: %d %s", query, r.Status, r.Body)
	}
	var b noteBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		h.t.Fatal(err)
	}
	return b
}

// named makes an account with a person's name, which the texts show.
func (h *harness) named(role profile.Role, name string, districts ...string) (*profile.User, string) {
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

func TestNotificationsOfIntroductions(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, mentor := h.user(profile.RoleMentor)
	_, manager := h.named(profile.RoleManager, "张经理", "yannan")
	s := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	m := h.make(profile.Mentor, mentor, nil)

	id := h.mustAsk(founder, s, inv)
	got := h.notes(investor, "")
	if len(got.Items) != 1 || got.Unread != 1 {
		t.Fatalf("investor after a request: %+v", got)
	}
	n := got.Items[0]
	if n.Type != "intro_received" || !strings.Contains(n.ZH, "盐城氢途能源科技有限公司") || !strings.Contains(n.ZH, "盐城市天使投资引导基金") ||
		!strings.Contains(n.EN, "asks") || n.Link != "/app/intros?id="+id || n.Read || n.CreatedAt == "" {
		t.Fatalf("intro_received = %+v", n)
	}
	if b := h.notes(founder, ""); countType(b, "intro_received") != 0 {
		t.Fatalf("the asker was told of their own request: %+v", b)
	}
	if r := h.answer(investor, id, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	// (The founder's new firm was also told of the programmes it qualifies for.)
	if b := h.notes(founder, "?unread=1"); countType(b, "intro_accepted") != 1 || b.Items[0].Type != "intro_accepted" {
		t.Fatalf("founder after acceptance: %+v", b)
	}

	// Brokered: both sides are told who brokered; one side's yes goes to the
	// broker and the other side; a no to everyone else.
	bid := h.mustAsk(manager, s, m)
	for _, tok := range []string{founder, mentor} {
		b := h.notes(tok, "?unread=1")
		if len(b.Items) == 0 || b.Items[0].Type != "intro_brokered" || !strings.Contains(b.Items[0].ZH, "张经理") || !strings.Contains(b.Items[0].EN, "张经理 brokered") {
			t.Fatalf("side of a brokered introduction: %+v", b.Items)
		}
	}
	if r := h.answer(founder, bid, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept brokered: %d %s", r.Status, r.Body)
	}
	for _, tok := range []string{manager, mentor} {
		if b := h.notes(tok, ""); b.Items[0].Type != "intro_accepted" || !strings.Contains(b.Items[0].ZH, "等待") {
			t.Fatalf("after one side accepted: %+v", b.Items[0])
		}
	}
	if r := h.answer(mentor, bid, "decline"); r.Status != http.StatusOK {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	for _, tok := range []string{manager, founder} {
		if b := h.notes(tok, ""); b.Items[0].Type != "intro_declined" || !strings.Contains(b.Items[0].ZH, "王教授") {
			t.Fatalf("after the decline: %+v", b.Items[0])
		}
	}
	if b := h.notes(mentor, ""); b.Items[0].Type == "intro_declined" {
		t.Fatal("the decliner was told of their own decline")
	}
}

func TestNotificationsReadAndOwnership(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	s := h.make(profile.Startup, founder, nil)
	for i := 0; i < 3; i++ {
		inv := h.make(profile.Investor, investor, map[string]any{"name": "基金" + string(rune('甲'+i))})
		h.mustAsk(founder, s, inv)
	}
	page := h.notes(investor, "?limit=2")
	if len(page.Items) != 2 || page.Unread != 3 || page.NextCursor == "" {
		t.Fatalf("page 1: %+v", page)
	}
	if p2 := h.notes(investor, "?limit=2&cursor="+page.NextCursor); len(p2.Items) != 1 || p2.NextCursor != "" || p2.Items[0].ID == page.Items[0].ID {
		t.Fatalf("page 2: %+v", p2)
	}
	// A founder can neither see nor mark the investor's notifications.
	if b := h.notes(founder, ""); countType(b, "intro_received") != 0 {
		t.Fatalf("founder sees %+v", b.Items)
	}
	r := h.do("POST", "/api/v1/notifications/read", founder, map[string]any{"ids": []string{page.Items[0].ID}})
	if code, field := r.errCode(t); r.Status != http.StatusBadRequest || code != "unknown_notification" || field != "ids" {
		t.Fatalf("marking another's notification: %d %s", r.Status, r.Body)
	}
	if b := h.notes(investor, "?unread=1"); b.Unread != 3 {
		t.Fatalf("another account's mark changed the unread count to %d", b.Unread)
	}
	for _, tc := range []struct {
		method, path string
		body         any
		field        string
	}{
		{"GET", "/api/v1/notifications?unread=yes", nil, "unread"},
		{"GET", "/api/v1/notifications?cursor=abc", nil, "cursor"},
		{"GET", "/api/v1/notifications?limit=0", nil, "limit"},
		{"POST", "/api/v1/notifications/read", map[string]any{}, "ids"},
		{"POST", "/api/v1/notifications/read", map[string]any{"ids": []string{page.Items[0].ID}, "all": true}, "ids"},
		{"POST", "/api/v1/notifications/read", map[string]any{"idz": []string{"x"}}, "idz"},
		{"PUT", "/api/v1/me/notifications", map[string]any{"email_digest": "weekly"}, "email_digest"},
		{"PUT", "/api/v1/me/notifications", map[string]any{"types": map[string]any{"intro_gossip": map[string]any{"email": false}}}, "types"},
		{"PUT", "/api/v1/me/notifications", map[string]any{"types": map[string]any{"intro_received": map[string]any{"email": "no"}}}, ""},
	} {
		r := h.do(tc.method, tc.path, investor, tc.body)
		code, field := r.errCode(t)
		if r.Status != http.StatusBadRequest || (tc.field != "" && field != tc.field) {
			t.Errorf("%s %s %v: %d %s %s, want 400 naming %s", tc.method, tc.path, tc.body, r.Status, code, field, tc.field)
		}
		if m := r.json(t)["error"].(map[string]any); m["message_zh"] == "" || m["message_en"] == "" {
			t.Errorf("%s %s: error without both languages: %s", tc.method, tc.path, r.Body)
		}
	}
	if b := h.notes(investor, ""); b.Unread != 3 {
		t.Fatalf("bad requests changed the unread count to %d", b.Unread)
	}
	if r := h.do("GET", "/api/v1/me/notifications", investor, nil); r.json(t)["email_digest"] != "daily" {
		t.Fatalf("a refused PUT changed the preferences: %s", r.Body)
	}
	// Marking one, then all.
	r = h.do("POST", "/api/v1/notifications/read", investor, map[string]any{"ids": []string{page.Items[0].ID}})
	if r.Status != http.StatusOK || r.json(t)["unread"] != float64(2) {
		t.Fatalf("mark one: %d %s", r.Status, r.Body)
	}
	if b := h.notes(investor, "?unread=1"); len(b.Items) != 2 || b.Items[0].ID == page.Items[0].ID {
		t.Fatalf("unread after marking one: %+v", b.Items)
	}
	if r := h.do("POST", "/api/v1/notifications/read", investor, map[string]any{"all": true}); r.json(t)["unread"] != float64(0) {
		t.Fatalf("mark all: %s", r.Body)
	}
	// Preferences: a type switched off in the app is not shown.
	r = h.do("PUT", "/api/v1/me/notifications", founder, map[string]any{"email_digest": "off", "types": map[string]any{"intro_accepted": map[string]any{"in_app": false}}})
	if r.Status != http.StatusOK {
		t.Fatalf("put prefs: %d %s", r.Status, r.Body)
	}
	prefs := h.do("GET", "/api/v1/me/notifications", founder, nil).json(t)
	types := prefs["types"].(map[string]any)
	if prefs["email_digest"] != "off" || types["intro_accepted"].(map[string]any)["in_app"] != false ||
		types["intro_accepted"].(map[string]any)["email"] != true || len(types) != 10 {
		t.Fatalf("prefs after PUT: %v", prefs)
	}
	invID := h.notes(investor, "").Items[0].Link[len("/app/intros?id="):]
	if r := h.answer(investor, invID, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if b := h.notes(founder, ""); countType(b, "intro_accepted") != 0 {
		t.Fatalf("a type switched off in the app was shown: %+v", b.Items)
	}
}
