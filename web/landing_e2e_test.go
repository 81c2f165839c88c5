package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// TestBrowserLandingPage drives the relay page (飞地与毕业落地) in Chromium
// against the real stack: a district manager sees an enclave project that came
// home (with the park it landed in) and one that did not (with the home
// carriers proposed), filters by stage, sees this year's graduate that landed in
// a park of its chain and one not yet landed with its proposed parks, brokers
// the landing with a message, and the page shows the introduction the API
// created; then the page in English and at 390 px without sideways scrolling.
func TestBrowserLandingPage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)
	bg := context.Background()

	mgr := &profile.User{Email: "mgr@landing.example", Name: "盐南管理员", Role: profile.RoleManager, Districts: []string{"yannan"}}
	var err error
	if mgr.PasswordHash, err = auth.NewHasher(1).Hash(bg, password); err != nil {
		t.Fatal(err)
	}
	if err := s.store.CreateUser(bg, mgr); err != nil {
		t.Fatal(err)
	}
	year := time.Now().Year()
	owner := mongodb.NewID()
	enclave := &profile.Profile{Kind: profile.Enclave, Name: "盐南上海飞地", HomeDistrict: "yannan", HostCity: "上海", HostRegion: "yangtze_delta", OwnerID: owner}
	park := &profile.Profile{Kind: profile.Carrier, Name: "盐南氢能产业园", Type: "industrial_park", Level: "none", District: "yannan", Chains: []string{"hydrogen"}, OwnerID: owner}
	accel := &profile.Profile{Kind: profile.Carrier, Name: "盐南氢能加速器", Type: "accelerator", Level: "none", District: "yannan", Chains: []string{"hydrogen"}, OwnerID: owner}
	if err := s.store.CreateProfile(bg, enclave); err != nil {
		t.Fatal(err)
	}
	home := &profile.Profile{Kind: profile.Startup, Name: "回盐氢能科技", District: "yannan", Chains: []string{"hydrogen"}, Status: "incubating",
		Enclave: &profile.EnclaveProject{EnclaveID: enclave.ID, Stage: "landed", Since: "2024-03-01", LandedOn: "2025-06-01"}, OwnerID: mongodb.NewID()}
	away := &profile.Profile{Kind: profile.Startup, Name: "沪上氢能科技", District: "yannan", Chains: []string{"hydrogen"}, Status: "incubating",
		Enclave: &profile.EnclaveProject{EnclaveID: enclave.ID, Stage: "negotiating", Since: "2025-02-01"}, OwnerID: mongodb.NewID()}
	landed := &profile.Profile{Kind: profile.Startup, Name: "已落地毕业企业", District: "yannan", Chains: []string{"hydrogen"}, Status: "graduated",
		IncubatedSince: "2021-01-01", GraduatedOn: fmt.Sprintf("%04d-01-02", year), OwnerID: mongodb.NewID()}
	grad := &profile.Profile{Kind: profile.Startup, Name: "待落地毕业企业", District: "yannan", Chains: []string{"hydrogen"}, Status: "graduated",
		IncubatedSince: "2021-01-01", GraduatedOn: fmt.Sprintf("%04d-01-03", year), OwnerID: mongodb.NewID()}
	for _, p := range []*profile.Profile{park, accel} {
		if err := s.store.CreateProfile(bg, p); err != nil {
			t.Fatal(err)
		}
	}
	home.Enclave.ParkID = park.ID
	for _, p := range []*profile.Profile{home, away, landed, grad} {
		if err := s.store.CreateProfile(bg, p); err != nil {
			t.Fatal(err)
		}
	}
	// The landed graduate: an accepted introduction to the park with a "landed" outcome.
	in, ev, err := intro.New(mgr, landed, park, "落地", time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	in.State = intro.Accepted
	in.Outcomes = []intro.Outcome{{Kind: "landed", Date: fmt.Sprintf("%04d-01-20", year), By: mgr.ID, At: time.Now().UTC()}}
	if err := s.store.CreateIntro(bg, in, ev); err != nil {
		t.Fatal(err)
	}

	// The browser, a manager's tab, its console and screenshots: journey_test.go's helpers.
	tb := newBrowser(t, exe, 60*time.Second).person("manager")
	logs, shot, step := tb.logs, tb.shot, tb.step
	eval := tb.eval // until is journey_test.go's, which also waits across page loads
	item := func(list, id, what string) string {
		return eval(`(document.querySelector('#` + list + ` li[data-id="` + id + `"]') || {}).` + what + ` || ''`)
	}

	step("sign in as the manager and open the landing page",
		chromedp.Navigate(s.url+"/app/login?next=%2Fapp%2Flanding"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SetValue(chromedp.CSS("#login-email"), mgr.Email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#l-projects")),
		until(`location.pathname === '/app/landing' && document.body.dataset.ready === '1'`),
	)
	shot("landing-1280")
	if got := eval(`document.querySelector('h1').textContent`); got != "飞地与毕业落地" {
		t.Errorf("title %q", got)
	}
	// 1. The enclave projects: one came home, one did not.
	if got := item("l-projects", home.ID, "dataset.home"); got != "1" {
		t.Errorf("the project that came home is marked %q", got)
	}
	if got := item("l-projects", home.ID, "textContent"); !strings.Contains(got, "已回盐落地") || !strings.Contains(got, "盐南氢能产业园") || !strings.Contains(got, "入驻：2024-03-01") || !strings.Contains(got, "盐南上海飞地") {
		t.Errorf("the project that came home shows %q", got)
	}
	if got := item("l-projects", away.ID, "dataset.home"); got != "0" {
		t.Errorf("the project still away is marked %q", got)
	}
	if got := item("l-projects", away.ID, "textContent"); !strings.Contains(got, "未回盐落地") || !strings.Contains(got, "落地洽谈中") || !strings.Contains(got, "盐南氢能加速器") {
		t.Errorf("the project still away shows %q", got)
	}
	if got := eval(`document.getElementById('l-esum').textContent`); got != "共 2 个项目，已落地 1 个，回盐落地 1 个（50%）。" {
		t.Errorf("enclave summary %q", got)
	}
	step("filter the projects by stage",
		chromedp.SetValue(chromedp.CSS("#l-stage"), "negotiating"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('l-stage').dispatchEvent(new Event('change'))`),
		until(`document.querySelectorAll('#l-projects li.ritem').length === 1`),
	)
	if got := eval(`document.querySelector('#l-projects li.ritem').dataset.id`); got != away.ID {
		t.Errorf("the stage filter kept %q", got)
	}

	// 2. The graduates: one landed in a park of its chain, one with proposals.
	if got := item("l-grads", landed.ID, "dataset.matching"); got != "1" {
		t.Errorf("the landed graduate's match is %q", got)
	}
	if got := item("l-grads", landed.ID, "textContent"); !strings.Contains(got, "落地于 盐南氢能产业园") || !strings.Contains(got, "产业链匹配") {
		t.Errorf("the landed graduate shows %q", got)
	}
	if got := eval(`[...document.querySelectorAll('#l-grads li[data-id="` + grad.ID + `"] .l-candidates li')].map(li => li.dataset.id).join(',')`); !strings.Contains(got, park.ID) || !strings.Contains(got, accel.ID) {
		t.Errorf("proposals shown for the graduate: %q (want %s and %s)", got, park.ID, accel.ID)
	}
	if got := eval(`document.getElementById('l-gsum').textContent`); got != "毕业 2 家，已落地 1 家，落地于匹配产业链园区 1 家（50%）。" {
		t.Errorf("graduates summary %q", got)
	}
	sel := `#l-grads li[data-id="` + grad.ID + `"] .l-candidates li[data-id="` + accel.ID + `"]`
	step("broker the landing at the accelerator",
		chromedp.SetValue(chromedp.CSS(sel+" textarea"), "请加速器接洽待落地毕业企业"),
		chromedp.Click(chromedp.CSS(sel+" button.l-broker")),
		until(`document.querySelector('#l-grads .l-brokered') !== null`),
	)
	shot("landing-brokered-1280")
	if got := eval(`document.querySelector('#l-grads .l-brokered').textContent`); got != "已牵线：盐南氢能加速器 · 状态：待双方确认" {
		t.Errorf("brokered introduction shows %q", got)
	}
	introID := eval(`document.querySelector('#l-grads .l-brokered').dataset.intro`)
	made, err := s.store.GetIntro(bg, introID)
	if err != nil {
		t.Fatalf("the introduction %q the page shows: %v", introID, err)
	}
	if made.State != intro.Pending || made.Message != "请加速器接洽待落地毕业企业" || made.From.ID != grad.ID || made.To.ID != accel.ID {
		t.Errorf("introduction stored: state %s, message %q, %s → %s", made.State, made.Message, made.From.ID, made.To.ID)
	}

	step("the page in English",
		chromedp.Evaluate[chromedp.Void](`document.cookie = 'fuhua_lang=en; path=/'`),
		chromedp.Navigate(s.url+"/app/landing"),
		until(`document.documentElement.lang === 'en' && document.body.dataset.ready === '1'`),
	)
	if got := eval(`document.querySelector('#l-enclaves h2').textContent + ' | ' + document.getElementById('l-esum').textContent`); got != "Enclave projects | 2 projects, 1 landed, 1 came home (50%)." {
		t.Errorf("English page: %q", got)
	}
	// After a reload the introduction already brokered shows instead of its button.
	step("the brokered introduction after a reload",
		until(`document.querySelector('`+sel+` .l-brokered') !== null`),
	)
	if got := eval(`document.querySelector('` + sel + ` .l-brokered').textContent + ' | ' + document.querySelectorAll('` + sel + ` button.l-broker').length + ' | ' + document.querySelectorAll('#l-grads button.l-broker').length`); got != "Introduced: 盐南氢能加速器 · state: waiting for both sides | 0 | 1" {
		t.Errorf("after a reload: %q", got)
	}

	step("phone width",
		chromedp.Evaluate[chromedp.Void](`document.cookie = 'fuhua_lang=zh; path=/'`),
		chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile),
		chromedp.Navigate(s.url+"/app/landing"),
		until(`document.body.dataset.ready === '1' && document.querySelectorAll('#l-grads .l-candidates li').length > 0`),
	)
	if w := eval(`String(document.documentElement.scrollWidth <= 390 ? 'ok' : document.documentElement.scrollWidth)`); w != "ok" {
		t.Errorf("landing at 390 px scrolls sideways: scrollWidth %s", w)
	}
	shot("landing-390")

	time.Sleep(100 * time.Millisecond)
	if p := logs.problems(); len(p) > 0 {
		t.Errorf("the page raised errors or policy violations:\n%s", strings.Join(p, "\n"))
	}
}
