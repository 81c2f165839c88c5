package mongodb_test

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// similarNames are the names SimilarProfiles finds for p.
func similarNames(t *testing.T, s *mongodb.Store, p *profile.Profile) []string {
	t.Helper()
	got, err := s.SimilarProfiles(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range got {
		names = append(names, o.Name)
	}
	slices.Sort(names)
	return names
}

func carrierNamed(name string) *profile.Profile {
	for _, p := range seed.Demo(40) {
		if p.Kind == profile.Carrier {
			p.Name, p.District, p.CreditCode = name, "tinghu", ""
			p.Normalize()
			return &p
		}
	}
	panic("no carrier in the demo data")
}

// Profiles stored in bulk are filed for the duplicate check as they are
// written — beside a variant filed by a single write, too — and the backfill
// files a database written without them, once.
func TestBulkProfilesAreFiledForTheDuplicateCheck(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	if err := s.FileNames(ctx); err != nil { // an empty database: only the marker
		t.Fatal(err)
	}
	single := carrierNamed("盐城亭湖智能制造孵化器")
	if err := s.CreateProfile(ctx, single); err != nil {
		t.Fatal(err)
	}
	bulk := []*profile.Profile{carrierNamed("亭湖智能制造孵化器有限公司"), carrierNamed("亭湖智能制造孵化基地"), carrierNamed("大丰港口物流园")}
	if n, err := s.CreateProfiles(ctx, bulk); err != nil || n != 3 {
		t.Fatalf("bulk: %d, %v", n, err)
	}
	probe := carrierNamed("亭湖智能制造孵化器（二期）")
	want := []string{"亭湖智能制造孵化器有限公司", "盐城亭湖智能制造孵化器"}
	if got := similarNames(t, s, probe); !slices.Equal(got, want) {
		t.Fatalf("similar to %s: %v, want %v", probe.Name, got, want)
	}
	if got := similarNames(t, s, single); !slices.Equal(got, want[:1]) {
		t.Fatalf("similar to the single write: %v, want %v", got, want[:1])
	}

	// A database whose names were never filed (written before the check).
	if _, err := s.Database().Collection("name_keys").DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Database().Collection("counters").DeleteOne(ctx, bson.D{{Key: "_id", Value: "name_keys_filed_v1"}}); err != nil {
		t.Fatal(err)
	}
	if got := similarNames(t, s, probe); len(got) != 0 {
		t.Fatalf("with nothing filed: %v", got)
	}
	if err := s.FileNames(ctx); err != nil {
		t.Fatal(err)
	}
	if got := similarNames(t, s, probe); !slices.Equal(got, want) {
		t.Fatalf("after the backfill: %v, want %v", got, want)
	}
	// Once: with the marker set, a second call files nothing.
	if _, err := s.Database().Collection("name_keys").DeleteMany(ctx, bson.D{}); err != nil {
		t.Fatal(err)
	}
	if err := s.FileNames(ctx); err != nil {
		t.Fatal(err)
	}
	if got := similarNames(t, s, probe); len(got) != 0 {
		t.Fatalf("the backfill ran twice: %v", got)
	}
}

// Seed data: the named bodies are filed, the generated ones are not, and an
// empty database is marked filed first, so no backfill runs over them later.
func TestSeedFilesOnlyTheNamedBodies(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	named := []*profile.Profile{carrierNamed("亭湖智能制造孵化器")}
	generated := []*profile.Profile{carrierNamed("大丰港口物流孵化器")}
	if n, err := s.CreateSeed(ctx, named, generated); err != nil || n != 2 {
		t.Fatalf("seed: %d, %v", n, err)
	}
	if got := similarNames(t, s, carrierNamed("亭湖智能制造孵化器（二期）")); !slices.Equal(got, []string{"亭湖智能制造孵化器"}) {
		t.Fatalf("a named body is not filed: %v", got)
	}
	probe := carrierNamed("大丰港口物流孵化器（二期）")
	if got := similarNames(t, s, probe); len(got) != 0 {
		t.Fatalf("a generated profile is filed: %v", got)
	}
	if err := s.FileNames(ctx); err != nil { // the marker is set: no backfill
		t.Fatal(err)
	}
	if got := similarNames(t, s, probe); len(got) != 0 {
		t.Fatalf("the backfill ran over the seed: %v", got)
	}
}

// An edit that leaves the name and district alone files nothing, even on a
// store that has never seen the profile (the first edit after a start, or on
// another replica) and even for a profile stored unfiled (generated demo
// data, which stays out of the check); a rename files the new name.
func TestEditFilesOnlyARename(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	p := carrierNamed("大丰港口物流孵化器")
	if n, err := s.CreateProfilesUnfiled(ctx, []*profile.Profile{p}); err != nil || n != 1 {
		t.Fatalf("create: %d, %v", n, err)
	}
	fresh := mongodb.NewStore(s.Database().Client(), s.Database().Name())
	keys := func() int64 {
		t.Helper()
		n, err := s.Database().Collection("name_keys").CountDocuments(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	edit := *p
	edit.Tags = []string{"港口物流"}
	if err := fresh.UpdateProfile(ctx, &edit, p.Version, p.CreditCode); err != nil {
		t.Fatal(err)
	}
	if n := keys(); n != 0 {
		t.Errorf("an edit of the tags filed the unchanged name under %d keys", n)
	}
	rename := edit
	rename.Name = "大丰港口物流孵化基地"
	if err := fresh.UpdateProfile(ctx, &rename, edit.Version, edit.CreditCode); err != nil {
		t.Fatal(err)
	}
	if got := similarNames(t, s, carrierNamed("大丰港口物流孵化基地（二期）")); !slices.Equal(got, []string{"大丰港口物流孵化基地"}) {
		t.Errorf("a rename is not filed: %v", got)
	}
	again := rename
	again.Tags = []string{"港口物流", "冷链"}
	before := keys()
	if err := mongodb.NewStore(s.Database().Client(), s.Database().Name()).UpdateProfile(ctx, &again, rename.Version, rename.CreditCode); err != nil {
		t.Fatal(err)
	}
	if got := similarNames(t, s, carrierNamed("大丰港口物流孵化基地（二期）")); !slices.Equal(got, []string{"大丰港口物流孵化基地"}) || keys() != before {
		t.Errorf("after a second edit: similar %v, %d keys (were %d)", got, keys(), before)
	}
}

// A key is released only by the holder it points at.
func TestReleaseKeyOnlyByItsHolder(t *testing.T) {
	s := dbtest.Store(t)
	if err := s.ClaimKey("pair:x", "a"); err != nil {
		t.Fatal(err)
	}
	s.ReleaseKey("pair:x", "b")
	if err := s.ClaimKey("pair:x", "c"); err == nil {
		t.Fatal("a release by another holder freed the key")
	}
	s.ReleaseKey("pair:x", "a")
	if err := s.ClaimKey("pair:x", "c"); err != nil {
		t.Fatalf("the holder's release did not free the key: %v", err)
	}
	s.ReleaseKey("pair:nobody", "a") // nothing to release: no error, no panic
}
