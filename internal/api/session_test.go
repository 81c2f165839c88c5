package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fuhua/internal/api"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// browser is a cookie jar for one browser talking to the harness: it sends what
// it was given back, as a browser on fuhua's own pages would.
type browser struct {
	h       *harness
	cookies map[string]*http.Cookie
}

func newBrowser(h *harness) *browser { return &browser{h: h, cookies: map[string]*http.Cookie{}} }

// do sends a request with the jar's cookies and keeps the cookies set in the
// answer. headers are name, value pairs.
func (b *browser) do(method, target string, body any, headers ...string) (response, []*http.Cookie) {
	b.h.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			b.h.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	b.h.h.ServeHTTP(rec, req)
	set := rec.Result().Cookies()
	for _, c := range set {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c
	}
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}, set
}

func (b *browser) csrf() string {
	if c := b.cookies["fuhua_csrf"]; c != nil {
		return c.Value
	}
	return ""
}

func cookieNamed(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signedIn is a browser holding a fresh session of u, as a sign-in would leave it,
// without the password hashing (slow under -race) a real sign-in costs.
func signedIn(h *harness, u *profile.User) *browser {
	h.t.Helper()
	tok, _, err := h.tokens.Issue(u)
	if err != nil {
		h.t.Fatal(err)
	}
	cl, err := h.tokens.Parse(tok)
	if err != nil {
		h.t.Fatal(err)
	}
	b := newBrowser(h)
	b.cookies["fuhua_session"] = &http.Cookie{Name: "fuhua_session", Value: tok}
	b.cookies["fuhua_csrf"] = &http.Cookie{Name: "fuhua_csrf", Value: h.tokens.CSRF(cl.ID)}
	return b
}

func (b *browser) login(email string) map[string]any {
	b.h.t.Helper()
	r, _ := b.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": testPassword})
	if r.Status != http.StatusOK {
		b.h.t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	return r.json(b.h.t)
}

func TestSessionCookieFlags(t *testing.T) {
	h := newHarness(t)
	b := newBrowser(h)
	r, set := b.do("POST", "/api/v1/auth/register", map[string]any{"email": "new@example.com", "password": testPassword, "name": "陈晨", "role": "startup"})
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	sc, cc := cookieNamed(set, "fuhua_session"), cookieNamed(set, "fuhua_csrf")
	if sc == nil || cc == nil {
		t.Fatalf("register set %v, want fuhua_session and fuhua_csrf", set)
	}
	if !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.Secure || sc.MaxAge <= 0 {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP, a Max-Age", sc)
	}
	if cc.HttpOnly || cc.SameSite != http.SameSiteLaxMode || cc.Value == "" {
		t.Errorf("csrf cookie = %+v, want readable by script, SameSite=Lax, a value", cc)
	}
	// The new founder is signed in by the cookie alone.
	r, _ = b.do("GET", "/api/v1/me", nil)
	if r.Status != http.StatusOK || r.json(t)["email"] != "new@example.com" || r.json(t)["csrf_token"] != cc.Value {
		t.Fatalf("me with the cookie: %d %s", r.Status, r.Body)
	}

	// Over TLS, and with CookieSecure behind a proxy, the cookies are Secure.
	_, set = newBrowser(h).do("POST", "https://fuhua.example/api/v1/auth/login", map[string]any{"email": "new@example.com", "password": testPassword})
	if c := cookieNamed(set, "fuhua_session"); c == nil || !c.Secure {
		t.Errorf("login over TLS set %+v, want a Secure session cookie", c)
	}
	hs := newHarness(t, func(d *api.Deps) { d.CookieSecure = true })
	u, _ := hs.user(profile.RoleStartup)
	_, set = newBrowser(hs).do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword})
	if c, cs := cookieNamed(set, "fuhua_session"), cookieNamed(set, "fuhua_csrf"); c == nil || !c.Secure || cs == nil || !cs.Secure {
		t.Errorf("login with CookieSecure set %+v / %+v, want both Secure", c, cs)
	}
}

func TestCSRF(t *testing.T) {
	h := newHarness(t)
	u, bearer := h.user(profile.RoleStartup)
	b := newBrowser(h)
	body := b.login(u.Email)
	if body["token"] == "" || body["expires_at"] == "" || body["csrf_token"] != b.csrf() {
		t.Fatalf("login body %v: want token, expires_at and the csrf value of the cookie", body)
	}
	other := signedIn(h, u) // the same account signed in elsewhere: another session
	if other.csrf() == b.csrf() {
		t.Fatal("two sessions share one CSRF value")
	}
	create := bodies()[profile.Startup]
	before := h.lastSeq()
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"missing", nil},
		{"wrong", []string{"X-CSRF-Token", "not-the-value"}},
		{"other session's", []string{"X-CSRF-Token", other.csrf()}},
		{"cross-site origin", []string{"X-CSRF-Token", b.csrf(), "Origin", "https://evil.example"}},
		{"cross-site fetch", []string{"X-CSRF-Token", b.csrf(), "Sec-Fetch-Site", "cross-site"}},
	} {
		r, _ := b.do("POST", "/api/v1/startups", create, tc.headers...)
		if r.Status != http.StatusForbidden {
			t.Errorf("%s CSRF: %d %s, want 403", tc.name, r.Status, r.Body)
			continue
		}
		if code, _ := r.errCode(t); code != "csrf" {
			t.Errorf("%s CSRF: code %q, want csrf", tc.name, code)
		}
		if m := r.json(t)["error"].(map[string]any); !strings.Contains(m["message_zh"].(string), "X-CSRF-Token") && !strings.Contains(m["message_zh"].(string), "其他网站") {
			t.Errorf("%s CSRF: Chinese message %q says nothing useful", tc.name, m["message_zh"])
		}
	}
	if got := h.lastSeq(); got != before {
		t.Fatalf("refused requests wrote profiles: change counter %d → %d", before, got)
	}
	// Reads need no CSRF value; the right value from fuhua's own origin passes.
	if r, _ := b.do("GET", "/api/v1/startups?mine=1", nil); r.Status != http.StatusOK {
		t.Fatalf("GET with the cookie: %d %s", r.Status, r.Body)
	}
	if r, _ := b.do("POST", "/api/v1/startups", create, "X-CSRF-Token", b.csrf(), "Origin", "http://example.com"); r.Status != http.StatusCreated {
		t.Fatalf("POST with the session's CSRF value from the same origin: %d %s", r.Status, r.Body)
	}
	// Bearer clients send no CSRF value.
	c2 := bodies()[profile.Startup]
	c2["credit_code"] = validCreditCode("91320913MA25XK3Q1")
	if r := h.do("POST", "/api/v1/startups", bearer, c2); r.Status != http.StatusCreated {
		t.Fatalf("bearer POST without CSRF: %d %s", r.Status, r.Body)
	}
	// A page of another site cannot sign the browser in either.
	if r, _ := newBrowser(h).do("POST", "/api/v1/auth/login", map[string]any{"email": u.Email, "password": testPassword}, "Origin", "https://evil.example"); r.Status != http.StatusForbidden {
		t.Fatalf("cross-site login: %d %s, want 403", r.Status, r.Body)
	}
}

func TestLogout(t *testing.T) {
	h := newHarness(t)
	u, apiToken := h.user(profile.RoleStartup)
	b := signedIn(h, u)
	old := b.cookies["fuhua_session"]

	// Logging out needs the CSRF value too (else any site could sign people out).
	if r, _ := b.do("POST", "/api/v1/auth/logout", nil); r.Status != http.StatusForbidden {
		t.Fatalf("logout without CSRF: %d %s", r.Status, r.Body)
	}
	r, set := b.do("POST", "/api/v1/auth/logout", nil, "X-CSRF-Token", b.csrf())
	if r.Status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", r.Status, r.Body)
	}
	if c := cookieNamed(set, "fuhua_session"); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout set %+v, want the session cookie cleared", c)
	}
	// The old cookie, replayed, is refused: the session is ended server-side.
	replay := newBrowser(h)
	replay.cookies["fuhua_session"] = old
	if r, _ := replay.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("old cookie after logout: %d %s, want 401", r.Status, r.Body)
	}
	// Another replica (another server on the same database) refuses it too.
	srv2, err := api.New(api.Deps{Store: h.store, Intros: h.store, Tokens: h.tokens, Hasher: hasher, Catalog: seed.Catalog()})
	if err != nil {
		t.Fatal(err)
	}
	other2 := &harness{t: t, store: h.store, tokens: h.tokens, srv: srv2, h: srv2.Handler()}
	replay2 := newBrowser(other2)
	replay2.cookies["fuhua_session"] = old
	if r, _ := replay2.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("old cookie on another replica after logout: %d %s, want 401", r.Status, r.Body)
	}
	// Another session of the account goes on.
	if r := h.do("GET", "/api/v1/me", apiToken, nil); r.Status != http.StatusOK {
		t.Fatalf("other session after logout: %d %s", r.Status, r.Body)
	}
	// A bearer client signs out its own token the same way.
	if r := h.do("POST", "/api/v1/auth/logout", apiToken, nil); r.Status != http.StatusNoContent {
		t.Fatalf("bearer logout: %d %s", r.Status, r.Body)
	}
	if r := h.do("GET", "/api/v1/me", apiToken, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("bearer token after its logout: %d %s, want 401", r.Status, r.Body)
	}
}

func TestLogoutAllAndPasswordEndCookieSessions(t *testing.T) {
	h := newHarness(t)
	u, bearer := h.user(profile.RoleStartup)
	a, b := signedIn(h, u), signedIn(h, u)
	// A password change in browser a ends b's session and every older token,
	// and gives a a fresh cookie.
	r, set := a.do("POST", "/api/v1/me/password", map[string]any{"current_password": testPassword, "new_password": "another long password"}, "X-CSRF-Token", a.csrf())
	if r.Status != http.StatusOK || cookieNamed(set, "fuhua_session") == nil {
		t.Fatalf("password change: %d %s (cookies %v)", r.Status, r.Body, set)
	}
	if r, _ := b.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("other browser after password change: %d, want 401", r.Status)
	}
	if r := h.do("GET", "/api/v1/me", bearer, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("old bearer token after password change: %d, want 401", r.Status)
	}
	if r, _ := a.do("GET", "/api/v1/me", nil); r.Status != http.StatusOK {
		t.Fatalf("the changing browser with its fresh cookie: %d %s", r.Status, r.Body)
	}
	// Sign out everywhere ends this browser's session too and clears its cookies.
	old := a.cookies["fuhua_session"]
	r, set = a.do("POST", "/api/v1/me/logout-all", nil, "X-CSRF-Token", a.csrf())
	if r.Status != http.StatusNoContent {
		t.Fatalf("logout-all: %d %s", r.Status, r.Body)
	}
	if c := cookieNamed(set, "fuhua_session"); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout-all set %+v, want the cookie cleared", c)
	}
	replay := newBrowser(h)
	replay.cookies["fuhua_session"] = old
	if r, _ := replay.do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("the cookie replayed after logout-all: %d, want 401", r.Status)
	}
}
