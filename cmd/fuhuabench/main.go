// Command fuhuabench is `make bench`: in one run it generates N demo profiles,
// bulk-loads them, builds the search index, starts the real server (`fuhua
// serve` as child processes: one replica under load and a second on the same
// database), drives it over loopback with vegeta as a library (open loop at fixed
// rates, then closed loop with 1 and 8 clients), measures the floors of the same
// work (the index called directly, an authenticated no-op route, /healthz) and a
// naive baseline (candidates loaded from the database, scored in Go), and writes
// every figure with its target and ratios into a section of BENCHMARKS.md.
//
// It knows the server only from outside (HTTP, its process) and the database and
// index through their packages; it must not know the API's handlers.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fuhuabench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	N          int             // demo profiles to generate
	Fuhua      string          // the fuhua binary to run as the server
	Dir        string          // work directory (database, indexes, logs); empty: a temporary one
	Keep       bool            // keep Dir afterwards
	Step       time.Duration   // length of each open-loop rate step
	Closed     time.Duration   // length of each closed-loop run
	Rates      []int           // open-loop rates, req/s
	Out        string          // BENCHMARKS.md to write the section into; empty: none
	Report     string          // also write the section alone here
	Pprof      string          // directory for the server's CPU and heap profiles; empty: none
	Quick      bool            // the end-to-end check: small N, short runs
	Direct     int             // calls per request kind on the index directly
	Naive      int             // naive-baseline calls per direction
	MongoURI   string          // MONGODB_URI: run against it instead of the embedded database
	ProbeCount int             // write→searchable samples per path
	Ops        map[string]bool // closed-loop request kinds to run; nil: all
	Repeat     int             // closed-loop runs per kind and client count (alternating A/B comparisons read them all)
}

func parseFlags(args []string, stdout io.Writer) (options, error) {
	fs := flag.NewFlagSet("fuhuabench", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var o options
	rates := fs.String("rates", "50,100,200,400", "open-loop rates (req/s of the mix), comma-separated")
	fs.IntVar(&o.N, "n", 100000, "demo profiles to generate and load (1000000 for the province figure: see BENCHMARKS.md; use MONGODB_URI for it)")
	fs.StringVar(&o.Fuhua, "fuhua", "bin/fuhua", "the fuhua binary to start as the server (make bench builds it)")
	fs.StringVar(&o.Dir, "dir", "", "work directory (database, indexes, server logs); default a temporary directory, removed afterwards")
	fs.BoolVar(&o.Keep, "keep", false, "keep the work directory")
	fs.DurationVar(&o.Step, "step", 10*time.Second, "length of each open-loop rate step")
	fs.DurationVar(&o.Closed, "closed", 5*time.Second, "length of each closed-loop run (per request kind and client count)")
	fs.StringVar(&o.Out, "out", "BENCHMARKS.md", "file whose fuhuabench section is replaced (empty: none)")
	fs.StringVar(&o.Report, "report", "", "also write the section alone to this file")
	fs.StringVar(&o.Pprof, "pprof", "", "directory for CPU profiles: of the server under the 8-client runs and the import, of this process under the bulk load and the reindex (and the database when embedded); and a heap profile")
	fs.BoolVar(&o.Quick, "quick", false, "end-to-end check: N=2000 unless -n is given, 0.3 s steps, 0.2 s runs (figures meaningless)")
	fs.IntVar(&o.Direct, "direct", 400, "calls per request kind on the index directly (the floor)")
	fs.IntVar(&o.Naive, "naive", 5, "naive-baseline calls per match direction (1 from -n 50000 unless given)")
	fs.IntVar(&o.ProbeCount, "probes", 30, "write→searchable samples, in-process and on the other replica")
	ops := fs.String("ops", "", "closed-loop request kinds to run, comma-separated (default all: a full report needs all)")
	fs.IntVar(&o.Repeat, "repeat", 1, "closed-loop runs of each kind and client count (the report keeps the last)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.Quick {
		if !set["n"] {
			o.N = 2000
		}
		if !set["step"] {
			o.Step = 300 * time.Millisecond
		}
		if !set["closed"] {
			o.Closed = 200 * time.Millisecond
		}
		if !set["direct"] {
			o.Direct = 10
		}
		if !set["naive"] {
			o.Naive = 1
		}
		if !set["probes"] {
			o.ProbeCount = 3
		}
	}
	// The naive baseline reads every candidate of a kind from the database per
	// call: ≈ 20 s at 100k on the embedded database, so one call per direction
	// is what a 100k run can afford (its p50 and p99 are then that one call).
	if !set["naive"] && o.N >= 50000 {
		o.Naive = 1
	}
	for _, r := range strings.Split(*rates, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(r), &n); err != nil || n <= 0 {
			return o, fmt.Errorf("-rates: %q is not a positive whole number", r)
		}
		o.Rates = append(o.Rates, n)
	}
	if *ops != "" {
		o.Ops = map[string]bool{}
		for _, k := range strings.Split(*ops, ",") {
			o.Ops[strings.TrimSpace(k)] = true
		}
	}
	if o.N < 100 {
		return o, errors.New("-n must be at least 100")
	}
	o.MongoURI = os.Getenv("MONGODB_URI")
	return o, nil
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	if o.Fuhua, err = filepath.Abs(o.Fuhua); err != nil {
		return err
	}
	if _, err := os.Stat(o.Fuhua); err != nil {
		return fmt.Errorf("the server binary: %w (run `make build` or pass -fuhua)", err)
	}
	if o.Dir == "" {
		d, err := os.MkdirTemp("", "fuhuabench-")
		if err != nil {
			return err
		}
		o.Dir = d
		if !o.Keep {
			defer os.RemoveAll(d)
		}
	}
	if o.Pprof != "" {
		if err := os.MkdirAll(o.Pprof, 0o755); err != nil {
			return err
		}
	}
	b := &bench{o: o, out: stdout, rep: newReport(o)}
	if err := b.run(ctx); err != nil {
		return err
	}
	section := b.rep.markdown()
	if o.Report != "" {
		if err := os.WriteFile(o.Report, []byte(section), 0o644); err != nil {
			return err
		}
	}
	if o.Out != "" {
		if err := replaceSection(o.Out, section); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote the fuhuabench section of %s\n", o.Out)
	}
	return nil
}

// Markers around the section this command owns in BENCHMARKS.md.
const (
	beginMarker = "<!-- fuhuabench:begin (written by `make bench`; edits inside are replaced) -->"
	endMarker   = "<!-- fuhuabench:end -->"
)

// replaceSection puts section between the markers in path, appending the
// markers at the end when the file has none.
func replaceSection(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	s := string(old)
	block := beginMarker + "\n" + section + endMarker + "\n"
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i >= 0 && j > i {
		s = s[:i] + block + s[j+len(endMarker):]
		s = strings.Replace(s, endMarker+"\n\n", endMarker+"\n", 1)
	} else {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += "\n" + block
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
