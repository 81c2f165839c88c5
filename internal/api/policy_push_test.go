package api_test

import (
	"net/http"
	"strings"
	"testing"

	"fuhua/internal/profile"
)

// TestPushPolicy: a manager pushes a programme to the firms of their district
// that qualify; each owner is told once however often the office pushes, firms
// of other districts and firms that do not qualify are not told, and only
// managers and admins may push.
func TestPushPolicy(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "tinghu")
	_, a := h.user(profile.RoleStartup)
	_, b := h.user(profile.RoleStartup)
	_, c := h.user(profile.RoleStartup)
	strong := map[string]any{"district": "tinghu", "founded": "2020-01-01", "employees": 10, "tech_staff": 4,
		"rd_ratio": 0.08, "patents": 1, "revenue_wan": 500, "assets_wan": 500}
	h.make(profile.Startup, a, strong)
	h.make(profile.Startup, b, map[string]any{"district": "tinghu", "rd_ratio": 0.0})
	far := map[string]any{}
	for k, v := range strong {
		far[k] = v
	}
	far["district"] = "dongtai"
	h.make(profile.Startup, c, far)

	pushed := func(tok string) int {
		n := 0
		for _, it := range h.notes(tok, "?limit=100").Items {
			if it.Type == "policy_eligible" && strings.Contains(it.ZH, "区县科技部门提醒") {
				n++
			}
		}
		return n
	}
	type result struct{ Firms, Told, Already int }
	r := decodeAs[result](t, h.do("POST", "/api/v1/policies/tech_sme/push?status=eligible", mgr, nil))
	if r.Firms != 1 || r.Told != 1 || r.Already != 0 {
		t.Fatalf("first push: %+v; want the one eligible tinghu firm told", r)
	}
	if pushed(a) != 1 || pushed(b) != 0 || pushed(c) != 0 {
		t.Fatalf("told: a %d, b %d, c %d; want 1, 0, 0", pushed(a), pushed(b), pushed(c))
	}
	r = decodeAs[result](t, h.do("POST", "/api/v1/policies/tech_sme/push?status=eligible", mgr, nil))
	if r.Told != 0 || r.Already != 1 || pushed(a) != 1 {
		t.Fatalf("second push: %+v, a told %d times; want nobody told again", r, pushed(a))
	}
	for _, tc := range []struct {
		path, tok string
		want      int
	}{
		{"/api/v1/policies/tech_sme/push", a, http.StatusForbidden},
		{"/api/v1/policies/tech_sme/push?district=dongtai", mgr, http.StatusForbidden},
		{"/api/v1/policies/nope/push", mgr, http.StatusNotFound},
		{"/api/v1/policies/tech_sme/push?status=maybe", mgr, http.StatusBadRequest},
	} {
		if got := h.do("POST", tc.path, tc.tok, nil); got.Status != tc.want {
			t.Errorf("POST %s: %d %s; want %d", tc.path, got.Status, got.Body, tc.want)
		}
	}
	if pushed(c) != 0 {
		t.Fatalf("a refused push told the dongtai firm")
	}
}
