package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"fuhua/index"
	"fuhua/index/indextest"
	"fuhua/internal/api"
	"fuhua/internal/profile"
)

// sliceSource is an index.Source over a fixed list, enough to build the
// benchmark index once.
type sliceSource []*profile.Profile

func (s sliceSource) LastSeq(context.Context) (int64, error) { return int64(len(s)), nil }
func (s sliceSource) ChangeAt(context.Context, int64) (profile.Ref, bool, error) {
	return profile.Ref{}, false, nil
}
func (s sliceSource) GetProfile(context.Context, string) (*profile.Profile, error) {
	return nil, profile.ErrNotFound
}
func (s sliceSource) EachProfile(_ context.Context, fn func(*profile.Profile) error) error {
	for _, p := range s {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// handlerLatencies reports p50 and p99 of the recorded durations.
func handlerLatencies(b *testing.B, l []time.Duration) {
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	pct := func(p float64) float64 {
		return float64(l[min(len(l)-1, int(float64(len(l))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkIndexHandlers measures GET /api/v1/search (all five facets) and
// GET /api/v1/{path}/{id}/matches through the real Gin engine (auth, query
// parsing, JSON encoding) with a real index of 10k generated profiles, the
// same data and queries as index.BenchmarkSearch and index.BenchmarkMatch, so
// the difference to those is the handler's own overhead. The profiles asking
// for matches are put in the embedded database (the handler loads them from
// there); the other 10k live only in the index, because loading them through
// the store would take minutes. The index is built once under $TMPDIR.
func BenchmarkIndexHandlers(b *testing.B) {
	const n = 10_000
	ps := indextest.Profiles(n, 42)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("fuhua-apibench-%s-%d", index.MappingVersion, n))
	ix, err := index.Open(dir, index.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if ix.NeedsRebuild() {
		if err := ix.Rebuild(context.Background(), sliceSource(ps)); err != nil {
			b.Fatal(err)
		}
	}
	// An existing index loads its in-memory copy in the background.
	if err := ix.WaitReady(context.Background()); err != nil {
		b.Fatal(err)
	}
	h := newHarness(b, func(d *api.Deps) { d.Index = ix })
	_, admin := h.user(profile.RoleAdmin)

	type req struct{ path string }
	var matches []req
	targets := []profile.Kind{profile.Investor, profile.Mentor, profile.Carrier}
	for i, p := range ps {
		var target profile.Kind
		switch p.Kind {
		case profile.Startup:
			target = targets[i%len(targets)]
		case profile.Investor:
			target = profile.Startup
		default:
			continue
		}
		q := *p
		q.ID = ""
		if err := h.store.CreateProfile(context.Background(), &q); err != nil {
			b.Fatal(err)
		}
		matches = append(matches, req{fmt.Sprintf("/api/v1/%s/%s/matches?target=%s", p.Kind.Path(), q.ID, target)})
		if len(matches) == 60 {
			break
		}
	}
	searches := []req{
		{"q=" + url.QueryEscape("芯片")}, {"q=" + url.QueryEscape("燃料电池 检测")}, {"q=" + url.QueryEscape("碳化硅") + "&kind=startup"},
		{"q=" + url.QueryEscape("工业软件") + "&district=yandu"}, {"q=hydrogen"}, {"kind=investor&chain=ic"},
		{"q=" + url.QueryEscape("盐城 储能系统")}, {"q=" + url.QueryEscape("半导体") + "&stage=angel"},
	}
	run := func(b *testing.B, paths []req) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			r := httptest.NewRequest(http.MethodGet, paths[i%len(paths)].path, nil)
			r.Header.Set("Authorization", "Bearer "+admin)
			w := httptest.NewRecorder()
			start := time.Now()
			h.h.ServeHTTP(w, r)
			lat = append(lat, time.Since(start))
			if w.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", paths[i%len(paths)].path, w.Code, w.Body.String())
			}
		}
		b.StopTimer()
		handlerLatencies(b, lat)
	}
	b.Run("match-10k", func(b *testing.B) { run(b, matches) })
	b.Run("search-10k", func(b *testing.B) {
		paths := make([]req, len(searches))
		for i, s := range searches {
			paths[i] = req{"/api/v1/search?" + s.path}
		}
		run(b, paths)
	})
}
