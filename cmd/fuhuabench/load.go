package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// An op is one kind of request: a vegeta targeter filling the i-th request.
type op struct {
	name string
	fill func(i uint64, t *vegeta.Target)
}

// mix is the open-loop mix: weights out of 100 (reads dominate, as they do for
// people browsing matches and search results).
var mix = []struct {
	op     string
	weight int
}{
	{"match", 30}, {"search", 15}, {"list_chain", 8}, {"list_district", 7}, {"get", 25},
	{"create", 5}, {"patch", 5}, {"intro", 5},
}

func mixShare(name string) float64 {
	total, w := 0, 0
	for _, m := range mix {
		total += m.weight
		if m.op == name {
			w = m.weight
		}
	}
	return float64(w) / float64(total)
}

func (b *bench) header(tok string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+tok)
	h.Set("Content-Type", "application/json")
	return h
}

// ops are every request kind, against the server at base. Writes share
// counters across runs, so no two runs create the same introduction or PATCH
// the same version.
func (b *bench) ops(base string) map[string]op {
	admin := b.header(b.adminTok)
	out := map[string]op{}
	var matchOps []op
	for _, d := range directions() {
		from := b.sample[d[0]]
		if len(from) == 0 {
			continue
		}
		d := d
		o := op{name: matchName(d), fill: func(i uint64, t *vegeta.Target) {
			p := from[i%uint64(len(from))]
			t.Method, t.Header = "GET", admin
			t.URL = base + "/api/v1/" + d[0].Path() + "/" + p.ID + "/matches?target=" + string(d[1]) + "&limit=20"
		}}
		out[o.name] = o
		matchOps = append(matchOps, o)
	}
	out["match"] = op{name: "match", fill: func(i uint64, t *vegeta.Target) {
		matchOps[i%uint64(len(matchOps))].fill(i/uint64(len(matchOps)), t)
	}}
	out["search"] = op{name: "search", fill: func(i uint64, t *vegeta.Target) {
		r := searches[i%uint64(len(searches))]
		q := url.Values{"limit": {"20"}}
		for k, v := range map[string]string{"q": r.Q, "kind": string(r.Kind), "chain": r.Chain, "district": r.District, "stage": r.Stage} {
			if v != "" {
				q.Set(k, v)
			}
		}
		t.Method, t.Header, t.URL = "GET", admin, base+"/api/v1/search?"+q.Encode()
	}}
	chains, districts := seed.Chains(), seed.Districts()
	out["list_chain"] = op{name: "list_chain", fill: func(i uint64, t *vegeta.Target) {
		t.Method, t.Header = "GET", admin
		t.URL = base + "/api/v1/startups?limit=20&chain=" + chains[i%uint64(len(chains))].Code
	}}
	out["list_district"] = op{name: "list_district", fill: func(i uint64, t *vegeta.Target) {
		t.Method, t.Header = "GET", admin
		t.URL = base + "/api/v1/mentors?limit=20&district=" + districts[i%uint64(len(districts))].Code
	}}
	var all []*profile.Profile
	for _, k := range profile.Kinds {
		all = append(all, b.sample[k]...)
	}
	out["get"] = op{name: "get", fill: func(i uint64, t *vegeta.Target) {
		p := all[(i*7919)%uint64(len(all))]
		t.Method, t.Header, t.URL = "GET", admin, base+"/api/v1/"+p.Kind.Path()+"/"+p.ID
	}}
	out["create"] = op{name: "create", fill: func(i uint64, t *vegeta.Target) {
		n := b.created.Add(1)
		t.Method, t.Header, t.URL = "POST", admin, base+"/api/v1/mentors"
		t.Body = b.mentorBody(n, "")
	}}
	out["patch"] = op{name: "patch", fill: func(i uint64, t *vegeta.Target) {
		n := b.patched.Add(1) - 1
		id := b.startups[n%uint64(len(b.startups))]
		version := n/uint64(len(b.startups)) + 1
		t.Method, t.Header, t.URL = "PATCH", admin, base+"/api/v1/startups/"+id
		t.Body = mustJSON(map[string]any{"version": version, "tags": []string{fmt.Sprintf("基准%d", n)}})
	}}
	out["intro"] = op{name: "intro", fill: func(i uint64, t *vegeta.Target) {
		n := b.intros.Add(1) - 1
		f := b.founders[(n/20)%uint64(len(b.founders))]
		invs := b.sample[profile.Investor]
		to := invs[n%20%uint64(len(invs))]
		t.Method, t.Header, t.URL = "POST", b.header(f.token), base+"/api/v1/introductions"
		t.Body = mustJSON(map[string]any{"from": map[string]string{"kind": "startup", "id": f.startup},
			"to": map[string]string{"kind": "investor", "id": to.ID}, "message": "基准测试：希望认识贵机构 / benchmark introduction"})
	}}
	out["me"] = op{name: "me", fill: func(i uint64, t *vegeta.Target) {
		t.Method, t.Header, t.URL = "GET", admin, base+"/api/v1/me"
	}}
	out["healthz"] = op{name: "healthz", fill: func(i uint64, t *vegeta.Target) {
		t.Method, t.URL = "GET", base+"/healthz"
	}}
	return out
}

// mentorBody is a new mentor copied from a loaded one, with a distinct name; a
// tag, when given, is a word to find it by.
func (b *bench) mentorBody(n uint64, tag string) []byte {
	m := *b.mentors[n%uint64(len(b.mentors))]
	m.Name = fmt.Sprintf("%s %d", m.Name, n)
	if tag != "" {
		m.Name = tag + " " + m.Name
	}
	var doc map[string]any
	_ = json.Unmarshal(mustJSON(&m), &doc)
	for _, k := range []string{"id", "kind", "owner_id", "created_at", "updated_at", "version", "archived"} {
		delete(doc, k)
	}
	return mustJSON(doc)
}

// classify names the op of a request from its method and URL (for the mix).
func classify(method, u string) string {
	switch {
	case strings.Contains(u, "/matches?"):
		return "match"
	case strings.Contains(u, "/api/v1/search?"):
		return "search"
	case strings.Contains(u, "/api/v1/startups?"):
		return "list_chain"
	case strings.Contains(u, "/api/v1/mentors?"):
		return "list_district"
	case method == "POST" && strings.HasSuffix(u, "/introductions"):
		return "intro"
	case method == "POST":
		return "create"
	case method == "PATCH":
		return "patch"
	}
	return "get"
}

// result is what the report keeps of one attack or one op within it.
type result struct {
	Requests   uint64
	Errors     uint64
	P50, P99   time.Duration
	Throughput float64 // successful requests per second
	Rate       float64 // requests sent per second
	Codes      map[string]int
	Sample     string // one failed response, for the reader
}

func fromMetrics(m *vegeta.Metrics, sample string) result {
	m.Close()
	return result{
		Requests: m.Requests, Errors: m.Requests - uint64(float64(m.Requests)*m.Success+0.5),
		P50: m.Latencies.P50, P99: m.Latencies.P99, Throughput: m.Throughput, Rate: m.Rate,
		Codes: m.StatusCodes, Sample: sample,
	}
}

// attack runs tr at rate (0: closed loop with clients workers) for d and
// returns the metrics of all requests and of each op (by classify).
func attack(name string, tr vegeta.Targeter, rate, clients int, d time.Duration) (result, map[string]result) {
	opts := []func(*vegeta.Attacker){vegeta.Timeout(30 * time.Second), vegeta.KeepAlive(true), vegeta.MaxBody(1 << 20)}
	var pacer vegeta.Pacer = vegeta.Rate{Freq: rate, Per: time.Second}
	if rate == 0 {
		opts = append(opts, vegeta.Workers(uint64(clients)), vegeta.MaxWorkers(uint64(clients)), vegeta.Connections(clients))
		pacer = vegeta.Rate{Freq: 0}
	}
	at := vegeta.NewAttacker(opts...)
	var all vegeta.Metrics
	per := map[string]*vegeta.Metrics{}
	samples := map[string]string{}
	for r := range at.Attack(tr, pacer, d, name) {
		all.Add(r)
		k := classify(r.Method, r.URL)
		if per[k] == nil {
			per[k] = &vegeta.Metrics{}
		}
		per[k].Add(r)
		if (r.Code < 200 || r.Code >= 400) && samples[k] == "" {
			body := string(r.Body)
			if len(body) > 300 {
				body = body[:300]
			}
			samples[k] = fmt.Sprintf("%s %s → %d %s %s", r.Method, r.URL, r.Code, r.Error, body)
			if samples[""] == "" {
				samples[""] = samples[k]
			}
		}
	}
	out := map[string]result{}
	for k, m := range per {
		out[k] = fromMetrics(m, samples[k])
	}
	return fromMetrics(&all, samples[""]), out
}

func targeter(o op) vegeta.Targeter {
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		o.fill(n.Add(1)-1, t)
		return nil
	}
}

// mixTargeter interleaves the ops by the mix's weights.
func mixTargeter(ops map[string]op) vegeta.Targeter {
	var seq []op
	for _, m := range mix {
		for range m.weight {
			seq = append(seq, ops[m.op])
		}
	}
	// Spread each op's slots over the cycle instead of in runs.
	spread := make([]op, len(seq))
	for i := range seq {
		spread[(i*37)%len(seq)] = seq[i]
	}
	var n atomic.Uint64
	counters := map[string]*atomic.Uint64{}
	for k := range ops {
		counters[k] = &atomic.Uint64{}
	}
	return func(t *vegeta.Target) error {
		o := spread[(n.Add(1)-1)%uint64(len(spread))]
		o.fill(counters[o.name].Add(1)-1, t)
		return nil
	}
}

func (b *bench) startServers(ctx context.Context) error {
	var err error
	start := time.Now()
	if b.a, err = b.startChild("replica-a", b.dirA(), b.uri, b.o.Pprof != ""); err != nil {
		return err
	}
	if b.b, err = b.startChild("replica-b", b.dirB(), b.uri, false); err != nil {
		return err
	}
	ready, serving, err := b.a.waitReady(ctx, start, 15*time.Minute, b.canMatch)
	if err != nil {
		return err
	}
	b.rep.StartOnURI = [2]time.Duration{ready, serving}
	if _, _, err := b.b.waitReady(ctx, start, 15*time.Minute, b.canMatch); err != nil {
		return err
	}
	b.logf("replicas ready (a: /readyz %s, first match %s)", ready.Round(time.Millisecond), serving.Round(time.Millisecond))
	return nil
}

func (b *bench) stopServers() {
	for _, c := range []**child{&b.a, &b.b} {
		if *c != nil {
			(*c).stop()
			*c = nil
		}
	}
}

// canMatch reports whether the server at base answers a match with 200.
func (b *bench) canMatch(base string) bool {
	p := b.sample[profile.Startup][0]
	req, _ := http.NewRequest("GET", base+"/api/v1/startups/"+p.ID+"/matches?target=investor&limit=5", nil)
	req.Header = b.header(b.adminTok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == 200
}

// drive runs every load against replica a and the write→searchable probes.
func (b *bench) drive(ctx context.Context) error {
	ops := b.ops(b.a.base)
	// Warm up: every op a few times, so connections and caches are in place.
	warm := 200 * time.Millisecond
	if b.o.Quick {
		warm = 50 * time.Millisecond
	}
	for _, name := range sortedKeys(ops) {
		attack("warm", targeter(ops[name]), 0, 2, warm)
	}
	if !b.o.Quick {
		// A replica that has just started reconciles its index with the
		// database (it reads every profile) in the background: a start-up
		// cost, measured apart (cold start), not part of the load. Its
		// end is waited for, then the CPU it and the loads leave behind.
		start := time.Now()
		for _, c := range []*child{b.a, b.b} {
			if err := c.waitReconciled(ctx, 10*time.Minute); err != nil {
				return err
			}
		}
		b.logf("replicas reconciled with the database %s after ready", time.Since(start).Round(time.Millisecond))
		waited := settle(3*time.Minute, b.a.cmd.Process.Pid, b.b.cmd.Process.Pid, os.Getpid())
		b.logf("settled before the open loop in %s", waited.Round(time.Millisecond))
	}
	for _, rate := range b.o.Rates {
		stop := func() {}
		if b.o.Pprof != "" && rate == 200 { // the target's step: where its tail comes from
			stop = b.traceBoth(fmt.Sprintf("open-%d", rate), b.o.Step)
		}
		all, per := attack(fmt.Sprintf("open %d", rate), mixTargeter(ops), rate, 0, b.o.Step)
		stop()
		b.rep.Open = append(b.rep.Open, openStep{Rate: rate, All: all, Per: per})
		b.logf("open loop %d req/s: p50 %s p99 %s, %d errors of %d", rate, all.P50.Round(time.Microsecond), all.P99.Round(time.Microsecond), all.Errors, all.Requests)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if !b.o.Quick {
		waited := settle(30*time.Second, b.a.cmd.Process.Pid, b.b.cmd.Process.Pid, os.Getpid())
		b.logf("settled after the open loop in %s", waited.Round(time.Millisecond))
	}
	profiled := map[string]bool{"match startup→investor": true, "search": true, "list_chain": true, "get": true, "me": true, "create": true}
	for _, name := range closedOrder(ops) {
		if b.o.Ops != nil && !b.o.Ops[name] {
			continue
		}
		if !b.o.Quick { // what the runs before left running (writes) is not this one's
			settle(10*time.Second, b.a.cmd.Process.Pid, b.b.cmd.Process.Pid, os.Getpid())
		}
		for _, clients := range []int{1, 8} {
			for rep := range max(1, b.o.Repeat) {
				stop := func() {}
				if clients == 8 && rep == 0 && profiled[name] && b.a.pprof != "" {
					stop = b.profileBoth(fileName(name), b.o.Closed)
				}
				all, _ := attack(name, targeter(ops[name]), 0, clients, b.o.Closed)
				stop()
				if rep > 0 {
					b.rep.Closed[name] = b.rep.Closed[name][:len(b.rep.Closed[name])-1]
				}
				b.rep.Closed[name] = append(b.rep.Closed[name], all)
				b.logf("closed loop %-24s %d clients: %.0f req/s, p50 %s p99 %s, %d errors", name, clients, all.Throughput, all.P50.Round(time.Microsecond), all.P99.Round(time.Microsecond), all.Errors)
				if ctx.Err() != nil {
					return ctx.Err()
				}
			}
		}
	}
	// Writes with 4 clients (the target's figure).
	all, _ := attack("create", targeter(ops["create"]), 0, 4, b.o.Closed)
	b.rep.Writes4 = all
	b.logf("create, 4 clients: %.0f writes/s, p99 %s", all.Throughput, all.P99.Round(time.Microsecond))

	if err := b.probeSearchable(ctx); err != nil {
		return err
	}
	if !b.o.Quick {
		settle(30*time.Second, b.a.cmd.Process.Pid, b.b.cmd.Process.Pid, os.Getpid())
	}
	if err := b.importSheet(ctx); err != nil {
		return err
	}
	if b.a.pprof != "" {
		b.fetchProfile("heap.pprof", "/debug/pprof/heap")
	}
	b.rep.RSS = rssPeak(b.a.cmd.Process.Pid)
	b.rep.RSSBench = rssPeak(os.Getpid())
	return nil
}

// closedOrder puts the closed-loop runs in the report's order: every match
// direction, then the other reads, the writes, then the floors.
func closedOrder(ops map[string]op) []string {
	var out []string
	for _, d := range directions() {
		if _, ok := ops[matchName(d)]; ok {
			out = append(out, matchName(d))
		}
	}
	return append(out, "search", "list_chain", "list_district", "get", "create", "patch", "intro", "me", "healthz")
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func fileName(s string) string {
	return strings.NewReplacer(" ", "_", "→", "-to-").Replace(s)
}

func (b *bench) fetchProfile(file, path string) {
	resp, err := http.Get(b.a.pprof + path)
	if err != nil {
		b.logf("profile %s: %v", file, err)
		return
	}
	defer resp.Body.Close()
	f, err := os.Create(filepath.Join(b.o.Pprof, file))
	if err != nil {
		b.logf("profile %s: %v", file, err)
		return
	}
	defer f.Close()
	_, _ = io.Copy(f, resp.Body)
}

// probeSearchable creates mentors with a word of their own and times until a
// search finds each: on the replica that took the write, and on the other one.
func (b *bench) probeSearchable(ctx context.Context) error {
	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []struct {
		name   string
		target *child
	}{{"in-process", b.a}, {"other replica", b.b}} {
		var ds []time.Duration
		misses, refused := 0, 0
		firstRefusal := ""
		// A create the server refuses (at a million profiles on the embedded
		// database, a 503 when SQLite stays locked) is counted and reported;
		// the run goes on.
		refuse := func(what string) {
			refused++
			if firstRefusal == "" {
				firstRefusal = what
			}
			b.logf("write→searchable %s: a create was refused: %s", path.name, what)
			time.Sleep(time.Second)
		}
		for i := range b.o.ProbeCount {
			tag := "fhb" + letters(uint64(time.Now().UnixNano())%1e9) + letters(uint64(i))
			start := time.Now()
			req, _ := http.NewRequestWithContext(ctx, "POST", b.a.base+"/api/v1/mentors", bytes.NewReader(b.mentorBody(b.created.Add(1), tag)))
			req.Header = b.header(b.adminTok)
			resp, err := client.Do(req)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				refuse(err.Error())
				continue
			}
			var created struct {
				ID string `json:"id"`
			}
			err = json.NewDecoder(resp.Body).Decode(&created)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 201 {
				refuse(fmt.Sprintf("create answered %d (%v)", resp.StatusCode, err))
				continue
			}
			found := false
			for time.Since(start) < 10*time.Second {
				if b.searchFinds(client, path.target.base, tag, created.ID) {
					found = true
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			if !found {
				misses++
				continue
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		l := latency{N: len(ds), Errors: misses}
		if refused > 0 {
			l.Err = fmt.Sprintf("%d of %d creates refused, the first: %s", refused, b.o.ProbeCount, firstRefusal)
		}
		if len(ds) > 0 {
			l.P50, l.P99 = ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*99/100)]
		}
		b.rep.Searchable[path.name] = l
		b.logf("write→searchable %s: p50 %s p99 %s (%d not found in 10 s, %d creates refused)", path.name, l.P50.Round(time.Microsecond), l.P99.Round(time.Microsecond), misses, refused)
	}
	return nil
}

func (b *bench) searchFinds(client *http.Client, base, tag, id string) bool {
	req, _ := http.NewRequest("GET", base+"/api/v1/search?kind=mentor&q="+url.QueryEscape(tag), nil)
	req.Header = b.header(b.adminTok)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var res struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if json.NewDecoder(resp.Body).Decode(&res) != nil {
		return false
	}
	for _, h := range res.Items {
		if h.ID == id {
			return true
		}
	}
	return false
}

// letters spells n in the letters a–z (a word the analyzer keeps whole).
func letters(n uint64) string {
	var s []byte
	for {
		s = append(s, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(s)
		}
	}
}

// coldStart stops everything and starts one server on the first replica's data
// (an existing index): on the embedded default exactly as `make run` does (the
// database inside the process), on MONGODB_URI with that. It times /readyz and
// the first match answered.
func (b *bench) coldStart(ctx context.Context) error {
	uri := b.uri
	if b.db != nil {
		ctx2, cancel := context.WithTimeout(ctx, 20*time.Second)
		_ = b.st.Close(ctx2)
		cancel()
		b.st = nil
		b.db.Stop(20 * time.Second)
		b.db = nil
		uri = ""
	}
	start := time.Now()
	c, err := b.startChild("cold-start", b.dirA(), uri, false)
	if err != nil {
		return err
	}
	defer c.stop()
	ready, serving, err := c.waitReady(ctx, start, 10*time.Minute, b.canMatch)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, c.tail())
	}
	b.rep.ColdStart = [2]time.Duration{ready, serving}
	// A short closed loop of the mix on the restarted server, for its memory at rest
	// and under load.
	attack("cold", mixTargeter(b.ops(c.base)), 0, 8, max(b.o.Closed, time.Second))
	b.rep.RSSCold = rssPeak(c.cmd.Process.Pid)
	b.logf("cold start: /readyz %s, first match %s, peak RSS %.0f MiB", ready.Round(time.Millisecond), serving.Round(time.Millisecond), float64(b.rep.RSSCold)/(1<<20))
	return nil
}

// profileBoth takes a CPU profile of replica a for d (cpu-NAME.pprof) and,
// when the embedded database runs in this process, of this process
// (cpu-bench-NAME.pprof), until the returned stop is called; stop waits for
// both.
func (b *bench) profileBoth(name string, d time.Duration) (stop func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.fetchProfile("cpu-"+name+".pprof", fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(1, int(d.Seconds()))))
	}()
	stopSelf := func() {}
	if b.db != nil {
		stopSelf = b.profileSelf(name)
	}
	return func() {
		stopSelf()
		wg.Wait()
	}
}

// traceBoth takes an execution trace of replica a for d (trace-NAME.out), the
// allocations it made meanwhile (allocs-NAME.pprof, a delta profile) and,
// when the database is embedded here, of this process (trace-bench-NAME.out):
// what each goroutine waited on, the collector's pauses and the schedulers'
// idle time, which a CPU profile does not show (`go tool trace FILE`).
func (b *bench) traceBoth(name string, d time.Duration) (stop func()) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		b.fetchProfile("trace-"+name+".out", fmt.Sprintf("/debug/pprof/trace?seconds=%d", max(1, int(d.Seconds()))))
	}()
	go func() { // what the requests allocated meanwhile: what sets the collector's pace
		defer wg.Done()
		b.fetchProfile("allocs-"+name+".pprof", fmt.Sprintf("/debug/pprof/allocs?seconds=%d", max(1, int(d.Seconds()))))
	}()
	stopSelf := func() {}
	if b.db != nil {
		if f, err := os.Create(filepath.Join(b.o.Pprof, "trace-bench-"+name+".out")); err == nil {
			if trace.Start(f) == nil {
				stopSelf = func() { trace.Stop(); f.Close() }
			} else {
				f.Close()
			}
		}
	}
	return func() {
		stopSelf()
		wg.Wait()
	}
}

// profileSelf takes a CPU profile of this process (cpu-bench-NAME.pprof)
// until the returned stop is called; with no -pprof it does nothing.
func (b *bench) profileSelf(name string) (stop func()) {
	if b.o.Pprof == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(b.o.Pprof, "cpu-bench-"+name+".pprof"))
	if err != nil {
		return func() {}
	}
	if pprof.StartCPUProfile(f) != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
