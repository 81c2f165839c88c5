package api_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// TestBOLAMatrix sends every route that takes an id, as every role that is
// neither the object's owner nor entitled to it, at another account's objects:
// each is refused (or, for a public profile read, answered without the contact),
// and nothing in the database moves. Then the owners and entitled roles do the
// same requests on their own objects and succeed, so the matrix can fail both ways.
func TestBOLAMatrix(t *testing.T) {
	h := newHarness(t)
	owners := map[profile.Kind]string{}
	objs := map[profile.Kind]map[string]any{}
	for _, k := range profile.Kinds {
		_, tok := h.user(roleFor(k))
		owners[k] = tok
		over := map[string]any{"contact": map[string]any{"wechat": "secret-" + string(k)}}
		objs[k] = h.make(k, tok, over)
	}
	investorOwner := owners[profile.Investor]
	introID := h.mustAsk(owners[profile.Startup], objs[profile.Startup], objs[profile.Investor])
	victim, _ := h.user(profile.RoleStartup)
	_, admin := h.user(profile.RoleAdmin)

	attackers := map[string]string{"anonymous": ""}
	for _, r := range []profile.Role{profile.RoleStartup, profile.RoleMentor, profile.RoleInvestor, profile.RoleOperator} {
		_, tok := h.user(r)
		attackers["another "+string(r)] = tok
	}
	_, attackers["manager of another district"] = h.user(profile.RoleManager, "dafeng")

	type route struct {
		method, path string
		body         any
		ifMatch      bool
		// want is the status for a stranger; 200 marks a public read.
		want int
	}
	var routes []route
	for _, k := range profile.Kinds {
		p := "/api/v1/" + k.Path() + "/" + objs[k]["id"].(string)
		routes = append(routes,
			route{"GET", p, nil, false, 200},
			route{"PATCH", p, map[string]any{"name": "被篡改"}, true, 403},
			route{"DELETE", p, nil, false, 403})
	}
	ip := "/api/v1/introductions/" + introID
	routes = append(routes,
		route{"GET", ip, nil, false, 404},
		route{"POST", ip + "/accept", nil, false, 404},
		route{"POST", ip + "/decline", nil, false, 404},
		route{"POST", ip + "/withdraw", nil, false, 404},
		route{"POST", ip + "/outcomes", map[string]any{"kind": "meeting", "date": "2025-01-01"}, false, 404},
		route{"GET", ip + "/events", nil, false, 404},
		route{"PATCH", "/api/v1/users/" + victim.ID, map[string]any{"role": "admin"}, false, 403},
	)

	before := h.lastSeq()
	introBefore, _ := h.store.GetIntro(context.Background(), introID)
	cases := 0
	for who, tok := range attackers {
		for _, rt := range routes {
			cases++
			t.Run(who+" "+rt.method+" "+rt.path, func(t *testing.T) {
				var hdr []string
				if rt.ifMatch {
					hdr = []string{"If-Match", `"1"`}
				}
				r := h.do(rt.method, rt.path, tok, rt.body, hdr...)
				want := rt.want
				if tok == "" {
					want = 401
				}
				if r.Status != want {
					t.Errorf("status %d, want %d: %s", r.Status, want, r.Body)
				}
				if strings.Contains(string(r.Body), "secret-") {
					t.Errorf("contact leaked: %s", r.Body)
				}
				if n := h.lastSeq(); n != before {
					t.Fatalf("a profile was written (seq %d → %d)", before, n)
				}
				in, _ := h.store.GetIntro(context.Background(), introID)
				if in.Version != introBefore.Version || in.State != introBefore.State || len(in.Outcomes) != 0 {
					t.Fatalf("the introduction changed: %+v", in)
				}
				if u, _ := h.store.UserByID(context.Background(), victim.ID); u.Role != profile.RoleStartup || u.TokenVersion != 0 {
					t.Fatalf("the account changed: %+v", u)
				}
			})
		}
	}
	if cases < 60 {
		t.Fatalf("only %d cases", cases)
	}

	// The same routes by those entitled succeed.
	t.Run("entitled", func(t *testing.T) {
		for _, k := range profile.Kinds {
			p := "/api/v1/" + k.Path() + "/" + objs[k]["id"].(string)
			r := h.do("GET", p, owners[k], nil)
			if r.Status != 200 || !strings.Contains(string(r.Body), "secret-"+string(k)) {
				t.Errorf("owner GET %s: %d %s", k, r.Status, r.Body)
			}
			if r := h.do("PATCH", p, owners[k], map[string]any{"summary": "本人更新"}, "If-Match", `"1"`); r.Status != 200 {
				t.Errorf("owner PATCH %s: %d %s", k, r.Status, r.Body)
			}
		}
		if r := h.do("GET", ip, investorOwner, nil); r.Status != 200 {
			t.Errorf("receiver GET introduction: %d", r.Status)
		}
		if r := h.do("GET", ip+"/events", admin, nil); r.Status != 200 {
			t.Errorf("admin events: %d", r.Status)
		}
		if r := h.answer(investorOwner, introID, "accept"); r.Status != 200 {
			t.Errorf("receiver accepts: %d", r.Status)
		}
		if r := h.do("POST", ip+"/outcomes", owners[profile.Startup], map[string]any{"kind": "meeting", "date": "2025-01-01"}); r.Status != 201 {
			t.Errorf("side records an outcome: %d %s", r.Status, r.Body)
		}
		if r := h.do("PATCH", "/api/v1/users/"+victim.ID, admin, map[string]any{"name": "改名"}); r.Status != 200 {
			t.Errorf("admin changes an account: %d", r.Status)
		}
		for _, k := range profile.Kinds {
			p := "/api/v1/" + k.Path() + "/" + objs[k]["id"].(string)
			if r := h.do("DELETE", p, owners[k], nil); r.Status != http.StatusNoContent {
				t.Errorf("owner DELETE %s: %d", k, r.Status)
			}
		}
	})
}

// TestJWTAttacks: every forged, stale or malformed token is answered 401.
func TestJWTAttacks(t *testing.T) {
	h := newHarness(t)
	u, good := h.user(profile.RoleStartup)
	secret := []byte(strings.Repeat("k", 32))
	now := time.Now()
	claims := func(mod func(*auth.Claims)) *auth.Claims {
		c := &auth.Claims{Role: u.Role, TV: u.TokenVersion, RegisteredClaims: jwt.RegisteredClaims{
			Issuer: auth.Issuer, Subject: u.ID, Audience: jwt.ClaimStrings{auth.Audience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
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
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"role":"startup"`, `"role":"admin"`, 1))) + "." + parts[2]
	if tampered == good {
		t.Fatal("tampering changed nothing")
	}

	if r := h.do("GET", "/api/v1/me", sign(jwt.SigningMethodHS256, secret, claims(nil)), nil); r.Status != 200 {
		t.Fatalf("control: a well-made token is refused: %d", r.Status)
	}
	for _, tc := range []struct{ name, token string }{
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil))},
		{"HS512 with the right secret", sign(jwt.SigningMethodHS512, secret, claims(nil))},
		{"RS256", sign(jwt.SigningMethodRS256, rsaKey, claims(nil))},
		{"expired", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) {
			c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour))
		}))},
		{"nbf in the future", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) {
			c.NotBefore = jwt.NewNumericDate(now.Add(time.Hour))
		}))},
		{"exp missing", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.ExpiresAt = nil }))},
		{"wrong aud", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Audience = jwt.ClaimStrings{"other-api"} }))},
		{"wrong iss", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Issuer = "evil" }))},
		{"tampered payload", tampered},
		{"another key", sign(jwt.SigningMethodHS256, []byte(strings.Repeat("x", 32)), claims(nil))},
		{"stale token version", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.TV = 7 }))},
		{"role not the account's", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Role = profile.RoleAdmin }))},
		{"unknown subject", sign(jwt.SigningMethodHS256, secret, claims(func(c *auth.Claims) { c.Subject = "0123456789abcdef01234567" }))},
		{"empty", ""},
		{"garbage", "not.a.token"},
		{"100k dots", strings.Repeat(".", 100_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := h.do("GET", "/api/v1/me", tc.token, nil)
			if r.Status != 401 {
				t.Fatalf("status %d, want 401: %s", r.Status, r.Body)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
	// A header with no Bearer scheme at all.
	if r := h.do("GET", "/api/v1/me", "", nil, "Authorization", "Basic "+good); r.Status != 401 {
		t.Fatalf("Basic scheme: %d", r.Status)
	}
}

// TestOperatorInjection: MongoDB query operators, dotted or $ keys, and arrays in
// place of scalars are refused with 400 or taken literally, never obeyed.
func TestOperatorInjection(t *testing.T) {
	h := newHarness(t)
	u, tok := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	st := h.make(profile.Startup, tok, nil)
	inv := h.make(profile.Investor, investor, nil)
	path := "/api/v1/startups/" + st["id"].(string)

	ops := []any{
		map[string]any{"$ne": ""}, map[string]any{"$gt": ""}, map[string]any{"$regex": ".*"},
		map[string]any{"$where": "1"}, []string{u.Email},
	}
	t.Run("login", func(t *testing.T) {
		for _, op := range ops {
			for _, body := range []map[string]any{
				{"email": op, "password": testPassword},
				{"email": u.Email, "password": op},
			} {
				if r := h.do("POST", "/api/v1/auth/login", "", body); r.Status != 400 {
					t.Errorf("login %v: %d %s", body, r.Status, r.Body)
				}
			}
		}
		for _, body := range []string{
			`{"email":"` + u.Email + `","password":"` + testPassword + `","$where":"1"}`,
			`{"email.$ne":"","password":"x"}`,
		} {
			if r := h.do("POST", "/api/v1/auth/login", "", body); r.Status != 400 {
				t.Errorf("login %s: %d", body, r.Status)
			}
		}
		// Taken literally: an e-mail that spells an operator is just a wrong e-mail.
		if r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": `{"$ne": ""}`, "password": testPassword}); r.Status != 401 {
			t.Errorf("operator text as e-mail: %d", r.Status)
		}
	})

	t.Run("list filters", func(t *testing.T) {
		all := len(h.do("GET", "/api/v1/startups", tok, nil).json(t)["items"].([]any))
		for _, q := range []string{
			"district=" + url.QueryEscape(`{"$ne":""}`), "chain=" + url.QueryEscape(`{"$regex":".*"}`),
			"stage=" + url.QueryEscape("$gt"), "district=yannan&district=dafeng", "cursor=" + url.QueryEscape(`{"$gt":""}`),
			"limit=" + url.QueryEscape(`{"$gt":0}`),
		} {
			if r := h.do("GET", "/api/v1/startups?"+q, tok, nil); r.Status != 400 {
				t.Errorf("?%s: %d %s", q, r.Status, r.Body)
			}
		}
		// Bracketed keys are not filters at all; the list is the unfiltered one.
		r := h.do("GET", "/api/v1/startups?district[$ne]=x&chain[$regex]=.*", tok, nil)
		if r.Status != 200 || len(r.json(t)["items"].([]any)) != all {
			t.Errorf("bracketed operator keys had an effect: %d %s", r.Status, r.Body)
		}
		for _, q := range []string{"state=" + url.QueryEscape(`{"$ne":""}`), "box=" + url.QueryEscape(`{"$ne":""}`), "box=inbox&box=outbox",
			"cursor=" + url.QueryEscape(`{"$gt":""}`)} {
			if r := h.do("GET", "/api/v1/introductions?"+q, tok, nil); r.Status != 400 {
				t.Errorf("introductions ?%s: %d %s", q, r.Status, r.Body)
			}
		}
	})

	t.Run("PATCH and create", func(t *testing.T) {
		before := h.lastSeq()
		bad := []any{
			map[string]any{"name": map[string]any{"$ne": ""}},
			map[string]any{"chains": map[string]any{"$regex": ".*"}},
			map[string]any{"summary": map[string]any{"$where": "1"}},
			map[string]any{"$set": map[string]any{"name": "x"}},
			map[string]any{"name.first": "x"},
			map[string]any{"contact": map[string]any{"$set": map[string]any{"phone": "1"}}},
			map[string]any{"contact.phone": "1"},
			map[string]any{"summary": []string{"a"}},
			map[string]any{"employees": []int{1}},
			map[string]any{"owner_id": map[string]any{"$ne": ""}},
		}
		for _, b := range bad {
			if r := h.do("PATCH", path, tok, b, "If-Match", `"1"`); r.Status != 400 {
				t.Errorf("PATCH %v: %d %s", b, r.Status, r.Body)
			}
		}
		for _, b := range []any{
			map[string]any{"from": map[string]any{"kind": "startup", "id": map[string]any{"$ne": ""}}, "to": ref(inv)},
			map[string]any{"from": ref(st), "to": map[string]any{"kind": map[string]any{"$gt": ""}, "id": inv["id"]}},
			map[string]any{"from": ref(st), "to": ref(inv), "message": []string{"x"}},
			map[string]any{"from": ref(st), "to": ref(inv), "$where": "1"},
			map[string]any{"from": []any{ref(st)}, "to": ref(inv)},
		} {
			if r := h.do("POST", "/api/v1/introductions", tok, b); r.Status != 400 {
				t.Errorf("create introduction %v: %d %s", b, r.Status, r.Body)
			}
		}
		if n := h.lastSeq(); n != before {
			t.Fatalf("a refused request wrote (seq %d → %d)", before, n)
		}
		if l, _, _, _ := h.store.ListIntros(context.Background(), introQuery(u.ID)); len(l) != 0 {
			t.Fatalf("a refused request made an introduction")
		}
		// Taken literally.
		r := h.do("PATCH", path, tok, map[string]any{"summary": `{"$ne": ""}`}, "If-Match", `"1"`)
		if r.Status != 200 || r.json(t)["summary"] != `{"$ne": ""}` {
			t.Fatalf("operator text as a value: %d %s", r.Status, r.Body)
		}
	})
}

func introQuery(user string) intro.Query { return intro.Query{Box: intro.Outbox, UserID: user} }
