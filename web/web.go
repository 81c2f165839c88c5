// Package web serves fuhua's pages: Go templates and static files (CSS and plain
// JavaScript modules) embedded in the binary. The pages hold no data of their own;
// their scripts call the JSON API at /api/v1 with the session cookie the API sets
// at sign-in, and every word they show comes from one catalogue per language
// (web/i18n, see i18n.go). Everything is same-origin and nothing is inline, so the pages run
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

// page is one page: its template (also the name of the script that drives it),
// the catalogue key of its title, and who may open it.
type page struct {
	name  string // template name and script name
	title string // catalogue key of the title ("nav.search")
	// public pages work without signing in; the others send the visitor to the
	// sign-in page when nobody is signed in.
	public bool
	// roles are the account roles that may open the page; none means every
	// signed-in account. The menu offers the page only to them.
	roles []string
}

// pages maps the path under /app/ to its page.
var pages = map[string]page{
	"login":         {name: "login", title: "nav.login", public: true},
	"me":            {name: "me", title: "nav.me"},
	"search":        {name: "search", title: "nav.search"},
	"profile":       {name: "profile", title: "nav.profile"},
	"intros":        {name: "intros", title: "nav.intros"},
	"notifications": {name: "notifications", title: "nav.notifications"},
	"kpi":           {name: "kpi", title: "nav.kpi", roles: []string{"manager", "admin"}},
	"chains":        {name: "chains", title: "nav.chains"},
	"rounds":        {name: "rounds", title: "nav.rounds", roles: []string{"manager", "admin"}},
	"policies":      {name: "policies", title: "nav.policies"},
	"evaluation":    {name: "evaluation", title: "nav.evaluation", roles: []string{"operator", "manager", "admin"}},
	"roster":        {name: "roster", title: "nav.roster", roles: []string{"manager", "admin"}},
	"import":        {name: "import", title: "nav.import", roles: []string{"manager", "admin"}},
	"techsme":       {name: "techsme", title: "nav.techsme"},
	"merge":         {name: "merge", title: "nav.merge", roles: []string{"manager", "admin"}},
	"landing":       {name: "landing", title: "landing.title", roles: []string{"manager", "admin"}},
}

// nav is the menu: page names in menu order. Append a page here to offer it.
var nav = []string{"search", "chains", "me", "intros", "policies", "rounds", "kpi", "evaluation", "roster", "import", "merge", "landing"}

// navItem is one entry of the menu.
type navItem struct {
	Path, Title string
	// Roles are the roles the entry is for, space-separated; empty is everyone.
	// The entry is rendered hidden and ui.js shows it to those roles only.
	Roles   string
	Current bool
}

// view is what a page template is rendered with.
type view struct {
	Page   string
	Title  string // the page's title in the page's language
	Public bool
	Nav    []navItem
	// Lang is the page's language ("zh" or "en"), HTMLLang its lang attribute.
	Lang, HTMLLang string
	// MinPassword is the password policy's minimum, shown beside the field so the
	// hint cannot drift from the rule.
	MinPassword int
	words       words
}

// T is the text of key in the page's language, with vars ("name", value, …) put
// into its {name} slots. A key missing from the catalogue shows as the key (the
// tests refuse any page that uses one).
func (v view) T(key string, vars ...any) string {
	s, ok := v.words[key]
	if !ok {
		return key
	}
	return format(s, vars...)
}

// handler serves the pages, the catalogues and the static files.
type handler struct {
	tmpl   *template.Template
	static http.Handler
	// catalog is the code lists with names in both languages; words the merged word catalogue
	// per language, and wordsJSON the same as served to scripts.
	catalog   []byte
	words     map[string]words
	wordsJSON map[string][]byte
}

// Handler returns the web app as an http.Handler. It answers GET and HEAD on "/",
// "/app/…" and "/static/…" and 404 with a page of its own elsewhere.
func Handler() http.Handler {
	tmpl := template.Must(template.New("").ParseFS(templateFiles, "templates/*.html"))
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic("web: static files: " + err.Error()) // embedded at build time: cannot fail at run time
	}
	ws, err := loadWords(wordFiles)
	if err != nil {
		panic("web: words: " + err.Error()) // embedded at build time; TestWords checks them
	}
	h := &handler{tmpl: tmpl, static: http.StripPrefix("/static/", http.FileServerFS(sub)), words: ws,
		wordsJSON: map[string][]byte{}}
	if h.catalog, err = json.Marshal(buildCatalog(ws["en"])); err != nil {
		panic("web: catalog: " + err.Error()) // plain strings only: cannot fail
	}
	for _, l := range Languages {
		if h.wordsJSON[l], err = json.Marshal(ws[l]); err != nil {
			panic("web: words: " + err.Error())
		}
	}
	return h
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
	lang := langOf(r)
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
	case strings.HasPrefix(p, "/app/i18n/") && h.wordsJSON[strings.TrimSuffix(strings.TrimPrefix(p, "/app/i18n/"), ".json")] != nil:
		hd.Set("Content-Type", "application/json; charset=utf-8")
		hd.Set("Cache-Control", "no-cache")
		_, _ = w.Write(h.wordsJSON[strings.TrimSuffix(strings.TrimPrefix(p, "/app/i18n/"), ".json")])
	case strings.HasPrefix(p, "/static/"):
		if !fs.ValidPath(strings.TrimPrefix(p, "/static/")) || !utf8.ValidString(p) || strings.ContainsRune(p, 0) {
			// No file has such a name (bytes that are not UTF-8, "..", a NUL); the
			// file server would report the failed open as a 500.
			h.notFound(w, lang)
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
			h.notFound(w, lang)
			return
		}
		h.render(w, http.StatusOK, h.view(pg, lang, name))
	default:
		h.notFound(w, lang)
	}
}

// view is what page pg is rendered with in language lang.
func (h *handler) view(pg page, lang, current string) view {
	v := view{Page: pg.name, Public: pg.public, Lang: lang, HTMLLang: "zh-CN", MinPassword: auth.MinPassword, words: h.words[lang]}
	if lang == "en" {
		v.HTMLLang = "en"
	}
	v.Title = v.T(pg.title)
	for _, n := range nav {
		p := pages[n]
		v.Nav = append(v.Nav, navItem{Path: "/app/" + n, Title: v.T(p.title), Roles: strings.Join(p.roles, " "), Current: n == current})
	}
	return v
}

func (h *handler) notFound(w http.ResponseWriter, lang string) {
	h.render(w, http.StatusNotFound, h.view(page{name: "notfound", title: "nav.notfound", public: true}, lang, ""))
}

// render executes a page into a buffer first, so a template error becomes a 500
// rather than half a page.
func (h *handler) render(w http.ResponseWriter, status int, v view) {
	var buf bytes.Buffer
	if err := h.tmpl.ExecuteTemplate(&buf, v.Page+".html", v); err != nil {
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
	EN   string `json:"en,omitempty"`
}

// buildCatalog is the code lists with their names; ws (the English words) gives
// the English names of kinds and closed lists ("codes.<list>.<code>",
// "codes.kind.<kind>").
func buildCatalog(ws words) catalog {
	c := catalog{Lists: map[string][]codeName{}}
	for _, d := range seed.Districts() {
		c.Districts = append(c.Districts, codeName{d.Code, d.ZH, d.EN})
	}
	for _, ch := range seed.Chains() {
		c.Chains = append(c.Chains, codeName{ch.Code, ch.ZH, ch.EN})
	}
	for _, k := range profile.Kinds {
		c.Kinds = append(c.Kinds, kindName{string(k), k.Path(), k.ZH(), ws["codes.kind."+string(k)]})
	}
	for name, set := range map[string]profile.CodeSet{
		"stages": profile.Stages, "funding_kinds": profile.FundingKinds, "need_services": profile.NeedServices,
		"startup_statuses": profile.StartupStatuses, "investor_types": profile.InvestorTypes,
		"carrier_types": profile.CarrierTypes, "levels": profile.Levels, "host_regions": profile.HostRegions,
		"provider_types": profile.ProviderTypes, "offer_services": profile.OfferServices,
	} {
		for _, code := range set.Codes() {
			c.Lists[name] = append(c.Lists[name], codeName{Code: code, ZH: set.ZH(code), EN: ws["codes."+name+"."+code]})
		}
	}
	return c
}
