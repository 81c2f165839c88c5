// Package kpi computes the incubation plan's indicators for a year, for the city
// and each district, from the profiles and the plan's targets (seed.Plan). It is pure:
// no I/O, no clock (the caller passes now), so a report can be recomputed and tested.
package kpi

import (
	"iter"
	"strconv"
	"time"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// Status judges an indicator against the share of its period that has passed.
type Status string

// The statuses.
const (
	Reached Status = "reached"
	OnTrack Status = "on_track"
	Behind  Status = "behind"
)

// Indicator is one target with what the data shows.
type Indicator struct {
	Code string `json:"code"`
	// Period is "2024" for a yearly target, "2023-2025" for a three-year total
	// and "2025" for a stock to be in place by the end of 2025.
	Period  string     `json:"period"`
	Basis   seed.Basis `json:"basis"`
	ZH      string     `json:"zh"`
	EN      string     `json:"en"`
	Unit    string     `json:"unit"`
	UnitEN  string     `json:"unit_en"`
	Target  float64    `json:"target"`
	AtLeast bool       `json:"at_least"`
	// Wording and Source are the plan's words for the target and where they stand.
	Wording string  `json:"wording"`
	Source  string  `json:"source"`
	Actual  float64 `json:"actual"`
	// Expected is what should be in hand by the report's as-of time for the
	// target to be met on a straight line through the period.
	Expected float64 `json:"expected"`
	// Progress is Actual / Target.
	Progress float64 `json:"progress"`
	Status   Status  `json:"status"`
	// Numerator and Denominator explain a share (tech_sme_share): firms that
	// passed, of the firms incubating in the year.
	Numerator   int `json:"numerator,omitempty"`
	Denominator int `json:"denominator,omitempty"`
}

// Scope is the indicators of the city (District "") or of one district.
type Scope struct {
	District   string      `json:"district"`
	Indicators []Indicator `json:"indicators"`
}

// Report is the plan's indicators for one year.
type Report struct {
	Year int `json:"year"`
	// AsOf is when the indicators are judged: now, or the end of Year if that is
	// earlier (a past year is judged as it closed).
	AsOf time.Time `json:"as_of"`
	// Scopes holds the city first, then the districts in the plan table's order.
	// A year outside the plan's period has scopes with no indicators.
	Scopes []Scope `json:"scopes"`
}

// Scope returns the scope of one district ("" for the city).
func (r Report) Scope(district string) (Scope, bool) {
	for _, s := range r.Scopes {
		if s.District == district {
			return s, true
		}
	}
	return Scope{}, false
}

// China Standard Time: the plan's years are calendar years in Yancheng. A fixed
// zone avoids depending on the host's tz database.
var cst = time.FixedZone("CST", 8*3600)

// Compute reports every target the plan sets for year, for the city and each
// district, measured on profiles (pass slices.Values for a slice). Archived
// profiles do not count.
func Compute(profiles iter.Seq[profile.Profile], plan seed.ActionPlan, year int, now time.Time) Report {
	f := collect(profiles)
	asOf := now.In(cst)
	if end := yearStart(year + 1); asOf.After(end) {
		asOf = end
	}
	r := Report{Year: year, AsOf: asOf}
	for _, district := range plan.Table.Columns {
		s := Scope{District: district, Indicators: []Indicator{}}
		for _, t := range plan.TargetsFor(district, year) {
			s.Indicators = append(s.Indicators, f.indicator(plan, t, year, asOf))
		}
		r.Scopes = append(r.Scopes, s)
	}
	return r
}

func yearStart(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, cst) }

// indicator measures one target.
func (f *facts) indicator(plan seed.ActionPlan, t seed.Target, year int, asOf time.Time) Indicator {
	meta, _ := plan.Indicator(t.Indicator)
	in := Indicator{Code: t.Indicator, Basis: t.Basis, ZH: meta.ZH, EN: meta.EN, Unit: meta.Unit, UnitEN: meta.UnitEN,
		Target: t.Value, AtLeast: t.AtLeast, Wording: t.Wording, Source: t.Source}

	// The window of events counted, and the span of time the target runs over.
	lo, hi := year, year
	start, end := yearStart(year), yearStart(year+1)
	switch t.Basis {
	case seed.EachYear:
		in.Period = strconv.Itoa(year)
	case seed.PeriodTotal:
		in.Period = strconv.Itoa(t.From) + "-" + strconv.Itoa(t.To)
		lo, hi = t.From, min(year, t.To)
		start, end = yearStart(t.From), yearStart(t.To+1)
	case seed.EndOfPeriod:
		in.Period = strconv.Itoa(t.To)
		start, end = yearStart(t.From), yearStart(t.To+1)
	}
	elapsed := 0.0
	if asOf.After(start) {
		elapsed = min(1, float64(asOf.Sub(start))/float64(end.Sub(start)))
	}

	in.Expected = t.Value * elapsed
	switch t.Indicator {
	case "tech_sme_share":
		in.Numerator, in.Denominator = f.techSME(t.District, year)
		if in.Denominator > 0 {
			in.Actual = 100 * float64(in.Numerator) / float64(in.Denominator)
		}
	default:
		if t.Basis == seed.EndOfPeriod {
			in.Actual = float64(f.stock(t.Indicator, t.District, year))
			// A stock target starts from what was there before the period, not
			// from zero: the straight line runs from that baseline to the target.
			base := float64(f.stock(t.Indicator, t.District, t.From-1))
			in.Expected = min(t.Value, base+(t.Value-base)*elapsed)
		} else {
			in.Actual = float64(f.flow(t.Indicator, t.District, lo, hi))
		}
	}
	if t.Value > 0 {
		in.Progress = in.Actual / t.Value
	}
	const eps = 1e-9
	switch {
	case in.Actual >= t.Value-eps:
		in.Status = Reached
	case !asOf.Before(end):
		in.Status = Behind
	case in.Actual >= in.Expected-eps:
		in.Status = OnTrack
	default:
		in.Status = Behind
	}
	return in
}
