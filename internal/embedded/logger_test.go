package embedded

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// counted is a log value that counts how often a handler resolves it.
type counted struct{ n *int }

func (c counted) LogValue() slog.Value { *c.n++; return slog.StringValue("resolved") }

func TestQuietHandlerFormatsOnlyWhatItWrites(t *testing.T) {
	var buf bytes.Buffer
	n := 0
	log := slog.New(newQuietHandler(slog.NewTextHandler(&buf, nil), slog.LevelError))

	// What FerretDB's SQL layer does around every statement.
	log.With(slog.Any("args", counted{&n})).Debug(">>> INSERT")
	if n != 0 || buf.Len() != 0 {
		t.Fatalf("a dropped debug record resolved its attributes %d times and wrote %q", n, buf.String())
	}

	log.With("name", "sqlite").WithGroup("g").With(slog.Any("args", counted{&n})).Error("boom", "k", 1)
	out := buf.String()
	if n != 1 {
		t.Fatalf("the written record resolved its attribute %d times, want 1", n)
	}
	for _, want := range []string{"level=ERROR", "msg=boom", "name=sqlite", "g.args=resolved", "g.k=1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output %q lacks %q", out, want)
		}
	}
}
