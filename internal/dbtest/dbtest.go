// Package dbtest gives tests a real database: one embedded server per test package
// (started from TestMain) and a fresh database per test.
package dbtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fuhua/internal/embedded"
	"fuhua/internal/mongodb"
)

var (
	uri     string
	server  *embedded.Server // nil when FUHUA_TEST_MONGODB_URI is set
	counter atomic.Int64
)

// Main runs the package's tests against one embedded server, started in a
// temporary directory and removed afterwards. With FUHUA_TEST_MONGODB_URI set it
// uses that server instead (FerretDB on PostgreSQL, or a real MongoDB).
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if u := os.Getenv("FUHUA_TEST_MONGODB_URI"); u != "" {
		uri = u
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "fuhua-db-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := embedded.Start(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbtest:", err)
		return 1
	}
	defer srv.Stop(5 * time.Second)
	uri, server = srv.URI(), srv
	return m.Run()
}

// URI is the test server's address.
func URI() string { return uri }

// DBName returns a database name unique to this test run.
func DBName(t testing.TB) string {
	name := strings.NewReplacer("/", "_", " ", "_", "#", "_").Replace(t.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("t%d_%d_%s", os.Getpid()%100000, counter.Add(1), name)
}

// Store opens a fresh database for the test and drops it when the test ends.
func Store(t testing.TB) *mongodb.Store {
	t.Helper()
	if uri == "" {
		t.Fatal("dbtest: call dbtest.Main from TestMain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := mongodb.Open(ctx, uri, DBName(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	if server != nil {
		if err := server.IndexIDs(ctx, s.Database().Name()); err != nil {
			t.Fatalf("index ids: %v", err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Database().Drop(ctx)
		_ = s.Close(ctx)
	})
	return s
}

// Server is the embedded server the tests run on, or nil when they run on
// FUHUA_TEST_MONGODB_URI.
func Server() *embedded.Server { return server }
