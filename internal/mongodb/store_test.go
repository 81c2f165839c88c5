package mongodb_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// samples returns one valid profile of each kind.
func samples() []profile.Profile {
	return []profile.Profile{
		{Kind: profile.Startup, Name: "盐城芯源微电子科技有限公司", Summary: "第三代半导体功率器件", Chains: []string{"semi3"},
			District: "yannan", CreditCode: "91320900MA1MXXXX0X", Stage: "seed", Founded: "2022-03-01", Employees: 20, TechStaff: 8,
			RDRatio: 0.12, Patents: 2, Status: "incubating", IncubatedSince: "2023-05-01",
			TechSME: &profile.YearResult{Year: 2024, Passed: true},
			Needs:   &profile.Needs{FundingWan: 500, FundingKinds: []string{"equity"}, Mentoring: []string{"融资"}, Services: []string{"ip"}},
			Contact: profile.Contact{Person: "王芳", Phone: "13800000000", Email: "wf@example.com"}},
		{Kind: profile.Mentor, Name: "李明", Title: "教授", Organization: "盐城工学院", Topics: []string{"功率器件"}, Capacity: 3, Chains: []string{"semi3"}},
		{Kind: profile.Investor, Name: "盐城天使基金", Type: "angel", Stages: []string{"seed", "angel"}, TicketMinWan: 100, TicketMaxWan: 1000,
			Instruments: []string{"equity"}, Regions: []string{"yannan"}, HardTech: true},
		{Kind: profile.Carrier, Name: "盐南高新区孵化器", Type: "incubator", Level: "provincial", LevelSince: 2023, AreaSqm: 20000, Seats: 300,
			Services: []string{"space"}, Established: "2019-06-01", District: "yannan"},
		{Kind: profile.Enclave, Name: "上海离岸科创中心", HomeDistrict: "kaifaqu", HostCity: "上海", HostRegion: "yangtze_delta", Capacity: 30},
		{Kind: profile.Provider, Name: "盐城知识产权代理", Type: "ip", Services: []string{"ip"}},
	}
}

func validCode(t *testing.T) string {
	first := "91320900MA1MXXXX0"
	c, ok := profile.CreditCodeCheck(first)
	if !ok {
		t.Fatal("bad prefix")
	}
	return first + string(c)
}

func TestProfileRoundTripEveryKind(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	cat := seed.Catalog()
	for _, p := range samples() {
		p := p
		if p.Kind == profile.Startup {
			p.CreditCode = validCode(t)
		}
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			t.Fatalf("%s sample invalid: %v", p.Kind, err)
		}
		if err := s.CreateProfile(ctx, &p); err != nil {
			t.Fatalf("create %s: %v", p.Kind, err)
		}
		got, err := s.GetProfile(ctx, p.ID)
		if err != nil {
			t.Fatalf("get %s: %v", p.Kind, err)
		}
		if diff := cmp.Diff(got, &p); diff != "" {
			t.Errorf("%s round trip (-got +want):\n%s", p.Kind, diff)
		}
		if got.Version != 1 || got.Seq == 0 {
			t.Errorf("%s: version %d seq %d, want 1 and >0", p.Kind, got.Version, got.Seq)
		}
	}
	last, err := s.LastSeq(ctx)
	if err != nil || last != int64(len(samples())) {
		t.Fatalf("LastSeq = %d, %v; want %d", last, err, len(samples()))
	}
	for seq := int64(1); seq <= last; seq++ {
		if _, ok, err := s.ChangeAt(ctx, seq); !ok || err != nil {
			t.Errorf("change %d missing: %v", seq, err)
		}
	}
}

func TestUpdateStaleVersionChangesNothing(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	p := samples()[1]
	if err := s.CreateProfile(ctx, &p); err != nil {
		t.Fatal(err)
	}
	edit := p
	edit.Name = "李明明"
	if err := s.UpdateProfile(ctx, &edit, 1, ""); err != nil {
		t.Fatal(err)
	}
	stale := p
	stale.Name = "改名失败"
	err := s.UpdateProfile(ctx, &stale, 1, "")
	if !errors.Is(err, profile.ErrPrecondition) {
		t.Fatalf("stale update: %v, want ErrPrecondition", err)
	}
	got, _ := s.GetProfile(ctx, p.ID)
	if got.Name != "李明明" || got.Version != 2 {
		t.Fatalf("after stale update: name %q version %d", got.Name, got.Version)
	}
}

// TestStaleWriterTwoVersionsBehind: once version 3 is written the claim of
// version 2 is gone, so a writer that read version 1 can claim it again; it must
// still be refused, not overwrite version 3 (an introduction accepted by both
// went back to version 2 this way under racing accepts).
func TestStaleWriterTwoVersionsBehind(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	p := samples()[1]
	if err := s.CreateProfile(ctx, &p); err != nil {
		t.Fatal(err)
	}
	for v, name := range []string{"第二版", "第三版"} {
		edit, err := s.GetProfile(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit.Name = name
		if err := s.UpdateProfile(ctx, edit, int64(v+1), ""); err != nil {
			t.Fatal(err)
		}
	}
	stale := p
	stale.Name = "过期的写入"
	if err := s.UpdateProfile(ctx, &stale, 1, ""); !errors.Is(err, profile.ErrPrecondition) {
		t.Fatalf("a writer two versions behind: %v, want ErrPrecondition", err)
	}
	got, _ := s.GetProfile(ctx, p.ID)
	if got.Name != "第三版" || got.Version != 3 {
		t.Fatalf("after the stale write: name %q version %d, want 第三版 at 3", got.Name, got.Version)
	}
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	p := samples()[1]
	if err := s.CreateProfile(ctx, &p); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			e := p
			e.Capacity = i
			err := s.UpdateProfile(ctx, &e, 1, "")
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if !errors.Is(err, profile.ErrPrecondition) {
				t.Errorf("update %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d updates won; want exactly 1", wins)
	}
	got, _ := s.GetProfile(ctx, p.ID)
	if got.Version != 2 {
		t.Fatalf("version %d, want 2", got.Version)
	}
	// Every sequence handed out has its change logged, winners and losers alike, so
	// the index follower never waits on a sequence that will not come.
	last, _ := s.LastSeq(ctx)
	for seq := int64(1); seq <= last; seq++ {
		if _, ok, _ := s.ChangeAt(ctx, seq); !ok {
			t.Errorf("change %d missing", seq)
		}
	}
}

func TestCreditCodeUnique(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	a, b := samples()[0], samples()[0]
	a.CreditCode, b.CreditCode = validCode(t), validCode(t)
	if err := s.CreateProfile(ctx, &a); err != nil {
		t.Fatal(err)
	}
	err := s.CreateProfile(ctx, &b)
	if e, ok := profile.AsError(err); !ok || e.Field != "credit_code" || !errors.Is(err, profile.ErrConflict) {
		t.Fatalf("duplicate credit code: %v", err)
	}
	id, err := s.ProfileIDByCreditCode(ctx, a.CreditCode)
	if err != nil || id != a.ID {
		t.Fatalf("lookup by credit code: %q %v, want %q", id, err, a.ID)
	}
}

func TestUsers(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	u := &profile.User{Email: "A@Example.com", Name: "A", Role: profile.RoleStartup, PasswordHash: "x"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, &profile.User{Email: "a@example.com", Role: profile.RoleMentor}); !errors.Is(err, profile.ErrConflict) {
		t.Fatalf("duplicate e-mail: %v", err)
	}
	got, err := s.UserByEmail(ctx, "a@EXAMPLE.com ")
	if err != nil || got.ID != u.ID || got.PasswordHash != "x" {
		t.Fatalf("by e-mail: %+v %v", got, err)
	}
	got.TokenVersion = 3
	if err := s.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := s.UserByID(ctx, u.ID)
	if again.TokenVersion != 3 {
		t.Fatalf("token version %d", again.TokenVersion)
	}
	if _, err := s.UserByID(ctx, "not-an-id"); !errors.Is(err, profile.ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
}

// The counter is written every 16th number only: a second process on the same
// database still finds the exact last number and claims the next ones without
// a gap or a repeat, and so does the first after the second has claimed some.
func TestSequencesStayExactWithALaggingCounter(t *testing.T) {
	a := dbtest.Store(t)
	ctx := context.Background()
	b, err := mongodb.Open(ctx, dbtest.URI(), a.Database().Name())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	create := func(s *mongodb.Store, n int) {
		for range n {
			p := samples()[1]
			if err := s.CreateProfile(ctx, &p); err != nil {
				t.Fatal(err)
			}
		}
	}
	create(a, 21) // the counter says 16
	if last, err := b.LastSeq(ctx); err != nil || last != 21 {
		t.Fatalf("the other process's LastSeq = %d, %v; want 21", last, err)
	}
	create(b, 5)
	create(a, 3)
	for _, s := range []*mongodb.Store{a, b} {
		if last, err := s.LastSeq(ctx); err != nil || last != 29 {
			t.Fatalf("LastSeq = %d, %v; want 29", last, err)
		}
	}
	for seq := int64(1); seq <= 29; seq++ {
		if _, ok, _ := a.ChangeAt(ctx, seq); !ok {
			t.Errorf("change %d missing", seq)
		}
	}
	if _, ok, _ := a.ChangeAt(ctx, 30); ok {
		t.Error("a change logged past the last number")
	}
}

func TestHasProfiles(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	if has, err := s.HasProfiles(ctx); err != nil || has {
		t.Fatalf("empty database: %v, %v", has, err)
	}
	p := samples()[1]
	if err := s.CreateProfile(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasProfiles(ctx); err != nil || !has {
		t.Fatalf("one profile stored: %v, %v", has, err)
	}
}
