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

// maxCached bounds each cache; when full it starts over.
const maxCached = 50_000

// ttlCache keeps values by key for a short time, so a request's
// authentication costs a token check and map lookups instead of database reads
// (the reads were most of /api/v1/me: BENCHMARKS.md). It serves the accounts
// and whether a session was signed out.
type ttlCache[V any] struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[string]cached[V]
}

type cached[V any] struct {
	v  V
	at time.Time
}

func newTTLCache[V any](ttl time.Duration, now func() time.Time) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, now: now, m: map[string]cached[V]{}}
}

// get returns the value of key, from the cache when read less than ttl ago,
// else through load (every time when ttl ≤ 0).
func (c *ttlCache[V]) get(ctx context.Context, key string, load func(context.Context, string) (V, error)) (V, error) {
	if c.ttl <= 0 {
		return load(ctx, key)
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl && now.Sub(e.at) >= 0 {
		return e.v, nil
	}
	v, err := load(ctx, key)
	if err != nil {
		return v, err
	}
	c.put(key, v)
	return v, nil
}

// put stores v for key as read now: this process made the change.
func (c *ttlCache[V]) put(key string, v V) {
	c.mu.Lock()
	if len(c.m) >= maxCached {
		c.m = map[string]cached[V]{}
	}
	c.m[key] = cached[V]{v: v, at: c.now()}
	c.mu.Unlock()
}

// forget drops key's copy: this process changed what it stands for.
func (c *ttlCache[V]) forget(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// userCache keeps accounts by id (values, so each caller gets its own copy).
type userCache struct{ c *ttlCache[profile.User] }

func newUserCache(ttl time.Duration, now func() time.Time) *userCache {
	return &userCache{c: newTTLCache[profile.User](ttl, now)}
}

// get returns the account with id, from the cache when read less than ttl ago,
// else through load. Each call gets its own copy.
func (u *userCache) get(ctx context.Context, id string, load func(context.Context, string) (*profile.User, error)) (*profile.User, error) {
	v, err := u.c.get(ctx, id, func(ctx context.Context, id string) (profile.User, error) {
		p, err := load(ctx, id)
		if err != nil {
			return profile.User{}, err
		}
		return *p, nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// forget drops id's copy: this process changed the account.
func (u *userCache) forget(id string) { u.c.forget(id) }
