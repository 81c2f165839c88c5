package mongodb_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/dbtest"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// TestEachVersionListsWhatEachProfileReads: the versions reconciliation reads
// (id, sequence, archived) are those of the whole profiles, archived included.
func TestEachVersionListsWhatEachProfileReads(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	demo := seed.Demo(40)
	ps := make([]*profile.Profile, len(demo))
	for i := range demo {
		demo[i].Normalize()
		ps[i] = &demo[i]
	}
	ps[3].Archived = true
	if _, err := s.CreateProfiles(ctx, ps); err != nil {
		t.Fatal(err)
	}
	type ver struct {
		Seq      int64
		Archived bool
	}
	whole := map[string]ver{}
	if err := s.EachProfile(ctx, func(p *profile.Profile) error {
		whole[p.ID] = ver{p.Seq, p.Archived}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	versions := map[string]ver{}
	if err := s.EachVersion(ctx, func(id string, seq int64, archived bool) error {
		versions[id] = ver{seq, archived}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(whole, versions); diff != "" || len(whole) != 40 {
		t.Errorf("EachProfile (-) against EachVersion (+), %d profiles:\n%s", len(whole), diff)
	}
	archived := 0
	for _, v := range versions {
		if v.Archived {
			archived++
		}
		if v.Seq == 0 {
			t.Error("a version without a sequence")
		}
	}
	if archived != 1 {
		t.Errorf("%d archived versions, want 1", archived)
	}
}
