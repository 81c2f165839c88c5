// Package embedded runs a MongoDB-compatible server (FerretDB with its SQLite
// backend) inside the fuhua process, so one command runs everything on a laptop and
// the tests use a real database server.
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded database server.
type Server struct {
	dir    string
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// Options tune the embedded server; the zero value is the default.
type Options struct {
	// FullSync makes SQLite sync its log to disk at every commit
	// (FUHUA_SQLITE_SYNC=full) instead of at checkpoints.
	//
	// FerretDB keeps SQLite in WAL mode, where full syncs at every commit —
	// each of the inserts of one profile write. The default (normal) syncs at
	// checkpoints: a commit survives the fuhua process being killed (the
	// operating system has it), and the database stays consistent, but
	// commits of the last moments before a power cut or a kernel crash may be
	// lost. That is the guarantee MongoDB gives by default (a write
	// acknowledged with w:1 reaches its journal within 100 ms). Measured
	// through the store on a 20k-profile database: 400 single creates in
	// 6.1 s with full, 3.0 s with normal (BENCHMARKS.md).
	FullSync bool
}

// Start runs FerretDB on 127.0.0.1 on a free port, keeping its data under dir.
// Its logger stays at error level: at info it logs every connection.
func Start(dir string, opts ...Options) (*Server, error) {
	var o Options
	for _, x := range opts {
		o = x
	}
	sync := "normal"
	if o.FullSync {
		sync = "full"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	log := slog.New(newQuietHandler(slog.NewTextHandler(os.Stderr, nil), slog.LevelError))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(" + sync + ")",
		Logger:    log,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{dir: abs, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = f.Run(ctx) // Run returns nil; it stops when ctx ends
	}()
	// MongoDBURI needs the listener up; it is bound inside New, so this is immediate.
	s.uri = f.MongoDBURI()
	return s, nil
}

// URI is the mongodb:// address clients connect to.
func (s *Server) URI() string { return s.uri }

// Stop shuts the server down and waits (up to the deadline) for it to finish.
func (s *Server) Stop(timeout time.Duration) {
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(timeout):
	}
}
