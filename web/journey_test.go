package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
)

// browser is one headless Chromium for a test; person opens a new browser
// context in it (its own cookies, as a second person on another computer).
type browser struct {
	t     *testing.T
	alloc context.Context
	root  context.Context
	shots string
}

// shotsDir is the folder a test saves its screenshots in: $FUHUA_WEB_SHOTS/<test>
// when set, else <temp>/fuhua-web-shots/<test>. The test prints it.
func shotsDir(t *testing.T) string {
	base := os.Getenv("FUHUA_WEB_SHOTS")
	if base == "" {
		base = filepath.Join(os.TempDir(), "fuhua-web-shots")
	}
	dir := filepath.Join(base, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots: %s", dir)
	return dir
}

func newBrowser(t *testing.T, exe string, life time.Duration) *browser {
	t.Helper()
	root, cancelRoot := context.WithTimeout(context.Background(), life)
	t.Cleanup(cancelRoot)
	alloc, cancelAlloc := chromedp.NewExecAllocator(root,
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	// The first context starts the browser; people get contexts of their own.
	first, cancelFirst := chromedp.NewContext(alloc)
	t.Cleanup(cancelFirst)
	if err := chromedp.Do(first, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{t: t, alloc: first, root: root, shots: shotsDir(t)}
}

// tab is one page of one person.
type tab struct {
	b    *browser
	name string
	ctx  context.Context
	logs *browserLog
}

// person opens a new browser context: nothing shared with the others.
func (b *browser) person(name string) *tab {
	ctx, cancel := chromedp.NewContext(b.alloc, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	return b.open(name, ctx)
}

// secondTab opens another tab in tb's browser context: the same cookies.
func (tb *tab) secondTab(name string) *tab {
	ctx, cancel := chromedp.NewContext(tb.ctx)
	tb.b.t.Cleanup(cancel)
	return tb.b.open(name, ctx)
}

func (b *browser) open(name string, ctx context.Context) *tab {
	tb := &tab{b: b, name: name, ctx: ctx, logs: &browserLog{}}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		b.t.Fatalf("%s: open a tab: %v", name, err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			tb.logs.mu.Lock()
			tb.logs.msgs = append(tb.logs.msgs, m)
			tb.logs.mu.Unlock()
		}
	}()
	return tb
}

func (tb *tab) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	sctx, c := context.WithTimeout(tb.ctx, 20*time.Second)
	defer c()
	if err := chromedp.Do(sctx, actions...); err != nil {
		url, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.href`))
		tb.shot("FAILED-" + strings.ReplaceAll(what, " ", "_"))
		tb.b.t.Fatalf("%s: %s: %v\nat %s\nbrowser: %s", tb.name, what, err, url, strings.Join(tb.logs.problems(), "\n"))
	}
}

// until waits for a JavaScript condition, across page loads: an evaluation cut
// by a navigation (a click that goes to another page) is tried again on the new
// page. It gives up after 15 s with the last error.
func until(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(15 * time.Second)
		var last error
		for time.Now().Before(deadline) {
			ok, err := chromedp.Evaluate[bool](`(() => { try { return !!(`+expr+`); } catch (e) { return false; } })()`)(ctx, tg)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			last = err
			if ctx.Err() != nil {
				return chromedp.Void{}, ctx.Err()
			}
			time.Sleep(50 * time.Millisecond)
		}
		return chromedp.Void{}, fmt.Errorf("waited 15 s for %s (last error: %v)", expr, last)
	}
}

// jsClick clicks the element sel names from inside the page: header buttons move
// while the header fills in (name, badge), and a click at the coordinates read a
// moment before can miss them.
func jsClick(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.querySelector(` + jsString(sel) + `).click()`)
}

// eval runs a JavaScript expression and returns its value as a string.
func (tb *tab) eval(expr string) string {
	tb.b.t.Helper()
	sctx, c := context.WithTimeout(tb.ctx, 5*time.Second)
	defer c()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[string](`String(`+expr+`)`))
	if err != nil {
		tb.b.t.Fatalf("%s: eval %s: %v", tb.name, expr, err)
	}
	return v
}

func (tb *tab) shot(name string) {
	sctx, c := context.WithTimeout(tb.ctx, 10*time.Second)
	defer c()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(tb.b.shots, name+".png"), png, 0o644)
	}
	if err != nil {
		tb.b.t.Logf("screenshot %s: %v", name, err)
	}
}

// signIn signs in through the form and waits for the page it lands on.
func (tb *tab) signIn(base, email string) {
	tb.b.t.Helper()
	tb.step("sign in as "+email,
		chromedp.Navigate(base+"/app/login"),
		until(`document.body.dataset.ready === '1'`),
		chromedp.SetValue(chromedp.CSS("#login-email"), email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		until(`location.pathname !== '/app/login' && document.querySelector('#who .me') !== null`),
	)
}

func (tb *tab) noProblems() {
	tb.b.t.Helper()
	time.Sleep(100 * time.Millisecond) // let the last console events arrive
	if p := tb.logs.problems(); len(p) > 0 {
		tb.b.t.Errorf("%s: the pages raised errors or policy violations:\n%s", tb.name, strings.Join(p, "\n"))
	}
}

var hashOnce = sync.OnceValue(func() string {
	h, err := auth.NewHasher(1).Hash(context.Background(), password)
	if err != nil {
		panic(err)
	}
	return h
})

// account makes a user with the test password straight in the store.
func (s *stack) account(t *testing.T, email, name string, role profile.Role, districts ...string) *profile.User {
	t.Helper()
	u := &profile.User{Email: email, Name: name, Role: role, Districts: districts, PasswordHash: hashOnce()}
	if err := s.store.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// profileOf stores p (owned by owner) and puts it in the search index.
func (s *stack) profileOf(t *testing.T, owner *profile.User, p *profile.Profile) *profile.Profile {
	t.Helper()
	p.OwnerID = owner.ID
	if err := s.store.CreateProfile(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if err := s.index.Apply(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserJourneys drives every role's work in real Chromium against the real
// stack, each person in a browser context of their own:
//
//   - a founder registers, is led to create a profile (R&D ratio typed as 8 %),
//     saves a search, finds an investor and asks 请求对接 with a message holding
//     <script>; after a reload the page shows the request's state, not the button;
//   - the investor sees the unread badge, the notification, the message as text,
//     accepts; the founder then sees the investor's contacts and records an outcome;
//   - a second tab of the founder is signed in; signing out there ends the
//     session, and the next page goes to sign-in and back after it;
//   - a district manager brokers an introduction between the founder and a
//     mentor from the startup's page; both sides see who brokered, the founder
//     accepts and sees 等待对方 while the mentor still has the buttons;
//   - menus: the founder is not offered 目标监测, the manager is; the English
//     switch turns the menu English.
func TestBrowserJourneys(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)
	ctx := context.Background()
	invUser := s.account(t, "li@yannan-fund.example", "李投资", profile.RoleInvestor)
	inv := s.profileOf(t, invUser, &profile.Profile{Kind: profile.Investor, Name: investor, Summary: "投早、投小、投硬科技，重点关注氢能与燃料电池",
		Chains: []string{"hydrogen"}, District: "yannan", Type: "guidance_fund", Stages: []string{"seed", "angel"},
		TicketMinWan: 100, TicketMaxWan: 2000, Instruments: []string{"equity"}, Regions: []string{"yannan"}, HardTech: true,
		Contact: profile.Contact{Person: "李投资", Phone: "0515-88886666", Email: "li@yannan-fund.example"}})
	mentorUser := s.account(t, "wang@mentor.example", "王导师", profile.RoleMentor)
	mentorName := "王立新（氢能导师）"
	s.profileOf(t, mentorUser, &profile.Profile{Kind: profile.Mentor, Name: mentorName, Summary: "燃料电池电堆与膜电极工程化，辅导融资路演",
		Chains: []string{"hydrogen"}, District: "yannan", Topics: []string{"燃料电池", "融资路演"}, Capacity: 5, Remote: true,
		Contact: profile.Contact{Phone: "13800001111"}})
	manager := s.account(t, "zhou@yannan.gov.example", "周主任", profile.RoleManager, "yannan")

	b := newBrowser(t, exe, 170*time.Second)
	founder := b.person("founder")

	// ---- the founder registers and is led to a first profile ----
	email := "chen@qingtu.example"
	founder.step("register",
		chromedp.Navigate(s.url+"/app/login"),
		until(`document.body.dataset.ready === '1'`),
		chromedp.SetValue(chromedp.CSS("#reg-name"), "陈晨"),
		chromedp.SetValue(chromedp.CSS("#reg-email"), email),
		chromedp.SetValue(chromedp.CSS("#reg-password"), password),
		chromedp.SetValue(chromedp.CSS("#reg-role"), "startup"),
		chromedp.Click(chromedp.CSS("#register-submit")),
		until(`location.pathname === '/app/me'`),
		chromedp.WaitVisible(chromedp.CSS("#first-profile")),
		chromedp.WaitVisible(chromedp.CSS("#f-name")), // the form for the one kind a startup may create is open
	)
	if got := founder.eval(`document.cookie.includes('fuhua_csrf=') && !document.cookie.includes('fuhua_session=') && sessionStorage.length === 0`); got != "true" {
		t.Errorf("after registering: the CSRF cookie readable, the session cookie not, nothing in sessionStorage: %s", got)
	}
	if got := founder.eval(`document.getElementById('privacy-note').textContent`); !strings.Contains(got, "联系方式仅") {
		t.Errorf("privacy note %q is not in Chinese", got)
	}
	founder.shot("01-founder-welcome")
	founder.step("create the profile, R&D ratio typed as a percentage",
		chromedp.SetValue(chromedp.CSS("#f-name"), startupName),
		chromedp.SetValue(chromedp.CSS("#f-summary"), summary),
		chromedp.Click(chromedp.CSS(`#f-chains input[value="hydrogen"]`)),
		chromedp.SetValue(chromedp.CSS("#f-district"), "yannan"),
		chromedp.SetValue(chromedp.CSS("#f-stage"), "angel"),
		chromedp.SetValue(chromedp.CSS("#f-rd_ratio"), "800"),
		chromedp.Click(chromedp.CSS("#save")),
		until(`document.querySelector('.err[data-err-for="rd_ratio"]').textContent.includes('研发投入占比')`),
		chromedp.SetValue(chromedp.CSS("#f-rd_ratio"), "8"),
		chromedp.SetValue(chromedp.CSS("#f-needs-funding_wan"), "1000"),
		chromedp.Click(chromedp.CSS(`#f-needs-funding_kinds input[value="equity"]`)),
		chromedp.SetValue(chromedp.CSS("#f-contact-phone"), "13900002222"),
		chromedp.Click(chromedp.CSS("#save")),
		until(`document.getElementById('saved').textContent.includes('已保存')`),
		until(`document.querySelectorAll('#mine-list li').length === 1`),
	)
	// The confirmation is where the person is looking: beside the button.
	if got := founder.eval(`Math.abs(document.getElementById('saved').getBoundingClientRect().top - document.getElementById('save').getBoundingClientRect().top) < 60`); got != "true" {
		t.Error("the save confirmation is not beside the 保存 button")
	}
	if got := founder.eval(`document.getElementById('first-profile').hidden`); got != "true" {
		t.Error("the first-profile prompt stays after the profile is made")
	}
	startupID := founder.eval(`document.querySelector('#mine-list li').dataset.id`)
	sp, err := s.store.GetProfile(ctx, startupID)
	if err != nil {
		t.Fatal(err)
	}
	if sp.RDRatio != 0.08 {
		t.Errorf("typing 8 as R&D ratio stored %v, want 0.08", sp.RDRatio)
	}
	if got := founder.eval(`document.getElementById('f-rd_ratio').value`); got != "8" {
		t.Errorf("the form shows the stored ratio as %q, want 8", got)
	}
	if got := founder.eval(`getComputedStyle(document.querySelector('#menu a[href="/app/kpi"]')).display`); got != "none" {
		t.Errorf("a founder is offered 目标监测 (display %s)", got)
	}

	// ---- search, save the search, open the investor, ask ----
	founder.step("search for the investor and save the search",
		chromedp.Navigate(s.url+"/app/search?q="+"氢能"),
		until(`[...document.querySelectorAll('#hits .hit-name')].some(a => a.textContent === `+jsString(investor)+`)`),
		chromedp.Click(chromedp.CSS("#save-search-open")),
		chromedp.SetValue(chromedp.CSS("#save-search-name"), "氢能投资机构"),
		chromedp.Click(chromedp.CSS("#save-search-submit")),
		until(`document.getElementById('save-search-done').textContent.includes('已保存')`),
	)
	founder.shot("02-founder-search")
	msg := `<script>window.__pwned = 1</script>我们做氢燃料电池膜电极，希望聊聊天使轮`
	founder.step("open the investor's profile and ask with a message",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#hits .hit-name')].find(a => a.textContent === `+jsString(investor)+`).click()`),
		chromedp.WaitVisible(chromedp.CSS("#profile-name")),
		chromedp.WaitVisible(chromedp.CSS("#ask-form")),
		chromedp.SetValue(chromedp.CSS("#ask-message"), msg),
		chromedp.Click(chromedp.CSS("#ask-submit")),
		until(`document.getElementById('ask-done').textContent !== ''`),
		until(`document.querySelector('#ask-state .status.pending') !== null`),
	)
	founder.step("after a reload the request's state shows, not the button",
		chromedp.Reload(),
		until(`document.querySelector('#ask-state .status.pending') !== null`),
		until(`document.getElementById('ask-form').hidden === true`),
	)
	if got := founder.eval(`document.getElementById('matches-card').hidden`); got != "true" {
		t.Error("someone else's profile shows its matches to the founder")
	}
	founder.shot("03-founder-asked")

	// ---- the investor, in a browser of their own ----
	investorTab := b.person("investor")
	investorTab.signIn(s.url, invUser.Email)
	investorTab.step("the unread badge shows the request",
		until(`document.getElementById('bell-count').textContent === '1' && !document.getElementById('bell-count').hidden`),
	)
	investorTab.shot("04-investor-badge")
	investorTab.step("the notifications page lists it; mark all read",
		chromedp.Navigate(s.url+"/app/notifications"),
		until(`document.querySelectorAll('#notes .note.unread').length === 1`),
		until(`document.querySelector('#notes .note').dataset.type === 'intro_received'`),
		until(`document.querySelectorAll('#prefs-types tr').length > 3`),
	)
	investorTab.shot("05-investor-notifications")
	investorTab.step("mark all read clears the badge",
		chromedp.Click(chromedp.CSS("#read-all")),
		until(`document.getElementById('bell-count').hidden`),
		until(`document.querySelector('#no-notes') !== null`),
	)
	investorTab.step("preferences: digest off, no e-mail for requests received; kept after a reload",
		chromedp.SetValue(chromedp.CSS("#digest"), "off"),
		chromedp.Click(chromedp.CSS(`#prefs-types tr[data-type="intro_received"] [data-channel="email"]`)),
		chromedp.Click(chromedp.CSS("#prefs-save")),
		until(`document.getElementById('prefs-done').textContent !== ''`),
		chromedp.Reload(),
		until(`document.querySelector('#prefs-types tr[data-type="intro_received"] [data-channel="email"]') !== null`),
		until(`document.getElementById('digest').value === 'off' && !document.querySelector('#prefs-types tr[data-type="intro_received"] [data-channel="email"]').checked && document.querySelector('#prefs-types tr[data-type="intro_received"] [data-channel="in_app"]').checked`),
	)
	investorTab.step("the inbox shows the message as text; accept",
		chromedp.Navigate(s.url+"/app/intros"),
		until(`document.querySelector('#intros .intro[data-state="pending"] .message') !== null`),
	)
	if got := investorTab.eval(`document.querySelector('#intros .intro .message').textContent`); got != msg {
		t.Errorf("message shown as %q, want the text %q", got, msg)
	}
	if got := investorTab.eval(`typeof window.__pwned + '/' + document.querySelectorAll('#intros script').length`); got != "undefined/0" {
		t.Errorf("a stored <script> ran or became an element: %s", got)
	}
	investorTab.shot("06-investor-inbox")
	investorTab.step("accept",
		chromedp.Click(chromedp.CSS("#intros .intro .accept")),
		until(`document.querySelector('#intros .intro[data-state="accepted"] .contacts') !== null`),
	)

	investorTab.step("the investor's deal flow marks the startup as introduced; filters narrow it",
		chromedp.Navigate(s.url+"/app/profile?kind=investor&id="+inv.ID),
		until(`[...document.querySelectorAll('#dealflow .match')].some(li => li.querySelector('.match-name').textContent === `+jsString(startupName)+` && li.querySelector('.status.accepted') !== null)`),
		chromedp.SetValue(chromedp.CSS("#d-stage"), "seed"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('d-stage').dispatchEvent(new Event('change'))`),
		until(`![...document.querySelectorAll('#dealflow .match-name')].some(a => a.textContent === `+jsString(startupName)+`)`),
	)
	investorTab.shot("06b-investor-dealflow")
	investorTab.step("the investor's matches show the introduction instead of 请求对接",
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`),
		until(`[...document.querySelectorAll('#matches .match')].some(li => li.querySelector('.match-name').textContent === `+jsString(startupName)+` && li.querySelector('.status.accepted') !== null && li.querySelector('.ask-cell button') === null)`),
	)

	investorTab.step("save the match list; it is listed on the notifications page and opens the profile",
		chromedp.Click(chromedp.CSS("#save-matches")),
		until(`document.getElementById('save-matches-done').textContent.includes('已保存')`),
		chromedp.Navigate(s.url+"/app/notifications"),
		until(`document.querySelector('#saved li[data-kind="matches"] a') !== null`),
		chromedp.Click(chromedp.CSS(`#saved li[data-kind="matches"] a`)),
		until(`document.getElementById('profile-name') !== null && document.getElementById('profile-name').textContent === `+jsString(investor)),
	)

	// ---- the founder sees the investor's contacts and records an outcome ----
	founder.step("the outbox shows the acceptance with the investor's contacts",
		chromedp.Navigate(s.url+"/app/intros?box=outbox"),
		until(`document.querySelector('#intros .intro[data-state="accepted"]') !== null`),
		until(`document.querySelector('#intros .contacts').textContent.includes('0515-88886666')`),
	)
	founder.step("record an outcome from the card",
		chromedp.SetValue(chromedp.CSS("#intros .outcome-form select"), "meeting"),
		chromedp.Click(chromedp.CSS("#intros .outcome-form button")),
		until(`document.querySelector('#intros .outcomes li') !== null && document.querySelector('#intros .outcomes li').textContent.includes('已见面洽谈')`),
	)
	founder.shot("07-founder-contacts")
	founder.step("the investor's profile now shows its contacts",
		chromedp.Navigate(s.url+"/app/profile?kind=investor&id="+inv.ID),
		until(`document.querySelector('#detail dd') !== null && document.getElementById('detail').textContent.includes('0515-88886666')`),
		until(`document.querySelector('#ask-state .status.accepted') !== null`),
	)

	// ---- a second tab is signed in; signing out there ends the session ----
	tab2 := founder.secondTab("founder, second tab")
	tab2.step("a second tab is signed in",
		chromedp.Navigate(s.url+"/app/intros"),
		until(`document.querySelector('#who .me') !== null && document.querySelector('#who .me').textContent === '陈晨'`),
		until(`document.querySelector('#intros .intro, #no-intros') !== null`),
	)
	tab2.step("sign out in the second tab",
		jsClick("#logout"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
	)
	founder.step("the first tab is signed out too: the next page asks to sign in, then goes back",
		chromedp.Navigate(s.url+"/app/intros?box=outbox"),
		until(`location.pathname === '/app/login' && location.search.includes('next=') && document.body.dataset.ready === '1'`),
		chromedp.SetValue(chromedp.CSS("#login-email"), email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		until(`location.pathname === '/app/intros' && location.search.includes('box=outbox')`),
	)

	// ---- a manager brokers founder ↔ mentor ----
	mgr := b.person("manager")
	mgr.signIn(s.url, manager.Email)
	if got := mgr.eval(`getComputedStyle(document.querySelector('#menu a[href="/app/kpi"]')).display`); got == "none" {
		t.Error("a manager is not offered 目标监测")
	}
	mgr.step("a one-district manager is offered only that district for a new profile",
		chromedp.Navigate(s.url+"/app/me"),
		until(`document.body.dataset.ready === '1'`),
		chromedp.Click(chromedp.CSS("#new-start")),
		chromedp.WaitVisible(chromedp.CSS("#f-district")),
	)
	if got := mgr.eval(`[...document.querySelectorAll('#f-district option')].map(o => o.value).join(',')`); got != ",yannan" {
		t.Errorf("a manager of yannan is offered districts %q", got)
	}
	mgr.step("the manager brokers from the startup's page",
		chromedp.Navigate(s.url+"/app/profile?kind=startup&id="+startupID),
		until(`document.querySelector('#targets [data-target="mentor"]') !== null`),
		chromedp.Click(chromedp.CSS(`#targets [data-target="mentor"]`)),
		until(`[...document.querySelectorAll('#matches .match-name')].some(a => a.textContent === `+jsString(mentorName)+`)`),
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#matches .match')].find(li => li.querySelector('.match-name').textContent === `+jsString(mentorName)+`).querySelector('.ask-cell button').click()`),
		until(`document.querySelector('#matches .match .status.pending') !== null`),
	)
	mgr.step("the 经办 tab lists it",
		chromedp.Navigate(s.url+"/app/intros?box=brokered"),
		until(`!document.querySelector('#boxes [data-box="brokered"]').hidden`),
		until(`document.querySelector('#intros .intro .broker') !== null`),
	)
	mgr.shot("08-manager-brokered")
	founder.step("the founder sees who brokered, accepts, and waits for the other side",
		chromedp.Navigate(s.url+"/app/intros"),
		until(`document.querySelector('#intros .intro[data-state="pending"] .broker') !== null`),
		chromedp.Click(chromedp.CSS(`#intros .intro[data-state="pending"] .accept`)),
		until(`document.querySelector('#intros .intro .status').textContent === '等待对方'`),
		until(`document.querySelector('#intros .intro .accept') === null`),
	)
	founderBroker := founder.eval(`document.querySelector('#intros .intro .broker').textContent`)
	founder.shot("09-founder-waiting")
	mentorTab := b.person("mentor")
	mentorTab.signIn(s.url, mentorUser.Email)
	mentorTab.step("the mentor sees who brokered and still has the buttons",
		chromedp.Navigate(s.url+"/app/intros"),
		until(`document.querySelector('#intros .intro .broker') !== null`),
		until(`document.querySelector('#intros .intro .accept') !== null`),
		until(`[...document.querySelectorAll('#intros .intro .sides li')].some(li => li.dataset.answer === 'accepted')`),
	)
	mentorBroker := mentorTab.eval(`document.querySelector('#intros .intro .broker').textContent`)
	for who, got := range map[string]string{"founder": founderBroker, "mentor": mentorBroker} {
		if !strings.Contains(got, "经办人") || !strings.Contains(got, manager.Name) {
			t.Errorf("the %s's card says %q about who brokered", who, got)
		}
	}
	mentorTab.shot("10-mentor-inbox")

	// ---- the English switch ----
	mgr.step("the English switch turns the menu English, and back",
		chromedp.Navigate(s.url+"/app/search"),
		until(`document.body.dataset.ready === '1'`),
		jsClick("#lang-switch"),
		until(`document.documentElement.lang === 'en' && document.querySelector('#menu a[href="/app/search"]').textContent === 'Search'`),
		until(`document.querySelector('#menu a[href="/app/kpi"]').textContent === 'Plan indicators' && document.body.dataset.ready === '1'`),
	)
	mgr.shot("11-manager-english")
	mgr.step("back to Chinese",
		jsClick("#lang-switch"),
		until(`document.documentElement.lang === 'zh-CN' && document.querySelector('#menu a[href="/app/search"]').textContent === '检索'`),
	)

	for _, tb := range []*tab{founder, investorTab, tab2, mgr, mentorTab} {
		tb.noProblems()
	}
}

// TestBrowserPhones opens every page at 390 px, as a founder and as a district
// manager (who may open them all), and asserts that none scrolls sideways; the
// search page folds its filters and facets behind a button so the first result
// is on the first screen, and the menu folds behind one too.
func TestBrowserPhones(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)
	invUser := s.account(t, "li@yannan-fund.example", "李投资", profile.RoleInvestor)
	inv := s.profileOf(t, invUser, &profile.Profile{Kind: profile.Investor, Name: investor, Summary: "投早、投小、投硬科技，重点关注氢能与燃料电池",
		Chains: []string{"hydrogen"}, District: "yannan", Type: "guidance_fund", Stages: []string{"seed", "angel"},
		TicketMinWan: 100, TicketMaxWan: 2000, Regions: []string{"yannan"}})
	founderUser := s.account(t, "chen@qingtu.example", "陈晨", profile.RoleStartup)
	long := strings.Repeat("氢燃料电池电堆与膜电极研发", 12) + "https://example.com/" + strings.Repeat("a", 120)
	st := s.profileOf(t, founderUser, &profile.Profile{Kind: profile.Startup, Name: startupName + strings.Repeat("（盐南高新区）", 3), Summary: long,
		Chains: []string{"hydrogen"}, District: "yannan", Stage: "angel", Tags: []string{"燃料电池", "膜电极"}})
	s.account(t, "zhou@yannan.gov.example", "周主任", profile.RoleManager, "yannan")

	b := newBrowser(t, exe, 150*time.Second)
	founder := b.person("founder")
	founder.signIn(s.url, founderUser.Email)
	mgr := b.person("manager")
	mgr.signIn(s.url, "zhou@yannan.gov.example")
	phonePages := map[*tab][]string{
		founder: {"me", "search?q=氢能", "profile?kind=startup&id=" + st.ID, "profile?kind=investor&id=" + inv.ID, "intros?box=outbox",
			"notifications", "chains?chain=hydrogen", "policies", "login"},
		mgr: {"search?q=氢能", "profile?kind=startup&id=" + st.ID, "intros?box=brokered", "notifications", "kpi", "rounds",
			"evaluation", "policies", "chains?chain=hydrogen", "me", "nowhere"},
	}
	for _, tb := range []*tab{founder, mgr} {
		tb.step("phone width", chromedp.EmulateViewport(390, 800, chromedp.EmulateMobile))
		for _, p := range phonePages[tb] {
			tb.step("390 px: "+p,
				chromedp.Navigate(s.url+"/app/"+p),
				until(`document.readyState === 'complete'`),
				chromedp.Sleep(300*time.Millisecond), // the page's own requests
			)
			if ok := tb.eval(`document.documentElement.scrollWidth <= 390 && document.body.scrollWidth <= 390`); ok != "true" {
				t.Errorf("%s at 390 px: %s scrolls sideways (scrollWidth %s)", tb.name, p, tb.eval(`document.documentElement.scrollWidth`))
			}
			name := strings.NewReplacer("?", "_", "=", "_", "&", "_").Replace(strings.Split(p, "&id")[0])
			if strings.HasPrefix(p, "profile") {
				name += "-" + strings.Split(strings.Split(p, "kind=")[1], "&")[0]
			}
			tb.shot(fmt.Sprintf("phone-%s-%s", tb.name, name))
		}
	}
	founder.step("on a phone the search filters fold behind a button",
		chromedp.Navigate(s.url+"/app/search?q=氢能"),
		until(`document.querySelector('#hits .hit') !== null`),
		until(`getComputedStyle(document.getElementById('filters')).display === 'none' && getComputedStyle(document.getElementById('facets')).display === 'none'`),
		until(`document.querySelector('#hits .hit').getBoundingClientRect().top < 800`),
		chromedp.Click(chromedp.CSS("#filters-toggle")),
		until(`getComputedStyle(document.getElementById('filters')).display !== 'none'`),
	)
	founder.step("on a phone the menu folds behind a button",
		until(`getComputedStyle(document.getElementById('menu')).display === 'none'`),
		jsClick("#menu-toggle"),
		until(`getComputedStyle(document.getElementById('menu')).display !== 'none'`),
	)
	founder.shot("phone-founder-menu-open")
	founder.noProblems()
	mgr.noProblems()
}
