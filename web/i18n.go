package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
)

// The words every page shows live in web/i18n/<area>.<lang>.json: flat objects of
// "area.key" to text, one file per area and language. The handler merges the
// areas into one catalogue per language; templates read it through view.T and
// scripts fetch it (/app/i18n/<lang>.json) for t() in static/js/i18n.js. A page
// is Chinese unless the cookie LangCookie says "en".

//go:embed i18n/*.json
var wordFiles embed.FS

// LangCookie is the cookie that keeps the language a person chose: "en" for
// English; anything else, or none, is Chinese.
const LangCookie = "fuhua_lang"

// Languages are the languages of the catalogue, Chinese first (the default).
var Languages = []string{"zh", "en"}

// words is one language's catalogue: key to text.
type words map[string]string

// loadWords merges the area files of every language. It fails when a file is not
// a flat object of strings, when a key does not start with its file's area, or
// when a key is defined twice.
func loadWords(fsys fs.FS) (map[string]words, error) {
	out := map[string]words{}
	for _, l := range Languages {
		out[l] = words{}
	}
	names, err := fs.Glob(fsys, "i18n/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".json")
		dot := strings.LastIndexByte(base, '.')
		if dot < 0 {
			return nil, fmt.Errorf("%s: name must be <area>.<lang>.json", name)
		}
		area, lang := base[:dot], base[dot+1:]
		cat, ok := out[lang]
		if !ok {
			return nil, fmt.Errorf("%s: unknown language %q", name, lang)
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for k, v := range m {
			if !strings.HasPrefix(k, area+".") {
				return nil, fmt.Errorf("%s: key %q does not start with %q", name, k, area+".")
			}
			if _, dup := cat[k]; dup {
				return nil, fmt.Errorf("%s: key %q defined twice", name, k)
			}
			cat[k] = v
		}
	}
	return out, nil
}

// langOf is the language a request asked for through its cookie.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

// format puts vars ("name", value, …) into the {name} slots of s.
func format(s string, vars ...any) string {
	for i := 0; i+1 < len(vars); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(vars[i])+"}", fmt.Sprint(vars[i+1]))
	}
	return s
}
