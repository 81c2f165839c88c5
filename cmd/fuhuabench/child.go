package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a `fuhua serve` process.
type child struct {
	name  string
	base  string // http://127.0.0.1:port
	pprof string // http://127.0.0.1:port of its profiling endpoints, or empty
	cmd   *exec.Cmd
	log   *os.File
	done  chan error
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startChild runs `fuhua serve` with the data directory dir. With uri empty it
// runs on its own embedded database (the default deployment); else on uri.
func (b *bench) startChild(name, dir, uri string, withPprof bool) (*child, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(b.o.Dir, name+".log"))
	if err != nil {
		return nil, err
	}
	c := &child{name: name, base: "http://" + addr, log: logf, done: make(chan error, 1)}
	env := []string{
		"FUHUA_ADDR=" + addr, "FUHUA_DATA_DIR=" + dir, "FUHUA_DB=" + b.dbName, "FUHUA_JWT_SECRET=" + b.secret,
		"FUHUA_DEMO=0", "FUHUA_DRAIN=0s", "HOME=" + os.Getenv("HOME"), "PATH=" + os.Getenv("PATH"),
	}
	if uri != "" {
		env = append(env, "MONGODB_URI="+uri)
	}
	for _, k := range []string{"FUHUA_GOGC", "FUHUA_MEMORY_LIMIT", "GOMAXPROCS", "GOGC", "GOMEMLIMIT", "FUHUA_SLOW_REQUEST", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if withPprof {
		pa, err := freeAddr()
		if err != nil {
			return nil, err
		}
		env = append(env, "FUHUA_PPROF_ADDR="+pa)
		c.pprof = "http://" + pa
	}
	c.cmd = exec.Command(b.o.Fuhua, "serve")
	c.cmd.Env = env
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { c.done <- c.cmd.Wait() }()
	return c, nil
}

// waitReady polls /readyz until it answers 200, then a match request until it
// answers 200 (the index's memory copy loaded), and returns both times since
// start.
func (c *child) waitReady(ctx context.Context, start time.Time, timeout time.Duration, probe func(base string) bool) (ready, serving time.Duration, err error) {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for ready == 0 {
		if err := c.check(ctx, deadline); err != nil {
			return 0, 0, err
		}
		if resp, err := client.Get(c.base + "/readyz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				ready = time.Since(start)
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	for probe != nil && !probe(c.base) {
		if err := c.check(ctx, deadline); err != nil {
			return 0, 0, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return ready, time.Since(start), nil
}

func (c *child) check(ctx context.Context, deadline time.Time) error {
	select {
	case err := <-c.done:
		c.done <- err
		return fmt.Errorf("%s exited (%v); see %s", c.name, err, c.log.Name())
	default:
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if time.Now().After(deadline) {
		return fmt.Errorf("%s not ready in time; see %s", c.name, c.log.Name())
	}
	return nil
}

// stop sends SIGTERM and waits for the process to end (SIGKILL after 60 s).
func (c *child) stop() {
	if c == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(60 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
	c.log.Close()
}

// tail is the end of the child's log, for error messages.
func (c *child) tail() string {
	b, err := os.ReadFile(c.log.Name())
	if err != nil {
		return ""
	}
	s := string(b)
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return strings.TrimSpace(s)
}

// waitReconciled polls the replica's /metrics until its index has finished a
// reconciliation with the database (the one each start makes), for at most
// timeout.
func (c *child) waitReconciled(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if err := c.check(ctx, deadline); err != nil {
			return fmt.Errorf("%s: waiting for its index's reconciliation: %w", c.name, err)
		}
		if resp, err := client.Get(c.base + "/metrics"); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if n, ok := metricValue(string(body), `fuhua_index_reconciliations_total{outcome="ok"}`); ok && n >= 1 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// metricValue is the value of the series named exactly name (with its
// labels) in a Prometheus text exposition.
func metricValue(body, name string) (float64, bool) {
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}
