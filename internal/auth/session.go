package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"
)

// Browser sessions.
//
// A browser keeps the same signed token an API client gets, in an HttpOnly cookie
// (SessionCookie), so every tab is signed in and no script can read it. Cookies
// travel with cross-site requests, so a request authenticated by the cookie must
// also prove it comes from fuhua's own pages: it sends CSRFHeader with the value
// CSRF gives for the token's session id, which fuhua's pages read from the
// CSRFCookie (a cookie only same-site script can read). The value is an HMAC of
// the session id under the signing secret, so it is bound to one session: a
// value planted from another session, or made up to match a planted cookie
// (double submit alone), is refused.

// Cookie and header names of a browser session.
const (
	SessionCookie = "fuhua_session"
	CSRFCookie    = "fuhua_csrf"
	CSRFHeader    = "X-CSRF-Token"
)

// CSRF is the anti-forgery value bound to session sid.
func (t *Tokens) CSRF(sid string) string {
	m := hmac.New(sha256.New, t.secret)
	m.Write([]byte("fuhua-csrf:"))
	m.Write([]byte(sid))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports whether got is the anti-forgery value of session sid, in
// constant time.
func (t *Tokens) CheckCSRF(sid, got string) bool {
	if sid == "" || got == "" {
		return false
	}
	return hmac.Equal([]byte(t.CSRF(sid)), []byte(got))
}

// Lifetime is how long a token (and so a session) lasts.
func (t *Tokens) Lifetime() time.Duration { return t.lifetime }
