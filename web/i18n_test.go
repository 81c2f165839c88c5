package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"fuhua/internal/profile"
)

func testWords(t *testing.T) map[string]words {
	t.Helper()
	ws, err := loadWords(wordFiles)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestWordsBothLanguages: every key is in both languages, with a text in each;
// a key missing from one would show as a raw key to half the users.
func TestWordsBothLanguages(t *testing.T) {
	ws := testWords(t)
	if len(ws["zh"]) < 100 {
		t.Fatalf("only %d Chinese words: the catalogue did not load", len(ws["zh"]))
	}
	for _, pair := range [][2]string{{"zh", "en"}, {"en", "zh"}} {
		for k, v := range ws[pair[0]] {
			if _, ok := ws[pair[1]][k]; !ok {
				t.Errorf("%q is in %s but not in %s", k, pair[0], pair[1])
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%q is empty in %s", k, pair[0])
			}
		}
	}
}

// usedKeys finds every literal catalogue key the templates and scripts use:
// {{.T "key"}} in templates, t('key') in scripts, and the fields of the profile
// form (fields.<key or name>, fields.hint.<hint>, fields.group.<group>).
func usedKeys(t *testing.T) map[string][]string {
	t.Helper()
	used := map[string][]string{}
	add := func(key, where string) { used[key] = append(used[key], where) }
	tmplKey := regexp.MustCompile(`\.T "([^"]+)"`)
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(path)
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			add(m[1], path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	jsKey := regexp.MustCompile(`\bt\('([^']+)'[,)]`)
	field := regexp.MustCompile(`\{ name: '([^']+)'(?:, key: '([^']+)')?[^}]*?(?:hint: '([^']+)')?[^}]*\}`)
	group := regexp.MustCompile(`\{ group: '([^']+)' \}`)
	err = fs.WalkDir(staticFiles, "static/js", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := staticFiles.ReadFile(path)
		src := string(b)
		for _, m := range jsKey.FindAllStringSubmatch(src, -1) {
			if !strings.HasSuffix(m[1], ".") { // t('intros.state.' + s): a prefix, checked below
				add(m[1], path)
			}
		}
		if strings.HasSuffix(path, "/fields.js") {
			for _, m := range field.FindAllStringSubmatch(src, -1) {
				k := m[1]
				if m[2] != "" {
					k = m[2]
				}
				add("fields."+k, path)
				if m[3] != "" {
					add("fields.hint."+m[3], path)
				}
			}
			for _, m := range group.FindAllStringSubmatch(src, -1) {
				add("fields.group."+m[1], path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys built from a prefix and a code: every code the pages can meet.
	for _, s := range []string{"pending", "accepted", "declined", "withdrawn", "expired", "waiting_other"} {
		add("intros.state."+s, "intros.js")
	}
	for _, s := range []string{"asked", "accepted", "declined", "waiting", "none"} {
		add("intros.answer."+s, "intros.js")
	}
	for _, s := range []string{"inbox", "outbox", "brokered"} {
		add("intros.empty."+s, "intros.js")
	}
	for _, s := range []string{"kind", "chain", "district", "stage", "type"} {
		add("search.facet."+s, "search.js")
	}
	for _, r := range []profile.Role{profile.RoleStartup, profile.RoleMentor, profile.RoleInvestor, profile.RoleOperator, profile.RoleManager, profile.RoleAdmin} {
		add("common.role."+string(r), "ui.js")
	}
	for _, c := range []string{"meeting", "mentoring", "invested", "loan", "landed", "no_fit"} {
		add("intros.outcome."+c, "intros.js")
	}
	for _, a := range []string{"move", "close", "close_kept", "close_self"} {
		add("merge.action."+a, "merge.js")
	}
	for _, p := range pages {
		add(p.title, "web.go")
	}
	return used
}

// TestPagesUseOnlyKnownWords: a key a page uses that the catalogue lacks fails,
// in either language.
func TestPagesUseOnlyKnownWords(t *testing.T) {
	ws := testWords(t)
	used := usedKeys(t)
	if len(used) < 150 {
		t.Fatalf("found only %d keys in use: the scan is broken", len(used))
	}
	var missing []string
	for k, where := range used {
		for _, l := range Languages {
			if _, ok := ws[l][k]; !ok {
				missing = append(missing, l+" "+k+" (used in "+where[0]+")")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error("missing word: " + m)
	}
}

// TestOutcomeAndCodeWordsMatchTheContract: the Chinese names of codes in the
// catalogue are the contract's own, so a page never shows two names for one code.
func TestCodeWordsMatchTheContract(t *testing.T) {
	zh := testWords(t)["zh"]
	for name, set := range map[string]profile.CodeSet{
		"stages": profile.Stages, "funding_kinds": profile.FundingKinds, "need_services": profile.NeedServices,
		"startup_statuses": profile.StartupStatuses, "investor_types": profile.InvestorTypes,
		"carrier_types": profile.CarrierTypes, "levels": profile.Levels, "host_regions": profile.HostRegions,
		"provider_types": profile.ProviderTypes, "offer_services": profile.OfferServices,
	} {
		for _, code := range set.Codes() {
			if got := zh["codes."+name+"."+code]; got != set.ZH(code) {
				t.Errorf("codes.%s.%s = %q, the contract says %q", name, code, got, set.ZH(code))
			}
		}
	}
}

// TestLoadWordsRefusesBadFiles: a key outside its area, a file in no language, a
// key twice: each stops the catalogue from loading.
func TestLoadWordsRefusesBadFiles(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"wrong area":    {"i18n/a.zh.json": `{"b.x":"x"}`},
		"no language":   {"i18n/a.json": `{"a.x":"x"}`},
		"unknown lang":  {"i18n/a.fr.json": `{"a.x":"x"}`},
		"not flat":      {"i18n/a.zh.json": `{"a.x":{"y":"z"}}`},
		"defined twice": {"i18n/a.zh.json": `{"a.b.x":"x"}`, "i18n/a.b.zh.json": `{"a.b.x":"y"}`},
	} {
		if _, err := loadWords(mapFS(files)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
	if ws, err := loadWords(mapFS(map[string]string{"i18n/a.zh.json": `{"a.x":"甲"}`, "i18n/a.en.json": `{"a.x":"A"}`})); err != nil || ws["en"]["a.x"] != "A" {
		t.Errorf("a good pair: %v %v", ws, err)
	}
}

// TestChinesePagesHaveNoEnglishSubtitles and the English switch: a page is
// Chinese with no English beside it; with fuhua_lang=en the same page, menu
// included, is English.
func TestLanguageSwitch(t *testing.T) {
	h := Handler()
	zh := get(t, h, "/app/login").Body.String()
	if strings.Contains(zh, `class="en"`) {
		t.Error("the Chinese page still carries English subtitles")
	}
	if !strings.Contains(zh, `<html lang="zh-CN">`) || !strings.Contains(zh, ">检索</a>") || !strings.Contains(zh, ">English</button>") {
		t.Errorf("Chinese page: menu or switch missing")
	}
	req := httptest.NewRequest(http.MethodGet, "/app/login", nil)
	req.AddCookie(&http.Cookie{Name: LangCookie, Value: "en"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	en := rec.Body.String()
	if !strings.Contains(en, `<html lang="en">`) || !strings.Contains(en, ">Search</a>") || strings.Contains(en, ">检索</a>") {
		t.Errorf("English page: lang or menu not English")
	}
	if !strings.Contains(en, `data-lang="en"`) || !strings.Contains(en, ">中文</button>") {
		t.Error("English page: the scripts are not told, or no way back to Chinese")
	}
	for _, l := range Languages {
		rec := get(t, h, "/app/i18n/"+l+".json")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"nav.search"`) {
			t.Errorf("/app/i18n/%s.json: %d", l, rec.Code)
		}
	}
	if rec := get(t, h, "/app/i18n/fr.json"); rec.Code != http.StatusNotFound {
		t.Errorf("/app/i18n/fr.json: %d, want 404", rec.Code)
	}
}

// TestTemplatesHaveNoSubtitles: no page template (but the KPI page, which is
// being rebuilt) carries an English subtitle or a Chinese text outside the
// catalogue.
func TestTemplatesHaveNoSubtitles(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, _ := templateFiles.ReadFile(name)
		if strings.Contains(string(b), `class="en"`) {
			t.Errorf("%s carries an English subtitle", name)
		}
		if m := han.FindString(string(b)); m != "" {
			t.Errorf("%s has Chinese text outside the catalogue (%q…)", name, m)
		}
	}
}

// TestMenuMarksRoles: pages some roles may not open are marked for them and
// hidden until the script knows the role.
func TestMenuMarksRoles(t *testing.T) {
	body := get(t, Handler(), "/app/search").Body.String()
	if !regexp.MustCompile(`<a href="/app/kpi" data-roles="manager admin" hidden>`).MatchString(body) {
		t.Error("目标监测 is not limited to managers and admins in the menu")
	}
	if !strings.Contains(body, `<a href="/app/search" aria-current="page">`) {
		t.Error("the search entry is not open to everyone")
	}
}

// mapFS is an in-memory file system of name to content.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, body := range files {
		m[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return m
}

// TestScriptsHaveNoWordsOfTheirOwn: a page script takes every word it shows
// from the catalogue, so the English switch reaches all of it: no Chinese text
// outside comments, and no bi(zh, en) pair (ui.js keeps bi for none but itself).
func TestScriptsHaveNoWordsOfTheirOwn(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	lineComment := regexp.MustCompile(`(?m)(^|\s)//.*$`)
	blockComment := regexp.MustCompile(`(?s)/\*.*?\*/`)
	biCall := regexp.MustCompile(`\bbi\(`)
	names, err := fs.Glob(staticFiles, "static/js/*.js")
	if err != nil || len(names) < 10 {
		t.Fatalf("scripts: %v %v", names, err)
	}
	for _, name := range names {
		b, _ := staticFiles.ReadFile(name)
		code := lineComment.ReplaceAllString(blockComment.ReplaceAllString(string(b), ""), "")
		for i, line := range strings.Split(code, "\n") {
			if m := han.FindString(line); m != "" {
				t.Errorf("%s:%d has Chinese outside the catalogue (%q…)", name, i+1, m)
			}
		}
		if n := len(biCall.FindAllString(code, -1)); n > 0 && !strings.HasSuffix(name, "/ui.js") {
			t.Errorf("%s still holds %d bi(zh, en) pairs", name, n)
		}
	}
}
