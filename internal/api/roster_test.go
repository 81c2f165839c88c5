package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

type rosterBody struct {
	Items []struct {
		ID, Kind, Name, District string
		Segments                 []string
	} `json:"items"`
	Total     int            `json:"total"`
	Offset    int            `json:"offset"`
	Limit     int            `json:"limit"`
	Kinds     map[string]int `json:"kinds"`
	Districts []string       `json:"districts"`
}

func (h *harness) roster(token, query string) (rosterBody, response) {
	h.t.Helper()
	r := h.do("GET", "/api/v1/roster"+query, token, nil)
	var b rosterBody
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &b); err != nil {
			h.t.Fatal(err)
		}
	}
	return b, r
}

func names(b rosterBody) []string {
	var out []string
	for _, it := range b.Items {
		out = append(out, it.Name)
	}
	return out
}

// rosterData: two kinds in yannan, one startup in dongtai, an enclave whose home
// is yannan, an archived yannan startup.
func rosterData(h *harness) {
	h.put(profile.Profile{Kind: profile.Startup, Name: "盐南甲科技", District: "yannan", Chains: []string{"hydrogen"}, Stage: "angel",
		Summary: "膜电极研发", CreditCode: cc(11), OwnerID: "o"})
	h.put(profile.Profile{Kind: profile.Startup, Name: "盐南乙科技", District: "yannan", Chains: []string{"ic"}, Stage: "seed", CreditCode: cc(12), OwnerID: "o"})
	h.put(profile.Profile{Kind: profile.Startup, Name: "东台丙科技", District: "dongtai", Chains: []string{"hydrogen"}, Stage: "angel", CreditCode: cc(13), OwnerID: "o"})
	h.put(profile.Profile{Kind: profile.Carrier, Name: "盐南孵化器", District: "yannan", Type: "incubator", Level: "provincial", OwnerID: "o"})
	h.put(profile.Profile{Kind: profile.Enclave, Name: "盐南上海飞地", HomeDistrict: "yannan", HostCity: "上海", HostRegion: "yangtze_delta", OwnerID: "o"})
	h.put(profile.Profile{Kind: profile.Startup, Name: "盐南已归档", District: "yannan", CreditCode: cc(14), Archived: true, OwnerID: "o"})
}

func TestRosterOfAManagersDistricts(t *testing.T) {
	h := newHarness(t)
	rosterData(h)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, other := h.user(profile.RoleManager, "dongtai")
	_, admin := h.user(profile.RoleAdmin)
	_, founder := h.user(profile.RoleStartup)

	b, r := h.roster(mgr, "")
	if r.Status != http.StatusOK {
		t.Fatalf("roster: %d %s", r.Status, r.Body)
	}
	want := []string{"盐南乙科技", "盐南甲科技", "盐南孵化器", "盐南上海飞地"} // by kind, then name
	if !slices.Equal(names(b), want) || b.Total != 4 || b.Kinds["startup"] != 2 || b.Kinds["carrier"] != 1 || b.Kinds["enclave"] != 1 {
		t.Errorf("manager's roster %v %+v, want %v", names(b), b, want)
	}
	if b.Items[3].District != "yannan" {
		t.Errorf("the enclave is listed under %q, want its home district", b.Items[3].District)
	}
	// The other district's manager sees only theirs, and is refused ours.
	if b, _ := h.roster(other, ""); !slices.Equal(names(b), []string{"东台丙科技"}) {
		t.Errorf("dongtai manager's roster %v", names(b))
	}
	if _, r := h.roster(other, "?district=yannan"); r.Status != http.StatusForbidden {
		t.Errorf("dongtai manager asking for yannan: %d", r.Status)
	}
	if b, _ := h.roster(admin, "?kind=startup"); b.Total != 3 {
		t.Errorf("admin's startups: %v", names(b))
	}
	_, nowhere := h.user(profile.RoleManager)
	if b, r := h.roster(nowhere, ""); r.Status != http.StatusOK || b.Total != 0 {
		t.Errorf("a manager of no district: %d %v", r.Status, names(b))
	}
	if _, r := h.roster(founder, ""); r.Status != http.StatusForbidden {
		t.Errorf("founder: %d", r.Status)
	}
	// Filters: kind, chain, stage, text, segment (read from the summary), paging.
	for q, want := range map[string][]string{
		"?kind=carrier":                 {"盐南孵化器"},
		"?chain=hydrogen":               {"盐南甲科技"},
		"?stage=seed":                   {"盐南乙科技"},
		"?q=乙":                          {"盐南乙科技"},
		"?q=" + cc(11):                  {"盐南甲科技"},
		"?segment=hydrogen.fuel_cell":   {"盐南甲科技"},
		"?district=yannan&kind=enclave": {"盐南上海飞地"},
		"?limit=2&offset=1":             {"盐南甲科技", "盐南孵化器"},
	} {
		b, r := h.roster(mgr, q)
		if r.Status != http.StatusOK || !slices.Equal(names(b), want) {
			t.Errorf("%s: %d %v, want %v", q, r.Status, names(b), want)
		}
	}
	// Bad input names the field.
	for q, field := range map[string]string{"?kind=dragon": "kind", "?district=atlantis": "district", "?segment=x.y": "segment",
		"?limit=0": "limit", "?offset=-1": "offset", "?stage=ipo2": "stage"} {
		_, r := h.roster(mgr, q)
		if _, f := r.errCode(t); r.Status != http.StatusBadRequest || f != field {
			t.Errorf("%s: %d field %q, want 400 %q", q, r.Status, f, field)
		}
	}
}

func TestRosterExport(t *testing.T) {
	h := newHarness(t)
	rosterData(h)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, other := h.user(profile.RoleManager, "dongtai")
	r := h.do("GET", "/api/v1/roster/export?kind=startup", mgr, nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != sheet.ContentType {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	tb, err := sheet.Read(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ln := range tb.Lines[2:] {
		got = append(got, ln.Cells[0])
	}
	if !slices.Equal(got, []string{"盐南乙科技", "盐南甲科技"}) {
		t.Errorf("exported %v", got)
	}
	// The export imports again unchanged: it is the import layout.
	seq := h.lastSeq()
	if b := h.importFile("/api/v1/startups/import", mgr, "roster.xlsx", r.Body); b.Unchanged != 2 || b.Failed != 0 || h.lastSeq() != seq {
		t.Errorf("re-import of the roster export: %+v", b)
	}
	if r := h.do("GET", "/api/v1/roster/export?district=yannan", other, nil); r.Status != http.StatusForbidden {
		t.Errorf("other district's export: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/roster/export", mgr, nil); r.Status != http.StatusOK {
		t.Errorf("export of every kind: %d", r.Status)
	}
}
