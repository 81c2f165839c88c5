package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"fuhua/index/indextest"
	"fuhua/internal/profile"
)

// readingView is a Reading with its sets as plain slices, for cmp.
type readingView struct {
	Chains, Mentions, Segments, Services, Funding, Topics []Entry
	Space                                                 *Evidence
}

func viewOf(r *Reading) readingView {
	return readingView{r.Chains.Entries(), r.Mentions.Entries(), r.Segments.Entries(), r.Services.Entries(),
		r.Funding.Entries(), r.Topics.Entries(), r.Space}
}

// oddProfiles are profiles whose text tries the scanner's edges: upper case,
// plurals, Latin words inside longer ones, runes that change length when
// lower-cased, empty fields, a marker at the very end.
func oddProfiles() []*profile.Profile {
	texts := []string{
		"", "IC", "ICT公司", "SiC Substrates, GaN wafers; LIDAR", "面向新能源汽车的碳化硅器件。需要融资",
		"İstanbul IC 芯片", "ΣΙΣΥΦΟΣ 氢能 HYDROGEN fuel cells.", "已完成天使轮融资，需要厂房", "寻求Mentoring on FUNDING",
		"looking for office space and legal services", "电电电电池池", "用于", "面向", "a\u0130b ic", "ics IC's ic-s icses",
		"\xff\xfe芯片\xc3", "𠀀𠀁 储能 储能系统 Energy Storage systems", "KK",
		// A need read weakly, then again with a marker: the stronger evidence wins.
		"法律服务；需要法律服务和融资", "寻求法律咨询；律师",
	}
	var out []*profile.Profile
	for i, t := range texts {
		for _, k := range []profile.Kind{profile.Startup, profile.Mentor, profile.Carrier, profile.Provider, profile.Investor, profile.Enclave} {
			p := &profile.Profile{ID: fmt.Sprintf("odd%d%s", i, k), Kind: k, Name: t, Summary: t + "。" + strings.ToUpper(t),
				Tags: []string{t, strings.ToUpper(t)}, Topics: []string{t}}
			if k == profile.Startup {
				p.Needs = &profile.Needs{Mentoring: []string{t, strings.ToUpper(t)}}
			}
			out = append(out, p)
		}
	}
	return out
}

// TestFastReadSame checks that Read and prepare give, for demo, index test and
// odd profiles, exactly what the implementations before they were made faster
// gave (kept in refread_test.go): every Reading field by field, the grams and
// the tags.
func TestFastReadSame(t *testing.T) {
	lex := testLex()
	ps := demoProfiles(3000)
	ps = append(ps, indextest.Profiles(2000, 3)...)
	ps = append(ps, oddProfiles()...)
	bad := 0
	for _, p := range ps {
		got, want := prepare(p, lex), refPrepare(p, lex)
		if d := cmp.Diff(viewOf(want.r), viewOf(got.r)); d != "" {
			t.Errorf("%s: Reading differs (-old +new):\n%s", p.ID, d)
			bad++
		}
		if d := cmp.Diff(want.grams, got.grams); d != "" {
			t.Errorf("%s: grams differ (-old +new):\n%s", p.ID, d)
			bad++
		}
		if d := cmp.Diff(want.tags, got.tags, cmp.AllowUnexported(tag{})); d != "" {
			t.Errorf("%s: tags differ (-old +new):\n%s", p.ID, d)
			bad++
		}
		if bad > 10 {
			t.Fatal("too many differences")
		}
	}
	t.Logf("%d profiles compared", len(ps))
}

// BenchmarkPrepare prepares 5,000 demo profiles: ns and allocations per profile.
func BenchmarkPrepare(b *testing.B) {
	lex := testLex()
	ps := demoProfiles(5000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Prepare(ps[i%len(ps)], lex)
	}
}

// BenchmarkPrepareOld is BenchmarkPrepare on the implementations before they
// were made faster (refread_test.go), for comparison on the same machine.
func BenchmarkPrepareOld(b *testing.B) {
	lex := testLex()
	ps := demoProfiles(5000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		refPrepare(ps[i%len(ps)], lex)
	}
}

// TestRuneShortcuts checks what isHan, isLetterOrDigit and lower take for
// granted about Unicode, over every rune, and lower on a few strings.
func TestRuneShortcuts(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isHan(r), unicode.Is(unicode.Han, r); got != want {
			t.Fatalf("isHan(%U) = %v, unicode says %v", r, got, want)
		}
		if got, want := isLetterOrDigit(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("isLetterOrDigit(%U) = %v, unicode says %v", r, got, want)
		}
		if r >= 0x3000 && r <= 0x9FFF && unicode.ToLower(r) != r {
			t.Fatalf("%U has a lower case", r)
		}
		if r < 0x10000 {
			if s := "x" + string(r) + "\xe4"; lower(s) != strings.ToLower(s) {
				t.Fatalf("lower(%q) = %q, strings.ToLower %q", s, lower(s), strings.ToLower(s))
			}
		}
	}
	for _, s := range []string{"", "abc", "ABC", "芯片IC", "İ", "\xff芯", "\uFFFD", "Ｆｕｌｌ", "ΣΑ", "半导体 substrates。", "\xe4\xb8", "\xe4\xb8\xad", "\xe3\x80\x80A", "\xe9\xbf\xbf", "\xea\x99\x80"} {
		if got, want := lower(s), strings.ToLower(s); got != want {
			t.Errorf("lower(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestSortHashes checks sortHashes against slices.Sort on random hashes of
// many sizes, with repeats, above and below its bucket table's size.
func TestSortHashes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var buf gramBuf
	for _, n := range []int{0, 1, 31, 32, 33, 100, 4095, 4097, 10000} {
		hs := make([]uint64, n)
		for i := range hs {
			if i > 0 && rng.IntN(4) == 0 {
				hs[i] = hs[rng.IntN(i)]
			} else {
				hs[i] = rng.Uint64()
			}
		}
		want := slices.Clone(hs)
		slices.Sort(want)
		if got := sortHashes(hs, &buf); !slices.Equal(got, want) {
			t.Errorf("sortHashes of %d hashes is not sorted", n)
		}
	}
	// Hashes crowded into one bucket, in reverse: the budget's way out.
	hs := make([]uint64, 1000)
	for i := range hs {
		hs[i] = uint64(len(hs) - i)
	}
	want := slices.Clone(hs)
	slices.Sort(want)
	if got := sortHashes(hs, &buf); !slices.Equal(got, want) {
		t.Error("sortHashes of crowded hashes is not sorted")
	}
}
