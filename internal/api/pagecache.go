package api

import (
	"sync"

	"fuhua/internal/profile"
)

// maxPageCached bounds the profiles pageCache keeps: ≈ 2–4 KB each, so tens of
// MB at most. When full, an eighth of the entries (whichever the map yields
// first) make room.
const maxPageCached = 20_000

// pageCache keeps the profiles list pages read from the database, so the next
// page that lists the same version of a profile does not read it again.
//
// Why: a list page is chosen by the index's memory copy in microseconds, and
// then its twenty profiles were read from the database one by one — all of a
// list's time (BENCHMARKS.md). A copy is used only when its sequence number is
// the one the index lists (index.Entry.Seq): every write gets a new number and
// reaches the index (at once on the replica that made it, through the
// follower on others), so a list shows exactly the version the index chose it
// by, never an older one. Single profile reads (GET) do not use it: they read
// the database, so a change made on another replica is seen at once there.
type pageCache struct {
	mu sync.Mutex
	m  map[string]*profile.Profile
}

func newPageCache() *pageCache { return &pageCache{m: map[string]*profile.Profile{}} }

// get is the kept copy of id at sequence seq, nil if none. The copy is shared:
// callers must not change it.
func (c *pageCache) get(id string, seq int64) *profile.Profile {
	c.mu.Lock()
	p := c.m[id]
	c.mu.Unlock()
	if p == nil || p.Seq != seq {
		return nil
	}
	return p
}

// put keeps p (which must not be changed afterwards), unless a newer copy is
// kept already.
func (c *pageCache) put(p *profile.Profile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[p.ID]; old != nil && old.Seq > p.Seq {
		return
	}
	if _, ok := c.m[p.ID]; !ok && len(c.m) >= maxPageCached {
		drop := maxPageCached / 8
		for id := range c.m {
			if drop == 0 {
				break
			}
			delete(c.m, id)
			drop--
		}
	}
	c.m[p.ID] = p
}
