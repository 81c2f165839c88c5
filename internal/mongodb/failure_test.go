package mongodb_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// unreachableStore returns a store whose server never answers: a port that was
// just free, with a short server-selection timeout.
func unreachableStore(t *testing.T) *mongodb.Store {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + addr).
		SetServerSelectionTimeout(300 * time.Millisecond).SetTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return mongodb.NewStore(client, "fuhua")
}

// TestUserLookupFailureIsUnavailable: a database that cannot answer is reported as
// unavailable, never as an unknown account (which sign-in would answer with
// "wrong password").
func TestUserLookupFailureIsUnavailable(t *testing.T) {
	s := unreachableStore(t)
	ctx := context.Background()
	_, err := s.UserByEmail(ctx, "someone@example.com")
	if errors.Is(err, profile.ErrNotFound) || !errors.Is(err, profile.ErrUnavailable) {
		t.Fatalf("UserByEmail on a dead database: %v, want ErrUnavailable", err)
	}
	_, err = s.UserByID(ctx, mongodb.NewID())
	if errors.Is(err, profile.ErrNotFound) || !errors.Is(err, profile.ErrUnavailable) {
		t.Fatalf("UserByID on a dead database: %v, want ErrUnavailable", err)
	}
	// The control: a live database still says not found.
	live := dbtest.Store(t)
	if _, err := live.UserByEmail(ctx, "someone@example.com"); !errors.Is(err, profile.ErrNotFound) {
		t.Fatalf("unknown e-mail on a live database: %v", err)
	}
}

// TestIntroIndexesAtOpen: opening the store creates the introductions' list
// indexes (the inbox and outbox would scan without them on MongoDB or PostgreSQL),
// and opening it again does not trip over them.
func TestIntroIndexesAtOpen(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if _, err := mongodb.Open(ctx, dbtest.URI(), s.Database().Name()); err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
	}
	for coll, want := range map[string][]string{
		"introductions": {"recipients_1__id_-1", "requester_1__id_-1", "broker_1__id_-1", "state_1_expires_at_1", "mentor_id_1_state_1"},
		"intro_events":  {"intro_1_at_1"},
	} {
		specs, err := s.Database().Collection(coll).Indexes().ListSpecifications(ctx)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, sp := range specs {
			have[sp.Name] = true
		}
		for _, name := range want {
			if !have[name] {
				t.Errorf("%s has no index %s (has %v)", coll, name, have)
			}
		}
	}
}
