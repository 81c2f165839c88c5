package api_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fuhua/internal/api"
	"fuhua/internal/profile"
)

// fakeClock is a clock tests move by hand; safe for concurrent readers.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Now().UTC().Truncate(time.Millisecond).UnixNano())
	return c
}
func (c *fakeClock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) advance(d time.Duration) { c.ns.Add(int64(d)) }

func countType(b noteBody, typ string) int {
	n := 0
	for _, it := range b.Items {
		if it.Type == typ {
			n++
		}
	}
	return n
}

// TestSweepRemindsExpiresAndAsksForOutcomes runs the sweep of two replicas (two
// servers on one database) over a fake clock with short settings.
func TestSweepRemindsExpiresAndAsksForOutcomes(t *testing.T) {
	clock := newFakeClock()
	settings := api.SweepSettings{RemindBefore: 30 * time.Minute, OutcomeAfter: 48 * time.Hour, Lookback: 24 * time.Hour}
	h := newHarness(t, func(d *api.Deps) { d.Now = clock.now; d.SweepSettings = settings })
	h.store.SetClock(clock.now)
	h.store.SetIntroTTL(time.Hour)
	replica, err := api.New(api.Deps{Store: h.store, Intros: h.store, Notes: h.store, Tokens: h.tokens, Hasher: hasher,
		Now: clock.now, SweepSettings: settings})
	if err != nil {
		t.Fatal(err)
	}
	sweepBoth := func() {
		t.Helper()
		var wg sync.WaitGroup
		for _, s := range []*api.Server{h.srv, replica} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Sweep(context.Background()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	s := h.make(profile.Startup, founder, nil)
	inv := h.make(profile.Investor, investor, nil)
	other := h.make(profile.Investor, investor, map[string]any{"name": "盐城科创投资"})
	open := h.mustAsk(founder, s, inv)
	taken := h.mustAsk(founder, s, other)
	if r := h.answer(investor, taken, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}

	sweepBoth() // an hour to go: nothing to remind yet
	if n := countType(h.notes(investor, ""), "intro_expiring"); n != 0 {
		t.Fatalf("reminded %d times an hour before expiry (lead is 30 min)", n)
	}
	clock.advance(40 * time.Minute)
	sweepBoth()
	sweepBoth()
	b := h.notes(investor, "")
	if n := countType(b, "intro_expiring"); n != 1 {
		t.Fatalf("two replicas sweeping twice sent %d reminders, want 1: %+v", n, b.Items)
	}
	if !strings.Contains(b.Items[0].ZH, "过期") || b.Items[0].Link != "/app/intros?id="+open {
		t.Fatalf("reminder = %+v", b.Items[0])
	}
	if n := countType(h.notes(founder, ""), "intro_expiring"); n != 0 {
		t.Fatal("the asker, who has nothing to answer, was reminded")
	}

	clock.advance(30 * time.Minute)
	sweepBoth()
	sweepBoth()
	if r := h.do("GET", "/api/v1/introductions/"+open, founder, nil); r.json(t)["state"] != "expired" {
		t.Fatalf("after its time: %s", r.Body)
	}
	for who, tok := range map[string]string{"founder": founder, "investor": investor} {
		if n := countType(h.notes(tok, ""), "intro_expired"); n != 1 {
			t.Errorf("%s told %d times of the expiry, want 1", who, n)
		}
	}
	// The pair is free again: asking anew works.
	if r := h.ask(founder, s, inv, "再联系一次"); r.Status != http.StatusCreated {
		t.Fatalf("ask again after expiry: %d %s", r.Status, r.Body)
	}

	// Two days after acceptance with no outcome both sides are asked, once.
	clock.advance(48 * time.Hour)
	sweepBoth()
	sweepBoth()
	for who, tok := range map[string]string{"founder": founder, "investor": investor} {
		if n := countType(h.notes(tok, ""), "outcome_due"); n != 1 {
			t.Errorf("%s asked %d times for the outcome, want 1", who, n)
		}
	}
}
