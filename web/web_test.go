package web

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// inlineScript finds a <script> element with a body, and inlineStyle a <style>
// element or a style attribute: the policy refuses all three, so a page that had
// one would break in the browser.
var (
	scriptTag   = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	inlineStyle = regexp.MustCompile(`(?i)<style\b|\sstyle\s*=`)
	inlineEvent = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	externalRef = regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//`)
)

func TestPagesCarryPolicyAndNoInlineCode(t *testing.T) {
	h := Handler()
	for name := range pages {
		t.Run(name, func(t *testing.T) {
			rec := get(t, h, "/app/"+name)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != ContentSecurityPolicy {
				t.Errorf("Content-Security-Policy = %q, want %q", got, ContentSecurityPolicy)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("Content-Type = %q", ct)
			}
			body := rec.Body.String()
			scripts := scriptTag.FindAllStringSubmatch(body, -1)
			if len(scripts) != 1 {
				t.Errorf("%d script elements, want exactly the page's module", len(scripts))
			}
			for _, s := range scripts {
				if strings.TrimSpace(s[2]) != "" {
					t.Errorf("inline script: %q", s[2])
				}
				if want := `src="/static/js/` + name + `.js"`; !strings.Contains(s[1], want) {
					t.Errorf("script %q does not load %s", s[1], want)
				}
				if !strings.Contains(s[1], `type="module"`) {
					t.Errorf("script %q is not a module", s[1])
				}
			}
			for _, re := range []*regexp.Regexp{inlineStyle, inlineEvent, externalRef} {
				if m := re.FindString(body); m != "" {
					t.Errorf("page has %q, which the policy refuses or which leaves the site", m)
				}
			}
			if !strings.Contains(body, `<html lang="zh-CN">`) {
				t.Error("page is not marked as Chinese")
			}
			if want := testWords(t)["zh"][pages[name].title]; want == "" || !strings.Contains(body, "<title>"+want) {
				t.Errorf("title is not %q", want)
			}
		})
	}
}

// Every script a page loads, and every module those scripts import, must exist:
// a missing one is a blank page in the browser and a 404 nobody sees in Go.
func TestScriptsAndImportsExist(t *testing.T) {
	h := Handler()
	importRe := regexp.MustCompile(`(?m)^import .* from '\./([a-z]+\.js)';`)
	seen := map[string]bool{}
	var check func(path string)
	check = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		rec := get(t, h, path)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: %d", path, rec.Code)
			return
		}
		if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "javascript") {
			t.Errorf("GET %s: Content-Type %q; browsers refuse a module that is not JavaScript", path, ct)
		}
		for _, m := range importRe.FindAllStringSubmatch(rec.Body.String(), -1) {
			check("/static/js/" + m[1])
		}
	}
	for name := range pages {
		check("/static/js/" + name + ".js")
	}
	check("/static/js/notfound.js")
	if !seen["/static/js/ui.js"] || !seen["/static/js/api.js"] {
		t.Errorf("imports were not followed: %v", seen)
	}
	if rec := get(t, h, "/static/app.css"); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Errorf("app.css: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// Strings from the API reach the page as text: no script assigns HTML. The one
// piece of server HTML, the search snippet, is rebuilt node by node (ui.js).
func TestScriptsNeverAssignHTML(t *testing.T) {
	bad := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function`)
	err := fs.WalkDir(staticFiles, "static/js", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := bad.FindString(line); m != "" && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("%s:%d uses %s", path, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRootRedirectsAndUnknownPagesAre404(t *testing.T) {
	h := Handler()
	rec := get(t, h, "/")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/app/search" {
		t.Errorf("GET /: %d to %q, want 303 to /app/search", rec.Code, rec.Header().Get("Location"))
	}
	for _, p := range []string{"/app/nope", "/app/login/extra", "/elsewhere"} {
		rec := get(t, h, p)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
		if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
			t.Errorf("GET %s: no policy on the 404 page", p)
		}
	}
	if rec := get(t, h, "/static/nope.js"); rec.Code != http.StatusNotFound {
		t.Errorf("missing static file: %d", rec.Code)
	}
	req := httptest.NewRequest(http.MethodPost, "/app/login", strings.NewReader("x"))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /app/login: %d, want 405", rec.Code)
	}
}

// The catalog gives the pages every code they show with its Chinese name; a code
// list that lost its names would show raw codes to users.
func TestCatalog(t *testing.T) {
	rec := get(t, Handler(), "/app/catalog.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	var c catalog
	if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	names := func(list []codeName) map[string]string {
		m := map[string]string{}
		for _, x := range list {
			m[x.Code] = x.ZH
		}
		return m
	}
	for code, zh := range map[string]string{"yannan": "盐南高新区", "tinghu": "亭湖区", "dongtai": "东台市"} {
		if got := names(c.Districts)[code]; got != zh {
			t.Errorf("district %s = %q, want %q", code, got, zh)
		}
	}
	if got := names(c.Chains)["hydrogen"]; got != "氢能" {
		t.Errorf("chain hydrogen = %q, want 氢能", got)
	}
	if len(c.Kinds) != 6 || c.Kinds[0].Path != "startups" {
		t.Errorf("kinds = %+v", c.Kinds)
	}
	for _, l := range []string{"stages", "funding_kinds", "need_services", "startup_statuses", "investor_types",
		"carrier_types", "levels", "host_regions", "provider_types", "offer_services"} {
		if len(c.Lists[l]) == 0 {
			t.Errorf("list %s is empty", l)
		}
		for _, x := range c.Lists[l] {
			if x.ZH == "" || x.ZH == x.Code {
				t.Errorf("list %s: %s has no Chinese name (%q)", l, x.Code, x.ZH)
			}
		}
	}
}

// TestStaticOddPaths: names no file can have (bytes that are not UTF-8, overlong
// dots, NULs, escapes of "..") are answered 404 or 400, never 500, and never with
// a file from outside the static directory.
func TestStaticOddPaths(t *testing.T) {
	h := Handler()
	if rec := get(t, h, "/static/js/api.js"); rec.Code != http.StatusOK {
		t.Fatalf("control: a real file answers %d", rec.Code)
	}
	for _, p := range []string{
		"/static/%ff", "/static/%c0%ae%c0%ae/x", "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/web.go", "/static/%e0%80%af",
		"/static/%00", "/static/js/%00.js", "/static/..%2f..%2fweb.go", "/static/%2e%2e/%2e%2e/web.go",
		"/static/js/..%5c..%5cweb.go", "/static/%fe%ff", "/static/js/api.js%ff",
	} {
		t.Run(p, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			u, err := req.URL.Parse(p)
			if err != nil {
				t.Fatal(err)
			}
			req.URL = u
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 404 or 400: %q", rec.Code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), "package web") {
				t.Errorf("served a source file")
			}
		})
	}
}

// TestNamedImportsAreExported: a module that imports a name its source module no
// longer exports is a blank page in the browser (a SyntaxError at link time).
func TestNamedImportsAreExported(t *testing.T) {
	importRe := regexp.MustCompile(`(?m)^import \{([^}]*)\} from '\./([a-z0-9]+\.js)';`)
	src := map[string]string{}
	err := fs.WalkDir(staticFiles, "static/js", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(path)
		src[strings.TrimPrefix(path, "static/js/")] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for file, body := range src {
		for _, m := range importRe.FindAllStringSubmatch(body, -1) {
			from, ok := src[m[2]]
			if !ok {
				t.Errorf("%s imports missing %s", file, m[2])
				continue
			}
			for _, name := range strings.Split(m[1], ",") {
				name = strings.TrimSpace(strings.Split(strings.TrimSpace(name), " as ")[0])
				if name == "" {
					continue
				}
				n++
				exp := regexp.MustCompile(`(?m)^export (async function|function|const|let|class) ` + regexp.QuoteMeta(name) + `\b`)
				if !exp.MatchString(from) {
					t.Errorf("%s imports %s from %s, which does not export it", file, name, m[2])
				}
			}
		}
	}
	if n < 50 {
		t.Errorf("checked only %d imports: the scan is broken", n)
	}
}
