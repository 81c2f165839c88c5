package api

import (
	"context"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
	"fuhua/internal/relay"
	"fuhua/seed"
)

// kpiLanding is the landing share beside a scope's plan indicators: the year's
// graduates, those landed in an accelerator or industrial park, those landed in
// a park of their own chain, and that share (null when nobody graduated) — the
// same figures as GET /api/v1/graduates, which lists the firms.
type kpiLanding struct {
	Code           string   `json:"code"`
	ZH             string   `json:"zh"`
	EN             string   `json:"en"`
	Graduates      int      `json:"graduates"`
	Landed         int      `json:"landed"`
	LandedMatching int      `json:"landed_matching"`
	MatchingShare  *float64 `json:"matching_share"`
}

// kpiLandings computes the landing share of year for the city ("") and every
// district.
func (s *Server) kpiLandings(ctx context.Context, year int) (map[string]*kpiLanding, error) {
	var startups, carriers []profile.Profile
	err := s.Store.EachProfile(ctx, func(p *profile.Profile) error {
		switch p.Kind {
		case profile.Startup:
			startups = append(startups, *p)
		case profile.Carrier:
			carriers = append(carriers, *p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var intros []intro.Introduction
	if s.Records != nil {
		if intros, err = s.Records.AcceptedIntros(ctx); err != nil {
			return nil, err
		}
	}
	var codes []string
	for _, d := range seed.Districts() {
		codes = append(codes, d.Code)
	}
	out := map[string]*kpiLanding{}
	for _, sc := range relay.Landings(startups, carriers, intros, year, codes) {
		out[sc.District] = &kpiLanding{Code: "graduates_landed_matching_share",
			ZH: "毕业企业落地匹配园区占比", EN: "Share of graduates landed in a park of their chain",
			Graduates: sc.Graduates, Landed: sc.Landed, LandedMatching: sc.LandedMatch, MatchingShare: sc.MatchShare}
	}
	return out, nil
}
