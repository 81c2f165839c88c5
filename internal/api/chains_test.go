package api_test

import (
	"testing"

	"fuhua/internal/profile"
)

// The chain map over HTTP: the list, one chain's segments with counts that follow
// what profiles declare and what their text says, a district filter, gaps, and
// search that finds a segment by its words, a chain by one character and a
// district by its name.
func TestChainMapAPI(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, admin := h.user(profile.RoleAdmin)
	post := func(path string, body map[string]any) string {
		t.Helper()
		r := h.do("POST", "/api/v1/"+path, admin, body)
		if r.Status != 201 {
			t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
		}
		return r.json(t)["id"].(string)
	}
	mea := post("startups", map[string]any{"name": "盐城氢芯膜电极科技", "district": "dafeng", "chains": []string{"hydrogen"},
		"stage": "angel", "summary": "研发质子交换膜燃料电池膜电极（MEA）与双极板。"})
	post("startups", map[string]any{"name": "HyStack Yancheng", "district": "yannan", "segments": []string{"hydrogen.fuel_cell"},
		"stage": "seed", "summary": "PEM fuel cell stacks."})
	post("startups", map[string]any{"name": "盐南电解槽", "district": "yannan", "chains": []string{"hydrogen"}, "stage": "a",
		"summary": "碱性电解槽与PEM电解水制氢设备。"})
	post("mentors", map[string]any{"name": "燃料电池导师", "district": "yannan", "capacity": 2, "topics": []string{"膜电极", "电堆"}})
	post("investors", map[string]any{"name": "氢能基金", "type": "vc", "chains": []string{"hydrogen"}})

	r := h.do("GET", "/api/v1/chains", admin, nil)
	if r.Status != 200 {
		t.Fatalf("GET /chains: %d %s", r.Status, r.Body)
	}
	var list struct {
		Items []struct {
			Code     string
			Segments []struct{ Code, ZH, EN string }
		}
	}
	mustJSON(t, r.Body, &list)
	withSegs := 0
	for _, c := range list.Items {
		if len(c.Segments) > 0 {
			withSegs++
		}
	}
	if withSegs < 32 {
		t.Errorf("%d chains have segments; every chain should", withSegs)
	}

	type segView struct {
		Code            string
		Counts          map[string]int
		StartupsByStage map[string]int `json:"startups_by_stage"`
		Supplies        []string
		Gaps            []struct{ Code string }
	}
	detail := func(q string) map[string]segView {
		t.Helper()
		r := h.do("GET", "/api/v1/chains/hydrogen"+q, admin, nil)
		if r.Status != 200 {
			t.Fatalf("GET /chains/hydrogen%s: %d %s", q, r.Status, r.Body)
		}
		var v struct {
			Segments   []segView
			WholeChain map[string]int `json:"whole_chain"`
		}
		mustJSON(t, r.Body, &v)
		out := map[string]segView{}
		for _, s := range v.Segments {
			out[s.Code] = s
		}
		if q == "" && v.WholeChain["investor"] != 1 {
			t.Errorf("the chain-wide investor is not counted as covering the whole chain: %v", v.WholeChain)
		}
		return out
	}
	all := detail("")
	fc := all["hydrogen.fuel_cell"]
	if fc.Counts["startup"] != 2 || fc.Counts["mentor"] != 1 {
		t.Errorf("fuel-cell segment counts %v; want 2 startups (one read from 膜电极, one declared in English) and the mentor", fc.Counts)
	}
	if fc.StartupsByStage["angel"] != 1 || fc.StartupsByStage["seed"] != 1 {
		t.Errorf("fuel-cell startups by stage %v", fc.StartupsByStage)
	}
	if all["hydrogen.production"].Counts["startup"] != 1 {
		t.Errorf("production segment counts %v", all["hydrogen.production"].Counts)
	}
	prod := all["hydrogen.production"]
	for _, g := range prod.Gaps {
		if g.Code == "no_investor" {
			t.Errorf("production has a chain-wide investor but reports no_investor")
		}
	}
	hasMentorGap := false
	for _, g := range prod.Gaps {
		hasMentorGap = hasMentorGap || g.Code == "no_mentor"
	}
	if !hasMentorGap {
		t.Errorf("production has a startup and no mentor but no no_mentor gap: %+v", prod.Gaps)
	}
	dafeng := detail("?district=dafeng")
	if n := dafeng["hydrogen.fuel_cell"].Counts["startup"]; n != 1 {
		t.Errorf("Dafeng's fuel-cell startups: %d, want 1", n)
	}

	for _, bad := range []struct {
		path, code string
		status     int
	}{
		{"/api/v1/chains/nope", "not_found", 404},
		{"/api/v1/chains/hydrogen?district=mars", "unknown_code", 400},
		{"/api/v1/search?segment=hydrogen.nope", "unknown_code", 400},
	} {
		r := h.do("GET", bad.path, admin, nil)
		if code, _ := r.errCode(t); r.Status != bad.status || code != bad.code {
			t.Errorf("GET %s: %d %s, want %d %s", bad.path, r.Status, r.Body, bad.status, bad.code)
		}
	}
	if r := h.do("GET", "/api/v1/chains", "", nil); r.Status != 401 {
		t.Errorf("GET /chains without a token: %d", r.Status)
	}

	ids := func(b searchBody) map[string]bool {
		out := map[string]bool{}
		for _, it := range b.Items {
			out[it.Name] = true
		}
		return out
	}
	if got := ids(h.search(admin, "q=MEA&kind=startup")); !got["盐城氢芯膜电极科技"] || !got["HyStack Yancheng"] {
		t.Errorf("MEA finds %v; want the 膜电极 firm and the English fuel-cell firm", got)
	}
	if got := ids(h.search(admin, "q=%E6%B0%A2&kind=startup")); len(got) != 3 { // 氢
		t.Errorf("氢 finds %v; want the three hydrogen startups", got)
	}
	if got := ids(h.search(admin, "q=%E7%9B%90%E5%8D%97%E9%AB%98%E6%96%B0%E5%8C%BA&kind=startup")); !got["盐南电解槽"] || !got["HyStack Yancheng"] || got["盐城氢芯膜电极科技"] { // 盐南高新区
		t.Errorf("盐南高新区 finds %v; want the two startups in Yannan only", got)
	}
	if got := ids(h.search(admin, "segment=hydrogen.fuel_cell&kind=startup")); len(got) != 2 || got["盐南电解槽"] {
		t.Errorf("segment filter finds %v", got)
	}

	// Matching reasons say how fuhua knows an inferred segment.
	r = h.do("GET", "/api/v1/startups/"+mea+"/matches?target=mentor", admin, nil)
	var m struct {
		Items []struct {
			Name    string
			Reasons []struct{ Code, ZH string }
		}
	}
	mustJSON(t, r.Body, &m)
	if len(m.Items) == 0 || m.Items[0].Reasons[0].Code != "chain" {
		t.Fatalf("matches: %s", r.Body)
	}
	if zh := m.Items[0].Reasons[0].ZH; zh == "" || !containsAll(zh, "燃料电池", "含“膜电极”") {
		t.Errorf("the segment reason does not say where it was read: %q", zh)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !contains(s, x) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
