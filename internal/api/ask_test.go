package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"fuhua/internal/profile"
)

type askBody struct {
	CanAsk bool `json:"can_ask"`
	From   []struct{ Kind, ID, Name string }
	Intros []struct {
		ID, State  string
		From, To   struct{ Kind, ID, Name string }
		BrokerName string `json:"broker_name"`
	} `json:"introductions"`
	Reason *struct{ ZH, EN string }
}

func (h *harness) askView(token, path string) askBody {
	h.t.Helper()
	r := h.do("GET", path+"/ask", token, nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("ask view %s: %d %s", path, r.Status, r.Body)
	}
	var b askBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		h.t.Fatal(err)
	}
	return b
}

func TestAskFromAnyProfile(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	_, mentor := h.user(profile.RoleMentor)
	_, stranger := h.user(profile.RoleStartup)
	_, manager := h.named(profile.RoleManager, "张经理", "yannan")
	s := h.make(profile.Startup, founder, nil)
	// An investor whose regions exclude the founder's district (yannan).
	far := h.make(profile.Investor, investor, map[string]any{"name": "大丰产业基金", "regions": []string{"dafeng"}})
	m := h.make(profile.Mentor, mentor, nil)
	farPath := "/api/v1/investors/" + far["id"].(string)

	r := h.do("GET", "/api/v1/startups/"+s["id"].(string)+"/matches?target=investor", founder, nil)
	for _, it := range r.json(t)["items"].([]any) {
		if it.(map[string]any)["id"] == far["id"] {
			t.Fatal("set-up: the investor's regions should keep it out of the founder's matches")
		}
	}
	b := h.askView(founder, farPath)
	if !b.CanAsk || len(b.From) != 1 || b.From[0].ID != s["id"] || b.From[0].Name != "盐城氢途能源科技有限公司" || b.Reason != nil || len(b.Intros) != 0 {
		t.Fatalf("founder on an investor outside the matches: %+v", b)
	}
	id := h.mustAsk(founder, s, far)
	b = h.askView(founder, farPath)
	if b.CanAsk || b.Reason == nil || b.Reason.ZH == "" || b.Reason.EN == "" || len(b.Intros) != 1 ||
		b.Intros[0].ID != id || b.Intros[0].State != "pending" || b.Intros[0].From.Name != "盐城氢途能源科技有限公司" || b.Intros[0].To.Name != "大丰产业基金" {
		t.Fatalf("after asking: %+v", b)
	}
	// Someone else sees none of it, and is told to create a profile first.
	if b := h.askView(stranger, farPath); b.CanAsk || len(b.Intros) != 0 || b.Reason == nil {
		t.Fatalf("stranger: %+v", b)
	}
	// The owner of the profile itself cannot ask it.
	if b := h.askView(investor, farPath); b.CanAsk || b.Reason == nil {
		t.Fatalf("owner on their own profile: %+v", b)
	}
	// A brokered introduction says who brokered it.
	h.mustAsk(manager, s, m)
	b = h.askView(founder, "/api/v1/mentors/"+m["id"].(string))
	if b.CanAsk || len(b.Intros) != 1 || b.Intros[0].BrokerName != "张经理" {
		t.Fatalf("after a brokered introduction: %+v", b)
	}
	if r := h.do("GET", "/api/v1/investors/nope/ask", founder, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("bad id: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/investors/0123456789abcdef01234567/ask", founder, nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown id: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/mentors/"+far["id"].(string)+"/ask", founder, nil); r.Status != http.StatusNotFound {
		t.Fatalf("wrong kind: %d", r.Status)
	}
}

type dealBody struct {
	Items []struct {
		ID, Name, District, Stage string
		Score                     int
		Chains                    []string
		Reasons                   []any
		Introduction              *struct{ ID, State string }
	}
	NextCursor string `json:"next_cursor"`
}

func (h *harness) deals(token, id, query string) dealBody {
	h.t.Helper()
	r := h.do("GET", "/api/v1/investors/"+id+"/dealflow"+query, token, nil)
	if r.Status != http.StatusOK {
		h.t.Fatalf("dealflow%s: %d %s", query, r.Status, r.Body)
	}
	var b dealBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		h.t.Fatal(err)
	}
	return b
}

func TestDealFlow(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	inv := h.make(profile.Investor, investor, nil)
	invID := inv["id"].(string)
	for i := 0; i < 10; i++ {
		h.make(profile.Startup, founder, map[string]any{"name": fmt.Sprintf("盐城氢能科技%02d号", i)})
	}
	prod := h.make(profile.Startup, founder, map[string]any{"name": "盐城绿氢制备", "segments": []string{"hydrogen.production"},
		"summary": "碱性电解槽制氢", "stage": "seed"})

	p1 := h.deals(investor, invID, "")
	if len(p1.Items) != 10 || p1.NextCursor == "" {
		t.Fatalf("first page: %d items, next %q; want 10 and a cursor", len(p1.Items), p1.NextCursor)
	}
	p2 := h.deals(investor, invID, "?cursor="+p1.NextCursor)
	seen := map[string]bool{}
	for _, it := range append(p1.Items, p2.Items...) {
		if seen[it.ID] {
			t.Fatalf("%s on both pages", it.Name)
		}
		seen[it.ID] = true
		if it.Introduction != nil || it.District != "yannan" || len(it.Chains) == 0 || len(it.Reasons) == 0 || it.Score <= 0 {
			t.Errorf("item %+v", it)
		}
	}
	if len(seen) != 11 || p2.NextCursor != "" {
		t.Fatalf("%d startups over two pages (next %q), want all 11", len(seen), p2.NextCursor)
	}
	// The best one, once introduced, is marked and goes after the others.
	top := p1.Items[0]
	id := h.mustAsk(investor, inv, map[string]any{"kind": "startup", "id": top.ID})
	if r := h.answer(founder, id, "accept"); r.Status != http.StatusOK {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	all := h.deals(investor, invID, "?limit=50")
	last := all.Items[len(all.Items)-1]
	if len(all.Items) != 11 || last.ID != top.ID || last.Introduction == nil || last.Introduction.ID != id || last.Introduction.State != "accepted" {
		t.Fatalf("after introducing the best: last is %+v of %d", last, len(all.Items))
	}
	if all.Items[0].Introduction != nil {
		t.Fatalf("first item is introduced: %+v", all.Items[0])
	}
	// Filters.
	if b := h.deals(investor, invID, "?stage=seed"); len(b.Items) != 1 || b.Items[0].ID != prod["id"] {
		t.Fatalf("stage=seed: %+v", b.Items)
	}
	if b := h.deals(investor, invID, "?segment=hydrogen.production"); len(b.Items) == 0 || len(b.Items) > 2 || b.Items[0].ID != prod["id"] && (len(b.Items) < 2 || b.Items[1].ID != prod["id"]) {
		t.Fatalf("segment: %+v", b.Items)
	}
	if b := h.deals(investor, invID, "?district=dafeng"); len(b.Items) != 0 {
		t.Fatalf("district=dafeng: %+v", b.Items)
	}
	if b := h.deals(investor, invID, "?chain=semi3"); len(b.Items) != 0 {
		t.Fatalf("chain=semi3: %+v", b.Items)
	}
	for q, field := range map[string]string{"?chain=nope": "chain", "?segment=nope": "segment", "?stage=z": "stage",
		"?district=x": "district", "?cursor=-1": "cursor", "?cursor=abc": "cursor", "?limit=0": "limit", "?limit=51": "limit"} {
		r := h.do("GET", "/api/v1/investors/"+invID+"/dealflow"+q, investor, nil)
		if _, f := r.errCode(t); r.Status != http.StatusBadRequest || f != field {
			t.Errorf("%s: %d field %q, want 400 naming %s", q, r.Status, f, field)
		}
	}
	if r := h.do("GET", "/api/v1/investors/"+invID+"/dealflow", founder, nil); r.Status != http.StatusForbidden {
		t.Fatalf("a founder reads the investor's deal flow: %d", r.Status)
	}
}
