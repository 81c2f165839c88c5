package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/index"
	"fuhua/internal/api"
	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// withIndex gives the harness a real on-disk search index that follows the test's
// database, as serve does.
func withIndex(t testing.TB) func(*api.Deps) {
	return func(d *api.Deps) {
		st := d.Store.(*mongodb.Store)
		ix, err := index.Open(t.TempDir(), index.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = ix.Run(ctx, st) }()
		t.Cleanup(func() { cancel(); <-done; _ = ix.Close() })
		deadline := time.Now().Add(20 * time.Second)
		for !ix.Ready() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		d.Index = ix
	}
}

type searchBody struct {
	Items []struct {
		ID, Kind, Name, Snippet string
	} `json:"items"`
	Facets map[string][]struct {
		Value string
		Count int
	} `json:"facets"`
}

func (h *harness) search(token, query string) searchBody {
	h.t.Helper()
	r := h.do("GET", "/api/v1/search?"+query, token, nil)
	if r.Status != 200 {
		h.t.Fatalf("search %s: %d %s", query, r.Status, r.Body)
	}
	var b searchBody
	mustJSON(h.t, r.Body, &b)
	return b
}

// TestSearchSeesOwnWriteAtOnce: the writer's own change is searchable in the same
// request cycle, an edit replaces it, and an archive removes it.
func TestSearchSeesOwnWriteAtOnce(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, tok := h.user(profile.RoleStartup)
	created := h.create(profile.Startup, tok)
	id := created["id"].(string)
	b := h.search(tok, "q="+url.QueryEscape("膜电极"))
	if len(b.Items) != 1 || b.Items[0].ID != id || b.Items[0].Kind != "startup" || b.Items[0].Name != created["name"] {
		t.Fatalf("own write not found at once: %+v", b.Items)
	}
	if !strings.Contains(b.Items[0].Snippet, "<mark>") {
		t.Errorf("snippet has no highlight: %q", b.Items[0].Snippet)
	}
	if b.Facets["kind"] == nil || b.Facets["kind"][0].Value != "startup" || b.Facets["kind"][0].Count != 1 {
		t.Errorf("kind facet: %+v", b.Facets["kind"])
	}
	// A synonym of the declared chain finds it: 燃料电池 prose, chain hydrogen.
	if b := h.search(tok, "chain=hydrogen&kind=startup"); len(b.Items) != 1 {
		t.Errorf("chain filter: %+v", b.Items)
	}
	// The name is plain text (no chain keyword in it), so only the document's own
	// words can match it.
	r := h.do("PATCH", "/api/v1/startups/"+id, tok, map[string]any{"name": "盐城海岚新材料有限公司"}, "If-Match", `"1"`)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if b := h.search(tok, "q="+url.QueryEscape("氢途")); len(b.Items) != 0 {
		t.Errorf("old name still found after the edit: %+v", b.Items)
	}
	if b := h.search(tok, "q="+url.QueryEscape("海岚")); len(b.Items) != 1 {
		t.Errorf("new name not found after the edit: %+v", b.Items)
	}
	if r := h.do("DELETE", "/api/v1/startups/"+id, tok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("archive: %d", r.Status)
	}
	if b := h.search(tok, "q="+url.QueryEscape("海岚")); len(b.Items) != 0 {
		t.Errorf("archived profile still found: %+v", b.Items)
	}
}

// TestSearchNeverShowsContacts: a contact value is not findable, and no hit carries
// one.
func TestSearchNeverShowsContacts(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, tok := h.user(profile.RoleStartup)
	h.create(profile.Startup, tok)
	for _, q := range []string{"qingtu-chen", "chen@qingtu.example", "8888", "陈晨"} {
		r := h.do("GET", "/api/v1/search?q="+url.QueryEscape(q), tok, nil)
		if r.Status != 200 || strings.Contains(string(r.Body), "qingtu") {
			t.Errorf("search %q: %d %s", q, r.Status, r.Body)
		}
		if b := h.search(tok, "q="+url.QueryEscape(q)); len(b.Items) != 0 {
			t.Errorf("search %q found %d profiles by a contact value", q, len(b.Items))
		}
	}
}

// TestSearchInputIsLiteral: query syntax and bounds.
func TestSearchInputIsLiteral(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, tok := h.user(profile.RoleStartup)
	h.create(profile.Startup, tok)
	for _, q := range []string{"*", "/.*/", "膜~5", "email:x", "kind:startup", "name:*"} {
		if b := h.search(tok, "q="+url.QueryEscape(q)); len(b.Items) != 0 {
			t.Errorf("query %q matched %d profiles: syntax reached the parser", q, len(b.Items))
		}
	}
	for _, tc := range []struct{ query, field string }{
		{"q=" + strings.Repeat("氢", 257), "q"},
		{"limit=101", "limit"},
		{"kind=robot", "kind"},
		{"chain=nope", "chain"},
		{"cursor=%00%01", "cursor"},
	} {
		r := h.do("GET", "/api/v1/search?"+tc.query, tok, nil)
		if code, field := r.errCode(t); r.Status != 400 || field != tc.field {
			t.Errorf("%s: %d %s %s", tc.query, r.Status, code, field)
		}
	}
}

// TestMatchesThroughTheAPI: a founder gets investors that fit, with reasons whose
// weights add up to the score; a stranger may not ask on the founder's behalf.
func TestMatchesThroughTheAPI(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, founder := h.user(profile.RoleStartup)
	_, investor := h.user(profile.RoleInvestor)
	sid := h.create(profile.Startup, founder)["id"].(string)
	iid := h.create(profile.Investor, investor)["id"].(string)
	tooBig := with(profile.Investor, map[string]any{"name": "大额基金", "ticket_min_wan": 5000, "ticket_max_wan": 20000})
	if r := h.do("POST", "/api/v1/investors", investor, tooBig); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	r := h.do("GET", "/api/v1/startups/"+sid+"/matches?target=investor", founder, nil)
	if r.Status != 200 {
		t.Fatalf("matches: %d %s", r.Status, r.Body)
	}
	var body struct {
		Items []struct {
			ID      string
			Kind    string
			Score   int
			Reasons []struct {
				Code, ZH, EN string
				Weight       int
			}
		}
	}
	mustJSON(t, r.Body, &body)
	if len(body.Items) != 1 || body.Items[0].ID != iid || body.Items[0].Kind != "investor" {
		t.Fatalf("want only the fitting investor, got %+v", body.Items)
	}
	sum := 0
	for _, rs := range body.Items[0].Reasons {
		sum += rs.Weight
		if rs.ZH == "" || rs.EN == "" {
			t.Errorf("reason without sentences: %+v", rs)
		}
	}
	if sum != body.Items[0].Score || sum <= 0 {
		t.Errorf("weights add up to %d, score %d", sum, body.Items[0].Score)
	}
	if r := h.do("GET", "/api/v1/startups/"+sid+"/matches?target=investor", investor, nil); r.Status != 403 {
		t.Errorf("a stranger asking for the founder's matches: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/startups/"+sid+"/matches?target=planet", founder, nil); r.Status != 400 {
		t.Errorf("unknown target: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/startups/"+sid+"/matches", founder, nil); r.Status != 400 {
		t.Errorf("no target: %d", r.Status)
	}
	// The asking profile is read as it is now, not as the first match saw it:
	// once archived, it has no matches (the handler keeps a copy per version).
	if r := h.do("DELETE", "/api/v1/startups/"+sid, founder, nil); r.Status != http.StatusNoContent {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	if r := h.do("GET", "/api/v1/startups/"+sid+"/matches?target=investor", founder, nil); r.Status != 400 {
		t.Errorf("matches of an archived profile: %d %s", r.Status, r.Body)
	}
}

func mustJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("bad JSON: %v: %s", err, b)
	}
}

// TestSecondProcessFollows: two servers share one database, each with its own
// index (two replicas) and one signing key. A write through the first is found by search on the second
// once its follower polls; the measured delay is logged (the follower polls every
// 100 ms; the benchmark reports it), the test only bounds it loosely.
func TestSecondProcessFollows(t *testing.T) {
	a := newHarness(t, withIndex(t))
	st := a.store
	b := newHarness(t, func(d *api.Deps) {
		other, err := mongodb.Open(context.Background(), dbtest.URI(), st.Database().Name())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = other.Close(context.Background()) })
		d.Store = other
		withIndex(t)(d)
	})
	_, tok := a.user(profile.RoleStartup)
	id := a.create(profile.Startup, tok)["id"].(string)
	start := time.Now()
	for {
		items := b.search(tok, "q="+url.QueryEscape("膜电极")).Items
		if len(items) == 1 && items[0].ID == id {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("the second server never saw the first one's write")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("second server found the write after %v", time.Since(start))
}

// TestListThroughTheIndex: with an index, lists are answered from it — same pages,
// filters and cursor as the database gives, archived profiles left out, contacts
// still only for those entitled.
func TestListThroughTheIndex(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, admin := h.user(profile.RoleAdmin)
	_, stranger := h.user(profile.RoleMentor)
	var ids []string
	for i := 0; i < 5; i++ {
		b := bodies()[profile.Mentor]
		b["name"] = fmt.Sprintf("导师%d", i)
		if i%2 == 0 {
			b["district"] = "dafeng"
		}
		r := h.do("POST", "/api/v1/mentors", admin, b)
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		ids = append(ids, r.json(t)["id"].(string))
	}
	if r := h.do("DELETE", "/api/v1/mentors/"+ids[4], admin, nil); r.Status != http.StatusNoContent {
		t.Fatalf("archive: %d", r.Status)
	}
	var got []string
	cursor := ""
	for pages := 0; pages < 5; pages++ {
		r := h.do("GET", "/api/v1/mentors?limit=2&cursor="+cursor, stranger, nil)
		if r.Status != 200 || strings.Contains(string(r.Body), "wang@ycit.example") {
			t.Fatalf("page: %d %s", r.Status, r.Body)
		}
		for _, it := range r.json(t)["items"].([]any) {
			got = append(got, it.(map[string]any)["id"].(string))
		}
		cursor, _ = r.json(t)["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(ids[:4]) {
		t.Fatalf("paged %v, want %v (id order, archived left out)", got, ids[:4])
	}
	// The pages above came from the index, not the database's scan.
	if _, _, ok := h.srv.Index.ListEntries(context.Background(), profile.ListFilter{Kind: profile.Mentor, District: "dafeng", Limit: 2}); !ok {
		t.Fatal("the index declined a list it should answer")
	}
	r := h.do("GET", "/api/v1/mentors?district=dafeng", admin, nil)
	items := r.json(t)["items"].([]any)
	if len(items) != 2 || !strings.Contains(string(r.Body), "wang@ycit.example") {
		t.Fatalf("district filter through the index: %s", r.Body)
	}
}

// A list page reuses the profiles an earlier page read while the index lists
// the same version, and reads again once a write gives a profile a new one.
func TestListPagesReuseProfilesOfTheListedVersion(t *testing.T) {
	h := newHarness(t, withIndex(t))
	_, admin := h.user(profile.RoleAdmin)
	b := bodies()[profile.Mentor]
	b["name"] = "缓存导师"
	b["district"] = "dafeng"
	r := h.do("POST", "/api/v1/mentors", admin, b)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	id := r.json(t)["id"].(string)
	names := func() string {
		r := h.do("GET", "/api/v1/mentors?district=dafeng", admin, nil)
		if r.Status != 200 {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		items := r.json(t)["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("list: %s", r.Body)
		}
		return items[0].(map[string]any)["name"].(string)
	}
	if got := names(); got != "缓存导师" {
		t.Fatalf("first page: %q", got)
	}
	// Behind the API's back (same sequence number): a page that read the
	// database would show it; the kept copy of the listed version does not.
	if _, err := h.store.Database().Collection("profiles").UpdateOne(context.Background(),
		bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "绕过接口"}}}}); err != nil {
		t.Fatal(err)
	}
	if got := names(); got != "缓存导师" {
		t.Fatalf("second page read the profile again: %q", got)
	}
	// A write through the API is a new version: the next page shows it.
	r = h.do("PATCH", "/api/v1/mentors/"+id, admin, map[string]any{"name": "改名导师"}, "If-Match", `"1"`)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if got := names(); got != "改名导师" {
		t.Fatalf("after the write the page shows %q", got)
	}
}
