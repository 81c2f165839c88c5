package intro

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/profile"
)

var t0 = time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)

func users() map[string]*profile.User {
	return map[string]*profile.User{
		"founder":  {ID: "u-founder", Role: profile.RoleStartup},
		"investor": {ID: "u-investor", Role: profile.RoleInvestor},
		"mentor":   {ID: "u-mentor", Role: profile.RoleMentor},
		"stranger": {ID: "u-stranger", Role: profile.RoleStartup},
		"mgrIn":    {ID: "u-mgr-in", Role: profile.RoleManager, Districts: []string{"yannan"}},
		"mgrOut":   {ID: "u-mgr-out", Role: profile.RoleManager, Districts: []string{"dafeng"}},
		"admin":    {ID: "u-admin", Role: profile.RoleAdmin},
	}
}

func profiles() (startup, investor, mentor *profile.Profile) {
	return &profile.Profile{ID: "p-startup", Kind: profile.Startup, OwnerID: "u-founder", District: "yannan"},
		&profile.Profile{ID: "p-investor", Kind: profile.Investor, OwnerID: "u-investor", District: "tinghu"},
		&profile.Profile{ID: "p-mentor", Kind: profile.Mentor, OwnerID: "u-mentor", District: "tinghu", Capacity: 1}
}

func kindOf(err error) error {
	for _, k := range []error{profile.ErrInvalid, profile.ErrForbidden, profile.ErrConflict, profile.ErrUnauthenticated} {
		if errors.Is(err, k) {
			return k
		}
	}
	return err
}

func TestNew(t *testing.T) {
	u := users()
	st, inv, men := profiles()
	archived := *inv
	archived.Archived = true
	mine := *inv
	mine.OwnerID = "u-founder"
	for _, tc := range []struct {
		name       string
		actor      *profile.User
		from, to   *profile.Profile
		msg        string
		want       error
		broker     string
		recipients []string
		mentor     string
	}{
		{name: "owner asks", actor: u["founder"], from: st, to: inv, recipients: []string{"u-investor"}},
		{name: "owner asks a mentor", actor: u["founder"], from: st, to: men, recipients: []string{"u-mentor"}, mentor: "p-mentor"},
		{name: "stranger asks for someone else", actor: u["stranger"], from: st, to: inv, want: profile.ErrForbidden},
		{name: "receiver asks from the other side", actor: u["investor"], from: st, to: inv, want: profile.ErrForbidden},
		{name: "manager in district brokers", actor: u["mgrIn"], from: st, to: inv, broker: "u-mgr-in", recipients: []string{"u-founder", "u-investor"}},
		{name: "manager outside both districts", actor: u["mgrOut"], from: st, to: inv, want: profile.ErrForbidden},
		{name: "admin brokers anywhere", actor: u["admin"], from: inv, to: men, broker: "u-admin", recipients: []string{"u-investor", "u-mentor"}, mentor: "p-mentor"},
		{name: "same profile", actor: u["founder"], from: st, to: st, want: profile.ErrInvalid},
		{name: "same owner", actor: u["founder"], from: st, to: &mine, want: profile.ErrInvalid},
		{name: "archived target", actor: u["founder"], from: st, to: &archived, want: profile.ErrInvalid},
		{name: "message too long", actor: u["founder"], from: st, to: inv, msg: string(make([]rune, MaxMessage+1)), want: profile.ErrInvalid},
		{name: "anonymous", actor: nil, from: st, to: inv, want: profile.ErrUnauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, ev, err := New(tc.actor, tc.from, tc.to, tc.msg, t0)
			if got := kindOf(err); got != tc.want {
				t.Fatalf("error %v, want kind %v", err, tc.want)
			}
			if err != nil {
				return
			}
			if in.State != Pending || in.BrokerID != tc.broker || in.MentorID != tc.mentor || !in.ExpiresAt.Equal(t0.Add(TTL)) {
				t.Fatalf("planned %+v", in)
			}
			if diff := cmp.Diff(in.Recipients, tc.recipients); diff != "" {
				t.Fatalf("recipients (-got +want):\n%s", diff)
			}
			if ev.Action != "create" || ev.To != Pending || ev.ActorID != tc.actor.ID {
				t.Fatalf("event %+v", ev)
			}
		})
	}
}

func TestTransitions(t *testing.T) {
	u := users()
	st, inv, _ := profiles()
	direct := func() *Introduction { in, _, _ := New(u["founder"], st, inv, "", t0); return in }
	brokered := func() *Introduction { in, _, _ := New(u["mgrIn"], st, inv, "", t0); return in }
	later := t0.Add(time.Hour)
	type step struct {
		action  string
		actor   string
		at      time.Time
		want    error
		changed bool
		state   State
	}
	for _, tc := range []struct {
		name  string
		mk    func() *Introduction
		steps []step
	}{
		{"receiver accepts, twice", direct, []step{
			{"accept", "investor", later, nil, true, Accepted},
			{"accept", "investor", later, nil, false, Accepted}}},
		{"requester cannot accept own request", direct, []step{{"accept", "founder", later, profile.ErrForbidden, false, Pending}}},
		{"stranger cannot accept", direct, []step{{"accept", "stranger", later, profile.ErrForbidden, false, Pending}}},
		{"admin cannot accept for the receiver", direct, []step{{"accept", "admin", later, profile.ErrForbidden, false, Pending}}},
		{"decline then accept", direct, []step{
			{"decline", "investor", later, nil, true, Declined},
			{"decline", "investor", later, nil, false, Declined},
			{"accept", "investor", later, profile.ErrConflict, false, Declined}}},
		{"withdraw by requester only", direct, []step{
			{"withdraw", "investor", later, profile.ErrForbidden, false, Pending},
			{"withdraw", "founder", later, nil, true, Withdrawn},
			{"withdraw", "founder", later, nil, false, Withdrawn},
			{"accept", "investor", later, profile.ErrConflict, false, Withdrawn}}},
		{"no withdrawal after acceptance", direct, []step{
			{"accept", "investor", later, nil, true, Accepted},
			{"withdraw", "founder", later, profile.ErrConflict, false, Accepted},
			{"decline", "investor", later, profile.ErrConflict, false, Accepted}}},
		{"after 30 days nobody can accept", direct, []step{{"accept", "investor", t0.Add(TTL), profile.ErrConflict, false, Pending}}},
		{"brokered needs both sides", brokered, []step{
			{"accept", "founder", later, nil, true, Pending},
			{"accept", "founder", later, nil, false, Pending},
			{"accept", "mgrIn", later, profile.ErrForbidden, false, Pending},
			{"accept", "investor", later, nil, true, Accepted}}},
		{"brokered: one no is a no", brokered, []step{
			{"accept", "investor", later, nil, true, Pending},
			{"decline", "founder", later, nil, true, Declined}}},
		{"broker withdraws", brokered, []step{
			{"withdraw", "founder", later, profile.ErrForbidden, false, Pending},
			{"withdraw", "mgrIn", later, nil, true, Withdrawn}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.mk()
			for i, s := range tc.steps {
				var changed bool
				var err error
				var ev Event
				switch s.action {
				case "accept":
					ev, changed, err = in.Accept(u[s.actor], "", s.at)
				case "decline":
					ev, changed, err = in.Decline(u[s.actor], "", s.at)
				case "withdraw":
					ev, changed, err = in.Withdraw(u[s.actor], "", s.at)
				}
				if got := kindOf(err); got != s.want || changed != s.changed || in.State != s.state {
					t.Fatalf("step %d %s by %s: err %v changed %v state %s; want %v %v %s", i, s.action, s.actor, err, changed, in.State, s.want, s.changed, s.state)
				}
				if changed && (ev.ActorID != u[s.actor].ID || ev.To != in.State) {
					t.Fatalf("step %d: event %+v", i, ev)
				}
			}
		})
	}
}

func TestExpire(t *testing.T) {
	st, inv, _ := profiles()
	in, _, _ := New(users()["founder"], st, inv, "", t0)
	if _, ok := in.Expire(t0.Add(TTL - time.Second)); ok || in.State != Pending {
		t.Fatal("expired before its time")
	}
	ev, ok := in.Expire(t0.Add(TTL))
	if !ok || in.State != Expired || ev.From != Pending || ev.To != Expired {
		t.Fatalf("not expired at TTL: %v %+v", in.State, ev)
	}
	if _, ok := in.Expire(t0.Add(2 * TTL)); ok {
		t.Fatal("expired twice")
	}
}

func TestOutcomes(t *testing.T) {
	u := users()
	st, inv, _ := profiles()
	in, _, _ := New(u["mgrIn"], st, inv, "", t0)
	if _, err := in.AddOutcome(u["founder"], "meeting", "2025-03-01", "", t0); !errors.Is(err, profile.ErrConflict) {
		t.Fatalf("outcome before acceptance: %v", err)
	}
	in.Accept(u["founder"], "", t0)
	in.Accept(u["investor"], "", t0)
	for _, tc := range []struct {
		actor, kind, date string
		want              error
	}{
		{"founder", "meeting", "2025-03-01", nil},
		{"investor", "invested", "2025-02-28", nil},
		{"mgrIn", "loan", "2025-03-01", nil},
		{"stranger", "meeting", "2025-03-01", profile.ErrForbidden},
		{"admin", "meeting", "2025-03-01", profile.ErrForbidden},
		{"founder", "party", "2025-03-01", profile.ErrInvalid},
		{"founder", "meeting", "2025-02-30", profile.ErrInvalid},
		{"founder", "meeting", "2025-03-02", profile.ErrInvalid}, // tomorrow in Yancheng
	} {
		if _, err := in.AddOutcome(u[tc.actor], tc.kind, tc.date, "", t0); kindOf(err) != tc.want {
			t.Errorf("%s records %s on %s: %v, want %v", tc.actor, tc.kind, tc.date, err, tc.want)
		}
	}
	if len(in.Outcomes) != 3 {
		t.Fatalf("%d outcomes kept, want 3", len(in.Outcomes))
	}
}

func TestDayAndPair(t *testing.T) {
	// 2025-03-01 16:30 UTC is 00:30 on 2 March in Yancheng.
	day, left := Day(time.Date(2025, 3, 1, 16, 30, 0, 0, time.UTC))
	if day != "2025-03-02" || left != 23*3600+30*60 {
		t.Fatalf("Day = %s, %d", day, left)
	}
	if PairKey("b", "a") != PairKey("a", "b") {
		t.Fatal("pair key depends on direction")
	}
}

func TestCanView(t *testing.T) {
	u := users()
	st, inv, _ := profiles()
	in, _, _ := New(u["founder"], st, inv, "", t0)
	for who, want := range map[string]bool{"founder": true, "investor": true, "admin": true, "mgrIn": true,
		"mgrOut": false, "stranger": false, "mentor": false} {
		if got := in.CanView(u[who], st, inv); got != want {
			t.Errorf("%s can view = %v, want %v", who, got, want)
		}
	}
}
