package seed

import (
	"strings"
	"testing"
)

func TestRuleSetsLoad(t *testing.T) {
	sets := RuleSets()
	codes := map[string]bool{}
	for _, rs := range sets {
		codes[rs.Code] = true
		if rs.Source == "" || rs.NoteZH == "" || rs.NoteEN == "" {
			t.Errorf("%s: a rule set names its source and carries notes in zh and en", rs.Code)
		}
	}
	for _, want := range []string{"jiangsu_incubator_2021", "miit_standard_2025", "national_incubator_2018",
		"national_maker_space_2017", "graduation_2018"} {
		if !codes[want] {
			t.Errorf("rule set %s is missing", want)
		}
	}
}

func TestParseRuleSetRefusesBadShapes(t *testing.T) {
	good := `{"code":"x","zh":"x","en":"x","kind":"checks","year_from":2024,"year_to":2024,"applies_to":["incubator"],
		"source":"s","note_zh":"n","note_en":"n","checks":[{"code":"a","zh":"a","en":"a","metric":"incubatees","op":">=","value":1}]}`
	if _, err := ParseRuleSet([]byte(good)); err != nil {
		t.Fatalf("a good rule set was refused: %v", err)
	}
	for name, bad := range map[string]string{
		"unknown kind":  strings.Replace(good, `"checks","year`, `"points","year`, 1),
		"years":         strings.Replace(good, `"year_to":2024`, `"year_to":2023`, 1),
		"no types":      strings.Replace(good, `["incubator"]`, `[]`, 1),
		"bad op":        strings.Replace(good, `">="`, `"=="`, 1),
		"no metric":     strings.Replace(good, `"metric":"incubatees",`, ``, 1),
		"unknown field": strings.Replace(good, `"code":"x"`, `"code":"x","weight":3`, 1),
		"weights": `{"code":"x","zh":"x","en":"x","kind":"scored","year_from":2024,"year_to":2024,"applies_to":["incubator"],
			"grades":{"exemplary_at":85,"at_risk_below":60,"note_zh":"","note_en":""},
			"sections":[{"code":"s","zh":"s","en":"s","weight":30,"indicators":[{"code":"a","zh":"a","en":"a","metric":"m","max_points":29,"full_at":1}]}]}`,
	} {
		if _, err := ParseRuleSet([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
