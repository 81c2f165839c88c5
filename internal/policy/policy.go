// Package policy matches a firm's or a carrier's profile against support
// programmes (政策匹配, 免申即享): a programme is a list of typed conditions over the
// profile's fields (a threshold, a threshold that depends on a band of another
// field, a flag, a date's age, membership of a list, a held certificate, a points
// score, any-of and all-of groups, and data fuhua does not hold). Each condition
// comes out met, unmet (with what the profile has and what it needs, in Chinese
// and English) or unknown, and each programme eligible, close, not eligible or
// unknown. Every gap names the kind of service provider that closes it.
//
// The package is pure: the catalogue is data (seed/policies.json), evaluation is a
// function of a programme, a profile and a date. It must not know the database,
// HTTP, the search index or where the catalogue is stored.
package policy

import "fuhua/internal/profile"

// Text is a sentence in Chinese and English.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// Status is a programme's outcome for one profile.
type Status string

// The statuses. NotEligible: some condition is unmet beyond its stated gap.
// Unknown: nothing is that far, but a field the profile left empty decides it, or
// (with nothing close either) a condition needs data fuhua does not collect.
// Close: every unmet condition is within the gap its data allows, and nothing the
// profile could state is missing. Eligible: every condition is met.
const (
	Eligible    Status = "eligible"
	Close       Status = "close"
	NotEligible Status = "not_eligible"
	Unknown     Status = "unknown"
)

// Statuses lists the statuses, best first.
func Statuses() []Status { return []Status{Eligible, Close, Unknown, NotEligible} }

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case Eligible, Close, NotEligible, Unknown:
		return true
	}
	return false
}

// Source is where a programme's conditions were read.
type Source struct {
	// Document is the issuing text (文号 and title).
	Document string `json:"document"`
	URL      string `json:"url,omitempty"`
	// Read is the date (YYYY-MM-DD) the conditions were read from the source, and
	// Via the compiled reference they were read through.
	Read string `json:"read"`
	Via  string `json:"via,omitempty"`
}

// Programme is one support programme in one version.
type Programme struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	// Version names the rule text; From and Until are the calendar years it applies
	// to (Until 0: still in force).
	Version string `json:"version"`
	From    int    `json:"from"`
	Until   int    `json:"until,omitempty"`
	// AppliesTo is the kind of profile the programme is for.
	AppliesTo profile.Kind `json:"applies_to"`
	// Level is who runs it: national, provincial, municipal.
	Level  string `json:"level"`
	Source Source `json:"source"`
	// Guess marks a programme whose conditions were not found in a stored source.
	Guess bool `json:"guess,omitempty"`
	Note  Text `json:"note"`
	// Conditions must all hold.
	Conditions []Condition `json:"conditions"`
}

// InForce reports whether the programme's version applies in year.
func (p *Programme) InForce(year int) bool {
	return year >= p.From && (p.Until == 0 || year <= p.Until)
}

// Kind is the type of a condition.
type Kind string

// The kinds of condition.
const (
	// Compare: Metric Op Value.
	Compare Kind = "compare"
	// Banded: Metric Op the Value of the band of By the profile falls in.
	Banded Kind = "band"
	// Flag: a yes/no field is true (or false with Want false).
	Flag Kind = "flag"
	// Age: the years since a date field, Op Value.
	Age Kind = "age"
	// In: a code field (or any code of a list field) is one of Values.
	In Kind = "in"
	// Cert: a yearly certificate field (high_tech, tech_sme) is held and still
	// valid: passed, granted in a year ≤ the evaluation year, for Years years.
	Cert Kind = "cert"
	// Score: the sum of Parts' points reaches Pass, with every Require part above 0.
	Score Kind = "score"
	// Any: at least one of Of holds; All: every one of Of holds.
	Any Kind = "any"
	All Kind = "all"
	// Lacking: data fuhua does not collect; always unknown, Need says what it is.
	Lacking Kind = "lacking"
)

// Condition is one typed rule. Which fields matter depends on Kind.
type Condition struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	Kind Kind   `json:"kind"`

	// Metric is the profile field or derived measure the rule reads (see LookupMetric and MetricNames).
	Metric string `json:"metric,omitempty"`
	// Op is one of >=, >, <=, <, == (Compare, Banded, Age).
	Op string `json:"op,omitempty"`
	// Value is the threshold, in the metric's display unit (percent for shares,
	// 万元 for money, years for Age, years of validity for Cert).
	Value float64 `json:"value,omitempty"`
	// By and Bands pick the threshold of a Banded rule.
	By    string `json:"by,omitempty"`
	Bands []Band `json:"bands,omitempty"`
	// Want is the value a Flag must have (default true).
	Want *bool `json:"want,omitempty"`
	// Values are the codes an In rule accepts.
	Values []string `json:"values,omitempty"`
	// ZeroUnknown reads a zero (or empty) value as not filled in: unknown.
	ZeroUnknown bool `json:"zero_unknown,omitempty"`

	// Parts, Pass and Require define a Score.
	Parts   []Part   `json:"parts,omitempty"`
	Pass    int      `json:"pass,omitempty"`
	Require []string `json:"require,omitempty"`

	// Of are the members of an Any or All group.
	Of []Condition `json:"of,omitempty"`

	// Need says, for a Lacking rule, what the programme requires.
	Need *Text `json:"need,omitempty"`

	// Close is how far an unmet rule may be from its threshold and still count as
	// close; nil: never close.
	Close *Gap `json:"close,omitempty"`
	// Provider is the provider type (profile.ProviderTypes) whose service closes
	// this gap: ip, accounting, testing, law, tech_transfer, finance, consulting.
	Provider string `json:"provider,omitempty"`
	// Guess marks a rule not found in a stored source.
	Guess bool `json:"guess,omitempty"`
}

// Band is one band of a Banded rule: when By is at most UpTo (nil: no upper
// bound, the last band) the threshold is Value.
type Band struct {
	UpTo  *float64 `json:"upto,omitempty"`
	Value float64  `json:"value"`
}

// Gap bounds how near an unmet rule counts as close: within Pct percent of the
// threshold, or within Abs of it in the rule's unit (items, years, points).
type Gap struct {
	Pct float64 `json:"pct,omitempty"`
	Abs float64 `json:"abs,omitempty"`
}

// Part is one scored part of a Score: the best of its options.
type Part struct {
	Code    string   `json:"code"`
	ZH      string   `json:"zh"`
	EN      string   `json:"en"`
	Options []Option `json:"options"`
	// Provider is the provider type whose service raises this part.
	Provider string `json:"provider,omitempty"`
}

// Option scores one metric by a table, best row first.
type Option struct {
	Metric string `json:"metric"`
	Table  []Row  `json:"table"`
}

// Row earns Points when the metric is at least Min (in the metric's display unit).
type Row struct {
	Min    float64 `json:"min"`
	Points int     `json:"points"`
}

// Max is the most points the part can earn.
func (p Part) Max() int {
	m := 0
	for _, o := range p.Options {
		for _, r := range o.Table {
			m = max(m, r.Points)
		}
	}
	return m
}
