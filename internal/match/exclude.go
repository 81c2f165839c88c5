package match

import "fuhua/internal/profile"

// Rules is Exclude's pair rules for one asking profile and one target kind,
// for a caller that checks many candidates of that kind and already knows that
// none is from itself or archived (an index holds no archived profile and
// knows from's own entry): the investor's stages, regions, instruments and
// tickets, and a mentor's capacity. It returns nil when no rule applies to the
// pair (a mentor asking for startups), so the caller can skip the call. For a
// candidate of kind target that is not from and not archived, Rules(from,
// target, env)(cand) is Exclude(from, cand, env), or "" when Rules is nil.
func Rules(from *profile.Profile, target profile.Kind, env Env) func(cand *profile.Profile) string {
	switch {
	case !Allowed(from.Kind, target):
		return func(*profile.Profile) string { return ExcludePair }
	case from.Kind == profile.Investor || target == profile.Investor || target == profile.Mentor:
		return func(cand *profile.Profile) string { return rule(from, cand, env) }
	}
	return nil
}

// rule is what Exclude checks once the pair is allowed: the investor's
// constraints in both directions, and the capacity of a mentor who is the
// candidate.
func rule(from, cand *profile.Profile, env Env) string {
	s, o := pair(from, cand)
	switch o.Kind {
	case profile.Investor:
		var need float64
		var kinds []string
		if s.Needs != nil {
			need, kinds = s.Needs.FundingWan, s.Needs.FundingKinds
		}
		if need > 0 && (need < o.TicketMinWan || (o.TicketMaxWan > 0 && need > o.TicketMaxWan)) {
			return ExcludeTicket
		}
		if len(kinds) > 0 && len(o.Instruments) > 0 && !intersects(kinds, o.Instruments) {
			return ExcludeInstrument
		}
		if s.Stage != "" && len(o.Stages) > 0 && !contains(o.Stages, s.Stage) {
			return ExcludeStage
		}
		if len(o.Regions) > 0 && !contains(o.Regions, s.District) {
			return ExcludeRegion
		}
	case profile.Mentor:
		if o == cand && env.FreeCapacity(o) == 0 {
			return ExcludeCapacity
		}
	}
	return ""
}
