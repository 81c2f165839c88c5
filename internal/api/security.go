package api

import (
	"container/list"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
)

// Login throttling.
//
// Each client address and each account (by e-mail, whether it exists or not, so
// the answer reveals nothing) has a token bucket: a burst of attempts, then one
// more per interval. Past it, login answers 429 with Retry-After before any
// password is hashed, so a flood costs the server almost nothing. Buckets live in
// memory, at most maxBuckets per kind, least recently used dropped first; behind
// several replicas each keeps its own, which multiplies the allowance by the
// replica count but keeps the server stateless. The client address is
// c.ClientIP(), which believes X-Forwarded-For only from the configured trusted
// proxies.

// Login throttle settings.
const (
	accountBurst    = 5
	accountInterval = time.Minute
	addressBurst    = 20
	addressInterval = 6 * time.Second
	maxBuckets      = 10_000
)

// buckets is a bounded set of token buckets keyed by a string.
type buckets struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	max   int
	items map[string]*list.Element
	lru   *list.List
}

type bucket struct {
	key string
	lim *rate.Limiter
}

func newBuckets(interval time.Duration, burst, max int) *buckets {
	return &buckets{every: rate.Every(interval), burst: burst, max: max, items: map[string]*list.Element{}, lru: list.New()}
}

// take spends one attempt of key's bucket at now and returns 0, or how long to
// wait when it is empty (nothing is spent then).
func (b *buckets) take(key string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	el, ok := b.items[key]
	if ok {
		b.lru.MoveToFront(el)
	} else {
		if b.lru.Len() >= b.max {
			oldest := b.lru.Back()
			b.lru.Remove(oldest)
			delete(b.items, oldest.Value.(*bucket).key)
		}
		el = b.lru.PushFront(&bucket{key: key, lim: rate.NewLimiter(b.every, b.burst)})
		b.items[key] = el
	}
	r := el.Value.(*bucket).lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// loginThrottle limits sign-in attempts per account and per client address.
type loginThrottle struct {
	accounts  *buckets
	addresses *buckets
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{
		accounts:  newBuckets(accountInterval, accountBurst, maxBuckets),
		addresses: newBuckets(addressInterval, addressBurst, maxBuckets),
	}
}

func tooManyLogins(wait time.Duration) error {
	return &profile.Error{Kind: profile.ErrTooMany, Code: "too_many_attempts",
		EN: "too many sign-in attempts; wait and try again", ZH: "登录尝试过于频繁，请稍后再试",
		RetryAfter: int(math.Ceil(wait.Seconds()))}
}

// allowAddress spends one attempt of the client address.
func (t *loginThrottle) allowAddress(c *gin.Context, now time.Time) error {
	if d := t.addresses.take(c.ClientIP(), now); d > 0 {
		return tooManyLogins(d)
	}
	return nil
}

// allowAccount spends one attempt of the account named by email.
func (t *loginThrottle) allowAccount(email string, now time.Time) error {
	if d := t.accounts.take(strings.ToLower(strings.TrimSpace(email)), now); d > 0 {
		return tooManyLogins(d)
	}
	return nil
}

// securityRoutes adds the account-security routes to g (an authenticated group).
func (s *Server) securityRoutes(g *gin.RouterGroup) {
	g.POST("/me/password", s.handle(s.changePassword))
	g.POST("/me/logout-all", s.handle(s.logoutAll))
	g.PATCH("/users/:id", s.handle(s.patchUser))
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword answers POST /api/v1/me/password {current_password, new_password}:
// the new password takes effect, every token and session issued before is
// revoked, and a fresh token is returned (and set as this browser's session
// cookie) so this client stays signed in.
func (s *Server) changePassword(c *gin.Context) error {
	u := currentUser(c)
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	if req.CurrentPassword == "" || len(req.CurrentPassword) > auth.MaxPassword {
		return profile.Invalid("current_password", "required", "send your current password", "请填写当前密码")
	}
	if err := auth.CheckPolicy(req.NewPassword); err != nil {
		e, _ := profile.AsError(err)
		e.Field = "new_password"
		return e
	}
	// Guessing the current password with a stolen token is throttled like login.
	if err := s.logins.allowAccount(u.Email, s.Now()); err != nil {
		return err
	}
	ok, err := s.Hasher.Verify(c.Request.Context(), req.CurrentPassword, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return profile.Invalid("current_password", "wrong_password", "the current password is wrong", "当前密码不正确")
	}
	hash, err := s.Hasher.Hash(c.Request.Context(), req.NewPassword)
	if err != nil {
		return err
	}
	next := *u
	next.PasswordHash = hash
	next.TokenVersion++
	if err := s.updateUser(c.Request.Context(), &next); err != nil {
		return err
	}
	token, exp, err := s.Tokens.Issue(&next)
	if err != nil {
		return err
	}
	return s.signedIn(c, &next, token, exp)
}

// logoutAll answers POST /api/v1/me/logout-all: every token and session of the
// account, this one included, stops working, and this browser's cookies are
// cleared.
func (s *Server) logoutAll(c *gin.Context) error {
	next := *currentUser(c)
	next.TokenVersion++
	if err := s.updateUser(c.Request.Context(), &next); err != nil {
		return err
	}
	s.clearSession(c)
	c.Status(http.StatusNoContent)
	return nil
}

type patchUserRequest struct {
	Name      *string   `json:"name"`
	Role      *string   `json:"role"`
	Districts *[]string `json:"districts"`
}

// patchUser answers PATCH /api/v1/users/{id} {name?, role?, districts?}: an admin
// changes an account. A change of role or districts revokes the account's tokens,
// so its holder signs in again under the new rights.
func (s *Server) patchUser(c *gin.Context) error {
	me := currentUser(c)
	if me.Role != profile.RoleAdmin {
		return profile.Forbidden("only an admin may change accounts", "仅系统管理员可以修改账号")
	}
	id := c.Param("id")
	if !validID(id) {
		return profile.Invalid("id", "invalid_id", "id is not an account id (24 hexadecimal characters)", "id 不是有效的账号 ID（24 位十六进制）")
	}
	var req patchUserRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.Store.UserByID(c.Request.Context(), id)
	if err != nil {
		return err
	}
	next := *u
	if req.Name != nil {
		if err := checkName(*req.Name); err != nil {
			return err
		}
		next.Name = strings.TrimSpace(*req.Name)
	}
	if req.Role != nil {
		if !profile.AllRoles.Has(*req.Role) {
			return profile.Invalid("role", "unknown_code", "role must be one of: "+profile.AllRoles.List(), "角色须为："+profile.AllRoles.List())
		}
		if u.ID == me.ID && profile.Role(*req.Role) != me.Role {
			return profile.Forbidden("admins cannot change their own role; ask another admin", "系统管理员不能修改自己的角色，请联系其他管理员")
		}
		next.Role = profile.Role(*req.Role)
	}
	if req.Districts != nil {
		seen := map[string]bool{}
		for _, d := range *req.Districts {
			if !s.Catalog.Districts.Has(d) || seen[d] {
				return profile.Invalid("districts", "unknown_code", "districts must be distinct codes from: "+s.Catalog.Districts.List(),
					"区县须为不重复的有效代码："+s.Catalog.Districts.List())
			}
			seen[d] = true
		}
		next.Districts = append([]string{}, *req.Districts...)
	}
	if next.Role == profile.RoleManager && len(next.Districts) == 0 {
		return profile.Invalid("districts", "required", "a manager needs at least one district", "区县管理员至少需要一个区县")
	}
	if next.Role != u.Role || !slices.Equal(next.Districts, u.Districts) {
		next.TokenVersion++
	}
	if err := s.updateUser(c.Request.Context(), &next); err != nil {
		return err
	}
	c.JSON(http.StatusOK, viewUser(&next))
	return nil
}
