package index

import (
	"os"
	"strings"
	"unsafe"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// Giving back the pages a load read. Bleve maps each segment file into the
// process, and a load of the memory copy reads every stored document, so
// after it the process holds every page of the index (≈ 285 MB at 100k) in
// its resident memory although hardly any is read again: searches read the
// dictionaries and postings, and stored fields only of the hits they return.
// The pages are clean copies of the files, so the process can drop them: they
// stay in the page cache (the kernel's, reclaimable, counted nowhere in the
// process), and a later read of one faults it back in from there.

// mappedSegment is a segment Bleve has mapped from a file: its path and the
// mapped bytes.
type mappedSegment interface {
	Path() string
	Data() []byte
}

// releaseMapped drops from the process's resident memory the mapped pages of
// the current snapshot's segment files, and returns how many bytes of
// mapping it dropped. It holds the snapshot while it does, so no segment
// of it is unmapped (and its addresses reused) meanwhile. Only segments read
// from a .zap file under the index's directory are touched; a segment built
// in memory (not yet persisted) is Go heap and is left alone.
func (ix *Index) releaseMapped() (released int64) {
	_ = ix.lowReader(func(r index.IndexReader) error {
		if snap, ok := r.(*scorch.IndexSnapshot); ok {
			released = ix.releaseSegments(snap.Segments())
		}
		return nil
	})
	return released
}

// ReleaseMapped is releaseMapped for a server that keeps the index's pages
// under a budget (cmd/fuhua's memory watch): the pages searches read come
// back as they are read again, from the page cache.
func (ix *Index) ReleaseMapped() int64 { return ix.releaseMapped() }

// releaseSegments is releaseMapped for the segments of a snapshot the caller
// holds.
func (ix *Index) releaseSegments(segs []*scorch.SegmentSnapshot) (released int64) {
	released = dropSegments(segs, ix.dir)
	ix.released.Add(released)
	return released
}

// dropSegments gives back the pages of segs without counting them: a load
// gives back the same segments after every chunk it reads, and counts them
// once, at its end (releaseMapped).
func dropSegments(segs []*scorch.SegmentSnapshot, dir string) (released int64) {
	page := os.Getpagesize()
	for _, ss := range segs {
		seg, ok := ss.Segment().(mappedSegment)
		if !ok || !strings.HasSuffix(seg.Path(), ".zap") || !strings.HasPrefix(seg.Path(), dir+string(os.PathSeparator)) {
			continue
		}
		data := seg.Data()
		if len(data) == 0 || uintptr(unsafe.Pointer(unsafe.SliceData(data)))%uintptr(page) != 0 {
			continue
		}
		if dropPages(data) == nil {
			released += int64(len(data))
		}
	}
	return released
}
