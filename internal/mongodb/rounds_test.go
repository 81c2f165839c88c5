package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/intro"
	"fuhua/internal/match"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/internal/rounds"
)

func TestRoundKeepsItsPairsAcrossChunksAndVersions(t *testing.T) {
	s := newIntroFixture(t).s
	ctx := context.Background()
	r := &rounds.Round{Name: "导师日", Target: profile.Mentor, OwnerID: mongodb.NewID(), State: rounds.Draft,
		Startups: []rounds.StartupFacts{{ID: "s1", Meetings: 2}}, Names: map[string]string{"s1": "企业"}}
	for i := range 1200 { // three chunks
		r.Pairs = append(r.Pairs, rounds.Pair{StartupID: fmt.Sprintf("s%04d", i), CounterpartID: "m1", Score: i % 100,
			Reasons: []match.Reason{{Code: "chain", ZH: "同属氢能产业链", EN: "Both in hydrogen", Weight: i % 100}}})
	}
	if err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRound(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r.Pairs, got.Pairs); d != "" || got.Version != 1 || got.Chunks != 3 || got.Names["s1"] != "企业" {
		t.Fatalf("read back v%d chunks %d (-wrote +read):\n%s", got.Version, got.Chunks, d)
	}

	// Two editors of version 1: exactly one wins, the other is told it is stale.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next, _ := s.GetRound(ctx, r.ID)
			next.Pairs = next.Pairs[:10+i]
			errs[i] = s.SaveRound(ctx, next, 1)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, profile.ErrPrecondition):
			t.Fatalf("losing save: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d concurrent saves of one version won", won, len(errs))
	}
	got, err = s.GetRound(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Chunks != 1 || len(got.Pairs) < 10 || len(got.Pairs) > 13 {
		t.Fatalf("after the save: v%d, %d chunks, %d pairs", got.Version, got.Chunks, len(got.Pairs))
	}
	if err := s.SaveRound(ctx, got, 1); !errors.Is(err, profile.ErrPrecondition) {
		t.Fatalf("stale save: %v", err)
	}
	list, err := s.ListRounds(ctx, r.OwnerID)
	if err != nil || len(list) != 1 || list[0].ID != r.ID || list[0].Name != "导师日" {
		t.Fatalf("list: %v %+v", err, list)
	}
	if other, _ := s.ListRounds(ctx, mongodb.NewID()); len(other) != 0 {
		t.Fatalf("another account lists %d rounds", len(other))
	}
}

func TestRoundIntroIsCreatedOnce(t *testing.T) {
	f := newIntroFixture(t)
	ctx := context.Background()
	broker := &profile.User{ID: mongodb.NewID(), Role: profile.RoleAdmin}
	plan := func(id string) (*intro.Introduction, intro.Event) {
		in, ev, err := intro.New(broker, f.startup, f.investorP, "路演", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		in.ID = id
		return in, ev
	}
	id := mongodb.NewID()
	in, ev := plan(id)
	if created, err := f.s.CreateRoundIntro(ctx, in, ev); err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	in, ev = plan(id)
	if created, err := f.s.CreateRoundIntro(ctx, in, ev); err != nil || created {
		t.Fatalf("again: %v %v", created, err)
	}
	// Publishing racing itself: the same id from many writers at once makes one
	// introduction, and none of them is told the pair is taken.
	raceID := mongodb.NewID()
	sp := &profile.Profile{Kind: profile.Startup, Name: "企业二", OwnerID: f.founder.ID, District: "yannan"}
	if err := f.s.CreateProfile(ctx, sp); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	made := make([]bool, 6)
	errs := make([]error, 6)
	for i := range made {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, ev, err := intro.New(broker, sp, f.investorP, "路演", time.Now())
			if err != nil {
				errs[i] = err
				return
			}
			in.ID = raceID
			made[i], errs[i] = f.s.CreateRoundIntro(ctx, in, ev)
		}()
	}
	wg.Wait()
	n := 0
	for i := range made {
		if errs[i] != nil {
			t.Fatalf("racing publish %d: %v", i, errs[i])
		}
		if made[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d of %d racing writers created the introduction", n, len(made))
	}

	// Another id for the same pair: the pair is taken.
	in, ev = plan(mongodb.NewID())
	if _, err := f.s.CreateRoundIntro(ctx, in, ev); !errors.Is(err, profile.ErrConflict) {
		t.Fatalf("second introduction of the pair: %v", err)
	}
	pairs, err := f.s.IntroducedPairs(ctx)
	if err != nil || len(pairs) != 2 {
		t.Fatalf("introduced pairs: %v %v", pairs, err)
	}
	got, err := f.s.GetIntro(ctx, id)
	if err != nil || got.BrokerID != broker.ID || got.State != intro.Pending {
		t.Fatalf("stored: %+v %v", got, err)
	}
}
