package match

import (
	"math"
	"sync"
	"sync/atomic"
)

// A reading is kept for every profile the index holds, and most of what it
// holds is the same few hundred strings (codes, the words that were evidence,
// where they were found) and a handful of weights. So a reading keeps numbers
// for them, from one table per process: an entry is four 32-bit numbers, with
// no pointer for the collector to follow, where three strings and a float took
// 56 bytes and three pointers.
//
// The table only grows. What goes in is bounded by the lexicon and the code
// lists a profile is validated against: codes, the lexicon's words, field
// names and the weights Read gives, the same for every profile.

// symbolTable numbers strings and weights. Number 0 is "" and 0.
type symbolTable struct {
	strs    numbering[string, string]
	weights numbering[uint64, float64] // by math.Float64bits
}

var symbols = newSymbolTable()

func newSymbolTable() *symbolTable {
	t := &symbolTable{}
	t.strs.number("", "")
	t.weights.number(math.Float64bits(0), 0)
	return t
}

// str is the string numbered id.
func (t *symbolTable) str(id uint32) string { return t.strs.all()[id] }

// weight is the weight numbered id.
func (t *symbolTable) weight(id uint32) float64 { return t.weights.all()[id] }

// strID is s's number, s itself kept when it is new.
func (t *symbolTable) strID(s string) uint32 { return t.strs.number(s, s) }

// weightID is w's number.
func (t *symbolTable) weightID(w float64) uint32 { return t.weights.number(math.Float64bits(w), w) }

// numbering numbers values by a key of theirs, from 0 up, once each. Reading
// by number takes no lock: all is the values so far, a slice readers keep.
type numbering[K comparable, V any] struct {
	mu   sync.Mutex
	ids  sync.Map // K → uint32
	vals atomic.Pointer[[]V]
}

// all is every value numbered so far, by number.
func (n *numbering[K, V]) all() []V {
	if p := n.vals.Load(); p != nil {
		return *p
	}
	return nil
}

// number is the number of the value keyed k, v numbered when k is new.
func (n *numbering[K, V]) number(k K, v V) uint32 {
	if id, ok := n.ids.Load(k); ok {
		return id.(uint32)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if id, ok := n.ids.Load(k); ok {
		return id.(uint32)
	}
	// Readers hold an older slice header and read below its length only, so
	// appending in place, when there is room, changes nothing they read.
	vals := append(n.all(), v)
	id := uint32(len(vals) - 1)
	n.vals.Store(&vals)
	n.ids.Store(k, id)
	return id
}

// entry is an Entry as a reading keeps it, by numbers in symbols.
type entry struct{ code, word, where, weight uint32 }

func packEntry(e Entry) entry {
	return entry{symbols.strID(e.Code), symbols.strID(e.Word), symbols.strID(e.Where), symbols.weightID(e.Weight)}
}

// unpack is e as an Entry, with strs and nums from symbols (loaded once by a
// caller that unpacks many).
func (e entry) unpack(strs []string, nums []float64) Entry {
	return Entry{strs[e.code], Evidence{Word: strs[e.word], Where: strs[e.where], Weight: nums[e.weight]}}
}
