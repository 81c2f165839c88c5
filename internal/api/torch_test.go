package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/profile"
	"fuhua/internal/torch"
)

func TestTorchStatisticsThroughTheAPI(t *testing.T) {
	h := newHarness(t, withClock)
	_, op := h.user(profile.RoleOperator)
	_, otherOp := h.user(profile.RoleOperator)
	_, founder := h.user(profile.RoleStartup)
	_, yannan := h.user(profile.RoleManager, "yannan")
	carrier := h.make(profile.Carrier, op, nil)
	cid := carrier["id"].(string)
	// A profile needs none of the statistics fields; bad ones are refused by name.
	s := h.make(profile.Startup, founder, map[string]any{"name": "统计企业", "carrier_id": cid, "incubated_since": "2023-01-01",
		"employees": 10, "tech_staff": 4, "revenue_wan": 80})
	path := "/api/v1/startups/" + s["id"].(string)
	for body, field := range map[string]string{
		`{"torch": {"tech_field": "ai"}}`:         "torch.tech_field",
		`{"torch": {"staff_college": -1}}`:        "torch.staff_college",
		`{"torch": {"rd_spend_wan": "many"}}`:     "torch.rd_spend_wan",
		`{"torch": {"staff_phd": 1}}`:             "torch.staff_phd",
		`{"torch": {"registration_type": "llc"}}`: "torch.registration_type",
	} {
		r := h.do("PATCH", path, founder, body, "If-Match", `"1"`)
		if code, f := r.errCode(t); r.Status != http.StatusBadRequest || f != field {
			t.Errorf("%s: %d %s on %q, want 400 on %s", body, r.Status, code, f, field)
		}
	}
	r := h.do("PATCH", path, founder, map[string]any{"torch": map[string]any{"rd_spend_wan": 90, "staff_college": 8,
		"fresh_graduates": 2, "financing_total_wan": 300, "tech_field": "electronics", "registration_type": "150"}}, "If-Match", `"1"`)
	if r.Status != http.StatusOK {
		t.Fatalf("patch torch: %d %s", r.Status, r.Body)
	}

	get := h.do("GET", "/api/v1/carriers/"+cid+"/torch?year=2024", op, nil)
	if get.Status != http.StatusOK {
		t.Fatalf("torch: %d %s", get.Status, get.Body)
	}
	var rep torch.Report
	if err := json.Unmarshal(get.Body, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || rep.Rows[0].Values["rd_spend"] != 900.0 || rep.Rows[0].Values["revenue"] != 800.0 {
		t.Fatalf("row: %+v", rep.Rows)
	}
	// R&D 90 万元 above revenue 80 万元: the platform's check, as a warning.
	if len(rep.Rows[0].Warnings) != 1 || rep.Rows[0].Warnings[0].Field != "torch.rd_spend_wan" {
		t.Errorf("warnings: %+v", rep.Rows[0].Warnings)
	}
	for name, tc := range map[string]struct {
		tok  string
		want int
	}{"manager": {yannan, 200}, "other operator": {otherOp, 403}, "founder": {founder, 403}} {
		if got := h.do("GET", "/api/v1/carriers/"+cid+"/torch?year=2024", tc.tok, nil); got.Status != tc.want {
			t.Errorf("%s: %d, want %d", name, got.Status, tc.want)
		}
	}
	if got := h.do("GET", "/api/v1/carriers/"+cid+"/torch?year=x", op, nil); got.Status != http.StatusBadRequest {
		t.Errorf("bad year: %d", got.Status)
	}

	x := h.do("GET", "/api/v1/carriers/"+cid+"/torch/export?year=2024", yannan, nil)
	if x.Status != http.StatusOK {
		t.Fatalf("export: %d %s", x.Status, x.Body)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("2024 在孵企业")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) != len(torch.Columns) {
		t.Fatalf("firm sheet: %v", rows)
	}
	col := map[string]int{}
	for i, c := range torch.Columns {
		col[c.Key] = i
	}
	if rows[0][0] != "企业名称" || rows[0][col["rd_spend"]] != "R&D 支出（千元）" || rows[0][col["revenue"]] != "总收入（千元）" {
		t.Errorf("headers: %v", rows[0])
	}
	firm := rows[2]
	for key, want := range map[string]string{"name": "统计企业", "rd_spend": "900", "revenue": "800", "financing_total": "3000",
		"employees": "10", "staff_college": "8", "fresh_graduates": "2", "tech_field": "电子信息", "registration_type": "有限责任公司",
		"has_mentor": "否", "net_profit": ""} {
		got := ""
		if col[key] < len(firm) {
			got = firm[col[key]]
		}
		if got != want {
			t.Errorf("column %s: %q, want %q", key, got, want)
		}
	}
	sums, err := wb.GetRows("汇总")
	if err != nil || len(sums) < 2 || sums[1][0] != "在孵企业数" || sums[1][1] != "1" {
		t.Errorf("aggregates sheet: %v %v", sums, err)
	}
}
