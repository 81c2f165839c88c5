package match

import (
	"fmt"
	"sync"
	"testing"
)

// TestSymbolsNumberOnce: strings and weights numbered from many goroutines at
// once, while others read what is numbered, get one number each, and each
// number gives back its own string or weight (run under -race too).
func TestSymbolsNumberOnce(t *testing.T) {
	tab := newSymbolTable()
	const workers, n = 4, 500
	ids := make([][]uint32, workers)
	wids := make([][]uint32, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range n {
				k := (i*7 + w*131) % n // the same strings, in another order per worker
				id := tab.strID(fmt.Sprintf("s%03d", k))
				if got := tab.str(id); got != fmt.Sprintf("s%03d", k) {
					t.Errorf("str(%d) = %q, want s%03d", id, got, k)
				}
				ids[w] = append(ids[w], id)
				wid := tab.weightID(float64(k) / 8)
				if got := tab.weight(wid); got != float64(k)/8 {
					t.Errorf("weight(%d) = %v, want %v", wid, got, float64(k)/8)
				}
				wids[w] = append(wids[w], wid)
			}
		})
	}
	wg.Wait()
	byStr, byWeight := map[string]uint32{}, map[float64]uint32{}
	for w := range workers {
		for i := range n {
			k := (i*7 + w*131) % n
			s := fmt.Sprintf("s%03d", k)
			if id, ok := byStr[s]; ok && id != ids[w][i] {
				t.Fatalf("%s numbered %d and %d", s, id, ids[w][i])
			}
			byStr[s] = ids[w][i]
			if id, ok := byWeight[float64(k)/8]; ok && id != wids[w][i] {
				t.Fatalf("weight %v numbered %d and %d", float64(k)/8, id, wids[w][i])
			}
			byWeight[float64(k)/8] = wids[w][i]
		}
	}
	if len(byStr) != n || len(byWeight) != n {
		t.Fatalf("%d strings and %d weights numbered, want %d each", len(byStr), len(byWeight), n)
	}
	seen := map[uint32]bool{}
	for _, id := range byStr {
		if seen[id] || id == 0 {
			t.Fatalf("number %d given twice, or the empty string's", id)
		}
		seen[id] = true
	}
	if tab.strID("") != 0 || tab.weightID(0) != 0 {
		t.Error(`"" and 0 are not number 0`)
	}
}
