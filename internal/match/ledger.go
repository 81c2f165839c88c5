package match

import (
	"sync"
	"time"
)

// TopN is how many of a startup's best mentor matches count as "top": the places a
// person actually reads.
const TopN = 3

// Ledger remembers which mentors each startup was last shown among its top TopN,
// so that a mentor is not a top match for more startups than they have free
// places at once, and the best mentors are not flooded with requests.
//
// Limits, by design: the ledger lives in one process's memory. N server replicas
// keep N ledgers, so a mentor can be a top match for up to N × free startups; a
// restart forgets every exposure; an exposure lasts until the same startup asks
// again (which replaces it) or ttl passes. Holding it in MongoDB would make it
// exact across replicas at the price of a write on every match request.
type Ledger struct {
	mu  sync.Mutex
	ttl time.Duration
	now func() time.Time
	// shown maps a mentor to the startups it is a top match of, with when.
	shown map[string]map[string]time.Time
	// top maps a startup to the mentors it was last shown as top matches.
	top map[string][]string
}

// NewLedger makes an empty ledger whose exposures expire after ttl. now is the
// clock (time.Now in production; a fake in tests).
func NewLedger(ttl time.Duration, now func() time.Time) *Ledger {
	if now == nil {
		now = time.Now
	}
	return &Ledger{ttl: ttl, now: now, shown: map[string]map[string]time.Time{}, top: map[string][]string{}}
}

// Arrange reorders a startup's ranked mentor items so that the first TopN places
// go only to mentors with room: a mentor already shown as a top match to as many
// other startups as free(mentorID) is moved down below the top places (keeping
// its score and reasons), and the next mentor with room moves up; if too few
// mentors have room to fill the top places, the full ones are left out. It then records
// the new top places as this startup's exposures. Items must be best first.
func (l *Ledger) Arrange(startupID string, items []Item, free func(mentorID string) int) []Item {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, m := range l.top[startupID] {
		delete(l.shown[m], startupID)
	}
	delete(l.top, startupID)

	out := make([]Item, 0, len(items))
	var held []Item
	var top []string
	for _, it := range items {
		if len(top) < TopN && l.room(it.ID, now) < free(it.ID) {
			out = append(out, it)
			top = append(top, it.ID)
			continue
		}
		if len(top) < TopN {
			held = append(held, it)
			continue
		}
		out = append(out, it)
	}
	// Those passed over follow the top places, in their own order, ahead of the
	// rest. When too few mentors have room to fill the top places, following
	// them would still be a top place, so they are left out.
	if len(top) < TopN {
		held = nil
	}
	if len(held) > 0 {
		rest := append([]Item(nil), out[len(top):]...)
		out = append(append(out[:len(top)], held...), rest...)
	}
	for _, m := range top {
		if l.shown[m] == nil {
			l.shown[m] = map[string]time.Time{}
		}
		l.shown[m][startupID] = now
	}
	if len(top) > 0 {
		l.top[startupID] = top
	}
	return out
}

// room counts a mentor's live exposures, dropping expired ones on the way.
func (l *Ledger) room(mentorID string, now time.Time) int {
	n := 0
	for s, at := range l.shown[mentorID] {
		if l.ttl > 0 && now.Sub(at) > l.ttl {
			delete(l.shown[mentorID], s)
			continue
		}
		n++
	}
	return n
}

// Exposures reports how many startups currently see the mentor as a top match.
func (l *Ledger) Exposures(mentorID string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.room(mentorID, l.now())
}
