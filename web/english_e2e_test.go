package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"fuhua/internal/profile"
)

// TestBrowserEnglishPages: with the English switch on, the pages whose scripts
// took their words from the catalogue (merge, rounds, evaluation, policies,
// chains) show no Chinese once their scripts have drawn them; only the data
// that is Chinese by nature (a segment's keywords and basis, in p.small; a
// document's number) and the way back to 中文 are left out of the check.
func TestBrowserEnglishPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	exe := chromium(t)
	s := startStack(t)
	mgr := s.account(t, "zhou@yannan.example", "Zhou", profile.RoleManager, "yannan")

	// The browser, the manager's tab and its console: journey_test.go's helpers.
	tb := newBrowser(t, exe, 90*time.Second).person("manager")
	ctx, logs, step := tb.ctx, tb.logs, tb.step
	until := func(expr string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(10*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))
	}

	step("sign in as the manager",
		chromedp.Navigate(s.url+"/app/login?next=%2Fapp%2Fmerge"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SetValue(chromedp.CSS("#login-email"), mgr.Email),
		chromedp.SetValue(chromedp.CSS("#login-password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#mg-log-list")),
		chromedp.Evaluate[chromedp.Void](`document.cookie = 'fuhua_lang=en; path=/'`),
	)
	han := regexp.MustCompile(`\p{Han}+`)
	citation := regexp.MustCompile(`\p{Han}+〔\d{4}〕\d+号`) // a document's number, cited as it is (国科发区〔2018〕300号)
	const text = `(() => { const c = document.body.cloneNode(true); c.querySelectorAll('p.small, #lang-switch').forEach((n) => n.remove()); return c.textContent; })()`
	for _, p := range []struct{ path, drawn string }{
		{"merge", `document.querySelector('#mg-log-list p') !== null`},
		{"rounds", `document.querySelector('#round-list li') !== null`},
		{"evaluation", `document.querySelector('#ev-list p, #ev-table') !== null && document.getElementById('ev-pool-card') !== null && document.getElementById('ev-graduates-card') !== null`},
		{"policies", `document.getElementById('m-code').options.length > 0 && (document.getElementById('m-counts') !== null || document.getElementById('p-error').textContent !== '')`},
		{"chains?chain=hydrogen", `document.querySelectorAll('#seglist .segitem').length >= 5 && document.getElementById('chain-note').textContent !== ''`},
	} {
		step("English "+p.path,
			chromedp.Navigate(s.url+"/app/"+p.path),
			until(`document.documentElement.lang === 'en'`),
			until(p.drawn),
		)
		rctx, c := context.WithTimeout(ctx, 5*time.Second)
		got, err := chromedp.Run(rctx, chromedp.Evaluate[string](text))
		c()
		if err != nil {
			t.Fatalf("read /app/%s: %v", p.path, err)
		}
		if m := han.FindAllString(citation.ReplaceAllString(got, ""), 8); len(m) > 0 {
			t.Errorf("/app/%s in English still shows Chinese: %q", p.path, m)
		}
		if !strings.Contains(got, "Search") {
			t.Errorf("/app/%s: the English menu is missing", p.path)
		}
	}
	if p := logs.problems(); len(p) > 0 {
		t.Errorf("browser problems:\n%s", strings.Join(p, "\n"))
	}
}
