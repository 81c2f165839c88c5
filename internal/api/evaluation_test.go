package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/evaluation"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

// evalWorld is a carrier in yannan with two incubatees, one financed through an
// accepted introduction with an invested outcome, and an industrial park.
type evalWorld struct {
	h                          *harness
	admin, yannan, tinghu, op  string
	otherOp, founder, investor string
	carrier, park, s1, s2      map[string]any
	introID                    string
}

func newEvalWorld(t *testing.T) *evalWorld {
	h := newHarness(t, withClock)
	w := &evalWorld{h: h}
	_, w.admin = h.user(profile.RoleAdmin)
	_, w.yannan = h.user(profile.RoleManager, "yannan")
	_, w.tinghu = h.user(profile.RoleManager, "tinghu")
	_, w.op = h.user(profile.RoleOperator)
	_, w.otherOp = h.user(profile.RoleOperator)
	_, w.founder = h.user(profile.RoleStartup)
	_, w.investor = h.user(profile.RoleInvestor)
	w.carrier = h.make(profile.Carrier, w.op, map[string]any{"name": "盐南测试孵化器", "area_sqm": 6000, "established": "2018-09-01"})
	w.park = h.make(profile.Carrier, w.op, map[string]any{"name": "盐南测试产业园", "type": "industrial_park", "level": "none"})
	cid := w.carrier["id"].(string)
	w.s1 = h.make(profile.Startup, w.founder, map[string]any{"name": "测试一号", "carrier_id": cid, "incubated_since": "2023-01-01",
		"tech_sme": map[string]any{"year": 2024, "passed": true}})
	w.s2 = h.make(profile.Startup, w.founder, map[string]any{"name": "测试二号", "carrier_id": cid, "incubated_since": "2024-02-01"})
	inv := h.make(profile.Investor, w.investor, nil)
	w.introID = h.mustAsk(w.founder, w.s1, inv)
	if r := h.answer(w.investor, w.introID, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	r := h.do("POST", "/api/v1/introductions/"+w.introID+"/outcomes", w.founder, map[string]any{"kind": "invested", "date": "2024-05-01"})
	if r.Status != http.StatusOK && r.Status != http.StatusCreated {
		t.Fatalf("outcome: %d %s", r.Status, r.Body)
	}
	return w
}

func decodeEval(t *testing.T, r response) evaluation.Result {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("evaluation: %d %s", r.Status, r.Body)
	}
	var out evaluation.Result
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func indicator(r evaluation.Result, code string) evaluation.Indicator {
	for _, s := range r.Sections {
		for _, in := range s.Indicators {
			if in.Code == code {
				return in
			}
		}
	}
	return evaluation.Indicator{}
}

func TestCarrierEvaluationThroughTheAPI(t *testing.T) {
	w := newEvalWorld(t)
	h := w.h
	path := "/api/v1/carriers/" + w.carrier["id"].(string) + "/evaluation?year=2024"
	before := h.lastSeq()
	r := decodeEval(t, h.do("GET", path, w.op, nil))
	if r.Ruleset != "jiangsu_incubator_2021" || r.Year != 2024 || r.MaxScore != 105 {
		t.Fatalf("ruleset %s year %d max %g", r.Ruleset, r.Year, r.MaxScore)
	}
	fin := indicator(r, "financing_service")
	// 1 of 2 incubatees financed in 2024: 0.5 ≥ the 0.2 full-points line → 5 points.
	if fin.Value == nil || *fin.Value != 0.5 || fin.Points != 5 || fin.Status != evaluation.OK {
		t.Fatalf("financing_service: %+v", fin)
	}
	if want := []string{w.s1["id"].(string), w.introID}; !slices.Equal(fin.Evidence, want) {
		t.Errorf("financing evidence %v, want %v", fin.Evidence, want)
	}
	if in := indicator(r, "incubatees"); in.Value == nil || *in.Value != 2 {
		t.Errorf("incubatees: %+v", in)
	}
	if in := indicator(r, "tech_events"); in.Status != evaluation.Missing || !strings.Contains(in.Note, "数据缺失") {
		t.Errorf("tech_events: %+v", in)
	}
	codes := []string{}
	for _, wn := range r.Warnings {
		codes = append(codes, wn.Code)
	}
	// 2 incubatees and no mentor: both the local veto and the mentor ratio fail.
	if !slices.Contains(codes, "min_incubatees") || !slices.Contains(codes, "mentor_ratio") || r.Grade != evaluation.AtRisk {
		t.Errorf("warnings %v grade %s", codes, r.Grade)
	}
	for _, s := range r.Sections {
		if s.Code == "service" && (s.WeightsPublished || s.Note == "" || s.NoteEN == "") {
			t.Errorf("the service section must say its inner weights are not published: %+v", s)
		}
	}

	// Who may see it.
	for name, tc := range map[string]struct {
		token string
		want  int
	}{"admin": {w.admin, 200}, "district manager": {w.yannan, 200}, "other manager": {w.tinghu, 403},
		"other operator": {w.otherOp, 403}, "founder": {w.founder, 403}, "anonymous": {"", 401}} {
		if got := h.do("GET", path, tc.token, nil); got.Status != tc.want {
			t.Errorf("%s: %d, want %d", name, got.Status, tc.want)
		}
	}
	// Bad input names the field.
	base := "/api/v1/carriers/" + w.carrier["id"].(string) + "/evaluation"
	for q, field := range map[string]string{
		"?year=20x4": "year", "?year=1999": "year", "?ruleset=nope": "ruleset",
		"?year=2024&ruleset=miit_standard_2025":        "year",
		"?year=2024&ruleset=national_maker_space_2017": "ruleset",
		"?ruleset=a&ruleset=b":                         "ruleset",
	} {
		got := h.do("GET", base+q, w.admin, nil)
		code, f := got.errCode(t)
		if got.Status != http.StatusBadRequest || f != field {
			t.Errorf("%s: %d %s field %q, want 400 on %s", q, got.Status, code, f, field)
		}
	}
	if got := h.do("GET", base+"?ruleset=nope", w.admin, nil); !strings.Contains(string(got.Body), "jiangsu_incubator_2021") {
		t.Errorf("an unknown rule set should list the valid ones: %s", got.Body)
	}
	parkPath := "/api/v1/carriers/" + w.park["id"].(string) + "/evaluation?year=2024"
	if got := h.do("GET", parkPath, w.admin, nil); got.Status != http.StatusBadRequest {
		t.Errorf("an industrial park has no rule set: %d %s", got.Status, got.Body)
	}
	if got := h.do("GET", "/api/v1/carriers/"+w.s1["id"].(string)+"/evaluation", w.admin, nil); got.Status != http.StatusNotFound {
		t.Errorf("a startup's id as a carrier: %d", got.Status)
	}
	// Under the MIIT 2025 rule set in 2025 the same carrier is checked, not scored.
	miit := decodeEval(t, h.do("GET", base+"?year=2025&ruleset=miit_standard_2025", w.admin, nil))
	if miit.MaxScore != 3 || indicator(miit, "financing").Status == "" {
		t.Errorf("miit: %+v", miit)
	}
	if h.lastSeq() != before {
		t.Error("reading an evaluation wrote to the database")
	}
}

func TestEvaluationRankingAndExport(t *testing.T) {
	w := newEvalWorld(t)
	h := w.h
	type body struct {
		Items []struct {
			CarrierID string `json:"carrier_id"`
			Rank      int    `json:"rank"`
			Grade     string `json:"grade"`
		} `json:"items"`
		AtRisk       []string `json:"at_risk"`
		NotEvaluated []struct {
			ID string `json:"id"`
		} `json:"not_evaluated"`
	}
	r := h.do("GET", "/api/v1/evaluations?year=2024", w.yannan, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var b body
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatal(err)
	}
	cid := w.carrier["id"].(string)
	if len(b.Items) != 1 || b.Items[0].CarrierID != cid || b.Items[0].Rank != 1 || !slices.Contains(b.AtRisk, cid) {
		t.Fatalf("ranking: %s", r.Body)
	}
	if len(b.NotEvaluated) != 1 || b.NotEvaluated[0].ID != w.park["id"] {
		t.Errorf("the industrial park should be listed as not evaluated: %s", r.Body)
	}
	// The other district's manager sees none of yannan's carriers, and may not ask for them.
	r = h.do("GET", "/api/v1/evaluations?year=2024", w.tinghu, nil)
	if err := json.Unmarshal(r.Body, &b); err != nil || len(b.Items) != 0 {
		t.Errorf("tinghu manager: %d %s", r.Status, r.Body)
	}
	for name, tc := range map[string]struct {
		token, q string
		want     int
	}{"other district": {w.tinghu, "?district=yannan", 403}, "operator": {w.op, "", 403}, "founder": {w.founder, "", 403},
		"bad district": {w.admin, "?district=nowhere", 400}, "bad ruleset": {w.admin, "?ruleset=x", 400},
		"ruleset year": {w.admin, "?year=2024&ruleset=miit_standard_2025", 400}, "admin": {w.admin, "?district=yannan", 200}} {
		if got := h.do("GET", "/api/v1/evaluations"+tc.q, tc.token, nil); got.Status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, got.Status, tc.want, got.Body)
		}
	}

	x := h.do("GET", "/api/v1/evaluations/export?year=2024&district=yannan", w.yannan, nil)
	if x.Status != http.StatusOK || x.Header.Get("Content-Type") != sheet.ContentType {
		t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
	}
	wb, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("2024 年绩效排名")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !slices.Equal(rows[0], sheet.EvaluationColumns) || rows[1][1] != "盐南测试孵化器" || rows[1][8] != "有降等/摘牌风险" {
		t.Fatalf("ranking sheet: %v", rows)
	}
	detail, err := wb.GetRows("指标明细")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range detail[1:] {
		if row[14] == "financing_service" {
			found = row[4] == "0.5" && row[6] == "5" && row[9] == "达标" && strings.Contains(row[10], w.introID)
		}
	}
	if !found {
		t.Errorf("indicator sheet lacks financing_service with value 0.5, 5 points and the introduction as evidence: %v", detail)
	}
	if x := h.do("GET", "/api/v1/evaluations/export", w.founder, nil); x.Status != http.StatusForbidden {
		t.Errorf("founder export: %d", x.Status)
	}
}
