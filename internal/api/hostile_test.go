package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
)

// hostileCase is one request of the corpus.
type hostileCase struct {
	category string
	method   string
	path     string
	token    string
	body     []byte // nil: none
	headers  []string
	// refuse: the request must be answered 4xx (every write of the corpus is one
	// that must not happen, so a 2xx there is a failure even before the counts).
	refuse bool
}

// The victim's contact: no response of the corpus may carry it.
const (
	victimPhone  = "+86 515 6666 0000"
	victimEmail  = "victim-secret@qingtu.example"
	victimWeChat = "victim-wx-secret"
)

// TestHostileCorpus throws a generated corpus of hostile requests (malformed,
// huge and deep JSON, bytes that are not UTF-8, NULs, wrong types, operator
// objects, unknown fields, odd headers and content types, traversal and odd
// escapes, query syntax in q, forged tokens, other accounts' objects and other
// roles' routes, oversized bodies) at the real router on one database, as an
// attacker would, and checks every answer: no 5xx, every API error a JSON object
// with error.code, no victim contact, password hash or signing secret in any
// response, and, by the change counter and the collections' counts, no write at
// all. See docs/hostile.md.
func TestHostileCorpus(t *testing.T) {
	h := newHarness(t, withIndex(t))
	victimU, victim := h.user(profile.RoleStartup)
	investorU, investor := h.user(profile.RoleInvestor)
	_, mentor := h.user(profile.RoleMentor)
	_, operator := h.user(profile.RoleOperator)
	_, manager := h.user(profile.RoleManager, "dafeng")
	_, attacker := h.user(profile.RoleStartup)
	secretContact := map[string]any{"person": "受害者", "phone": victimPhone, "email": victimEmail, "wechat": victimWeChat}
	vst := h.make(profile.Startup, victim, map[string]any{"contact": secretContact, "name": "盐城受害者科技有限公司"})
	vinv := h.make(profile.Investor, investor, map[string]any{"contact": secretContact})
	_ = h.make(profile.Startup, attacker, map[string]any{"name": "攻击者科技"})
	introID := h.mustAsk(victim, vst, vinv)
	stPath := "/api/v1/startups/" + vst["id"].(string)
	invPath := "/api/v1/investors/" + vinv["id"].(string)
	ip := "/api/v1/introductions/" + introID

	cases := hostileCorpus(t, corpusTargets{
		victimID: victimU.ID, investorID: investorU.ID, stPath: stPath, invPath: invPath, introPath: ip,
		vst: vst, vinv: vinv,
		attacker: attacker, mentor: mentor, operator: operator, manager: manager, investor: investor,
	})
	if len(cases) < 500 {
		t.Fatalf("the corpus has only %d requests", len(cases))
	}

	before := h.writeCounts()
	secret := strings.Repeat("k", 32)
	counts := map[string]int{}
	spent := map[string]time.Duration{} // logged, never asserted
	for i, tc := range cases {
		counts[tc.category]++
		start := time.Now()
		r, ok := h.doBounded(tc)
		spent[tc.category] += time.Since(start).Round(time.Millisecond)
		name := fmt.Sprintf("#%d %s %s %.80q", i, tc.category, tc.method, tc.path)
		if !ok {
			t.Fatalf("%s: no answer within the bound", name)
		}
		if r.Status >= 500 {
			t.Errorf("%s: %d %.300s", name, r.Status, r.Body)
			continue
		}
		if tc.refuse && (r.Status < 400 || r.Status >= 500) {
			t.Errorf("%s: %d, want a refusal: %.300s", name, r.Status, r.Body)
		}
		if r.Status >= 400 && strings.HasPrefix(tc.path, "/api/") {
			var e struct {
				Error struct {
					Code      string `json:"code"`
					MessageZH string `json:"message_zh"`
					MessageEN string `json:"message_en"`
				} `json:"error"`
			}
			if err := json.Unmarshal(r.Body, &e); err != nil || e.Error.Code == "" || e.Error.MessageZH == "" || e.Error.MessageEN == "" {
				t.Errorf("%s: %d is not a JSON error with code and zh/en messages: %.300s", name, r.Status, r.Body)
			}
		}
		for _, leak := range []string{victimPhone, victimEmail, victimWeChat, "$argon2", secret} {
			if bytes.Contains(r.Body, []byte(leak)) || strings.Contains(fmt.Sprint(r.Header), leak) {
				t.Errorf("%s: the response carries %q", name, leak)
			}
		}
	}
	if after := h.writeCounts(); after != before {
		t.Errorf("the corpus wrote:\nbefore %s\nafter  %s", before, after)
	}
	// The victim's objects are as they were.
	if r := h.do("GET", stPath, victim, nil); r.Status != 200 || r.json(t)["version"].(float64) != 1 || !strings.Contains(string(r.Body), victimPhone) {
		t.Errorf("the victim's profile changed: %s", r.Body)
	}
	if in, err := h.store.GetIntro(context.Background(), introID); err != nil || in.Version != 1 {
		t.Errorf("the introduction changed: %+v %v", in, err)
	}
	t.Logf("%d requests: %v; time by category: %v", len(cases), counts, spent)
}

// writeCounts is the change counter and the size of every collection a request
// could write, in one string.
func (h *harness) writeCounts() string {
	h.t.Helper()
	out := fmt.Sprintf("seq=%d", h.lastSeq())
	for _, c := range []string{"profiles", "users", "introductions", "intro_events", "keys", "requests", "changes"} {
		n, err := h.store.Database().Collection(c).CountDocuments(context.Background(), map[string]any{})
		if err != nil {
			h.t.Fatal(err)
		}
		out += fmt.Sprintf(" %s=%d", c, n)
	}
	return out
}

// doBounded sends tc through the router under a deadline, so a request that
// would hang fails the test instead of stalling it; ok is false if it did not
// answer within the bound.
func (h *harness) doBounded(tc hostileCase) (response, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var rd *bytes.Reader
	if tc.body != nil {
		rd = bytes.NewReader(tc.body)
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	u, err := url.Parse(tc.path)
	if err != nil {
		u = &url.URL{Path: tc.path}
	}
	req.Method, req.URL, req.RequestURI = tc.method, u, tc.path
	if rd != nil {
		req.Body = ioNopCloser{rd}
		req.ContentLength = int64(rd.Len())
		req.Header.Set("Content-Type", "application/json")
	}
	req = req.WithContext(ctx)
	if tc.token != "" {
		req.Header.Set("Authorization", "Bearer "+tc.token)
	}
	for i := 0; i+1 < len(tc.headers); i += 2 {
		if tc.headers[i+1] == "" && tc.headers[i] == "Content-Type" {
			req.Header.Del("Content-Type")
			continue
		}
		req.Header.Set(tc.headers[i], tc.headers[i+1])
	}
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { defer close(done); h.h.ServeHTTP(rec, req) }()
	select {
	case <-done:
		return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}, true
	case <-time.After(30 * time.Second):
		return response{}, false
	}
}

type ioNopCloser struct{ *bytes.Reader }

func (ioNopCloser) Close() error { return nil }

// corpusTargets are the objects and accounts the corpus aims at.
type corpusTargets struct {
	victimID, investorID, stPath, invPath, introPath string
	vst, vinv                                        map[string]any
	attacker, mentor, operator, manager, investor    string
}

// hostileCorpus generates the requests, category by category.
func hostileCorpus(t *testing.T, g corpusTargets) []hostileCase {
	t.Helper()
	var out []hostileCase
	add := func(c hostileCase) { out = append(out, c) }
	js := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	introBody := func(msg any) map[string]any {
		return map[string]any{"from": map[string]any{"kind": "startup", "id": g.vst["id"]}, "to": ref(g.vinv), "message": msg}
	}
	// The write routes, each with a template body whose text field is TEXT, and
	// the account that sends it (never one that may make the write).
	type writeRoute struct {
		method, path, token, template string
	}
	writes := []writeRoute{
		{"POST", "/api/v1/startups", g.investor, `{"name":TEXT,"district":"yannan"}`},
		{"PATCH", g.stPath, g.attacker, `{"summary":TEXT,"version":1}`},
		{"POST", "/api/v1/auth/register", "", `{"email":"x@example.com","password":"` + testPassword + `","name":TEXT,"role":BAD}`},
		{"POST", "/api/v1/users", g.manager, `{"email":"y@example.com","password":"` + testPassword + `","name":TEXT,"role":"admin"}`},
		{"PATCH", "/api/v1/users/" + g.victimID, g.attacker, `{"name":TEXT}`},
		{"POST", "/api/v1/introductions", g.attacker, `{"from":{"kind":"startup","id":"` + g.vst["id"].(string) + `"},"to":{"kind":"investor","id":"` + g.vinv["id"].(string) + `"},"message":TEXT}`},
		{"POST", g.introPath + "/accept", g.attacker, `{"note":TEXT}`},
		{"POST", g.introPath + "/outcomes", g.attacker, `{"kind":"meeting","date":"2025-01-01","note":TEXT}`},
	}
	fill := func(tmpl, text string) []byte {
		return []byte(strings.ReplaceAll(strings.ReplaceAll(tmpl, "TEXT", text), "BAD", `"admin"`))
	}

	// Malformed, huge and deep JSON.
	deepArr := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	deepObj := strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000)
	manyKeys := "{" + strings.TrimSuffix(strings.Repeat(`"k":1,`, 60_000), ",") + "}"
	malformed := []string{`{`, `{"name":`, `[]`, `null`, `"text"`, `123`, `{"a":1}{"b":2}`, `{"name":"x",}`, `{'name':'x'}`,
		`{"name":"\u12"}`, `{"name":"\x"}`, `{"name":01}`, `{"name":NaN}`, `{"name":1e999}`,
		"\ufeff{\"name\":\"bom\"}", `{"name":"x"}` + strings.Repeat(" ", 1000) + `x`}
	heavy := []string{deepArr, deepObj, manyKeys, `{"name":"` + strings.Repeat("长", 300_000) + `"}`}
	for i, w := range writes {
		for _, b := range malformed {
			add(hostileCase{category: "malformed json", method: w.method, path: w.path, token: w.token, body: []byte(b), refuse: true})
		}
		if i == 0 { // the big ones on one route keep the -race run short
			for _, b := range heavy {
				add(hostileCase{category: "malformed json", method: w.method, path: w.path, token: w.token, body: []byte(b), refuse: true})
			}
		}
	}
	// Bytes that are not UTF-8, NULs and other control characters in text fields.
	for _, w := range writes {
		for _, text := range []string{"\"x\xff\xfe\"", "\"\xc0\xae\xc0\xae\"", "\"\xed\xa0\x80\"", "\"\xe4\xb8\"", "\"ok\xf8\x88\x80\x80\x80\""} {
			add(hostileCase{category: "invalid utf-8", method: w.method, path: w.path, token: w.token, body: fill(w.template, text), refuse: true})
		}
		for _, text := range []string{`"a\u0000b"`, "\"raw\x00nul\"", `"\ud800"`, "\"bell\x07\"", `"` + strings.Repeat("\\u0000", 50) + `"`} {
			add(hostileCase{category: "nul and control", method: w.method, path: w.path, token: w.token, body: fill(w.template, text), refuse: true})
		}
	}
	// Wrong types and operator objects in place of every value.
	weird := []string{`1`, `true`, `[]`, `{}`, `null`, `{"$gt":""}`, `{"$ne":null}`, `{"$regex":".*"}`, `["$where"]`, `-1e308`}
	for _, w := range writes {
		for _, v := range weird {
			add(hostileCase{category: "wrong types", method: w.method, path: w.path, token: w.token, body: fill(w.template, v), refuse: true})
		}
	}
	for _, field := range []string{"email", "password"} {
		for _, v := range weird {
			b := `{"email":"a@example.com","password":"` + testPassword + `"}`
			b = strings.Replace(b, `"`+field+`":"`+map[string]string{"email": "a@example.com", "password": testPassword}[field]+`"`, `"`+field+`":`+v, 1)
			add(hostileCase{category: "wrong types", method: "POST", path: "/api/v1/auth/login", body: []byte(b), refuse: true})
		}
	}
	// Unknown fields and mass assignment.
	for _, extra := range []string{`"owner_id":"` + g.investorID + `"`, `"$where":"1"`, `"name.first":"x"`, `"__proto__":{"admin":true}`,
		`"id":"6b0000000000000000000000"`, `"version":99`, `"archived":true`, `"seq":1`, `"created_at":"2020-01-01T00:00:00Z"`, `"Role":"admin"`} {
		add(hostileCase{category: "unknown fields", method: "POST", path: "/api/v1/startups", token: g.investor,
			body: []byte(`{"name":"x","district":"yannan",` + extra + `}`), refuse: true})
		add(hostileCase{category: "unknown fields", method: "POST", path: "/api/v1/auth/register",
			body: []byte(`{"email":"z@example.com","password":"` + testPassword + `","name":"x","role":"admin",` + extra + `}`), refuse: true})
	}
	// Odd headers and content types.
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
		"application/json; charset=utf-16", "application/json;;;", "garbage/", "*/*", "application/json\t", strings.Repeat("a", 5000)} {
		for _, w := range writes[:4] {
			add(hostileCase{category: "content types", method: w.method, path: w.path, token: w.token, body: fill(w.template, `"x"`),
				headers: []string{"Content-Type", ct}, refuse: true})
		}
	}
	for _, hd := range [][]string{
		{"If-Match", "yesterday"}, {"If-Match", `"-1"`}, {"If-Match", `"99999999999999999999999"`}, {"If-Match", "*"},
		{"X-Forwarded-For", "127.0.0.1, 10.0.0.1"}, {"X-Request-Id", strings.Repeat("r", 10_000)}, {"X-Request-Id", "a\x00b"},
		{"Accept", "application/xml"}, {"Accept-Encoding", "gzip;q=2, br"}, {"Origin", "https://evil.example"},
		{"Range", "bytes=0-1,2-3,4-5"}, {"Content-Length", "-1"}, {"Transfer-Encoding", "chunked, identity"},
		{"Idempotency-Key", ""}, {"Idempotency-Key", strings.Repeat("i", 201)}, {"Idempotency-Key", "键"},
	} {
		add(hostileCase{category: "odd headers", method: "PATCH", path: g.stPath, token: g.attacker, body: []byte(`{"name":"篡改"}`), headers: hd, refuse: true})
		add(hostileCase{category: "odd headers", method: "GET", path: "/api/v1/me", token: g.attacker, headers: hd})
	}
	// Traversal, odd escapes and odd paths.
	for _, p := range []string{
		"/static/%ff", "/static/%c0%ae%c0%ae/x", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/static/%00",
		"/static/js/..%5c..%5cweb.go", "/static/%e0%80%af", "/app/%ff", "/app/../../etc/passwd", "/app/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/api/v1/startups/..%2f..%2fusers", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api/v1/startups/%00", "/api/v1/startups/%ff%fe",
		"/api/v1/startups/" + strings.Repeat("a", 10_000), "/api/v1/startups/6b000000000000000000000%ff", "//api//v1//me",
		"/api/v1/startups/" + g.vst["id"].(string) + "%2f..%2f..", "/api/v1/startups/%7B%22$ne%22:1%7D", "/api/v1/introductions/%24gt",
		"/api/v1/search?q=%ff", "/api/v1/startups?district=%00", "/api/v1/startups?cursor=%ff%ff", "/api/v1/introductions?box=%ff",
		"/api/v1/kpi?year=%ff", "/api/v1/kpi?year=99999999999999999999", "/api/v1/startups?limit=-1", "/api/v1/startups?limit=1e9",
		"/api/v1/startups/" + g.vst["id"].(string) + "/matches?target=%ff", "/api/v1/startups/" + g.vst["id"].(string) + "/matches?limit=100000",
	} {
		add(hostileCase{category: "paths", method: "GET", path: p, token: g.attacker})
	}
	// Query syntax in q: nothing an index query language offers is obeyed.
	for _, q := range []string{"*", "?", "~", "a~2", "/.*/", "/[a-z]+/", "name:/.*/", "contact.phone:*", "contact.email:*", "owner_id:" + g.victimID,
		"+a -b", "a && b || !c", "(a", "a)", "[a TO z]", "{a TO z}", "a^100", `"unclosed`, `\`, "a:b:c:d", "_all:*", "kind:startup",
		strings.Repeat("a*", 500), strings.Repeat("(", 500), strings.Repeat("盐城 ", 300), victimPhone, victimEmail, "\u0000", "%", "$ne"} {
		add(hostileCase{category: "query syntax", method: "GET", path: "/api/v1/search?q=" + url.QueryEscape(q), token: g.attacker})
	}
	for _, extra := range []string{"kind=%24ne", "kind=startup&kind=mentor", "limit=0", "limit=abc", "cursor=abc", "chain=%7B%7D", "district[$ne]=x"} {
		add(hostileCase{category: "query syntax", method: "GET", path: "/api/v1/search?q=a&" + extra, token: g.attacker})
	}
	// Forged, expired and malformed tokens.
	secret := []byte(strings.Repeat("k", 32))
	now := time.Now()
	claims := func(mod func(*auth.Claims)) *auth.Claims {
		c := &auth.Claims{Role: profile.RoleAdmin, RegisteredClaims: jwt.RegisteredClaims{Issuer: auth.Issuer, Subject: g.victimID,
			Audience: jwt.ClaimStrings{auth.Audience}, IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
		if mod != nil {
			mod(c)
		}
		return c
	}
	sign := func(m jwt.SigningMethod, key any, c *auth.Claims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tokens := []string{
		sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		sign(jwt.SigningMethodHS256, secret, claims(nil)), // the victim's id with a role not theirs
		sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute)) })),
		sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Subject = "6b0000000000000000000000" })),
		sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Subject = `{"$ne":""}` })),
		sign(jwt.SigningMethodHS512, secret, claims(nil)),
		sign(jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), claims(nil)),
		sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Issuer = "evil"; c.Role = profile.RoleStartup })),
		sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Audience = nil; c.Role = profile.RoleStartup })),
		sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Role = profile.RoleStartup; c.TV = 9 })),
		"", "x", "a.b.c", "....", strings.Repeat("a", 20_000), "eyJhbGciOiJub25lIn0.e30.", "Bearer Bearer x", "\x00",
	}
	for _, tok := range tokens {
		for _, rt := range [][2]string{{"GET", "/api/v1/me"}, {"GET", "/api/v1/introductions?box=all"}, {"DELETE", g.stPath}, {"GET", "/api/v1/kpi"}} {
			c := hostileCase{category: "tokens", method: rt[0], path: rt[1], refuse: true}
			c.headers = []string{"Authorization", "Bearer " + tok}
			if tok == "" {
				c.headers = []string{"Authorization", "Basic " + g.attacker}
			}
			add(c)
		}
	}
	// Other accounts' objects (BOLA), as a stranger of every role.
	for _, tok := range []string{g.attacker, g.mentor, g.operator, g.manager} {
		for _, rt := range []struct {
			method, path string
			body         []byte
			refuse       bool
		}{
			{"GET", g.stPath, nil, false}, {"GET", g.invPath, nil, false},
			{"PATCH", g.stPath, js(map[string]any{"name": "篡改", "version": 1}), true},
			{"PATCH", g.stPath, js(map[string]any{"contact": map[string]any{"phone": "1"}, "version": 1}), true},
			{"DELETE", g.stPath, nil, true}, {"DELETE", g.invPath, nil, true},
			{"GET", g.introPath, nil, true}, {"POST", g.introPath + "/accept", nil, true}, {"POST", g.introPath + "/decline", nil, true},
			{"POST", g.introPath + "/withdraw", nil, true}, {"GET", g.introPath + "/events", nil, true},
			{"POST", g.introPath + "/outcomes", js(map[string]any{"kind": "meeting", "date": "2025-01-01"}), true},
			{"PATCH", "/api/v1/users/" + g.victimID, js(map[string]any{"role": "admin"}), true},
			{"GET", g.stPath + "/matches", nil, true}, {"GET", g.stPath + "/techsme", nil, true},
			{"POST", "/api/v1/introductions", js(introBody("冒名")), true},
		} {
			add(hostileCase{category: "bola", method: rt.method, path: rt.path, token: tok, body: rt.body, refuse: rt.refuse})
		}
	}
	// Other roles' routes (BFLA).
	for _, tok := range []string{g.attacker, g.mentor, g.operator, g.investor} {
		for _, rt := range []struct {
			method, path string
			body         []byte
		}{
			{"POST", "/api/v1/users", js(map[string]any{"email": "new@example.com", "password": testPassword, "name": "x", "role": "admin"})},
			{"PATCH", "/api/v1/users/" + g.victimID, js(map[string]any{"name": "x"})},
			{"GET", "/api/v1/kpi", nil}, {"GET", "/api/v1/kpi/export", nil}, {"GET", "/api/v1/introductions?box=all", nil},
			{"GET", "/api/v1/startups/import/template", nil}, {"GET", "/api/v1/carriers/import/template", nil},
			{"POST", "/api/v1/startups/import", []byte(`{}`)}, {"GET", g.introPath + "/events", nil},
		} {
			add(hostileCase{category: "bfla", method: rt.method, path: rt.path, token: tok, body: rt.body, refuse: true})
		}
	}
	// Oversized bodies.
	for _, w := range writes {
		add(hostileCase{category: "oversized", method: w.method, path: w.path, token: w.token,
			body: fill(w.template, `"`+strings.Repeat("a", 1<<20)+`"`), refuse: true})
	}
	return out
}
