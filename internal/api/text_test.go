package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fuhua/internal/profile"
)

// textCase is one write whose body carries a bad text in one field.
type textCase struct {
	name, method, path, token string
	body                      map[string]any // the field at fault holds the placeholder
	field                     string         // the field the error must name
}

// badTextPlaceholder is replaced in the marshalled body by the bad bytes.
const badTextPlaceholder = "@@BAD@@"

// textWrites returns one write per route that stores free text an account sends,
// each with badTextPlaceholder in the field named, against fresh objects of h.
func textWrites(t *testing.T, h *harness) []textCase {
	t.Helper()
	_, admin := h.user(profile.RoleAdmin)
	owner, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	st := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	pending := h.mustAsk(founder, st, inv)
	st2 := h.make(profile.Startup, founder, map[string]any{"name": "盐城第二家科技有限公司"})
	accepted := h.mustAsk(founder, st2, inv)
	if r := h.answer(investor, accepted, "accept"); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	return []textCase{
		{"profile create", "POST", "/api/v1/startups", founder,
			map[string]any{"name": "x" + badTextPlaceholder, "district": "yannan"}, "name"},
		{"profile create nested", "POST", "/api/v1/startups", founder,
			map[string]any{"name": "盐城某科技", "needs": map[string]any{"mentoring": []string{"融资", badTextPlaceholder}}}, "needs.mentoring"},
		{"profile PATCH", "PATCH", "/api/v1/startups/" + st["id"].(string), founder,
			map[string]any{"summary": "好" + badTextPlaceholder, "version": 1}, "summary"},
		{"register", "POST", "/api/v1/auth/register", "",
			map[string]any{"email": "text@example.com", "password": testPassword, "name": "陈" + badTextPlaceholder, "role": "startup"}, "name"},
		{"POST /users", "POST", "/api/v1/users", admin,
			map[string]any{"email": "text@example.com", "password": testPassword, "name": badTextPlaceholder, "role": "operator"}, "name"},
		{"PATCH /users", "PATCH", "/api/v1/users/" + owner.ID, admin, map[string]any{"name": "改" + badTextPlaceholder}, "name"},
		{"introduction message", "POST", "/api/v1/introductions", founder,
			map[string]any{"from": ref(st2), "to": ref(inv), "message": "您好" + badTextPlaceholder}, "message"},
		{"accept note", "POST", "/api/v1/introductions/" + pending + "/accept", investor, map[string]any{"note": badTextPlaceholder}, "note"},
		{"decline note", "POST", "/api/v1/introductions/" + pending + "/decline", investor, map[string]any{"note": badTextPlaceholder}, "note"},
		{"outcome note", "POST", "/api/v1/introductions/" + accepted + "/outcomes", founder,
			map[string]any{"kind": "meeting", "date": "2025-01-01", "note": "见面" + badTextPlaceholder}, "note"},
	}
}

// textLabels is how the Chinese message must begin: the field as the page
// names it, never its code.
var textLabels = map[string]string{"name": "", "summary": "简介", "needs.mentoring": "辅导主题", "message": "留言", "note": "备注"}

// checkRefusedText sends every case with bad in place of the placeholder and
// checks the 400, its code and field, both languages, and that nothing changed.
func checkRefusedText(t *testing.T, bad, code string) {
	h := newHarness(t)
	cases := textWrites(t, h)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(tc.body)
			if err != nil {
				t.Fatal(err)
			}
			body := strings.Replace(string(raw), badTextPlaceholder, bad, 1)
			before := h.lastSeq()
			introsBefore := h.introSnapshot()
			r := h.do(tc.method, tc.path, tc.token, body)
			if r.Status != 400 {
				t.Fatalf("status %d, want 400: %q", r.Status, r.Body)
			}
			gotCode, field := r.errCode(t)
			if gotCode != code || field != tc.field {
				t.Errorf("code %q field %q, want %q %q: %s", gotCode, field, code, tc.field, r.Body)
			}
			if zh := textLabels[tc.field]; !strings.Contains(string(r.Body), `"message_zh":"`+zh) || !strings.Contains(string(r.Body), `"message_en":"`) {
				t.Errorf("the messages do not name %s as %q: %s", tc.field, zh, r.Body)
			}
			if strings.Contains(string(r.Body), `"message_zh":"`+tc.field) {
				t.Errorf("the Chinese message names the field by its code %s: %s", tc.field, r.Body)
			}
			if h.lastSeq() != before {
				t.Errorf("a profile was written")
			}
			if got := h.introSnapshot(); got != introsBefore {
				t.Errorf("introductions changed:\n%s\n%s", introsBefore, got)
			}
			if _, err := h.store.UserByEmail(context.Background(), "text@example.com"); err == nil {
				t.Errorf("an account was created")
			}
			for _, u := range h.allUsers() {
				if strings.ContainsRune(u, 0) || strings.ContainsRune(u, '\uFFFD') || strings.HasPrefix(u, "改") {
					t.Errorf("an account name was changed to %q", u)
				}
			}
		})
	}
}

// TestInvalidUTF8Refused: bytes that are not UTF-8 inside a JSON string are refused
// with a 400 naming the field, on every route that stores text, instead of being
// stored as U+FFFD.
func TestInvalidUTF8Refused(t *testing.T) { checkRefusedText(t, "\xff\xfe", "invalid_text") }

// introSnapshot is every introduction's id, version, state, message, note and
// outcome count, in one string.
func (h *harness) introSnapshot() string {
	h.t.Helper()
	cur, err := h.store.Database().Collection("introductions").Find(context.Background(), map[string]any{})
	if err != nil {
		h.t.Fatal(err)
	}
	var docs []map[string]any
	if err := cur.All(context.Background(), &docs); err != nil {
		h.t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range docs {
		raw, _ := json.Marshal([]any{d["_id"], d["version"], d["state"], d["message"], d["note"], d["outcomes"], len(docs)})
		b.Write(raw)
	}
	return b.String()
}

// allUsers returns every account's name.
func (h *harness) allUsers() []string {
	h.t.Helper()
	cur, err := h.store.Database().Collection("users").Find(context.Background(), map[string]any{})
	if err != nil {
		h.t.Fatal(err)
	}
	var docs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(context.Background(), &docs); err != nil {
		h.t.Fatal(err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Name
	}
	return out
}

// TestNULRefused: a NUL character (which PostgreSQL refuses to store) is refused
// with a 400 naming the field in account names, introduction messages and notes,
// as it already is in profile fields.
func TestNULRefused(t *testing.T) { checkRefusedText(t, `\u0000`, "invalid_text") }
