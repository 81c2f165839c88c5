// Package web serves fuhua's pages: Go templates and static files (CSS and plain
// JavaScript modules) embedded in the binary. The pages hold no data of their own;
// their scripts call the JSON API at /api/v1 with the bearer token kept in
// sessionStorage. Everything is same-origin and nothing is inline, so the pages run
// under the strict Content-Security-Policy the API sets for non-API paths.
package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"unicode/utf8"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
	"fuhua/seed"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// ContentSecurityPolicy is the policy every page and static file carries. The API
// middleware sets the same policy for non-API paths; the handler sets it too so
// that the pages stay protected wherever the handler is mounted.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Paths lists the URL patterns the handler answers, in the wildcard syntax of Gin
// and httprouter, for a router that mounts it route by route: "/" (a redirect to
// the search page), every page under /app/ and every static file under /static/.
func Paths() []string { return []string{"/", "/app/*page", "/static/*file"} }

// page is one page: its template, title and the script module that drives it.
type page struct {
	name    string // template name and script name
	titleZH string
	titleEN string
	// public pages work without signing in; the others send the visitor to the
	// sign-in page when no token is kept.
	public bool
}

// pages maps the path under /app/ to its page. The order of nav is the menu order.
var pages = map[string]page{
	"login":      {"login", "登录 / 注册", "Sign in / Register", true},
	"me":         {"me", "我的资料", "My profiles", false},
	"search":     {"search", "检索", "Search", false},
	"profile":    {"profile", "资料详情与匹配", "Profile and matches", false},
	"intros":     {"intros", "对接", "Introductions", false},
	"kpi":        {"kpi", "目标监测", "Plan indicators", false},
	"chains":     {"chains", "产业图谱", "Chain map", false},
	"rounds":     {"rounds", "批量对接", "Brokered rounds", false},
	"policies":   {"policies", "政策匹配", "Policy matching", false},
	"evaluation": {"evaluation", "绩效评价", "Carrier evaluation", false},
	"merge":      {"merge", "合并重复资料", "Merge duplicates", false},
}

// navItem is one entry of the menu.
type navItem struct {
	Path, ZH, EN string
	Current      bool
}

var nav = []string{"search", "chains", "me", "intros", "policies", "rounds", "kpi", "evaluation", "merge"}

// view is what a page template is rendered with.
type view struct {
	Page    string
	TitleZH string
	TitleEN string
	Public  bool
	Nav     []navItem
	// MinPassword is the password policy's minimum, shown beside the field so the
	// hint cannot drift from the rule.
	MinPassword int
}

// handler serves the pages, the catalog and the static files.
type handler struct {
	tmpl    *template.Template
	static  http.Handler
	catalog []byte
}

// Handler returns the web app as an http.Handler. It answers GET and HEAD on "/",
// "/app/…" and "/static/…" and 404 with a page of its own elsewhere.
func Handler() http.Handler {
	tmpl := template.Must(template.New("").ParseFS(templateFiles, "templates/*.html"))
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic("web: static files: " + err.Error()) // embedded at build time: cannot fail at run time
	}
	cat, err := json.Marshal(buildCatalog())
	if err != nil {
		panic("web: catalog: " + err.Error()) // plain strings only: cannot fail
	}
	return &handler{tmpl: tmpl, static: http.StripPrefix("/static/", http.FileServerFS(sub)), catalog: cat}
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", ContentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/" || p == "/app" || p == "/app/":
		http.Redirect(w, r, "/app/search", http.StatusSeeOther)
	case p == "/app/catalog.json":
		// Code lists change only with a new binary; a short cache spares a request
		// per page view without pinning an old list for long.
		hd.Set("Content-Type", "application/json; charset=utf-8")
		hd.Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(h.catalog)
	case strings.HasPrefix(p, "/static/"):
		if !fs.ValidPath(strings.TrimPrefix(p, "/static/")) || !utf8.ValidString(p) || strings.ContainsRune(p, 0) {
			// No file has such a name (bytes that are not UTF-8, "..", a NUL); the
			// file server would report the failed open as a 500.
			h.render(w, http.StatusNotFound, "notfound", view{Page: "notfound", TitleZH: "页面不存在", TitleEN: "Not found", Public: true, Nav: menu("")})
			return
		}
		// No version in the file names, so browsers revalidate rather than cache
		// blindly: a new binary's scripts are picked up at once.
		hd.Set("Cache-Control", "no-cache")
		h.static.ServeHTTP(w, r)
	case strings.HasPrefix(p, "/app/"):
		name := strings.TrimPrefix(p, "/app/")
		pg, ok := pages[name]
		if !ok {
			h.render(w, http.StatusNotFound, "notfound", view{Page: "notfound", TitleZH: "页面不存在", TitleEN: "Not found", Public: true, Nav: menu("")})
			return
		}
		h.render(w, http.StatusOK, pg.name, view{Page: pg.name, TitleZH: pg.titleZH, TitleEN: pg.titleEN, Public: pg.public,
			Nav: menu(name), MinPassword: auth.MinPassword})
	default:
		h.render(w, http.StatusNotFound, "notfound", view{Page: "notfound", TitleZH: "页面不存在", TitleEN: "Not found", Public: true, Nav: menu("")})
	}
}

func menu(current string) []navItem {
	out := make([]navItem, 0, len(nav))
	for _, n := range nav {
		pg := pages[n]
		out = append(out, navItem{Path: "/app/" + n, ZH: pg.titleZH, EN: pg.titleEN, Current: n == current})
	}
	return out
}

// render executes a page into a buffer first, so a template error becomes a 500
// rather than half a page.
func (h *handler) render(w http.ResponseWriter, status int, name string, v view) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, name+".html", v); err != nil {
		http.Error(w, "page failed to render", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// codeName is one code of a closed list with its names.
type codeName struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en,omitempty"`
}

// catalog is what the pages need to show codes as names and to fill selects: the
// districts and chains from seed/, and the closed lists of the data contract.
type catalog struct {
	Districts []codeName            `json:"districts"`
	Chains    []codeName            `json:"chains"`
	Kinds     []kindName            `json:"kinds"`
	Lists     map[string][]codeName `json:"lists"`
}

// kindName is a kind with its URL path and names.
type kindName struct {
	Code string `json:"code"`
	Path string `json:"path"`
	ZH   string `json:"zh"`
}

func buildCatalog() catalog {
	c := catalog{Lists: map[string][]codeName{}}
	for _, d := range seed.Districts() {
		c.Districts = append(c.Districts, codeName{d.Code, d.ZH, d.EN})
	}
	for _, ch := range seed.Chains() {
		c.Chains = append(c.Chains, codeName{ch.Code, ch.ZH, ch.EN})
	}
	for _, k := range profile.Kinds {
		c.Kinds = append(c.Kinds, kindName{string(k), k.Path(), k.ZH()})
	}
	for name, set := range map[string]profile.CodeSet{
		"stages": profile.Stages, "funding_kinds": profile.FundingKinds, "need_services": profile.NeedServices,
		"startup_statuses": profile.StartupStatuses, "investor_types": profile.InvestorTypes,
		"carrier_types": profile.CarrierTypes, "levels": profile.Levels, "host_regions": profile.HostRegions,
		"provider_types": profile.ProviderTypes, "offer_services": profile.OfferServices,
	} {
		for _, code := range set.Codes() {
			c.Lists[name] = append(c.Lists[name], codeName{Code: code, ZH: set.ZH(code)})
		}
	}
	return c
}
