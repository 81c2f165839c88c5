package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

// storedNames lists the names of the stored startups, sorted.
func (h *harness) storedNames() []string {
	h.t.Helper()
	var out []string
	for _, k := range []profile.Kind{profile.Startup} {
		ps, _, err := h.store.ListProfiles(context.Background(), profile.ListFilter{Kind: k, Limit: 100})
		if err != nil {
			h.t.Fatal(err)
		}
		for _, p := range ps {
			out = append(out, p.Name)
		}
	}
	slices.Sort(out)
	return out
}

type modeBody struct {
	importBody
	Mode       string `json:"mode"`
	Written    bool   `json:"written"`
	FailedRows []int  `json:"failed_rows"`
	Error      struct {
		Code      string `json:"code"`
		Field     string `json:"field"`
		MessageZH string `json:"message_zh"`
	} `json:"error"`
}

func decodeMode(t *testing.T, r response) modeBody {
	t.Helper()
	var b modeBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatalf("%d %s: %v", r.Status, r.Body, err)
	}
	return b
}

// badRows are the rows of startupCSV that fail, as the file numbers them.
var badRows = []int{4, 5, 6, 7, 8}

func TestImportCheckModeWritesNothing(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	seq := h.lastSeq()
	r := h.upload("/api/v1/startups/import?mode=check", mgr, "s.csv", []byte(startupCSV()))
	if r.Status != http.StatusOK {
		t.Fatalf("check: %d %s", r.Status, r.Body)
	}
	b := decodeMode(t, r)
	if b.Mode != "check" || b.Written || b.Created != 2 || b.Failed != 5 || !slices.Equal(b.FailedRows, badRows) {
		t.Errorf("check: %+v", b)
	}
	// Every problem at once, each naming its column by the file's own header.
	want := map[int]string{4: "统一社会信用代码", 5: "所属区县", 6: "职工总数", 7: "统一社会信用代码", 8: "科技人员数"}
	for _, e := range b.Errors {
		if want[e.Row] != e.Header || e.Column == "" || e.MessageZH == "" || e.MessageEN == "" {
			t.Errorf("row %d: header %q column %q, want header %q: %+v", e.Row, e.Header, e.Column, want[e.Row], e)
		}
	}
	if len(b.Errors) != len(want) {
		t.Errorf("%d errors, want %d", len(b.Errors), len(want))
	}
	if h.lastSeq() != seq || len(h.storedNames()) != 0 {
		t.Errorf("check mode wrote: seq %d → %d, stored %v", seq, h.lastSeq(), h.storedNames())
	}
	// A field the file has no column for is named by the template's header.
	_, admin := h.user(profile.RoleAdmin)
	b = decodeMode(t, h.upload("/api/v1/enclaves/import?mode=check", admin, "e.csv", []byte("名称,所在城市\n沪上飞地,上海\n")))
	if len(b.Errors) == 0 || b.Errors[0].Column != "" || b.Errors[0].Header != "所属区县" || b.Errors[0].Field != "home_district" {
		t.Errorf("missing column: %+v", b.Errors)
	}
}

func TestImportAllModeWithABadRowWritesNothing(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	seq := h.lastSeq()
	r := h.upload("/api/v1/startups/import?mode=all", mgr, "s.csv", []byte(startupCSV()))
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("all with bad rows: %d %s", r.Status, r.Body)
	}
	b := decodeMode(t, r)
	if b.Error.Code != "rows_invalid" || b.Error.Field != "file" || !strings.Contains(b.Error.MessageZH, "未写入") ||
		b.Written || b.Failed != 5 || len(b.Errors) != 5 {
		t.Errorf("all with bad rows: %+v", b)
	}
	if h.lastSeq() != seq || len(h.storedNames()) != 0 {
		t.Errorf("all mode wrote with bad rows: %v", h.storedNames())
	}
	// Only the good rows: all of them land.
	lines := strings.Split(startupCSV(), "\n")
	good := strings.Join(lines[:3], "\n") + "\n"
	r = h.upload("/api/v1/startups/import?mode=all", mgr, "s.csv", []byte(good))
	if b := decodeMode(t, r); r.Status != http.StatusOK || !b.Written || b.Created != 2 || b.Failed != 0 {
		t.Errorf("all with good rows: %d %s", r.Status, r.Body)
	}
	if got := h.storedNames(); !slices.Equal(got, []string{"好一科技", "好二科技"}) {
		t.Errorf("stored %v", got)
	}
}

func TestImportValidModeWritesExactlyTheGoodRows(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	seq := h.lastSeq()
	r := h.upload("/api/v1/startups/import?mode=valid", mgr, "s.csv", []byte(startupCSV()))
	b := decodeMode(t, r)
	if r.Status != http.StatusOK || b.Mode != "valid" || !b.Written || b.Created != 2 || b.Failed != 5 {
		t.Errorf("valid: %d %+v", r.Status, b)
	}
	if got := h.storedNames(); !slices.Equal(got, []string{"好一科技", "好二科技"}) {
		t.Errorf("stored %v, want exactly the two good rows", got)
	}
	if d := h.lastSeq() - seq; d != 2 {
		t.Errorf("%d writes, want 2", d)
	}
	// Again: idempotent, the good rows unchanged, nothing written.
	seq = h.lastSeq()
	b = decodeMode(t, h.upload("/api/v1/startups/import?mode=valid", mgr, "s.csv", []byte(startupCSV())))
	if b.Unchanged != 2 || b.Created != 0 || h.lastSeq() != seq {
		t.Errorf("second valid import: %+v, %d writes", b, h.lastSeq()-seq)
	}
}

func TestImportFailedRowsFile(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	seq := h.lastSeq()
	r := h.upload("/api/v1/startups/import/failed", mgr, "s.csv", []byte(startupCSV()))
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != sheet.ContentType || r.Header.Get("X-Failed-Rows") != "5" {
		t.Fatalf("failed rows: %d %v %s", r.Status, r.Header, r.Body)
	}
	tb, err := sheet.Read(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	head := tb.Lines[0].Cells
	at := func(name string) int { return slices.Index(head, name) }
	if at("企业名称") < 0 || at("错误原因") < 0 || at("原文件行号") < 0 {
		t.Fatalf("header %v", head)
	}
	var names []string
	for _, ln := range tb.Lines[1:] {
		names = append(names, ln.Cells[at("企业名称")])
		reason := ln.Cells[at("错误原因")]
		if reason == "" || !strings.Contains(reason, "列（") {
			t.Errorf("%s: reason %q names no column", ln.Cells[at("企业名称")], reason)
		}
	}
	want := []string{"坏码科技", "外区科技", "坏数科技", "重复科技", "人多科技"}
	if !slices.Equal(names, want) {
		t.Errorf("failed rows %v, want %v", names, want)
	}
	if h.lastSeq() != seq {
		t.Errorf("the failed-rows file wrote")
	}
	// The file, fixed, imports as it is: its extra columns are ignored. With the
	// number fixed, and the duplicate's first row no longer in the file, two rows
	// pass; the other three still fail.
	fixed := strings.NewReplacer("十", "10").Replace(string(csvOf(tb)))
	b := decodeMode(t, h.upload("/api/v1/startups/import?mode=check", mgr, "fixed.csv", []byte(fixed)))
	if b.Rows != 5 || b.Failed != 3 || b.Created != 2 || len(b.Ignored) != len(sheet.FailedColumns)+1 {
		t.Errorf("fixed file: %+v", b)
	}
}

// csvOf writes a table back as CSV (quoting every cell).
func csvOf(tb *sheet.Table) []byte {
	var sb strings.Builder
	for _, ln := range tb.Lines {
		for i, c := range ln.Cells {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		}
		sb.WriteByte('\n')
	}
	return []byte(sb.String())
}

func TestImportModeRefusals(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, other := h.user(profile.RoleManager, "dongtai")
	_, founder := h.user(profile.RoleStartup)
	seq := h.lastSeq()
	r := h.upload("/api/v1/startups/import?mode=maybe", mgr, "s.csv", []byte(startupCSV()))
	if code, field := r.errCode(t); r.Status != http.StatusBadRequest || code != "unknown_code" || field != "mode" {
		t.Errorf("bad mode: %d %s", r.Status, r.Body)
	}
	if r := h.upload("/api/v1/startups/import/failed", founder, "s.csv", []byte(startupCSV())); r.Status != http.StatusForbidden {
		t.Errorf("founder's failed rows: %d", r.Status)
	}
	// A manager of another district: every yannan row is outside their districts.
	// A manager of another district: the yannan rows are outside their districts
	// (the dongtai row alone would land).
	b := decodeMode(t, h.upload("/api/v1/startups/import?mode=check", other, "s.csv", []byte(startupCSV())))
	var outside []int
	for _, e := range b.Errors {
		if e.Code == "outside_districts" {
			outside = append(outside, e.Row)
		}
	}
	if b.Created != 1 || b.Failed != 6 || !slices.Equal(outside, []int{2, 3}) {
		t.Errorf("other district's manager: %+v", b)
	}
	if h.lastSeq() != seq {
		t.Errorf("a refused import wrote")
	}
}
