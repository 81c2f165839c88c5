package api

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
)

const ctxUser = "fuhua.user"

func currentUser(c *gin.Context) *profile.User {
	if v, ok := c.Get(ctxUser); ok {
		if u, ok := v.(*profile.User); ok {
			return u
		}
	}
	return nil
}

// authenticate requires a valid token — a bearer token, or else the session
// cookie — whose account still exists, whose token version is current and whose
// session was not signed out, and puts the account in the context. A request
// signed in by the cookie that changes anything must pass checkCookieRequest.
func (s *Server) authenticate() gin.HandlerFunc {
	return s.handle(func(c *gin.Context) error {
		raw, cookie := "", false
		if h := c.GetHeader("Authorization"); h != "" {
			t, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || strings.TrimSpace(t) == "" {
				return signInFirst()
			}
			raw = t
		} else if v, err := c.Cookie(auth.SessionCookie); err == nil && v != "" {
			raw, cookie = v, true
		} else {
			return signInFirst()
		}
		claims, err := s.Tokens.Parse(strings.TrimSpace(raw))
		if err != nil {
			return err
		}
		if cookie {
			if err := s.checkCookieRequest(c, claims); err != nil {
				return err
			}
		}
		u, err := s.users.get(c.Request.Context(), claims.Subject, s.Store.UserByID)
		if errors.Is(err, profile.ErrNotFound) || (err == nil && (u.TokenVersion != claims.TV || u.Role != claims.Role)) {
			return revoked()
		}
		if err != nil {
			return err
		}
		if gone, err := s.revokedSessions.get(c.Request.Context(), claims.ID, s.Store.SessionRevoked); err != nil {
			return err
		} else if gone {
			return revoked()
		}
		c.Set(ctxUser, u)
		c.Set(ctxClaims, claims)
		c.Set(ctxCookie, cookie)
		c.Next()
		return nil
	})
}

func signInFirst() error {
	return &profile.Error{Kind: profile.ErrUnauthenticated, Code: "unauthenticated",
		EN: "sign in first (the session cookie, or Authorization: Bearer <token>)", ZH: "请先登录（登录会话 Cookie 或请求头 Authorization: Bearer <token>）"}
}

func revoked() error {
	return &profile.Error{Kind: profile.ErrUnauthenticated, Code: "token_revoked",
		EN: "this sign-in is no longer valid; sign in again", ZH: "登录已失效，请重新登录"}
}

// userView is an account as the API shows it.
type userView struct {
	ID        string       `json:"id"`
	Email     string       `json:"email"`
	Name      string       `json:"name"`
	Role      profile.Role `json:"role"`
	Districts []string     `json:"districts"`
	CreatedAt time.Time    `json:"created_at"`
}

func viewUser(u *profile.User) userView {
	d := u.Districts
	if d == nil {
		d = []string{}
	}
	return userView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Districts: d, CreatedAt: u.CreatedAt}
}

type registerRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Role     string `json:"role"`
}

type createUserRequest struct {
	Email     string   `json:"email"`
	Password  string   `json:"password"`
	Name      string   `json:"name"`
	Role      string   `json:"role"`
	Districts []string `json:"districts"`
}

func checkEmail(email string) error {
	email = strings.TrimSpace(email)
	at := strings.LastIndexByte(email, '@')
	if email == "" {
		return profile.Invalid("email", "required", "email is required", "请填写邮箱")
	}
	if len(email) > 254 || at < 1 || at == len(email)-1 || strings.ContainsAny(email, " \t\r\n<>(),;:\"[]\\") || strings.ContainsFunc(email, unicode.IsControl) || !strings.Contains(email[at:], ".") {
		return profile.Invalid("email", "invalid_email", "email is not an e-mail address", "邮箱格式不正确")
	}
	return nil
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return profile.Invalid("name", "required", "name is required", "请填写姓名")
	}
	if strings.ContainsRune(name, 0) || !utf8.ValidString(name) {
		return profile.Invalid("name", "invalid_text", "Name contains invalid characters", "姓名含有非法字符")
	}
	if len([]rune(name)) > profile.MaxShort {
		return profile.Invalid("name", "too_long", "name is too long (at most 100 characters)", "姓名过长（最多 100 个字符）")
	}
	return nil
}

// checkAccount checks what every new account needs, field by field in order.
func checkAccount(email, password, name string) error {
	if err := checkEmail(email); err != nil {
		return err
	}
	if err := auth.CheckPolicy(password); err != nil {
		return err
	}
	return checkName(name)
}

// register answers POST /api/v1/auth/register: a self-service account, signed
// in at once in the browser (the session cookies are set).
func (s *Server) register(c *gin.Context) error {
	if err := s.refuseCrossSite(c); err != nil {
		return err
	}
	var req registerRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := checkAccount(req.Email, req.Password, req.Name); err != nil {
		return err
	}
	if !profile.SelfServiceRoles.Has(req.Role) {
		return profile.Invalid("role", "unknown_code",
			"role must be one of: "+profile.SelfServiceRoles.List()+" (managers and admins are created by an admin)",
			"角色须为："+profile.SelfServiceRoles.List()+"（区县管理员和系统管理员由管理员创建）")
	}
	hash, err := s.Hasher.Hash(c.Request.Context(), req.Password)
	if err != nil {
		return err
	}
	u := &profile.User{Email: req.Email, Name: strings.TrimSpace(req.Name), Role: profile.Role(req.Role), PasswordHash: hash}
	if err := s.Store.CreateUser(c.Request.Context(), u); err != nil {
		return err
	}
	token, exp, err := s.Tokens.Issue(u)
	if err != nil {
		return err
	}
	if err := s.setSession(c, token, exp); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, viewUser(u))
	return nil
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      userView  `json:"user"`
	// CSRFToken is the value a page sends as X-CSRF-Token with the session cookie.
	CSRFToken string `json:"csrf_token"`
}

// signedIn renders a fresh token: in the body for API clients, and in the
// session cookies for browsers.
func (s *Server) signedIn(c *gin.Context, u *profile.User, token string, exp time.Time) error {
	if err := s.setSession(c, token, exp); err != nil {
		return err
	}
	claims, err := s.Tokens.Parse(token)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, loginResponse{Token: token, ExpiresAt: exp.UTC(), User: viewUser(u), CSRFToken: s.Tokens.CSRF(claims.ID)})
	return nil
}

func badLogin() error {
	return &profile.Error{Kind: profile.ErrUnauthenticated, Code: "bad_credentials",
		EN: "e-mail or password is wrong", ZH: "邮箱或密码错误"}
}

// login answers POST /api/v1/auth/login with a token, also set as the session
// cookie.
func (s *Server) login(c *gin.Context) error {
	if err := s.refuseCrossSite(c); err != nil {
		return err
	}
	// The address is charged before anything else, so even malformed floods are
	// throttled; the account once its e-mail is known. Both before any hashing.
	if err := s.logins.allowAddress(c, s.Now()); err != nil {
		return err
	}
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.Email == "" || req.Password == "" || len(req.Password) > auth.MaxPassword || len(req.Email) > 254 {
		return profile.Invalid("email", "required", "send email and password", "请填写邮箱和密码")
	}
	if err := s.logins.allowAccount(req.Email, s.Now()); err != nil {
		return err
	}
	u, err := s.Store.UserByEmail(c.Request.Context(), req.Email)
	hash := ""
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !errors.Is(err, profile.ErrNotFound):
		return err
	}
	// An unknown e-mail is checked against a dummy hash, so it takes as long as a
	// wrong password and the timing does not reveal which accounts exist.
	ok, err := s.Hasher.Verify(c.Request.Context(), req.Password, hash)
	if err != nil {
		return err
	}
	if !ok || u == nil {
		return badLogin()
	}
	token, exp, err := s.Tokens.Issue(u)
	if err != nil {
		return err
	}
	return s.signedIn(c, u, token, exp)
}

// meView is the signed-in account; a browser session also learns its CSRF value.
type meView struct {
	userView
	CSRFToken string `json:"csrf_token,omitempty"`
}

// me answers GET /api/v1/me with the signed-in account.
func (s *Server) me(c *gin.Context) error {
	v := meView{userView: viewUser(currentUser(c))}
	if cl := currentClaims(c); cl != nil && viaCookie(c) {
		v.CSRFToken = s.Tokens.CSRF(cl.ID)
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// createUser answers POST /api/v1/users: an admin creates any account, including
// managers (with their districts) and admins.
func (s *Server) createUser(c *gin.Context) error {
	if currentUser(c).Role != profile.RoleAdmin {
		return profile.Forbidden("only an admin may create accounts here", "仅系统管理员可创建账号")
	}
	var req createUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if err := checkAccount(req.Email, req.Password, req.Name); err != nil {
		return err
	}
	if !profile.AllRoles.Has(req.Role) {
		return profile.Invalid("role", "unknown_code", "role must be one of: "+profile.AllRoles.List(), "角色须为："+profile.AllRoles.List())
	}
	if req.Role == string(profile.RoleManager) && len(req.Districts) == 0 {
		return profile.Invalid("districts", "required", "a manager needs at least one district; valid codes: "+s.Catalog.Districts.List(),
			"区县管理员至少需要一个区县；可选值："+s.Catalog.Districts.List())
	}
	seen := map[string]bool{}
	for _, d := range req.Districts {
		if !s.Catalog.Districts.Has(d) || seen[d] {
			return profile.Invalid("districts", "unknown_code", "districts must be distinct codes from: "+s.Catalog.Districts.List(),
				"区县须为不重复的有效代码："+s.Catalog.Districts.List())
		}
		seen[d] = true
	}
	hash, err := s.Hasher.Hash(c.Request.Context(), req.Password)
	if err != nil {
		return err
	}
	u := &profile.User{Email: req.Email, Name: strings.TrimSpace(req.Name), Role: profile.Role(req.Role),
		Districts: req.Districts, PasswordHash: hash}
	if err := s.Store.CreateUser(c.Request.Context(), u); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, viewUser(u))
	return nil
}
