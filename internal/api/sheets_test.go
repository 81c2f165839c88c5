package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

// upload posts data as the multipart field "file".
func (h *harness) upload(path, token, filename string, data []byte) response {
	h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		h.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

type importBody struct {
	Key       string                `json:"key"`
	Rows      int                   `json:"rows"`
	Created   int                   `json:"created"`
	Updated   int                   `json:"updated"`
	Unchanged int                   `json:"unchanged"`
	Failed    int                   `json:"failed"`
	Errors    []sheet.RowError      `json:"errors"`
	Ignored   []sheet.IgnoredColumn `json:"ignored_columns"`
}

func (h *harness) importFile(path, token, filename string, data []byte) importBody {
	h.t.Helper()
	r := h.upload(path, token, filename, data)
	if r.Status != http.StatusOK {
		h.t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var b importBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		h.t.Fatal(err)
	}
	// Every row is accounted for exactly once.
	if b.Created+b.Updated+b.Unchanged+b.Failed != b.Rows {
		h.t.Errorf("rows %d != created %d + updated %d + unchanged %d + failed %d", b.Rows, b.Created, b.Updated, b.Unchanged, b.Failed)
	}
	return b
}

func (h *harness) count(k profile.Kind) int {
	h.t.Helper()
	n := 0
	if err := h.store.EachOfKind(context.Background(), k, func(*profile.Profile) error { n++; return nil }); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func cc(i int) string { return validCreditCode(fmt.Sprintf("91320913MA25XK%03d", i)) }

// startupCSV is a manager's spreadsheet for yannan: rows 2 and 3 are good, the rest
// each fail in one known column.
func startupCSV() string {
	return "\uFEFF序号,企业名称,统一社会信用代码,所属区县,所属产业链,职工总数,科技人员数,联系电话\n" +
		"1,好一科技," + cc(1) + ",盐南高新区,氢能,10,3,0515-8888\n" +
		"2,好二科技," + cc(2) + ",yannan,集成电路、数字经济,5,1,\n" +
		"3,坏码科技,91320913MA25XK0010,yannan,,5,1,\n" + // wrong check character
		"4,外区科技," + cc(4) + ",东台市,,5,1,\n" + // outside the manager's district
		"5,坏数科技," + cc(5) + ",yannan,,十,1,\n" + // not a number
		"6,重复科技," + cc(1) + ",yannan,,5,1,\n" + // same credit code as row 2
		"7,人多科技," + cc(6) + ",yannan,,2,5,\n" // more tech staff than employees
}

func TestImportGoodAndBadRows(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	before := h.lastSeq()
	b := h.importFile("/api/v1/startups/import", mgr, "startups.csv", []byte(startupCSV()))
	if b.Rows != 7 || b.Created != 2 || b.Failed != 5 || b.Key != "credit_code" {
		t.Errorf("got %+v", b)
	}
	var got []string
	for _, e := range b.Errors {
		got = append(got, fmt.Sprintf("%d %s %s %s", e.Row, e.Column, e.Field, e.Code))
		if e.MessageEN == "" || e.MessageZH == "" {
			t.Errorf("row %d: messages missing: %+v", e.Row, e)
		}
	}
	want := []string{
		"4 C credit_code invalid_credit_code",
		"5 D district outside_districts",
		"6 F employees invalid_value",
		"7 C credit_code duplicate_row",
		"8 G tech_staff out_of_range",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(b.Ignored) != 1 || b.Ignored[0].Header != "序号" {
		t.Errorf("ignored columns %+v", b.Ignored)
	}
	// Nothing else was written: two profiles, two changes.
	if n := h.count(profile.Startup); n != 2 {
		t.Errorf("%d startups stored, want 2", n)
	}
	if d := h.lastSeq() - before; d != 2 {
		t.Errorf("%d profile writes, want 2", d)
	}
	id, err := h.store.ProfileIDByCreditCode(context.Background(), cc(2))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := h.store.GetProfile(context.Background(), id)
	if p.Name != "好二科技" || p.District != "yannan" || strings.Join(p.Chains, ",") != "ic,digital" || p.Employees != 5 {
		t.Errorf("stored %+v", p)
	}
}

func TestImportTwiceUpdatesNeverDuplicates(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	h.importFile("/api/v1/startups/import", mgr, "s.csv", []byte(startupCSV()))
	seq := h.lastSeq()
	b := h.importFile("/api/v1/startups/import", mgr, "s.csv", []byte(startupCSV()))
	if b.Created != 0 || b.Updated != 0 || b.Unchanged != 2 || b.Failed != 5 {
		t.Errorf("second import: %+v", b)
	}
	if h.lastSeq() != seq {
		t.Errorf("an unchanged import wrote %d times", h.lastSeq()-seq)
	}
	edited := strings.Replace(startupCSV(), "好一科技,"+cc(1)+",盐南高新区,氢能,10,3", "好一科技,"+cc(1)+",盐南高新区,氢能,12,4", 1)
	b = h.importFile("/api/v1/startups/import", mgr, "s.csv", []byte(edited))
	if b.Created != 0 || b.Updated != 1 || b.Unchanged != 1 {
		t.Errorf("edited import: %+v", b)
	}
	if n := h.count(profile.Startup); n != 2 {
		t.Errorf("%d startups stored, want 2", n)
	}
	id, _ := h.store.ProfileIDByCreditCode(context.Background(), cc(1))
	p, _ := h.store.GetProfile(context.Background(), id)
	if p.Employees != 12 || p.TechStaff != 4 || p.Version != 2 || p.Contact.Phone != "0515-8888" {
		t.Errorf("after update: employees %d tech %d version %d phone %q", p.Employees, p.TechStaff, p.Version, p.Contact.Phone)
	}
	// Other kinds are found by name and district.
	carriers := "名称,载体类型,级别,所在区县\n盐南一号孵化器,孵化器,省级,盐南\n"
	if b := h.importFile("/api/v1/carriers/import", mgr, "c.csv", []byte(carriers)); b.Created != 1 {
		t.Errorf("carriers: %+v", b)
	}
	carriers = strings.Replace(carriers, "省级", "国家级", 1)
	if b := h.importFile("/api/v1/carriers/import", mgr, "c.csv", []byte(carriers)); b.Updated != 1 || b.Created != 0 {
		t.Errorf("carriers again: %+v", b)
	}
	if n := h.count(profile.Carrier); n != 1 {
		t.Errorf("%d carriers, want 1", n)
	}
}

// Export every kind as an admin, import the workbooks again: nothing changes.
func TestExportImportRoundTrip(t *testing.T) {
	h := newHarness(t)
	_, admin := h.user(profile.RoleAdmin)
	for _, k := range profile.Kinds {
		h.create(k, admin)
	}
	seq := h.lastSeq()
	for _, k := range profile.Kinds {
		r := h.do("GET", "/api/v1/"+k.Path()+"/export", admin, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s export: %d %s", k, r.Status, r.Body)
		}
		b := h.importFile("/api/v1/"+k.Path()+"/import", admin, k.Path()+".xlsx", r.Body)
		if b.Rows != 1 || b.Unchanged != 1 || len(b.Errors) != 0 || len(b.Ignored) != 0 {
			t.Errorf("%s round trip: %+v", k, b)
		}
	}
	if h.lastSeq() != seq {
		t.Errorf("the round trip wrote %d times", h.lastSeq()-seq)
	}
	// Filters apply, and a viewer who may not see contacts gets none.
	_, founder := h.user(profile.RoleStartup)
	r := h.do("GET", "/api/v1/startups/export", founder, nil)
	tb, err := sheet.Read(r.Body)
	if err != nil || len(tb.Lines) != 3 {
		t.Fatalf("founder's export: %v %+v", err, tb)
	}
	if strings.Contains(strings.Join(tb.Lines[2].Cells, "|"), "chen@qingtu.example") {
		t.Errorf("contact exported to a viewer without the right: %v", tb.Lines[2].Cells)
	}
	admins, _ := sheet.Read(h.do("GET", "/api/v1/startups/export", admin, nil).Body)
	if !strings.Contains(strings.Join(admins.Lines[2].Cells, "|"), "chen@qingtu.example") {
		t.Errorf("admin's export lacks the contact: %v", admins.Lines[2].Cells)
	}
	r = h.do("GET", "/api/v1/startups/export?district=dongtai", admin, nil)
	if tb, _ := sheet.Read(r.Body); len(tb.Lines) != 2 {
		t.Errorf("filtered export has %d lines, want the header rows only", len(tb.Lines))
	}
	if r := h.do("GET", "/api/v1/startups/export?district=atlantis", admin, nil); r.Status != http.StatusBadRequest {
		t.Errorf("bad filter: %d", r.Status)
	}
}

func TestImportRefusals(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, founder := h.user(profile.RoleStartup)
	seq := h.lastSeq()
	for _, c := range []struct {
		name   string
		r      response
		status int
		code   string
	}{
		{"founder", h.upload("/api/v1/startups/import", founder, "s.csv", []byte(startupCSV())), http.StatusForbidden, "forbidden"},
		{"json body", h.do("POST", "/api/v1/startups/import", mgr, map[string]any{"x": 1}), http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{"garbage", h.upload("/api/v1/startups/import", mgr, "s.xlsx", []byte("PK\x03\x04not really")), http.StatusBadRequest, "unreadable_file"},
		{"old xls", h.upload("/api/v1/startups/import", mgr, "s.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 1, 2, 3}), http.StatusBadRequest, "unsupported_format"},
		{"no header", h.upload("/api/v1/carriers/import", mgr, "c.csv", []byte("a,b\n1,2\n")), http.StatusBadRequest, "no_header"},
		{"no credit code column", h.upload("/api/v1/startups/import", mgr, "s.csv", []byte("名称,区县\n甲,盐南\n")), http.StatusBadRequest, "missing_column"},
		{"duplicate column", h.upload("/api/v1/startups/import", mgr, "s.csv", []byte("名称,信用代码,电话,手机\n甲,"+cc(1)+",1,2\n")), http.StatusBadRequest, "duplicate_column"},
		{"too large", h.upload("/api/v1/startups/import", mgr, "s.csv", make([]byte, sheet.MaxBytes+1)), http.StatusRequestEntityTooLarge, "file_too_large"},
	} {
		if c.r.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, c.r.Status, c.r.Body, c.status)
			continue
		}
		if code, _ := c.r.errCode(t); code != c.code {
			t.Errorf("%s: code %s, want %s", c.name, code, c.code)
		}
	}
	if h.lastSeq() != seq {
		t.Errorf("a refused import wrote")
	}
	r := h.do("GET", "/api/v1/enclaves/import/template", mgr, nil)
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "enclaves-template.xlsx") {
		t.Errorf("template: %d %v", r.Status, r.Header)
	}
}

// TestImportTemplateRoles: the import template is for those who may import
// (docs/roles.md): managers and admins get it, every other role 403.
func TestImportTemplateRoles(t *testing.T) {
	h := newHarness(t)
	for _, code := range profile.AllRoles.Codes() {
		role := profile.Role(code)
		_, tok := h.user(role, "yannan")
		for _, k := range profile.Kinds {
			r := h.do("GET", "/api/v1/"+k.Path()+"/import/template", tok, nil)
			want := http.StatusForbidden
			if role == profile.RoleManager || role == profile.RoleAdmin {
				want = http.StatusOK
			}
			if r.Status != want {
				t.Errorf("%s GET %s template: %d, want %d", role, k, r.Status, want)
				continue
			}
			if want == http.StatusForbidden {
				if code, _ := r.errCode(t); code != "forbidden" {
					t.Errorf("%s: code %q", role, code)
				}
			}
		}
	}
}

func TestTechSMEWithProviders(t *testing.T) {
	h := newHarness(t)
	owner, founder := h.user(profile.RoleStartup)
	_, other := h.user(profile.RoleStartup)
	_, mgrHere := h.user(profile.RoleManager, "yannan")
	_, mgrThere := h.user(profile.RoleManager, "dongtai")
	body := bodies()[profile.Startup]
	body["employees"], body["tech_staff"], body["rd_ratio"], body["patents"], body["other_ip"] = 10, 1, 0.01, 0, 0
	delete(body, "tech_sme")
	r := h.do("POST", "/api/v1/startups", founder, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	h.put(profile.Profile{Kind: profile.Provider, Name: "亭湖知识产权", Type: "ip", District: "tinghu"})
	h.put(profile.Profile{Kind: profile.Provider, Name: "盐南知识产权", Type: "ip", District: "yannan"})
	h.put(profile.Profile{Kind: profile.Provider, Name: "上海知识产权", Type: "ip"})
	h.put(profile.Profile{Kind: profile.Provider, Name: "盐南会计", Type: "accounting", District: "yannan"})
	h.put(profile.Profile{Kind: profile.Provider, Name: "盐南律所", Type: "law", District: "yannan"})

	var out struct {
		StartupID string `json:"startup_id"`
		Total     int    `json:"total"`
		Passed    bool   `json:"passed"`
		Programme struct {
			Code       string `json:"code"`
			Conditions []struct {
				ZH   string `json:"zh"`
				Met  *bool  `json:"met"`
				Have struct {
					ZH string `json:"zh"`
				} `json:"have"`
				Need struct {
					ZH string `json:"zh"`
				} `json:"need"`
			} `json:"conditions"`
		} `json:"programme"`
		Gaps []struct {
			Part       string   `json:"part"`
			ZH         string   `json:"zh"`
			Providers  []string `json:"providers"`
			Candidates []struct {
				Name string `json:"name"`
			} `json:"candidates"`
		} `json:"gaps"`
	}
	r = h.do("GET", "/api/v1/startups/"+id+"/techsme?year=2024", founder, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	if out.StartupID != id || out.Passed || len(out.Gaps) == 0 {
		t.Fatalf("assessment %s", r.Body)
	}
	// The policy engine's conditions come along, each with have and need.
	unmet := 0
	for _, c := range out.Programme.Conditions {
		if c.ZH == "" || c.Need.ZH == "" {
			t.Errorf("condition without its words: %+v", c)
		}
		if c.Met != nil && !*c.Met {
			unmet++
		}
	}
	if out.Programme.Code != "tech_sme" || len(out.Programme.Conditions) == 0 || unmet == 0 {
		t.Errorf("programme %+v: want tech_sme with an unmet condition", out.Programme)
	}
	byPart := map[string][]string{}
	for _, g := range out.Gaps {
		if g.ZH == "" {
			t.Errorf("gap without text: %+v", g)
		}
		var names []string
		for _, c := range g.Candidates {
			names = append(names, c.Name)
		}
		byPart[g.Part] = names
	}
	if got := strings.Join(byPart["ip"], ","); got != "盐南知识产权,亭湖知识产权,上海知识产权" {
		t.Errorf("IP candidates %q: want the startup's district first, then the city, then outside", got)
	}
	if got := strings.Join(byPart["rd"], ","); got != "盐南会计" {
		t.Errorf("R&D candidates %q", got)
	}
	_ = owner
	for _, c := range []struct {
		token  string
		status int
	}{{mgrHere, http.StatusOK}, {other, http.StatusForbidden}, {mgrThere, http.StatusForbidden}} {
		if r := h.do("GET", "/api/v1/startups/"+id+"/techsme", c.token, nil); r.Status != c.status {
			t.Errorf("status %d, want %d: %s", r.Status, c.status, r.Body)
		}
	}
	if r := h.do("GET", "/api/v1/startups/"+id+"/techsme?year=nineteen", founder, nil); r.Status != http.StatusBadRequest {
		t.Errorf("bad year: %d", r.Status)
	}
}
