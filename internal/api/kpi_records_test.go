package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"fuhua/internal/profile"
)

type recordsBody struct {
	Year      int    `json:"year"`
	District  string `json:"district"`
	NameZH    string `json:"name_zh"`
	Indicator struct {
		Code, Period, Status string
		ZH                   string  `json:"zh"`
		Actual               float64 `json:"actual"`
		Closed               bool    `json:"closed"`
	} `json:"indicator"`
	Count int `json:"count"`
	Items []struct {
		ID, Kind, Name, District, Date string
		WhyZH                          string `json:"why_zh"`
		Passed                         *bool  `json:"passed"`
	} `json:"items"`
}

func (h *harness) records(token, query string) (recordsBody, response) {
	h.t.Helper()
	r := h.do("GET", "/api/v1/kpi/records"+query, token, nil)
	var b recordsBody
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &b); err != nil {
			h.t.Fatal(err)
		}
	}
	return b, r
}

func TestKPIRecords(t *testing.T) {
	h := newHarness(t, withClock)
	_, admin := h.user(profile.RoleAdmin)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, other := h.user(profile.RoleManager, "dongtai")
	_, founder := h.user(profile.RoleStartup)
	h.put(profile.Profile{Kind: profile.Carrier, Name: "盐南省级孵化器", District: "yannan", Type: "incubator", Level: "provincial", LevelSince: 2023, Established: "2019-01-01"})
	h.put(profile.Profile{Kind: profile.Carrier, Name: "东台省级众创空间", District: "dongtai", Type: "maker_space", Level: "provincial", LevelSince: 2024, Established: "2019-01-01"})
	for i, s := range []struct{ name, district, since string }{{"盐南甲", "yannan", "2024-02-01"}, {"盐南乙", "yannan", "2024-03-01"},
		{"盐南老", "yannan", "2023-03-01"}, {"东台甲", "dongtai", "2024-01-15"}} {
		p := profile.Profile{Kind: profile.Startup, Name: s.name, District: s.district, IncubatedSince: s.since}
		if i == 0 {
			p.TechSME = &profile.YearResult{Year: 2024, Passed: true}
		}
		h.put(p)
	}

	// Every figure of the manager's KPI view lists as many records as it counts.
	kb := decodeKPI(t, h.do("GET", "/api/v1/kpi?year=2024", mgr, nil))
	for _, in := range kb.Scopes[0].Indicators {
		b, r := h.records(mgr, "?year=2024&district=yannan&indicator="+in.Code+"&period="+in.Period)
		if r.Status != http.StatusOK {
			t.Fatalf("%s %s: %d %s", in.Code, in.Period, r.Status, r.Body)
		}
		want := int(in.Actual)
		if b.Count != want || len(b.Items) != want || b.Indicator.Actual != in.Actual || b.Indicator.ZH == "" {
			t.Errorf("%s %s: %d records, actual %g; want %d", in.Code, in.Period, b.Count, in.Actual, want)
		}
		for _, it := range b.Items {
			if it.District != "yannan" {
				t.Errorf("%s: record from %s", in.Code, it.District)
			}
		}
	}
	b, _ := h.records(mgr, "?year=2024&district=yannan&indicator=new_incubated_firms")
	var got []string
	for _, it := range b.Items {
		got = append(got, it.Name)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"盐南乙", "盐南甲"}) || b.Items[0].Kind != "startup" || b.Items[0].WhyZH != "入孵" || b.NameZH != "盐南高新区" {
		t.Errorf("yannan's new firms: %+v", b)
	}
	// The share (a city target): every firm incubating in 2024, those that passed marked.
	b, _ = h.records(admin, "?year=2024&indicator=tech_sme_share")
	if b.Count != 4 || b.Indicator.Actual != 25 {
		t.Errorf("city share: %+v", b)
	}
	passed := 0
	for _, it := range b.Items {
		if it.Passed == nil {
			t.Errorf("share record without passed: %+v", it)
		} else if *it.Passed {
			passed++
		}
	}
	if passed != 1 {
		t.Errorf("%d passed, want 1", passed)
	}
	// The city's figures for the admin; 2023's yearly carriers target closed short: missed.
	b, _ = h.records(admin, "?year=2023&indicator=new_provincial_carriers&period=2023")
	if b.Count != 1 || b.Items[0].Name != "盐南省级孵化器" || b.Indicator.Status != "missed" || !b.Indicator.Closed {
		t.Errorf("city 2023 carriers: %+v", b)
	}
	if b, _ := h.records(admin, "?year=2024&indicator=new_provincial_carriers&period=2023-2025"); b.Count != 2 {
		t.Errorf("city three-year carriers: %+v", b)
	}

	// Access and bad input.
	for _, c := range []struct {
		who, query  string
		status      int
		code, field string
	}{
		{other, "?indicator=new_incubated_firms&district=yannan", http.StatusForbidden, "forbidden", ""},
		{mgr, "?indicator=new_incubated_firms", http.StatusForbidden, "forbidden", ""}, // the city is not a manager's
		{founder, "?indicator=new_incubated_firms&district=yannan", http.StatusForbidden, "forbidden", ""},
		{mgr, "?indicator=&district=yannan", http.StatusBadRequest, "unknown_indicator", "indicator"},
		{mgr, "?indicator=dragons&district=yannan", http.StatusBadRequest, "unknown_indicator", "indicator"},
		{mgr, "?indicator=new_incubated_firms&district=atlantis", http.StatusBadRequest, "unknown_code", "district"},
		{mgr, "?indicator=new_incubated_firms&district=yannan&year=1", http.StatusBadRequest, "invalid_year", "year"},
		{mgr, "?indicator=new_incubated_firms&district=yannan&year=2030", http.StatusBadRequest, "no_target", "period"},
		{mgr, "?indicator=new_incubated_firms&district=yannan&period=1999", http.StatusBadRequest, "no_target", "period"},
	} {
		_, r := h.records(c.who, c.query)
		if r.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.query, r.Status, r.Body, c.status)
			continue
		}
		if code, field := r.errCode(t); code != c.code || field != c.field {
			t.Errorf("%s: %s/%s, want %s/%s", c.query, code, field, c.code, c.field)
		}
	}
}
