package match

import (
	"fmt"
	"testing"
)

// TestEvidencesAgreeWithMap: a sorted set answers every lookup its map would,
// on either side of the size where it stops scanning and searches, and lists
// its codes in order.
func TestEvidencesAgreeWithMap(t *testing.T) {
	for _, n := range []int{0, 1, 3, 8, 9, 20} {
		m := map[string]Evidence{}
		for i := range n {
			m[fmt.Sprintf("c%02d", (i*7)%20)] = Evidence{Word: fmt.Sprint(i), Where: FromSummary, Weight: float64(i)}
		}
		es := evidencesOf(m)
		if es.Len() != len(m) {
			t.Fatalf("n=%d: Len %d, want %d", n, es.Len(), len(m))
		}
		for i := range 25 {
			code := fmt.Sprintf("c%02d", i)
			want, wok := m[code]
			got, ok := es.Get(code)
			if ok != wok || got != want || es.Has(code) != wok {
				t.Errorf("n=%d: Get(%s) = %v %v, want %v %v", n, code, got, ok, want, wok)
			}
		}
		codes := es.Codes()
		for i := 1; i < len(codes); i++ {
			if codes[i-1] >= codes[i] {
				t.Errorf("n=%d: codes not sorted: %v", n, codes)
			}
		}
	}
}
