package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"fuhua/internal/mentor"
	"fuhua/internal/profile"
)

func TestMentorServicesThroughTheAPI(t *testing.T) {
	h := newHarness(t, withClock) // 2024-07-01 in China
	_, mentorTok := h.user(profile.RoleMentor)
	_, otherMentor := h.user(profile.RoleMentor)
	_, founder := h.user(profile.RoleStartup)
	_, yannan := h.user(profile.RoleManager, "yannan")
	_, dongtai := h.user(profile.RoleManager, "dongtai")
	_, op := h.user(profile.RoleOperator)
	m := h.make(profile.Mentor, mentorTok, nil) // district tinghu
	carrier := h.make(profile.Carrier, op, nil) // yannan
	cid := carrier["id"].(string)
	s1 := h.make(profile.Startup, founder, map[string]any{"name": "受辅导企业", "carrier_id": cid, "incubated_since": "2023-01-01"})
	s2 := h.make(profile.Startup, founder, map[string]any{"name": "无导师企业", "carrier_id": cid, "incubated_since": "2023-01-01"})
	path := "/api/v1/mentors/" + m["id"].(string) + "/services"
	log := func(tok, date string) response {
		return h.do("POST", path, tok, map[string]any{"startup_id": s1["id"], "date": date, "kind": "coaching", "note": "商业计划书辅导"})
	}
	get := func(tok, year string) mentor.Compliance {
		t.Helper()
		r := h.do("GET", path+"?year="+year, tok, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET services: %d %s", r.Status, r.Body)
		}
		var c mentor.Compliance
		if err := json.Unmarshal(r.Body, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if r := log(mentorTok, "2024-03-01"); r.Status != http.StatusCreated || r.json(t)["id"] == "" {
		t.Fatalf("log: %d %s", r.Status, r.Body)
	}
	if r := log(mentorTok, "2023-12-31"); r.Status != http.StatusCreated {
		t.Fatalf("log: %d %s", r.Status, r.Body)
	}
	if c := get(mentorTok, "2024"); c.Count != 1 || c.Required != 2 || c.Compliant {
		t.Fatalf("2024 after one session: %+v", c)
	}
	if c := get(mentorTok, "2023"); c.Count != 1 || c.Items[0].Date != "2023-12-31" {
		t.Fatalf("2023: %+v", c)
	}

	// Bad input names the field and logs nothing.
	for name, tc := range map[string]struct {
		body  any
		field string
	}{
		"no startup":    {map[string]any{"date": "2024-03-01", "kind": "coaching"}, "startup_id"},
		"not a startup": {map[string]any{"startup_id": m["id"], "date": "2024-03-01", "kind": "coaching"}, "startup_id"},
		"bad id":        {map[string]any{"startup_id": "x", "date": "2024-03-01", "kind": "coaching"}, "startup_id"},
		"bad date":      {map[string]any{"startup_id": s1["id"], "date": "2024-02-30", "kind": "coaching"}, "date"},
		"future":        {map[string]any{"startup_id": s1["id"], "date": "2024-07-02", "kind": "coaching"}, "date"},
		"kind":          {map[string]any{"startup_id": s1["id"], "date": "2024-03-01", "kind": "chat"}, "kind"},
		"unknown field": {map[string]any{"startup_id": s1["id"], "date": "2024-03-01", "kind": "coaching", "hours": 2}, "hours"},
		"wrong type":    {map[string]any{"startup_id": s1["id"], "date": 20240301, "kind": "coaching"}, "date"},
	} {
		r := h.do("POST", path, mentorTok, tc.body)
		if code, field := r.errCode(t); r.Status != http.StatusBadRequest || field != tc.field {
			t.Errorf("%s: %d %s on %q, want 400 on %s", name, r.Status, code, field, tc.field)
		}
	}
	// Who may log and read.
	for name, tc := range map[string]struct {
		tok  string
		want int
	}{"other mentor": {otherMentor, 403}, "founder": {founder, 403}, "other district's manager": {dongtai, 403}, "anonymous": {"", 401}} {
		if r := log(tc.tok, "2024-04-01"); r.Status != tc.want {
			t.Errorf("%s logs: %d, want %d", name, r.Status, tc.want)
		}
	}
	if r := h.do("GET", path, founder, nil); r.Status != http.StatusForbidden {
		t.Errorf("founder reads the log: %d", r.Status)
	}
	if c := get(mentorTok, "2024"); c.Count != 1 {
		t.Fatalf("refused requests logged sessions: %+v", c)
	}
	// The startup's district manager logs the second session: compliant.
	if r := log(yannan, "2024-06-30"); r.Status != http.StatusCreated {
		t.Fatalf("manager logs: %d %s", r.Status, r.Body)
	}
	if c := get(yannan, "2024"); c.Count != 2 || !c.Compliant {
		t.Fatalf("after two sessions: %+v", c)
	}
	// An accepted mentoring introduction's recorded outcome counts as a session.
	id := h.mustAsk(founder, s2, m)
	if r := h.answer(mentorTok, id, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if r := h.do("POST", "/api/v1/introductions/"+id+"/outcomes", mentorTok, map[string]any{"kind": "mentoring", "date": "2024-05-01"}); r.Status >= 300 {
		t.Fatalf("outcome: %d %s", r.Status, r.Body)
	}
	c := get(mentorTok, "2024")
	if c.Count != 3 || !slices.ContainsFunc(c.Items, func(s mentor.Session) bool { return s.Source == "introduction" && s.ID == id }) {
		t.Fatalf("the introduction's outcome is not counted: %+v", c)
	}

	// The pool: the yannan manager sees the tinghu mentor once it is appointed by a yannan carrier.
	type pool struct {
		Mentors []struct {
			ID        string
			Count     int
			Compliant bool
		} `json:"mentors"`
		Below      []string              `json:"below"`
		Unmentored []struct{ ID string } `json:"unmentored"`
	}
	readPool := func(tok, q string) pool {
		t.Helper()
		r := h.do("GET", "/api/v1/mentor-pool"+q, tok, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("pool: %d %s", r.Status, r.Body)
		}
		var p pool
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := readPool(yannan, "?year=2024"); len(p.Mentors) != 0 {
		t.Fatalf("a tinghu mentor without appointment in yannan's pool: %+v", p)
	}
	mp := "/api/v1/mentors/" + m["id"].(string)
	bad := h.do("PATCH", mp, mentorTok, map[string]any{"appointments": []any{map[string]any{"carrier_id": cid, "since": "2024-01-01", "level": "county"}}}, "If-Match", `"1"`)
	if _, field := bad.errCode(t); bad.Status != http.StatusBadRequest || field != "appointments[0].level" {
		t.Fatalf("bad level: %d %s", bad.Status, bad.Body)
	}
	r := h.do("PATCH", mp, mentorTok, map[string]any{"appointments": []any{map[string]any{"carrier_id": cid, "since": "2024-01-01", "level": "city"}}}, "If-Match", `"1"`)
	if r.Status != http.StatusOK {
		t.Fatalf("appoint: %d %s", r.Status, r.Body)
	}
	p := readPool(yannan, "?year=2024")
	if len(p.Mentors) != 1 || p.Mentors[0].Count != 3 || !p.Mentors[0].Compliant || len(p.Below) != 0 {
		t.Fatalf("pool 2024: %+v", p)
	}
	if len(p.Unmentored) != 0 {
		t.Errorf("both startups have a mentor in 2024: %+v", p.Unmentored)
	}
	if p := readPool(yannan, "?year=2025"); len(p.Below) != 1 {
		t.Errorf("2025 has no sessions yet, the mentor is below the rule: %+v", p)
	}
	for name, tc := range map[string]struct {
		tok, q string
		want   int
	}{"founder": {founder, "", 403}, "mentor": {mentorTok, "", 403}, "other district": {dongtai, "?district=yannan", 403},
		"bad year": {yannan, "?year=abc", 400}} {
		if r := h.do("GET", "/api/v1/mentor-pool"+tc.q, tc.tok, nil); r.Status != tc.want {
			t.Errorf("pool %s: %d, want %d", name, r.Status, tc.want)
		}
	}
	// The carrier evaluation reads the log: both incubatees were coached in 2024.
	ev := decodeEval(t, h.do("GET", "/api/v1/carriers/"+cid+"/evaluation?year=2024", yannan, nil))
	if in := indicator(ev, "mentor_service"); in.Value == nil || *in.Value != 1 {
		t.Errorf("mentor_service: %+v", in)
	}
	if in := indicator(ev, "mentor_service_rule"); in.Status != "ok" || in.Value == nil || *in.Value != 0 {
		t.Errorf("mentor_service_rule: %+v", in)
	}
}
