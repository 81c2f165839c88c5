// Package api is fuhua's HTTP API: the Gin router, its handlers, request and
// response shapes, middleware, and the one mapping of error kinds to statuses.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/index"
	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/match"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// Store is the database as the handlers use it.
type Store interface {
	Ping(ctx context.Context) error
	CreateProfile(ctx context.Context, p *profile.Profile) error
	GetProfile(ctx context.Context, id string) (*profile.Profile, error)
	UpdateProfile(ctx context.Context, p *profile.Profile, expect int64, oldCreditCode string) error
	ListProfiles(ctx context.Context, f profile.ListFilter) ([]profile.Profile, string, error)
	// For the KPI view, exports and imports: whole-collection reads and the
	// credit-code key an import finds a startup by.
	EachProfile(ctx context.Context, fn func(*profile.Profile) error) error
	EachOfKind(ctx context.Context, k profile.Kind, fn func(*profile.Profile) error) error
	ProfileIDByCreditCode(ctx context.Context, code string) (string, error)
	// An import reads every profile of its kind, archived ones too, and writes
	// its new rows in bulk: CreateProfilesUnfiled leaves the ID of a profile
	// whose credit code is taken empty, and returns how many it stored; the
	// names are filed for the duplicate check a chunk at a time.
	EachStored(ctx context.Context, k profile.Kind, fn func(*profile.Profile) error) error
	// LastSeq is the database's last change: an import that finds its rows'
	// profiles in the index waits for the index to reach it.
	LastSeq(ctx context.Context) (int64, error)
	CreateProfilesUnfiled(ctx context.Context, ps []*profile.Profile) (int, error)
	FileProfileNames(ctx context.Context, ps []*profile.Profile)
	CreateUser(ctx context.Context, u *profile.User) error
	UserByID(ctx context.Context, id string) (*profile.User, error)
	UserByEmail(ctx context.Context, email string) (*profile.User, error)
	UpdateUser(ctx context.Context, u *profile.User) error
	// Signing out of one session, on every replica.
	RevokeSession(ctx context.Context, sid string, until time.Time) error
	SessionRevoked(ctx context.Context, sid string) (bool, error)
	// The records of Idempotency-Key.
	Requests
}

// Indexer is the search index as the writers see it: a write is applied before the
// handler answers, so the writer finds their own change at once.
type Indexer interface {
	Apply(p *profile.Profile) error
	// ApplyAll applies many writes (an import's new rows) in bounded batches.
	ApplyAll(ps []*profile.Profile) error
	Ready() bool
	Search(ctx context.Context, r index.SearchRequest) (*index.SearchResult, error)
	Match(ctx context.Context, from *profile.Profile, target profile.Kind, o index.MatchOptions) ([]match.Item, error)
	ListEntries(ctx context.Context, f profile.ListFilter) (es []index.Entry, next string, ok bool)
	SeqOf(id string) (int64, bool)
	// An import finds its rows' profiles among the live ones of its kind in
	// the index's memory copy once the follower's Cursor has reached the
	// database's last change, instead of reading the kind from the database.
	Cursor() int64
	LiveOfKind(k profile.Kind) ([]*profile.Profile, bool)
}

// Introductions stores introductions (see internal/intro) and tells whether a
// viewer is the other side of an accepted introduction with a profile, which lets
// them see its contact.
type Introductions interface {
	Introduced(ctx context.Context, viewer *profile.User, p *profile.Profile) (bool, error)
	CreateIntro(ctx context.Context, in *intro.Introduction, ev intro.Event) error
	GetIntro(ctx context.Context, id string) (*intro.Introduction, error)
	SaveIntro(ctx context.Context, next *intro.Introduction, expect int64, ev intro.Event) error
	GrantContacts(ctx context.Context, in *intro.Introduction) error
	ListIntros(ctx context.Context, q intro.Query) ([]intro.Introduction, string, map[intro.State]int, error)
	IntroEvents(ctx context.Context, id string) ([]intro.Event, error)
}

// Deps is what the API needs; cmd wires the concrete types.
type Deps struct {
	Store  Store
	Index  Indexer       // nil: no index (tests of the spine alone)
	Intros Introductions // nil: nobody is introduced
	Rounds Rounds        // nil: no brokered rounds
	Notes  Notifications // nil: nobody is told anything
	Saved  SavedLists    // nil: no saved searches
	// Accepted counts mentors' accepted mentoring introductions for matching; nil
	// counts none.
	Accepted index.AcceptedCounter
	// Records holds what the carrier evaluation reads beyond profiles; nil counts
	// no introductions.
	Records Records
	Tokens  *auth.Tokens
	Hasher  *auth.Hasher
	Catalog profile.Catalog
	Log     *slog.Logger
	// TrustedProxies are believed for X-Forwarded-For; empty trusts none.
	TrustedProxies []string
	CORSOrigins    []string
	// CookieSecure marks session cookies Secure even on plain HTTP (behind a
	// proxy that ends TLS: FUHUA_COOKIE_SECURE=1); under TLS they always are.
	CookieSecure bool
	// IdempotencyStall is how long an Idempotency-Key may stay in progress
	// before its request counts as dead and a retry carries its work on; 0
	// means idempotency.InProgressTTL.
	IdempotencyStall time.Duration
	// SweepSettings shape the background sweep of introductions (Sweep).
	SweepSettings SweepSettings
	// Now is the clock (tests replace it).
	Now func() time.Time
	// SlowRequest is the duration from which a request is logged as slow
	// (FUHUA_SLOW_REQUEST); 0 logs none.
	SlowRequest time.Duration
	// MetricsToken, when set, lets a request with Authorization: Bearer
	// <token> read /metrics from anywhere; without it only a direct loopback
	// caller may (see docs/security.md).
	MetricsToken string
	// UserCacheTTL is how long authentication may reuse an account it read
	// (DefaultUserCacheTTL when 0; negative reads the account on every request).
	UserCacheTTL time.Duration
}

// Server holds the handlers' dependencies.
type Server struct {
	Deps
	draining atomic.Bool
	engine   *gin.Engine
	logins   *loginThrottle
	lex      *match.Lexicon // names chains and districts for scoring rounds
	users    *userCache     // accounts authentication read, for UserCacheTTL
	// revokedSessions says, per session id, whether it was signed out (same TTL).
	revokedSessions *ttlCache[bool]
	// savedLists caches every account's saved lists for tellSaved.
	savedLists savedCache
	// pages keeps the profiles list pages read, by id and sequence.
	pages *pageCache
	// contacts says, per "account:profile", whether the account may see the
	// profile's contact through an accepted introduction (same TTL; a grant
	// this replica makes is kept at once).
	contacts *ttlCache[bool]
}

// New builds the API. It returns an error only for a bad trusted-proxy list.
func New(d Deps) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.UserCacheTTL == 0 {
		d.UserCacheTTL = DefaultUserCacheTTL
	}
	s := &Server{Deps: d, logins: newLoginThrottle(), lex: match.NewLexicon(seed.Chains(), seed.Districts())}
	s.users = newUserCache(d.UserCacheTTL, d.Now)
	s.revokedSessions = newTTLCache[bool](d.UserCacheTTL, d.Now)
	s.contacts = newTTLCache[bool](d.UserCacheTTL, d.Now)
	s.pages = newPageCache()
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RemoveExtraSlash = true
	e.ContextWithFallback = true
	if err := e.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	e.Use(withRequestID(), recoverPanics(d.Log), logRequests(d.Log, d.SlowRequest), securityHeaders(), cors(d.CORSOrigins), limitBody())
	e.NoRoute(func(c *gin.Context) {
		writeError(c, d.Log, newHTTPError(http.StatusNotFound, "no_route", "", "no such endpoint: "+c.Request.URL.Path, "接口不存在："+c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		writeError(c, d.Log, newHTTPError(http.StatusMethodNotAllowed, "method_not_allowed", "",
			c.Request.Method+" is not allowed here", "此接口不支持 "+c.Request.Method+" 方法"))
	})
	s.engine = e
	s.routes()
	return s, nil
}

// updateUser stores a changed account and forgets the copy authentication
// keeps, so this replica sees the change (a revoked token) at once.
func (s *Server) updateUser(ctx context.Context, u *profile.User) error {
	err := s.Store.UpdateUser(ctx, u)
	s.users.forget(u.ID)
	return err
}

// Handler is the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.engine }

// Engine is the Gin engine, for packages that add their own routes.
func (s *Server) Engine() *gin.Engine { return s.engine }

// Drain marks the server as shutting down: /readyz answers 503 from now on, so a
// load balancer stops sending new requests while in-flight ones finish.
func (s *Server) Drain() { s.draining.Store(true) }

// handle adapts a handler that returns an error to Gin: one place renders errors.
func (s *Server) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			writeError(c, s.Log, err)
		}
	}
}

// healthz answers GET /healthz: the process is up.
func (s *Server) healthz(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}

// readyz answers GET /readyz: the database answers and the index is open.
func (s *Server) readyz(c *gin.Context) error {
	checks := gin.H{"database": "ok", "index": "ok"}
	ok := true
	if s.draining.Load() {
		checks["shutdown"] = "draining"
		ok = false
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		checks["database"] = "unreachable"
		ok = false
	}
	if s.Index != nil && !s.Index.Ready() {
		checks["index"] = "rebuilding"
		ok = false
	}
	status := http.StatusOK
	checks["status"] = "ready"
	if !ok {
		status = http.StatusServiceUnavailable
		checks["status"] = "not_ready"
	}
	c.JSON(status, checks)
	return nil
}
