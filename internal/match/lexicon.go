// Package match ranks who should meet whom and explains why. It is pure: profiles
// and the chain list go in, scored items with bilingual reasons come out. It does
// no I/O and knows nothing of Bleve; the index package fetches candidates and calls
// Rank.
package match

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fuhua/seed"
)

// Lexicon knows the chains and districts by name, and which words in free text
// point to which chain. It is built once from seed data and is safe for concurrent
// use because it is never modified after NewLexicon.
type Lexicon struct {
	chains    map[string]seed.Chain
	districts map[string]seed.District
	// exact maps a lower-cased keyword, code or chain name to its chain codes, for
	// query expansion.
	exact map[string][]string
	// tm is the industry technology map: segments, their words and links.
	tm *techMap
	// sources is what the lexicon was built from, for its fingerprint
	// (persist.go).
	sources fingerprintInput
	ext     lexExtra
}

// NewLexicon builds a lexicon from the chain list and the districts in seed/,
// with the chain map, the need words and the enclave hosts of seed/ for the
// chains in the list.
func NewLexicon(chains []seed.Chain, districts []seed.District) *Lexicon {
	src := fingerprintInput{Rules: readingRules, Chains: chains, Districts: districts, Map: seed.Map(), Needs: seed.Needs(), Hosts: seed.Hosts()}
	l := &Lexicon{
		tm:        buildTechMap(chains, src.Map, src.Needs, src.Hosts),
		chains:    make(map[string]seed.Chain, len(chains)),
		districts: make(map[string]seed.District, len(districts)),
		exact:     map[string][]string{},
		sources:   src,
	}
	for _, d := range districts {
		l.districts[d.Code] = d
	}
	for _, c := range chains {
		l.chains[c.Code] = c
		words := append([]string{c.ZH}, c.Synonyms...)
		seen := map[string]bool{}
		for _, w := range words {
			lw := strings.ToLower(strings.TrimSpace(w))
			if lw == "" || seen[lw] {
				continue
			}
			seen[lw] = true
			l.addExact(lw, c.Code)
		}
		l.addExact(strings.ToLower(c.Code), c.Code)
		l.addExact(strings.ToLower(c.EN), c.Code)
	}
	return l
}

func (l *Lexicon) addExact(word, code string) {
	if word == "" {
		return
	}
	for _, c := range l.exact[word] {
		if c == code {
			return
		}
	}
	l.exact[word] = append(l.exact[word], code)
}

func isLatinWord(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// Codes returns the chains a single search term names exactly: a keyword, a chain
// code or a chain's English name ("芯片", "ic", "hydrogen"). It is how free-text
// search finds profiles tagged with a chain whose prose never uses the term.
func (l *Lexicon) Codes(term string) []string {
	if l == nil {
		return nil
	}
	return append([]string(nil), l.exact[strings.ToLower(strings.TrimSpace(term))]...)
}

// ChainNames returns a chain's Chinese and English names (the code when unknown).
func (l *Lexicon) ChainNames(code string) (zh, en string) {
	if c, ok := l.chains[code]; ok {
		return c.ZH, c.EN
	}
	return code, code
}

// DistrictNames returns a district's Chinese and English names (the code when
// unknown).
func (l *Lexicon) DistrictNames(code string) (zh, en string) {
	if d, ok := l.districts[code]; ok {
		return d.ZH, d.EN
	}
	return code, code
}

// ChainCodes lists every chain code, sorted.
func (l *Lexicon) ChainCodes() []string {
	out := make([]string, 0, len(l.chains))
	for c := range l.chains {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
