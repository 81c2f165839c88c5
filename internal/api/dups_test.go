package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"fuhua/internal/profile"
)

type warned struct {
	ID       string            `json:"id"`
	Warnings []profile.Warning `json:"warnings"`
}

func (h *harness) createWarned(token string, k profile.Kind, body map[string]any) warned {
	h.t.Helper()
	r := h.do("POST", "/api/v1/"+k.Path(), token, body)
	if r.Status != http.StatusCreated {
		h.t.Fatalf("create %v: %d %s", body["name"], r.Status, r.Body)
	}
	var w warned
	if err := json.Unmarshal(r.Body, &w); err != nil || w.ID == "" {
		h.t.Fatalf("create: %v %s", err, r.Body)
	}
	return w
}

func warnedIDs(w warned) []string {
	var out []string
	for _, x := range w.Warnings {
		out = append(out, x.ProfileID)
		if x.Code != "similar_name" || x.ZH == "" || x.EN == "" || x.Name == "" {
			panic(fmt.Sprintf("warning without words: %+v", x))
		}
	}
	return out
}

// A firm entered again under a nearly identical name in its district is
// created with a warning that points at the first; elsewhere, or under
// another name, there is none. The same credit code is refused, pointing at
// its holder.
func TestDuplicateWarnings(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan", "dafeng")
	st := func(name, district string) map[string]any {
		return map[string]any{"name": name, "district": district, "chains": []string{"hydrogen"}}
	}
	first := h.createWarned(mgr, profile.Startup, st("盐城氢途能源科技有限公司", "yannan"))
	if len(first.Warnings) != 0 {
		t.Fatalf("the first has warnings: %+v", first.Warnings)
	}
	again := h.createWarned(mgr, profile.Startup, st("氢途能源科技（盐城）有限公司", "yannan"))
	if got := warnedIDs(again); len(got) != 1 || got[0] != first.ID {
		t.Errorf("same name again: warnings %v, want [%s]", got, first.ID)
	}
	typo := h.createWarned(mgr, profile.Startup, st("盐城氢涂能源科技有限公司", "yannan"))
	if got := warnedIDs(typo); len(got) != 2 {
		t.Errorf("one character changed: warnings %v, want both earlier ones", got)
	}
	if got := warnedIDs(h.createWarned(mgr, profile.Startup, st("盐城氢途能源科技有限公司", "dafeng"))); len(got) != 0 {
		t.Errorf("another district: warnings %v", got)
	}
	if got := warnedIDs(h.createWarned(mgr, profile.Startup, st("盐城氢途动力科技有限公司", "yannan"))); len(got) != 0 {
		t.Errorf("two characters changed: warnings %v", got)
	}
	if got := warnedIDs(h.createWarned(mgr, profile.Provider, map[string]any{"name": "盐城氢途能源科技有限公司", "type": "law", "district": "yannan"})); len(got) != 0 {
		t.Errorf("another kind: warnings %v", got)
	}

	// Renaming into a duplicate warns too; an archived profile is never pointed at.
	other := h.createWarned(mgr, profile.Startup, st("盐城蓝海材料有限公司", "yannan"))
	r := h.do("PATCH", "/api/v1/startups/"+other.ID, mgr, map[string]any{"name": "氢途能源科技有限公司", "version": 1})
	var renamed warned
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &renamed) != nil || len(renamed.Warnings) != 3 {
		t.Errorf("rename: %d %s", r.Status, r.Body)
	}
	if r := h.do("DELETE", "/api/v1/startups/"+typo.ID, mgr, nil); r.Status/100 != 2 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	for _, id := range warnedIDs(h.createWarned(mgr, profile.Startup, st("氢途能源科技", "yannan"))) {
		if id == typo.ID {
			t.Errorf("an archived profile is pointed at")
		}
	}

	// The credit code is a rule, not advice.
	code := validCreditCode("91320913MA25XK3Q0")
	withCode := st("盐城星河电子有限公司", "yannan")
	withCode["credit_code"] = code
	holder := h.createWarned(mgr, profile.Startup, withCode)
	before := h.lastSeq()
	withCode["name"] = "完全不同的名字科技有限公司"
	r = h.do("POST", "/api/v1/startups", mgr, withCode)
	var raw map[string]map[string]any
	_ = json.Unmarshal(r.Body, &raw)
	if r.Status != http.StatusConflict || raw["error"]["code"] != "duplicate_credit_code" || raw["error"]["field"] != "credit_code" ||
		raw["error"]["ref"] != holder.ID {
		t.Errorf("same credit code: %d %s, want 409 duplicate_credit_code ref %s", r.Status, r.Body, holder.ID)
	}
	if h.lastSeq() != before {
		t.Errorf("the refused create wrote a profile")
	}
}

// An import row that creates a near-duplicate carries the warning in the
// result, with its row number.
func TestImportRowWarnsOfDuplicate(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "tinghu")
	first := h.createWarned(mgr, profile.Provider, map[string]any{"name": "盐城知联知识产权代理有限公司", "type": "ip", "district": "tinghu"})
	csv := "名称,机构类型,所在区县\n知联知识产权代理（盐城）有限公司,知识产权代理,亭湖区\n盐城明律律师事务所,律师事务所,亭湖区\n"
	r := h.upload("/api/v1/providers/import", mgr, "p.csv", []byte(csv))
	var res struct {
		Created  int `json:"created"`
		Warnings []struct {
			Row       int    `json:"row"`
			Code      string `json:"code"`
			ProfileID string `json:"profile_id"`
			ZH        string `json:"zh"`
		} `json:"warnings"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &res) != nil {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	if res.Created != 2 || len(res.Warnings) != 1 || res.Warnings[0].Row != 2 || res.Warnings[0].ProfileID != first.ID ||
		res.Warnings[0].Code != "similar_name" || res.Warnings[0].ZH == "" {
		t.Errorf("import result: %s", r.Body)
	}
}
