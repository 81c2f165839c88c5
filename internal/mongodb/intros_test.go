package mongodb_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/internal/dbtest"
	"fuhua/internal/intro"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

type introFixture struct {
	s                  *mongodb.Store
	founder, investor  *profile.User
	startup, investorP *profile.Profile
}

func newIntroFixture(t *testing.T) *introFixture {
	s := dbtest.Store(t)
	ctx := context.Background()
	f := &introFixture{s: s,
		founder:  &profile.User{ID: mongodb.NewID(), Role: profile.RoleStartup},
		investor: &profile.User{ID: mongodb.NewID(), Role: profile.RoleInvestor}}
	f.startup = &profile.Profile{Kind: profile.Startup, Name: "企业", OwnerID: f.founder.ID, District: "yannan"}
	f.investorP = &profile.Profile{Kind: profile.Investor, Name: "基金", OwnerID: f.investor.ID}
	for _, p := range []*profile.Profile{f.startup, f.investorP} {
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *introFixture) create(t *testing.T) *intro.Introduction {
	in, ev, err := intro.New(f.founder, f.startup, f.investorP, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.CreateIntro(context.Background(), in, ev); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestSaveIntroOneWinner: twenty writers moving the same version race; exactly one
// is stored, even on the embedded backend whose filtered update is not atomic.
func TestSaveIntroOneWinner(t *testing.T) {
	f := newIntroFixture(t)
	in := f.create(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			next := *in
			next.AcceptedBy = nil
			var ev intro.Event
			if i%2 == 0 {
				ev, _, _ = next.Accept(f.investor, "", time.Now())
			} else {
				ev, _, _ = next.Decline(f.investor, "", time.Now())
			}
			err := f.s.SaveIntro(context.Background(), &next, in.Version, ev)
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, profile.ErrPrecondition) {
				t.Errorf("writer %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d writers won, want 1", wins)
	}
	got, _ := f.s.GetIntro(context.Background(), in.ID)
	evs, _ := f.s.IntroEvents(context.Background(), in.ID)
	if got.Version != 2 || len(evs) != 2 {
		t.Fatalf("version %d with %d events; want 2 and 2", got.Version, len(evs))
	}
	ok, err := f.s.Introduced(context.Background(), f.founder, f.investorP)
	if err != nil || ok != (got.State == intro.Accepted) {
		t.Fatalf("contact grant %v (%v) does not match the state %s", ok, err, got.State)
	}
}

// TestQuotaRace: forty concurrent requests by one account against forty targets
// yield exactly the daily limit.
func TestQuotaRace(t *testing.T) {
	f := newIntroFixture(t)
	ctx := context.Background()
	var targets []*profile.Profile
	for i := 0; i < 2*intro.DailyLimit; i++ {
		p := &profile.Profile{Kind: profile.Investor, Name: "基金", OwnerID: f.investor.ID}
		if err := f.s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, p)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	made, limited := 0, 0
	for _, p := range targets {
		wg.Add(1)
		go func(p *profile.Profile) {
			defer wg.Done()
			in, ev, _ := intro.New(f.founder, f.startup, p, "", time.Now())
			err := f.s.CreateIntro(ctx, in, ev)
			mu.Lock()
			defer mu.Unlock()
			switch e, _ := profile.AsError(err); {
			case err == nil:
				made++
			case errors.Is(err, profile.ErrTooMany) && e.RetryAfter > 0:
				limited++
			default:
				t.Errorf("create: %v", err)
			}
		}(p)
	}
	wg.Wait()
	if made != intro.DailyLimit || limited != intro.DailyLimit {
		t.Fatalf("%d made, %d limited; want %d and %d", made, limited, intro.DailyLimit, intro.DailyLimit)
	}
}

// TestExpiry: a pending introduction past its 30 days is expired lazily on read
// and by the sweep, and frees its pair.
func TestExpiry(t *testing.T) {
	f := newIntroFixture(t)
	ctx := context.Background()
	in := f.create(t)
	clock := time.Now().UTC()
	f.s.SetClock(func() time.Time { return clock })
	if n, err := f.s.ExpireDue(ctx); n != 0 || err != nil {
		t.Fatalf("expired %d early (%v)", n, err)
	}
	clock = clock.Add(intro.TTL + time.Minute)
	if n, err := f.s.ExpireDue(ctx); n != 1 || err != nil {
		t.Fatalf("sweep expired %d, %v; want 1", n, err)
	}
	got, err := f.s.GetIntro(ctx, in.ID)
	if err != nil || got.State != intro.Expired {
		t.Fatalf("after the sweep: %+v %v", got, err)
	}
	again := f.create(t) // the pair is free
	clock = clock.Add(intro.TTL + time.Minute)
	got, err = f.s.GetIntro(ctx, again.ID)
	if err != nil || got.State != intro.Expired {
		t.Fatalf("lazy expiry on read: %+v %v", got, err)
	}
	_, _, counts, err := f.s.ListIntros(ctx, intro.Query{Box: intro.Inbox, UserID: f.investor.ID})
	if err != nil || counts[intro.Expired] != 2 || counts[intro.Pending] != 0 {
		t.Fatalf("counts %v %v", counts, err)
	}
}

// TestConcurrentCreateOnePending: fifty identical requests for one pair, at once,
// several rounds: exactly one introduction is created and spends the quota; every
// other request is told of the open one by its id. (A held pair key whose
// introduction was not yet written used to be taken for one left by a dead
// creation and released, letting 2–11 requests through.)
func TestConcurrentCreateOnePending(t *testing.T) {
	f := newIntroFixture(t)
	ctx := context.Background()
	const rounds, callers = 3, 50
	for round := 1; round <= rounds; round++ {
		target := &profile.Profile{Kind: profile.Investor, Name: "基金", OwnerID: f.investor.ID}
		if err := f.s.CreateProfile(ctx, target); err != nil {
			t.Fatal(err)
		}
		errs := make([]error, callers)
		ids := make([]string, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in, ev, err := intro.New(f.founder, f.startup, target, "", time.Now())
				if err != nil {
					errs[i] = err
					return
				}
				errs[i] = f.s.CreateIntro(ctx, in, ev)
				ids[i] = in.ID
			}()
		}
		wg.Wait()
		winner := ""
		for i, err := range errs {
			if err == nil {
				if winner != "" {
					t.Errorf("round %d: two introductions created: %s and %s", round, winner, ids[i])
				}
				winner = ids[i]
			}
		}
		if winner == "" {
			t.Fatalf("round %d: none created: %v", round, errs[0])
		}
		for i, err := range errs {
			if err == nil {
				continue
			}
			e, ok := profile.AsError(err)
			if !ok || !errors.Is(err, profile.ErrConflict) || e.Code != "open_introduction" {
				t.Errorf("round %d caller %d: %v, want open_introduction", round, i, err)
			} else if e.Ref != winner {
				t.Errorf("round %d caller %d: ref %q does not name %s", round, i, e.Ref, winner)
			}
		}
		cur, err := f.s.Database().Collection("introductions").CountDocuments(ctx, bson.D{{Key: "to.id", Value: target.ID}})
		if err != nil || cur != 1 {
			t.Fatalf("round %d: %d introductions stored (%v), want 1", round, cur, err)
		}
		if used, _ := f.s.QuotaUsed(ctx, f.founder.ID); used != round {
			t.Fatalf("round %d: quota used %d, want %d", round, used, round)
		}
	}
}

// TestDeadPairClaim: a pair key whose introduction was never written is a
// creation in progress while it is young (refused) and one that died once it is
// old (taken over).
func TestDeadPairClaim(t *testing.T) {
	f := newIntroFixture(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	f.s.SetClock(func() time.Time { return now })
	ghost := mongodb.NewID()
	key := "intro-pair:" + intro.PairKey(f.startup.ID, f.investorP.ID)
	if _, err := f.s.Database().Collection("keys").InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "ref", Value: ghost}, {Key: "at", Value: now}}); err != nil {
		t.Fatal(err)
	}
	in, ev, _ := intro.New(f.founder, f.startup, f.investorP, "", now)
	if err := f.s.CreateIntro(ctx, in, ev); !errors.Is(err, profile.ErrConflict) {
		t.Fatalf("a young claim was taken over: %v", err)
	}
	later := now.Add(11 * time.Minute)
	f.s.SetClock(func() time.Time { return later })
	in, ev, _ = intro.New(f.founder, f.startup, f.investorP, "", later)
	if err := f.s.CreateIntro(ctx, in, ev); err != nil {
		t.Fatalf("a dead claim was not taken over: %v", err)
	}
}
