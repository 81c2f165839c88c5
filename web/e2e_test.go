package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuhua/index"
	"fuhua/internal/api"
	"fuhua/internal/auth"
	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
	"fuhua/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// stack is the real server: the embedded database, the search index with its
// follower, and the Gin engine with the web pages, on 127.0.0.1 at a free port.
type stack struct {
	url   string
	store *mongodb.Store
	index *index.Index
}

func startStack(t *testing.T) *stack {
	t.Helper()
	st := dbtest.Store(t)
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"), index.Options{PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ix.Run(ctx, st)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = ix.Close()
	})
	for deadline := time.Now().Add(15 * time.Second); !ix.Ready(); {
		if time.Now().After(deadline) {
			t.Fatal("search index not ready after 15 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	tokens, err := auth.NewTokens([]byte(strings.Repeat("e", 32)), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(api.Deps{Store: st, Index: ix, Intros: st, Rounds: st, Notes: st, Saved: st, Accepted: st, Records: st, Tokens: tokens, Hasher: auth.NewHasher(2),
		Catalog: seed.Catalog(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &stack{url: hs.URL, store: st, index: ix}
}

// chromium finds the browser, or says why the test cannot run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed: run apt-get install chromium (the browser test of the web pages did NOT run)")
	return ""
}

// browserLog collects what the pages wrote to the console: uncaught exceptions
// and policy violations fail the test.
type browserLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func (b *browserLog) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, m := range b.msgs {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") || m.Source == "security" {
			out = append(out, fmt.Sprintf("%s %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
		}
	}
	return out
}

const (
	password    = "correct horse battery"
	startupName = "盐城氢途能源科技有限公司"
	summary     = "氢燃料电池电堆与膜电极研发，寻求天使轮融资"
	investor    = "盐南氢能天使投资基金"
)

// TestBrowserRegisterCreateSearch drives the pages in Chromium against the real
// stack: register through the form, create a startup profile (first with a bad
// credit code, whose message must appear next to that field), meet a stale edit,
// search for the profile and find it highlighted, open it and see a ranked match
// with reasons, and open the KPI page.
func TestBrowserRegisterCreateSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)

	// An investor whose thesis fits the startup, so the profile page has a match.
	inv := &profile.Profile{Kind: profile.Investor, Name: investor, Summary: "投早、投小、投硬科技，重点关注氢能与燃料电池",
		Chains: []string{"hydrogen"}, District: "yannan", Type: "guidance_fund", Stages: []string{"seed", "angel"},
		TicketMinWan: 100, TicketMaxWan: 2000, Instruments: []string{"equity"}, Regions: []string{"yannan"}, HardTech: true,
		OwnerID: mongodb.NewID()}
	if err := s.store.CreateProfile(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	if err := s.index.Apply(inv); err != nil {
		t.Fatal(err)
	}

	// The page policy reaches the browser through the real engine.
	res, err := http.Get(s.url + "/app/search")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Security-Policy") != web.ContentSecurityPolicy {
		t.Fatalf("GET /app/search: %d, policy %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}

	// Mounting the pages left the API's own 404 alone, and HEAD works for pages.
	res, err = http.Get(s.url + "/api/v1/no-such-thing")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("GET /api/v1/no-such-thing: %d %q, want the API's JSON 404", res.StatusCode, res.Header.Get("Content-Type"))
	}
	res, err = http.Head(s.url + "/app/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD /app/login: %d", res.StatusCode)
	}

	// The whole browser lives at most 120 s; every wait below has its own bound.
	root, cancelRoot := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancelRoot()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root,
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	logs := &browserLog{}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			logs.mu.Lock()
			logs.msgs = append(logs.msgs, m)
			logs.mu.Unlock()
		}
	}()

	shots := os.Getenv("FUHUA_WEB_SHOTS") // a directory: save screenshots there
	shot := func(name string) {
		if shots == "" {
			return
		}
		sctx, c := context.WithTimeout(ctx, 10*time.Second)
		defer c()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		}
		if err != nil {
			t.Logf("screenshot %s: %v", name, err)
		}
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, c := context.WithTimeout(ctx, 20*time.Second)
		defer c()
		if err := chromedp.Do(sctx, actions...); err != nil {
			page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + '\n' + document.querySelector('main').innerText.slice(0, 600)`))
			t.Fatalf("%s: %v\npage: %s\nbrowser: %s", what, err, page, strings.Join(logs.problems(), "\n"))
		}
	}
	text := func(sel string) string {
		t.Helper()
		sctx, c := context.WithTimeout(ctx, 5*time.Second)
		defer c()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	email := "chen@qingtu.example"
	step("register",
		chromedp.Navigate(s.url+"/app/login"),
		chromedp.WaitVisible(chromedp.CSS("#register-form")),
		chromedp.SetValue(chromedp.CSS("#reg-name"), "陈晨"),
		chromedp.SetValue(chromedp.CSS("#reg-email"), email),
		chromedp.SetValue(chromedp.CSS("#reg-password"), password),
		chromedp.SetValue(chromedp.CSS("#reg-role"), "startup"),
		chromedp.Click(chromedp.CSS("#register-submit")),
		chromedp.WaitVisible(chromedp.CSS("#new-start")), // on 我的资料
	)
	if who := text("#who .me"); who != "陈晨" {
		t.Errorf("signed in as %q, want 陈晨", who)
	}

	step("a bad credit code is refused next to its field",
		chromedp.Click(chromedp.CSS("#new-start")),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SetValue(chromedp.CSS("#f-name"), startupName),
		chromedp.SetValue(chromedp.CSS("#f-summary"), summary),
		chromedp.Click(chromedp.CSS(`#f-chains input[value="hydrogen"]`)),
		chromedp.SetValue(chromedp.CSS("#f-district"), "yannan"),
		chromedp.SetValue(chromedp.CSS("#f-stage"), "angel"),
		chromedp.SetValue(chromedp.CSS("#f-needs-funding_wan"), "1000"),
		chromedp.Click(chromedp.CSS(`#f-needs-funding_kinds input[value="equity"]`)),
		chromedp.SetValue(chromedp.CSS("#f-credit_code"), "91320913MA25XK3Q01"),
		chromedp.Click(chromedp.CSS("#save")),
		until(`document.querySelector('.err[data-err-for="credit_code"]').textContent.includes('统一社会信用代码')`),
		until(`document.getElementById('f-credit_code').getAttribute('aria-invalid') === 'true'`),
	)
	shot("me-error-1280")

	step("create the profile",
		// SetValue refuses an empty value; the user's equivalent is deleting the text.
		chromedp.Evaluate[chromedp.Void](`document.getElementById('f-credit_code').value = ''`),
		chromedp.Click(chromedp.CSS("#save")),
		until(`document.getElementById('saved').textContent.includes('已保存')`),
		until(`document.querySelectorAll('#mine-list li').length === 1`),
	)
	if got := text("#mine-list .pname"); got != startupName {
		t.Errorf("my profiles list %q, want %q", got, startupName)
	}
	sctx, c := context.WithTimeout(ctx, 5*time.Second)
	id, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.querySelector('#mine-list li').dataset.id`))
	c()
	if err != nil || len(id) != 24 {
		t.Fatalf("profile id from the list: %q %v", id, err)
	}

	// Someone else saves the profile while the form is open: the next save from
	// the form is refused with the page's stale message, and reloading recovers.
	changed := "氢燃料电池电堆、膜电极与储氢系统研发"
	tok := apiLogin(t, s.url, email)
	if code := apiPatch(t, s.url+"/api/v1/startups/"+id, tok, `"1"`, map[string]any{"summary": changed}); code != http.StatusOK {
		t.Fatalf("out-of-band PATCH: %d", code)
	}
	step("a stale save says so",
		chromedp.SetValue(chromedp.CSS("#f-tags"), "燃料电池，膜电极"),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("#stale")),
	)
	if msg := text("#stale span"); msg != "资料已被他人修改，请刷新" {
		t.Errorf("stale message %q", msg)
	}
	shot("me-stale-1280")
	step("reload and save again",
		chromedp.Click(chromedp.CSS("#stale-reload")),
		until(`document.getElementById('f-summary').value === `+jsString(changed)),
		chromedp.SetValue(chromedp.CSS("#f-tags"), "燃料电池，膜电极"),
		chromedp.Click(chromedp.CSS("#save")),
		until(`document.getElementById('saved').textContent.includes('版本 3')`),
	)

	step("search finds it, highlighted",
		chromedp.Navigate(s.url+"/app/search"),
		until(`document.body.dataset.ready === '1'`),
		chromedp.SetValue(chromedp.CSS("#q"), "膜电极"),
		chromedp.Click(chromedp.CSS("#search-submit")),
		until(`[...document.querySelectorAll('#hits .hit-name')].some(a => a.textContent === `+jsString(startupName)+`)`),
		until(`document.querySelector('#hits mark') !== null`),
		until(`document.querySelector('#facets [data-facet="kind"] .count') !== null`),
		until(`location.search.includes('q=')`),
	)
	shot("search-1280")

	step("the profile page shows the investor as a match with reasons",
		chromedp.Click(chromedp.CSS("#hits .hit-name")),
		chromedp.WaitVisible(chromedp.CSS("#profile-name")),
		until(`[...document.querySelectorAll('#matches .match-name')].some(a => a.textContent === `+jsString(investor)+`)`),
		until(`document.querySelectorAll('#matches .reasons li').length > 0`),
		until(`document.querySelector('#matches .scorenum').textContent !== '0'`),
	)
	shot("profile-1280")

	step("ask for an introduction and find it in the outbox",
		chromedp.Click(chromedp.CSS("#matches .match button")),
		until(`document.querySelector('#matches .match .status.pending') !== null`),
		chromedp.Navigate(s.url+"/app/intros"),
		chromedp.WaitVisible(chromedp.CSS("#boxes")),
		chromedp.Click(chromedp.CSS(`#boxes [data-box="outbox"]`)),
		until(`[...document.querySelectorAll('#intros .intro a')].some(a => a.textContent === `+jsString(investor)+`)`),
		until(`document.querySelector('#intros .intro .status').textContent.includes('待回复')`),
	)
	shot("intros-1280")

	// A startup may not see the plan indicators: the page says why, in Chinese.
	step("the KPI page refuses a startup with the API's message",
		chromedp.Navigate(s.url+"/app/kpi"),
		chromedp.WaitVisible(chromedp.CSS("#kpi-form")),
		until(`document.getElementById('kpi-error').textContent.includes('管理员') || document.getElementById('kpi-closed') !== null`),
	)

	// An admin signs in through the form and sees the indicators, city first.
	admin := &profile.User{Email: "admin@kjj.example", Name: "科技局管理员", Role: profile.RoleAdmin}
	if admin.PasswordHash, err = auth.NewHasher(1).Hash(context.Background(), password); err != nil {
		t.Fatal(err)
	}
	if err := s.store.CreateUser(context.Background(), admin); err != nil {
		t.Fatal(err)
	}
	step("sign out",
		jsClick("#logout"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	)
	step("sign in as the admin",
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		until(`location.pathname === '/app/login' && document.body.dataset.ready === '1'`),
		chromedp.SetValue(chromedp.CSS("#login-email"), admin.Email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#new-start")),
	)
	step("the KPI page shows the plan's indicators, or 暂未开放 without the route",
		chromedp.Navigate(s.url+"/app/kpi"),
		chromedp.WaitVisible(chromedp.CSS("#kpi-form")),
		until(`document.querySelector('table.kpi tr[data-code="new_incubated_firms"] .status') !== null || document.getElementById('kpi-closed') !== null`),
	)
	shot("kpi-1280")

	// 产业图谱: the hydrogen chain drawn as a flow of its segments; the startup
	// made above (tags 燃料电池，膜电极) is counted in the fuel-cell segment, and
	// the count links to the search that lists it.
	step("the chain map draws the hydrogen chain with the startup in its segment",
		chromedp.Navigate(s.url+"/app/chains?chain=hydrogen"),
		until(`document.querySelectorAll('#flow svg g.seg').length >= 5`),
		until(`[...document.querySelectorAll('#seglist a')].some(a => a.href.includes('segment=hydrogen.fuel_cell') && a.href.includes('kind=startup') && /企业 [1-9]/.test(a.textContent))`),
	)
	shot("chains-1280")
	step("on a phone the chain map is a list with no sideways scroll",
		chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile),
		chromedp.Navigate(s.url+"/app/chains?chain=hydrogen"),
		until(`document.querySelectorAll('#seglist .segitem').length >= 5`),
		until(`getComputedStyle(document.getElementById('flow')).display === 'none'`),
		until(`document.documentElement.scrollWidth <= 392`),
	)
	shot("chains-390")
	step("back to a laptop's width", chromedp.EmulateViewport(1280, 900))

	if shots != "" {
		for _, p := range []string{"search?q=燃料电池", "me", "profile?kind=startup&id=" + id, "kpi", "login"} {
			step("phone width "+p, chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile), chromedp.Navigate(s.url+"/app/"+p), chromedp.Sleep(700*time.Millisecond))
			shot("phone-" + strings.Split(p, "?")[0])
		}
	}

	time.Sleep(100 * time.Millisecond) // let the last console events arrive
	if p := logs.problems(); len(p) > 0 {
		t.Errorf("the pages raised errors or policy violations:\n%s", strings.Join(p, "\n"))
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func apiLogin(t *testing.T, base, email string) string {
	t.Helper()
	body := fmt.Sprintf(`{"email":%s,"password":%s}`, jsString(email), jsString(password))
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return out.Token
}

func apiPatch(t *testing.T, url, tok, ifMatch string, body any) int {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPatch, url, strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("If-Match", ifMatch)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
