package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/profile"
)

// putID stores a profile directly and returns its id.
func (h *harness) putID(p profile.Profile) string {
	h.t.Helper()
	p.Normalize()
	if err := p.Validate(h.srv.Catalog); err != nil {
		h.t.Fatalf("%s: %v", p.Name, err)
	}
	if err := h.store.CreateProfile(context.Background(), &p); err != nil {
		h.t.Fatal(err)
	}
	return p.ID
}

type policyBody struct {
	ID    string `json:"id"`
	Year  int    `json:"year"`
	On    string `json:"on"`
	Items []struct {
		Code       string `json:"code"`
		ZH         string `json:"zh"`
		EN         string `json:"en"`
		Status     string `json:"status"`
		Version    string `json:"version"`
		Conditions []struct {
			Code string `json:"code"`
			ZH   string `json:"zh"`
			EN   string `json:"en"`
			Met  *bool  `json:"met"`
			Have struct{ ZH, EN string }
			Need struct{ ZH, EN string }
		} `json:"conditions"`
		Source struct {
			Document string `json:"document"`
			Read     string `json:"read"`
		} `json:"source"`
		Providers []struct {
			Type       string `json:"type"`
			Candidates []struct {
				ID, Name string
			} `json:"candidates"`
		} `json:"providers"`
	} `json:"items"`
}

func decodeAs[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return v
}

// closeFirm is firm B of internal/policy/testdata/fixed.json: 52 tech-SME points
// (close), an invention patent short of the angel fund (close).
func closeFirm(owner string) profile.Profile {
	return profile.Profile{Kind: profile.Startup, Name: "盐城差一点科技有限公司", District: "tinghu", Stage: "seed", Status: "incubating",
		Founded: "2024-09-01", Employees: 20, TechStaff: 2, RDRatio: 0.045, OtherIP: 3, RevenueWan: 300, AssetsWan: 200, OwnerID: owner}
}

func TestPolicyCatalogueRoute(t *testing.T) {
	h := newHarness(t, withClock)
	_, founder := h.user(profile.RoleStartup)
	type cat struct {
		Year  int `json:"year"`
		Items []struct {
			Code, Version string
			Source        struct{ Document, Read string }
			Conditions    []json.RawMessage
		} `json:"items"`
	}
	b := decodeAs[cat](t, h.do("GET", "/api/v1/policies", founder, nil))
	if b.Year != 2024 || len(b.Items) < 10 {
		t.Fatalf("default year %d with %d programmes", b.Year, len(b.Items))
	}
	versions := map[string]string{}
	for _, it := range b.Items {
		versions[it.Code] = it.Version
		if it.Source.Read == "" || it.Source.Document == "" || len(it.Conditions) == 0 {
			t.Errorf("%s: source %+v, %d conditions", it.Code, it.Source, len(it.Conditions))
		}
	}
	old := decodeAs[cat](t, h.do("GET", "/api/v1/policies?year=2020", founder, nil))
	for _, it := range old.Items {
		if it.Code == "sukedai" && it.Version == versions["sukedai"] {
			t.Errorf("2020 and 2024 share the sukedai version %q", it.Version)
		}
		if it.Code == "srdi_sme" {
			t.Error("the 2022 SRDI rules listed for 2020")
		}
	}
	for _, c := range []struct{ path, code, field string }{
		{"/api/v1/policies?year=abc", "invalid_year", "year"},
		{"/api/v1/policies?year=1999", "invalid_year", "year"},
		{"/api/v1/policies?year=2024&year=2025", "repeated_parameter", "year"},
	} {
		r := h.do("GET", c.path, founder, nil)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", c.path, r.Status)
			continue
		}
		if code, field := r.errCode(t); code != c.code || field != c.field {
			t.Errorf("%s: %s/%s", c.path, code, field)
		}
	}
	if r := h.do("GET", "/api/v1/policies", "", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.Status)
	}
}

func TestStartupPolicies(t *testing.T) {
	h := newHarness(t, withClock)
	u, founder := h.user(profile.RoleStartup)
	_, other := h.user(profile.RoleStartup)
	_, mgr := h.user(profile.RoleManager, "tinghu")
	_, mgrElse := h.user(profile.RoleManager, "dongtai")
	_, admin := h.user(profile.RoleAdmin)
	id := h.putID(closeFirm(u.ID))
	ipNear := h.putID(profile.Profile{Kind: profile.Provider, Name: "亭湖知识产权代理", District: "tinghu", Type: "ip", Services: []string{"ip"}})
	h.putID(profile.Profile{Kind: profile.Provider, Name: "东台知识产权代理", District: "dongtai", Type: "ip", Services: []string{"ip"}})
	accountant := h.putID(profile.Profile{Kind: profile.Provider, Name: "盐都会计师事务所", District: "yandu", Type: "accounting", Services: []string{"accounting"}})

	b := decodeAs[policyBody](t, h.do("GET", "/api/v1/startups/"+id+"/policies?year=2025", founder, nil))
	if b.ID != id || b.Year != 2025 || b.On != "2025-12-31" {
		t.Errorf("head: %+v", b)
	}
	status := map[string]string{}
	for _, it := range b.Items {
		status[it.Code] = it.Status
		if it.ZH == "" || it.EN == "" || it.Source.Read == "" {
			t.Errorf("%s: names or source missing", it.Code)
		}
		for _, c := range it.Conditions {
			if c.Code == "" || c.ZH == "" || c.EN == "" || c.Have.ZH == "" || c.Have.EN == "" || c.Need.ZH == "" || c.Need.EN == "" {
				t.Errorf("%s/%s: a text is missing: %+v", it.Code, c.Code, c)
			}
		}
		if it.Code == "tech_sme" {
			types := map[string][]string{}
			for _, p := range it.Providers {
				for _, cnd := range p.Candidates {
					types[p.Type] = append(types[p.Type], cnd.ID)
				}
			}
			// The tinghu IP agent comes before the dongtai one; the accountant closes the R&D gap.
			if ip := types["ip"]; len(ip) != 2 || ip[0] != ipNear {
				t.Errorf("tech-SME IP providers %v, want the tinghu agent %s first", ip, ipNear)
			}
			if acc := types["accounting"]; len(acc) != 1 || acc[0] != accountant {
				t.Errorf("tech-SME accounting providers %v", acc)
			}
		}
		if it.Code == "high_tech" {
			for _, c := range it.Conditions {
				if c.Code == "high_tech_revenue" && c.Met != nil {
					t.Errorf("high-tech revenue is data fuhua lacks: met %v", *c.Met)
				}
				if c.Code == "rd_ratio" && (c.Met == nil || *c.Met || c.Have.ZH != "研发费用占销售收入比例 4.5%" || c.Need.ZH != "需 ≥ 5%（年销售收入 ≤ 5000 万元）") {
					t.Errorf("high-tech R&D: %+v", c)
				}
			}
		}
	}
	// By hand as firm B of internal/policy/testdata/fixed.json, but on 2025-12-31:
	// by then the firm is 15 months old, so the high-tech age rule is met and only
	// its R&D gap (4.5 % of 5 %, within 20 %) and data fuhua lacks remain → close.
	for code, want := range map[string]string{"tech_sme": "close", "high_tech": "close", "sukedai": "eligible",
		"js_private_tech": "not_eligible", "srdi_sme": "not_eligible", "yc_angel_fund": "close", "finance_station_service": "eligible"} {
		if status[code] != want {
			t.Errorf("%s: %s, want %s", code, status[code], want)
		}
	}
	if _, ok := status["reward_benchmark_incubator"]; ok {
		t.Error("a carrier reward listed for a startup")
	}

	// The tech-SME page says the same as the policy engine.
	ts := decodeAs[struct{ Passed bool }](t, h.do("GET", "/api/v1/startups/"+id+"/techsme?year=2025", founder, nil))
	if ts.Passed != (status["tech_sme"] == "eligible") {
		t.Errorf("techsme passed %v, policies %s", ts.Passed, status["tech_sme"])
	}

	for _, c := range []struct {
		path, token string
		status      int
		code, field string
	}{
		{"/api/v1/startups/" + id + "/policies", mgr, http.StatusOK, "", ""},
		{"/api/v1/startups/" + id + "/policies", admin, http.StatusOK, "", ""},
		{"/api/v1/startups/" + id + "/policies", other, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/startups/" + id + "/policies", mgrElse, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/startups/" + id + "/policies", "", http.StatusUnauthorized, "", ""},
		{"/api/v1/startups/" + id + "/policies?year=20x5", founder, http.StatusBadRequest, "invalid_year", "year"},
		{"/api/v1/startups/" + accountant + "/policies", admin, http.StatusNotFound, "not_found", ""},
		{"/api/v1/startups/nope/policies", admin, http.StatusBadRequest, "invalid_id", "id"},
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
}

func TestCarrierAndEnclavePolicies(t *testing.T) {
	h := newHarness(t, withClock)
	op, token := h.user(profile.RoleOperator)
	carrier := h.putID(profile.Profile{Kind: profile.Carrier, Name: "盐南标杆孵化器", District: "yannan", Type: "incubator", Level: "provincial",
		Benchmark: true, Professional: true, AreaSqm: 32000, Services: []string{"space", "finance"}, Established: "2018-09-01", OwnerID: op.ID})
	enclave := h.putID(profile.Profile{Kind: profile.Enclave, Name: "盐城（上海）离岸科创中心", HomeDistrict: "kaifaqu", HostCity: "上海",
		HostRegion: "yangtze_delta", Capacity: 8, Established: "2021-11-18", OwnerID: op.ID})
	b := decodeAs[policyBody](t, h.do("GET", "/api/v1/carriers/"+carrier+"/policies?year=2025", token, nil))
	got := map[string]string{}
	for _, it := range b.Items {
		got[it.Code] = it.Status
	}
	for code, want := range map[string]string{"reward_benchmark_incubator": "eligible", "reward_professional_incubator": "eligible",
		"reward_international_carrier": "not_eligible", "reward_finance_station": "eligible", "national_incubator": "unknown"} {
		if got[code] != want {
			t.Errorf("carrier %s: %s, want %s", code, got[code], want)
		}
	}
	if _, ok := got["tech_sme"]; ok {
		t.Error("a startup programme listed for a carrier")
	}
	e := decodeAs[policyBody](t, h.do("GET", "/api/v1/enclaves/"+enclave+"/policies?year=2025", token, nil))
	if len(e.Items) != 1 || e.Items[0].Code != "reward_enclave" || e.Items[0].Status != "close" {
		t.Errorf("enclave: %+v", e.Items)
	}
}

type firmsBody struct {
	Code     string         `json:"code"`
	Statuses []string       `json:"statuses"`
	Counts   map[string]int `json:"counts"`
	Items    []struct {
		ID, Name, District, Status string
		Gaps                       []struct{ Code string }
		Providers                  []string
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func TestPolicyFirmsForManagers(t *testing.T) {
	h := newHarness(t, withClock)
	_, mgr := h.user(profile.RoleManager, "tinghu")
	_, admin := h.user(profile.RoleAdmin)
	_, founder := h.user(profile.RoleStartup)
	strong := func(name, district string) profile.Profile {
		return profile.Profile{Kind: profile.Startup, Name: name, District: district, Founded: "2020-01-01", Employees: 10, TechStaff: 4,
			RDRatio: 0.08, Patents: 1, RevenueWan: 500, AssetsWan: 500}
	}
	e1 := h.putID(strong("亭湖甲", "tinghu"))
	e2 := h.putID(strong("亭湖乙", "tinghu"))
	cl := h.putID(closeFirm(""))
	far := h.putID(profile.Profile{Kind: profile.Startup, Name: "亭湖空白", District: "tinghu"})
	dt := h.putID(strong("东台甲", "dongtai"))
	h.putID(profile.Profile{Kind: profile.Startup, Name: "已归档", District: "tinghu", Employees: 10, TechStaff: 4, RDRatio: 0.08, Patents: 1, Archived: true})

	b := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/tech_sme/firms?year=2025", mgr, nil))
	got := map[string]string{}
	for _, it := range b.Items {
		got[it.ID] = it.Status
	}
	if len(got) != 3 || got[e1] != "eligible" || got[e2] != "eligible" || got[cl] != "close" {
		t.Errorf("manager's default list %v; want the two eligible and the close tinghu firms", got)
	}
	if b.Counts["eligible"] != 2 || b.Counts["close"] != 1 || b.Counts["not_eligible"] != 1 {
		t.Errorf("counts %v", b.Counts)
	}
	for _, it := range b.Items {
		if it.ID == cl && (len(it.Gaps) != 1 || it.Gaps[0].Code != "route" || len(it.Providers) == 0) {
			t.Errorf("close firm gaps %+v providers %v", it.Gaps, it.Providers)
		}
	}
	ne := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/tech_sme/firms?year=2025&status=not_eligible", mgr, nil))
	if len(ne.Items) != 1 || ne.Items[0].ID != far {
		t.Errorf("not eligible: %+v", ne.Items)
	}
	all := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/tech_sme/firms?year=2025&status=eligible", admin, nil))
	if len(all.Items) != 3 {
		t.Errorf("admin sees %d eligible firms across districts, want 3", len(all.Items))
	}
	only := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/tech_sme/firms?year=2025&district=dongtai", admin, nil))
	if len(only.Items) != 1 || only.Items[0].ID != dt {
		t.Errorf("admin, dongtai: %+v", only.Items)
	}

	// Paging: one at a time, in id order, until the cursor runs out.
	var seen []string
	cursor := ""
	for range 5 {
		p := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/tech_sme/firms?year=2025&limit=1&cursor="+cursor, mgr, nil))
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	if len(seen) != 3 || seen[0] >= seen[1] || seen[1] >= seen[2] {
		t.Errorf("pages gave %v", seen)
	}

	for _, c := range []struct {
		path, token string
		status      int
		code, field string
	}{
		{"/api/v1/policies/tech_sme/firms?district=dongtai", mgr, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/policies/tech_sme/firms", founder, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/policies/tech_sme/firms/export", founder, http.StatusForbidden, "forbidden", ""},
		{"/api/v1/policies/tech_sme/firms?status=maybe", mgr, http.StatusBadRequest, "unknown_code", "status"},
		{"/api/v1/policies/tech_sme/firms?district=atlantis", mgr, http.StatusBadRequest, "unknown_code", "district"},
		{"/api/v1/policies/tech_sme/firms?limit=0", mgr, http.StatusBadRequest, "out_of_range", "limit"},
		{"/api/v1/policies/tech_sme/firms?cursor=x$y", mgr, http.StatusBadRequest, "invalid_cursor", "cursor"},
		{"/api/v1/policies/tech_sme/firms?year=2010", mgr, http.StatusBadRequest, "not_in_force", "year"},
		{"/api/v1/policies/no_such/firms", mgr, http.StatusNotFound, "not_found", "code"},
		{"/api/v1/policies/tech_sme/firms?status=close&status=eligible", mgr, http.StatusBadRequest, "repeated_parameter", "status"},
	} {
		r := h.do("GET", c.path, c.token, nil)
		if r.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.path, r.Status, r.Body, c.status)
			continue
		}
		if code, field := r.errCode(t); code != c.code || field != c.field {
			t.Errorf("%s: error %s/%s, want %s/%s", c.path, code, field, c.code, c.field)
		}
	}

	// The export lists the same firms as the page.
	r := h.do("GET", "/api/v1/policies/tech_sme/firms/export?year=2025", mgr, nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(wb.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, row := range rows[1:] {
		if len(row) >= 8 && row[5] != "" {
			ids[row[5]] = row[7]
		}
	}
	if len(ids) != 3 || ids[e1] != "eligible" || ids[cl] != "close" || rows[0][0] != "名称" {
		t.Errorf("export rows %v", ids)
	}
}

// Carrier and enclave programmes list carriers and enclaves; a manager sees an
// enclave by its home district, as everywhere else.
func TestPolicyFirmsForCarriersAndEnclaves(t *testing.T) {
	h := newHarness(t, withClock)
	_, mgr := h.user(profile.RoleManager, "kaifaqu")
	h.putID(profile.Profile{Kind: profile.Carrier, Name: "开发区标杆孵化器", District: "kaifaqu", Type: "incubator", Level: "national", Benchmark: true, Established: "2016-01-01"})
	h.putID(profile.Profile{Kind: profile.Carrier, Name: "盐南标杆孵化器", District: "yannan", Type: "incubator", Level: "national", Benchmark: true, Established: "2016-01-01"})
	h.putID(profile.Profile{Kind: profile.Startup, Name: "开发区企业", District: "kaifaqu"})
	enc := h.putID(profile.Profile{Kind: profile.Enclave, Name: "开发区深圳飞地", HomeDistrict: "kaifaqu", HostCity: "深圳", HostRegion: "pearl_delta", Capacity: 20, Established: "2020-05-01"})
	h.putID(profile.Profile{Kind: profile.Enclave, Name: "盐南北京飞地", HomeDistrict: "yannan", HostCity: "北京", HostRegion: "jingjinji", Capacity: 20, Established: "2020-05-01"})

	b := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/reward_benchmark_incubator/firms?year=2025", mgr, nil))
	if len(b.Items) != 1 || b.Items[0].Name != "开发区标杆孵化器" || b.Items[0].Status != "eligible" {
		t.Errorf("benchmark reward, kaifaqu manager: %+v", b.Items)
	}
	e := decodeAs[firmsBody](t, h.do("GET", "/api/v1/policies/reward_enclave/firms?year=2025", mgr, nil))
	if len(e.Items) != 1 || e.Items[0].ID != enc || e.Items[0].District != "kaifaqu" {
		t.Errorf("enclave reward, kaifaqu manager: %+v", e.Items)
	}
}
