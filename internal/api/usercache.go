package api

import (
	"context"
	"sync"
	"time"

	"fuhua/internal/profile"
)

// DefaultUserCacheTTL is how long an authenticated request may use an account
// read by an earlier one: the bound on how stale revocation (logout-all, a new
// password, a changed role or districts) may be on a replica that did not make
// the change. The replica that makes it forgets its copy at once.
const DefaultUserCacheTTL = 2 * time.Second

// maxCachedUsers bounds the cache; when full it starts over.
const maxCachedUsers = 50_000

// userCache keeps accounts by id for a short time, so a request's
// authentication costs a token check and a map lookup instead of a database
// read (the read was most of /api/v1/me: BENCHMARKS.md).
type userCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]cachedUser
}

type cachedUser struct {
	u  profile.User
	at time.Time
}

func newUserCache(ttl time.Duration, now func() time.Time) *userCache {
	return &userCache{ttl: ttl, now: now, m: map[string]cachedUser{}}
}

// get returns the account with id, from the cache when read less than ttl ago,
// else through load. Each call gets its own copy.
func (c *userCache) get(ctx context.Context, id string, load func(context.Context, string) (*profile.User, error)) (*profile.User, error) {
	if c.ttl <= 0 {
		return load(ctx, id)
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl && now.Sub(e.at) >= 0 {
		u := e.u
		return &u, nil
	}
	u, err := load(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedUsers {
		c.m = map[string]cachedUser{}
	}
	c.m[id] = cachedUser{u: *u, at: now}
	c.mu.Unlock()
	cp := *u
	return &cp, nil
}

// forget drops id's copy: this process changed the account.
func (c *userCache) forget(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}
