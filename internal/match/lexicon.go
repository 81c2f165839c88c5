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

	"fuhua/internal/profile"
	"fuhua/seed"
)

// Lexicon knows the chains and districts by name, and which words in free text
// point to which chain. It is built once from seed data and is safe for concurrent
// use because it is never modified after NewLexicon.
type Lexicon struct {
	chains    map[string]seed.Chain
	districts map[string]seed.District
	// byRune indexes the lower-cased keywords by their first rune so that Detect
	// scans a text once instead of searching for every keyword in turn.
	byRune map[rune][]keyword
	// exact maps a lower-cased keyword, code or chain name to its chain codes, for
	// query expansion.
	exact map[string][]string
	// tm is the industry technology map: segments, their words and links.
	tm *techMap
}

// keyword is one synonym of one chain.
type keyword struct {
	word  string // lower-cased
	orig  string // as written in the chain list
	code  string
	latin bool // Latin words match only at word boundaries: "IC" is not in "ICT"
}

// Hit is one chain found in a text, with the word that revealed it.
type Hit struct {
	Code string
	Word string
}

// NewLexicon builds a lexicon from the chain list and the districts in seed/,
// with the chain map, the need words and the enclave hosts of seed/ for the
// chains in the list.
func NewLexicon(chains []seed.Chain, districts []seed.District) *Lexicon {
	l := &Lexicon{
		tm:        buildTechMap(chains, seed.Map(), seed.Needs(), seed.Hosts()),
		chains:    make(map[string]seed.Chain, len(chains)),
		districts: make(map[string]seed.District, len(districts)),
		byRune:    map[rune][]keyword{},
		exact:     map[string][]string{},
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
			r, _ := utf8.DecodeRuneInString(lw)
			l.byRune[r] = append(l.byRune[r], keyword{word: lw, orig: w, code: c.Code, latin: isLatinWord(lw)})
			l.addExact(lw, c.Code)
		}
		l.addExact(strings.ToLower(c.Code), c.Code)
		l.addExact(strings.ToLower(c.EN), c.Code)
	}
	// Longer keywords first, so the word reported for a chain is the most specific.
	for r, ks := range l.byRune {
		sort.SliceStable(ks, func(i, j int) bool { return len(ks[i].word) > len(ks[j].word) })
		l.byRune[r] = ks
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

// Detect lists the chains whose keywords occur in text, one hit per chain, sorted
// by code. Chinese keywords match anywhere (Chinese has no spaces); Latin ones only
// as whole words.
func (l *Lexicon) Detect(text string) []Hit {
	if l == nil || text == "" {
		return nil
	}
	low := strings.ToLower(text)
	found := map[string]string{}
	prev := rune(0)
	for i, r := range low {
		for _, k := range l.byRune[r] {
			if _, ok := found[k.code]; ok {
				continue
			}
			if !strings.HasPrefix(low[i:], k.word) {
				continue
			}
			if k.latin {
				if isWordRune(prev) {
					continue
				}
				next, _ := utf8.DecodeRuneInString(low[i+len(k.word):])
				if isWordRune(next) {
					continue
				}
			}
			found[k.code] = k.orig
		}
		prev = r
	}
	out := make([]Hit, 0, len(found))
	for c, w := range found {
		out = append(out, Hit{Code: c, Word: w})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
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

// EffectiveChains is the set of chains a profile belongs to (see Read): those it
// declares, those of the segments it declares, and those its text shows it works
// in. The value tells how it was found: "" when declared, otherwise the keyword
// found in the text.
func (l *Lexicon) EffectiveChains(p *profile.Profile) map[string]string {
	r := l.Read(p)
	out := make(map[string]string, len(r.Chains))
	for c, e := range r.Chains {
		out[c] = e.Word
	}
	return out
}

// ProseOf joins the public free text of a profile: name, summary, tags and a
// mentor's topics. Contact details are never part of it.
func ProseOf(p *profile.Profile) string {
	var b strings.Builder
	b.WriteString(p.Name)
	b.WriteString("\n")
	b.WriteString(p.Summary)
	for _, t := range p.Tags {
		b.WriteString("\n")
		b.WriteString(t)
	}
	for _, t := range p.Topics {
		b.WriteString("\n")
		b.WriteString(t)
	}
	return b.String()
}
