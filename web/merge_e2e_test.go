package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

// TestBrowserMergeDuplicates: a district manager signs in, finds a firm and its
// duplicate on 合并重复资料, reads the preview and confirms; the duplicate is
// then archived with where it went, and the merge is listed below.
func TestBrowserMergeDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)
	bg := context.Background()
	mgr := s.account(t, "mgr@yannan.example", "盐南管理员", profile.RoleManager, "yannan")
	keep := &profile.Profile{Kind: profile.Startup, Name: "盐城蓝鲸储能科技有限公司", District: "yannan", OwnerID: mongodb.NewID(), Chains: []string{"new_energy"}}
	drop := &profile.Profile{Kind: profile.Startup, Name: "蓝鲸储能科技（盐城）有限公司", District: "yannan", OwnerID: mongodb.NewID(), Chains: []string{"new_energy"}}
	for _, p := range []*profile.Profile{keep, drop} {
		if err := s.store.CreateProfile(bg, p); err != nil {
			t.Fatal(err)
		}
		if err := s.index.Apply(p); err != nil {
			t.Fatal(err)
		}
	}

	// The browser, the manager's tab and its console: journey_test.go's helpers.
	tb := newBrowser(t, exe, 60*time.Second).person("manager")
	logs, step := tb.logs, tb.step
	until := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(8*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))
	}
	js := func(expr string) chromedp.Action[chromedp.Void] { return chromedp.Evaluate[chromedp.Void](expr) }
	find := func(side, name string) string {
		return `(() => { const b = [...document.querySelectorAll('#mg-` + side + `-hits button')].find((x) => x.textContent === '` + name + `'); if (b) b.click(); return !!b; })()`
	}

	step("sign in as the manager",
		chromedp.Navigate(s.url+"/app/login?next=%2Fapp%2Fmerge"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SetValue(chromedp.CSS("#login-email"), mgr.Email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#mg-log-list")),
	)
	step("the menu offers the merge page, which finds both profiles",
		chromedp.WaitVisible(chromedp.CSS("#mg-form")),
		until(`document.querySelector('nav a[href="/app/merge"]') !== null`),
		chromedp.SetValue(chromedp.CSS("#mg-keep-q"), "蓝鲸储能"),
		js(`document.getElementById('mg-keep-q').dispatchEvent(new Event('change'))`),
		until(find("keep", keep.Name)),
		chromedp.SetValue(chromedp.CSS("#mg-drop-q"), "蓝鲸储能"),
		js(`document.getElementById('mg-drop-q').dispatchEvent(new Event('change'))`),
		until(find("drop", drop.Name)),
	)
	step("the preview says it can merge, and the manager confirms",
		chromedp.Click(chromedp.CSS("#mg-preview")),
		chromedp.WaitVisible(chromedp.CSS("#mg-confirm")),
		until(`document.getElementById('mg-plan').textContent.includes('合并预览')`),
		chromedp.Click(chromedp.CSS("#mg-confirm")),
		until(`document.getElementById('mg-plan').textContent.includes('已合并')`),
		until(`document.getElementById('mg-log-list').textContent.includes('`+keep.Name+`')`),
	)
	got, err := s.store.GetProfile(bg, drop.ID)
	if err != nil || !got.Archived || got.MergedInto != keep.ID {
		t.Errorf("the duplicate after the merge: %+v %v", got, err)
	}
	if p := logs.problems(); len(p) > 0 {
		t.Errorf("browser problems:\n%s", strings.Join(p, "\n"))
	}
}
