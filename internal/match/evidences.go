package match

import (
	"slices"
	"strings"
)

// Evidences is a set of codes read from a profile, each with its evidence,
// sorted by code. A reading is kept for every profile the index holds, so an
// entry is kept as numbers (see symbols.go): 16 bytes and no pointer, where a
// map takes hundreds. The sets are small (a few chains, segments or needs), so
// a lookup is a short scan. The zero value is the empty set.
type Evidences struct{ list []entry }

// Entry is one code of an Evidences with its evidence.
type Entry struct {
	Code string
	Evidence
}

// evidencesFrom is the set of list's entries, which must be sorted by code,
// each once. When into has room for them it is used (one allocation for a
// reading's six sets); what is left of it is returned.
func evidencesFrom(list []Entry, into []entry) (Evidences, []entry) {
	if len(list) == 0 {
		return Evidences{}, into
	}
	if cap(into)-len(into) < len(list) {
		into = make([]entry, 0, len(list))
	}
	n := len(into)
	for _, e := range list {
		into = append(into, packEntry(e))
	}
	return Evidences{into[n:len(into):len(into)]}, into
}

// Len is the number of codes.
func (es Evidences) Len() int { return len(es.list) }

// Get is the evidence of code, and whether code is in the set.
func (es Evidences) Get(code string) (Evidence, bool) {
	if len(es.list) == 0 {
		return Evidence{}, false
	}
	strs := symbols.strs.all()
	if len(es.list) > 8 {
		i, ok := slices.BinarySearchFunc(es.list, code, func(e entry, c string) int { return strings.Compare(strs[e.code], c) })
		if ok {
			return es.list[i].unpack(strs, symbols.weights.all()).Evidence, true
		}
		return Evidence{}, false
	}
	for _, e := range es.list {
		if strs[e.code] == code {
			return e.unpack(strs, symbols.weights.all()).Evidence, true
		}
	}
	return Evidence{}, false
}

// Has reports whether code is in the set.
func (es Evidences) Has(code string) bool {
	_, ok := es.Get(code)
	return ok
}

// At is the i'th code with its evidence, in the order of the codes.
func (es Evidences) At(i int) Entry {
	return es.list[i].unpack(symbols.strs.all(), symbols.weights.all())
}

// Entries are the codes with their evidence, sorted by code: a copy.
func (es Evidences) Entries() []Entry {
	out := make([]Entry, es.Len())
	for i := range out {
		out[i] = es.At(i)
	}
	return out
}

// Codes are the codes, sorted.
func (es Evidences) Codes() []string {
	out := make([]string, len(es.list))
	strs := symbols.strs.all()
	for i, e := range es.list {
		out[i] = strs[e.code]
	}
	return out
}
