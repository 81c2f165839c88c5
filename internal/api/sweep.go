package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"fuhua/internal/intro"
	"fuhua/internal/notify"
	"fuhua/internal/profile"
)

// The background sweep (issue 10): open requests expire after their time with a
// reminder first, and an accepted introduction with nothing recorded is a
// reminder to record its outcome. Every replica may sweep at once: expiring is a
// claimed transition of the introduction (one writer wins), and every
// notification of a sweep is sent only by whoever first claims its key
// ("remind:<id>", "expired:<id>", "outcome-due:<id>") with a unique insert.

// Sweeps is what the sweep needs of the store.
type Sweeps interface {
	ExpireDue(ctx context.Context) (int, error)
	PendingExpiringBy(ctx context.Context, t time.Time) ([]intro.Introduction, error)
	ExpiredSince(ctx context.Context, t time.Time) ([]intro.Introduction, error)
	AcceptedBetween(ctx context.Context, a, b time.Time) ([]intro.Introduction, error)
	ClaimOnce(ctx context.Context, key string) (bool, error)
}

// SweepSettings shape the sweep.
type SweepSettings struct {
	// RemindBefore is how long before a request expires its recipients are
	// reminded (FUHUA_INTRO_REMIND, default 72h).
	RemindBefore time.Duration
	// OutcomeAfter is how long after acceptance, with no outcome recorded, both
	// sides are asked to record one (FUHUA_OUTCOME_DUE, default 14 days).
	OutcomeAfter time.Duration
	// Lookback is how far back a sweep looks for expirations and acceptances it
	// has not told of (a sweep missed while every replica was down); default a
	// day, and at least three sweep intervals in cmd.
	Lookback time.Duration
}

func (o SweepSettings) withDefaults() SweepSettings {
	if o.RemindBefore <= 0 {
		o.RemindBefore = 72 * time.Hour
	}
	if o.OutcomeAfter <= 0 {
		o.OutcomeAfter = 14 * 24 * time.Hour
	}
	if o.Lookback <= 0 {
		o.Lookback = 24 * time.Hour
	}
	return o
}

// SweepReport counts what one sweep did.
type SweepReport struct {
	Expired, Reminded, ToldExpired, OutcomesDue int
}

// Sweep runs the sweep once: it expires what is due, reminds the recipients of
// requests about to expire, tells everyone in a request that expired, and asks
// both sides of an introduction accepted OutcomeAfter ago with no outcome to
// record one. It returns what it did; an error stops it (the next sweep
// carries on).
func (s *Server) Sweep(ctx context.Context) (SweepReport, error) {
	var rep SweepReport
	st, ok := s.Intros.(Sweeps)
	if s.Intros == nil || !ok {
		return rep, errors.New("sweep: the introductions store cannot sweep")
	}
	o := s.SweepSettings.withDefaults()
	now := s.Now().UTC()
	n, err := st.ExpireDue(ctx)
	rep.Expired = n
	if err != nil {
		return rep, err
	}
	soon, err := st.PendingExpiringBy(ctx, now.Add(o.RemindBefore))
	if err != nil {
		return rep, err
	}
	for i := range soon {
		in := &soon[i]
		if first, err := st.ClaimOnce(ctx, "remind:"+in.ID); err != nil || !first {
			if err != nil {
				return rep, err
			}
			continue
		}
		from, to := s.sweepProfiles(ctx, in)
		for _, r := range in.Recipients {
			if !slices.Contains(in.AcceptedBy, r) {
				s.tell(ctx, r, notify.Expiring(in.ID, refOf(from), refOf(to), in.ExpiresAt, intro.Zone))
			}
		}
		rep.Reminded++
	}
	gone, err := st.ExpiredSince(ctx, now.Add(-o.Lookback))
	if err != nil {
		return rep, err
	}
	for i := range gone {
		in := &gone[i]
		if first, err := st.ClaimOnce(ctx, "expired:"+in.ID); err != nil || !first {
			if err != nil {
				return rep, err
			}
			continue
		}
		from, to := s.sweepProfiles(ctx, in)
		for _, a := range participants(in, "") {
			s.tell(ctx, a, notify.Expired(in.ID, refOf(from), refOf(to)))
		}
		rep.ToldExpired++
	}
	quiet, err := st.AcceptedBetween(ctx, now.Add(-o.OutcomeAfter-o.Lookback), now.Add(-o.OutcomeAfter))
	if err != nil {
		return rep, err
	}
	days := int(o.OutcomeAfter.Hours()/24 + 0.5)
	for i := range quiet {
		in := &quiet[i]
		if len(in.Outcomes) > 0 {
			continue
		}
		if first, err := st.ClaimOnce(ctx, "outcome-due:"+in.ID); err != nil || !first {
			if err != nil {
				return rep, err
			}
			continue
		}
		from, to := s.sweepProfiles(ctx, in)
		for _, a := range participants(in, "") {
			s.tell(ctx, a, notify.DueOutcome(in.ID, refOf(from), refOf(to), days))
		}
		rep.OutcomesDue++
	}
	return rep, nil
}

// sweepProfiles loads both profiles of in for their names; a profile that
// cannot be read is named by its id.
func (s *Server) sweepProfiles(ctx context.Context, in *intro.Introduction) (from, to *profile.Profile) {
	load := func(r profile.Ref) *profile.Profile {
		p, err := s.Store.GetProfile(ctx, r.ID)
		if err != nil {
			return &profile.Profile{Kind: r.Kind, ID: r.ID, Name: fmt.Sprintf("%s %s", r.Kind.ZH(), r.ID)}
		}
		return p
	}
	return load(in.From), load(in.To)
}
