package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"fuhua/internal/profile"
)

type mergePreviewBody struct {
	CanMerge      bool `json:"can_merge"`
	Introductions []struct {
		ID, Action string
	} `json:"introductions"`
	MentorServices int    `json:"mentor_services"`
	CreditCode     string `json:"credit_code"`
	Blockers       []struct{ Code, ZH, EN string }
	Keep, Drop     struct{ Version int64 }
}

func (h *harness) errOf(r response) map[string]any {
	h.t.Helper()
	var m map[string]map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		h.t.Fatalf("not an error body: %s", r.Body)
	}
	return m["error"]
}

// A manager merges a founder's duplicate of a firm into the other: the
// preview says what moves, a founder and another district's manager are
// refused, a stale version changes nothing, and the merge moves the
// introductions (closing the one that would make a pair twice), the mentor
// sessions and the credit code, archives the duplicate with where it went, and
// is audited.
func TestMergeDuplicates(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, farMgr := h.user(profile.RoleManager, "dafeng")
	_, founderA := h.user(profile.RoleStartup)
	_, founderB := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, mentorTok := h.user(profile.RoleMentor)
	code := validCreditCode("91320913MA25XK3Q0")
	keep := h.make(profile.Startup, founderA, map[string]any{"name": "盐城氢途能源科技有限公司"})
	drop := h.make(profile.Startup, founderB, map[string]any{"name": "氢途能源科技（盐城）有限公司", "credit_code": code})
	inv := h.make(profile.Investor, investor, nil)
	m := h.make(profile.Mentor, mentorTok, nil)
	dropIntro := h.mustAsk(founderB, drop, inv) // asked first: survives
	keepIntro := h.mustAsk(founderA, keep, inv) // the same pair once merged: closes
	if r := h.do("POST", "/api/v1/mentors/"+m["id"].(string)+"/services", mentorTok,
		map[string]any{"startup_id": drop["id"], "date": "2024-05-01", "kind": "coaching"}); r.Status != http.StatusCreated {
		t.Fatalf("log a session: %d %s", r.Status, r.Body)
	}
	pair := map[string]any{"kind": "startup", "keep_id": keep["id"], "drop_id": drop["id"]}

	for name, tok := range map[string]string{"founder": founderA, "other district": farMgr} {
		if r := h.do("POST", "/api/v1/merges/preview", tok, pair); r.Status != http.StatusForbidden {
			t.Errorf("%s previews: %d %s", name, r.Status, r.Body)
		}
	}
	r := h.do("POST", "/api/v1/merges/preview", mgr, pair)
	var pv mergePreviewBody
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &pv) != nil {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	actions := map[string]string{}
	for _, in := range pv.Introductions {
		actions[in.ID] = in.Action
	}
	if !pv.CanMerge || actions[dropIntro] != "move" || actions[keepIntro] != "close_kept" || pv.MentorServices != 1 || pv.CreditCode != code {
		t.Fatalf("preview: %s", r.Body)
	}

	body := func(vk, vd int64) map[string]any {
		b := map[string]any{"version_keep": vk, "version_drop": vd}
		for k, v := range pair {
			b[k] = v
		}
		return b
	}
	seq, snap := h.lastSeq(), h.introSnapshot()
	if r := h.do("POST", "/api/v1/merges", mgr, body(pv.Keep.Version, pv.Drop.Version+1)); r.Status != http.StatusConflict ||
		h.errOf(r)["code"] != "version_mismatch" {
		t.Errorf("stale version: %d %s", r.Status, r.Body)
	}
	if r := h.do("POST", "/api/v1/merges", founderA, body(pv.Keep.Version, pv.Drop.Version)); r.Status != http.StatusForbidden {
		t.Errorf("founder merges: %d %s", r.Status, r.Body)
	}
	if h.lastSeq() != seq || h.introSnapshot() != snap {
		t.Fatalf("a refused merge changed something")
	}

	r = h.do("POST", "/api/v1/merges", mgr, body(pv.Keep.Version, pv.Drop.Version))
	if r.Status != http.StatusOK || r.json(t)["state"] != "done" {
		t.Fatalf("merge: %d %s", r.Status, r.Body)
	}
	got := h.do("GET", "/api/v1/introductions/"+dropIntro, investor, nil).json(t)
	if got["from"].(map[string]any)["id"] != keep["id"] || got["state"] != "pending" {
		t.Errorf("the surviving introduction: %v", got)
	}
	if got := h.do("GET", "/api/v1/introductions/"+keepIntro, investor, nil).json(t); got["state"] != "withdrawn" {
		t.Errorf("the duplicate pair: %v", got["state"])
	}
	// The investor can now accept the moved request, and founder A answers for it.
	if r := h.answer(investor, dropIntro, "accept"); r.Status != http.StatusOK {
		t.Errorf("accept the moved introduction: %d %s", r.Status, r.Body)
	}
	r = h.do("GET", "/api/v1/startups/"+drop["id"].(string), investor, nil)
	if r.Status != http.StatusGone || h.errOf(r)["ref"] != keep["id"] || r.Header.Get("Location") != "/api/v1/startups/"+keep["id"].(string) {
		t.Errorf("GET of the dropped profile: %d %s %v", r.Status, r.Body, r.Header)
	}
	if got := h.do("GET", "/api/v1/startups/"+drop["id"].(string), mgr, nil).json(t); got["merged_into"] != keep["id"] || got["archived"] != true {
		t.Errorf("the manager's view of the dropped profile: %v", got)
	}
	if got := h.do("GET", "/api/v1/startups/"+keep["id"].(string), mgr, nil).json(t); got["credit_code"] != code {
		t.Errorf("the credit code did not move: %v", got["credit_code"])
	}
	var svc struct {
		Items []struct {
			StartupID string `json:"startup_id"`
		}
	}
	_ = json.Unmarshal(h.do("GET", "/api/v1/mentors/"+m["id"].(string)+"/services?year=2024", mentorTok, nil).Body, &svc)
	if len(svc.Items) != 1 || svc.Items[0].StartupID != keep["id"] {
		t.Errorf("mentor sessions: %+v", svc)
	}

	var audit struct {
		Items []struct {
			KeepID string `json:"keep_id"`
			DropID string `json:"drop_id"`
			By     string `json:"by"`
			State  string `json:"state"`
			Moved  struct {
				Introductions []struct{ ID string } `json:"introductions"`
			} `json:"moved"`
		} `json:"items"`
	}
	r = h.do("GET", "/api/v1/merges?district=yannan", mgr, nil)
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &audit) != nil || len(audit.Items) != 1 ||
		audit.Items[0].DropID != drop["id"] || audit.Items[0].State != "done" || audit.Items[0].By == "" || len(audit.Items[0].Moved.Introductions) != 2 {
		t.Errorf("audit: %d %s", r.Status, r.Body)
	}
	for name, tok := range map[string]string{"founder": founderA, "other district": farMgr} {
		if r := h.do("GET", "/api/v1/merges?district=yannan", tok, nil); r.Status != http.StatusForbidden {
			t.Errorf("%s reads the audit: %d", name, r.Status)
		}
	}
	if r := h.do("POST", "/api/v1/merges", mgr, body(pv.Keep.Version, pv.Drop.Version)); r.Status != http.StatusConflict {
		t.Errorf("merging again: %d %s", r.Status, r.Body)
	}
}

// Two accepted introductions with the same counterpart block the merge, and
// nothing changes.
func TestMergeRefusedLeavesEverything(t *testing.T) {
	h := newHarness(t)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, founderA := h.user(profile.RoleStartup)
	_, founderB := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	keep := h.make(profile.Startup, founderA, map[string]any{"name": "盐城蓝海材料有限公司"})
	drop := h.make(profile.Startup, founderB, map[string]any{"name": "蓝海材料有限公司"})
	inv := h.make(profile.Investor, investor, nil)
	for _, p := range []map[string]any{keep, drop} {
		tok := founderA
		if p["id"] == drop["id"] {
			tok = founderB
		}
		if r := h.answer(investor, h.mustAsk(tok, p, inv), "accept"); r.Status != http.StatusOK {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
	}
	b := map[string]any{"kind": "startup", "keep_id": keep["id"], "drop_id": drop["id"]}
	var pv mergePreviewBody
	_ = json.Unmarshal(h.do("POST", "/api/v1/merges/preview", mgr, b).Body, &pv)
	if pv.CanMerge || len(pv.Blockers) != 1 || pv.Blockers[0].Code != "both_accepted" || pv.Blockers[0].ZH == "" {
		t.Fatalf("preview: %+v", pv)
	}
	b["version_keep"], b["version_drop"] = pv.Keep.Version, pv.Drop.Version
	seq, snap := h.lastSeq(), h.introSnapshot()
	r := h.do("POST", "/api/v1/merges", mgr, b)
	if r.Status != http.StatusConflict || h.errOf(r)["code"] != "merge_blocked" {
		t.Errorf("merge: %d %s", r.Status, r.Body)
	}
	if h.lastSeq() != seq || h.introSnapshot() != snap {
		t.Errorf("a refused merge changed something")
	}
	if r := h.do("GET", "/api/v1/startups/"+drop["id"].(string), investor, nil); r.Status != http.StatusOK {
		t.Errorf("the duplicate is gone after a refused merge: %d", r.Status)
	}
}
