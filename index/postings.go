package index

import (
	"context"
	"fmt"
	"slices"

	index "github.com/blevesearch/bleve_index_api"
)

// loadPostings fills the posting lists of mem, whose records are all in place
// and have no postings yet, from Bleve's own term dictionaries instead of
// analysing every profile's text again. Bleve indexed each text field from
// the same string (textValues) with the same analyser (cjk) as derive
// analyses, so the terms of a record in a field are exactly the terms whose
// Bleve postings hold its document; the lists are sorted by slot, as inserting
// in slot order makes them. Documents Bleve holds that mem has no record of
// (written during the load; the load's replay of writes puts them afresh) are
// left out, and so is a term no record of mem holds. It returns Bleve's
// errors.
func (ix *Index) loadPostings(mem *memIndex) error {
	return ix.lowReader(func(r index.IndexReader) error {
		slots, err := internalSlots(r, mem)
		if err != nil {
			return err
		}
		ctx := context.Background()
		var tfd index.TermFieldDoc
		for f, name := range textFieldNames {
			dict, err := r.FieldDict(name)
			if err != nil {
				return err
			}
			for {
				if ix.loadStop.Load() {
					dict.Close()
					return errLoadStopped
				}
				de, err := dict.Next()
				if err != nil {
					dict.Close()
					return err
				}
				if de == nil {
					break
				}
				tfr, err := r.TermFieldReader(ctx, []byte(de.Term), name, false, false, false)
				if err != nil {
					dict.Close()
					return err
				}
				list := make([]uint32, 0, de.Count)
				for {
					d, err := tfr.Next(tfd.Reset())
					if err != nil {
						tfr.Close()
						dict.Close()
						return err
					}
					if d == nil {
						break
					}
					if s, ok := slots[string(d.ID)]; ok {
						list = append(list, s)
					}
				}
				tfr.Close()
				if len(list) > 0 {
					slices.Sort(list)
					mem.postings[postingKey(f, de.Term)] = slices.Clip(list)
				}
			}
			if err := dict.Close(); err != nil {
				return err
			}
		}
		return nil
	})
}

// internalSlots maps the internal id of every document r holds to the slot of
// its record in mem, for the documents mem has a record of.
func internalSlots(r index.IndexReader, mem *memIndex) (map[string]uint32, error) {
	all, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer all.Close()
	slots := make(map[string]uint32, len(mem.slot))
	for {
		id, err := all.Next()
		if err != nil {
			return nil, err
		}
		if id == nil {
			return slots, nil
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, fmt.Errorf("document %x: %w", id, err)
		}
		if s, ok := mem.slot[ext]; ok {
			slots[string(id)] = s
		}
	}
}
