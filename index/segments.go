package index

import (
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
)

// Loading the memory copy from Bleve's segments directly. Paging through the
// stored documents with a match-all search sorted by _id costs, per page, the
// _id of every document in the index (the sort reads each one's stored id),
// so a load is quadratic: at 100k profiles that paging was half of a load.
// Reading one snapshot's segments visits each live document's stored fields
// once, and each segment's term dictionaries give the postings, without the
// per-term cost of a reader across all segments. The records are inserted in
// id order, as the paged load inserts them, so the copy is the same; it is of
// one consistent snapshot, and the writes applied during the load are replayed
// on it as after a paged load (loadInBackground).

// storedDoc is what the load keeps of one stored document: where it is and
// its id. Its source and reading are turned into a record as soon as they are
// read (loadSnapshot), so the load never holds every source at once.
type storedDoc struct {
	id  string
	seg int
	num uint64
}

// loadChunk is how many stored documents a load reads before it gives back
// the mapped pages it read (release.go): at a million profiles the stored
// documents are gigabytes of mapped files, which a load that released them
// only at its end held resident beside the growing heap. A variable for tests.
var loadChunk = 16384

// afterLoadChunk, when set (by tests), is called after each chunk's release.
var afterLoadChunk func()

// loadSegments builds the memory copy from the segments of the index's
// current snapshot. ok is false when the index is not a scorch index (the
// caller then pages through a search instead). It holds the read lock on the
// Bleve index for the whole load, so the segments stay open; a rebuild's swap
// waits for it (Search and Match refuse while the copy loads anyway).
func (ix *Index) loadSegments() (mem *memIndex, ok bool, err error) {
	err = ix.lowReader(func(r index.IndexReader) error {
		snap, isSnap := r.(*scorch.IndexSnapshot)
		if !isSnap || forcePagedLoad {
			return nil
		}
		ok = true
		mem, err = ix.loadSnapshot(snap)
		return err
	})
	return mem, ok, err
}

// forcePagedLoad makes loads take the paged path, for tests of it.
var forcePagedLoad = false

func (ix *Index) loadSnapshot(snap *scorch.IndexSnapshot) (*memIndex, error) {
	segs := snap.Segments()
	var docs []storedDoc
	for si, ss := range segs {
		it := ss.DocNumbersLive().Iterator()
		for it.HasNext() {
			docs = append(docs, storedDoc{seg: si, num: uint64(it.Next())})
		}
	}
	// Each stored document is read and made into its record at once, in
	// segment order, a chunk at a time; after each chunk the pages of the
	// segments it read are given back.
	errs := make([]error, len(docs))
	ds := make([]derived, len(docs))
	for lo := 0; lo < len(docs); lo += loadChunk {
		hi := min(lo+loadChunk, len(docs))
		parallel(hi-lo, func(j int) {
			i := lo + j
			d := &docs[i]
			var src string
			var reading []byte
			var seq int64
			err := segs[d.seg].VisitDocument(d.num, func(field string, typ byte, value []byte, _ []uint64) bool {
				switch {
				case field == "_id":
					d.id = string(value)
				case field == fSource:
					src = string(value)
				case field == fReading:
					reading = append([]byte(nil), value...)
				case field == fSeq && typ == 'n':
					if v, err := numeric.PrefixCoded(value).Int64(); err == nil {
						seq = int64(numeric.Int64ToFloat64(v))
					}
				}
				return true
			})
			if err != nil {
				errs[i] = fmt.Errorf("stored document %d: %w", d.num, err)
				return
			}
			p, err := fromPublic(src, seq)
			if err != nil {
				errs[i] = fmt.Errorf("stored %s: %w", d.id, err)
				return
			}
			p.ID = d.id
			ds[i] = deriveKeywords(ix.restoreRecord(p, reading))
		})
		for _, err := range errs[lo:hi] {
			if err != nil {
				return nil, err
			}
		}
		if ix.loadStop.Load() {
			return nil, errLoadStopped
		}
		dropSegments(segs[docs[lo].seg:docs[hi-1].seg+1], ix.dir)
		if afterLoadChunk != nil {
			afterLoadChunk()
		}
	}
	// Inserted in id order, as the paged load inserts them.
	order := make([]int32, len(docs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(docs[a].id, docs[b].id) })
	mem := newMemIndex(ix.lex, ix.analyzer)
	for _, i := range order {
		mem.insert(ds[i])
		ds[i] = derived{}
	}
	if ix.loadStop.Load() {
		return nil, errLoadStopped
	}

	// Per segment, the slot of each document number (-1: none).
	slotOf := make([][]int32, len(segs))
	for si, ss := range segs {
		t := make([]int32, ss.Segment().Count())
		for i := range t {
			t[i] = -1
		}
		slotOf[si] = t
	}
	for _, d := range docs {
		if s, ok := mem.slot[d.id]; ok {
			slotOf[d.seg][d.num] = int32(s)
		}
	}
	for si, ss := range segs {
		seg, del := ss.Segment(), ss.Deleted()
		for f, name := range textFieldNames {
			dict, err := seg.Dictionary(name)
			if err != nil {
				return nil, err
			}
			terms := dict.AutomatonIterator(nil, nil, nil)
			for {
				de, err := terms.Next()
				if err != nil {
					return nil, err
				}
				if de == nil {
					break
				}
				pl, err := dict.PostingsList([]byte(de.Term), del, nil)
				if err != nil {
					return nil, err
				}
				k := postingKey(f, de.Term)
				list := mem.postings[k]
				pit := pl.Iterator(false, false, false, nil)
				for {
					p, err := pit.Next()
					if err != nil {
						return nil, err
					}
					if p == nil {
						break
					}
					if n := p.Number(); n < uint64(len(slotOf[si])) && slotOf[si][n] >= 0 {
						list = append(list, uint32(slotOf[si][n]))
					}
				}
				if len(list) > 0 {
					mem.postings[k] = list
				}
			}
		}
		if ix.loadStop.Load() {
			return nil, errLoadStopped
		}
		dropSegments(segs[si:si+1], ix.dir) // its dictionaries and postings are read
	}
	// A list grown by append over the segments has up to twice the room it
	// needs, kept for as long as the copy lives (slices.Clip only hides it):
	// copied to its length, the copy keeps none.
	for k, l := range mem.postings {
		slices.Sort(l)
		if cap(l) > len(l) {
			l = append(make([]uint32, 0, len(l)), l...)
		}
		mem.postings[k] = l
	}
	return mem, nil
}
