package api

import (
	"context"

	"fuhua/internal/notify"
	"fuhua/internal/policy"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// tellEligible tells the owner of a startup or carrier (issue 13) of every
// programme in force this year that after now qualifies for and before did
// not (before nil: a new profile). Pure evaluation of the catalogue over the two
// versions of one profile; no database read.
func (s *Server) tellEligible(ctx context.Context, before, after *profile.Profile) {
	if after == nil || after.Archived || (after.Kind != profile.Startup && after.Kind != profile.Carrier) {
		return
	}
	year := s.Now().In(chinaTime).Year()
	on := s.policyDate(year)
	for _, g := range seed.Policies().For(year) {
		if g.AppliesTo != after.Kind {
			continue
		}
		if policy.Evaluate(g, after, on).Status != policy.Eligible {
			continue
		}
		if before != nil && !before.Archived && policy.Evaluate(g, before, on).Status == policy.Eligible {
			continue
		}
		s.tell(ctx, after.OwnerID, notify.NewlyEligible(refOf(after), g.ZH, g.EN))
	}
}
