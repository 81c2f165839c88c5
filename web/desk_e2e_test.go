package web_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"fuhua/internal/auth"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

// creditCode completes a 17-character prefix with its check character.
func creditCode(t *testing.T, prefix string) string {
	t.Helper()
	c, ok := profile.CreditCodeCheck(prefix)
	if !ok {
		t.Fatalf("bad prefix %s", prefix)
	}
	return prefix + string(c)
}

// TestBrowserManagerWorkbench drives a district manager's work in Chromium
// against the real stack: sign in, upload a spreadsheet with three bad rows and
// see every problem with its row and column before anything is written, download
// the rows that did not pass, import only the good rows, find them in the
// roster, open the plan's indicators drawn as SVG and follow a number to the
// firms behind it (a closed year short of its target says 未完成), open a
// startup's tech-SME pre-assessment with the providers for its gaps, and the
// same pages at 390 px without sideways scrolling. Screenshots go to the folder
// the test prints (FUHUA_WEB_SHOTS, or one under the system's temp directory).
func TestBrowserManagerWorkbench(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)
	bg := context.Background()

	mgr := &profile.User{Email: "mgr@yannan.example", Name: "盐南管理员", Role: profile.RoleManager, Districts: []string{"yannan"}}
	var err error
	if mgr.PasswordHash, err = auth.NewHasher(1).Hash(bg, password); err != nil {
		t.Fatal(err)
	}
	if err := s.store.CreateUser(bg, mgr); err != nil {
		t.Fatal(err)
	}
	// A firm incubated in 2023 (the plan's first year, closed whenever this runs)
	// with gaps for the tech-SME evaluation, and an IP agent who can close one.
	seedFirm := &profile.Profile{Kind: profile.Startup, Name: "盐南记录科技有限公司", District: "yannan", Chains: []string{"hydrogen"},
		CreditCode: creditCode(t, "91320913MA25XK900"), IncubatedSince: "2023-03-01", Status: "incubating",
		Employees: 10, TechStaff: 1, RDRatio: 0.01, OwnerID: mongodb.NewID()}
	agent := &profile.Profile{Kind: profile.Provider, Name: "盐南知识产权代理事务所", Type: "ip", Services: []string{"ip"}, District: "yannan", OwnerID: mongodb.NewID()}
	for _, p := range []*profile.Profile{seedFirm, agent} {
		if err := s.store.CreateProfile(bg, p); err != nil {
			t.Fatal(err)
		}
		if err := s.index.Apply(p); err != nil {
			t.Fatal(err)
		}
	}

	// The manager's file: rows 2 and 3 are good; row 4 has a wrong check
	// character, row 5 is in another district, row 6 has a word for a number.
	csv := "企业名称,统一社会信用代码,所属区县,所属产业链,职工总数\n" +
		"盐南导入一号科技," + creditCode(t, "91320913MA25XK901") + ",盐南高新区,氢能,12\n" +
		"盐南导入二号科技," + creditCode(t, "91320913MA25XK902") + ",yannan,集成电路,8\n" +
		"坏码科技,91320913MA25XK9030,yannan,,5\n" +
		"东台外区科技," + creditCode(t, "91320913MA25XK904") + ",东台市,,5\n" +
		"坏数科技," + creditCode(t, "91320913MA25XK905") + ",yannan,,十\n"
	dir := t.TempDir()
	file := filepath.Join(dir, "盐南企业.csv")
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	downloads := filepath.Join(dir, "downloads")
	if err := os.MkdirAll(downloads, 0o755); err != nil {
		t.Fatal(err)
	}
	// The browser, a manager's tab, its console and screenshots: journey_test.go's helpers.
	manager := newBrowser(t, exe, 90*time.Second).person("manager")
	logs, shot, step := manager.logs, manager.shot, manager.step
	eval := manager.eval // until is journey_test.go's, which also waits across page loads
	startups := func() []string {
		t.Helper()
		var names []string
		if err := s.store.EachOfKind(bg, profile.Startup, func(p *profile.Profile) error { names = append(names, p.Name); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(names)
		return names
	}

	step("sign in as the manager and land on the import page",
		chromedp.Navigate(s.url+"/app/login?next=%2Fapp%2Fimport"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SetValue(chromedp.CSS("#login-email"), mgr.Email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#i-kind")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
				// The manager's tab is a browser context of its own (journey_test.go's person).
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}),
	)

	step("check the file: every problem at once, with row and column",
		until(`document.getElementById('i-kind').options.length === 6`),
		chromedp.SetValue(chromedp.CSS("#i-kind"), "startup"),
		chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#i-check")),
		until(`document.querySelectorAll('#i-table tbody tr').length === 3`),
	)
	shot("import-check-1280")
	if got := eval(`[...document.querySelectorAll('#i-table tbody tr')].map(r => r.dataset.row + ' ' + r.dataset.column + ' ' + r.children[2].textContent).join('; ')`); got != "4 B 统一社会信用代码; 5 C 所属区县; 6 E 职工总数" {
		t.Errorf("problems shown: %q", got)
	}
	if got := eval(`document.getElementById('i-summary').textContent`); !strings.Contains(got, "可新建 2 行") || !strings.Contains(got, "有问题 3 行") {
		t.Errorf("summary %q", got)
	}
	if eval(`String(document.getElementById('i-all').disabled)`) != "true" {
		t.Error("全部导入 is offered although three rows have problems")
	}
	if got := startups(); len(got) != 1 {
		t.Fatalf("checking wrote: %v", got)
	}

	step("download the rows that did not pass",
		chromedp.Click(chromedp.CSS("#i-failed")),
	)
	failedFile := filepath.Join(downloads, "startups-failed-rows.xlsx")
	var data []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if data, err = os.ReadFile(failedFile); err == nil && len(data) > 0 {
			if _, err := sheet.Read(data); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(downloads)
			t.Fatalf("no failed-rows file in %s after 10 s (%v)", downloads, entries)
		}
	}
	tb, err := sheet.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	reason := slices.Index(tb.Lines[0].Cells, "错误原因")
	var failedNames []string
	for _, ln := range tb.Lines[1:] {
		failedNames = append(failedNames, ln.Cells[0])
		if reason < 0 || reason >= len(ln.Cells) || !strings.Contains(ln.Cells[reason], "列（") {
			t.Errorf("failed row %v has no reason naming its column", ln.Cells)
		}
	}
	if !slices.Equal(failedNames, []string{"坏码科技", "东台外区科技", "坏数科技"}) {
		t.Errorf("failed-rows file holds %v", failedNames)
	}

	step("import only the good rows",
		chromedp.Click(chromedp.CSS("#i-valid")),
		until(`document.getElementById('i-summary').textContent.includes('已新建 2 行')`),
		until(`!document.getElementById('i-roster').hidden`),
	)
	shot("import-done-1280")
	if got := startups(); !slices.Equal(got, []string{"盐南导入一号科技", "盐南导入二号科技", "盐南记录科技有限公司"}) {
		t.Errorf("stored after a valid-rows import: %v", got)
	}

	href := eval(`document.getElementById('i-roster').getAttribute('href')`)
	if href != "/app/roster?kind=startup" {
		t.Errorf("the roster link after the import is %q", href)
	}
	step("the roster shows the new rows",
		chromedp.Navigate(s.url+href),
		until(`document.querySelectorAll('#r-list .ritem').length === 3`),
		until(`[...document.querySelectorAll('#r-list .rname')].some(a => a.textContent === '盐南导入二号科技')`),
		until(`document.getElementById('r-count').textContent.includes('3')`),
	)
	shot("roster-1280")
	if eval(`String([...document.querySelectorAll('#r-district option')].map(o => o.value).filter(Boolean))`) != "yannan" {
		t.Error("the roster offers districts outside the manager's")
	}

	step("the KPI page draws SVG and a number leads to the firms behind it",
		chromedp.Navigate(s.url+"/app/kpi?year=2023"),
		until(`document.querySelectorAll('svg.kpichart rect.bar').length > 0`),
		until(`document.querySelector('svg.kpichart a.recordlink[data-code="new_incubated_firms"][data-scope="yannan"]') !== null`),
		chromedp.Click(chromedp.CSS(`svg.kpichart a.recordlink[data-code="new_incubated_firms"][data-scope="yannan"]`)),
		until(`[...document.querySelectorAll('#kr-list .record a')].some(a => a.textContent === '盐南记录科技有限公司')`),
	)
	shot("kpi-records-1280")
	if got := eval(`document.querySelector('table.kpi tr[data-code="new_incubated_firms"] .status').textContent`); got != "未完成" {
		t.Errorf("2023's missed yearly target says %q, want 未完成", got)
	}
	// The three-year total is still open at the end of 2023: behind, not missed.
	if got := eval(`document.querySelector('table.kpi tr[data-code="new_enclaves"] .status').textContent`); got != "进度滞后" {
		t.Errorf("2023's open three-year target says %q, want 进度滞后", got)
	}
	if got := eval(`document.getElementById('kpi').textContent`); strings.Contains(got, "new_") || strings.Contains(got, "_total") || strings.Contains(got, "null") {
		t.Errorf("the KPI page shows an indicator code or null: %q", got)
	}
	if got := eval(`String([...document.querySelectorAll('#k-district option')].map(o => o.value).filter(Boolean))`); got != "" {
		t.Errorf("a one-district manager is offered districts %q", got)
	}

	step("the tech-SME pre-assessment shows the gaps and who closes them",
		chromedp.Navigate(s.url+"/app/techsme?id="+seedFirm.ID+"&year=2024"),
		until(`document.querySelector('#t-total') !== null`),
		until(`document.querySelectorAll('#t-conditions tbody tr').length > 0`),
		until(`[...document.querySelectorAll('#t-gaps a.provider')].some(a => a.textContent === '盐南知识产权代理事务所')`),
	)
	shot("techsme-1280")

	for _, p := range []struct{ name, path, ready string }{
		{"import", "/app/import", `document.getElementById('i-kind').options.length > 0`},
		{"roster", "/app/roster?kind=startup", `document.querySelectorAll('#r-list .ritem').length === 3`},
		{"kpi", "/app/kpi?year=2023", `document.querySelectorAll('svg.kpichart').length > 0`},
		{"techsme", "/app/techsme?id=" + seedFirm.ID + "&year=2024", `document.querySelectorAll('#t-gaps .gap').length > 0`},
	} {
		step("phone width: "+p.name,
			chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile),
			chromedp.Navigate(s.url+p.path),
			until(p.ready),
		)
		if p.name == "import" {
			step("phone width: the check's problems",
				chromedp.SetUploadFiles(chromedp.CSS("#i-file"), []string{file}),
				chromedp.Click(chromedp.CSS("#i-check")),
				until(`document.querySelectorAll('#i-table tbody tr').length === 3`),
			)
		}
		if w := eval(`String(document.documentElement.scrollWidth <= 390 ? 'ok' : document.documentElement.scrollWidth)`); w != "ok" {
			t.Errorf("%s at 390 px scrolls sideways: scrollWidth %s", p.name, w)
		}
		shot(p.name + "-390")
	}

	// The English switch reaches these pages too: the words come from the catalogue.
	step("the import page in English",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Evaluate[chromedp.Void](`document.cookie = 'fuhua_lang=en; path=/'`),
		chromedp.Navigate(s.url+"/app/import"),
		until(`document.documentElement.lang === 'en'`),
		until(`document.getElementById('i-key').textContent.startsWith('Startups are found')`),
	)
	if got := eval(`document.querySelector('#i-step1 h2').textContent + ' | ' + document.querySelector('h1').textContent`); got != "1. Choose the kind, download the template | Import" {
		t.Errorf("English import page: %q", got)
	}
	shot("import-en-1280")

	time.Sleep(100 * time.Millisecond)
	if p := logs.problems(); len(p) > 0 {
		t.Errorf("the pages raised errors or policy violations:\n%s", strings.Join(p, "\n"))
	}
}
