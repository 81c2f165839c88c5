package api_test

import (
	"net/http"
	"strings"
	"testing"

	"fuhua/internal/profile"
)

func TestSavedListsTellOfNewcomers(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	inv := h.make(profile.Investor, investor, nil)
	old := h.make(profile.Startup, founder, map[string]any{"name": "盐城老牌氢能科技"})

	r := h.do("POST", "/api/v1/me/saved", investor, map[string]any{"name": "氢能天使轮", "kind": "search",
		"query": map[string]any{"kind": "startup", "chain": "hydrogen", "stage": "angel"}})
	if r.Status != http.StatusCreated || r.json(t)["id"] == "" {
		t.Fatalf("save search: %d %s", r.Status, r.Body)
	}
	searchID := r.json(t)["id"].(string)
	// Already in the search when it was saved: a change is no news.
	if r := h.do("PATCH", "/api/v1/startups/"+old["id"].(string), founder, map[string]any{"summary": "氢燃料电池电堆", "version": 1}); r.Status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if n := countType(h.notes(investor, ""), "saved_search"); n != 0 {
		t.Fatalf("told %d times of a profile the search already held", n)
	}
	// A new startup entering it is.
	h.make(profile.Startup, founder, map[string]any{"name": "盐城新氢动力"})
	b := h.notes(investor, "")
	if countType(b, "saved_search") != 1 || !strings.Contains(b.Items[0].ZH, "盐城新氢动力") || !strings.Contains(b.Items[0].ZH, "氢能天使轮") ||
		!strings.HasPrefix(b.Items[0].Link, "/app/profile?kind=startup&id=") {
		t.Fatalf("after a newcomer: %+v", b.Items)
	}
	// One outside it is not, until a change brings it in.
	semi := h.make(profile.Startup, founder, map[string]any{"name": "盐城碳化硅器件", "chains": []string{"semi3"}, "stage": "seed",
		"summary": "碳化硅功率器件"})
	if n := countType(h.notes(investor, ""), "saved_search"); n != 1 {
		t.Fatalf("a startup outside the search was told of (%d)", n)
	}
	if r := h.do("PATCH", "/api/v1/startups/"+semi["id"].(string), founder, map[string]any{"chains": []string{"hydrogen"}, "stage": "angel", "version": 1}); r.Status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if n := countType(h.notes(investor, ""), "saved_search"); n != 2 {
		t.Fatalf("a change into the search told %d times in all, want 2", n)
	}

	// A saved match list of the investor's own profile.
	r = h.do("POST", "/api/v1/me/saved", investor, map[string]any{"name": "我的项目源", "kind": "matches", "profile_id": inv["id"], "target": "startup"})
	if r.Status != http.StatusCreated {
		t.Fatalf("save matches: %d %s", r.Status, r.Body)
	}
	h.make(profile.Startup, founder, map[string]any{"name": "盐城氢能膜电极"})
	if b := h.notes(investor, ""); countType(b, "saved_matches") != 1 || !strings.Contains(b.Items[0].ZH+b.Items[1].ZH, "盐城市天使投资引导基金") {
		t.Fatalf("after a new match: %+v", b.Items)
	}

	// Ownership: the founder sees none of it and cannot delete it.
	if r := h.do("GET", "/api/v1/me/saved", founder, nil); r.Status != http.StatusOK || len(r.json(t)["items"].([]any)) != 0 {
		t.Fatalf("founder's saved lists: %d %s", r.Status, r.Body)
	}
	if r := h.do("DELETE", "/api/v1/me/saved/"+searchID, founder, nil); r.Status != http.StatusNotFound {
		t.Fatalf("founder deletes the investor's list: %d %s", r.Status, r.Body)
	}
	// Nor keep the matches of a profile not theirs.
	if r := h.do("POST", "/api/v1/me/saved", founder, map[string]any{"name": "x", "kind": "matches", "profile_id": inv["id"], "target": "startup"}); r.Status != http.StatusForbidden {
		t.Fatalf("founder saves the investor's matches: %d %s", r.Status, r.Body)
	}
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"kind": "search", "query": map[string]any{"q": "氢"}}, "name"},
		{map[string]any{"name": "a", "kind": "watch"}, "kind"},
		{map[string]any{"name": "a", "kind": "search"}, "query"},
		{map[string]any{"name": "a", "kind": "search", "query": map[string]any{}}, "query"},
		{map[string]any{"name": "a", "kind": "search", "query": map[string]any{"chain": "nope"}}, "query.chain"},
		{map[string]any{"name": "a", "kind": "search", "query": map[string]any{"stage": "series_z"}}, "query.stage"},
		{map[string]any{"name": "a", "kind": "search", "query": map[string]any{"district": "beijing"}}, "query.district"},
		{map[string]any{"name": "a", "kind": "search", "query": map[string]any{"colour": "red"}}, "query.colour"},
		{map[string]any{"name": "a", "kind": "matches", "target": "startup"}, "profile_id"},
		{map[string]any{"name": "a", "kind": "matches", "profile_id": inv["id"], "target": "dragon"}, "target"},
		{map[string]any{"name": "a", "kind": "matches", "profile_id": inv["id"], "target": "investor"}, "target"},
		{map[string]any{"name": "a", "kind": "matches", "profile_id": "0123456789abcdef01234567", "target": "startup"}, "profile_id"},
	} {
		r := h.do("POST", "/api/v1/me/saved", investor, tc.body)
		if code, field := r.errCode(t); r.Status != http.StatusBadRequest || field != tc.field {
			t.Errorf("%v: %d %s field %q, want 400 naming %s", tc.body, r.Status, code, field, tc.field)
		}
	}
	if r := h.do("DELETE", "/api/v1/me/saved/nope", investor, nil); r.Status != http.StatusBadRequest {
		t.Errorf("delete a bad id: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/me/saved", investor, nil); len(r.json(t)["items"].([]any)) != 2 {
		t.Fatalf("refused requests changed the lists: %s", r.Body)
	}
	if r := h.do("DELETE", "/api/v1/me/saved/"+searchID, investor, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := h.do("GET", "/api/v1/me/saved", investor, nil); len(r.json(t)["items"].([]any)) != 1 {
		t.Fatalf("after delete: %s", r.Body)
	}
}
