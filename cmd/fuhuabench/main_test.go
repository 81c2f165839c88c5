package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestQuickRunWritesEverySection runs the whole program once in quick mode — a
// real `fuhua serve` built for the test, the embedded database, vegeta — and
// checks the section it writes into an existing BENCHMARKS.md has every heading,
// every request kind and every rate, and that the file's other text is kept. It
// checks no timing. The program runs as its own (non-race) binary: under -race
// the embedded database in the test process would be several times slower.
func TestQuickRunWritesEverySection(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	dir := t.TempDir()
	bin, benchBin := filepath.Join(dir, "fuhua"), filepath.Join(dir, "fuhuabench")
	for _, b := range [][2]string{{bin, "fuhua/cmd/fuhua"}, {benchBin, "fuhua/cmd/fuhuabench"}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	md := filepath.Join(dir, "BENCHMARKS.md")
	before := "# Benchmarks\n\nAn older section that must stay.\n"
	if err := os.WriteFile(md, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, benchBin, "-quick", "-n", "300", "-rates", "20,40", "-closed", "150ms",
		"-fuhua", bin, "-out", md, "-dir", filepath.Join(dir, "work"), "-keep")
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		t.Fatalf("fuhuabench: %v\n%s", err, log.String())
	}
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, before) {
		t.Errorf("the older text was not kept:\n%s", got[:min(len(got), 300)])
	}
	if strings.Count(got, beginMarker) != 1 || strings.Count(got, endMarker) != 1 {
		t.Errorf("want one section between one pair of markers")
	}
	var want []string
	want = append(want, sectionHeadings...)
	for _, d := range directions() {
		want = append(want, "| "+matchName(d)+" |")
	}
	for _, op := range []string{"search", "list_chain", "list_district", "get", "create", "patch", "intro", "me", "healthz"} {
		want = append(want, "| "+op+" |")
	}
	want = append(want, "| 20 req/s |", "| 40 req/s |", "write → searchable, in-process", "write → searchable, other replica",
		"cold start to ready", "peak RSS", "spreadsheet import over HTTP", "| bulk load into the database | ", "| reindex from the database | ")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("the section lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("section:\n%s\nlog:\n%s", got, log.String())
	}
}

// TestReplaceSection replaces the section between the markers and leaves the
// rest; with no markers it appends them.
func TestReplaceSection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "B.md")
	if err := os.WriteFile(p, []byte("head\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"first\n", "second\n"} {
		if err := replaceSection(p, s); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(p)
	want := "head\n\n" + beginMarker + "\nsecond\n" + endMarker + "\n"
	if string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
	// Text after the section stays.
	if err := os.WriteFile(p, []byte(want+"after\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := replaceSection(p, "third\n"); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(p)
	if !strings.HasSuffix(string(b), endMarker+"\nafter\n") || !strings.Contains(string(b), "third") || strings.Contains(string(b), "second") {
		t.Errorf("got %q", b)
	}
}
