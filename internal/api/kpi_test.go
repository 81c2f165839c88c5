package api_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"

	"fuhua/internal/api"
	"fuhua/internal/profile"
)

type kpiBody struct {
	Year   int `json:"year"`
	Scopes []struct {
		District   string `json:"district"`
		NameZH     string `json:"name_zh"`
		Indicators []struct {
			Code     string  `json:"code"`
			Period   string  `json:"period"`
			Target   float64 `json:"target"`
			Actual   float64 `json:"actual"`
			Expected float64 `json:"expected"`
			Ahead    float64 `json:"ahead"`
			Progress float64 `json:"progress"`
			Status   string  `json:"status"`
		} `json:"indicators"`
	} `json:"scopes"`
}

func decodeKPI(t *testing.T, r response) kpiBody {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("GET /kpi: %d %s", r.Status, r.Body)
	}
	var b kpiBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// midyear is the fixed clock of the KPI tests: halfway through 2024 in China.
var midyear = time.Date(2024, 7, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

func withClock(d *api.Deps) { d.Now = func() time.Time { return midyear } }

// The targets /kpi serves are the plan's table, read here by hand from the plan
// (重点目标任务预期表): new provincial carriers, new enclaves and new accelerators are
// 2023–2025 totals; new incubated firms is a number for every year.
func TestKPITargetsEqualThePlan(t *testing.T) {
	h := newHarness(t, withClock)
	_, admin := h.user(profile.RoleAdmin)
	type row struct{ carriers, enclaves, firms, accelerators float64 }
	want := map[string]row{
		"": {20, 30, 500, 14}, "dongtai": {2, 3, 60, 1}, "jianhu": {2, 2, 50, 2}, "sheyang": {1, 2, 50, 2}, "funing": {1, 2, 50, 1},
		"binhai": {1, 2, 40, 1}, "xiangshui": {1, 2, 40, 1}, "dafeng": {2, 3, 55, 2}, "yandu": {3, 4, 60, 1},
		"tinghu": {2, 3, 50, 1}, "kaifaqu": {2, 2, 45, 1}, "yannan": {3, 5, 50, 1},
	}
	for _, year := range []string{"2023", "2024", "2025"} {
		b := decodeKPI(t, h.do("GET", "/api/v1/kpi?year="+year, admin, nil))
		if len(b.Scopes) != len(want) {
			t.Fatalf("%s: %d scopes, want %d", year, len(b.Scopes), len(want))
		}
		for _, sc := range b.Scopes {
			w, ok := want[sc.District]
			if !ok {
				t.Fatalf("unexpected scope %q", sc.District)
			}
			// The city also has the body's "5 more every year" for carriers, so
			// an indicator is told by its code and period together.
			got := map[string]float64{}
			for _, in := range sc.Indicators {
				got[in.Code+" "+in.Period] = in.Target
			}
			for code, v := range map[string]float64{"new_provincial_carriers 2023-2025": w.carriers, "new_enclaves 2023-2025": w.enclaves,
				"new_incubated_firms " + year: w.firms, "new_accelerators 2023-2025": w.accelerators} {
				if got[code] != v {
					t.Errorf("%s %q %s: target %g, want %g", year, sc.District, code, got[code], v)
				}
			}
		}
	}
}

// create stores a profile directly, as seeded data would be.
func (h *harness) put(p profile.Profile) {
	h.t.Helper()
	p.Normalize()
	if err := p.Validate(h.srv.Catalog); err != nil {
		h.t.Fatalf("%s: %v", p.Name, err)
	}
	if err := h.store.CreateProfile(context.Background(), &p); err != nil {
		h.t.Fatal(err)
	}
}

func TestKPIActualsOnAFixedDataset(t *testing.T) {
	h := newHarness(t, withClock)
	_, admin := h.user(profile.RoleAdmin)
	h.put(profile.Profile{Kind: profile.Carrier, Name: "盐南省级孵化器", District: "yannan", Type: "incubator", Level: "provincial", LevelSince: 2023, Established: "2019-01-01"})
	h.put(profile.Profile{Kind: profile.Carrier, Name: "盐南加速器", District: "yannan", Type: "accelerator", Level: "municipal", Established: "2024-05-01"})
	h.put(profile.Profile{Kind: profile.Carrier, Name: "东台老加速器", District: "dongtai", Type: "accelerator", Level: "none", Established: "2020-05-01"})
	h.put(profile.Profile{Kind: profile.Enclave, Name: "盐南上海飞地", HomeDistrict: "yannan", HostRegion: "yangtze_delta", Established: "2023-06-01"})
	for i, s := range []struct{ district, since string }{{"yannan", "2024-02-01"}, {"yannan", "2024-03-01"}, {"yannan", "2023-03-01"}, {"dongtai", "2024-01-15"}} {
		p := profile.Profile{Kind: profile.Startup, Name: "企业" + string(rune('A'+i)), District: s.district, IncubatedSince: s.since}
		if i == 0 {
			p.TechSME = &profile.YearResult{Year: 2024, Passed: true}
		}
		h.put(p)
	}
	h.put(profile.Profile{Kind: profile.Startup, Name: "已归档", District: "yannan", IncubatedSince: "2024-02-01", Archived: true})

	b := decodeKPI(t, h.do("GET", "/api/v1/kpi?year=2024", admin, nil))
	actual := map[string]map[string]float64{}
	for _, sc := range b.Scopes {
		actual[sc.District] = map[string]float64{}
		for _, in := range sc.Indicators {
			actual[sc.District][in.Code+" "+in.Period] = in.Actual
			if math.Abs(in.Ahead-(in.Actual-in.Expected)) > 1e-9 {
				t.Errorf("%q %s: ahead %g is not actual %g minus expected %g", sc.District, in.Code, in.Ahead, in.Actual, in.Expected)
			}
			if sc.District == "yannan" && in.Code == "new_incubated_firms" && (in.Status != "behind" || in.Ahead >= 0) {
				t.Errorf("yannan new firms: status %s ahead %g; 2 of 50 at midyear is behind", in.Status, in.Ahead)
			}
		}
	}
	for _, c := range []struct {
		district, code string
		want           float64
	}{
		{"yannan", "new_provincial_carriers 2023-2025", 1}, {"yannan", "new_enclaves 2023-2025", 1}, {"yannan", "new_accelerators 2023-2025", 1},
		{"yannan", "new_incubated_firms 2024", 2}, {"dongtai", "new_incubated_firms 2024", 1}, {"dongtai", "new_accelerators 2023-2025", 0},
		{"", "new_incubated_firms 2024", 3}, {"", "new_provincial_carriers 2023-2025", 1}, {"", "new_enclaves 2023-2025", 1},
		{"", "new_provincial_carriers 2024", 0}, // the body's yearly 5: the one carrier turned provincial in 2023
		{"", "tech_sme_share 2024", 25},         // 1 of the 4 live startups incubating in 2024
		{"tinghu", "new_incubated_firms 2024", 0},
	} {
		if got := actual[c.district][c.code]; got != c.want {
			t.Errorf("%q %s: actual %g, want %g", c.district, c.code, got, c.want)
		}
	}
}

func TestKPIAccess(t *testing.T) {
	h := newHarness(t, withClock)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, founder := h.user(profile.RoleStartup)

	b := decodeKPI(t, h.do("GET", "/api/v1/kpi", mgr, nil))
	if b.Year != 2024 || len(b.Scopes) != 1 || b.Scopes[0].District != "yannan" || b.Scopes[0].NameZH != "盐南高新区" {
		t.Errorf("manager's default view: year %d, scopes %+v", b.Year, b.Scopes)
	}
	b = decodeKPI(t, h.do("GET", "/api/v1/kpi?district=yannan&year=2025", mgr, nil))
	if len(b.Scopes) != 1 || b.Year != 2025 {
		t.Errorf("manager, own district: %+v", b)
	}
	for _, c := range []struct {
		path, token string
		status      int
		code, field string
	}{
		{"/api/v1/kpi?district=dongtai", mgr, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/kpi/export?district=dongtai", mgr, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/kpi", founder, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/kpi", "", http.StatusUnauthorized, "", ""},
		{"/api/v1/kpi?year=24", mgr, http.StatusBadRequest, "invalid_year", "year"},
		{"/api/v1/kpi?year=abc", mgr, http.StatusBadRequest, "invalid_year", "year"},
		{"/api/v1/kpi?year=2024&year=2025", mgr, http.StatusBadRequest, "repeated_parameter", "year"},
		{"/api/v1/kpi?district=atlantis", mgr, http.StatusBadRequest, "unknown_code", "district"},
	} {
		r := h.do("GET", c.path, c.token, nil)
		if r.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.path, r.Status, r.Body, c.status)
			continue
		}
		if c.code != "" {
			if code, field := r.errCode(t); code != c.code || field != c.field {
				t.Errorf("%s: error %s/%s, want %s/%s", c.path, code, field, c.code, c.field)
			}
		}
	}
	r := h.do("GET", "/api/v1/kpi/export?year=2024", mgr, nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || len(r.Body) < 100 {
		t.Errorf("KPI export: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}
