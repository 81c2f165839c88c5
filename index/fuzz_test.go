package index

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode"

	"fuhua/internal/profile"
)

// FuzzSearch feeds arbitrary text and kinds to Search over a small on-disk
// index built with the production mapping. Whatever the input, Search must not
// panic, must fail only with a *profile.Error of kind profile.ErrInvalid (bad
// input) or profile.ErrUnavailable (deadline), and must find nothing for text
// that is only query syntax: the words never reach Bleve's query-string parser,
// so `*` or `/.*/` are not wildcards. The seeds run in every `go test`.
func FuzzSearch(f *testing.F) {
	for _, seed := range []struct{ q, kind string }{
		{"*", ""}, {"/.*/", ""}, {"~5", ""}, {"email:x", ""}, {"kind:startup", ""}, {"+name:盐城 -summary:*", ""},
		{`"盐城" AND 芯片^10`, ""}, {"name:*", "startup"}, {"盐城 储能系统", ""}, {"芯片", "investor"}, {"碳化硅", "startup"},
		{"hydrogen SiC EDA", ""}, {"工业软件", "nobody"}, {strings.Repeat("a", 300), ""}, {strings.Repeat("盐", 257), ""},
		{strings.Repeat("芯片 ", 33), ""}, {strings.Repeat("芯片 ", 32), ""}, {"\xff\xfe", ""}, {"芯\xe8片", ""},
		{"", ""}, {"   \t\n", ""}, {"，。！？", ""}, {"\x00", ""}, {"𠀀𠀁 🚀", ""},
	} {
		f.Add(seed.q, seed.kind)
	}
	ix, _, _ := build(f, genProfiles(120, 5))
	f.Fuzz(func(t *testing.T, q, kind string) {
		res, err := ix.Search(context.Background(), SearchRequest{Q: q, Kind: profile.Kind(kind)})
		if err != nil {
			var pe *profile.Error
			if !errors.As(err, &pe) || !errors.Is(pe.Kind, profile.ErrInvalid) && !errors.Is(pe.Kind, profile.ErrUnavailable) {
				t.Fatalf("Search(%q, kind %q): %v (%T), want a *profile.Error of kind invalid or unavailable", q, kind, err, err)
			}
			return
		}
		if uint64(len(res.Hits)) > res.Total || len(res.Hits) > DefaultLimit {
			t.Fatalf("Search(%q): %d hits of %d", q, len(res.Hits), res.Total)
		}
		for _, h := range res.Hits {
			if h.ID == "" || kind != "" && string(h.Kind) != kind {
				t.Fatalf("Search(%q, kind %q): hit %+v", q, kind, h)
			}
		}
		if onlySyntax(q) && (res.Total != 0 || len(res.Hits) != 0) {
			t.Fatalf("Search(%q) is only query syntax and found %d: %v", q, res.Total, hitIDs(res))
		}
	})
}

// onlySyntax reports whether q holds words but no letter or digit: operators,
// punctuation and symbols only, which must match nothing.
func onlySyntax(q string) bool {
	if strings.TrimSpace(q) == "" {
		return false // blank text is no text: every profile, by filters only
	}
	for _, r := range q {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return false
		}
	}
	return true
}
