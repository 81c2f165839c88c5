package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

func TestHealth(t *testing.T) {
	h := newHarness(t)
	if r := h.do("GET", "/healthz", "", nil); r.Status != 200 {
		t.Fatalf("healthz %d", r.Status)
	}
	if r := h.do("GET", "/readyz", "", nil); r.Status != 200 {
		t.Fatalf("readyz %d %s", r.Status, r.Body)
	}
	h.srv.Drain()
	if r := h.do("GET", "/readyz", "", nil); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("readyz while draining: %d, want 503", r.Status)
	}
}

func TestRegisterLoginMe(t *testing.T) {
	h := newHarness(t)
	r := h.do("POST", "/api/v1/auth/register", "", map[string]any{"email": "Founder@Example.com", "password": testPassword, "name": "创始人", "role": "startup"})
	if r.Status != http.StatusCreated {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	if strings.Contains(string(r.Body), "argon2") || strings.Contains(string(r.Body), "password") {
		t.Fatalf("register response leaks the password hash: %s", r.Body)
	}
	r = h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "founder@example.com", "password": testPassword})
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	tok, _ := r.json(t)["token"].(string)
	if tok == "" || r.json(t)["expires_at"] == nil {
		t.Fatalf("login response: %s", r.Body)
	}
	r = h.do("GET", "/api/v1/me", tok, nil)
	if r.Status != 200 || r.json(t)["email"] != "founder@example.com" || r.json(t)["role"] != "startup" {
		t.Fatalf("me: %d %s", r.Status, r.Body)
	}
	if r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "founder@example.com", "password": "wrong password!"}); r.Status != 401 {
		t.Fatalf("wrong password: %d", r.Status)
	}
	if r := h.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@example.com", "password": testPassword}); r.Status != 401 {
		t.Fatalf("unknown e-mail: %d", r.Status)
	}
	if r := h.do("GET", "/api/v1/me", "", nil); r.Status != 401 {
		t.Fatalf("me without token: %d", r.Status)
	}
}

func TestAdminCreatesManager(t *testing.T) {
	h := newHarness(t)
	_, admin := h.user(profile.RoleAdmin)
	_, founder := h.user(profile.RoleStartup)
	body := map[string]any{"email": "mgr@example.com", "password": testPassword, "name": "盐南管理员", "role": "manager", "districts": []string{"yannan"}}
	if r := h.do("POST", "/api/v1/users", founder, body); r.Status != 403 {
		t.Fatalf("non-admin creating a user: %d", r.Status)
	}
	r := h.do("POST", "/api/v1/users", admin, body)
	if r.Status != 201 {
		t.Fatalf("admin creating a manager: %d %s", r.Status, r.Body)
	}
	u, err := h.store.UserByEmail(context.Background(), "mgr@example.com")
	if err != nil || u.Role != profile.RoleManager || len(u.Districts) != 1 || u.Districts[0] != "yannan" {
		t.Fatalf("stored manager: %+v %v", u, err)
	}
	body["email"] = "mgr2@example.com"
	delete(body, "districts")
	if r := h.do("POST", "/api/v1/users", admin, body); r.Status != 400 {
		t.Fatalf("manager without districts: %d", r.Status)
	}
}

// TestProfileLifecycleEveryKind walks every route's happy path for every kind.
func TestProfileLifecycleEveryKind(t *testing.T) {
	h := newHarness(t)
	for _, k := range profile.Kinds {
		t.Run(string(k), func(t *testing.T) {
			owner, tok := h.user(roleFor(k))
			created := h.create(k, tok)
			id := created["id"].(string)
			if created["kind"] != string(k) || created["owner_id"] != owner.ID || created["version"].(float64) != 1 {
				t.Fatalf("created: %v", created)
			}
			for key, want := range bodies()[k] {
				if key == "contact" {
					continue
				}
				if key == "needs" {
					if n := created["needs"].(map[string]any); n["funding_wan"].(float64) != 1000 || fmt.Sprint(n["services"]) != "[ip finance]" {
						t.Errorf("needs: %v", n)
					}
					continue
				}
				if diff := cmp.Diff(fmt.Sprint(want), fmt.Sprint(created[key])); diff != "" {
					t.Errorf("field %s (-sent +got): %s", key, diff)
				}
			}
			r := h.do("GET", "/api/v1/"+k.Path()+"/"+id, tok, nil)
			if r.Status != 200 || r.Header.Get("ETag") != `"1"` {
				t.Fatalf("get: %d etag %q", r.Status, r.Header.Get("ETag"))
			}
			if r := h.do("GET", "/api/v1/"+k.Path()+"/"+id, tok, nil, "If-None-Match", `"1"`); r.Status != http.StatusNotModified {
				t.Fatalf("conditional get: %d", r.Status)
			}
			r = h.do("PATCH", "/api/v1/"+k.Path()+"/"+id, tok, map[string]any{"summary": "更新后的简介"}, "If-Match", `"1"`)
			if r.Status != 200 || r.json(t)["summary"] != "更新后的简介" || r.json(t)["version"].(float64) != 2 {
				t.Fatalf("patch: %d %s", r.Status, r.Body)
			}
			if r.json(t)["name"] != bodies()[k]["name"] {
				t.Fatalf("patch lost an unsent field: %s", r.Body)
			}
			r = h.do("GET", "/api/v1/"+k.Path()+"?limit=10", tok, nil)
			items := r.json(t)["items"].([]any)
			if r.Status != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != id {
				t.Fatalf("list: %d %s", r.Status, r.Body)
			}
			if r := h.do("DELETE", "/api/v1/"+k.Path()+"/"+id, tok, nil); r.Status != http.StatusNoContent {
				t.Fatalf("archive: %d %s", r.Status, r.Body)
			}
			r = h.do("GET", "/api/v1/"+k.Path(), tok, nil)
			if n := len(r.json(t)["items"].([]any)); n != 0 {
				t.Fatalf("archived profile still listed (%d items)", n)
			}
			_, other := h.user(roleFor(k))
			if r := h.do("GET", "/api/v1/"+k.Path()+"/"+id, other, nil); r.Status != 404 {
				t.Fatalf("archived profile visible to a stranger: %d", r.Status)
			}
			if r := h.do("GET", "/api/v1/"+k.Path()+"/"+id, tok, nil); r.Status != 200 || r.json(t)["archived"] != true {
				t.Fatalf("archived profile for its owner: %d %s", r.Status, r.Body)
			}
		})
	}
}

func TestListFiltersAndCursor(t *testing.T) {
	h := newHarness(t)
	_, admin := h.user(profile.RoleAdmin)
	for i := 0; i < 5; i++ {
		b := bodies()[profile.Mentor]
		b["name"] = fmt.Sprintf("导师%d", i)
		if i%2 == 0 {
			b["district"] = "dafeng"
		}
		if r := h.do("POST", "/api/v1/mentors", admin, b); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; pages < 5; pages++ {
		r := h.do("GET", "/api/v1/mentors?limit=2&cursor="+cursor, admin, nil)
		if r.Status != 200 {
			t.Fatalf("page: %d %s", r.Status, r.Body)
		}
		for _, it := range r.json(t)["items"].([]any) {
			id := it.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("id %s on two pages", id)
			}
			seen[id] = true
		}
		cursor, _ = r.json(t)["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %d profiles, want 5", len(seen))
	}
	r := h.do("GET", "/api/v1/mentors?district=dafeng", admin, nil)
	if n := len(r.json(t)["items"].([]any)); n != 3 {
		t.Fatalf("district filter: %d items, want 3", n)
	}
}

func TestStaleVersionRefused(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user(profile.RoleMentor)
	id := h.create(profile.Mentor, tok)["id"].(string)
	path := "/api/v1/mentors/" + id
	if r := h.do("PATCH", path, tok, map[string]any{"capacity": 4}, "If-Match", `"1"`); r.Status != 200 {
		t.Fatalf("first edit: %d %s", r.Status, r.Body)
	}
	before := h.lastSeq()
	r := h.do("PATCH", path, tok, map[string]any{"capacity": 5}, "If-Match", `"1"`)
	if code, field := r.errCode(t); r.Status != http.StatusPreconditionFailed || code != "version_mismatch" || field != "version" {
		t.Fatalf("stale If-Match: %d %s", r.Status, r.Body)
	}
	r = h.do("PATCH", path, tok, map[string]any{"capacity": 5, "version": 1})
	if code, _ := r.errCode(t); r.Status != http.StatusConflict || code != "version_mismatch" {
		t.Fatalf("stale body version: %d %s", r.Status, r.Body)
	}
	if r := h.do("PATCH", path, tok, map[string]any{"capacity": 5}); r.Status != http.StatusPreconditionRequired {
		t.Fatalf("no version at all: %d", r.Status)
	}
	got := h.do("GET", path, tok, nil).json(t)
	if got["capacity"].(float64) != 4 || got["version"].(float64) != 2 || h.lastSeq() != before {
		t.Fatalf("a refused edit changed the profile: %v", got)
	}
}

func TestConcurrentPatchOneWins(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user(profile.RoleMentor)
	id := h.create(profile.Mentor, tok)["id"].(string)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			statuses[i] = h.do("PATCH", "/api/v1/mentors/"+id, tok, map[string]any{"capacity": i + 1}, "If-Match", `"1"`).Status
		}(i)
	}
	wg.Wait()
	wins, winner := 0, 0
	for i, s := range statuses {
		switch s {
		case 200:
			wins++
			winner = i + 1
		case http.StatusPreconditionFailed:
		default:
			t.Errorf("request %d: status %d", i, s)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of 20 concurrent edits of version 1 won; want exactly 1 (%v)", wins, statuses)
	}
	got := h.do("GET", "/api/v1/mentors/"+id, tok, nil).json(t)
	if got["version"].(float64) != 2 || int(got["capacity"].(float64)) != winner {
		t.Fatalf("stored %v, want version 2 with the winner's capacity %d", got, winner)
	}
}

func TestOwnership(t *testing.T) {
	h := newHarness(t)
	_, owner := h.user(profile.RoleStartup)
	_, stranger := h.user(profile.RoleStartup)
	_, mgrIn := h.user(profile.RoleManager, "yannan")
	_, mgrOut := h.user(profile.RoleManager, "dafeng")
	created := h.create(profile.Startup, owner)
	id := created["id"].(string)
	path := "/api/v1/startups/" + id
	before := h.lastSeq()
	for _, tc := range []struct {
		who   string
		token string
	}{{"another founder", stranger}, {"a manager of another district", mgrOut}} {
		if r := h.do("PATCH", path, tc.token, map[string]any{"name": "抢注"}, "If-Match", `"1"`); r.Status != 403 {
			t.Errorf("PATCH by %s: %d, want 403", tc.who, r.Status)
		}
		if r := h.do("DELETE", path, tc.token, nil); r.Status != 403 {
			t.Errorf("DELETE by %s: %d, want 403", tc.who, r.Status)
		}
	}
	if h.lastSeq() != before {
		t.Fatal("a refused request wrote to the database")
	}
	got := h.do("GET", path, owner, nil).json(t)
	if got["name"] != created["name"] || got["version"].(float64) != 1 {
		t.Fatalf("profile changed: %v", got)
	}
	if r := h.do("PATCH", path, mgrIn, map[string]any{"summary": "区县管理员代为更新"}, "If-Match", `"1"`); r.Status != 200 {
		t.Fatalf("manager of the district: %d %s", r.Status, r.Body)
	}
	if r := h.do("PATCH", path, mgrIn, map[string]any{"district": "dafeng"}, "If-Match", `"2"`); r.Status != 403 {
		t.Fatalf("manager moving a profile out of their district: %d", r.Status)
	}
	// A founder may not create another kind's profile.
	if r := h.do("POST", "/api/v1/investors", owner, bodies()[profile.Investor]); r.Status != 403 {
		t.Fatalf("startup creating an investor: %d", r.Status)
	}
	// A manager creates on someone's behalf only in their districts.
	if r := h.do("POST", "/api/v1/startups", mgrOut, bodies()[profile.Startup]); r.Status != 403 {
		t.Fatalf("manager creating outside their district: %d", r.Status)
	}
}

func TestContactHiddenFromStrangers(t *testing.T) {
	h := newHarness(t)
	_, owner := h.user(profile.RoleStartup)
	_, stranger := h.user(profile.RoleInvestor)
	_, mgr := h.user(profile.RoleManager, "yannan")
	_, admin := h.user(profile.RoleAdmin)
	id := h.create(profile.Startup, owner)["id"].(string)
	for _, tc := range []struct {
		who  string
		tok  string
		sees bool
	}{{"owner", owner, true}, {"stranger", stranger, false}, {"manager", mgr, true}, {"admin", admin, true}} {
		r := h.do("GET", "/api/v1/startups/"+id, tc.tok, nil)
		_, has := r.json(t)["contact"]
		if has != tc.sees || strings.Contains(string(r.Body), "qingtu-chen") != tc.sees {
			t.Errorf("%s sees contact = %v, want %v", tc.who, has, tc.sees)
		}
		l := h.do("GET", "/api/v1/startups", tc.tok, nil)
		if strings.Contains(string(l.Body), "qingtu-chen") != tc.sees {
			t.Errorf("%s sees contact in the list = %v, want %v", tc.who, !tc.sees, tc.sees)
		}
	}
}
