package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"fuhua/internal/profile"
)

// Source is the database as the follower sees it.
type Source interface {
	LastSeq(ctx context.Context) (int64, error)                             // highest sequence handed out (0 if none)
	ChangeAt(ctx context.Context, seq int64) (profile.Ref, bool, error)     // the change with that sequence; false if not written (yet)
	GetProfile(ctx context.Context, id string) (*profile.Profile, error)    // current document by id, archived included; error wrapping profile.ErrNotFound if gone
	EachProfile(ctx context.Context, fn func(*profile.Profile) error) error // every profile (archived included), for rebuild and reconciliation; fn may keep each profile
}

// VersionSource is a Source that can also list every profile's version (id,
// sequence, archived) without reading the profiles: reconciliation then reads
// whole only the profiles the index lacks.
type VersionSource interface {
	Source
	EachVersion(ctx context.Context, fn func(id string, seq int64, archived bool) error) error
}

// replay is how many changes before the database's last sequence the follower
// re-reads when it starts. A writer that took a sequence just before a rebuild or
// reconciliation read LastSeq may write its profile after the scan passed it;
// re-reading the tail catches it. Re-applying is harmless (Apply ignores what
// is not newer).
const replay = 64

// Run keeps the index in step with src until ctx ends: it rebuilds the index if
// Open found none (Ready turns true when done) or reconciles it otherwise, then
// follows changes and reconciles every Options.ReconcileEvery. Transient database
// errors are retried on the next poll; Run returns only ctx's error or a failed
// initial rebuild. Start it in its own goroutine.
func (ix *Index) Run(ctx context.Context, src Source) error {
	var last int64
	var err error
	// Reconciliation reads the whole database; beside the memory copy's load
	// it would take half the CPU the load needs to make the index ready. Run
	// after it: writes made meanwhile are queued for the copy, and Follow
	// starts once reconciliation read the database's last sequence.
	if !ix.NeedsRebuild() {
		_ = ix.WaitReady(ctx) // a failed load is reported by Ready and the requests; reconcile anyway
	}
	// took is how long the start's reconciliation took: the first periodic
	// one waits for it as for any other (reconcilePause). At a million
	// profiles on the embedded database it reads for minutes.
	took := time.Duration(0)
	for {
		if ix.NeedsRebuild() {
			last, err = ix.rebuild(ctx, src)
		} else {
			start := time.Now()
			var st ReconcileStats
			last, st, err = ix.reconcile(ctx, src)
			took = time.Since(start)
			ix.reconciled(st, took, err)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		select { // the database may still be starting
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
	ix.cursor.Store(max(0, last-replay))

	go func() {
		for {
			t := time.NewTimer(reconcilePause(ix.opts.ReconcileEvery, took))
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
				start := time.Now()
				_, st, err := ix.reconcile(ctx, src) // failures are retried next period
				took = time.Since(start)
				ix.reconciled(st, took, err)
			}
		}
	}()
	return ix.Follow(ctx, src)
}

// reconciled tells Options.OnReconcile what a reconciliation of Run's did.
func (ix *Index) reconciled(st ReconcileStats, took time.Duration, err error) {
	if ix.opts.OnReconcile != nil {
		ix.opts.OnReconcile(st, took, err)
	}
}

// reconcileShare is the most of the time reconciliation may take: it reads
// the whole database (on the embedded one, 100k profiles take seconds of both
// cores), and it is a safety net — Follow applies every change as it comes.
const reconcileShare = 100

// reconcilePause is how long Run waits before the next reconciliation: every,
// or longer when the last one took more than 1/reconcileShare of that.
func reconcilePause(every, took time.Duration) time.Duration {
	return max(every, took*reconcileShare)
}

// Follow applies the changes other processes make, in sequence order, polling
// src every Options.PollInterval, until ctx ends; it returns ctx's error. It
// starts after Cursor (see SetCursor). A poll reads the counter and then each new
// change by its sequence number (an _id lookup), so its cost does not grow with
// the collection. A sequence that was handed out but whose change is not written
// yet belongs to a writer still in flight: Follow waits for it, without moving
// past it, for up to Options.Grace, then counts it in Skipped and moves on.
func (ix *Index) Follow(ctx context.Context, src Source) error {
	ix.following.Add(1)
	defer ix.following.Add(-1)
	t := time.NewTicker(ix.opts.PollInterval)
	defer t.Stop()
	var w waiter
	for {
		_ = ix.poll(ctx, src, &w) // a failed poll is retried on the next tick
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// waiter remembers since when the follower has been waiting for one sequence.
type waiter struct {
	seq   int64
	since time.Time
}

// followBatch is how many changed profiles a poll gives Bleve in one batch. A
// follower far behind (another replica's import, a burst of writes) paid a
// batch per change. It is small enough that the first of a backlog waits for
// only so many reads of the database before it is searchable.
const followBatch = 64

// poll applies every change after the cursor that is there to apply and returns
// the first error met. The profiles changed are read one by one, and applied
// together, followBatch at a time; a profile gone from the database is removed
// in its turn, after what was read before it is applied. The cursor moves past
// a change only once it is applied.
func (ix *Index) poll(ctx context.Context, src Source, w *waiter) error {
	last, err := src.LastSeq(ctx)
	if err != nil {
		return err
	}
	var f followed
	f.done = ix.cursor.Load()
	for s := f.done + 1; s <= last; s++ {
		if ix.takeLocal(s) {
			f.done = s // applied here already, by the write itself
			continue
		}
		ref, ok, err := src.ChangeAt(ctx, s)
		if err != nil {
			return errors.Join(err, f.flush(ix))
		}
		if !ok {
			now := ix.opts.Now()
			if w.seq != s {
				w.seq, w.since = s, now
			}
			if now.Sub(w.since) < ix.opts.Grace {
				return f.flush(ix) // a writer is in flight: wait for it, do not skip
			}
			ix.skipped.Add(1)
			f.done = s
			continue
		}
		p, gone, err := ix.changed(ctx, src, ref, s)
		switch {
		case err != nil:
			return errors.Join(err, f.flush(ix))
		case gone:
			if err := f.flush(ix); err != nil {
				return err
			}
			if err := ix.remove(ref.ID, s); err != nil {
				return err
			}
		case p != nil:
			f.add(p, s)
		}
		f.done = s
		if len(f.ps) >= followBatch {
			if err := f.flush(ix); err != nil {
				return err
			}
		}
	}
	return f.flush(ix)
}

// followed is what a poll has read and not yet applied: the profiles (one per
// id, the last read), the changes they were read for, and done, the last
// change handled once they are applied. base is the cursor before the first
// of them.
type followed struct {
	ps   []*profile.Profile
	at   map[string]int // index in ps by id
	seqs []int64
	base int64
	done int64
}

func (f *followed) add(p *profile.Profile, seq int64) {
	if len(f.ps) == 0 {
		f.base = f.done
	}
	if f.at == nil {
		f.at = map[string]int{}
	}
	if i, ok := f.at[p.ID]; ok {
		f.ps[i] = p
	} else {
		f.at[p.ID] = len(f.ps)
		f.ps = append(f.ps, p)
	}
	f.seqs = append(f.seqs, seq)
}

// flush applies what f holds and moves the cursor to done; when the apply
// fails, only to base, so the next poll reads them again (the writes that did
// apply are noted, and passed then).
func (f *followed) flush(ix *Index) error {
	if len(f.ps) > 0 {
		if err := ix.ApplyAll(f.ps); err != nil {
			ix.cursor.Store(f.base)
			f.ps, f.seqs, f.done = f.ps[:0], f.seqs[:0], f.base
			clear(f.at)
			return err
		}
		for _, s := range f.seqs {
			ix.takeLocal(s) // noted by the apply just made
		}
		f.ps, f.seqs = f.ps[:0], f.seqs[:0]
		clear(f.at)
	}
	ix.cursor.Store(f.done)
	return nil
}

// changed reads the profile change seq named: nil when this process holds
// that change (or a later one) already, gone when the profile is no longer in
// the database.
func (ix *Index) changed(ctx context.Context, src Source, ref profile.Ref, seq int64) (p *profile.Profile, gone bool, err error) {
	ix.applyMu.Lock()
	have := ix.seqs[ref.ID]
	ix.applyMu.Unlock()
	if have >= seq {
		return nil, false, nil // this process wrote it (or a later change) already
	}
	p, err = src.GetProfile(ctx, ref.ID)
	if errors.Is(err, profile.ErrNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	return p, false, nil
}

// Cursor is the last sequence the follower has handled.
func (ix *Index) Cursor() int64 { return ix.cursor.Load() }

// SetCursor sets where Follow starts (after seq). Run sets it itself; call it
// only when driving Follow directly.
func (ix *Index) SetCursor(seq int64) { ix.cursor.Store(seq) }

// ReconcileStats says what a reconciliation repaired.
type ReconcileStats struct {
	Indexed int // profiles missing from the index or older there than in the database
	Deleted int // profiles in the index that are archived or gone from the database
}

// Reconcile compares the ids and sequences in the index with the database and
// repairs every difference: it indexes what is missing or stale and deletes what
// is archived or gone. It does not move the follower. Errors wrap the source's
// errors or are of kind profile.ErrInternal.
func (ix *Index) Reconcile(ctx context.Context, src Source) (ReconcileStats, error) {
	_, st, err := ix.reconcile(ctx, src)
	return st, err
}

func (ix *Index) reconcile(ctx context.Context, src Source) (int64, ReconcileStats, error) {
	var st ReconcileStats
	last, err := src.LastSeq(ctx)
	if err != nil {
		return 0, st, err
	}
	have, err := ix.indexedSeqs(ctx)
	if err != nil {
		return 0, st, err
	}
	seen := make(map[string]bool, len(have))
	// stale says whether the index must take this version of a profile.
	stale := func(id string, seq int64, archived bool) bool {
		seen[id] = true
		s, in := have[id]
		return !(archived && !in || !archived && in && s >= seq)
	}
	apply := func(p *profile.Profile) error {
		if p.Archived {
			st.Deleted++
		} else {
			st.Indexed++
		}
		return ix.Apply(p)
	}
	if vs, ok := src.(VersionSource); ok {
		// Only the versions are read; the few profiles the index lacks are
		// then read whole.
		var want []string
		err = vs.EachVersion(ctx, func(id string, seq int64, archived bool) error {
			if stale(id, seq, archived) {
				want = append(want, id)
			}
			return nil
		})
		for i := 0; err == nil && i < len(want); i++ {
			var p *profile.Profile
			switch p, err = src.GetProfile(ctx, want[i]); {
			case errors.Is(err, profile.ErrNotFound):
				// Gone since it was listed: as if never listed, so the
				// index drops it below.
				delete(seen, want[i])
				err = nil
			case err == nil:
				err = apply(p)
			}
		}
	} else {
		err = src.EachProfile(ctx, func(p *profile.Profile) error {
			if !stale(p.ID, p.Seq, p.Archived) {
				return nil
			}
			return apply(p)
		})
	}
	if err != nil {
		return 0, st, err
	}
	for id, s := range have {
		if !seen[id] {
			st.Deleted++
			if err := ix.remove(id, s); err != nil {
				return 0, st, err
			}
		}
	}
	ix.ready.Store(true)
	return last, st, nil
}

// indexedSeqs reads every id in the index with its stored sequence, a page at a
// time in id order.
func (ix *Index) indexedSeqs(ctx context.Context) (map[string]int64, error) {
	// The memory copy, once loaded, holds what Bleve holds, with the same
	// sequences; reading it takes milliseconds where reading every stored
	// document from Bleve takes seconds at 100k.
	if ix.loaded.Load() {
		var out map[string]int64
		ix.memory(func(m *memIndex) {
			out = make(map[string]int64, len(m.slot))
			for id, s := range m.slot {
				out[id] = m.recs[s].p.Seq
			}
		})
		return out, nil
	}
	return ix.bleveSeqs(ctx)
}

// bleveSeqs is indexedSeqs read from Bleve's stored documents.
func (ix *Index) bleveSeqs(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 2000, 0, false)
		req.Fields = []string{fSeq}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		var res *bleve.SearchResult
		err := ix.reader(func(bi bleve.Index) error {
			var err error
			res, err = bi.SearchInContext(ctx, req)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("index: scan: %w: %w", profile.ErrInternal, err)
		}
		for _, h := range res.Hits {
			out[h.ID] = int64(numberField(h, fSeq))
		}
		if len(res.Hits) < 2000 {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

func numberField(h *bsearch.DocumentMatch, name string) float64 {
	if v, ok := h.Fields[name].(float64); ok {
		return v
	}
	return 0
}

// Rebuild builds a new index from every live profile in src, beside the current
// one, and then swaps it in; searches keep working on the old index meanwhile.
// Changes applied during the build are replayed onto the new index before the
// swap. On success Ready is true. `fuhua reindex` and a missing index both end
// here. Errors wrap the source's errors or are of kind profile.ErrInternal.
func (ix *Index) Rebuild(ctx context.Context, src Source) error {
	_, err := ix.rebuild(ctx, src)
	return err
}

func (ix *Index) rebuild(ctx context.Context, src Source) (int64, error) {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	last, err := src.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	ix.applyMu.Lock()
	ix.pending = []*profile.Profile{}
	ix.applyMu.Unlock()
	defer func() {
		ix.applyMu.Lock()
		ix.pending = nil
		ix.applyMu.Unlock()
	}()

	tmp := ix.dir + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, fmt.Errorf("index: rebuild: %w: %w", profile.ErrInternal, err)
	}
	nb, err := ix.create(tmp)
	if err != nil {
		return 0, fmt.Errorf("index: rebuild: %w: %w", profile.ErrInternal, err)
	}
	seqs := map[string]int64{}
	mem := newMemIndex(ix.lex, ix.analyzer)
	err = ix.fill(ctx, src, nb, mem, seqs)
	if err == nil && mergeSegments {
		err = mergeToOne(ctx, nb)
	}
	if err == nil {
		err = nb.SetInternal(keyComplete, []byte(MappingVersion))
	}
	if cerr := nb.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("index: rebuild: %w", err)
	}

	// Swap: writers wait (applyMu), readers wait (mu) for the few milliseconds
	// of closing, renaming and opening.
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.Lock()
	if ix.bi != nil {
		ix.bi.Close()
	}
	old := ix.dir + ".old"
	os.RemoveAll(old)
	if err := os.Rename(ix.dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		ix.mu.Unlock()
		return 0, fmt.Errorf("index: rebuild: swap: %w: %w", profile.ErrInternal, err)
	}
	if err := os.Rename(tmp, ix.dir); err != nil {
		ix.mu.Unlock()
		return 0, fmt.Errorf("index: rebuild: swap: %w: %w", profile.ErrInternal, err)
	}
	bi, err := bleve.OpenUsing(ix.dir, servingConfig())
	if err != nil {
		ix.bi = nil
		ix.mu.Unlock()
		return 0, fmt.Errorf("index: rebuild: reopen: %w: %w", profile.ErrInternal, err)
	}
	ix.bi = bi
	ix.mu.Unlock()
	ix.memMu.Lock()
	ix.mem = mem
	ix.memMu.Unlock()
	ix.memGen++ // a background load still running must not replace this copy
	ix.loaded.Store(true)
	os.RemoveAll(old)

	pending := ix.pending
	ix.seqs = seqs
	ix.pending = nil
	for _, p := range pending {
		if err := ix.applyLocked(p); err != nil {
			return 0, err
		}
	}
	ix.needsRebuild.Store(false)
	ix.ready.Store(true)
	return last, nil
}
