package mongodb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/internal/dbtest"
	"fuhua/internal/intro"
	"fuhua/internal/mentor"
	"fuhua/internal/merge"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

var errCut = errors.New("cut off")

// A merge cut off at each of its steps, then run again, ends exactly as one run
// straight through: every introduction, session and reference on the kept
// profile, the dropped one archived with merged_into, the record done.
func TestMergeResumesAfterACrashAtEveryStep(t *testing.T) {
	for _, cutAt := range []string{"intro:", "services", "profile:", "archive", "credit_code", "done"} {
		t.Run(cutAt, func(t *testing.T) {
			s := dbtest.Store(t)
			ctx := context.Background()
			mgr := &profile.User{ID: mongodb.NewID(), Role: profile.RoleManager, Districts: []string{"yannan"}}
			founder := &profile.User{ID: mongodb.NewID(), Role: profile.RoleStartup}
			operator := &profile.User{ID: mongodb.NewID(), Role: profile.RoleOperator}
			second := &profile.User{ID: mongodb.NewID(), Role: profile.RoleStartup}
			mk := func(p *profile.Profile) *profile.Profile {
				if err := s.CreateProfile(ctx, p); err != nil {
					t.Fatal(err)
				}
				return p
			}
			keep := mk(&profile.Profile{Kind: profile.Carrier, Name: "盐南科创孵化器", District: "yannan", OwnerID: mgr.ID, Type: "incubator", Level: "none"})
			drop := mk(&profile.Profile{Kind: profile.Carrier, Name: "盐南科创孵化器有限公司", District: "yannan", OwnerID: operator.ID, Type: "incubator", Level: "none"})
			firm := mk(&profile.Profile{Kind: profile.Startup, Name: "某企业", District: "yannan", OwnerID: founder.ID, CarrierID: drop.ID})
			other := mk(&profile.Profile{Kind: profile.Startup, Name: "另一家", District: "yannan", OwnerID: second.ID})
			in, ev, err := intro.New(founder, firm, drop, "", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CreateIntro(ctx, in, ev); err != nil {
				t.Fatal(err)
			}
			in2, ev2, _ := intro.New(second, other, drop, "", time.Now())
			if err := s.CreateIntro(ctx, in2, ev2); err != nil {
				t.Fatal(err)
			}
			f, err := s.MergeFacts(ctx, keep.ID, drop.ID)
			if err != nil {
				t.Fatal(err)
			}
			rec := &merge.Record{Kind: profile.Carrier, District: "yannan", KeepID: keep.ID, DropID: drop.ID, By: mgr.ID, Plan: merge.Decide(f)}
			if rec.Plan.Blocked() || len(rec.Plan.Introductions) != 2 || len(rec.Plan.Profiles) != 1 {
				t.Fatalf("plan: %+v", rec.Plan)
			}
			held, err := s.StartMerge(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			s.SetMergeFault(func(step string) error {
				if len(step) >= len(cutAt) && step[:len(cutAt)] == cutAt {
					if seen++; seen == 1 || cutAt == "intro:" && seen == 2 {
						return errCut
					}
				}
				return nil
			})
			if _, err := s.RunMerge(ctx, held); !errors.Is(err, errCut) {
				t.Fatalf("first run: %v, want it cut off", err)
			}
			// A second StartMerge of the same pair hands back the running record.
			again, err := s.StartMerge(ctx, &merge.Record{Kind: profile.Carrier, KeepID: keep.ID, DropID: drop.ID, By: mgr.ID})
			if err != nil || again.ID != held.ID || len(again.Plan.Introductions) != 2 {
				t.Fatalf("restart: %+v %v", again, err)
			}
			s.SetMergeFault(nil)
			if _, err := s.RunMerge(ctx, again); err != nil {
				t.Fatalf("second run: %v", err)
			}
			for _, id := range []string{in.ID, in2.ID} {
				got, err := s.GetIntro(ctx, id)
				if err != nil || (got.From.ID != keep.ID && got.To.ID != keep.ID) || got.State != intro.Pending {
					t.Errorf("introduction %s: %+v %v", id, got, err)
				}
			}
			// The moved pair is held: asking firm → keep again is a conflict naming in.
			in3, ev3, _ := intro.New(founder, firm, keep, "", time.Now())
			if e, ok := profile.AsError(s.CreateIntro(ctx, in3, ev3)); !ok || e.Code != "open_introduction" || e.Ref != in.ID {
				t.Errorf("the moved introduction does not hold its new pair: %+v", e)
			}
			if p, _ := s.GetProfile(ctx, firm.ID); p.CarrierID != keep.ID {
				t.Errorf("the startup still names carrier %s", p.CarrierID)
			}
			if p, _ := s.GetProfile(ctx, drop.ID); !p.Archived || p.MergedInto != keep.ID {
				t.Errorf("dropped: archived %v merged_into %q", p.Archived, p.MergedInto)
			}
			if r, err := s.MergeOf(ctx, drop.ID); err != nil || r.State != merge.Done || r.DoneAt == nil {
				t.Errorf("record: %+v %v", r, err)
			}
		})
	}
}

// Two startups merged: the credit code and the mentor sessions move; a third
// profile may then take neither the code of the dropped one from the kept.
func TestMergeMovesCreditCodeAndServices(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	mgr := &profile.User{ID: mongodb.NewID(), Role: profile.RoleManager, Districts: []string{"yannan"}}
	code := "91350100M000100Y43"
	keep := &profile.Profile{Kind: profile.Startup, Name: "氢途能源", District: "yannan", OwnerID: mgr.ID}
	drop := &profile.Profile{Kind: profile.Startup, Name: "氢途能源科技有限公司", District: "yannan", OwnerID: mgr.ID, CreditCode: code}
	m := &profile.Profile{Kind: profile.Mentor, Name: "王老师", OwnerID: mgr.ID, Capacity: 3}
	for _, p := range []*profile.Profile{keep, drop, m} {
		if err := s.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	sv, err := mentor.New(m.ID, drop.ID, "2024-05-01", "coaching", "", mgr.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddService(ctx, &sv); err != nil {
		t.Fatal(err)
	}
	f, err := s.MergeFacts(ctx, keep.ID, drop.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec := &merge.Record{Kind: profile.Startup, KeepID: keep.ID, DropID: drop.ID, By: mgr.ID, Plan: merge.Decide(f)}
	if rec.Plan.CreditCode != code || rec.Plan.MentorServices != 1 {
		t.Fatalf("plan %+v", rec.Plan)
	}
	held, err := s.StartMerge(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunMerge(ctx, held); err != nil {
		t.Fatal(err)
	}
	if id, err := s.ProfileIDByCreditCode(ctx, code); err != nil || id != keep.ID {
		t.Errorf("credit code held by %q (%v), want the kept %s", id, err, keep.ID)
	}
	svs, err := s.ServicesOf(ctx, m.ID)
	if err != nil || len(svs) != 1 || svs[0].StartupID != keep.ID {
		t.Errorf("services %+v %v", svs, err)
	}
	n, _ := s.Database().Collection("mentor_services").CountDocuments(ctx, bson.D{{Key: "startup", Value: drop.ID}})
	if n != 0 {
		t.Errorf("%d sessions left on the dropped startup", n)
	}
	// Merged once, never again.
	if _, err := s.StartMerge(ctx, &merge.Record{KeepID: m.ID, DropID: drop.ID}); !errors.Is(err, profile.ErrConflict) {
		t.Errorf("a second merge of the dropped profile: %v", err)
	}
}
