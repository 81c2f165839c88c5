package index

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"fuhua/internal/profile"
)

// memSource is the database as the follower sees it, in memory. It keeps the
// store's write order: take a sequence from the counter, write the profile with
// it, then write the change document. reserve and commit split that in two so a
// test can hold a writer between taking its sequence and writing its change.
type memSource struct {
	mu       sync.Mutex
	profiles map[string]*profile.Profile
	changes  map[int64]profile.Ref
	last     int64

	lastCalls, changeCalls, getCalls, eachCalls atomic.Int64
}

func newMemSource() *memSource {
	return &memSource{profiles: map[string]*profile.Profile{}, changes: map[int64]profile.Ref{}}
}

// reserve takes the next sequence, as the store's $inc on the counter does.
func (m *memSource) reserve() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last++
	return m.last
}

// commit writes p with seq, then its change document. It returns the stored copy.
func (m *memSource) commit(seq int64, p *profile.Profile) *profile.Profile {
	q := *p
	q.Seq = seq
	m.mu.Lock()
	if old, ok := m.profiles[q.ID]; !ok || old.Seq < seq {
		m.profiles[q.ID] = &q
	}
	m.mu.Unlock()
	m.mu.Lock()
	m.changes[seq] = profile.Ref{Kind: q.Kind, ID: q.ID}
	m.mu.Unlock()
	c := q
	return &c
}

// write is one whole profile write.
func (m *memSource) write(p *profile.Profile) *profile.Profile { return m.commit(m.reserve(), p) }

// drop removes a profile outright, with no change document (drift).
func (m *memSource) drop(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.profiles, id)
}

func (m *memSource) LastSeq(ctx context.Context) (int64, error) {
	m.lastCalls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last, nil
}

func (m *memSource) ChangeAt(ctx context.Context, seq int64) (profile.Ref, bool, error) {
	m.changeCalls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.changes[seq]
	return r, ok, nil
}

func (m *memSource) GetProfile(ctx context.Context, id string) (*profile.Profile, error) {
	m.getCalls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.profiles[id]
	if !ok {
		return nil, fmt.Errorf("mem: %s: %w", id, profile.ErrNotFound)
	}
	q := *p
	return &q, nil
}

func (m *memSource) EachProfile(ctx context.Context, fn func(*profile.Profile) error) error {
	m.eachCalls.Add(1)
	m.mu.Lock()
	ids := make([]string, 0, len(m.profiles))
	for id := range m.profiles {
		ids = append(ids, id)
	}
	m.mu.Unlock()
	sort.Strings(ids)
	for _, id := range ids {
		m.mu.Lock()
		p, ok := m.profiles[id]
		var q profile.Profile
		if ok {
			q = *p
		}
		m.mu.Unlock()
		if !ok {
			continue
		}
		if err := fn(&q); err != nil {
			return err
		}
	}
	return nil
}

// versionSource is a memSource that also lists versions, as the store does,
// and the versions of ghosts: ids listed but gone when read (a profile dropped
// between the two reads).
type versionSource struct {
	*memSource
	ghosts []string
}

func (v versionSource) EachVersion(ctx context.Context, fn func(id string, seq int64, archived bool) error) error {
	v.mu.Lock()
	type ver struct {
		id       string
		seq      int64
		archived bool
	}
	var vs []ver
	for id, p := range v.profiles {
		vs = append(vs, ver{id, p.Seq, p.Archived})
	}
	v.mu.Unlock()
	for _, g := range v.ghosts {
		vs = append(vs, ver{g, 1 << 40, false}) // newer than what the index holds
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].id < vs[j].id })
	for _, x := range vs {
		if err := fn(x.id, x.seq, x.archived); err != nil {
			return err
		}
	}
	return nil
}
