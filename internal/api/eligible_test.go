package api_test

import (
	"net/http"
	"strings"
	"testing"

	"fuhua/internal/profile"
)

func TestNewlyEligibleIsTold(t *testing.T) {
	h := newHarness(t)
	_, founder := h.user(profile.RoleStartup)
	_, other := h.user(profile.RoleStartup)
	s := h.make(profile.Startup, founder, map[string]any{"rd_ratio": 0.01})
	id := s["id"].(string)
	status := func() (string, string) {
		r := h.do("GET", "/api/v1/startups/"+id+"/policies", founder, nil)
		for _, it := range r.json(t)["items"].([]any) {
			if m := it.(map[string]any); m["code"] == "tech_sme" {
				return m["status"].(string), m["zh"].(string)
			}
		}
		t.Fatal("no tech_sme programme")
		return "", ""
	}
	st, name := status()
	if st == "eligible" {
		t.Fatalf("set-up: an R&D ratio of 1 %% passes the tech-SME evaluation")
	}
	told := func() []noteItem {
		var out []noteItem
		for _, n := range h.notes(founder, "?limit=100").Items {
			if n.Type == "policy_eligible" {
				out = append(out, n)
			}
		}
		return out
	}
	before := told()
	for _, n := range before {
		if strings.Contains(n.ZH, name) {
			t.Fatalf("told of %s before qualifying: %+v", name, n)
		}
	}
	if r := h.do("PATCH", "/api/v1/startups/"+id, founder, map[string]any{"rd_ratio": 0.18, "version": 1}); r.Status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if st, _ := status(); st != "eligible" {
		t.Fatalf("set-up: tech_sme is %s after the patch", st)
	}
	after := told()
	if len(after) != len(before)+1 || !strings.Contains(after[0].ZH, name) || !strings.Contains(after[0].ZH, "盐城氢途能源科技有限公司") ||
		after[0].Link != "/app/policies?kind=startup&id="+id || after[0].EN == "" {
		t.Fatalf("after qualifying: %+v (before %d)", after, len(before))
	}
	// Still eligible after another change: no news.
	if r := h.do("PATCH", "/api/v1/startups/"+id, founder, map[string]any{"summary": "电堆", "version": 2}); r.Status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if got := told(); len(got) != len(after) {
		t.Fatalf("told again of a programme already qualified for: %d → %d", len(after), len(got))
	}
	if b := h.notes(other, ""); len(b.Items) != 0 {
		t.Fatalf("another founder was told: %+v", b.Items)
	}
}
