package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"fuhua/internal/api"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// importWarnings is an import's result with its warnings.
type importWarnings struct {
	Created  int `json:"created"`
	Failed   int `json:"failed"`
	Warnings []struct {
		Row       int    `json:"row"`
		Code      string `json:"code"`
		ProfileID string `json:"profile_id"`
		Name      string `json:"name"`
	} `json:"warnings"`
	Errors []struct {
		Row   int    `json:"row"`
		Field string `json:"field"`
		Code  string `json:"code"`
	} `json:"errors"`
}

// New rows of one file that nearly repeat each other are each warned of the
// others, as they would be entered one by one (each pointing at the stored
// profile); a row nearly repeating a stored profile is warned of it; rows of
// other names or districts are not warned.
func TestImportWarnsOfNearRowsInTheSameFile(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "tinghu", "yannan")
	stored := h.createWarned(mgr, profile.Provider, map[string]any{"name": "盐城知联知识产权代理有限公司", "type": "ip", "district": "tinghu"})
	csv := "名称,机构类型,所在区县\n" +
		"盐城明律律师事务所,律师事务所,亭湖区\n" + // row 2 ~ row 3
		"盐城明律律所事务所,律师事务所,亭湖区\n" + // row 3 ~ row 2
		"知联知识产权代理（盐城）有限公司,知识产权代理,亭湖区\n" + // row 4 ~ stored
		"盐城明律律师事务所,律师事务所,盐南高新区\n" + // row 5: another district
		"盐城远航会计师事务所,会计师事务所,亭湖区\n" // row 6: another name
	r := h.upload("/api/v1/providers/import", mgr, "p.csv", []byte(csv))
	var res importWarnings
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &res) != nil || res.Created != 5 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	got := map[int][]string{}
	for _, w := range res.Warnings {
		if w.Code != "similar_name" || w.ProfileID == "" {
			t.Errorf("warning %+v", w)
		}
		got[w.Row] = append(got[w.Row], w.Name)
	}
	want := map[int][]string{2: {"盐城明律律所事务所"}, 3: {"盐城明律律师事务所"}, 4: {"盐城知联知识产权代理有限公司"}}
	if len(got) != len(want) || strings.Join(got[2], ",") != want[2][0] || strings.Join(got[3], ",") != want[3][0] || strings.Join(got[4], ",") != want[4][0] {
		t.Errorf("warnings by row %v, want %v", got, want)
	}
	for _, w := range res.Warnings {
		if w.Row == 4 && w.ProfileID != stored.ID {
			t.Errorf("row 4 points at %s, want the stored %s", w.ProfileID, stored.ID)
		}
	}
	// What the import filed, a single create finds: the new name warns of
	// both rows of the file it nearly repeats.
	again := h.createWarned(mgr, profile.Provider, map[string]any{"name": "盐城明律律师事务所", "type": "law", "district": "tinghu"})
	names := []string{}
	for _, w := range again.Warnings {
		names = append(names, w.Name)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "盐城明律律师事务所,盐城明律律所事务所" {
		t.Errorf("a create after the import is warned of %v", names)
	}
}

// A row naming an archived startup by its credit code is refused, in check
// mode as when writing, and nothing is created.
func TestImportRefusesARowOfAnArchivedStartup(t *testing.T) {
	h := newHarness(t)
	_, admin := h.user(profile.RoleAdmin)
	p := h.do("POST", "/api/v1/startups", admin, map[string]any{"name": "好一科技", "credit_code": cc(1), "district": "yannan"})
	if p.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", p.Status, p.Body)
	}
	id, _ := p.json(t)["id"].(string)
	if r := h.do("DELETE", "/api/v1/startups/"+id, admin, nil); r.Status != http.StatusOK && r.Status != http.StatusNoContent {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	csv := "企业名称,统一社会信用代码,所在区县\n好一科技,"
	csv += cc(1) + ",盐南高新区\n好二科技," + cc(2) + ",盐南高新区\n"
	for _, mode := range []string{"check", "valid"} {
		b := h.importFile("/api/v1/startups/import?mode="+mode, admin, "s.csv", []byte(csv))
		if b.Created != 1 || b.Failed != 1 || len(b.Errors) != 1 || b.Errors[0].Row != 2 || b.Errors[0].Code != "archived_profile" {
			t.Errorf("%s: %+v", mode, b)
		}
	}
	if n := h.count(profile.Startup); n != 1 {
		t.Errorf("%d live startups, want 1 (row 3)", n)
	}
}

// interloper is the real store, with another writer that takes a credit code
// between an import's check and its write.
type interloper struct {
	*mongodb.Store
	code string
}

func (s interloper) CreateProfilesUnfiled(ctx context.Context, ps []*profile.Profile) (int, error) {
	if err := s.Store.CreateProfile(ctx, &profile.Profile{Kind: profile.Startup, Name: "抢先科技", CreditCode: s.code, District: "yannan"}); err != nil {
		return 0, err
	}
	return s.Store.CreateProfilesUnfiled(ctx, ps)
}

// A row whose credit code another writer takes after the check is refused as
// a single create would be (409's code, on the row), and the other rows are
// written.
func TestImportRowWhoseCreditCodeIsTakenMeanwhile(t *testing.T) {
	h := newHarness(t, func(d *api.Deps) { d.Store = interloper{d.Store.(*mongodb.Store), cc(2)} })
	_, admin := h.user(profile.RoleAdmin)
	csv := "企业名称,统一社会信用代码,所在区县\n好一科技," + cc(1) + ",盐南高新区\n好二科技," + cc(2) + ",盐南高新区\n"
	b := h.importFile("/api/v1/startups/import", admin, "s.csv", []byte(csv))
	if b.Created != 1 || b.Failed != 1 || len(b.Errors) != 1 || b.Errors[0].Row != 3 || b.Errors[0].Code != "duplicate_credit_code" || b.Errors[0].Field != "credit_code" {
		t.Errorf("import: %+v", b)
	}
	if n := h.count(profile.Startup); n != 2 {
		t.Errorf("%d startups, want 2 (row 2 and the other writer's)", n)
	}
}
