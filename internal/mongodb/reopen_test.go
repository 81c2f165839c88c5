package mongodb_test

import (
	"context"
	"testing"

	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
)

// TestReopen opens the same database again, as a restarted server does: FerretDB
// v1 drops the connection if asked to create an index that exists.
func TestReopen(t *testing.T) {
	s := dbtest.Store(t)
	ctx := context.Background()
	name := s.Database().Name()
	for i := 0; i < 2; i++ {
		s2, err := mongodb.Open(ctx, dbtest.URI(), name)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		_ = s2
	}
}
