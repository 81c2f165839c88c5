package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"fuhua/internal/profile"
)

// Catalogue is every programme in every version.
type Catalogue struct {
	Programmes []Programme `json:"programmes"`
}

// For returns the programmes in force in year, in catalogue order.
func (c Catalogue) For(year int) []*Programme {
	var out []*Programme
	for i := range c.Programmes {
		if c.Programmes[i].InForce(year) {
			out = append(out, &c.Programmes[i])
		}
	}
	return out
}

// Get returns the version of programme code in force in year.
func (c Catalogue) Get(code string, year int) (*Programme, bool) {
	for i := range c.Programmes {
		if c.Programmes[i].Code == code && c.Programmes[i].InForce(year) {
			return &c.Programmes[i], true
		}
	}
	return nil, false
}

// Has reports whether any version of programme code exists.
func (c Catalogue) Has(code string) bool {
	return slices.ContainsFunc(c.Programmes, func(p Programme) bool { return p.Code == code })
}

// Codes lists the programme codes once each, in catalogue order.
func (c Catalogue) Codes() []string {
	var out []string
	for _, p := range c.Programmes {
		if !slices.Contains(out, p.Code) {
			out = append(out, p.Code)
		}
	}
	return out
}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Validate checks a catalogue: codes lower-case ASCII, versions of one programme
// not overlapping in years, every text in Chinese and English, a source with the
// date it was read, and every condition well formed for its kind (a known metric
// of the right type, a valid operator, ascending bands ending open, score tables
// best row first, a known provider type).
func Validate(c Catalogue) error {
	var errs []error
	for i := range c.Programmes {
		g := &c.Programmes[i]
		where := fmt.Sprintf("programme %q (%s)", g.Code, g.Version)
		bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(where+": "+format, a...)) }
		if !codeRE.MatchString(g.Code) {
			bad("code must be lower-case ASCII")
		}
		if g.ZH == "" || g.EN == "" || g.Version == "" {
			bad("needs zh, en and version")
		}
		if g.From < 2000 || (g.Until != 0 && g.Until < g.From) {
			bad("years %d–%d", g.From, g.Until)
		}
		switch g.AppliesTo {
		case profile.Startup, profile.Carrier, profile.Enclave:
		default:
			bad("applies_to %q", g.AppliesTo)
		}
		if g.Source.Document == "" {
			bad("source needs a document")
		}
		if _, err := time.Parse(time.DateOnly, g.Source.Read); err != nil {
			bad("source.read %q is not a date", g.Source.Read)
		}
		for j := range c.Programmes[:i] {
			h := &c.Programmes[j]
			if h.Code == g.Code && h.From <= orMax(g.Until) && g.From <= orMax(h.Until) {
				bad("overlaps version %s", h.Version)
			}
		}
		if len(g.Conditions) == 0 {
			bad("has no conditions")
		}
		seen := map[string]bool{}
		for k := range g.Conditions {
			validateCondition(&g.Conditions[k], seen, func(format string, a ...any) { bad(format, a...) })
		}
	}
	return errors.Join(errs...)
}

func orMax(y int) int {
	if y == 0 {
		return 1 << 30
	}
	return y
}

var wantType = map[Kind][]MetricType{
	Compare: {Count, Amount, Share}, Banded: {Count, Amount, Share}, Age: {DateType},
	Flag: {FlagType}, In: {Codes}, Cert: {CertType},
}

func validateCondition(c *Condition, seen map[string]bool, bad func(string, ...any)) {
	at := fmt.Sprintf("condition %q", c.Code)
	if !codeRE.MatchString(c.Code) || seen[c.Code] {
		bad("%s: code must be lower-case ASCII and unique in its programme", at)
	}
	seen[c.Code] = true
	if c.ZH == "" || c.EN == "" {
		bad("%s: needs zh and en", at)
	}
	if c.Provider != "" && !profile.ProviderTypes.Has(c.Provider) {
		bad("%s: provider %q is not a provider type (%s)", at, c.Provider, profile.ProviderTypes.List())
	}
	if types, ok := wantType[c.Kind]; ok {
		m, known := metrics[c.Metric]
		if !known {
			bad("%s: unknown metric %q (known: %v)", at, c.Metric, MetricNames())
		} else if !slices.Contains(types, m.Type) {
			bad("%s: metric %q is a %s, not usable by a %s rule", at, c.Metric, m.Type, c.Kind)
		}
	}
	switch c.Kind {
	case Compare, Banded, Age:
		if !slices.Contains([]string{">=", ">", "<=", "<", "=="}, c.Op) {
			bad("%s: op %q", at, c.Op)
		}
		if c.Kind == Banded {
			if m, ok := metrics[c.By]; !ok || (m.Type != Count && m.Type != Amount && m.Type != Share) {
				bad("%s: by %q is not a numeric metric", at, c.By)
			}
			if len(c.Bands) == 0 || c.Bands[len(c.Bands)-1].UpTo != nil {
				bad("%s: bands must end with an open band", at)
			}
			for i := 1; i < len(c.Bands)-1; i++ {
				if *c.Bands[i].UpTo <= *c.Bands[i-1].UpTo {
					bad("%s: bands must ascend", at)
				}
			}
			for i := 0; i < len(c.Bands)-1; i++ {
				if c.Bands[i].UpTo == nil {
					bad("%s: only the last band may be open", at)
				}
			}
		}
	case Flag, Cert:
		if c.Kind == Cert && c.Value < 1 {
			bad("%s: a certificate needs its years of validity", at)
		}
	case In:
		if len(c.Values) == 0 {
			bad("%s: no values", at)
		}
	case Score:
		if len(c.Parts) == 0 || c.Pass <= 0 {
			bad("%s: a score needs parts and a pass mark", at)
		}
		for _, p := range c.Parts {
			if p.Code == "" || p.ZH == "" || p.EN == "" || len(p.Options) == 0 {
				bad("%s: part %q needs code, zh, en and options", at, p.Code)
			}
			if p.Provider != "" && !profile.ProviderTypes.Has(p.Provider) {
				bad("%s: part %q: provider %q", at, p.Code, p.Provider)
			}
			for _, o := range p.Options {
				if m, ok := metrics[o.Metric]; !ok || (m.Type != Count && m.Type != Amount && m.Type != Share) {
					bad("%s: part %q: metric %q is not numeric", at, p.Code, o.Metric)
				}
				for i := 1; i < len(o.Table); i++ {
					if o.Table[i].Min >= o.Table[i-1].Min || o.Table[i].Points >= o.Table[i-1].Points {
						bad("%s: part %q: table rows must go from the best down", at, p.Code)
					}
				}
			}
		}
		for _, r := range c.Require {
			if !slices.ContainsFunc(c.Parts, func(p Part) bool { return p.Code == r }) {
				bad("%s: require names no part %q", at, r)
			}
		}
	case Any, All:
		if len(c.Of) == 0 {
			bad("%s: an empty group", at)
		}
		for i := range c.Of {
			validateCondition(&c.Of[i], seen, bad)
		}
	case Lacking:
		if c.Need == nil || c.Need.ZH == "" || c.Need.EN == "" {
			bad("%s: a lacking rule says what is needed, in zh and en", at)
		}
	default:
		bad("%s: unknown kind %q", at, c.Kind)
	}
	if c.Close != nil && c.Close.Pct <= 0 && c.Close.Abs <= 0 {
		bad("%s: close needs pct or abs", at)
	}
}
