package embedded

import (
	"context"
	"log/slog"
	"slices"
)

// quietHandler passes records at or above its level to next, and keeps the
// attributes a logger is given (Logger.With) as they are until a record is
// actually written.
//
// Why: FerretDB's SQL layer calls Logger.With(query arguments) around every
// statement and then logs at debug level. slog's text handler formats those
// arguments — whole documents, quoted rune by rune — as soon as With is called,
// even though the debug record is dropped: 12.7 % of the embedded database's
// CPU during a bulk load (profile in BENCHMARKS.md). Here With costs a slice
// append, and the formatting happens only for the error records that are kept.
type quietHandler struct {
	next  slog.Handler
	level slog.Level
	attrs []slog.Attr // given by With since the last group
	group string      // a WithGroup to apply after attrs, "" if none
	outer *quietHandler
}

func newQuietHandler(next slog.Handler, level slog.Level) *quietHandler {
	return &quietHandler{next: next, level: level}
}

func (h *quietHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	if len(as) == 0 {
		return h
	}
	c := *h
	c.attrs = append(slices.Clip(h.attrs), as...)
	return &c
}

func (h *quietHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &quietHandler{next: h.next, level: h.level, group: name, outer: h}
}

// build is next with every attribute and group given so far, in order.
func (h *quietHandler) build() slog.Handler {
	next := h.next
	if h.outer != nil {
		next = h.outer.build().WithGroup(h.group)
	}
	if len(h.attrs) > 0 {
		next = next.WithAttrs(h.attrs)
	}
	return next
}

func (h *quietHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.build().Handle(ctx, r)
}
