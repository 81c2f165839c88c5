package seed

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

func TestDemoValidates(t *testing.T) {
	cat := Catalog()
	for i, p := range Demo(2000) {
		if p.ID != "" || p.OwnerID != "" {
			t.Errorf("profile %d: ID/OwnerID set", i)
		}
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			t.Fatalf("profile %d (%s %s): %v", i, p.Kind, p.Name, err)
		}
	}
}

func TestDemoIsDeterministic(t *testing.T) {
	a, b := Demo(500), Demo(500)
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("Demo(500) differs between calls:\n%s", d)
	}
	// A longer demo starts with the shorter one, so growing a demo keeps old rows.
	if d := cmp.Diff(Demo(800)[:500], a); d != "" {
		t.Errorf("Demo(800)[:500] differs from Demo(500):\n%s", d)
	}
	if a[0].Name != Demo(1)[0].Name {
		t.Errorf("first profile changed with n")
	}
}

func TestDemoMix(t *testing.T) {
	const n = 2000
	ps := Demo(n)
	count := map[profile.Kind]int{}
	chains := map[string]int{}
	districts := map[string]int{}
	names := map[string]bool{}
	for _, p := range ps {
		count[p.Kind]++
		for _, c := range p.Chains {
			chains[c]++
		}
		districts[p.District]++
		if names[p.Name] && p.Kind != profile.Mentor { // people may share a name
			t.Errorf("name %q appears twice", p.Name)
		}
		names[p.Name] = true
	}
	want := map[profile.Kind]int{profile.Startup: 55, profile.Mentor: 12, profile.Investor: 10,
		profile.Carrier: 10, profile.Enclave: 5, profile.Provider: 8}
	for k, pct := range want {
		if got := count[k] * 100 / n; got < pct-1 || got > pct+1 {
			t.Errorf("%s: %d%% of the demo, want about %d%%", k, got, pct)
		}
	}
	for _, c := range []string{"ic", "semi3", "hydrogen", "digital", "vr", "env", "equipment", "auto",
		"new_energy", "materials", "electronics", "biomed", "pv", "wind"} {
		if chains[c] < 20 {
			t.Errorf("chain %s is on only %d profiles", c, chains[c])
		}
	}
	if len(districts) != 11 {
		t.Errorf("demo covers %d districts, want 11", len(districts))
	}
	// Even a small demo has every kind.
	small := map[profile.Kind]bool{}
	for _, p := range Demo(20) {
		small[p.Kind] = true
	}
	if len(small) != 6 {
		t.Errorf("Demo(20) has %d kinds, want 6", len(small))
	}
}

func TestDemoStartupsMoveTheKPIs(t *testing.T) {
	ps := Demo(2000)
	since := map[string]int{}
	graduated := map[string]int{}
	passed, filed, highTech := 0, 0, 0
	for _, p := range ps {
		if p.Kind != profile.Startup {
			continue
		}
		if !profile.ValidCreditCode(p.CreditCode) || !strings.HasPrefix(p.CreditCode, "91320") {
			t.Errorf("%s: credit code %q", p.Name, p.CreditCode)
		}
		if p.Founded > p.IncubatedSince {
			t.Errorf("%s: founded %s after incubation %s", p.Name, p.Founded, p.IncubatedSince)
		}
		since[p.IncubatedSince[:4]]++
		if p.GraduatedOn != "" {
			graduated[p.GraduatedOn[:4]]++
			if p.Status != "graduated" {
				t.Errorf("%s: graduated_on set but status %q", p.Name, p.Status)
			}
		}
		if p.TechSME != nil {
			filed++
			if p.TechSME.Passed {
				passed++
			}
		}
		if p.HighTech != nil {
			highTech++
		}
		if p.RDRatio > 1 || p.RDCostRatio > 1 || p.TechStaff > p.Employees {
			t.Errorf("%s: implausible figures %+v", p.Name, p)
		}
	}
	for _, y := range []string{"2021", "2022", "2023", "2024", "2025"} {
		if since[y] < 50 {
			t.Errorf("only %d startups entered incubation in %s", since[y], y)
		}
	}
	for _, y := range []string{"2023", "2024", "2025"} {
		if graduated[y] < 20 {
			t.Errorf("only %d startups graduated in %s", graduated[y], y)
		}
	}
	if passed == 0 || passed == filed || highTech == 0 {
		t.Errorf("tech-SME results: %d of %d passed, %d high-tech; want a mix", passed, filed, highTech)
	}
}

func TestDemoCarriersAndOthers(t *testing.T) {
	levelSince := map[int]int{}
	types := map[string]int{}
	for _, p := range Demo(2000) {
		switch p.Kind {
		case profile.Carrier:
			types[p.Type]++
			if p.LevelSince != 0 {
				levelSince[p.LevelSince]++
			}
		case profile.Investor:
			if p.Type == "bank" && (len(p.Instruments) != 1 || p.Instruments[0] != "debt") {
				t.Errorf("bank %s lends %v, want debt", p.Name, p.Instruments)
			}
			if p.Type == "guidance_fund" && !p.HardTech {
				t.Errorf("guidance fund %s is not hard-tech", p.Name)
			}
			// No regions means anywhere in the city; district funds and bank
			// branches name theirs.
			local := p.Type == "guidance_fund" || p.Type == "bank"
			if p.TicketMinWan <= 0 || p.TicketMaxWan < p.TicketMinWan || len(p.Stages) == 0 || (local && len(p.Regions) == 0) {
				t.Errorf("investor %s: tickets %g-%g stages %v regions %v", p.Name, p.TicketMinWan, p.TicketMaxWan, p.Stages, p.Regions)
			}
		case profile.Mentor:
			if p.Capacity < 1 || p.Capacity > 5 || len(p.Topics) == 0 {
				t.Errorf("mentor %s: capacity %d topics %v", p.Name, p.Capacity, p.Topics)
			}
		case profile.Enclave:
			if p.HomeDistrict == "" || p.HostCity == "" || p.HostRegion == "" {
				t.Errorf("enclave %s lacks home or host", p.Name)
			}
		}
		if !strings.Contains(p.Summary, "示例数据") {
			t.Errorf("%s: summary does not say it is demo data", p.Name)
		}
	}
	for _, y := range []int{2023, 2024, 2025} {
		if levelSince[y] == 0 {
			t.Errorf("no carrier gained its level in %d", y)
		}
	}
	for _, typ := range profile.CarrierTypes.Codes() {
		if types[typ] == 0 {
			t.Errorf("no carrier of type %s", typ)
		}
	}
}

func TestDemoSummariesCarryChainKeywords(t *testing.T) {
	byCode := map[string]Chain{}
	for _, c := range Chains() {
		byCode[c.Code] = c
	}
	for _, p := range Demo(300) {
		if p.Kind != profile.Startup {
			continue
		}
		found := false
		for _, s := range byCode[p.Chains[0]].Synonyms {
			if strings.Contains(p.Summary, s) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: summary names no keyword of %s: %s", p.Name, p.Chains[0], p.Summary)
		}
	}
}

func TestNamedBodies(t *testing.T) {
	cat := Catalog()
	names := map[string]profile.Profile{}
	for _, p := range Named() {
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if p.Kind != profile.Carrier && p.Kind != profile.Enclave {
			t.Errorf("%s: kind %s", p.Name, p.Kind)
		}
		if !strings.Contains(p.Summary, "示例数据") {
			t.Errorf("%s: summary does not mark illustrative details", p.Name)
		}
		names[p.Name] = p
	}
	for _, n := range []string{"悦达汽车科创园", "盐城工学院大学科技园", "盐城师范学院大学科技园", "盐城高新区", "盐南高新区",
		"盐城环保高新区", "建湖高新区", "常盐工业园"} {
		if _, ok := names[n]; !ok {
			t.Errorf("the plan names %s; Named() lacks it", n)
		}
	}
	enclaves := map[string]int{}
	for _, p := range names {
		if p.Kind == profile.Enclave {
			enclaves[p.HomeDistrict]++
			if !strings.Contains(p.Name, "离岸科创中心") {
				t.Errorf("enclave %s", p.Name)
			}
		}
	}
	if enclaves["kaifaqu"] != 4 || enclaves["yannan"] != 4 {
		t.Errorf("offshore centres per home district: %v, want 4 each (北京, 上海, 南京, 深圳)", enclaves)
	}
}

// About seven in ten demo startups carry a Torch record, and every record is
// one the statistics platform would accept: valid, and no consistency warning.
func TestDemoTorchRecords(t *testing.T) {
	cat := Catalog()
	with, startups := 0, 0
	for _, p := range Demo(600) {
		if p.Kind != profile.Startup {
			continue
		}
		startups++
		if p.Torch == nil {
			continue
		}
		with++
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if ws := p.TorchWarnings(); len(ws) > 0 {
			t.Errorf("%s: %+v", p.Name, ws)
		}
		if p.Torch.StaffCollege == nil || p.Torch.RegistrationType == "" {
			t.Errorf("%s: a thin record %+v", p.Name, p.Torch)
		}
	}
	if share := float64(with) / float64(startups); share < 0.55 || share > 0.85 {
		t.Errorf("%d of %d startups have a Torch record", with, startups)
	}
}

// DistinctFirmName's names are all different and any two differ in two
// characters or more (none is a near duplicate of another).
func TestDistinctFirmNamesAreApart(t *testing.T) {
	seen := map[string]bool{}
	var names []string
	for i := range 400 {
		n := DistinctFirmName(i)
		if seen[n] {
			t.Fatalf("name %d repeats %s", i, n)
		}
		seen[n] = true
		names = append(names, n)
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			ra, rb := []rune(a), []rune(b)
			diff := 0
			for k := range ra {
				if ra[k] != rb[k] {
					diff++
				}
			}
			if len(ra) != len(rb) || diff < 2 {
				t.Fatalf("%s and %s differ in %d characters", a, b, diff)
			}
		}
	}
}
