package match

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"sync"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// Keeping a reading with the profile it was read from. The index keeps every
// profile prepared, and at 100k profiles reading them again at every start was
// the largest part of the time to ready (BENCHMARKS.md, round 6). The index
// stores each profile's reading beside it (AppendReading) and a start restores
// it (Restore) instead of reading the text again.
//
// A stored reading is only as good as the rules and the words it was read
// with, so each carries the lexicon's fingerprint: the rules' version and a
// hash of every word list the lexicon was built from. A reading made under
// another fingerprint is not restored, and the profile is read again.

// readingRules is the version of Read's rules. Change it whenever Read gives a
// different reading of any profile: TestReadingRulesPinned fails until it is
// changed, with the digest to pin beside it.
const readingRules = 1

// readingFormat is the version of the encoding below.
const readingFormat = 1

// fingerprintLen is how many bytes of the fingerprint a stored reading carries.
const fingerprintLen = 8

// lexExtra is what a lexicon derives lazily for storing and restoring
// readings: its fingerprint, and the numbers (in symbols) of the strings a
// reading is made of (codes, words, where found), so that restoring one looks
// each up once.
type lexExtra struct {
	once        sync.Once
	fingerprint [fingerprintLen]byte
	ids         map[string]uint32 // their numbers in symbols
}

// fingerprintInput is what a reading depends on beside the profile.
type fingerprintInput struct {
	Rules     int
	Chains    []seed.Chain
	Districts []seed.District
	Map       seed.ChainMap
	Needs     seed.NeedsLexicon
	Hosts     []seed.Host
}

// digest is the SHA-256 of in's JSON encoding.
func (in fingerprintInput) digest() ([sha256.Size]byte, error) {
	raw, err := json.Marshal(in)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(raw), nil
}

func (l *Lexicon) extra() *lexExtra {
	x := &l.ext
	x.once.Do(func() {
		// The seed data was decoded from JSON, so it encodes. Should it not,
		// the fingerprint stays zero, which Restore never trusts: every stored
		// reading is then read again.
		if sum, err := l.sources.digest(); err == nil {
			copy(x.fingerprint[:], sum[:])
		}
		x.ids = map[string]uint32{}
		add := func(s string) {
			if s != "" {
				x.ids[s] = symbols.strID(s)
			}
		}
		for _, s := range []string{FromDeclared, FromName, FromTags, FromTopics, FromSummary} {
			add(s)
		}
		for c := range l.chains {
			add(c)
		}
		if l.tm != nil {
			for code, seg := range l.tm.segs {
				add(code)
				add(seg.Chain)
			}
			for code := range l.tm.topics {
				add(code)
			}
			for _, sc := range []*scanner{&l.tm.words, &l.tm.apps, &l.tm.needs} {
				for _, phs := range sc.exact {
					for _, ph := range phs {
						add(ph.word)
						add(ph.orig)
						add(ph.code)
					}
				}
			}
		}
	})
	return x
}

// AppendReading appends p's reading, encoded with the lexicon's fingerprint, to
// b. Only a Prepared made with l may be appended.
func (l *Lexicon) AppendReading(b []byte, p Prepared) []byte {
	if l == nil || p.q == nil {
		return b
	}
	x := l.extra()
	b = append(b, readingFormat)
	b = append(b, x.fingerprint[:]...)
	r := p.q.r
	for _, es := range [...]Evidences{r.Chains, r.Mentions, r.Segments, r.Services, r.Funding, r.Topics} {
		b = binary.AppendUvarint(b, uint64(es.Len()))
		for i := range es.Len() {
			e := es.At(i)
			b = appendString(b, e.Code)
			b = appendEvidence(b, e.Evidence)
		}
	}
	if r.Space == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		b = appendEvidence(b, *r.Space)
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendEvidence(b []byte, e Evidence) []byte {
	b = appendString(b, e.Word)
	b = appendString(b, e.Where)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Weight))
}

// Restore is Prepare(p, l) with the reading taken from data, which
// AppendReading wrote for p, instead of read from p's text. ok is false, and
// nothing is restored, when data is not a well-formed reading of this
// lexicon's fingerprint: the caller prepares p instead.
func (l *Lexicon) Restore(p *profile.Profile, data []byte) (prep Prepared, ok bool) {
	if l == nil {
		return Prepared{}, false
	}
	x := l.extra()
	if len(data) < 1+fingerprintLen || data[0] != readingFormat || x.fingerprint == [fingerprintLen]byte{} ||
		[fingerprintLen]byte(data[1:1+fingerprintLen]) != x.fingerprint {
		return Prepared{}, false
	}
	d := decoder{buf: data[1+fingerprintLen:], ids: x.ids}
	r := &Reading{}
	// The six sets are decoded into one array, then copied to one of their
	// size; most readings fit in the buffer on the stack.
	var buf [32]entry
	all := buf[:0]
	var ends [6]int
	for i := range ends {
		n := d.uvarint()
		// Every entry takes at least 11 bytes: a bound before allocating.
		if d.bad || n > uint64(len(d.buf))/11 {
			return Prepared{}, false
		}
		for j := range int(n) {
			e := entry{code: d.sym()}
			e.word, e.where, e.weight = d.evidence()
			if j > 0 && symbols.str(all[len(all)-1].code) >= symbols.str(e.code) {
				d.bad = true // a set is sorted by code, each once
			}
			all = append(all, e)
		}
		ends[i] = len(all)
	}
	if len(all) > 0 {
		all = slices.Clone(all)
	}
	start := 0
	for i, es := range [...]*Evidences{&r.Chains, &r.Mentions, &r.Segments, &r.Services, &r.Funding, &r.Topics} {
		if ends[i] > start {
			es.list = all[start:ends[i]:ends[i]]
		}
		start = ends[i]
	}
	switch d.byte() {
	case 0:
	case 1:
		var e entry
		e.word, e.where, e.weight = d.evidence()
		sp := e.unpack(symbols.strs.all(), symbols.weights.all()).Evidence
		r.Space = &sp
	default:
		d.bad = true
	}
	if d.bad || len(d.buf) != 0 {
		return Prepared{}, false
	}
	return Prepared{prepareWith(p, r)}, true
}

// decoder reads what AppendReading wrote; bad is set at the first thing that
// is not there, and every read after returns zero values.
type decoder struct {
	buf []byte
	ids map[string]uint32
	bad bool
}

func (d *decoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.bad || len(d.buf) == 0 {
		d.bad = true
		return 0
	}
	c := d.buf[0]
	d.buf = d.buf[1:]
	return c
}

// sym is the number of the next string, found in the lexicon's when it has
// it.
func (d *decoder) sym() uint32 {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.buf)) {
		d.bad = true
		return 0
	}
	raw := d.buf[:n]
	d.buf = d.buf[n:]
	if n == 0 {
		return 0
	}
	if id, ok := d.ids[string(raw)]; ok {
		return id
	}
	return symbols.strID(string(raw))
}

// evidence is the next evidence's word, where and weight, numbered.
func (d *decoder) evidence() (word, where, weight uint32) {
	word, where = d.sym(), d.sym()
	if d.bad || len(d.buf) < 8 {
		d.bad = true
		return 0, 0, 0
	}
	weight = symbols.weightID(math.Float64frombits(binary.LittleEndian.Uint64(d.buf)))
	d.buf = d.buf[8:]
	return word, where, weight
}
