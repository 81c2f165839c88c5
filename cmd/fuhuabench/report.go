package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// rateFigure is n items in d.
type rateFigure struct {
	N int
	D time.Duration
}

func (r rateFigure) perSec() float64 {
	if r.D <= 0 {
		return 0
	}
	return float64(r.N) / r.D.Seconds()
}

type openStep struct {
	Rate int
	All  result
	Per  map[string]result
}

// report is every figure of a run.
type report struct {
	o                      options
	Started, Ended         time.Time
	LoadStart, LoadEnd     string
	CPU, Mem               string
	Cores                  int
	Commit, Database       string
	Generated              int
	GenerateTime           time.Duration
	Load, Reindex          rateFigure
	Direct                 map[string][2]latency // op → 1 and 8 goroutines
	Naive                  map[string]latency
	Open                   []openStep
	Closed                 map[string][]result // op → 1 and 8 clients
	Writes4                result
	Searchable             map[string]latency
	Import                 importFigure
	StartOnURI, ColdStart  [2]time.Duration // to /readyz, to the first match
	RSS, RSSBench, RSSCold int64
}

func newReport(o options) *report {
	return &report{o: o, Direct: map[string][2]latency{}, Naive: map[string]latency{}, Closed: map[string][]result{}, Searchable: map[string]latency{}}
}

func (r *report) begin() {
	r.Started = time.Now().UTC()
	r.LoadStart = loadavg()
	r.CPU, r.Cores, r.Mem = machine()
	r.Commit = gitCommit()
}

func (r *report) end() {
	r.Ended = time.Now().UTC()
	r.LoadEnd = loadavg()
}

// Section headings: the end-to-end test checks every one is written.
var sectionHeadings = []string{
	"### Machine and run",
	"### Loading and indexing",
	"### Open loop: the mix at fixed rates",
	"### Closed loop: 1 and 8 clients",
	"### Floors and baseline",
	"### Writes",
	"### Start and memory",
	"### Targets",
}

func ms(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	f := float64(d) / float64(time.Millisecond)
	switch {
	case f < 1:
		return fmt.Sprintf("%.2f ms", f)
	case f < 100:
		return fmt.Sprintf("%.1f ms", f)
	}
	return fmt.Sprintf("%.0f ms", f)
}

// secs writes d in seconds, to two places.
func secs(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

func mib(n int64) string {
	if n == 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func errs(r result) string {
	if r.Errors == 0 {
		return "0"
	}
	return fmt.Sprintf("**%d**", r.Errors)
}

func (r *report) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("## `make bench` (cmd/fuhuabench) — %d profiles over HTTP\n\n", r.Generated)
	if r.o.Quick {
		w("**Quick mode (the end-to-end check): the figures below mean nothing.**\n\n")
	}
	w("%s\n\n", sectionHeadings[0])
	w("- machine: %s, %d cores, %s RAM, %s/%s, %s\n", r.CPU, r.Cores, r.Mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
	w("- date: %s → %s UTC; load average (1/5/15 min) at start %s, at end %s\n", r.Started.Format("2006-01-02 15:04"), r.Ended.Format("15:04"), r.LoadStart, r.LoadEnd)
	w("- commit: %s; database: %s\n", r.Commit, r.Database)
	w("- command: `fuhuabench -n %d -step %s -closed %s -rates %s`; the load generator (vegeta as a library) runs on the same cores as the servers, over loopback\n",
		r.o.N, r.o.Step, r.o.Closed, joinInts(r.o.Rates))
	w("- servers: `fuhua serve` child processes; replica a takes the load, replica b is a second process on the same database (its own index, following the database)\n\n")

	w("%s\n\n", sectionHeadings[1])
	w("| step | profiles | time | profiles/s | target |\n| --- | --- | --- | --- | --- |\n")
	w("| generate (the demo generator's mix) | %d | %s | %.0f | |\n", r.Generated, r.GenerateTime.Round(time.Millisecond), float64(r.Generated)/r.GenerateTime.Seconds())
	w("| bulk load into the database | %d | %s | %.0f | ≥ 3,000/s |\n", r.Load.N, r.Load.D.Round(time.Millisecond), r.Load.perSec())
	w("| reindex from the database | %d | %s | %.0f | ≥ 5,000/s |\n\n", r.Reindex.N, r.Reindex.D.Round(time.Millisecond), r.Reindex.perSec())

	w("%s\n\n", sectionHeadings[2])
	w("Mix: ")
	for i, m := range mix {
		if i > 0 {
			w(", ")
		}
		w("%s %d%%", m.op, m.weight)
	}
	w(" (match spread over every direction). Each step %s.\n\n", r.o.Step)
	w("| rate | sent/s | ok/s | p50 | p99 | errors / requests | p99 by op |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, s := range r.Open {
		var per []string
		for _, m := range mix {
			if x, ok := s.Per[m.op]; ok {
				e := ""
				if x.Errors > 0 {
					e = fmt.Sprintf(" (%d err)", x.Errors)
				}
				per = append(per, fmt.Sprintf("%s %s%s", m.op, ms(x.P99), e))
			}
		}
		w("| %d req/s | %.0f | %.0f | %s | %s | %s / %d | %s |\n", s.Rate, s.All.Rate, s.All.Throughput, ms(s.All.P50), ms(s.All.P99), errs(s.All), s.All.Requests, strings.Join(per, "; "))
	}
	w("\nTarget: at 200 req/s, p99 ≤ 30 ms with no errors.\n")
	for _, s := range r.Open {
		if s.All.Sample != "" {
			w("\nA failed request at %d req/s: `%s`\n", s.Rate, sanitize(s.All.Sample))
		}
	}
	w("\n%s\n\n", sectionHeadings[3])
	w("Each run %s; the client count is vegeta's workers (each waits for its answer). Each kind starts once both servers and the bench process (which holds the embedded database) together use under a tenth of a core, waiting at most 10 s (30 s after the open loop), so the merging and following that earlier writes leave behind is not counted against it.\n\n", r.o.Closed)
	w("| request | 1 client p50 / p99 | 1 client req/s | 8 clients p50 / p99 | 8 clients req/s | errors | index floor (8 goroutines) req/s | fuhua / floor | target |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, name := range closedOrder(map[string]op{}) {
		_ = name
	}
	var names []string
	for _, d := range directions() {
		names = append(names, matchName(d))
	}
	names = append(names, "search", "list_chain", "list_district", "get", "create", "patch", "intro", "me", "healthz")
	for _, name := range names {
		rs := r.Closed[name]
		if len(rs) < 2 {
			continue
		}
		floor, ratioS := "—", "—"
		if d, ok := r.Direct[name]; ok {
			floor = fmt.Sprintf("%.0f", d[1].Throughput)
			ratioS = ratio(rs[1].Throughput, d[1].Throughput)
		}
		w("| %s | %s / %s | %.0f | %s / %s | %.0f | %s | %s | %s | %s |\n", name, ms(rs[0].P50), ms(rs[0].P99), rs[0].Throughput,
			ms(rs[1].P50), ms(rs[1].P99), rs[1].Throughput, errs(sum(rs)), floor, ratioS, target(name))
	}
	for _, name := range names {
		for _, x := range r.Closed[name] {
			if x.Sample != "" {
				w("\nA failed %s request: `%s`\n", name, sanitize(x.Sample))
				break
			}
		}
	}
	w("\n%s\n\n", sectionHeadings[4])
	w("The index floor is the same call on `index.Index` in the bench process (no HTTP, no auth, no database read of the asking profile). ")
	w("The naive baseline loads every candidate of the target kind from the database (`EachOfKind`) and ranks them all with the same scorer (`match.Rank`), %d calls per direction.\n\n", r.o.Naive)
	w("| request | index p50 / p99 (1 goroutine) | HTTP p50 / p99 (1 client) | HTTP / index p50 | naive p50 / p99 | naive / fuhua p50 |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, name := range names {
		d, okD := r.Direct[name]
		n, okN := r.Naive[name]
		rs := r.Closed[name]
		if !okD && !okN && name != "me" && name != "healthz" {
			continue
		}
		httpS, httpRatio, naiveS, naiveRatio := "—", "—", "—", "—"
		var hp50 time.Duration
		if len(rs) > 0 {
			hp50 = rs[0].P50
			httpS = ms(rs[0].P50) + " / " + ms(rs[0].P99)
		}
		idx := "—"
		if okD {
			idx = ms(d[0].P50) + " / " + ms(d[0].P99)
			httpRatio = ratio(float64(hp50), float64(d[0].P50))
		}
		if okN {
			naiveS = ms(n.P50) + " / " + ms(n.P99)
			naiveRatio = ratio(float64(n.P50), float64(hp50))
		}
		w("| %s | %s | %s | %s | %s | %s |\n", name, idx, httpS, httpRatio, naiveS, naiveRatio)
	}
	if me, h := r.Closed["me"], r.Closed["healthz"]; len(me) > 1 && len(h) > 1 {
		w("\nHTTP floors, 8 clients: `/api/v1/me` (authenticated, no work) %.0f req/s, `/healthz` %.0f req/s (ratio %s).\n",
			me[1].Throughput, h[1].Throughput, ratio(h[1].Throughput, me[1].Throughput))
	}
	w("\n%s\n\n", sectionHeadings[5])
	if len(r.Closed["create"]) > 1 {
		c := r.Closed["create"]
		w("- POST a mentor: 1 client p50 / p99 %s / %s (%.0f/s); 8 clients %s / %s (%.0f/s)\n", ms(c[0].P50), ms(c[0].P99), c[0].Throughput, ms(c[1].P50), ms(c[1].P99), c[1].Throughput)
	}
	w("- POST a mentor, **4 clients: p50 / p99 %s / %s, %.0f writes/s**, errors %s (target p99 ≤ 50 ms, ≥ 200 writes/s)\n", ms(r.Writes4.P50), ms(r.Writes4.P99), r.Writes4.Throughput, errs(r.Writes4))
	for _, k := range []string{"in-process", "other replica"} {
		l := r.Searchable[k]
		t := "≤ 50 ms"
		if k != "in-process" {
			t = "≤ 1 s"
		}
		refused := ""
		if l.Err != "" {
			refused = "; " + l.Err
		}
		w("- write → searchable, %s: p50 / p99 %s / %s over %d writes, %d not found within 10 s%s (target p99 %s)\n", k, ms(l.P50), ms(l.P99), l.N, l.Errors, refused, t)
	}
	if im := r.Import; im.Err != "" {
		w("- spreadsheet import over HTTP (replica a, a CSV of %d new startups): **failed** after %s: %s\n", im.Rows, secs(im.D), im.Err)
	} else if im.Rows > 0 {
		w("- spreadsheet import over HTTP (replica a, as an administrator, a CSV of %d new startups into the loaded database): **%s** (%.0f rows/s), %d created, %d warned of as possible duplicates (target ≤ 3 s for 5,000)\n",
			im.Rows, secs(im.D), float64(im.Rows)/im.D.Seconds(), im.Created, im.Warned)
	}
	w("\n%s\n\n", sectionHeadings[6])
	w("- replica a started on the loaded database with the index built above (MONGODB_URI to the bench's database): /readyz %s, first match answered %s\n", ms(r.StartOnURI[0]), ms(r.StartOnURI[1]))
	w("- cold start to ready with an existing index, after everything stopped (%s): /readyz %s, first match answered %s (target ≤ 5 s)\n", coldHow(r), ms(r.ColdStart[0]), ms(r.ColdStart[1]))
	w("- peak RSS (VmHWM) of replica a over the whole load: **%s** (the embedded database ran in the bench process then: bench process peak %s)\n", mib(r.RSS), mib(r.RSSBench))
	w("- peak RSS of the cold-started server under a short 8-client mix: **%s** (target ≤ 1 GiB%s)\n\n", mib(r.RSSCold), coldRSSNote(r))

	w("%s\n\n", sectionHeadings[7])
	w("| target | figure | met |\n| --- | --- | --- |\n")
	for _, t := range r.targets() {
		w("| %s | %s | %s |\n", t[0], t[1], t[2])
	}
	w("\n")
	return b.String()
}

func coldHow(r *report) string {
	if strings.HasPrefix(r.Database, "embedded") {
		return "the default: `fuhua serve` with its embedded database in the process"
	}
	return "`fuhua serve` on MONGODB_URI"
}

func coldRSSNote(r *report) string {
	if strings.HasPrefix(r.Database, "embedded") {
		return "; the embedded database is inside this process"
	}
	return ""
}

func sanitize(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", "\\|")
}

func sum(rs []result) result {
	var t result
	for _, r := range rs {
		t.Errors += r.Errors
		t.Requests += r.Requests
	}
	return t
}

func joinInts(xs []int) string {
	var s []string
	for _, x := range xs {
		s = append(s, fmt.Sprint(x))
	}
	return strings.Join(s, ",")
}

// target is the target for an op, as the table shows it.
func target(name string) string {
	switch {
	case strings.HasPrefix(name, "match"):
		return "p99 ≤ 15 ms (1); ≥ 500/s (8)"
	case name == "search":
		return "p99 ≤ 25 ms (1); ≥ 250/s (8)"
	case strings.HasPrefix(name, "list"):
		return "p99 ≤ 10 ms (1); ≥ 500/s (8)"
	case name == "get":
		return "p99 ≤ 5 ms (1)"
	}
	return ""
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// targets lists each target with the figure and whether it is met.
func (r *report) targets() [][3]string {
	var out [][3]string
	add := func(t, fig string, ok bool) { out = append(out, [3]string{t, fig, yes(ok)}) }
	// A run limited to some request kinds (-ops) has no figure for the others:
	// their targets say so rather than judge a zero.
	unmeasured := func(t string) { out = append(out, [3]string{t, "not measured in this run", "—"}) }
	var worstP99 time.Duration
	minTP, matched := 1e18, 0
	for _, d := range directions() {
		rs := r.Closed[matchName(d)]
		if len(rs) < 2 {
			continue
		}
		matched++
		worstP99 = max(worstP99, rs[0].P99)
		minTP = min(minTP, rs[1].Throughput)
	}
	if matched > 0 {
		add("match, 1 client p99 ≤ 15 ms in every direction", "worst "+ms(worstP99), worstP99 <= 15*time.Millisecond)
	} else {
		unmeasured("match, 1 client p99 ≤ 15 ms in every direction")
	}
	if s := r.Closed["search"]; len(s) > 1 {
		add("search with facets, 1 client p99 ≤ 25 ms", ms(s[0].P99), s[0].P99 <= 25*time.Millisecond)
	}
	var listP99 time.Duration
	listTP, listed := 1e18, 0
	for _, n := range []string{"list_chain", "list_district"} {
		if s := r.Closed[n]; len(s) > 1 {
			listed++
			listP99 = max(listP99, s[0].P99)
			listTP = min(listTP, s[1].Throughput)
		}
	}
	if listed > 0 {
		add("a list, 1 client p99 ≤ 10 ms", "worst "+ms(listP99), listP99 <= 10*time.Millisecond)
	} else {
		unmeasured("a list, 1 client p99 ≤ 10 ms")
	}
	if s := r.Closed["get"]; len(s) > 1 {
		add("a profile GET, 1 client p99 ≤ 5 ms", ms(s[0].P99), s[0].P99 <= 5*time.Millisecond)
	}
	for _, s := range r.Open {
		if s.Rate == 200 {
			add("open loop 200 req/s: p99 ≤ 30 ms, no errors", fmt.Sprintf("%s, %d errors", ms(s.All.P99), s.All.Errors), s.All.P99 <= 30*time.Millisecond && s.All.Errors == 0)
		}
	}
	if matched > 0 {
		add("8 clients: match ≥ 500 req/s in every direction", fmt.Sprintf("slowest %.0f/s", minTP), minTP >= 500)
	} else {
		unmeasured("8 clients: match ≥ 500 req/s in every direction")
	}
	if s := r.Closed["search"]; len(s) > 1 {
		add("8 clients: search ≥ 250 req/s", fmt.Sprintf("%.0f/s", s[1].Throughput), s[1].Throughput >= 250)
	}
	if listed > 0 {
		add("8 clients: lists ≥ 500 req/s", fmt.Sprintf("slowest %.0f/s", listTP), listTP >= 500)
	} else {
		unmeasured("8 clients: lists ≥ 500 req/s")
	}
	add("writes, 4 clients: p99 ≤ 50 ms and ≥ 200 writes/s", fmt.Sprintf("%s, %.0f/s", ms(r.Writes4.P99), r.Writes4.Throughput),
		r.Writes4.P99 <= 50*time.Millisecond && r.Writes4.Throughput >= 200)
	ip, or := r.Searchable["in-process"], r.Searchable["other replica"]
	add("write → searchable p99 ≤ 50 ms in-process", ms(ip.P99), ip.N > 0 && ip.Errors == 0 && ip.Err == "" && ip.P99 <= 50*time.Millisecond)
	add("write → searchable p99 ≤ 1 s on another replica", ms(or.P99), or.N > 0 && or.Errors == 0 && or.Err == "" && or.P99 <= time.Second)
	add("bulk load ≥ 3,000 profiles/s", fmt.Sprintf("%.0f/s", r.Load.perSec()), r.Load.perSec() >= 3000)
	add("reindex ≥ 5,000 profiles/s", fmt.Sprintf("%.0f/s", r.Reindex.perSec()), r.Reindex.perSec() >= 5000)
	add("ready with an existing index ≤ 5 s", fmt.Sprintf("/readyz %s, first match %s", ms(r.ColdStart[0]), ms(r.ColdStart[1])), r.ColdStart[1] > 0 && r.ColdStart[1] <= 5*time.Second)
	add("peak RSS ≤ 1 GiB", fmt.Sprintf("replica a %s; cold-started server %s", mib(r.RSS), mib(r.RSSCold)), r.RSS > 0 && r.RSS <= 1<<30 && r.RSSCold <= 1<<30)
	if im := r.Import; im.Rows >= importRows {
		fig := secs(im.D)
		if im.Err != "" {
			fig = "failed after " + fig
		}
		add("5,000-row spreadsheet import ≤ 3 s", fig, im.Err == "" && im.Created == im.Rows && im.D <= 3*time.Second)
	} else {
		out = append(out, [3]string{"5,000-row spreadsheet import ≤ 3 s", "not measured in this run", "—"})
	}
	if r.Generated >= 1_000_000 {
		add("at 1M: match p99 (1 client) ≤ 60 ms, RSS ≤ 6 GiB", fmt.Sprintf("worst %s; replica a %s", ms(worstP99), mib(r.RSS)),
			worstP99 > 0 && worstP99 <= 60*time.Millisecond && r.RSS > 0 && r.RSS <= 6<<30)
	} else {
		out = append(out, [3]string{"at 1M: match p99 (1 client) ≤ 60 ms, RSS ≤ 6 GiB", "run `make bench BENCH_N=1000000`", "—"})
	}
	return out
}
