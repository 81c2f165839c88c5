package index

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	zapv17 "github.com/blevesearch/zapx/v17"

	"fuhua/internal/match"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// Keys of Bleve's internal (non-document) storage.
var (
	keyComplete = []byte("fuhua.complete") // set once a rebuild finished; holds MappingVersion
)

// Options tune an Index. The zero value is the production setting.
type Options struct {
	// Chains and Districts name chains and districts and carry the chain
	// synonyms; nil means seed.Chains() and seed.Districts().
	Chains    []seed.Chain
	Districts []seed.District
	// PollInterval is how often Follow asks the database for changes (100 ms).
	PollInterval time.Duration
	// Grace is how long Follow waits for a change whose sequence was handed out
	// but not yet written before giving up on it (10 s); reconciliation then
	// repairs whatever it missed.
	Grace time.Duration
	// ReconcileEvery is the period of reconciliation in Run (5 min), or a
	// hundred times as long as the last one took when that is longer.
	ReconcileEvery time.Duration
	// SearchTimeout bounds one search or one match query (2 s).
	SearchTimeout time.Duration
	// ExposureTTL is how long a mentor's top-3 exposure to a startup counts
	// against their free capacity (24 h).
	ExposureTTL time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// OnReconcile, when set, is told what each of Run's reconciliations
	// repaired, how long it took and its error (the server logs it).
	OnReconcile func(st ReconcileStats, took time.Duration, err error)

	// beforeLoadSwap, when set, runs after the background load has read every
	// stored document and before it takes the write lock to swap the copy in:
	// tests use it to land writes in that window.
	beforeLoadSwap func()
}

func (o *Options) defaults() {
	if o.Chains == nil {
		o.Chains = seed.Chains()
	}
	if o.Districts == nil {
		o.Districts = seed.Districts()
	}
	if o.PollInterval <= 0 || o.PollInterval > 250*time.Millisecond {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.Grace <= 0 {
		o.Grace = 10 * time.Second
	}
	if o.ReconcileEvery <= 0 {
		o.ReconcileEvery = 5 * time.Minute
	}
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = 2 * time.Second
	}
	if o.ExposureTTL <= 0 {
		o.ExposureTTL = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// GCPercent is the garbage-collection target (debug.SetGCPercent, as GOGC)
// serve sets by default and the benchmarks run with. The memory copy is a
// long-lived heap (≈230 MB at 100k profiles) that every collection marks while
// requests run; at Go's default of 100 a collection starts after each heap's
// worth of garbage. 200 halves how often that happens, for at most twice the
// live heap in garbage (≈460 MB at 100k).
const GCPercent = 200

// maxClauses bounds how many terms one disjunction may expand to. fuhua never
// builds fuzzy, prefix or regexp queries, so this is a guard, not a tuning knob.
const maxClauses = 1024

// Index is the on-disk Bleve index plus what keeps it in step with the database.
// It is safe for concurrent use.
type Index struct {
	dir    string
	opts   Options
	lex    *match.Lexicon
	ledger *match.Ledger
	// analyzer is the cjk analyser, to drop search words it would reduce to nothing.
	analyzer analysis.Analyzer

	// mu guards bi, which Rebuild swaps for a freshly built index.
	mu sync.RWMutex
	bi bleve.Index

	// memMu guards mem, the in-memory copy that facets, totals and match
	// candidates are computed from (see memory.go). Writers also hold applyMu,
	// so mem changes in the same order as bi.
	memMu sync.RWMutex
	mem   *memIndex

	// applyMu serialises writes, so that "is this change newer than what the
	// index holds?" and the write itself happen as one step.
	applyMu sync.Mutex
	// queueMu guards queue: the writes waiting for applyMu, which its next
	// holder applies together (Apply).
	queueMu sync.Mutex
	queue   []*applyReq
	// seqs is the sequence of the last change applied per profile id, deletions
	// included, so an older change read late never overwrites a newer one.
	seqs map[string]int64
	// pending collects the changes applied while a rebuild runs, to be replayed
	// on the new index before it replaces the old one.
	pending []*profile.Profile
	// loadPending collects, while the background load of the memory copy runs
	// (nil otherwise), what each write did to the copy, in apply order, so the
	// loaded copy can be brought up to date before it replaces the empty one.
	loadPending []memOp
	// memGen counts replacements of mem by a rebuild, so a background load
	// that started before one does not overwrite the newer copy.
	memGen uint64
	// loadStop asks the background load to give up (Close); loadDone is closed
	// when it has returned (nil when no load was started).
	loadStop atomic.Bool
	loadDone chan struct{}
	loadErr  error // set before loadDone is closed
	// restored and reread count the records loads made with the stored
	// reading and those whose text was read again (none stored, or one of
	// another lexicon).
	restored, reread atomic.Int64
	// released is how many bytes of mapped index files loads gave back
	// (releaseMapped).
	released atomic.Int64
	// loaded is false only while a background load is due to replace mem: the
	// copy is then empty, so Search and Match refuse rather than answer wrong.
	loaded atomic.Bool

	rebuildMu sync.Mutex // one rebuild at a time

	// scorePool holds *[]float64 pre-score buffers for Match (see scoreBuf).
	scorePool sync.Pool

	// localMu guards local: the sequences this process applied itself ahead
	// of the follower (a write's own Apply), which the follower then passes
	// without reading their change documents back (see takeLocal).
	localMu   sync.Mutex
	local     map[int64]struct{}
	following atomic.Int32 // how many Follow loops run: none, nothing is noted

	cursor       atomic.Int64 // the follower's position: last sequence handled
	ready        atomic.Bool
	needsRebuild atomic.Bool
	skipped      atomic.Int64 // sequences given up on after Grace
}

// Open opens the index in dir, creating it if missing. An index that cannot be
// opened, was left half-built, or was written with another MappingVersion is
// moved aside (to dir.broken-<time>) and replaced by an empty one; so is one
// whose files are cut short or whose opening panics (see openExisting). In those cases
// NeedsRebuild reports true and Ready false until Rebuild has run. An intact
// index returns at once too, but its in-memory copy is loaded in the background
// (5–7 s of CPU at 100k profiles, most of it match.Prepare), so the process can start serving its
// other routes and /readyz meanwhile: Ready is false until the load is done
// (WaitReady waits for it). Writes applied during the load are kept. Errors are
// of kind profile.ErrUnavailable.
func Open(dir string, opts Options) (*Index, error) {
	opts.defaults()
	// A process-wide Bleve setting: set here because the index is what builds
	// queries; every value this package uses is the same.
	searcher.DisjunctionMaxClauseCount = maxClauses
	// zapx sizes the buffer of a new segment for the batch's documents plus
	// 100 more, at the average size per document of the last segment it
	// built: for the one-document batch of a single write (whose segment is
	// mostly fixed overhead) a buffer about a hundred times the segment,
	// allocated, cleared and collected on every write. Without the 100 it is
	// sized for the batch alone and grows if it must.
	zapv17.NewSegmentBufferNumResultsBump = 0
	ix := &Index{
		dir:    filepath.Clean(dir),
		opts:   opts,
		lex:    match.NewLexicon(opts.Chains, opts.Districts),
		ledger: match.NewLedger(opts.ExposureTTL, opts.Now),
		seqs:   map[string]int64{},
	}
	ix.analyzer = Mapping().AnalyzerNamed(cjk.AnalyzerName)
	bi, err := ix.openOrCreate()
	if err != nil {
		return nil, fmt.Errorf("index: open %s: %w: %w", dir, profile.ErrUnavailable, err)
	}
	ix.bi = bi
	ix.mem = newMemIndex(ix.lex, ix.analyzer)
	ix.loaded.Store(ix.needsRebuild.Load())
	if !ix.needsRebuild.Load() {
		ix.loadPending = []memOp{}
		ix.loadDone = make(chan struct{})
		go ix.loadInBackground()
	}
	return ix, nil
}

// memOp is what one write did to the memory copy: put rec, or delete id when
// rec is nil.
type memOp struct {
	id  string
	rec *record
}

// loadInBackground loads the memory copy, replays the writes applied while it
// ran, swaps it in and turns Ready on. A rebuild that swapped in its own copy
// meanwhile wins: the loaded copy is dropped.
func (ix *Index) loadInBackground() {
	defer close(ix.loadDone)
	// The load read every stored document through Bleve's mapping of the
	// files: once it is swapped in, those pages are given back (release.go),
	// outside applyMu, before WaitReady returns.
	release := false
	defer func() {
		if release {
			ix.releaseMapped()
		}
	}()
	ix.applyMu.Lock()
	gen := ix.memGen
	ix.applyMu.Unlock()
	mem, err := ix.loadMemory()
	if ix.opts.beforeLoadSwap != nil {
		ix.opts.beforeLoadSwap()
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ops := ix.loadPending
	ix.loadPending = nil
	if err != nil {
		ix.loadErr = fmt.Errorf("index: load: %w: %w", profile.ErrUnavailable, err)
		return
	}
	if gen != ix.memGen {
		ix.loaded.Store(true) // the rebuild's copy is complete
		return
	}
	// The load read pages at different moments, so a page read before a write
	// may hold the old version: replaying every write in order fixes that.
	for _, op := range ops {
		if op.rec != nil {
			mem.put(op.rec)
		} else {
			mem.del(op.id)
		}
	}
	ix.memMu.Lock()
	ix.mem = mem
	ix.memMu.Unlock()
	release = true
	ix.loaded.Store(true)
	if !ix.needsRebuild.Load() {
		ix.ready.Store(true)
	}
}

// WaitReady waits until the background load Open started has finished, or ctx
// ends. It returns nil once the memory copy is loaded (or when Open needed no
// load), ctx's error, or the load's error, of kind profile.ErrUnavailable.
// Readiness after a rebuild is Ready's business, not WaitReady's.
func (ix *Index) WaitReady(ctx context.Context) error {
	if ix.loadDone == nil {
		return nil
	}
	select {
	case <-ix.loadDone:
		return ix.loadErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LoadStats is what the loads of the memory copy since Open did.
type LoadStats struct {
	// Restored and Reread count the profiles loaded with their stored
	// reading and those whose text was read again.
	Restored, Reread int64
	// ReleasedBytes is how much of the mapped index files the loads gave
	// back from the process's resident memory once done (zero off Linux).
	ReleasedBytes int64
}

// LoadStats is what the loads of the memory copy since Open did.
func (ix *Index) LoadStats() LoadStats {
	return LoadStats{Restored: ix.restored.Load(), Reread: ix.reread.Load(), ReleasedBytes: ix.released.Load()}
}

// loading is an error of kind profile.ErrUnavailable while the memory copy
// is still being loaded, nil after.
func (ix *Index) loading() error {
	if ix.loaded.Load() {
		return nil
	}
	return &profile.Error{Kind: profile.ErrUnavailable, Code: "index_loading",
		EN: "the search index is still loading; try again shortly", ZH: "检索索引正在加载，请稍后重试"}
}

// errLoadStopped ends a background load because the index is closing.
var errLoadStopped = errors.New("index closed while loading")

// loadMemory builds the in-memory copy from the segments of the index
// (loadSegments) or, for an index that is not a scorch one, from the stored
// documents, a page at a time in id order, and then its postings from Bleve's
// (loadPostings). Three
// stages overlap: reading the next page of stored documents from Bleve,
// decoding and deriving the current page on every core, and inserting the page
// before into the copy in id order.
func (ix *Index) loadMemory() (*memIndex, error) {
	if mem, ok, err := ix.loadSegments(); ok || err != nil {
		return mem, err
	}
	mem := newMemIndex(ix.lex, ix.analyzer)
	type page struct {
		hits []*bsearch.DocumentMatch
		err  error
	}
	pages := make(chan page, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(pages)
		var after []string
		for {
			if ix.loadStop.Load() {
				select {
				case pages <- page{err: errLoadStopped}:
				case <-stop:
				}
				return
			}
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), loadPage, 0, false)
			req.Fields = []string{fSource, fSeq, fReading}
			req.SortBy([]string{"_id"})
			req.Score = "none"
			if after != nil {
				req.SearchAfter = after
			}
			var res *bleve.SearchResult
			err := ix.reader(func(bi bleve.Index) error {
				var err error
				res, err = bi.Search(req)
				return err
			})
			var p page
			if err != nil {
				p.err = err
			} else {
				p.hits = res.Hits
			}
			select {
			case pages <- p:
			case <-stop:
				return
			}
			if err != nil || len(res.Hits) < loadPage {
				return
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
	}()

	inserts := make(chan []derived, 1)
	inserted := make(chan struct{})
	go func() {
		defer close(inserted)
		for ds := range inserts {
			for _, d := range ds {
				mem.insert(d)
			}
		}
	}()
	defer func() {
		if inserts != nil {
			close(inserts)
			<-inserted
		}
	}()
	for pg := range pages {
		if pg.err != nil {
			return nil, pg.err
		}
		// Decoding and deriving (analysis, the lexicon's reading) are most of a
		// load and independent per profile: they run on every core, and the
		// records are inserted in id order as before, so the copy is the same.
		hits := pg.hits
		ds := make([]derived, len(hits))
		errs := make([]error, len(hits))
		parallel(len(hits), func(i int) {
			h := hits[i]
			src, _ := h.Fields[fSource].(string)
			p, err := fromPublic(src, int64(numberField(h, fSeq)))
			if err != nil {
				errs[i] = fmt.Errorf("stored %s: %w", h.ID, err)
				return
			}
			p.ID = h.ID
			reading, _ := h.Fields[fReading].(string)
			ds[i] = deriveKeywords(ix.restoreRecord(p, []byte(reading)))
		})
		for i := range ds {
			if errs[i] != nil {
				return nil, errs[i]
			}
		}
		inserts <- ds
	}
	close(inserts)
	<-inserted
	inserts = nil
	// The terms of every record come from Bleve's postings, not from analysing
	// each profile's text again (most of a load's CPU otherwise).
	if err := ix.loadPostings(mem); err != nil {
		return nil, err
	}
	return mem, nil
}

// loadPage is how many stored documents one search of loadMemory reads.
const loadPage = 2000

// parallel calls fn(0) … fn(n-1) on GOMAXPROCS goroutines and waits.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// memory runs fn with the in-memory copy under its read lock.
func (ix *Index) memory(fn func(*memIndex)) {
	ix.memMu.RLock()
	defer ix.memMu.RUnlock()
	fn(ix.mem)
}

func (ix *Index) openOrCreate() (bleve.Index, error) {
	if _, err := os.Stat(ix.dir); errors.Is(err, os.ErrNotExist) {
		ix.needsRebuild.Store(true)
		return ix.create(ix.dir)
	}
	bi, err := openExisting(ix.dir)
	if err == nil {
		v, gerr := bi.GetInternal(keyComplete)
		if gerr == nil && string(v) == MappingVersion {
			return bi, nil
		}
		bi.Close()
	}
	aside := fmt.Sprintf("%s.broken-%d", ix.dir, ix.opts.Now().UnixNano())
	if err := os.Rename(ix.dir, aside); err != nil {
		return nil, err
	}
	ix.needsRebuild.Store(true)
	return ix.create(ix.dir)
}

// openExisting opens the Bleve index in dir, turning the ways a damaged one
// would crash the process into errors: a root file cut short (bbolt reads
// the pages its meta page names through a memory map, and a page past the
// end of the file is a SIGBUS, not an error), and any fault or panic while
// the stored segments are opened.
func openExisting(dir string) (bi bleve.Index, err error) {
	if err := boltIntact(filepath.Join(dir, "store", "root.bolt")); err != nil {
		return nil, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			bi, err = nil, fmt.Errorf("opening the index failed: %v", r)
		}
	}()
	return bleve.OpenUsing(dir, servingConfig())
}

// servingConfig is Bleve's run-time configuration for the index a process
// serves from: a write returns once it is searchable in memory, and Bleve
// writes it to disk in the background (scorch's unsafe_batch).
//
// Why: waiting for each write's segment to reach the disk (a file and a Bolt
// commit, both synced) was most of a profile write's time — measured 25 ms per
// Apply against 2.6–4.5 ms without the wait (200 applies, 2 cores). What a
// crash loses is only the index's copy of the last moments' writes, which the
// database holds: on the next start the follower re-reads the last changes and
// reconciliation compares every profile with the database, so nothing stays
// missing. A clean Close waits for the disk (waitPersisted). A rebuild writes
// its new index with safe batches and opens it with this configuration.
func servingConfig() map[string]interface{} {
	return map[string]interface{}{
		"unsafe_batch": true,
		"scorchPersisterOptions": map[string]interface{}{
			"PersisterNapTimeMSec": persisterNap.Milliseconds(),
		},
	}
}

// persisterNap is how long Bleve's persister waits before it writes what came
// in since it last wrote (scorch's PersisterNapTimeMSec; Bleve's default is
// none): the writes of that time are merged in memory and reach the disk as
// one segment, not one each.
//
// Why: with no nap every single write became a file of its own, which Bleve's
// merger then merged and merged again — on fuhuabench's 100k, under 8 clients
// creating mentors, the merger was 21 % of the server's CPU and the persister
// 12 %, beside 18 % for the writes themselves (BENCHMARKS.md, round 12, with
// the side-by-side figures over HTTP). What
// a write costs in the nap is memory for a moment (a segment of a few
// profiles) and nothing in latency: a write is searchable once it is in
// memory (unsafe_batch), and a clean Close waits for the disk (waitPersisted,
// up to one nap more).
var persisterNap = 200 * time.Millisecond

// mergeSegments is whether a rebuild ends with mergeToOne: a variable so that
// a test can compare with the unmerged index.
var mergeSegments = true

// mergeToOne merges the segments of a freshly built index into one, as a
// search engine optimises an index after a bulk load.
//
// Why: a rebuild's batches leave Bleve's tiered merging with a handful of
// segments of different sizes (at 100k: one of 156 MB, four of 32 MB and
// smaller ones), and every term of a search is looked up and iterated in each.
// Measured on fuhuabench's 100k (its eight searches on the index just built,
// in the bench process, runs of the merged and unmerged builds alternating):
// 1 goroutine p50 6.3–7.3 ms unmerged (five runs) → 4.7–5.6 ms merged
// (three); the p99 and the 8-goroutine rate vary more between runs than
// between builds. The server then also peaks lower: 1,108–1,148 MiB against
// 1,149–1,196 MiB (BENCHMARKS.md, round 10).
// It costs the rebuild a few seconds at 100k (the merge writes the index once
// more). Scores do not change: a new index has no deleted documents, so every
// term's document count is the same (TestRebuildMergesToOneSegment).
//
// Not done after the writes of a running index (an import leaves eleven to
// sixteen segments at 100k, and the same searches ran 1.2–1.7× as fast merged):
// tried in the background once writes paused, the merge held ≈ 100 MB of heap
// and read every page of the old segments, and the server's peak RSS over
// fuhuabench's run rose from 1,117–1,187 MiB to 1,390 MiB (BENCHMARKS.md,
// round 10).
func mergeToOne(ctx context.Context, bi bleve.Index) error {
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	// One force merge merges at most SegmentsPerMergeTask (10) segments into
	// one; a few rounds take any number down to one, and a round that merged
	// nothing ends it.
	for prev := -1; ; {
		n := fileSegments(bi)
		if n <= 1 || n == prev || ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
			return err
		}
		prev = n
	}
}

// fileSegments is how many segments the index's current snapshot has on disk
// (-1 if Bleve does not say).
func fileSegments(bi bleve.Index) int {
	m, _ := bi.StatsMap()["index"].(map[string]interface{})
	n, ok := m["num_root_filesegments"].(uint64)
	if !ok {
		return -1
	}
	return int(n)
}

// persistWait bounds how long Close waits for Bleve to write what is still
// only in memory. Bleve does not always record a snapshot that only deletes
// as written, so a Close after such a write waits this long; what it did not
// write is repaired from the database at the next start (reconciliation).
const persistWait = 3 * time.Second

// waitPersisted waits, up to bound, until Bleve has written its current
// snapshot: no segment of it is held only in memory, and the persister has
// caught up with the snapshot's epoch. It reports whether it saw that.
func waitPersisted(bi bleve.Index, bound time.Duration) bool {
	deadline := time.Now().Add(bound)
	for {
		m, _ := bi.StatsMap()["index"].(map[string]interface{})
		mem, ok1 := m["num_root_memorysegments"].(uint64)
		root, ok2 := m["CurRootEpoch"].(uint64)
		done, ok3 := m["LastPersistedEpoch"].(uint64)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		if mem == 0 && done >= root {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// boltIntact checks that a Bolt file is as long as its newest valid meta page
// says: that meta's high-water mark (the first page never allocated) times the
// page size. A missing or empty file passes (Bolt creates a new database and
// Open finds no completed index in it). The layout is Bolt's: two meta pages,
// each a 16-byte page header and then magic, version, page size, flags (4 bytes
// each), root bucket (16), freelist page, high-water mark, transaction id and
// an FNV-64a checksum of the fields before it (8 each), native byte order.
func boltIntact(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return nil
	}
	type meta struct{ pageSize, pgid, txid uint64 }
	read := func(off int64) (meta, bool) {
		var b [16 + 64]byte
		if _, err := f.ReadAt(b[:], off); err != nil {
			return meta{}, false
		}
		m := b[16:]
		h := fnv.New64a()
		h.Write(m[:56])
		if binary.NativeEndian.Uint32(m[0:]) != 0xED0CDAED || h.Sum64() != binary.NativeEndian.Uint64(m[56:]) {
			return meta{}, false
		}
		return meta{pageSize: uint64(binary.NativeEndian.Uint32(m[8:])), pgid: binary.NativeEndian.Uint64(m[40:]),
			txid: binary.NativeEndian.Uint64(m[48:])}, true
	}
	m0, ok0 := read(0)
	pageSize := int64(os.Getpagesize())
	if ok0 && m0.pageSize >= 512 && m0.pageSize <= 1<<20 {
		pageSize = int64(m0.pageSize)
	}
	m1, ok1 := read(pageSize)
	newest := m0
	switch {
	case ok1 && (!ok0 || m1.txid > m0.txid):
		newest = m1
	case !ok0:
		return fmt.Errorf("%s: no valid meta page", path)
	}
	if need := newest.pgid * newest.pageSize; uint64(fi.Size()) < need {
		return fmt.Errorf("%s: cut short: %d bytes of %d", path, fi.Size(), need)
	}
	return nil
}

func (ix *Index) create(dir string) (bleve.Index, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	return bleve.NewUsing(dir, Mapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
}

// Ready reports whether the index reflects the database (up to the follower's
// lag). It is false from an Open that needs a rebuild until Rebuild succeeds;
// /readyz should report not ready meanwhile.
func (ix *Index) Ready() bool { return ix.ready.Load() }

// NeedsRebuild reports whether Open found no usable index and made an empty one.
func (ix *Index) NeedsRebuild() bool { return ix.needsRebuild.Load() }

// Skipped counts sequences the follower gave up waiting for (writers that died
// between taking a sequence and writing their change); reconciliation repairs
// what they would have changed.
func (ix *Index) Skipped() int64 { return ix.skipped.Load() }

// Close closes the index, stopping a background load first. Errors are of kind
// profile.ErrInternal.
func (ix *Index) Close() error {
	if ix.loadDone != nil {
		ix.loadStop.Store(true)
		<-ix.loadDone
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.bi == nil {
		return nil
	}
	waitPersisted(ix.bi, persistWait)
	err := ix.bi.Close()
	ix.bi = nil
	if err != nil {
		return fmt.Errorf("index: close: %w: %w", profile.ErrInternal, err)
	}
	return nil
}

// Apply puts one profile write into the index: indexes it, or deletes it when it
// is archived. The process that wrote the profile calls it before answering, so
// the user sees their own change at once. A change older (by Seq) than one
// already applied for the same id is ignored, which makes Apply safe to call
// from the writer, the follower and reconciliation in any order. Errors are of
// kind profile.ErrInternal.
//
// Writes that arrive while another is being applied are applied together, as
// one Bleve batch: one segment and one wait for Bleve instead of one each
// (a group commit). Each caller still returns only once its own write is in.
func (ix *Index) Apply(p *profile.Profile) error {
	r := &applyReq{p: p, done: make(chan struct{})}
	ix.queueMu.Lock()
	ix.queue = append(ix.queue, r)
	ix.queueMu.Unlock()
	ix.applyMu.Lock()
	ix.queueMu.Lock()
	reqs := ix.queue
	ix.queue = nil
	ix.queueMu.Unlock()
	if len(reqs) > 0 { // empty when an earlier holder took this write too
		ix.applyAllLocked(reqs)
	}
	ix.applyMu.Unlock()
	<-r.done
	return r.err
}

// applyBatch is how many writes ApplyAll gives Bleve in one batch.
const applyBatch = 1000

// ApplyAll applies ps as Apply would, in Bleve batches of applyBatch: for
// bulk writes (an import's new rows), which one by one would cost a Bleve
// batch each. Other writers get in between the batches. It returns the
// writes' errors joined.
func (ix *Index) ApplyAll(ps []*profile.Profile) error {
	var errs []error
	for len(ps) > 0 {
		n := min(len(ps), applyBatch)
		reqs := make([]*applyReq, n)
		for i, p := range ps[:n] {
			reqs[i] = &applyReq{p: p, done: make(chan struct{})}
		}
		ix.applyMu.Lock()
		ix.applyAllLocked(reqs)
		ix.applyMu.Unlock()
		for _, r := range reqs {
			if r.err != nil {
				errs = append(errs, r.err)
			}
		}
		ps = ps[n:]
	}
	return errors.Join(errs...)
}

// applyReq is one write waiting in Apply's queue.
type applyReq struct {
	p    *profile.Profile
	err  error
	done chan struct{}
}

func (ix *Index) applyLocked(p *profile.Profile) error {
	r := &applyReq{p: p, done: make(chan struct{})}
	ix.applyAllLocked([]*applyReq{r})
	return r.err
}

// applyAllLocked applies reqs in order, as one Bleve batch, and closes each
// one's done. A write older (by Seq) than what the index holds for its id —
// counting the earlier writes of reqs — is skipped, as one at a time would be.
func (ix *Index) applyAllLocked(reqs []*applyReq) {
	defer func() {
		for _, r := range reqs {
			close(r.done)
		}
	}()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		for _, r := range reqs {
			r.err = fmt.Errorf("index: closed: %w", profile.ErrUnavailable)
		}
		return
	}
	type applied struct {
		p   *profile.Profile
		rec *record
	}
	var ok []applied
	batchSeq := map[string]int64{} // the newest seq of each id taken into the batch
	b := ix.bi.NewBatch()
	for _, r := range reqs {
		p := r.p
		cur, inBatch := batchSeq[p.ID]
		if !inBatch {
			cur = ix.seqLocked(p.ID)
		}
		if p.Seq > 0 && p.Seq < cur {
			continue
		}
		var rec *record
		if p.Archived {
			b.Delete(p.ID)
		} else {
			var doc map[string]any
			var err error
			doc, rec, err = document(p, ix.lex)
			if err == nil {
				err = b.Index(p.ID, doc)
			}
			if err != nil {
				r.err = fmt.Errorf("index: apply %s: %w: %w", p.ID, profile.ErrInternal, err)
				continue
			}
		}
		batchSeq[p.ID] = max(cur, p.Seq)
		ok = append(ok, applied{p, rec})
	}
	if len(ok) == 0 {
		return
	}
	if err := ix.bi.Batch(b); err != nil {
		for _, r := range reqs {
			if r.err == nil {
				r.err = fmt.Errorf("index: apply %s: %w: %w", r.p.ID, profile.ErrInternal, err)
			}
		}
		return
	}
	ix.memMu.Lock()
	for _, a := range ok {
		if a.rec != nil {
			ix.mem.put(a.rec)
		} else {
			ix.mem.del(a.p.ID)
		}
	}
	ix.memMu.Unlock()
	seqs := make([]int64, len(ok))
	for i, a := range ok {
		seqs[i] = a.p.Seq
	}
	ix.noteLocal(seqs)
	for _, a := range ok {
		p := a.p
		if p.Seq > ix.seqs[p.ID] {
			ix.seqs[p.ID] = p.Seq
		}
		if ix.pending != nil {
			ix.pending = append(ix.pending, p)
		}
		if ix.loadPending != nil {
			ix.loadPending = append(ix.loadPending, memOp{p.ID, a.rec})
		}
	}
}

// maxLocal bounds local: past it (no follower running, or one far behind)
// writes are no longer noted, and the follower reads their changes as it
// reads everyone else's.
const maxLocal = 1 << 16

// noteLocal notes the sequences of writes just applied, ahead of the
// follower's cursor, so that it need not read their changes back: a write's
// change names the profile it wrote, which this index holds at that sequence
// already. Without it, every write here costs a database lookup more when the
// follower reaches it (an import of 5,000 rows: 5,000). Notes the cursor has
// passed meanwhile (a rebuild moved it) are dropped when local is full.
func (ix *Index) noteLocal(seqs []int64) {
	if ix.following.Load() == 0 {
		return
	}
	at := ix.cursor.Load()
	ix.localMu.Lock()
	defer ix.localMu.Unlock()
	if ix.local == nil {
		ix.local = map[int64]struct{}{}
	}
	for _, s := range seqs {
		if s <= at {
			continue
		}
		if len(ix.local) >= maxLocal {
			for q := range ix.local {
				if q <= at {
					delete(ix.local, q)
				}
			}
			if len(ix.local) >= maxLocal {
				return
			}
		}
		ix.local[s] = struct{}{}
	}
}

// takeLocal reports whether this process applied seq itself (noteLocal) and
// forgets it.
func (ix *Index) takeLocal(seq int64) bool {
	ix.localMu.Lock()
	defer ix.localMu.Unlock()
	_, ok := ix.local[seq]
	delete(ix.local, seq)
	return ok
}

// remove deletes id because the database no longer has it at all.
func (ix *Index) remove(id string, seq int64) error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	return ix.applyLocked(&profile.Profile{ID: id, Seq: seq, Archived: true})
}

// seqLocked is the sequence last applied for id: from memory, or from the stored
// document after a restart.
func (ix *Index) seqLocked(id string) int64 {
	if s, ok := ix.seqs[id]; ok {
		return s
	}
	doc, err := ix.bi.Document(id)
	if err != nil || doc == nil {
		return 0
	}
	var seq int64
	doc.VisitFields(func(f index.Field) {
		if f.Name() != fSeq {
			return
		}
		if nf, ok := f.(index.NumericField); ok {
			if v, err := nf.Number(); err == nil {
				seq = int64(v)
			}
		}
	})
	ix.seqs[id] = seq
	return seq
}

// reader runs fn with the current Bleve index under the read lock.
func (ix *Index) reader(fn func(bleve.Index) error) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return fmt.Errorf("index: closed: %w", profile.ErrUnavailable)
	}
	return fn(ix.bi)
}

// lowReader runs fn, under the read lock, with a reader of the index Bleve's
// current index is built on (its segments and term dictionaries).
func (ix *Index) lowReader(fn func(index.IndexReader) error) error {
	return ix.reader(func(bi bleve.Index) error {
		adv, err := bi.Advanced()
		if err != nil {
			return err
		}
		r, err := adv.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		return fn(r)
	})
}

// Count is the number of profiles in the index. Errors are of kind
// profile.ErrInternal.
func (ix *Index) Count() (uint64, error) {
	var n uint64
	err := ix.reader(func(bi bleve.Index) error {
		var err error
		n, err = bi.DocCount()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("index: count: %w: %w", profile.ErrInternal, err)
	}
	return n, nil
}
