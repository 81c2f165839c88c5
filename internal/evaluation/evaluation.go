// Package evaluation scores incubation carriers against rule sets kept as data
// (seed.RuleSets: the Jiangsu provincial index, the MIIT 2025 standard level, the
// national accreditation and maker-space filing thresholds, the graduation
// conditions). Every indicator is computed from what fuhua holds — the carrier's
// own fields, its startups by carrier_id, accepted introductions and their
// outcomes — and is marked missing (数据缺失), with what would be needed, where
// fuhua does not hold the data; nothing is guessed. It is pure: no I/O, no clock,
// no HTTP, no database; the caller loads the data and passes the year.
package evaluation

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"fuhua/internal/intro"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// Status is an indicator's outcome.
type Status string

// The statuses.
const (
	OK      Status = "ok"
	Missing Status = "missing"
	Failed  Status = "failed"
)

// Grade is a carrier's standing under a rule set.
type Grade string

// The grades.
const (
	// Exemplary: a scored rule set's score at or above its exemplary line, with
	// every check met.
	Exemplary Grade = "exemplary"
	// Pass: no check failed and the score (if any) clears the at-risk line.
	Pass Grade = "pass"
	// Incomplete: nothing failed that data fuhua holds can show, but data is
	// missing that could change the verdict.
	Incomplete Grade = "incomplete"
	// AtRisk: a veto check failed, or the score stays below the at-risk line even
	// if every missing indicator earned full points — at risk of 降等/摘牌.
	AtRisk Grade = "at_risk"
)

var gradeNames = map[Grade][2]string{
	Exemplary:  {"优秀", "exemplary"},
	Pass:       {"合格", "pass"},
	Incomplete: {"数据不全", "incomplete data"},
	AtRisk:     {"有降等/摘牌风险", "at risk of downgrade or delisting"},
}

// Data is everything the engine reads, loaded once for any number of carriers.
type Data struct {
	// Startups are all startup profiles; archived ones are ignored.
	Startups []profile.Profile
	// Carriers are all carrier profiles (the landing places of graduates).
	Carriers []profile.Profile
	// Intros are introductions; only accepted ones count.
	Intros []intro.Introduction
	// Mentors are the mentor profiles (their appointments name carriers) and
	// Services the mentor pool's logged sessions of the year evaluated.
	Mentors  []profile.Profile
	Services []mentor.Service

	byCarrier map[string][]*profile.Profile
	carriers  map[string]*profile.Profile
	startups  map[string]*profile.Profile
}

// index groups the startups by carrier once.
func (d *Data) index() {
	if d.byCarrier != nil {
		return
	}
	d.byCarrier = map[string][]*profile.Profile{}
	d.carriers = map[string]*profile.Profile{}
	d.startups = map[string]*profile.Profile{}
	for i := range d.Startups {
		s := &d.Startups[i]
		d.startups[s.ID] = s
		if !s.Archived && s.CarrierID != "" {
			d.byCarrier[s.CarrierID] = append(d.byCarrier[s.CarrierID], s)
		}
	}
	for i := range d.Carriers {
		d.carriers[d.Carriers[i].ID] = &d.Carriers[i]
	}
}

// Indicator is one indicator or check with its value and evidence. Value is
// null when the status is missing or the value has no basis (a share of no
// incubatees).
type Indicator struct {
	Code      string   `json:"code"`
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	Metric    string   `json:"metric,omitempty"`
	Value     *float64 `json:"value"`
	UnitZH    string   `json:"unit_zh,omitempty"`
	UnitEN    string   `json:"unit_en,omitempty"`
	Points    float64  `json:"points"`
	MaxPoints float64  `json:"max_points"`
	Status    Status   `json:"status"`
	// Target is the value that earns full points (scored) or the threshold a
	// check compares with, by Op.
	Target float64 `json:"target"`
	Op     string  `json:"op,omitempty"`
	// Numerator and Denominator explain a share.
	Numerator   *int     `json:"numerator,omitempty"`
	Denominator *int     `json:"denominator,omitempty"`
	Evidence    []string `json:"evidence"`
	// Note (Chinese) and NoteEN explain how the value was computed, what data
	// a missing value needs, and where a number is this project's guess.
	Note   string `json:"note"`
	NoteEN string `json:"note_en"`
	Guess  bool   `json:"guess,omitempty"`
	Veto   bool   `json:"veto,omitempty"`
	// AnyOf holds a check's alternatives, any one of which suffices.
	AnyOf []Indicator `json:"any_of,omitempty"`
}

// Section is a first-level indicator with its weight and score; the checks of a
// rule set form a section of their own.
type Section struct {
	Code   string  `json:"code"`
	ZH     string  `json:"zh"`
	EN     string  `json:"en"`
	Weight float64 `json:"weight"`
	Score  float64 `json:"score"`
	// WeightsPublished is false where the split of Weight among the indicators
	// is this project's, not the source's; Note says so.
	WeightsPublished bool        `json:"weights_published"`
	Note             string      `json:"note,omitempty"`
	NoteEN           string      `json:"note_en,omitempty"`
	Indicators       []Indicator `json:"indicators"`
}

// Warning is a threshold the carrier fails, or a problem with its data.
type Warning struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	// Evidence names the firms the warning is about, where it is about firms.
	Evidence []string `json:"evidence,omitempty"`
}

// Result is one carrier's evaluation under one rule set for one year.
type Result struct {
	CarrierID string  `json:"carrier_id"`
	Name      string  `json:"name"`
	District  string  `json:"district"`
	Type      string  `json:"type"`
	Level     string  `json:"level"`
	Year      int     `json:"year"`
	Ruleset   string  `json:"ruleset"`
	RulesetZH string  `json:"ruleset_zh"`
	RulesetEN string  `json:"ruleset_en"`
	Source    string  `json:"source"`
	Score     float64 `json:"score"`
	MaxScore  float64 `json:"max_score"`
	// MissingPoints is how many points rest on data fuhua does not hold.
	MissingPoints float64   `json:"missing_points"`
	Grade         Grade     `json:"grade"`
	GradeZH       string    `json:"grade_zh"`
	GradeEN       string    `json:"grade_en"`
	Sections      []Section `json:"sections"`
	Warnings      []Warning `json:"warnings"`
	Note          string    `json:"note"`
	NoteEN        string    `json:"note_en"`
	// Failed and MissingCount count the indicators and checks in each status.
	Failed       int `json:"failed"`
	MissingCount int `json:"missing"`
}

// Validate checks that every metric rs names is one the engine computes (or
// knows fuhua lacks), so a rule set file cannot silently score nothing.
func Validate(rs seed.RuleSet) error {
	var bad []string
	var walk func(r seed.Rule, firm bool)
	walk = func(r seed.Rule, firm bool) {
		for _, a := range r.AnyOf {
			walk(a, firm)
		}
		if r.Metric == "" {
			return
		}
		if _, ok := firmMetrics[r.Metric]; firm && !ok {
			bad = append(bad, r.Metric)
		}
		if _, ok := metrics[r.Metric]; !firm && !ok {
			bad = append(bad, r.Metric)
		}
	}
	for _, s := range append(slices.Clone(rs.Sections), bonus(rs)...) {
		for _, in := range s.Indicators {
			walk(in, false)
		}
	}
	for _, c := range rs.Checks {
		walk(c, false)
	}
	for _, c := range rs.Conditions {
		walk(c, true)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: unknown metrics: %s", rs.Code, strings.Join(bad, ", "))
	}
	return nil
}

func bonus(rs seed.RuleSet) []seed.RuleSection {
	if rs.Bonus == nil {
		return nil
	}
	return []seed.RuleSection{*rs.Bonus}
}

// Applies reports whether rs evaluates carriers of type typ in year.
func Applies(rs seed.RuleSet, typ string, year int) bool {
	return slices.Contains(rs.AppliesTo, typ) && rs.YearFrom <= year && year <= rs.YearTo
}

// Default returns the default rule set for a carrier type and year.
func Default(sets []seed.RuleSet, typ string, year int) (seed.RuleSet, bool) {
	for _, rs := range sets {
		if rs.Default && Applies(rs, typ, year) {
			return rs, true
		}
	}
	return seed.RuleSet{}, false
}

// Evaluate computes carrier c's evaluation under rs for year. The caller checks
// that rs applies (Applies).
func Evaluate(rs seed.RuleSet, c *profile.Profile, d *Data, year int) Result {
	d.index()
	f := d.gather(c, year)
	r := Result{CarrierID: c.ID, Name: c.Name, District: c.District, Type: c.Type, Level: c.Level, Year: year,
		Ruleset: rs.Code, RulesetZH: rs.ZH, RulesetEN: rs.EN, Source: rs.Source, Note: rs.NoteZH, NoteEN: rs.NoteEN,
		Sections: []Section{}, Warnings: []Warning{}}
	vetoFailed := false
	switch rs.Kind {
	case seed.Scored:
		for _, s := range append(slices.Clone(rs.Sections), bonus(rs)...) {
			sec := Section{Code: s.Code, ZH: s.ZH, EN: s.EN, Weight: s.Weight, WeightsPublished: s.WeightsPublished}
			if !s.WeightsPublished {
				sec.Note = "该项下二级指标权重未公开：此处平均分配，满分所需数值为[推测]"
				sec.NoteEN = "the weights inside this section are not published: split equally here, full-points values are a [guess]"
			}
			for _, rule := range s.Indicators {
				in := scored(rule, f)
				sec.Score += in.Points
				if in.Status == Missing {
					r.MissingPoints += in.MaxPoints
				}
				sec.Indicators = append(sec.Indicators, in)
			}
			sec.Score = round(math.Min(sec.Score, s.Weight))
			r.Score += sec.Score
			r.MaxScore += s.Weight
			r.Sections = append(r.Sections, sec)
		}
		if len(rs.Checks) > 0 {
			sec := Section{Code: "checks", ZH: "否决与门槛条件", EN: "Veto and threshold checks", WeightsPublished: true,
				Note: "不计分；任一否决项不达标即有降等/摘牌风险", NoteEN: "not scored; any veto check failed puts the carrier at risk"}
			for _, rule := range rs.Checks {
				in := check(rule, f)
				in.Points, in.MaxPoints = 0, 0
				vetoFailed = warn(&r, rule, in) || vetoFailed
				sec.Indicators = append(sec.Indicators, in)
			}
			r.Sections = append(r.Sections, sec)
		}
	case seed.Checks:
		sec := Section{Code: "checks", ZH: "认定与备案条件", EN: "Accreditation and filing conditions", WeightsPublished: true}
		for _, rule := range rs.Checks {
			in := check(rule, f)
			sec.Score += in.Points
			if in.Status == Missing {
				r.MissingPoints += in.MaxPoints
			}
			vetoFailed = warn(&r, rule, in) || vetoFailed
			sec.Indicators = append(sec.Indicators, in)
		}
		sec.Weight = float64(len(rs.Checks))
		r.Score, r.MaxScore = sec.Score, sec.Weight
		r.Sections = append(r.Sections, sec)
	case seed.Graduation:
		sec := graduation(rs, f)
		r.Score, r.MaxScore = sec.Score, sec.Weight
		for _, in := range sec.Indicators {
			if in.Status == Missing {
				r.MissingPoints++
			}
			if in.Status == Failed {
				r.Warnings = append(r.Warnings, Warning{Code: "graduation_unmet",
					ZH:       "毕业企业未满足任一毕业条件：" + in.ZH,
					EN:       "a graduate meets none of the graduation conditions: " + in.EN,
					Evidence: in.Evidence})
			}
		}
		r.Sections = append(r.Sections, sec)
	}
	if len(f.undated) > 0 {
		r.Warnings = append(r.Warnings, Warning{Code: "undated_firms",
			ZH:       fmt.Sprintf("%d 家企业未填入孵日期（incubated_since），未计入在孵企业", len(f.undated)),
			EN:       fmt.Sprintf("%d firms have no incubated_since date and are not counted as incubatees", len(f.undated)),
			Evidence: f.undated})
	}
	for _, s := range r.Sections {
		for _, in := range s.Indicators {
			switch in.Status {
			case Failed:
				r.Failed++
			case Missing:
				r.MissingCount++
			}
		}
	}
	r.Score, r.MaxScore, r.MissingPoints = round(r.Score), round(r.MaxScore), round(r.MissingPoints)
	r.Grade = grade(rs, r, vetoFailed)
	r.GradeZH, r.GradeEN = gradeNames[r.Grade][0], gradeNames[r.Grade][1]
	return r
}

// grade judges the result: see the Grade constants.
func grade(rs seed.RuleSet, r Result, vetoFailed bool) Grade {
	switch rs.Kind {
	case seed.Scored:
		g := rs.Grades
		switch {
		case vetoFailed || r.Score+r.MissingPoints < g.AtRiskBelow:
			return AtRisk
		case r.Score < g.AtRiskBelow:
			return Incomplete
		case r.Score >= g.ExemplaryAt && r.Failed == 0 && r.MissingCount == 0:
			return Exemplary
		}
		return Pass
	case seed.Graduation:
		if r.Failed > 0 {
			return AtRisk
		}
	default:
		if vetoFailed {
			return AtRisk
		}
	}
	if r.MissingCount > 0 {
		return Incomplete
	}
	return Pass
}

// warn adds rule's warning when in failed, and reports whether a veto failed.
func warn(r *Result, rule seed.Rule, in Indicator) bool {
	if in.Status != Failed {
		return false
	}
	zh, en := rule.WarnZH, rule.WarnEN
	if zh == "" {
		zh, en = "未达到："+rule.ZH, "not met: "+rule.EN
	}
	r.Warnings = append(r.Warnings, Warning{Code: rule.Code, ZH: zh, EN: en})
	return rule.Veto
}

// scored computes a scored indicator: MaxPoints × min(1, value ÷ FullAt).
func scored(rule seed.Rule, f source) Indicator {
	in, m := base(rule, f)
	in.MaxPoints, in.Target = rule.MaxPoints, rule.FullAt
	if in.Status == OK && in.Value != nil {
		// From the unrounded value, so 2/12 of a 0.2 target is 5/6 of the points.
		in.Points = round(rule.MaxPoints * math.Min(1, math.Max(0, m.value)/rule.FullAt))
	}
	return in
}

// check computes a threshold check: ok when the value meets the threshold
// (or any alternative does), failed when it does not and nothing is missing.
func check(rule seed.Rule, f source) Indicator {
	if len(rule.AnyOf) > 0 {
		in := Indicator{Code: rule.Code, ZH: rule.ZH, EN: rule.EN, MaxPoints: 1, Evidence: []string{}, Veto: rule.Veto,
			Guess: rule.Guess, Note: rule.NoteZH, NoteEN: rule.NoteEN}
		in.Status = Failed
		anyMissing := false
		for _, a := range rule.AnyOf {
			alt := check(a, f)
			in.AnyOf = append(in.AnyOf, alt)
			switch alt.Status {
			case OK:
				if in.Status != OK {
					in.Status, in.Value, in.Evidence = OK, alt.Value, alt.Evidence
				}
			case Missing:
				anyMissing = true
			}
		}
		if in.Status != OK && anyMissing {
			in.Status = Missing
		}
		addNote(&in, "满足任一项即可", "any one alternative suffices")
		if in.Status == OK {
			in.Points = 1
		}
		return in
	}
	in, m := base(rule, f)
	in.MaxPoints, in.Op = 1, rule.Op
	in.Target = rule.Threshold(f.professional())
	if rule.ValueProfessional != nil && f.professional() {
		addNote(&in, fmt.Sprintf("专业孵化器门槛 %g", in.Target), fmt.Sprintf("specialised carrier's threshold %g", in.Target))
	}
	if in.Status == OK {
		if in.Value == nil {
			// A share of nothing (no incubatees) cannot meet a threshold.
			in.Status = Failed
		} else if !compare(m.value, rule.Op, in.Target) {
			in.Status = Failed
		} else {
			in.Points = 1
		}
	}
	return in
}

// source answers a metric's measure for one carrier and year; facts is the
// real one, tests give fixed values to walk every threshold.
type source interface {
	measure(metric string) measure
	professional() bool
}

func (f *facts) measure(metric string) measure { return metrics[metric].fn(f) }
func (f *facts) professional() bool            { return f.carrier.Professional }

// base computes the metric of rule and fills what every indicator shows.
func base(rule seed.Rule, f source) (Indicator, measure) {
	def := metrics[rule.Metric]
	m := f.measure(rule.Metric)
	in := Indicator{Code: rule.Code, ZH: rule.ZH, EN: rule.EN, Metric: rule.Metric, UnitZH: def.unitZH, UnitEN: def.unitEN,
		Evidence: m.evidence, Numerator: m.num, Denominator: m.den, Note: rule.NoteZH, NoteEN: rule.NoteEN, Guess: rule.Guess, Veto: rule.Veto}
	if in.Evidence == nil {
		in.Evidence = []string{}
	}
	if !m.held {
		in.Status = Missing
		addNote(&in, "数据缺失：需要"+def.needsZH, "data missing: needs "+def.needsEN)
		return in, m
	}
	in.Status = OK
	if m.noteZH == "" {
		v := round(m.value)
		in.Value = &v
	} else {
		addNote(&in, m.noteZH, m.noteEN)
	}
	return in, m
}

func addNote(in *Indicator, zh, en string) {
	if in.Note != "" {
		in.Note += "；"
		in.NoteEN += "; "
	}
	in.Note += zh
	in.NoteEN += en
}

// compare applies op. Shares are compared unrounded but with a tolerance of
// 1e-9, so 3/30 meets ">= 0.1" although it is 0.09999… in floating point.
func compare(v float64, op string, t float64) bool {
	const eps = 1e-9
	switch op {
	case ">=":
		return v >= t-eps
	case ">":
		return v > t+eps
	case "<=":
		return v <= t+eps
	case "<":
		return v < t-eps
	}
	return false
}

func round(x float64) float64 { return math.Round(x*10000) / 10000 }

// graduation checks each firm that graduated in the year against the
// conditions: ok if any is met, failed if none is and all are known, missing
// otherwise.
func graduation(rs seed.RuleSet, f *facts) Section {
	sec := Section{Code: "graduates", ZH: "当年毕业企业", EN: "The year's graduates", WeightsPublished: true,
		Weight: float64(len(f.graduatedYear)), Indicators: []Indicator{}}
	for _, s := range f.graduatedYear {
		in := GraduationCheck(rs, s, f.year)
		sec.Score += in.Points
		sec.Indicators = append(sec.Indicators, in)
	}
	return sec
}

// Ranking is the carriers' results ranked within each rule set, best first,
// with the carriers at risk and the exemplary ones named.
type Ranking struct {
	Year      int      `json:"year"`
	Items     []Ranked `json:"items"`
	AtRisk    []string `json:"at_risk"`
	Exemplary []string `json:"exemplary"`
}

// Ranked is one carrier's place: its rank among the carriers evaluated under
// the same rule set (1 is best; ties share a rank).
type Ranked struct {
	Rank int `json:"rank"`
	Result
}

// Rank orders results by rule set, then score (high first), then name, and
// numbers them within each rule set.
func Rank(year int, results []Result) Ranking {
	slices.SortStableFunc(results, func(a, b Result) int {
		if a.Ruleset != b.Ruleset {
			return strings.Compare(a.Ruleset, b.Ruleset)
		}
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		if a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return strings.Compare(a.CarrierID, b.CarrierID)
	})
	out := Ranking{Year: year, Items: make([]Ranked, 0, len(results)), AtRisk: []string{}, Exemplary: []string{}}
	rank := 0
	for i, r := range results {
		switch {
		case i == 0 || r.Ruleset != results[i-1].Ruleset:
			rank = 1
		case r.Score != results[i-1].Score:
			rank = countSame(results[:i], r.Ruleset) + 1
		}
		out.Items = append(out.Items, Ranked{Rank: rank, Result: r})
		switch r.Grade {
		case AtRisk:
			out.AtRisk = append(out.AtRisk, r.CarrierID)
		case Exemplary:
			out.Exemplary = append(out.Exemplary, r.CarrierID)
		}
	}
	return out
}

func countSame(rs []Result, ruleset string) int {
	n := 0
	for _, r := range rs {
		if r.Ruleset == ruleset {
			n++
		}
	}
	return n
}

// Firms are one carrier's firm sets for a year as the evaluation counts them,
// for the statistics export and other reports that must agree with it.
type Firms struct {
	// Incubatees were incubating at some time in the year; New entered in it;
	// Graduated graduated in it; GraduatesTotal graduated by its end.
	Incubatees, New, Graduated, GraduatesTotal []*profile.Profile
	// Financed and Mentored map an incubatee to the introductions (and logged
	// sessions) showing it was financed or coached in the year.
	Financed, Mentored map[string][]string
	// Mentors are the ids of the carrier's mentors in the year.
	Mentors []string
}

// Firms returns carrier c's firm sets for year.
func (d *Data) Firms(c *profile.Profile, year int) Firms {
	d.index()
	f := d.gather(c, year)
	return Firms{Incubatees: f.incubatees, New: f.newIncubatees, Graduated: f.graduatedYear, GraduatesTotal: f.graduatesTotal,
		Financed: f.financed, Mentored: f.mentored, Mentors: slices.Sorted(mapsKeys(f.mentors))}
}

// GraduationCheck checks firm s against a graduation rule set's conditions for
// year: ok if any is met, failed if none is and all are known, missing otherwise.
func GraduationCheck(rs seed.RuleSet, s *profile.Profile, year int) Indicator {
	in := Indicator{Code: s.ID, ZH: s.Name, EN: s.Name, MaxPoints: 1, Evidence: []string{s.ID}, Status: Failed}
	anyMissing := false
	for _, c := range rs.Conditions {
		fm := firmMetrics[c.Metric]
		alt := Indicator{Code: c.Code, ZH: c.ZH, EN: c.EN, Metric: c.Metric, Op: c.Op, Target: c.Value, MaxPoints: 1, Evidence: []string{s.ID}}
		v, held := fm.fn(s, year)
		switch {
		case !held:
			alt.Status = Missing
			anyMissing = true
			addNote(&alt, "数据缺失：需要"+fm.needsZH, "data missing: needs "+fm.needsEN)
		case compare(v, c.Op, c.Value):
			alt.Status, alt.Value, alt.Points = OK, &v, 1
		default:
			alt.Status, alt.Value = Failed, &v
		}
		if alt.Status == OK && in.Status != OK {
			in.Status, in.Points = OK, 1
			addNote(&in, "满足："+c.ZH, "meets: "+c.EN)
		}
		in.AnyOf = append(in.AnyOf, alt)
	}
	switch {
	case in.Status != OK && anyMissing:
		in.Status = Missing
		addNote(&in, "未满足已知条件，其余条件数据缺失（见各条件）", "meets no condition known; the others lack data (see each condition)")
	case in.Status == Failed:
		addNote(&in, "不满足任一毕业条件", "meets none of the graduation conditions")
	}
	return in
}
