package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fuhua/index"
	"fuhua/internal/auth"
	"fuhua/internal/embedded"
	"fuhua/internal/match"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// bench is one run: its database, the profiles it loaded, the accounts and the
// servers it drives.
type bench struct {
	o   options
	out io.Writer
	rep *report

	db     *embedded.Server // nil with MONGODB_URI
	st     *mongodb.Store
	uri    string
	dbName string
	secret string
	tokens *auth.Tokens

	admin    *profile.User
	adminTok string
	founders []founder
	sample   map[profile.Kind][]*profile.Profile // loaded profiles the requests name
	mentors  []*profile.Profile                  // templates of created mentors
	startups []string                            // ids PATCH cycles through

	a, b *child

	created, patched, intros atomic.Uint64 // write counters shared by every run
}

// founder is an account owning one startup: introductions are asked for by a
// profile's owner, at most intro.DailyLimit a day each.
type founder struct {
	token, startup string
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.out, "%s  "+format+"\n", append([]any{time.Now().UTC().Format("15:04:05")}, args...)...)
}

func (b *bench) dirA() string { return filepath.Join(b.o.Dir, "a") }
func (b *bench) dirB() string { return filepath.Join(b.o.Dir, "b") }

func (b *bench) run(ctx context.Context) error {
	b.rep.begin()
	b.secret = fmt.Sprintf("fuhuabench signing secret %d 0123456789abcdef", time.Now().UnixNano())
	var err error
	if b.tokens, err = auth.NewTokens([]byte(b.secret), 8*time.Hour); err != nil {
		return err
	}
	if err := b.openDB(ctx); err != nil {
		return err
	}
	defer b.closeDB()

	ps, err := b.generate()
	if err != nil {
		return err
	}
	if err := b.load(ctx, ps); err != nil {
		return err
	}
	b.pickSample(ps)
	ps = nil
	if err := b.reindexAndFloors(ctx); err != nil {
		return err
	}
	// The index this process built (gigabytes at 1M) is closed: give its
	// memory back before two servers load their own copies beside this one,
	// rather than leave it to the scavenger's pace.
	debug.FreeOSMemory()
	if err := b.naive(ctx); err != nil {
		return err
	}
	if err := b.accounts(ctx); err != nil {
		return err
	}
	if err := copyDir(filepath.Join(b.dirA(), "index"), filepath.Join(b.dirB(), "index")); err != nil {
		return err
	}
	defer b.stopServers() // also when a replica fails to start
	if err := b.startServers(ctx); err != nil {
		return err
	}
	if err := b.drive(ctx); err != nil {
		return err
	}
	b.stopServers()
	if err := b.coldStart(ctx); err != nil {
		return err
	}
	b.rep.end()
	return nil
}

// openDB starts the embedded database under the first replica's data directory
// (where `fuhua serve` keeps it by default), or connects to MONGODB_URI with a
// database of its own, dropped at the end.
func (b *bench) openDB(ctx context.Context) error {
	b.dbName = "fuhua"
	b.uri = b.o.MongoURI
	if b.uri == "" {
		srv, err := embedded.Start(filepath.Join(b.dirA(), "db"))
		if err != nil {
			return err
		}
		b.db, b.uri = srv, srv.URI()
		b.rep.Database = "embedded FerretDB v1 on SQLite (the default), in the bench process while the replicas run"
	} else {
		b.dbName = fmt.Sprintf("fuhuabench_%d", time.Now().Unix())
		b.rep.Database = "MONGODB_URI (database " + b.dbName + ", dropped afterwards)"
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := mongodb.Open(octx, b.uri, b.dbName)
	if err != nil {
		return err
	}
	b.st = st
	if b.db != nil {
		return b.db.IndexIDs(octx, b.dbName)
	}
	return nil
}

func (b *bench) closeDB() {
	if b.st == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if b.db == nil {
		_ = b.st.Database().Drop(ctx)
	}
	_ = b.st.Close(ctx)
	b.st = nil
	if b.db != nil {
		b.db.Stop(10 * time.Second)
		b.db = nil
	}
}

// generate makes the plan's named bodies and N demo profiles, as `fuhua seed
// --demo N` does.
func (b *bench) generate() ([]profile.Profile, error) {
	start := time.Now()
	ps := append(seed.Named(), seed.Demo(b.o.N)...)
	cat := seed.Catalog()
	for i := range ps {
		ps[i].Normalize()
		if err := ps[i].Validate(cat); err != nil {
			return nil, fmt.Errorf("generated profile %d: %w", i, err)
		}
	}
	b.rep.Generated = len(ps)
	b.rep.GenerateTime = time.Since(start)
	b.logf("generated %d profiles in %s", len(ps), b.rep.GenerateTime.Round(time.Millisecond))
	return ps, nil
}

// load stores the profiles through the store's bulk path (the one `fuhua seed`
// uses) and reports profiles per second.
func (b *bench) load(ctx context.Context, ps []profile.Profile) error {
	owner := &profile.User{Email: "seed@fuhua.invalid", Name: "示例数据", Role: profile.RoleAdmin}
	if err := b.st.CreateUser(ctx, owner); err != nil {
		return err
	}
	for i := range ps {
		ps[i].OwnerID = owner.ID
	}
	stop := b.profileSelf("load") // the bulk path and, when embedded, the database under it
	start := time.Now()
	added, err := loadProfiles(ctx, b.st, ps, len(seed.Named()))
	stop()
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	b.rep.Load = rateFigure{N: added, D: time.Since(start)}
	b.logf("bulk load: %d profiles in %s (%.0f/s)", added, b.rep.Load.D.Round(time.Millisecond), b.rep.Load.perSec())
	return nil
}

// pickSample keeps up to 300 loaded profiles of each kind for requests to name,
// the mentors created by POST copy, and every startup id for PATCH.
func (b *bench) pickSample(ps []profile.Profile) {
	r := rand.New(rand.NewPCG(7, 11))
	byKind := map[profile.Kind][]*profile.Profile{}
	for i := range ps {
		if ps[i].ID == "" || ps[i].Archived {
			continue
		}
		byKind[ps[i].Kind] = append(byKind[ps[i].Kind], &ps[i])
		if ps[i].Kind == profile.Startup {
			b.startups = append(b.startups, ps[i].ID)
		}
	}
	b.sample = map[profile.Kind][]*profile.Profile{}
	for k, list := range byKind {
		r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		n := min(len(list), 300)
		keep := make([]*profile.Profile, n)
		for i := range n {
			cp := *list[i]
			keep[i] = &cp
		}
		b.sample[k] = keep
	}
	for _, p := range b.sample[profile.Mentor] {
		b.mentors = append(b.mentors, p)
	}
	r.Shuffle(len(b.startups), func(i, j int) { b.startups[i], b.startups[j] = b.startups[j], b.startups[i] })
}

// directions are every (from, target) pair matching serves.
func directions() [][2]profile.Kind {
	var out [][2]profile.Kind
	for _, k := range profile.Kinds {
		for _, t := range match.Targets(k) {
			out = append(out, [2]profile.Kind{k, t})
		}
	}
	return out
}

// searches are the searches the load and the floor cycle through: narrow and
// broad words, a chain name, a district and a stage filter, a filter-only search;
// every one asks for the five facets (the API always returns them).
var searches = []index.SearchRequest{
	{Q: "芯片"}, {Q: "燃料电池 检测"}, {Q: "碳化硅", Kind: profile.Startup}, {Q: "工业软件", District: "yandu"},
	{Q: "hydrogen"}, {Kind: profile.Investor, Chain: "ic"}, {Q: "盐城 储能系统"}, {Q: "半导体", Stage: "angel"},
}

// reindexAndFloors builds the first replica's index from the database (the
// reindex figure), then calls Match and Search on it directly: the floor the
// HTTP figures are compared with.
func (b *bench) reindexAndFloors(ctx context.Context) error {
	ix, err := index.Open(filepath.Join(b.dirA(), "index"), index.Options{})
	if err != nil {
		return err
	}
	defer ix.Close()
	stop := b.profileSelf("reindex")
	start := time.Now()
	err = ix.Rebuild(ctx, b.st)
	stop()
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	n, _ := ix.Count()
	b.rep.Reindex = rateFigure{N: int(n), D: time.Since(start)}
	b.logf("reindex: %d profiles in %s (%.0f/s)", n, b.rep.Reindex.D.Round(time.Millisecond), b.rep.Reindex.perSec())

	calls := b.o.Direct
	for _, d := range directions() {
		from := b.sample[d[0]]
		if len(from) == 0 {
			continue
		}
		name := matchName(d)
		f1 := timeCalls(calls, 1, func(i int) error {
			_, err := ix.Match(ctx, from[i%len(from)], d[1], index.MatchOptions{Limit: 20})
			return err
		})
		f8 := timeCalls(calls*2, 8, func(i int) error {
			_, err := ix.Match(ctx, from[i%len(from)], d[1], index.MatchOptions{Limit: 20})
			return err
		})
		b.rep.Direct[name] = [2]latency{f1, f8}
	}
	search := func(i int) error {
		r := searches[i%len(searches)]
		r.Limit = 20
		_, err := ix.Search(ctx, r)
		return err
	}
	b.rep.Direct["search"] = [2]latency{timeCalls(calls, 1, search), timeCalls(calls*2, 8, search)}
	chains := seed.Chains()
	list := func(i int) error {
		_, _, ok := ix.ListIDs(ctx, profile.ListFilter{Kind: profile.Startup, Chain: chains[i%len(chains)].Code, Limit: 20})
		if !ok {
			return errors.New("the index cannot answer this list")
		}
		return nil
	}
	b.rep.Direct["list_chain"] = [2]latency{timeCalls(calls, 1, list), timeCalls(calls*2, 8, list)}
	b.logf("index floors measured (%d calls each, 1 and 8 goroutines)", calls)
	return nil
}

// naive is the baseline a first implementation would write: load every
// candidate of the target kind from the database and score each in Go with the
// same scorer, keeping the best 20.
func (b *bench) naive(ctx context.Context) error {
	lex := match.NewLexicon(seed.Chains(), seed.Districts())
	env := match.Env{Lex: lex}
	for _, d := range directions() {
		from := b.sample[d[0]]
		if len(from) == 0 {
			continue
		}
		f := timeCalls(b.o.Naive, 1, func(i int) error {
			var cands []*profile.Profile
			err := b.st.EachOfKind(ctx, d[1], func(p *profile.Profile) error {
				cp := *p
				cands = append(cands, &cp)
				return nil
			})
			if err != nil {
				return err
			}
			_ = match.Rank(from[i%len(from)], cands, env, 20)
			return nil
		})
		b.rep.Naive[matchName(d)] = f
	}
	b.logf("naive baseline measured (%d calls per direction)", b.o.Naive)
	return nil
}

func matchName(d [2]profile.Kind) string { return "match " + string(d[0]) + "→" + string(d[1]) }

// accounts creates an admin (who may match, edit and read every profile) and
// enough founders, each owning a startup, for every introduction the run asks for
// to stay within the daily limit.
func (b *bench) accounts(ctx context.Context) error {
	b.admin = &profile.User{Email: "bench-admin@fuhua.invalid", Name: "基准测试管理员", Role: profile.RoleAdmin}
	if err := b.st.CreateUser(ctx, b.admin); err != nil {
		return err
	}
	var err error
	if b.adminTok, _, err = b.tokens.Issue(b.admin); err != nil {
		return err
	}
	n := b.maxIntros()/20 + 5
	tmpl := b.sample[profile.Startup]
	for i := range n {
		u := &profile.User{Email: fmt.Sprintf("founder%d@bench.invalid", i), Name: fmt.Sprintf("创始人%d", i), Role: profile.RoleStartup}
		if err := b.st.CreateUser(ctx, u); err != nil {
			return err
		}
		p := *tmpl[i%len(tmpl)]
		p.ID, p.CreditCode, p.OwnerID = "", "", u.ID
		p.Name = fmt.Sprintf("%s（基准%d）", p.Name, i)
		if err := b.st.CreateProfile(ctx, &p); err != nil {
			return err
		}
		tok, _, err := b.tokens.Issue(u)
		if err != nil {
			return err
		}
		b.founders = append(b.founders, founder{token: tok, startup: p.ID})
	}
	b.logf("accounts: 1 admin, %d founders", n)
	return nil
}

// maxIntros bounds the introductions one run creates: the mix's share of the
// open-loop steps and the closed-loop runs at a generous rate.
func (b *bench) maxIntros() int {
	total := 0
	for _, r := range b.o.Rates {
		total += r
	}
	open := float64(total) * b.o.Step.Seconds() * mixShare("intro")
	closed := 9 * 400 * b.o.Closed.Seconds()
	return int(open + closed + float64(b.o.ProbeCount))
}

// latency is a set of timed calls.
type latency struct {
	N, Errors  int
	P50, P99   time.Duration
	Throughput float64 // calls per second of wall time
	Err        string  // the first error
}

// timeCalls makes n calls of fn from workers goroutines and times each.
func timeCalls(n, workers int, fn func(i int) error) latency {
	ds := make([]time.Duration, n)
	var next atomic.Int64
	var errs atomic.Int64
	var first atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t := time.Now()
				if err := fn(i); err != nil {
					errs.Add(1)
					first.CompareAndSwap(nil, err.Error())
				}
				ds[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	slices.Sort(ds)
	l := latency{N: n, Errors: int(errs.Load()), Throughput: float64(n) / wall.Seconds()}
	if n > 0 {
		l.P50, l.P99 = ds[n/2], ds[min(n-1, n*99/100)]
	}
	if s, ok := first.Load().(string); ok {
		l.Err = s
	}
	return l
}

// copyDir copies the regular files under src to dst (an index for the second
// replica, so both start from an existing index).
func copyDir(src, dst string) error {
	return filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// machine describes where the run happened.
func machine() (cpu string, cores int, mem string) {
	cores = runtime.NumCPU()
	cpu = runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range splitLines(string(b)) {
			if k, v, ok := cut(line, ":"); ok && k == "model name" {
				cpu = v
				break
			}
		}
	}
	mem = "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range splitLines(string(b)) {
			if k, v, ok := cut(line, ":"); ok && k == "MemTotal" {
				var kb int64
				fmt.Sscan(v, &kb)
				mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return cpu, cores, mem
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := splitFields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return f[0] + " " + f[1] + " " + f[2]
}

func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := string(trimSpace(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(trimSpace(st)) > 0 {
		c += " (with uncommitted changes)"
	}
	return c
}

// rssPeak reads a process's peak resident memory (VmHWM) from /proc, 0 when
// unavailable.
func rssPeak(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range splitLines(string(b)) {
		if k, v, ok := cut(line, ":"); ok && k == "VmHWM" {
			var kb int64
			fmt.Sscan(v, &kb)
			return kb << 10
		}
	}
	return 0
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
