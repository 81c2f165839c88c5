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
	mu      sync.Mutex
	strIDs  sync.Map // string → uint32
	weights sync.Map // math.Float64bits → uint32
	strs    atomic.Pointer[[]string]
	nums    atomic.Pointer[[]float64]
}

var symbols = newSymbolTable()

func newSymbolTable() *symbolTable {
	t := &symbolTable{}
	strs, nums := []string{""}, []float64{0}
	t.strs.Store(&strs)
	t.nums.Store(&nums)
	t.strIDs.Store("", uint32(0))
	t.weights.Store(math.Float64bits(0), uint32(0))
	return t
}

// str is the string numbered id.
func (t *symbolTable) str(id uint32) string { return (*t.strs.Load())[id] }

// weight is the weight numbered id.
func (t *symbolTable) weight(id uint32) float64 { return (*t.nums.Load())[id] }

// strID is s's number, s itself kept when it is new.
func (t *symbolTable) strID(s string) uint32 {
	if id, ok := t.strIDs.Load(s); ok {
		return id.(uint32)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.strIDs.Load(s); ok {
		return id.(uint32)
	}
	// Readers hold an older slice header and read below its length only, so
	// appending in place, when there is room, changes nothing they read.
	strs := append(*t.strs.Load(), s)
	id := uint32(len(strs) - 1)
	t.strs.Store(&strs)
	t.strIDs.Store(s, id)
	return id
}

// weightID is w's number.
func (t *symbolTable) weightID(w float64) uint32 {
	bits := math.Float64bits(w)
	if id, ok := t.weights.Load(bits); ok {
		return id.(uint32)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.weights.Load(bits); ok {
		return id.(uint32)
	}
	nums := append(*t.nums.Load(), w)
	id := uint32(len(nums) - 1)
	t.nums.Store(&nums)
	t.weights.Store(bits, id)
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
