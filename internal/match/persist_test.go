package match

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"fuhua/index/indextest"
	"fuhua/internal/profile"
	"fuhua/seed"
)

func persistProfiles() []*profile.Profile {
	ps := demoProfiles(3000)
	ps = append(ps, indextest.Profiles(2000, 3)...)
	return append(ps, oddProfiles()...)
}

// TestRestoreSame: a reading stored and restored is the prepared profile
// prepared again, field by field (the reading, the grams, the tags), and its
// codes and words are the lexicon's own strings, not copies.
func TestRestoreSame(t *testing.T) {
	lex := testLex()
	bad, shared, strs := 0, 0, 0
	for _, p := range persistProfiles() {
		want := Prepare(p, lex)
		data := lex.AppendReading(nil, want)
		got, ok := lex.Restore(p, data)
		if !ok {
			t.Fatalf("%s: its own reading (%d bytes) was refused", p.ID, len(data))
		}
		if d := cmp.Diff(viewOf(want.q.r), viewOf(got.q.r)); d != "" {
			t.Errorf("%s: Reading differs (-prepared +restored):\n%s", p.ID, d)
			bad++
		}
		if d := cmp.Diff(want.q.grams, got.q.grams); d != "" {
			t.Errorf("%s: grams differ:\n%s", p.ID, d)
			bad++
		}
		if d := cmp.Diff(want.q.tags, got.q.tags, cmp.AllowUnexported(tag{})); d != "" {
			t.Errorf("%s: tags differ:\n%s", p.ID, d)
			bad++
		}
		if got.Profile() != p {
			t.Errorf("%s: the restored reading is not of the profile given", p.ID)
		}
		if bad > 10 {
			t.Fatal("too many differences")
		}
		for _, es := range []Evidences{got.q.r.Chains, got.q.r.Segments, got.q.r.Services} {
			for _, e := range es.Entries() {
				strs++
				if id, ok := lex.extra().ids[e.Code]; ok && unsafeSame(symbols.str(id), e.Code) {
					shared++
				}
			}
		}
	}
	if strs == 0 || shared*10 < strs*9 {
		t.Errorf("%d of %d restored codes share the lexicon's strings, want nine in ten at least", shared, strs)
	}
}

// unsafeSame reports whether a and b are the same bytes in memory.
func unsafeSame(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// TestRestoreRefuses: a reading cut short, changed, of another format or made
// with another lexicon is refused (the profile is then read again), never
// half restored and never a panic.
func TestRestoreRefuses(t *testing.T) {
	lex := testLex()
	var p *profile.Profile
	var data []byte
	for _, q := range demoProfiles(200) {
		if d := lex.AppendReading(nil, Prepare(q, lex)); len(d) > len(data) {
			p, data = q, d
		}
	}
	if _, ok := lex.Restore(p, data); !ok {
		t.Fatal("the reading itself is refused")
	}
	for n := range len(data) {
		if _, ok := lex.Restore(p, data[:n]); ok {
			t.Errorf("a reading cut to %d of %d bytes was restored", n, len(data))
		}
	}
	if _, ok := lex.Restore(p, append(append([]byte(nil), data...), 0)); ok {
		t.Error("a reading with a byte more was restored")
	}
	other := append([]byte(nil), data...)
	other[0]++
	if _, ok := lex.Restore(p, other); ok {
		t.Error("a reading of another format was restored")
	}
	// Another chain list is another lexicon: its readings are not this one's.
	chains := seed.Chains()
	chains[0].Synonyms = append(chains[0].Synonyms, "某个新词")
	lex2 := NewLexicon(chains, seed.Districts())
	if _, ok := lex2.Restore(p, data); ok {
		t.Error("a reading made with another chain list was restored")
	}
	if _, ok := NewLexicon(seed.Chains(), seed.Districts()).Restore(p, data); !ok {
		t.Error("a lexicon built from the same data refuses the reading: its fingerprint is not stable")
	}
	// Every single byte changed: restored or not, never a panic, and a
	// restored one is well formed (its sets sorted).
	for i := 1 + fingerprintLen; i < len(data); i++ {
		for _, v := range []byte{0, 1, 0x7f, 0x80, 0xff} {
			d := append([]byte(nil), data...)
			d[i] = v
			if got, ok := lex.Restore(p, d); ok {
				for _, es := range []Evidences{got.q.r.Chains, got.q.r.Mentions, got.q.r.Segments, got.q.r.Services, got.q.r.Funding, got.q.r.Topics} {
					for j := 1; j < es.Len(); j++ {
						if symbols.str(es.list[j-1].code) >= symbols.str(es.list[j].code) {
							t.Fatalf("byte %d = %#x: restored a set out of order", i, v)
						}
					}
				}
			}
		}
	}
}

// pinnedReadings is the digest of every reading of persistProfiles under the
// seed data and the rules' version it was taken with. A stored reading is
// trusted across processes by the lexicon's fingerprint, which covers the seed
// data and readingRules but cannot cover Read's code: this is what makes a
// change to what Read gives change readingRules too.
var pinnedReadings = struct {
	rules        int
	seed, digest string
}{
	rules:  1,
	seed:   "47b33a3f779fe4b6c006560cb5043ff08da095727f28e3d1e6fe063223a1836a",
	digest: "0236550f29a2521988d2aa1e6c4810d536bc01662f26699f0ea05268d14e5bc2",
}

func TestReadingRulesPinned(t *testing.T) {
	lex := testLex()
	h := sha256.New()
	for _, p := range persistProfiles() {
		h.Write(lex.AppendReading(nil, Prepare(p, lex))[1+fingerprintLen:])
	}
	digest := hex.EncodeToString(h.Sum(nil))
	seedOnly := lex.sources
	seedOnly.Rules = 0 // the pin is of the seed data; the rules' version is pinned beside it
	sum, err := seedOnly.digest()
	if err != nil {
		t.Fatal(err)
	}
	seedHash := hex.EncodeToString(sum[:])
	pin := pinnedReadings
	switch {
	case pin.rules != readingRules:
		t.Fatalf("readingRules is %d and the pin is of %d: set pinnedReadings to {%d, %q, %q}", readingRules, pin.rules, readingRules, seedHash, digest)
	case pin.seed == seedHash && pin.digest != digest:
		t.Fatalf("Read gives other readings of the same profiles with the same seed data: readings stored by an index "+
			"before this change would be restored as if current. Increase readingRules (match/persist.go) and set "+
			"pinnedReadings to {%d, %q, %q}", readingRules+1, seedHash, digest)
	case pin.seed != seedHash:
		t.Fatalf("the seed data changed, so the fingerprint did and stored readings are read again; set pinnedReadings "+
			"to {%d, %q, %q} (and if Read's rules changed as well, increase readingRules first)", readingRules, seedHash, digest)
	}
}

// BenchmarkRestore is BenchmarkPrepare with each reading restored from what
// AppendReading stored: what a start of the index costs a profile.
func BenchmarkRestore(b *testing.B) {
	lex := testLex()
	ps := demoProfiles(5000)
	data := make([][]byte, len(ps))
	size := 0
	for i, p := range ps {
		data[i] = lex.AppendReading(nil, Prepare(p, lex))
		size += len(data[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := lex.Restore(ps[i%len(ps)], data[i%len(ps)]); !ok {
			b.Fatal("refused")
		}
	}
	b.ReportMetric(float64(size)/float64(len(ps)), "stored-B/profile")
}
