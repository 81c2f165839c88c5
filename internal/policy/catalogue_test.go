package policy_test

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fuhua/internal/policy"
	"fuhua/internal/profile"
	"fuhua/seed"
)

func day(s string) policy.Date {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return policy.Date{Time: t}
}

// TestFixedDataset evaluates the hand-computed dataset in testdata/fixed.json.
func TestFixedDataset(t *testing.T) {
	raw, err := os.ReadFile("testdata/fixed.json")
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		On    string `json:"on"`
		Cases []struct {
			Note    string          `json:"note"`
			Profile profile.Profile `json:"profile"`
			Want    map[string]struct {
				Status policy.Status `json:"status"`
				Why    string        `json:"why"`
			} `json:"want"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	on := day(data.On)
	cat := seed.Policies()
	seen := map[string]bool{}
	for _, c := range data.Cases {
		for _, g := range cat.For(on.Year()) {
			if g.AppliesTo != c.Profile.Kind {
				continue
			}
			want, ok := c.Want[g.Code]
			if !ok {
				t.Errorf("%s: no expected status for %s", c.Profile.Name, g.Code)
				continue
			}
			seen[g.Code] = true
			got := policy.Evaluate(g, &c.Profile, on)
			if got.Status != want.Status {
				t.Errorf("%s / %s: got %s, want %s (%s)", c.Profile.Name, g.Code, got.Status, want.Status, want.Why)
				for _, o := range got.Conditions {
					t.Logf("   %s met=%v close=%v have=%q need=%q", o.Code, o.Met != nil && *o.Met, o.Close, o.Have.ZH, o.Need.ZH)
				}
			}
		}
		for code := range c.Want {
			if !cat.Has(code) {
				t.Errorf("%s: expects a status for %q, which is not in the catalogue", c.Profile.Name, code)
			}
		}
	}
	for _, code := range cat.Codes() {
		if g, ok := cat.Get(code, on.Year()); ok && !seen[g.Code] {
			t.Errorf("the dataset never evaluates %s", code)
		}
	}
}

func TestCatalogueIsValidAndVersioned(t *testing.T) {
	cat := seed.Policies()
	if err := policy.Validate(cat); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"tech_sme", "high_tech", "sukedai", "js_private_tech", "srdi_sme", "yc_angel_fund",
		"finance_station_service", "reward_benchmark_incubator", "reward_professional_incubator", "reward_enclave", "reward_finance_station"} {
		if _, ok := cat.Get(code, 2025); !ok {
			t.Errorf("no %s in force in 2025", code)
		}
	}
	old, _ := cat.Get("sukedai", 2020)
	cur, _ := cat.Get("sukedai", 2021)
	if old == nil || cur == nil || old.Version == cur.Version {
		t.Fatalf("sukedai versions: 2020 %v, 2021 %v", old, cur)
	}
	// The older pool needed revenue under 5,000 万元: a firm of 6,000 万 with IP is
	// admitted from 2021 only.
	p := profile.Profile{Kind: profile.Startup, District: "yannan", RevenueWan: 6000, Employees: 50, TechStaff: 10, RDRatio: 0.05, OtherIP: 2}
	if st := policy.Evaluate(old, &p, policy.YearEnd(2020)).Status; st == policy.Eligible {
		t.Errorf("2020: %s, want not eligible under the older pool", st)
	}
	if st := policy.Evaluate(cur, &p, policy.YearEnd(2021)).Status; st != policy.Eligible {
		t.Errorf("2021: %s, want eligible", st)
	}
	for _, g := range cat.Programmes {
		if g.Source.Read == "" || g.Source.Document == "" {
			t.Errorf("%s has no source", g.Code)
		}
		if g.Guess && !strings.Contains(g.Note.ZH+g.Note.EN+g.Source.Document, "guess") {
			t.Errorf("%s is a guess but its note does not say so", g.Code)
		}
	}
}

func TestValidateRefusesBrokenData(t *testing.T) {
	good := func() policy.Programme {
		return policy.Programme{Code: "x", ZH: "x", EN: "x", Version: "v1", From: 2020, AppliesTo: profile.Startup,
			Source:     policy.Source{Document: "doc", Read: "2026-12-01"},
			Conditions: []policy.Condition{{Code: "a", ZH: "a", EN: "a", Kind: policy.Compare, Metric: "employees", Op: ">=", Value: 1}}}
	}
	if err := policy.Validate(policy.Catalogue{Programmes: []policy.Programme{good()}}); err != nil {
		t.Fatalf("a good programme is refused: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*policy.Programme)
		want string
	}{
		{"unknown metric", func(g *policy.Programme) { g.Conditions[0].Metric = "employes" }, "unknown metric"},
		{"metric of the wrong type", func(g *policy.Programme) { g.Conditions[0].Metric = "founded" }, "not usable"},
		{"bad operator", func(g *policy.Programme) { g.Conditions[0].Op = "=>" }, "op"},
		{"bad provider", func(g *policy.Programme) { g.Conditions[0].Provider = "lawyer" }, "provider"},
		{"no read date", func(g *policy.Programme) { g.Source.Read = "" }, "source.read"},
		{"upper-case code", func(g *policy.Programme) { g.Code = "X" }, "lower-case"},
		{"no english", func(g *policy.Programme) { g.Conditions[0].EN = "" }, "zh and en"},
		{"applies to a mentor", func(g *policy.Programme) { g.AppliesTo = profile.Mentor }, "applies_to"},
		{"band not open at the end", func(g *policy.Programme) {
			v := 10.0
			g.Conditions[0] = policy.Condition{Code: "a", ZH: "a", EN: "a", Kind: policy.Banded, Metric: "rd_ratio", Op: ">=", By: "revenue_wan",
				Bands: []policy.Band{{UpTo: &v, Value: 1}}}
		}, "open band"},
		{"score table not best first", func(g *policy.Programme) {
			g.Conditions[0] = policy.Condition{Code: "a", ZH: "a", EN: "a", Kind: policy.Score, Pass: 1, Parts: []policy.Part{
				{Code: "p", ZH: "p", EN: "p", Options: []policy.Option{{Metric: "patents", Table: []policy.Row{{Min: 1, Points: 1}, {Min: 2, Points: 2}}}}}}}
		}, "best down"},
		{"lacking without need", func(g *policy.Programme) {
			g.Conditions[0] = policy.Condition{Code: "a", ZH: "a", EN: "a", Kind: policy.Lacking}
		}, "lacking"},
		{"duplicate condition code", func(g *policy.Programme) { g.Conditions = append(g.Conditions, g.Conditions[0]) }, "unique"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := good()
			tc.edit(&g)
			err := policy.Validate(policy.Catalogue{Programmes: []policy.Programme{g}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
	a, b := good(), good()
	b.Version, b.From = "v2", 2024
	if err := policy.Validate(policy.Catalogue{Programmes: []policy.Programme{a, b}}); err == nil || !strings.Contains(err.Error(), "overlaps") {
		t.Errorf("overlapping versions: %v", err)
	}
}

// setters put a value, in the metric's compared unit (basis points for shares), on
// a profile.
var setters = map[string]func(*profile.Profile, float64){
	"employees":        func(p *profile.Profile, v float64) { p.Employees = int(v) },
	"tech_staff":       func(p *profile.Profile, v float64) { p.TechStaff = int(v) },
	"tech_staff_share": func(p *profile.Profile, v float64) { p.Employees, p.TechStaff = 10000, int(v) },
	"rd_ratio":         func(p *profile.Profile, v float64) { p.RDRatio = v / 10000 },
	"rd_cost_ratio":    func(p *profile.Profile, v float64) { p.RDCostRatio = v / 10000 },
	"patents":          func(p *profile.Profile, v float64) { p.Patents = int(v) },
	"other_ip":         func(p *profile.Profile, v float64) { p.OtherIP = int(v) },
	"ip_total":         func(p *profile.Profile, v float64) { p.OtherIP = int(v) },
	"revenue_wan":      func(p *profile.Profile, v float64) { p.RevenueWan = v },
	"assets_wan":       func(p *profile.Profile, v float64) { p.AssetsWan = v },
	"area_sqm":         func(p *profile.Profile, v float64) { p.AreaSqm = v },
	"seats":            func(p *profile.Profile, v float64) { p.Seats = int(v) },
	"capacity":         func(p *profile.Profile, v float64) { p.Capacity = int(v) },
}

// step is the smallest change of a metric in its compared unit.
func step(m policy.Metric) float64 {
	if m.Type == policy.Amount {
		return 0.01
	}
	return 1
}

func scaled(m policy.Metric, v float64) float64 {
	if m.Type == policy.Share {
		return math.Round(v * 100)
	}
	return v
}

func state(o policy.Outcome) string {
	switch {
	case o.Met == nil:
		return "unknown"
	case *o.Met:
		return "met"
	case o.Close:
		return "close"
	}
	return "unmet"
}

// walk calls fn on every condition of the catalogue, members of groups included.
func walk(cs []policy.Condition, fn func(*policy.Condition)) {
	for i := range cs {
		fn(&cs[i])
		walk(cs[i].Of, fn)
	}
}

// TestEveryThresholdOfTheCatalogue puts every numeric rule and every age rule of
// the catalogue at its threshold, one step to either side, and at the edge of its
// close gap, and checks the rule's verdict at each point. Each rule is evaluated
// alone (as a one-condition programme) so the other rules do not interfere.
func TestEveryThresholdOfTheCatalogue(t *testing.T) {
	on := day("2025-06-30")
	n := 0
	for _, g := range seed.Policies().Programmes {
		walk(g.Conditions, func(c *policy.Condition) {
			name := g.Code + "/" + c.Code
			m, _ := policy.LookupMetric(c.Metric)
			check := func(label string, p profile.Profile, want string) {
				t.Helper()
				one := policy.Programme{Code: g.Code, Conditions: []policy.Condition{*c}}
				got := policy.Evaluate(&one, &p, on).Conditions[0]
				if state(got) != want {
					t.Errorf("%s %s: got %s (have %q), want %s", name, label, state(got), got.Have.ZH, want)
				}
				n++
			}
			switch c.Kind {
			case policy.Compare, policy.Banded:
				set := setters[c.Metric]
				if set == nil {
					t.Errorf("%s: no setter for metric %q in this test", name, c.Metric)
					return
				}
				type band struct {
					by        float64
					threshold float64
				}
				bands := []band{{0, c.Value}}
				if c.Kind == policy.Banded {
					bands = nil
					bm, _ := policy.LookupMetric(c.By)
					lo := 0.0
					for _, b := range c.Bands {
						by := lo + 1
						if b.UpTo != nil {
							by = scaled(bm, *b.UpTo) // the top of each band belongs to it
							lo = by
						}
						bands = append(bands, band{by, b.Value})
					}
				}
				for _, b := range bands {
					base := profile.Profile{}
					if c.Kind == policy.Banded {
						setters[c.By](&base, b.by)
					}
					t0 := scaled(m, b.threshold)
					at := func(v float64) profile.Profile { p := base; set(&p, v); return p }
					passSide, failSide := t0, t0-step(m)
					switch c.Op {
					case "<=":
						failSide = t0 + step(m)
					case "<":
						passSide, failSide = t0-step(m), t0
					case ">":
						passSide, failSide = t0+step(m), t0
					}
					if c.ZeroUnknown && (passSide == 0 || failSide == 0) {
						continue
					}
					check("passing side", at(passSide), "met")
					far := "unmet"
					if c.Close != nil {
						var edge float64
						if c.Close.Pct > 0 {
							edge = t0 * c.Close.Pct / 100
						} else {
							edge = scaled(m, c.Close.Abs)
						}
						dir := -1.0
						if c.Op == "<" || c.Op == "<=" {
							dir = 1
						}
						if e := t0 + dir*edge; !(c.ZeroUnknown && e == 0) && e >= 0 {
							check("at the close edge", at(e), "close")
						}
						if e := t0 + dir*(edge+step(m)); !(c.ZeroUnknown && e == 0) && e >= 0 {
							check("past the close edge", at(e), "unmet")
						}
						far = "close"
						if math.Abs(failSide-t0) > edge {
							far = "unmet"
						}
					}
					check("failing side", at(failSide), far)
				}
			case policy.Age:
				if c.Metric != "founded" && c.Metric != "established" {
					t.Errorf("%s: no date setter for %q", name, c.Metric)
					return
				}
				months := int(math.Round(c.Value * 12))
				set := func(d time.Time) profile.Profile {
					p := profile.Profile{}
					if c.Metric == "founded" {
						p.Founded = d.Format(time.DateOnly)
					} else {
						p.Established = d.Format(time.DateOnly)
					}
					return p
				}
				exact := on.AddDate(0, -months, 0)
				if c.Op != ">=" {
					t.Errorf("%s: this test knows only >= ages", name)
					return
				}
				check("exactly at the age", set(exact), "met")
				short := "unmet"
				if c.Close != nil {
					short = "close"
					edge := int(math.Round(c.Close.Abs * 12))
					check("at the close edge", set(on.AddDate(0, -(months-edge), 0)), "close")
					check("a month past the close edge", set(on.AddDate(0, -(months-edge-1), 0)), "unmet")
				}
				check("a day short", set(exact.AddDate(0, 0, 1)), short)
			}
		})
	}
	if n < 60 {
		t.Errorf("only %d checks: the walk missed rules", n)
	}
	t.Logf("%d boundary checks", n)
}

// TestEveryRuleKindIsUsed keeps the catalogue and the engine's kinds in step.
func TestEveryRuleKindIsUsed(t *testing.T) {
	used := map[policy.Kind]bool{}
	for _, g := range seed.Policies().Programmes {
		walk(g.Conditions, func(c *policy.Condition) { used[c.Kind] = true })
	}
	for _, k := range []policy.Kind{policy.Compare, policy.Banded, policy.Flag, policy.Age, policy.In, policy.Cert, policy.Score, policy.Any, policy.All, policy.Lacking} {
		if !used[k] {
			t.Errorf("no programme uses %s rules", k)
		}
	}
	if !slices.Contains(policy.Statuses(), policy.Close) {
		t.Error("statuses lost close")
	}
}
