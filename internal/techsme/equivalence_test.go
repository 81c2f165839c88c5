package techsme_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"fuhua/internal/policy"
	"fuhua/internal/profile"
	"fuhua/internal/techsme"
	"fuhua/seed"
)

var update = flag.Bool("update", false, "rewrite testdata/demo_golden.txt from the current implementation")

// goldenFile holds one line per (demo firm, variant, year): the decision in
// readable columns and a hash of the whole result as JSON (reasons, gaps, texts).
// It was written by the tech-SME implementation that predates the policy engine
// (commit 43ef049, whose rules.go held the tables in Go), so this test holds the
// engine to the old results on every firm of the demo data.
const goldenFile = "testdata/demo_golden.txt"

// demoFirms is the demo data the test runs over: the first 1,000 generated
// profiles (a superset of what `make run` loads) and the named bodies.
func demoFirms() []profile.Profile {
	var out []profile.Profile
	for _, p := range append(seed.Named(), seed.Demo(1000)...) {
		if p.Kind == profile.Startup {
			out = append(out, p)
		}
	}
	return out
}

// variants stretch each firm so the size gate and the certificate years are
// crossed too: the demo firms themselves all sit inside the size limits.
var variants = []struct {
	name string
	edit func(*profile.Profile)
}{
	{"as_is", func(*profile.Profile) {}},
	{"grown", func(p *profile.Profile) {
		p.Employees *= 3
		p.TechStaff = p.TechStaff * 3 / 2
		p.RevenueWan *= 4
		p.AssetsWan *= 3
	}},
	{"large", func(p *profile.Profile) {
		p.Employees += 300
		p.RevenueWan *= 10
		p.AssetsWan *= 8
	}},
}

func goldenLines(t *testing.T) []string {
	var lines []string
	for i, base := range demoFirms() {
		for _, v := range variants {
			for _, year := range []int{2023, 2024, 2025, 2026} {
				p := base
				v.edit(&p)
				r := techsme.Assess(p, year)
				raw, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				// The engine's own status for the programme must say the same.
				g, ok := seed.Policies().Get(techsme.Code, year)
				if !ok {
					t.Fatalf("no %s programme in force in %d", techsme.Code, year)
				}
				if st := policy.Evaluate(g, &p, policy.YearEnd(year)).Status; (st == policy.Eligible) != r.Passed {
					t.Errorf("firm %d %s %d: engine status %s, assessment passed %v", i, v.name, year, st, r.Passed)
				}
				sum := sha256.Sum256(raw)
				lines = append(lines, fmt.Sprintf("%d %s %d passed=%v route=%s total=%d staff=%d rd=%d/%s ip=%d size=%v %s",
					i, v.name, year, r.Passed, r.Route, r.Total, r.Staff.Points, r.RD.Points, r.RD.Measure, r.IP.Points,
					r.SizeOK, hex.EncodeToString(sum[:8])))
			}
		}
	}
	return lines
}

func TestSameResultsOnDemoData(t *testing.T) {
	got := goldenLines(t)
	if *update {
		var b bytes.Buffer
		b.WriteString("# index variant year decision… sha256(result JSON)[:8] — written by the pre-engine implementation\n")
		for _, l := range got {
			b.WriteString(l + "\n")
		}
		if err := os.WriteFile(goldenFile, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, golden has %d", len(got), len(want))
	}
	passed, differ := 0, 0
	for i := range got {
		if strings.Contains(want[i], "passed=true") {
			passed++
		}
		if got[i] != want[i] {
			if differ < 10 {
				t.Errorf("result differs from the old implementation:\n got %s\nwant %s", got[i], want[i])
			}
			differ++
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d results differ", differ, len(got))
	}
	// The data must exercise both outcomes, or equality proves little.
	if passed == 0 || passed == len(got) {
		t.Errorf("%d of %d results pass: the demo data does not exercise both outcomes", passed, len(got))
	}
	t.Logf("%d results (%d passing) equal the old implementation's", len(got), passed)
}
