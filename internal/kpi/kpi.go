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
	// Missed is a period that has closed short of its target (未完成).
	Missed Status = "missed"
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
	// Closed is set once the period has ended: the status is then final.
	Closed bool `json:"closed"`
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

	// The span of time the target runs over (window says which events count).
	start, end := yearStart(year), yearStart(year+1)
	switch t.Basis {
	case seed.EachYear:
		in.Period = strconv.Itoa(year)
	case seed.PeriodTotal:
		in.Period = strconv.Itoa(t.From) + "-" + strconv.Itoa(t.To)
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
	recs := f.records(t, year)
	switch t.Indicator {
	case "tech_sme_share":
		in.Numerator, in.Denominator = passedCount(recs), len(recs)
		if in.Denominator > 0 {
			in.Actual = 100 * float64(in.Numerator) / float64(in.Denominator)
		}
	default:
		in.Actual = float64(len(recs))
		if t.Basis == seed.EndOfPeriod {
			// A stock target starts from what was there before the period, not
			// from zero: the straight line runs from that baseline to the target.
			base := float64(len(f.stock(t.Indicator, t.District, t.From-1)))
			in.Expected = min(t.Value, base+(t.Value-base)*elapsed)
		}
	}
	if t.Value > 0 {
		in.Progress = in.Actual / t.Value
	}
	const eps = 1e-9
	in.Closed = !asOf.Before(end)
	switch {
	case in.Actual >= t.Value-eps:
		in.Status = Reached
	case in.Closed:
		in.Status = Missed
	case in.Actual >= in.Expected-eps:
		in.Status = OnTrack
	default:
		in.Status = Behind
	}
	return in
}

// window is the years whose events a target counts in year.
func window(t seed.Target, year int) (lo, hi int) {
	if t.Basis == seed.PeriodTotal {
		return t.From, min(year, t.To)
	}
	return year, year
}

// records lists the profiles behind target t's actual in year.
func (f *facts) records(t seed.Target, year int) []Record {
	switch {
	case t.Indicator == "tech_sme_share":
		return f.techSME(t.District, year)
	case t.Basis == seed.EndOfPeriod:
		return f.stock(t.Indicator, t.District, year)
	}
	lo, hi := window(t, year)
	return f.flow(t.Indicator, t.District, lo, hi)
}

// Record is one profile behind an indicator's figure: a firm, carrier or enclave,
// the date that makes it count and why, in Chinese and English. For the tech-SME
// share every incubating firm is a record (the denominator) and Passed says
// whether it is in the numerator.
type Record struct {
	ID       string       `json:"id"`
	Kind     profile.Kind `json:"kind"`
	Name     string       `json:"name"`
	District string       `json:"district"`
	// Date is the date (or year) that makes the record count; "" when unknown.
	Date   string `json:"date"`
	WhyZH  string `json:"why_zh"`
	WhyEN  string `json:"why_en"`
	Passed *bool  `json:"passed,omitempty"`
}

// Records lists the profiles behind the figure of indicator code for district
// ("" for the city) in year, for the target whose period is period ("" for the
// first the plan sets that year), with the indicator as Compute judges it at now.
// ok is false when the plan sets no such target.
// The records are what Compute counts: their number is the actual (for the
// tech-SME share, the denominator).
func Records(profiles iter.Seq[profile.Profile], plan seed.ActionPlan, code, district, period string, year int, now time.Time) (Indicator, []Record, bool) {
	f := collect(profiles)
	asOf := now.In(cst)
	if end := yearStart(year + 1); asOf.After(end) {
		asOf = end
	}
	for _, t := range plan.TargetsFor(district, year) {
		if t.Indicator != code {
			continue
		}
		in := f.indicator(plan, t, year, asOf)
		if period != "" && in.Period != period {
			continue
		}
		recs := f.records(t, year)
		if recs == nil {
			recs = []Record{}
		}
		return in, recs, true
	}
	return Indicator{}, nil, false
}
