package seed

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

//go:embed evaluation/*.json
var evaluationFiles embed.FS

// The kinds of rule set.
const (
	// Scored rule sets weigh indicators into a score out of their sections' weights.
	Scored = "scored"
	// Checks rule sets list thresholds a carrier meets or fails.
	Checks = "checks"
	// Graduation rule sets check each of the year's graduates against conditions
	// of which any one suffices.
	Graduation = "graduation"
)

// RuleSet is one carrier-evaluation rule set, as data: the sections and
// indicators of a scored index, the thresholds of an accreditation or filing, or
// the graduation conditions. Each file under seed/evaluation/ is one rule set;
// a new year's rules are a new file with a new code.
type RuleSet struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	Kind string `json:"kind"`
	// Default marks the rule set used for its carrier types when none is asked for.
	Default bool `json:"default,omitempty"`
	// YearFrom and YearTo bound the evaluation years the rule set is valid for.
	YearFrom  int           `json:"year_from"`
	YearTo    int           `json:"year_to"`
	AppliesTo []string      `json:"applies_to"`
	Source    string        `json:"source"`
	NoteZH    string        `json:"note_zh"`
	NoteEN    string        `json:"note_en"`
	Grades    *Grades       `json:"grades,omitempty"`
	Sections  []RuleSection `json:"sections,omitempty"`
	Bonus     *RuleSection  `json:"bonus,omitempty"`
	// Checks are thresholds; those marked Veto put a carrier at risk when failed.
	Checks []Rule `json:"checks,omitempty"`
	// Conditions are a graduation rule set's conditions, any one of which suffices.
	Conditions []Rule `json:"conditions,omitempty"`
}

// Grades are a scored rule set's lines between exemplary, passing and at risk.
type Grades struct {
	ExemplaryAt float64 `json:"exemplary_at"`
	AtRiskBelow float64 `json:"at_risk_below"`
	Guess       bool    `json:"guess,omitempty"`
	NoteZH      string  `json:"note_zh"`
	NoteEN      string  `json:"note_en"`
}

// RuleSection is one first-level indicator of a scored rule set: its weight and
// the indicators that share it.
type RuleSection struct {
	Code   string  `json:"code"`
	ZH     string  `json:"zh"`
	EN     string  `json:"en"`
	Weight float64 `json:"weight"`
	// WeightsPublished is false where the source gives no second-level weights
	// and the split among Indicators is this project's.
	WeightsPublished bool   `json:"weights_published"`
	Indicators       []Rule `json:"indicators"`
}

// Rule is one indicator or check. A scored indicator earns
// MaxPoints × min(1, value ÷ FullAt); a check compares its metric with Value
// (ValueProfessional for a specialised carrier) by Op, or passes when any of AnyOf
// passes.
type Rule struct {
	Code      string  `json:"code"`
	ZH        string  `json:"zh"`
	EN        string  `json:"en"`
	Metric    string  `json:"metric,omitempty"`
	MaxPoints float64 `json:"max_points,omitempty"`
	FullAt    float64 `json:"full_at,omitempty"`
	Op        string  `json:"op,omitempty"`
	Value     float64 `json:"value,omitempty"`
	// ValueProfessional replaces Value for a specialised (professional) carrier.
	ValueProfessional *float64 `json:"value_professional,omitempty"`
	AnyOf             []Rule   `json:"any_of,omitempty"`
	// Veto marks a check whose failure puts the carrier at risk of 降等/摘牌.
	Veto bool `json:"veto,omitempty"`
	// Guess marks numbers this project chose where no source gives them.
	Guess  bool   `json:"guess,omitempty"`
	Source string `json:"source,omitempty"`
	NoteZH string `json:"note_zh,omitempty"`
	NoteEN string `json:"note_en,omitempty"`
	WarnZH string `json:"warn_zh,omitempty"`
	WarnEN string `json:"warn_en,omitempty"`
}

// Threshold is the value a check compares with for a carrier.
func (r Rule) Threshold(professional bool) float64 {
	if professional && r.ValueProfessional != nil {
		return *r.ValueProfessional
	}
	return r.Value
}

// RuleSets returns every rule set under seed/evaluation/, sorted by code. It
// panics on a file that does not parse or whose rules are malformed: the data is
// embedded, so a broken file fails every test at once.
func RuleSets() []RuleSet {
	names, err := fs.Glob(evaluationFiles, "evaluation/*.json")
	if err != nil {
		panic("seed: evaluation: " + err.Error())
	}
	out := make([]RuleSet, 0, len(names))
	for _, n := range names {
		raw, err := evaluationFiles.ReadFile(n)
		if err != nil {
			panic(fmt.Sprintf("seed: %s: %v", n, err))
		}
		rs, err := ParseRuleSet(raw)
		if err != nil {
			panic(fmt.Sprintf("seed: %s: %v", n, err))
		}
		out = append(out, rs)
	}
	slices.SortFunc(out, func(a, b RuleSet) int { return strings.Compare(a.Code, b.Code) })
	for i := 1; i < len(out); i++ {
		if out[i].Code == out[i-1].Code {
			panic("seed: evaluation: two rule sets are coded " + out[i].Code)
		}
	}
	return out
}

// ParseRuleSet reads one rule set and checks its shape: a known kind, a year
// range, carrier types, sections whose indicators' points add up to the section's
// weight, and checks with an operator or alternatives. It does not know which
// metrics exist; the evaluation package checks that.
func ParseRuleSet(raw []byte) (RuleSet, error) {
	var rs RuleSet
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rs); err != nil {
		return RuleSet{}, err
	}
	if rs.Code == "" || rs.ZH == "" || rs.EN == "" {
		return RuleSet{}, fmt.Errorf("rule set needs code, zh and en")
	}
	if rs.YearFrom < 2000 || rs.YearTo < rs.YearFrom {
		return RuleSet{}, fmt.Errorf("%s: bad year range %d-%d", rs.Code, rs.YearFrom, rs.YearTo)
	}
	if len(rs.AppliesTo) == 0 {
		return RuleSet{}, fmt.Errorf("%s: applies_to is empty", rs.Code)
	}
	switch rs.Kind {
	case Scored:
		if len(rs.Sections) == 0 || rs.Grades == nil {
			return RuleSet{}, fmt.Errorf("%s: a scored rule set needs sections and grades", rs.Code)
		}
		secs := rs.Sections
		if rs.Bonus != nil {
			secs = append(append([]RuleSection(nil), secs...), *rs.Bonus)
		}
		for _, s := range secs {
			sum := 0.0
			for _, in := range s.Indicators {
				if in.Metric == "" || in.MaxPoints <= 0 || in.FullAt <= 0 {
					return RuleSet{}, fmt.Errorf("%s/%s/%s: an indicator needs metric, max_points and full_at", rs.Code, s.Code, in.Code)
				}
				sum += in.MaxPoints
			}
			if d := sum - s.Weight; d > 0.01 || d < -0.01 {
				return RuleSet{}, fmt.Errorf("%s/%s: indicator points add up to %g, the weight is %g", rs.Code, s.Code, sum, s.Weight)
			}
		}
	case Checks:
		if len(rs.Checks) == 0 {
			return RuleSet{}, fmt.Errorf("%s: a checks rule set needs checks", rs.Code)
		}
	case Graduation:
		if len(rs.Conditions) == 0 {
			return RuleSet{}, fmt.Errorf("%s: a graduation rule set needs conditions", rs.Code)
		}
	default:
		return RuleSet{}, fmt.Errorf("%s: unknown kind %q", rs.Code, rs.Kind)
	}
	for _, list := range [][]Rule{rs.Checks, rs.Conditions} {
		for _, c := range list {
			if err := checkRule(c); err != nil {
				return RuleSet{}, fmt.Errorf("%s/%s: %v", rs.Code, c.Code, err)
			}
		}
	}
	return rs, nil
}

func checkRule(c Rule) error {
	if len(c.AnyOf) > 0 {
		if c.Metric != "" {
			return fmt.Errorf("a check has either a metric or any_of, not both")
		}
		for _, a := range c.AnyOf {
			if len(a.AnyOf) > 0 {
				return fmt.Errorf("any_of does not nest")
			}
			if err := checkRule(a); err != nil {
				return err
			}
		}
		return nil
	}
	if c.Metric == "" {
		return fmt.Errorf("a check needs a metric")
	}
	switch c.Op {
	case ">=", ">", "<=", "<":
	default:
		return fmt.Errorf("unknown op %q", c.Op)
	}
	return nil
}
