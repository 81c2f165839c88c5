package policy

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"fuhua/internal/profile"
)

// Outcome is one condition evaluated against one profile.
type Outcome struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	// Met is true, false, or null when the condition needs data fuhua lacks.
	Met *bool `json:"met"`
	// Have is what the profile holds; Need what the condition asks for.
	Have Text `json:"have"`
	Need Text `json:"need"`
	// Close marks an unmet condition within its stated gap.
	Close bool `json:"close,omitempty"`
	// Lacking marks an unknown that no profile can settle: data fuhua does not
	// collect (as opposed to a field this profile left empty).
	Lacking  bool   `json:"lacking,omitempty"`
	Provider string `json:"provider,omitempty"`
	Guess    bool   `json:"guess,omitempty"`
	// Points and Parts are a Score's total and its parts.
	Points int         `json:"points,omitempty"`
	Parts  []PartScore `json:"parts,omitempty"`
	// Of are the members of an Any or All group; Branch names the first member of
	// an Any that is met.
	Of     []Outcome `json:"of,omitempty"`
	Branch string    `json:"branch,omitempty"`
}

// PartScore is one part of a Score: its points, and the metric (and its value, in
// basis points for shares) of the option that earned them.
type PartScore struct {
	Code     string  `json:"code"`
	ZH       string  `json:"zh"`
	EN       string  `json:"en"`
	Points   int     `json:"points"`
	Max      int     `json:"max"`
	Metric   string  `json:"metric"`
	Value    float64 `json:"value"`
	Provider string  `json:"provider,omitempty"`
}

// IsMet reports whether the outcome is met (not unmet, not unknown).
func (o Outcome) IsMet() bool { return o.Met != nil && *o.Met }

// IsUnmet reports whether the outcome is known to be unmet.
func (o Outcome) IsUnmet() bool { return o.Met != nil && !*o.Met }

// Result is one programme evaluated against one profile.
type Result struct {
	Code      string       `json:"code"`
	ZH        string       `json:"zh"`
	EN        string       `json:"en"`
	Version   string       `json:"version"`
	Year      int          `json:"year"`
	AppliesTo profile.Kind `json:"applies_to"`
	Status    Status       `json:"status"`
	Guess     bool         `json:"guess,omitempty"`
	Source    Source       `json:"source"`
	Note      Text         `json:"note"`
	// Conditions are the programme's conditions, in its order.
	Conditions []Outcome `json:"conditions"`
}

// Condition returns the outcome of the top-level condition code.
func (r Result) Condition(code string) (Outcome, bool) {
	for _, o := range r.Conditions {
		if o.Code == code {
			return o, true
		}
	}
	return Outcome{}, false
}

// Providers lists, in order and once each, the provider types whose services
// would close the result's gaps: those of unmet or unknown conditions (inside a
// group that is not met, its members that are not met; inside a score that does
// not pass, its parts below their maximum).
func (r Result) Providers() []string {
	var out []string
	add := func(t string) {
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	var walk func(o Outcome)
	walk = func(o Outcome) {
		if o.IsMet() {
			return
		}
		add(o.Provider)
		for _, p := range o.Parts {
			if p.Points < p.Max {
				add(p.Provider)
			}
		}
		for _, m := range o.Of {
			walk(m)
		}
	}
	for _, o := range r.Conditions {
		walk(o)
	}
	return out
}

// Date is the day a programme is evaluated on: its year picks the rule version and
// the certificates in force; ages count to it.
type Date struct{ time.Time }

// YearEnd is 31 December of year, the date a yearly assessment looks from.
func YearEnd(year int) Date { return Date{time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)} }

// Evaluate evaluates programme g against p on day on. g must have passed Validate
// (the catalogue's loader checks every programme once).
func Evaluate(g *Programme, p *profile.Profile, on Date) Result {
	r := Result{Code: g.Code, ZH: g.ZH, EN: g.EN, Version: g.Version, Year: on.Year(), AppliesTo: g.AppliesTo,
		Guess: g.Guess, Source: g.Source, Note: g.Note, Conditions: make([]Outcome, 0, len(g.Conditions))}
	unmet, close, unknown, unfilled := false, false, false, false
	for i := range g.Conditions {
		o := evaluate(&g.Conditions[i], p, on)
		switch {
		case o.Met == nil:
			unknown = true
			unfilled = unfilled || !o.Lacking
		case !*o.Met && o.Close:
			close = true
		case !*o.Met:
			unmet = true
		}
		r.Conditions = append(r.Conditions, o)
	}
	// A field the profile left empty could hide anything, so it outranks close; data
	// fuhua never holds does not, or no programme with such a rule could be close.
	switch {
	case unmet:
		r.Status = NotEligible
	case unfilled:
		r.Status = Unknown
	case close:
		r.Status = Close
	case unknown:
		r.Status = Unknown
	default:
		r.Status = Eligible
	}
	return r
}

// met returns a fresh pointer, so no outcome shares its Met with another.
func met(b bool) *bool { return &b }

func evaluate(c *Condition, p *profile.Profile, on Date) Outcome {
	o := Outcome{Code: c.Code, ZH: c.ZH, EN: c.EN, Provider: c.Provider, Guess: c.Guess}
	m := metrics[c.Metric]
	switch c.Kind {
	case Compare, Banded:
		v, ok := m.num(p)
		if ok && c.ZeroUnknown && v == 0 {
			ok = false
		}
		if ok {
			o.Have = Text{ZH: m.ZH + " " + m.formatZH(v), EN: m.EN + " " + m.formatEN(v)}
		} else {
			o.Have = notFilled(m)
		}
		t, bandZH, bandEN, bandOK := c.Value, "", "", true
		if c.Kind == Banded {
			t, bandZH, bandEN, bandOK = c.band(p)
		}
		o.Need = Text{ZH: "需 " + opSign(c.Op) + " " + m.formatZH(m.scale(t)) + bandZH, EN: "needs " + opSign(c.Op) + " " + m.formatEN(m.scale(t)) + bandEN}
		if !ok || !bandOK {
			return o
		}
		tv := m.scale(t)
		o.Met = met(holds(c.Op, v, tv))
		if !*o.Met && c.Close != nil {
			o.Close = c.Close.within(v, tv, m.scale(c.Close.Abs))
		}
	case Age:
		d := m.date(p)
		at, err := time.Parse(time.DateOnly, d)
		if err != nil {
			o.Have, o.Need = notFilled(m), Text{ZH: "需 " + opSign(c.Op) + " " + years(c.Value) + " 年", EN: "needs " + opSign(c.Op) + " " + years(c.Value) + " years"}
			return o
		}
		months := float64(monthsBetween(at, on.Time))
		o.Have = Text{ZH: fmt.Sprintf("%s %s，至 %s 满 %s 年", m.ZH, d, on.Format(time.DateOnly), years(math.Floor(months/1.2)/10)),
			EN: fmt.Sprintf("%s %s: %s years by %s", m.EN, d, years(math.Floor(months/1.2)/10), on.Format(time.DateOnly))}
		o.Need = Text{ZH: "需 " + opSign(c.Op) + " " + years(c.Value) + " 年", EN: "needs " + opSign(c.Op) + " " + years(c.Value) + " years"}
		o.Met = met(holds(c.Op, months, math.Round(c.Value*12)))
		if !*o.Met && c.Close != nil {
			o.Close = c.Close.within(months, math.Round(c.Value*12), math.Round(c.Close.Abs*12))
		}
	case Flag:
		want := c.Want == nil || *c.Want
		v := m.flag(p)
		o.Have = Text{ZH: m.ZH + "：" + yesNoZH(v), EN: m.EN + ": " + yesNoEN(v)}
		o.Need = Text{ZH: "需为「" + yesNoZH(want) + "」", EN: "needs " + yesNoEN(want)}
		o.Met = met(v == want)
	case In:
		vs := m.codes(p)
		o.Need = Text{ZH: "需为：" + names(c.Metric, c.Values, "、"), EN: "needs one of: " + strings.Join(c.Values, ", ")}
		if c.Need != nil {
			o.Need = *c.Need
		}
		if len(vs) == 0 {
			o.Have = notFilled(m)
			if !c.ZeroUnknown {
				o.Met = met(false)
			}
			return o
		}
		o.Have = Text{ZH: m.ZH + "：" + names(c.Metric, vs, "、"), EN: m.EN + ": " + strings.Join(vs, ", ")}
		hit := false
		for _, v := range vs {
			hit = hit || slices.Contains(c.Values, v)
		}
		o.Met = met(hit)
	case Cert:
		y := on.Year()
		ct := m.cert(p)
		n := int(c.Value)
		o.Need = Text{ZH: fmt.Sprintf("需持有有效的%s（认定当年起 %d 年内有效）", m.ZH, n),
			EN: fmt.Sprintf("needs a valid %s (valid for %d years from the year granted)", m.EN, n)}
		switch {
		case ct == nil || !ct.Passed:
			o.Have = Text{ZH: "未持有" + m.ZH, EN: "no " + m.EN}
			o.Met = met(false)
		case y >= ct.Year && y-ct.Year < n:
			o.Have = Text{ZH: fmt.Sprintf("%d 年认定，%d 年有效", ct.Year, y), EN: fmt.Sprintf("granted %d, valid in %d", ct.Year, y)}
			o.Met = met(true)
		case y < ct.Year:
			o.Have = Text{ZH: fmt.Sprintf("%d 年认定，晚于 %d 年", ct.Year, y), EN: fmt.Sprintf("granted %d, after %d", ct.Year, y)}
			o.Met = met(false)
		default:
			o.Have = Text{ZH: fmt.Sprintf("%d 年认定，%d 年已过有效期", ct.Year, y), EN: fmt.Sprintf("granted %d, expired by %d", ct.Year, y)}
			o.Met = met(false)
		}
	case Score:
		o = score(c, p, o)
	case Any, All:
		o = group(c, p, on, o)
	case Lacking:
		o.Lacking = true
		o.Have = Text{ZH: "平台未收集该项数据", EN: "not collected by fuhua"}
		if c.Need != nil {
			o.Need = *c.Need
		}
	}
	return o
}

func score(c *Condition, p *profile.Profile, o Outcome) Outcome {
	var hz, he []string
	for _, part := range c.Parts {
		ps := PartScore{Code: part.Code, ZH: part.ZH, EN: part.EN, Max: part.Max(), Provider: part.Provider}
		for i, opt := range part.Options {
			m := metrics[opt.Metric]
			v, ok := m.num(p)
			if !ok {
				v = 0 // a score counts what the profile states: an unknown measure earns nothing
			}
			pts := 0
			for _, row := range opt.Table {
				if v >= m.scale(row.Min) {
					pts = row.Points
					break
				}
			}
			// The first option stands unless a later one earns strictly more.
			if i == 0 || pts > ps.Points {
				ps.Points, ps.Metric, ps.Value = pts, opt.Metric, v
			}
		}
		o.Points += ps.Points
		o.Parts = append(o.Parts, ps)
		hz = append(hz, fmt.Sprintf("%s %d", part.ZH, ps.Points))
		he = append(he, fmt.Sprintf("%s %d", part.EN, ps.Points))
	}
	ok := o.Points >= c.Pass
	var reqZH, reqEN []string
	required := true
	for _, code := range c.Require {
		for _, ps := range o.Parts {
			if ps.Code == code {
				reqZH, reqEN = append(reqZH, ps.ZH), append(reqEN, ps.EN)
				if ps.Points == 0 {
					required = false
				}
			}
		}
	}
	o.Have = Text{ZH: fmt.Sprintf("总分 %d 分（%s）", o.Points, strings.Join(hz, "、")),
		EN: fmt.Sprintf("%d points (%s)", o.Points, strings.Join(he, ", "))}
	o.Need = Text{ZH: fmt.Sprintf("需 ≥ %d 分", c.Pass), EN: fmt.Sprintf("needs ≥ %d points", c.Pass)}
	if len(reqZH) > 0 {
		o.Need.ZH += "，且" + strings.Join(reqZH, "、") + "不为 0 分"
		o.Need.EN += ", with non-zero " + strings.Join(reqEN, ", ")
	}
	o.Met = met(ok && required)
	if !*o.Met && c.Close != nil && required {
		o.Close = float64(c.Pass-o.Points) <= c.Close.Abs
	}
	return o
}

func group(c *Condition, p *profile.Profile, on Date, o Outcome) Outcome {
	var metN, unknownN, closeN int
	lacking := true // every unknown member is data fuhua lacks
	var nz, ne, hz, he []string
	for i := range c.Of {
		m := evaluate(&c.Of[i], p, on)
		o.Of = append(o.Of, m)
		switch {
		case m.IsMet():
			metN++
			if o.Branch == "" {
				o.Branch = m.Code
			}
		case m.Met == nil:
			unknownN++
			lacking = lacking && m.Lacking
		case m.Close:
			closeN++
		}
		nz, ne = append(nz, m.ZH), append(ne, m.EN)
		hz, he = append(hz, m.ZH+"："+m.Have.ZH), append(he, m.EN+": "+m.Have.EN)
	}
	n := len(c.Of)
	o.Have = Text{ZH: strings.Join(hz, "；"), EN: strings.Join(he, "; ")}
	if c.Kind == Any {
		o.Need = Text{ZH: "满足其一：" + strings.Join(nz, "；"), EN: "any one of: " + strings.Join(ne, "; ")}
		switch {
		case metN > 0:
			o.Met = met(true)
		case unknownN > 0:
			o.Lacking = lacking
		default:
			o.Met, o.Close = met(false), closeN > 0
		}
		return o
	}
	o.Branch = ""
	o.Need = Text{ZH: "全部满足：" + strings.Join(nz, "；"), EN: "all of: " + strings.Join(ne, "; ")}
	switch {
	case metN == n:
		o.Met = met(true)
	case metN+unknownN+closeN < n: // some member is unmet and not close
		o.Met = met(false)
	case closeN > 0:
		o.Met, o.Close = met(false), true
	default:
		o.Lacking = lacking
	}
	return o
}

// band returns the threshold of a Banded rule for p, and the band as words.
func (c *Condition) band(p *profile.Profile) (float64, string, string, bool) {
	bm := metrics[c.By]
	v, ok := bm.num(p)
	if !ok || (c.ZeroUnknown && v == 0) {
		return c.Bands[0].Value, fmt.Sprintf("（按%s分档，%s未填写）", bm.ZH, bm.ZH),
			fmt.Sprintf(" (by band of %s, which is not filled in)", bm.EN), false
	}
	lo := math.Inf(-1)
	for _, b := range c.Bands {
		if b.UpTo == nil || v <= bm.scale(*b.UpTo) {
			switch {
			case b.UpTo == nil:
				return b.Value, fmt.Sprintf("（%s > %s）", bm.ZH, bm.formatZH(lo)), fmt.Sprintf(" (%s above %s)", bm.EN, bm.formatEN(lo)), true
			default:
				return b.Value, fmt.Sprintf("（%s ≤ %s）", bm.ZH, bm.formatZH(bm.scale(*b.UpTo))), fmt.Sprintf(" (%s up to %s)", bm.EN, bm.formatEN(bm.scale(*b.UpTo))), true
			}
		}
		lo = bm.scale(*b.UpTo)
	}
	return c.Bands[len(c.Bands)-1].Value, "", "", true // Validate requires an open last band
}

// within reports whether unmet value v is near enough threshold t: abs is in the
// metric's compared unit.
func (g *Gap) within(v, t, abs float64) bool {
	d := math.Abs(v - t)
	if g.Pct > 0 && d <= math.Abs(t)*g.Pct/100+1e-9 {
		return true
	}
	return g.Abs > 0 && d <= abs+1e-9
}

// opSign writes an operator as people read it.
func opSign(op string) string {
	switch op {
	case ">=":
		return "≥"
	case "<=":
		return "≤"
	case "==":
		return "="
	}
	return op
}

func holds(op string, v, t float64) bool {
	switch op {
	case ">=":
		return v >= t
	case ">":
		return v > t
	case "<=":
		return v <= t
	case "<":
		return v < t
	case "==":
		return v == t
	}
	return false
}

// monthsBetween counts whole months from a to b (negative when b is earlier).
func monthsBetween(a, b time.Time) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if n > 0 && b.Day() < a.Day() {
		n--
	} else if n < 0 && b.Day() > a.Day() {
		n++
	}
	return n
}

// scale turns a threshold in the display unit into the compared unit (basis
// points for shares).
func (m Metric) scale(v float64) float64 {
	if m.Type == Share {
		return math.Round(v * 100)
	}
	return v
}

func (m Metric) formatZH(v float64) string { return m.format(v) + m.UnitZH }
func (m Metric) formatEN(v float64) string {
	if m.Type == Share {
		return m.format(v) + "%"
	}
	return m.format(v) + m.UnitEN
}

func (m Metric) format(v float64) string {
	if m.Type == Share {
		v /= 100
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func years(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func notFilled(m Metric) Text {
	return Text{ZH: m.ZH + "未填写", EN: m.EN + " not filled in"}
}

func yesNoZH(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func yesNoEN(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// codeNames are the Chinese names of the codes a metric holds, where the profile
// package keeps them.
var codeNames = map[string]profile.CodeSet{
	"stage": profile.Stages, "status": profile.StartupStatuses, "level": profile.Levels,
	"host_region": profile.HostRegions, "type": profile.CarrierTypes, "services": profile.OfferServices,
}

func names(metric string, codes []string, sep string) string {
	set, ok := codeNames[metric]
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if ok {
			out[i] = set.ZH(c)
		}
	}
	return strings.Join(out, sep)
}
