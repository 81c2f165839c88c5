package evaluation

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/intro"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
	"fuhua/seed"
)

func ruleSet(t *testing.T, code string) seed.RuleSet {
	t.Helper()
	for _, rs := range seed.RuleSets() {
		if rs.Code == code {
			return rs
		}
	}
	t.Fatalf("no rule set %s", code)
	return seed.RuleSet{}
}

func TestEveryRuleSetNamesKnownMetrics(t *testing.T) {
	sets := seed.RuleSets()
	if len(sets) < 5 {
		t.Fatalf("got %d rule sets, want at least the five in seed/evaluation", len(sets))
	}
	for _, rs := range sets {
		if err := Validate(rs); err != nil {
			t.Error(err)
		}
	}
	bad := seed.RuleSet{Code: "x", Kind: seed.Checks, Checks: []seed.Rule{{Code: "a", Metric: "no_such_metric", Op: ">="}}}
	if err := Validate(bad); err == nil {
		t.Error("a rule set naming an unknown metric passed Validate")
	}
}

// fixed is a source with given metric values, to walk every threshold.
type fixed struct {
	values map[string]float64
	prof   bool
}

func (f fixed) measure(metric string) measure {
	v, ok := f.values[metric]
	if !ok {
		return measure{}
	}
	return measure{value: v, held: true}
}
func (f fixed) professional() bool { return f.prof }

// TestChecksOnEveryBoundary drives every check of every rule set at its
// threshold, just below and just above it, for ordinary and specialised
// carriers, and with its data missing.
func TestChecksOnEveryBoundary(t *testing.T) {
	want := func(op string, side int) Status {
		// side: -1 below, 0 at, +1 above the threshold
		ok := map[string][3]bool{">=": {false, true, true}, ">": {false, false, true}, "<=": {true, true, false}, "<": {true, false, false}}[op]
		if ok[side+1] {
			return OK
		}
		return Failed
	}
	n := 0
	for _, rs := range seed.RuleSets() {
		for _, c := range append(slices.Clone(rs.Checks), rs.Conditions...) {
			rules := []seed.Rule{c}
			if len(c.AnyOf) > 0 {
				rules = c.AnyOf
			}
			for _, prof := range []bool{false, true} {
				for _, r := range rules {
					th := r.Threshold(prof)
					step := math.Max(math.Abs(th)*0.001, 0.001)
					for side := -1; side <= 1; side++ {
						src := fixed{values: map[string]float64{r.Metric: th + float64(side)*step}, prof: prof}
						got := check(r, src)
						if w := want(r.Op, side); got.Status != w {
							t.Errorf("%s/%s (professional %v) at threshold%+d step: %s, want %s", rs.Code, r.Code, prof, side, got.Status, w)
						}
						if (got.Status == OK) != (got.Points == 1) {
							t.Errorf("%s/%s: status %s with %g points", rs.Code, r.Code, got.Status, got.Points)
						}
						n++
					}
					if got := check(r, fixed{prof: prof}); got.Status != Missing || got.Value != nil {
						t.Errorf("%s/%s without data: %s %v, want missing and no value", rs.Code, r.Code, got.Status, got.Value)
					}
				}
			}
			if len(c.AnyOf) > 0 {
				// Any one alternative suffices; none met with one unknown is missing.
				a, b := c.AnyOf[0], c.AnyOf[1]
				below := func(r seed.Rule) float64 { return r.Value - math.Max(math.Abs(r.Value)*0.01, 0.01) }
				cases := []struct {
					vals map[string]float64
					want Status
				}{
					{map[string]float64{a.Metric: a.Value, b.Metric: below(b)}, OK},
					{map[string]float64{a.Metric: below(a), b.Metric: b.Value}, OK},
					{map[string]float64{a.Metric: below(a), b.Metric: below(b)}, Failed},
					{map[string]float64{a.Metric: below(a)}, Missing},
					{map[string]float64{b.Metric: b.Value}, OK},
				}
				for i, tc := range cases {
					if got := check(c, fixed{values: tc.vals}); got.Status != tc.want {
						t.Errorf("%s/%s any_of case %d: %s, want %s", rs.Code, c.Code, i, got.Status, tc.want)
					}
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d boundary cases ran", n)
	}
}

// TestProfessionalThresholds pins the specialised incubator's lower lines of
// 300号 criterion 8 and the local veto.
func TestProfessionalThresholds(t *testing.T) {
	nat := ruleSet(t, "national_incubator_2018")
	js := ruleSet(t, "jiangsu_incubator_2021")
	for _, tc := range []struct {
		rs   seed.RuleSet
		code string
		v    float64
		prof bool
		want Status
	}{
		{nat, "incubatees", 49, false, Failed}, {nat, "incubatees", 50, false, OK},
		{nat, "incubatees", 29, true, Failed}, {nat, "incubatees", 30, true, OK},
		{nat, "graduates_total", 19, false, Failed}, {nat, "graduates_total", 20, false, OK},
		{nat, "graduates_total", 14, true, Failed}, {nat, "graduates_total", 15, true, OK},
		{nat, "density", 2.99, false, Failed}, {nat, "density", 3, false, OK}, {nat, "density", 2, true, OK},
		{js, "min_incubatees", 14, false, Failed}, {js, "min_incubatees", 15, false, OK},
		{js, "min_incubatees", 9, true, Failed}, {js, "min_incubatees", 10, true, OK},
		{js, "min_area", 4999, false, Failed}, {js, "min_area", 5000, false, OK}, {js, "min_area", 3000, true, OK},
	} {
		var rule seed.Rule
		for _, c := range tc.rs.Checks {
			if c.Code == tc.code {
				rule = c
			}
		}
		got := check(rule, fixed{values: map[string]float64{rule.Metric: tc.v}, prof: tc.prof})
		if got.Status != tc.want {
			t.Errorf("%s/%s = %g (professional %v): %s, want %s", tc.rs.Code, tc.code, tc.v, tc.prof, got.Status, tc.want)
		}
	}
}

// TestScoredPoints walks every scored indicator: nothing earns 0, half the
// full-points value earns half, the value earns all, more earns no more.
func TestScoredPoints(t *testing.T) {
	rs := ruleSet(t, "jiangsu_incubator_2021")
	total := 0.0
	for _, s := range append(slices.Clone(rs.Sections), *rs.Bonus) {
		total += s.Weight
		for _, in := range s.Indicators {
			for _, tc := range []struct{ v, want float64 }{
				{0, 0}, {in.FullAt / 2, in.MaxPoints / 2}, {in.FullAt, in.MaxPoints}, {in.FullAt * 3, in.MaxPoints},
			} {
				got := scored(in, fixed{values: map[string]float64{in.Metric: tc.v}})
				if math.Abs(got.Points-tc.want) > 1e-4 || got.Status != OK {
					t.Errorf("%s at %g: %g points (%s), want %g", in.Code, tc.v, got.Points, got.Status, tc.want)
				}
			}
			if got := scored(in, fixed{}); got.Status != Missing || got.Points != 0 || got.Note == "" {
				t.Errorf("%s without data: %+v, want missing, 0 points and a note saying what is needed", in.Code, got)
			}
		}
	}
	if total != 105 {
		t.Errorf("weights add up to %g, want 30 + 55 + 15 + 5 bonus", total)
	}
}

// TestMonthsAndIncubating pins the date arithmetic the thresholds read.
func TestMonthsAndIncubating(t *testing.T) {
	for _, tc := range []struct {
		date string
		year int
		want int
	}{
		{"2023-07-01", 2024, 18}, {"2023-07-02", 2024, 17}, {"2023-06-30", 2024, 18}, {"2024-12-01", 2024, 1},
		{"2024-12-02", 2024, 0}, {"2026-01-01", 2024, 0}, {"2021-01-01", 2023, 36}, {"2021-01-02", 2023, 35},
	} {
		got, ok := monthsTo(tc.date, tc.year)
		if !ok || got != tc.want {
			t.Errorf("monthsTo(%s, %d) = %d, %v; want %d", tc.date, tc.year, got, ok, tc.want)
		}
	}
	if _, ok := monthsTo("", 2024); ok {
		t.Error("no date gave months")
	}
	for _, tc := range []struct {
		s    profile.Profile
		want bool
	}{
		{profile.Profile{IncubatedSince: "2024-12-31"}, true},
		{profile.Profile{IncubatedSince: "2025-01-01"}, false},
		{profile.Profile{IncubatedSince: "2020-01-01", GraduatedOn: "2024-01-01"}, true},
		{profile.Profile{IncubatedSince: "2020-01-01", GraduatedOn: "2023-12-31"}, false},
		{profile.Profile{IncubatedSince: "2020-01-01", Status: "left"}, false},
		{profile.Profile{Status: "incubating"}, false},
	} {
		if got := incubating(&tc.s, "2024-01-01", "2024-12-31"); got != tc.want {
			t.Errorf("incubating(%+v) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// TestMentorRatioBoundaries: 1 mentor per 10 incubatees, counted from accepted
// mentoring introductions; 10 firms and 1 mentor pass, 11 firms and 1 mentor fail.
func TestMentorRatioBoundaries(t *testing.T) {
	rs := ruleSet(t, "jiangsu_incubator_2021")
	c := profile.Profile{ID: "c", Kind: profile.Carrier, Type: "incubator", AreaSqm: 6000}
	for _, tc := range []struct {
		firms, mentors int
		want           Status
	}{{10, 1, OK}, {11, 1, Failed}, {20, 2, OK}, {21, 2, Failed}, {9, 0, Failed}} {
		d := &Data{Carriers: []profile.Profile{c}}
		for i := range tc.firms {
			id := string(rune('a'+i/26)) + string(rune('a'+i%26))
			d.Startups = append(d.Startups, profile.Profile{ID: id, Kind: profile.Startup, CarrierID: "c", IncubatedSince: "2024-01-01"})
		}
		at := mustTime(t, "2024-02-01T00:00:00Z")
		for m := range tc.mentors {
			mid := "m" + string(rune('0'+m))
			d.Intros = append(d.Intros, intro.Introduction{ID: "i" + mid, State: intro.Accepted, MentorID: mid, DecidedAt: &at,
				From: profile.Ref{Kind: profile.Mentor, ID: mid}, To: profile.Ref{Kind: profile.Startup, ID: d.Startups[m].ID}})
		}
		r := Evaluate(rs, &c, d, 2024)
		got := find(r, "mentor_ratio")
		if got.Status != tc.want {
			t.Errorf("%d firms, %d mentors: %s, want %s", tc.firms, tc.mentors, got.Status, tc.want)
		}
		hasWarning := slices.ContainsFunc(r.Warnings, func(w Warning) bool { return w.Code == "mentor_ratio" })
		if hasWarning != (tc.want == Failed) {
			t.Errorf("%d firms, %d mentors: mentor_ratio warning %v", tc.firms, tc.mentors, hasWarning)
		}
	}
}

func find(r Result, code string) Indicator {
	for _, s := range r.Sections {
		for _, in := range s.Indicators {
			if in.Code == code {
				return in
			}
		}
	}
	return Indicator{Status: "absent"}
}

func mustTime(t *testing.T, s string) (out time.Time) {
	t.Helper()
	if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

type dataset struct {
	Carriers []profile.Profile    `json:"carriers"`
	Startups []profile.Profile    `json:"startups"`
	Intros   []intro.Introduction `json:"intros"`
	Mentors  []profile.Profile    `json:"mentors"`
	Services []mentor.Service     `json:"services"`
}

type expectIndicator struct {
	Value  *float64 `json:"value"`
	Points float64  `json:"points"`
	Status Status   `json:"status"`
}

type expectation struct {
	Carrier       string                     `json:"_carrier"`
	Score         float64                    `json:"score"`
	MaxScore      float64                    `json:"max_score"`
	MissingPoints float64                    `json:"missing_points"`
	Grade         Grade                      `json:"grade"`
	Failed        int                        `json:"failed"`
	Missing       int                        `json:"missing"`
	Warnings      []string                   `json:"warnings"`
	Sections      map[string]float64         `json:"sections"`
	Indicators    map[string]expectIndicator `json:"indicators"`
	Evidence      map[string][]string        `json:"evidence"`
}

// TestFixedDatasetAgainstHandComputation evaluates testdata/dataset.json for
// 2024 under four rule sets and compares with expected_2024.json, whose numbers
// were worked out by hand (the arithmetic is written beside them).
func TestFixedDatasetAgainstHandComputation(t *testing.T) {
	var ds dataset
	readJSON(t, "testdata/dataset.json", &ds)
	var want map[string]json.RawMessage
	readJSON(t, "testdata/expected_2024.json", &want)
	d := &Data{Startups: ds.Startups, Carriers: ds.Carriers, Intros: ds.Intros, Mentors: ds.Mentors, Services: ds.Services}
	ran := 0
	for code, raw := range want {
		if code[0] == '_' {
			continue
		}
		var e expectation
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		if e.Carrier == "" {
			e.Carrier = "c1"
		}
		var c *profile.Profile
		for i := range ds.Carriers {
			if ds.Carriers[i].ID == e.Carrier {
				c = &ds.Carriers[i]
			}
		}
		rs := ruleSet(t, code)
		if !Applies(rs, c.Type, 2024) {
			t.Fatalf("%s does not apply to %s in 2024", code, c.Type)
		}
		r := Evaluate(rs, c, d, 2024)
		ran++
		near := func(what string, got, want float64) {
			if math.Abs(got-want) > 0.0002 {
				t.Errorf("%s %s: got %.4f, want %.4f", code, what, got, want)
			}
		}
		near("score", r.Score, e.Score)
		near("max_score", r.MaxScore, e.MaxScore)
		near("missing_points", r.MissingPoints, e.MissingPoints)
		if r.Grade != e.Grade || r.Failed != e.Failed || r.MissingCount != e.Missing {
			t.Errorf("%s: grade %s failed %d missing %d; want %s %d %d", code, r.Grade, r.Failed, r.MissingCount, e.Grade, e.Failed, e.Missing)
		}
		var warnings []string
		for _, w := range r.Warnings {
			warnings = append(warnings, w.Code)
			if w.ZH == "" || w.EN == "" {
				t.Errorf("%s: warning %s lacks zh or en", code, w.Code)
			}
		}
		if diff := cmp.Diff(warnings, e.Warnings); diff != "" {
			t.Errorf("%s warnings (-got +want):\n%s", code, diff)
		}
		for _, s := range r.Sections {
			if w, ok := e.Sections[s.Code]; ok {
				near("section "+s.Code, s.Score, w)
			}
		}
		for ic, w := range e.Indicators {
			got := find(r, ic)
			if got.Status != w.Status {
				t.Errorf("%s/%s: status %s, want %s", code, ic, got.Status, w.Status)
			}
			near(ic+" points", got.Points, w.Points)
			switch {
			case w.Value == nil && got.Value != nil:
				t.Errorf("%s/%s: value %g, want none", code, ic, *got.Value)
			case w.Value != nil && got.Value == nil:
				t.Errorf("%s/%s: no value, want %g", code, ic, *w.Value)
			case w.Value != nil:
				near(ic+" value", *got.Value, *w.Value)
			}
			if got.Status == Missing && got.Note == "" {
				t.Errorf("%s/%s: missing without a note of what is needed", code, ic)
			}
		}
		for ic, w := range e.Evidence {
			if diff := cmp.Diff(find(r, ic).Evidence, w); diff != "" {
				t.Errorf("%s/%s evidence (-got +want):\n%s", code, ic, diff)
			}
		}
	}
	if ran != 4 {
		t.Fatalf("ran %d rule sets, want 4", ran)
	}
}

func readJSON(t *testing.T, path string, into any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestApplyAndDefault(t *testing.T) {
	sets := seed.RuleSets()
	miit := ruleSet(t, "miit_standard_2025")
	if Applies(miit, "incubator", 2024) || !Applies(miit, "incubator", 2025) || Applies(miit, "maker_space", 2025) {
		t.Error("MIIT 2025 applies to incubators from 2025 only")
	}
	for typ, want := range map[string]string{"incubator": "jiangsu_incubator_2021", "maker_space": "national_maker_space_2017",
		"accelerator": "jiangsu_incubator_2021"} {
		got, ok := Default(sets, typ, 2024)
		if !ok || got.Code != want {
			t.Errorf("default for %s: %q, want %s", typ, got.Code, want)
		}
	}
	if _, ok := Default(sets, "industrial_park", 2024); ok {
		t.Error("an industrial park has a default rule set")
	}
}

func TestRank(t *testing.T) {
	rs := []Result{
		{CarrierID: "a", Name: "甲", Ruleset: "x", Score: 50, Grade: AtRisk},
		{CarrierID: "b", Name: "乙", Ruleset: "x", Score: 90, Grade: Exemplary},
		{CarrierID: "c", Name: "丙", Ruleset: "x", Score: 50, Grade: Pass},
		{CarrierID: "d", Name: "丁", Ruleset: "y", Score: 3, Grade: Pass},
	}
	r := Rank(2024, rs)
	var got []string
	for _, it := range r.Items {
		got = append(got, it.CarrierID+":"+string(rune('0'+it.Rank)))
	}
	// 丙 and 甲 tie at 50 and share rank 2 (ordered by name: 丙 U+4E19 before 甲 U+7532).
	if diff := cmp.Diff(got, []string{"b:1", "c:2", "a:2", "d:1"}); diff != "" {
		t.Errorf("ranks (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(r.AtRisk, []string{"a"}); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(r.Exemplary, []string{"b"}); diff != "" {
		t.Error(diff)
	}
}
