package match

import (
	"slices"
	"strings"
)

// Evidences is a set of codes read from a profile, each with its evidence,
// sorted by code. A reading is kept for every profile the index holds, and a
// sorted slice holds an entry in 56 bytes where a map takes hundreds; the sets
// are small (a few chains, segments or needs), so a lookup is a short scan.
// The zero value is the empty set.
type Evidences struct{ list []Entry }

// Entry is one code of an Evidences with its evidence.
type Entry struct {
	Code string
	Evidence
}

// Len is the number of codes.
func (es Evidences) Len() int { return len(es.list) }

// Get is the evidence of code, and whether code is in the set.
func (es Evidences) Get(code string) (Evidence, bool) {
	if len(es.list) > 8 {
		i, ok := slices.BinarySearchFunc(es.list, code, func(e Entry, c string) int { return strings.Compare(e.Code, c) })
		if ok {
			return es.list[i].Evidence, true
		}
		return Evidence{}, false
	}
	for _, e := range es.list {
		if e.Code == code {
			return e.Evidence, true
		}
	}
	return Evidence{}, false
}

// Has reports whether code is in the set.
func (es Evidences) Has(code string) bool {
	_, ok := es.Get(code)
	return ok
}

// Entries are the codes with their evidence, sorted by code. The caller must
// not change them.
func (es Evidences) Entries() []Entry { return es.list }

// Codes are the codes, sorted.
func (es Evidences) Codes() []string {
	out := make([]string, len(es.list))
	for i, e := range es.list {
		out[i] = e.Code
	}
	return out
}
