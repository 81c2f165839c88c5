package index

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bdocument "github.com/blevesearch/bleve/v2/document"

	"fuhua/internal/profile"
)

// The rebuild pipeline. Reading the database, deriving each profile's Bleve
// document and memory record, and Bleve's own indexing each take a share of a
// rebuild; done one profile after another on one goroutine they leave the
// other cores idle. fill runs them as stages:
//
//	cursor (src.EachProfile, the caller's goroutine) → chunks of rebuildChunk
//	  → GOMAXPROCS derivers (document, Bleve's mapping, match.Prepare, terms)
//	  → one collector, in cursor order: memory copy insert, Bleve batch
//	  → one Bleve writer (nb.Batch of rebuildBatch documents)
//
// The collector takes the chunks in the order the cursor read them, so the
// memory copy's records get the same slots as a one-by-one rebuild's and the
// copy is identical.

// Variables, not constants, so that tests can make a small rebuild cross
// many chunks and batches.
var (
	// rebuildChunk is how many profiles a deriver takes at a time.
	rebuildChunk = 128
	// rebuildBatch is how many documents one Bleve batch holds: fewer, larger
	// segments mean fewer merges afterwards.
	rebuildBatch = 1000
)

// rebuildWork is one chunk of profiles read by the cursor and, once done is
// closed, what the derivers made of it.
type rebuildWork struct {
	ps   []*profile.Profile
	docs []*bdocument.Document
	ds   []derived
	err  error
	done chan struct{}
}

// fill indexes into nb and mem every live profile src yields and records in
// seqs the sequence of every profile, archived included. It returns the first
// error of the source, a deriver or Bleve; mem and nb are then incomplete.
func (ix *Index) fill(ctx context.Context, src Source, nb bleve.Index, mem *memIndex, seqs map[string]int64) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := max(1, runtime.GOMAXPROCS(0))
	work := make(chan *rebuildWork, 2*workers)
	order := make(chan *rebuildWork, 4*workers)
	batches := make(chan *bleve.Batch, 1)
	im := nb.Mapping()
	// Deriving reads only the lexicon and the analyser; the derivers go
	// through their own value so that they never read mem while the collector
	// changes it.
	deriver := &memIndex{lex: mem.lex, an: mem.an}

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range work {
				if ctx.Err() == nil {
					w.err = ix.deriveChunk(im, deriver, w)
				}
				close(w.done)
			}
		}()
	}
	writerDone := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = nb.Batch(b); err != nil {
					cancel(err)
				}
			}
		}
		writerDone <- err
	}()
	collectorDone := make(chan error, 1)
	go func() {
		batch := nb.NewBatch()
		var err error
		for w := range order {
			<-w.done
			if err != nil {
				continue // drain
			}
			if w.err != nil {
				err = w.err
				cancel(err)
				continue
			}
			for i, d := range w.ds {
				mem.insert(d)
				if err = batch.IndexAdvanced(w.docs[i]); err != nil {
					cancel(err)
					break
				}
			}
			if err == nil && batch.Size() >= rebuildBatch {
				select {
				case batches <- batch:
				case <-ctx.Done():
				}
				batch = nb.NewBatch()
			}
		}
		if err == nil && batch.Size() > 0 && ctx.Err() == nil {
			batches <- batch
		}
		close(batches)
		collectorDone <- err
	}()

	send := func(w *rebuildWork) error {
		select {
		case order <- w:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		select {
		case work <- w:
			return nil
		case <-ctx.Done():
			close(w.done) // the collector may be waiting for it
			return context.Cause(ctx)
		}
	}
	var chunk []*profile.Profile
	err := src.EachProfile(ctx, func(p *profile.Profile) error {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		seqs[p.ID] = p.Seq
		if p.Archived {
			return nil
		}
		chunk = append(chunk, p)
		if len(chunk) < rebuildChunk {
			return nil
		}
		w := &rebuildWork{ps: chunk, done: make(chan struct{})}
		chunk = nil
		return send(w)
	})
	if err == nil && len(chunk) > 0 {
		err = send(&rebuildWork{ps: chunk, done: make(chan struct{})})
	}
	if err != nil {
		cancel(err)
	}
	close(work)
	close(order)
	wg.Wait()
	cerr := <-collectorDone
	werr := <-writerDone
	switch {
	case cerr != nil:
		return cerr
	case werr != nil:
		return werr
	case err != nil:
		return err
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return ctx.Err()
}

// deriveChunk makes the Bleve document and the memory record of every profile
// in w. It reads only the lexicon, the analyser and the mapping, all safe for
// concurrent use.
func (ix *Index) deriveChunk(im interface {
	MapDocument(*bdocument.Document, any) error
}, deriver *memIndex, w *rebuildWork) error {
	w.docs = make([]*bdocument.Document, len(w.ps))
	w.ds = make([]derived, len(w.ps))
	for i, p := range w.ps {
		doc, rec, err := document(p, ix.lex)
		if err != nil {
			return err
		}
		bd := bdocument.NewDocument(p.ID)
		if err := im.MapDocument(bd, doc); err != nil {
			return err
		}
		w.docs[i] = bd
		w.ds[i] = deriver.derive(rec)
	}
	return nil
}
