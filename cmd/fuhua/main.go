// Command fuhua is the matchmaking service of a city's technology-incubation
// network. Sub-commands: serve (the default), seed, reindex.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"fuhua/index"
	"fuhua/internal/api"
	"fuhua/internal/auth"
	"fuhua/internal/config"
	"fuhua/internal/embedded"
	"fuhua/internal/mail"
	"fuhua/internal/metrics"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fuhua:", err)
		os.Exit(1)
	}
}

const usage = `usage: fuhua [serve|seed|reindex] [flags]

  serve     run the HTTP API (the default)
  seed      load the plan's named bodies and N demo profiles: fuhua seed --demo 600
  reindex   rebuild the search index from the database

Settings come from the environment (FUHUA_ADDR, FUHUA_DATA_DIR, MONGODB_URI,
FUHUA_JWT_SECRET, FUHUA_ADMIN_EMAIL, FUHUA_ADMIN_PASSWORD, …); see README.md.
`

// run is main without the process: arguments, environment and output are passed in
// so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "", "listen address (overrides FUHUA_ADDR)")
	dataDir := fs.String("data-dir", "", "data directory (overrides FUHUA_DATA_DIR)")
	demo := fs.Int("demo", -1, "seed: how many demo profiles to generate")
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	if *dataDir != "" {
		cfg.DataDir = *dataDir
	}
	log := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch cmd {
	case "serve":
		if err := setGCPercent(getenv("FUHUA_GOGC")); err != nil {
			return err
		}
		memLimit, memPages, memExplicit, err := memoryLimit(getenv("FUHUA_MEMORY_LIMIT"), getenv("GOMEMLIMIT"))
		if err != nil {
			return err
		}
		mem := watchMemory(ctx, log, memLimit, memExplicit, memPages)
		defer mem.stop()
		drain, err := drainDelay(getenv("FUHUA_DRAIN"))
		if err != nil {
			return err
		}
		deadline, err := durationSetting("FUHUA_REQUEST_DEADLINE", getenv("FUHUA_REQUEST_DEADLINE"), 2500*time.Millisecond, 100*time.Millisecond, 10*time.Minute)
		if err != nil {
			return err
		}
		// A request cannot outlive its deadline, so an Idempotency-Key still in
		// progress well past it belongs to a request that died (the server was
		// killed): a retry may then carry its work on.
		stall, err := durationSetting("FUHUA_IDEMPOTENCY_STALL", getenv("FUHUA_IDEMPOTENCY_STALL"), max(10*time.Second, 4*deadline), time.Second, time.Hour)
		if err != nil {
			return err
		}
		slow, err := durationSetting("FUHUA_SLOW_REQUEST", getenv("FUHUA_SLOW_REQUEST"), 500*time.Millisecond, 0, time.Minute)
		if err != nil {
			return err
		}
		bg, err := loadBackground(getenv)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, log, drain, deadline, stall, bg, serveExtras{
			pprofAddr: getenv("FUHUA_PPROF_ADDR"), slow: slow, metricsToken: getenv("FUHUA_METRICS_TOKEN"), mem: mem})
	case "seed":
		n := cfg.DemoSize
		if *demo >= 0 {
			n = *demo
		}
		return withStore(ctx, cfg, log, func(st *mongodb.Store) error {
			added, err := loadSeed(ctx, st, n)
			if err == nil {
				log.Info("seeded", "profiles", added)
			}
			return err
		})
	case "reindex":
		return reindex(ctx, cfg, log)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func closeDB(st *mongodb.Store, srv *embedded.Server) {
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = st.Close(cctx)
	if srv != nil {
		srv.Stop(10 * time.Second)
	}
}

// openDB opens the configured database, starting the embedded server first when
// MONGODB_URI is empty. The returned func closes both.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*mongodb.Store, func(), error) {
	uri := cfg.MongoURI
	var srv *embedded.Server
	if cfg.Embedded() {
		var err error
		srv, err = embedded.Start(filepath.Join(cfg.DataDir, "db"), embedded.Options{FullSync: cfg.SQLiteFullSync})
		if err != nil {
			return nil, nil, err
		}
		uri = srv.URI()
		log.Info("embedded database started", "dir", filepath.Join(cfg.DataDir, "db"))
	}
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	st, err := mongodb.Open(octx, uri, cfg.Database)
	if err != nil {
		if srv != nil {
			srv.Stop(5 * time.Second)
		}
		return nil, nil, err
	}
	if srv != nil {
		if err := srv.IndexIDs(octx, cfg.Database); err != nil {
			closeDB(st, srv)
			return nil, nil, err
		}
	}
	return st, func() { closeDB(st, srv) }, nil
}

func withStore(ctx context.Context, cfg config.Config, log *slog.Logger, fn func(*mongodb.Store) error) error {
	st, closeAll, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	return fn(st)
}

// ensureAdmin creates the configured admin, or brings an existing account with that
// e-mail up to date (admin role, the configured password). Changing its password
// revokes its old tokens.
func ensureAdmin(ctx context.Context, st *mongodb.Store, h *auth.Hasher, cfg config.Config, log *slog.Logger) error {
	if cfg.AdminEmail == "" {
		return nil
	}
	u, err := st.UserByEmail(ctx, cfg.AdminEmail)
	if errors.Is(err, profile.ErrNotFound) {
		hash, err := h.Hash(ctx, cfg.AdminPassword)
		if err != nil {
			return err
		}
		u = &profile.User{Email: cfg.AdminEmail, Name: "管理员", Role: profile.RoleAdmin, PasswordHash: hash}
		if err := st.CreateUser(ctx, u); err != nil {
			return err
		}
		log.Info("admin created", "user", u.ID)
		return nil
	}
	if err != nil {
		return err
	}
	same, err := h.Verify(ctx, cfg.AdminPassword, u.PasswordHash)
	if err != nil {
		return err
	}
	if same && u.Role == profile.RoleAdmin {
		return nil
	}
	if !same {
		if u.PasswordHash, err = h.Hash(ctx, cfg.AdminPassword); err != nil {
			return err
		}
	}
	u.Role = profile.RoleAdmin
	u.TokenVersion++
	log.Info("admin updated", "user", u.ID)
	return st.UpdateUser(ctx, u)
}

// setGCPercent sets the garbage-collection target from FUHUA_GOGC (a percentage
// as in GOGC), index.GCPercent when unset: the index keeps a large long-lived
// copy in memory, and collecting less often shortens request tails.
func setGCPercent(v string) error {
	pct := index.GCPercent
	if v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 25 || n > 1000 {
			return fmt.Errorf("FUHUA_GOGC must be a whole number from 25 to 1000, got %q", v)
		}
		pct = n
	}
	debug.SetGCPercent(pct)
	return nil
}

// bgSettings holds the settings of sessions, the introduction sweep and the
// e-mail digest.
type bgSettings struct {
	cookieSecure bool
	introTTL     time.Duration
	sweepEvery   time.Duration
	sweep        api.SweepSettings
	smtp         *mail.SMTP // nil: no e-mail digest
	digestEvery  time.Duration
	publicURL    string
}

// loadBackground reads FUHUA_COOKIE_SECURE, FUHUA_INTRO_TTL, FUHUA_INTRO_REMIND,
// FUHUA_OUTCOME_DUE and FUHUA_SWEEP_INTERVAL.
func loadBackground(getenv func(string) string) (bgSettings, error) {
	var b bgSettings
	var err error
	switch v := getenv("FUHUA_COOKIE_SECURE"); v {
	case "", "0", "false":
	case "1", "true":
		b.cookieSecure = true
	default:
		return b, fmt.Errorf("FUHUA_COOKIE_SECURE must be 1 or 0, got %q / FUHUA_COOKIE_SECURE 须为 1 或 0", v)
	}
	if b.introTTL, err = durationSetting("FUHUA_INTRO_TTL", getenv("FUHUA_INTRO_TTL"), 720*time.Hour, time.Minute, 8760*time.Hour); err != nil {
		return b, err
	}
	if b.sweep.RemindBefore, err = durationSetting("FUHUA_INTRO_REMIND", getenv("FUHUA_INTRO_REMIND"), 72*time.Hour, time.Minute, 8760*time.Hour); err != nil {
		return b, err
	}
	if b.sweep.OutcomeAfter, err = durationSetting("FUHUA_OUTCOME_DUE", getenv("FUHUA_OUTCOME_DUE"), 336*time.Hour, time.Minute, 8760*time.Hour); err != nil {
		return b, err
	}
	if b.sweepEvery, err = durationSetting("FUHUA_SWEEP_INTERVAL", getenv("FUHUA_SWEEP_INTERVAL"), 10*time.Minute, time.Second, 24*time.Hour); err != nil {
		return b, err
	}
	b.sweep.Lookback = max(24*time.Hour, 3*b.sweepEvery)
	if b.digestEvery, err = durationSetting("FUHUA_DIGEST_INTERVAL", getenv("FUHUA_DIGEST_INTERVAL"), 24*time.Hour, time.Minute, 168*time.Hour); err != nil {
		return b, err
	}
	b.publicURL = strings.TrimRight(strings.TrimSpace(getenv("FUHUA_PUBLIC_URL")), "/")
	if addr := strings.TrimSpace(getenv("FUHUA_SMTP_ADDR")); addr != "" {
		relay := &mail.SMTP{Addr: addr, From: strings.TrimSpace(getenv("FUHUA_SMTP_FROM")),
			User: getenv("FUHUA_SMTP_USER"), Password: getenv("FUHUA_SMTP_PASSWORD")}
		if err := relay.Check(); err != nil {
			return b, err
		}
		b.smtp = relay
	}
	return b, nil
}

// serveExtras are serve's operator settings: FUHUA_PPROF_ADDR, FUHUA_SLOW_REQUEST,
// FUHUA_METRICS_TOKEN.
type serveExtras struct {
	pprofAddr    string
	slow         time.Duration
	metricsToken string
	mem          *memoryWatch // nil: the index's mapped pages are not kept under a budget
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, drain, deadline, stall time.Duration, bg bgSettings, x serveExtras) error {
	if err := cfg.EnsureSecret(); err != nil {
		return err
	}
	st, closeDB, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	st.SetIntroTTL(bg.introTTL)
	hasher := auth.NewHasher(4)
	if err := ensureAdmin(ctx, st, hasher, cfg, log); err != nil {
		return err
	}
	has, err := st.HasProfiles(ctx)
	if err != nil {
		return err
	}
	if !has {
		// An empty database has no names to file for the duplicate check: mark
		// it filed now (CreateSeed does too), so nothing is filed twice.
		if err := st.FileNames(ctx); err != nil {
			return err
		}
		if cfg.Demo {
			added, err := loadSeed(ctx, st, cfg.DemoSize)
			if err != nil {
				return err
			}
			log.Info("demo data loaded on first start", "profiles", added)
		}
	}
	tokens, err := auth.NewTokens([]byte(cfg.JWTSecret), cfg.TokenLifetime)
	if err != nil {
		return err
	}
	ix, err := index.Open(filepath.Join(cfg.DataDir, "index"), index.Options{
		OnReconcile: func(st index.ReconcileStats, took time.Duration, err error) {
			if err != nil {
				metrics.Reconciliations.WithLabelValues("error").Inc()
				log.Warn("index reconciliation failed; it is retried", "ms", took.Milliseconds(), "err", err.Error())
				return
			}
			metrics.Reconciliations.WithLabelValues("ok").Inc()
			metrics.Reconciled.WithLabelValues("indexed").Add(float64(st.Indexed))
			metrics.Reconciled.WithLabelValues("deleted").Add(float64(st.Deleted))
			log.Info("index reconciled with the database", "ms", took.Milliseconds(), "indexed", st.Indexed, "deleted", st.Deleted)
		},
	})
	if err != nil {
		return err
	}
	if x.mem != nil {
		x.mem.keepPages(ix.ReleaseMapped) // until the index closes, below
	}
	if ix.NeedsRebuild() {
		log.Warn("search index missing or unreadable: rebuilding from the database; /readyz says not ready until done")
	} else {
		opened := time.Now()
		go func() {
			if err := ix.WaitReady(ctx); err != nil {
				return // reported by /readyz and the follower
			}
			ls := ix.LoadStats()
			log.Info("search index loaded", "ms", time.Since(opened).Milliseconds(), "readings_restored", ls.Restored,
				"readings_read_again", ls.Reread, "mapped_mib_released", ls.ReleasedBytes>>20)
		}()
	}
	metrics.Follow(metrics.Follower{Position: ix.Cursor, Last: func() (int64, error) {
		lctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return st.LastSeq(lctx)
	}})
	// The follower runs until shutdown; it rebuilds or reconciles first, then
	// follows other processes' writes and reconciles every few minutes.
	followCtx, stopFollow := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup // the follower and the expiry sweep
	background.Add(1)
	go func() {
		defer background.Done()
		if err := ix.Run(followCtx, st); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("index follower stopped", "err", err.Error())
		}
	}()
	defer func() {
		stopFollow()
		background.Wait()
		if x.mem != nil {
			x.mem.keepPages(nil)
		}
		if err := ix.Close(); err != nil {
			log.Warn("index close", "err", err.Error())
		}
	}()
	svc, err := api.New(api.Deps{
		Store: st, Index: ix, Intros: st, Rounds: st, Notes: st, Saved: st, Accepted: st, Records: st, Tokens: tokens, Hasher: hasher, Catalog: seed.Catalog(), Log: log,
		TrustedProxies: cfg.TrustedProxies, CORSOrigins: cfg.CORSOrigins, IdempotencyStall: stall,
		CookieSecure: bg.cookieSecure, SweepSettings: bg.sweep,
		SlowRequest: x.slow, MetricsToken: x.metricsToken,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           withDeadline(svc.Handler(), deadline),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// A database written before the duplicate check gets its names filed once.
	background.Add(1)
	go func() {
		defer background.Done()
		if err := st.FileNames(followCtx); err != nil && followCtx.Err() == nil {
			log.Warn("filing profile names for the duplicate check", "err", err.Error())
		}
	}()
	// Pending introductions expire after FUHUA_INTRO_TTL: reads expire them
	// lazily, and this sweep catches the ones nobody reads, reminds before and
	// tells after (every replica sweeps; each notice goes out once).
	background.Add(1)
	go func() {
		defer background.Done()
		t := time.NewTicker(bg.sweepEvery)
		defer t.Stop()
		for {
			if rep, err := svc.Sweep(followCtx); err != nil && followCtx.Err() == nil {
				log.Warn("introduction sweep", "err", err.Error())
			} else if rep != (api.SweepReport{}) {
				log.Info("introduction sweep", "expired", rep.Expired, "reminded", rep.Reminded, "told_expired", rep.ToldExpired, "outcomes_due", rep.OutcomesDue)
			}
			if bg.smtp != nil {
				if n, err := svc.SendDigests(followCtx, bg.smtp, bg.digestEvery, bg.publicURL); err != nil && followCtx.Err() == nil {
					log.Warn("e-mail digest", "err", err.Error())
				} else if n > 0 {
					log.Info("e-mail digests sent", "count", n)
				}
			}
			select {
			case <-followCtx.Done():
				return
			case <-t.C:
			}
		}
	}()
	if err := startPprof(x.pprofAddr, log); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("fuhua serving", "addr", "http://"+cfg.Addr, "embedded_db", cfg.Embedded())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Shutting down: /readyz turns 503 first, so a load balancer stops sending new
	// requests; after the drain delay the listener closes and Shutdown waits for
	// the requests in flight; then (the deferred calls) the follower stops, the
	// index closes (so the next start needs no rebuild) and the database closes.
	log.Info("shutting down: readiness off, draining requests", "drain_seconds", drain.Seconds())
	svc.Drain()
	if drain > 0 {
		t := time.NewTimer(drain)
		select {
		case <-t.C:
		case err := <-errc:
			t.Stop()
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err.Error())
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		log.Warn("listener", "err", err.Error())
	}
	log.Info("requests drained")
	return nil
}

// drainDelay reads FUHUA_DRAIN: how long /readyz says 503 before the listener
// closes at shutdown (a Go duration from 0 to 60s, default 1.5s).
func drainDelay(v string) (time.Duration, error) {
	return durationSetting("FUHUA_DRAIN", v, 1500*time.Millisecond, 0, time.Minute)
}

// durationSetting parses the setting name's value v as a Go duration from lo
// to hi, def when empty.
func durationSetting(name, v string, def, lo, hi time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		return 0, fmt.Errorf("%s must be a duration from %s to %s (e.g. %s), got %q / %s 须为 %s 到 %s 的时长（如 %s）",
			name, lo, hi, def, v, name, lo, hi, def)
	}
	return d, nil
}

// longDeadline is how long an import or export may take to read and answer.
const longDeadline = 15 * time.Minute

// withDeadline bounds the context of every request but spreadsheet imports and
// exports (which may run long by design) by d (FUHUA_REQUEST_DEADLINE, 2.5 s):
// when the database does not answer, a call gives up and answers 503 with
// Retry-After rather than wait for the driver's 30 s timeout.
//
// An import or export gets longDeadline to read its file and write its answer
// instead of the server's read and write timeouts: an import of 5,000 rows
// into a database of 100k took 48–64 s here, and at the 60 s write timeout
// the server closed the connection, so the manager saw an error for an import
// that went on to finish.
func withDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/import") || strings.HasSuffix(r.URL.Path, "/export") {
			rc := http.NewResponseController(w)
			until := time.Now().Add(longDeadline)
			_ = rc.SetReadDeadline(until)
			_ = rc.SetWriteDeadline(until)
			h.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// reindex rebuilds the search index from the database. Run it while the server is
// stopped (the index directory belongs to one process at a time); a running server
// repairs its own index by reconciliation.
func reindex(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	return withStore(ctx, cfg, log, func(st *mongodb.Store) error {
		ix, err := index.Open(filepath.Join(cfg.DataDir, "index"), index.Options{})
		if err != nil {
			return err
		}
		defer ix.Close()
		start := time.Now()
		if err := ix.Rebuild(ctx, st); err != nil {
			return err
		}
		n, _ := ix.Count()
		log.Info("index rebuilt", "documents", n, "seconds", time.Since(start).Seconds())
		return nil
	})
}
