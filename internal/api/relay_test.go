package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"fuhua/internal/profile"
)

// TestGraduateRelayEndToEnd: a graduate is proposed the parks of its chain,
// home district first; the manager brokers the landing in one step; both sides
// accept; the landing is recorded; the district's share landed in a matching
// park follows.
func TestGraduateRelayEndToEnd(t *testing.T) {
	h := newHarness(t, withClock) // 2024-07-01
	_, admin := h.user(profile.RoleAdmin)
	_, yannan := h.user(profile.RoleManager, "yannan")
	_, tinghu := h.user(profile.RoleManager, "tinghu")
	_, founder := h.user(profile.RoleStartup)
	_, op := h.user(profile.RoleOperator)
	home := h.make(profile.Carrier, op, map[string]any{"name": "盐南氢能产业园", "type": "industrial_park", "level": "none", "chains": []string{"hydrogen"}})
	away := h.make(profile.Carrier, op, map[string]any{"name": "亭湖氢能加速器", "type": "accelerator", "level": "none", "district": "tinghu", "chains": []string{"hydrogen"}})
	incub := h.make(profile.Carrier, op, map[string]any{"name": "盐南孵化器", "chains": []string{"hydrogen"}})
	g := h.make(profile.Startup, founder, map[string]any{"name": "氢能毕业企业", "status": "graduated", "incubated_since": "2021-01-01",
		"graduated_on": "2024-05-01", "high_tech": map[string]any{"year": 2023, "passed": true}})
	path := "/api/v1/startups/" + g["id"].(string) + "/landing"

	r := h.do("GET", path, founder, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("landing: %d %s", r.Status, r.Body)
	}
	var lp struct {
		Graduated  bool                    `json:"graduated"`
		Graduation struct{ Status string } `json:"graduation"`
		Candidates []struct{ ID string }   `json:"candidates"`
	}
	if err := json.Unmarshal(r.Body, &lp); err != nil {
		t.Fatal(err)
	}
	if !lp.Graduated || lp.Graduation.Status != "ok" || len(lp.Candidates) != 2 || lp.Candidates[0].ID != home["id"] || lp.Candidates[1].ID != away["id"] {
		t.Fatalf("proposals: %s", r.Body)
	}
	for name, tc := range map[string]struct {
		tok  string
		body any
		want int
	}{
		"founder":         {founder, map[string]any{"carrier_id": home["id"]}, 403},
		"not a park":      {yannan, map[string]any{"carrier_id": incub["id"]}, 400},
		"bad id":          {yannan, map[string]any{"carrier_id": "nope"}, 400},
		"startup as park": {yannan, map[string]any{"carrier_id": g["id"]}, 400},
		"unknown field":   {yannan, map[string]any{"carrier_id": home["id"], "when": "now"}, 400},
	} {
		if got := h.do("POST", path, tc.tok, tc.body); got.Status != tc.want {
			t.Errorf("%s: %d, want %d: %s", name, got.Status, tc.want, got.Body)
		}
	}
	r = h.do("POST", path, yannan, map[string]any{"carrier_id": home["id"], "message": "建议落户盐南氢能产业园"})
	if r.Status != http.StatusCreated {
		t.Fatalf("broker: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	for _, tok := range []string{founder, op} {
		if a := h.answer(tok, id, "accept"); a.Status != http.StatusOK {
			t.Fatalf("accept: %d %s", a.Status, a.Body)
		}
	}
	if o := h.do("POST", "/api/v1/introductions/"+id+"/outcomes", yannan, map[string]any{"kind": "landed", "date": "2024-06-15", "note": "入驻3号楼"}); o.Status >= 300 {
		t.Fatalf("landed: %d %s", o.Status, o.Body)
	}
	type scopes struct {
		Scopes []struct {
			District    string   `json:"district"`
			Graduates   int      `json:"graduates"`
			Landed      int      `json:"landed"`
			LandedMatch int      `json:"landed_matching"`
			MatchShare  *float64 `json:"matching_share"`
			Items       []struct {
				ParkID  string `json:"park_id"`
				IntroID string `json:"introduction_id"`
				Date    string `json:"date"`
			} `json:"items"`
		} `json:"scopes"`
	}
	read := func(tok, q string) scopes {
		t.Helper()
		r := h.do("GET", "/api/v1/graduates"+q, tok, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("graduates: %d %s", r.Status, r.Body)
		}
		var s scopes
		if err := json.Unmarshal(r.Body, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := read(yannan, "?year=2024")
	if len(s.Scopes) != 1 || s.Scopes[0].District != "yannan" {
		t.Fatalf("yannan manager scopes: %+v", s)
	}
	y := s.Scopes[0]
	if y.Graduates != 1 || y.Landed != 1 || y.LandedMatch != 1 || y.MatchShare == nil || *y.MatchShare != 1 ||
		y.Items[0].ParkID != home["id"] || y.Items[0].IntroID != id || y.Items[0].Date != "2024-06-15" {
		t.Fatalf("yannan 2024: %+v", y)
	}
	if s := read(yannan, "?year=2023"); s.Scopes[0].Graduates != 0 || s.Scopes[0].MatchShare != nil {
		t.Errorf("2023: %+v", s)
	}
	if s := read(admin, "?year=2024"); len(s.Scopes) != 12 || s.Scopes[0].District != "" || s.Scopes[0].Graduates != 1 {
		t.Errorf("admin: %d scopes, city %+v", len(s.Scopes), s.Scopes[0])
	}
	// The KPI shows the same share beside its indicators.
	var k struct {
		Scopes []struct {
			District string `json:"district"`
			Landing  *struct {
				Code           string   `json:"code"`
				ZH             string   `json:"zh"`
				Graduates      int      `json:"graduates"`
				LandedMatching int      `json:"landed_matching"`
				MatchingShare  *float64 `json:"matching_share"`
			} `json:"landing"`
		} `json:"scopes"`
	}
	kr := h.do("GET", "/api/v1/kpi?year=2024", yannan, nil)
	if kr.Status != http.StatusOK || json.Unmarshal(kr.Body, &k) != nil || len(k.Scopes) != 1 || k.Scopes[0].Landing == nil {
		t.Fatalf("kpi: %d %s", kr.Status, kr.Body)
	}
	if l := k.Scopes[0].Landing; l.Graduates != 1 || l.LandedMatching != 1 || l.MatchingShare == nil || *l.MatchingShare != 1 || l.ZH == "" {
		t.Errorf("kpi landing: %+v", l)
	}
	for name, tc := range map[string]struct {
		tok, q string
		want   int
	}{"founder": {founder, "", 403}, "other district": {tinghu, "?district=yannan", 403}, "bad year": {admin, "?year=x", 400}} {
		if got := h.do("GET", "/api/v1/graduates"+tc.q, tc.tok, nil); got.Status != tc.want {
			t.Errorf("%s: %d, want %d", name, got.Status, tc.want)
		}
	}
}
