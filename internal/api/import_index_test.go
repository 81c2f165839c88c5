package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"fuhua/index"
	"fuhua/internal/api"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// kindReads is the real store, counting the reads of a whole kind an import
// makes to find what exists.
type kindReads struct {
	*mongodb.Store
	n *atomic.Int32
}

func (s kindReads) EachStored(ctx context.Context, k profile.Kind, fn func(*profile.Profile) error) error {
	s.n.Add(1)
	return s.Store.EachStored(ctx, k, fn)
}

func (s kindReads) EachOfKind(ctx context.Context, k profile.Kind, fn func(*profile.Profile) error) error {
	s.n.Add(1)
	return s.Store.EachOfKind(ctx, k, fn)
}

// importScenario runs the same imports on h — new, unchanged and edited rows,
// bad rows, a row naming an archived startup, a carrier named by its name, a
// row nearly repeating a stored profile — and returns what each answered, with
// profile ids left out (they differ between databases).
func importScenario(t *testing.T, h *harness) []string {
	_, admin := h.user(profile.RoleAdmin)
	_, mgr := h.user(profile.RoleManager, "yannan", "tinghu")
	p := h.do("POST", "/api/v1/startups", admin, map[string]any{"name": "旧企科技", "credit_code": cc(90), "district": "yannan"})
	if p.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", p.Status, p.Body)
	}
	if r := h.do("DELETE", "/api/v1/startups/"+p.json(t)["id"].(string), admin, nil); r.Status != http.StatusOK && r.Status != http.StatusNoContent {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	h.createWarned(mgr, profile.Provider, map[string]any{"name": "盐城知联知识产权代理有限公司", "type": "ip", "district": "tinghu"})

	carriers := "名称,载体类型,级别,所在区县\n盐南一号孵化器,孵化器,省级,盐南\n"
	edited := strings.Replace(startupCSV(), "好一科技,"+cc(1)+",盐南高新区,氢能,10,3", "好一科技,"+cc(1)+",盐南高新区,氢能,12,4", 1)
	files := []struct{ path, data string }{
		{"/api/v1/carriers/import", carriers},
		{"/api/v1/carriers/import", strings.Replace(carriers, "省级", "国家级", 1)},
		{"/api/v1/startups/import", startupCSV()},
		{"/api/v1/startups/import?mode=check", startupCSV()},
		{"/api/v1/startups/import", startupCSV()},
		{"/api/v1/startups/import", edited},
		{"/api/v1/startups/import?mode=check", "企业名称,统一社会信用代码,所在区县\n旧企科技," + cc(90) + ",盐南高新区\n"},
		{"/api/v1/startups/import", "企业名称,统一社会信用代码,所在区县,所在载体\n载体科技," + cc(91) + ",盐南高新区,盐南一号孵化器\n无载科技," + cc(92) + ",盐南高新区,没有这个孵化器\n"},
		{"/api/v1/providers/import", "名称,机构类型,所在区县\n知联知识产权代理（盐城）有限公司,知识产权代理,亭湖区\n盐城远航会计师事务所,会计师事务所,亭湖区\n"},
	}
	var out []string
	for _, f := range files {
		r := h.upload(f.path, mgr, "f.csv", []byte(f.data))
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", f.path, r.Status, r.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(r.Body, &m); err != nil {
			t.Fatal(err)
		}
		for _, w := range m["warnings"].([]any) {
			delete(w.(map[string]any), "profile_id")
		}
		b, _ := json.Marshal(m)
		out = append(out, f.path+" "+string(b))
	}
	var hit *profile.Profile
	_ = h.store.EachOfKind(context.Background(), profile.Startup, func(p *profile.Profile) error {
		if p.Name == "载体科技" {
			hit = p
		}
		return nil
	})
	if hit == nil || hit.CarrierID == "" {
		t.Errorf("the startup naming its carrier by name was stored as %+v", hit)
	}
	out = append(out, "startups "+strconv.Itoa(h.count(profile.Startup))+", carriers "+strconv.Itoa(h.count(profile.Carrier))+", providers "+strconv.Itoa(h.count(profile.Provider)))
	return out
}

// An import finds what exists in the index's memory copy once it has caught up
// with the database, and reads no kind from the database; it answers every
// file exactly as the import that reads the kind from the database does.
func TestImportFindsRowsInTheCaughtUpIndex(t *testing.T) {
	var fromDB, fromIndex atomic.Int32
	db := newHarness(t, func(d *api.Deps) { d.Store = kindReads{d.Store.(*mongodb.Store), &fromDB} })
	ix := newHarness(t, withIndex(t), func(d *api.Deps) { d.Store = kindReads{d.Store.(*mongodb.Store), &fromIndex} })
	want := importScenario(t, db)
	got := importScenario(t, ix)
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			t.Errorf("step %d:\nfrom the index:    %s\nfrom the database: %s", i, g, w)
		}
	}
	if n := fromDB.Load(); n == 0 {
		t.Errorf("the import without an index read no kind: the count does not see it")
	}
	if n := fromIndex.Load(); n != 0 {
		t.Errorf("with a caught-up index the imports read a whole kind %d times", n)
	}
}

// staleIndex is a real index whose memory copy, as an import sees it, stays
// as it was when frozen: what the copy is when a profile changes between the
// follower's last poll and the import's read of it.
type staleIndex struct {
	*index.Index
	frozen map[profile.Kind][]*profile.Profile
}

func (s staleIndex) LiveOfKind(k profile.Kind) ([]*profile.Profile, bool) {
	return s.frozen[k], true
}

// A profile the index names for a row is read back from the database and
// used only if it still has the row's name: a carrier renamed since the copy
// was taken is not overwritten by a row of its old name, which makes a new
// carrier instead.
func TestImportReadsBackWhatTheIndexNames(t *testing.T) {
	var reads atomic.Int32
	var live *index.Index
	stale := staleIndex{frozen: map[profile.Kind][]*profile.Profile{}}
	h := newHarness(t, withIndex(t), func(d *api.Deps) {
		live = d.Index.(*index.Index)
		stale.Index = live
		d.Index = stale
		d.Store = kindReads{d.Store.(*mongodb.Store), &reads}
	})
	_, mgr := h.user(profile.RoleManager, "yannan")
	carriers := "名称,载体类型,级别,所在区县\n盐南一号孵化器,孵化器,省级,盐南\n"
	if b := h.importFile("/api/v1/carriers/import", mgr, "c.csv", []byte(carriers)); b.Created != 1 {
		t.Fatalf("carriers: %+v", b)
	}
	ps, ok := live.LiveOfKind(profile.Carrier)
	if !ok || len(ps) != 1 || ps[0].Name != "盐南一号孵化器" {
		t.Fatalf("the index holds %v (%v)", ps, ok)
	}
	stale.frozen[profile.Carrier] = ps
	id := ps[0].ID
	r := h.do("PATCH", "/api/v1/carriers/"+id, mgr, map[string]any{"name": "盐南二号孵化器", "version": ps[0].Version})
	if r.Status != http.StatusOK {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	b := h.importFile("/api/v1/carriers/import", mgr, "c.csv", []byte(strings.Replace(carriers, "省级", "国家级", 1)))
	if b.Created != 1 || b.Updated != 0 {
		t.Errorf("a row of the old name: %+v, want it created", b)
	}
	p, err := h.store.GetProfile(context.Background(), id)
	if err != nil || p.Name != "盐南二号孵化器" || p.Level == "national" {
		t.Errorf("the renamed carrier is now %+v (%v)", p, err)
	}
	if n := reads.Load(); n != 0 {
		t.Errorf("the imports read a whole kind %d times", n)
	}
}
