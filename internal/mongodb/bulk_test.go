package mongodb_test

import (
	"context"
	"testing"

	"fuhua/internal/dbtest"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// TestCreateProfilesInBulk stores 1,203 demo profiles (three chunks) in bulk
// after one single write and checks: every profile with a fresh credit code is
// stored and readable, one whose code is stored already and a second with a code
// used earlier in the batch are skipped (ID left empty), and the change log has
// every sequence from 1 to the last without a gap, each naming its profile.
func TestCreateProfilesInBulk(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	cat := seed.Catalog()
	demo := seed.Demo(1203)
	first := demo[0]
	first.Normalize()
	if err := s.CreateProfile(ctx, &first); err != nil {
		t.Fatal(err)
	}
	ps := make([]*profile.Profile, 0, len(demo))
	var startups []int
	for i := range demo[1:] {
		p := &demo[i+1]
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			t.Fatal(err)
		}
		if p.Kind == profile.Startup && p.CreditCode != "" {
			startups = append(startups, len(ps))
		}
		ps = append(ps, p)
	}
	if first.CreditCode == "" || len(startups) < 2 {
		t.Fatalf("the demo data changed: first %q, %d startups with codes", first.CreditCode, len(startups))
	}
	taken := ps[startups[0]]
	taken.CreditCode = first.CreditCode // stored already
	again := ps[startups[len(startups)-1]]
	again.CreditCode = ps[startups[1]].CreditCode // used earlier in this batch
	added, err := s.CreateProfiles(ctx, ps)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(ps) - 2; added != want {
		t.Errorf("added %d, want %d", added, want)
	}
	if taken.ID != "" || again.ID != "" {
		t.Errorf("duplicates kept ids %q %q", taken.ID, again.ID)
	}
	last, err := s.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last != int64(added)+1 {
		t.Fatalf("last seq %d, want %d", last, added+1)
	}
	bySeq := map[int64]string{}
	for _, p := range ps {
		if p.ID != "" {
			bySeq[p.Seq] = p.ID
		}
	}
	for seq := int64(2); seq <= last; seq++ {
		ref, ok, err := s.ChangeAt(ctx, seq)
		if err != nil || !ok {
			t.Fatalf("change %d: %v %v", seq, ok, err)
		}
		if ref.ID != bySeq[seq] {
			t.Fatalf("change %d names %q, the profile with that seq is %q", seq, ref.ID, bySeq[seq])
		}
	}
	for _, i := range []int{0, len(ps) / 2, len(ps) - 1} {
		p := ps[i]
		if p.ID == "" {
			continue
		}
		got, err := s.GetProfile(ctx, p.ID)
		if err != nil || got.Name != p.Name || got.Version != 1 {
			t.Errorf("profile %d: %v %+v", i, err, got)
		}
	}
	// The skipped code is free for nobody else: the stored startup still holds it.
	id, err := s.ProfileIDByCreditCode(ctx, first.CreditCode)
	if err != nil || id != first.ID {
		t.Errorf("credit code %s → %q %v, want %s", first.CreditCode, id, err, first.ID)
	}
	if _, err := s.ProfileIDByCreditCode(ctx, ps[startups[1]].CreditCode); err != nil {
		t.Errorf("the batch's own code: %v", err)
	}
}
