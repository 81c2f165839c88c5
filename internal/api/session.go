package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
)

// Browser sessions (issue 10): the token an API client gets in the body of a
// sign-in is also kept in an HttpOnly cookie, so a browser is signed in in every
// tab; requests the cookie authenticates must carry the session's CSRF value
// (see internal/auth/session.go) when they change anything, and must not come
// from another site's page.

const (
	ctxClaims = "fuhua.claims"
	ctxCookie = "fuhua.via_cookie"
)

// currentClaims is the token of the request (set by authenticate).
func currentClaims(c *gin.Context) *auth.Claims {
	if v, ok := c.Get(ctxClaims); ok {
		if cl, ok := v.(*auth.Claims); ok {
			return cl
		}
	}
	return nil
}

// viaCookie reports whether the session cookie, not a bearer token, signed the
// request in.
func viaCookie(c *gin.Context) bool { return c.GetBool(ctxCookie) }

// stateChanging reports whether method may change something.
func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func csrfError(en, zh string) error {
	return &profile.Error{Kind: profile.ErrForbidden, Code: "csrf", EN: en, ZH: zh}
}

// crossSite reports whether a browser says the request comes from another
// site's page: an Origin that is neither this host nor a configured CORS
// origin, or Sec-Fetch-Site: cross-site. Requests without either header (API
// clients, old browsers) are not judged here.
func (s *Server) crossSite(c *gin.Context) bool {
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		return true
	}
	origin := c.GetHeader("Origin")
	if origin == "" {
		return false
	}
	if slices.Contains(s.CORSOrigins, origin) {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return true // "null" (a sandboxed frame, a file) or garbage
	}
	return !strings.EqualFold(u.Host, c.Request.Host)
}

// checkCookieRequest refuses a state-changing request signed in by the cookie
// unless it comes from fuhua's own pages with the session's CSRF value.
func (s *Server) checkCookieRequest(c *gin.Context, claims *auth.Claims) error {
	if !stateChanging(c.Request.Method) {
		return nil
	}
	if s.crossSite(c) {
		return csrfError("this request comes from another site's page and is refused",
			"此请求来自其他网站的页面，已拒绝")
	}
	if !s.Tokens.CheckCSRF(claims.ID, c.GetHeader(auth.CSRFHeader)) {
		return csrfError("send the header X-CSRF-Token with the value of the fuhua_csrf cookie (reload the page)",
			"请求缺少有效的 X-CSRF-Token 请求头（其值为 fuhua_csrf Cookie），请刷新页面后重试")
	}
	return nil
}

// secureCookies reports whether cookies must be marked Secure.
func (s *Server) secureCookies(c *gin.Context) bool { return s.CookieSecure || c.Request.TLS != nil }

// setSession puts the token in the session cookie and its CSRF value in the
// readable cookie, both until the token expires.
func (s *Server) setSession(c *gin.Context, token string, exp time.Time) error {
	claims, err := s.Tokens.Parse(token)
	if err != nil {
		return err
	}
	maxAge := int(time.Until(exp).Seconds())
	if maxAge < 1 {
		maxAge = 1
	}
	secure := s.secureCookies(c)
	http.SetCookie(c.Writer, &http.Cookie{Name: auth.SessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		Expires: exp.UTC(), HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(c.Writer, &http.Cookie{Name: auth.CSRFCookie, Value: s.Tokens.CSRF(claims.ID), Path: "/", MaxAge: maxAge,
		Expires: exp.UTC(), Secure: secure, SameSite: http.SameSiteLaxMode})
	return nil
}

// clearSession tells the browser to drop both cookies.
func (s *Server) clearSession(c *gin.Context) {
	secure := s.secureCookies(c)
	for _, name := range []string{auth.SessionCookie, auth.CSRFCookie} {
		http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
			Expires: time.Unix(1, 0), HttpOnly: name == auth.SessionCookie, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
}

// refuseCrossSite guards sign-in and registration, which set the cookie: a page
// of another site must not sign a browser in to an account of its choosing.
func (s *Server) refuseCrossSite(c *gin.Context) error {
	if s.crossSite(c) {
		return csrfError("this request comes from another site's page and is refused", "此请求来自其他网站的页面，已拒绝")
	}
	return nil
}

// logout answers POST /api/v1/auth/logout: this session (the token that signed
// the request in, by cookie or bearer) stops working on every replica, and the
// cookies are cleared. Other sessions of the account go on.
func (s *Server) logout(c *gin.Context) error {
	cl := currentClaims(c)
	until := time.Now().Add(s.Tokens.Lifetime())
	if cl != nil && cl.ExpiresAt != nil {
		until = cl.ExpiresAt.Time
	}
	if cl != nil {
		if err := s.Store.RevokeSession(c.Request.Context(), cl.ID, until); err != nil {
			return err
		}
		s.revokedSessions.put(cl.ID, true) // this replica refuses it at once
	}
	s.clearSession(c)
	c.Status(http.StatusNoContent)
	return nil
}
