package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// checkClientError fails unless err is nil or an error the API answers with a 4xx
// naming what was wrong: bad input must never become a 500.
func checkClientError(t *testing.T, err error, body []byte) {
	t.Helper()
	if err == nil {
		return
	}
	var he *httpError
	if errors.As(err, &he) {
		if he.status < 400 || he.status > 499 {
			t.Fatalf("status %d for %q", he.status, body)
		}
		return
	}
	e, ok := profile.AsError(err)
	if !ok || !(errors.Is(err, profile.ErrInvalid) || errors.Is(err, profile.ErrConflict)) || e.EN == "" || e.ZH == "" {
		t.Fatalf("not a client error: %#v for %q", err, body)
	}
}

func testContext(body []byte) *gin.Context {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	c.Request.Header.Set("Content-Type", "application/json")
	return c
}

// FuzzDecodeProfile feeds arbitrary bodies to the profile decoder and validation
// of every kind: they never panic and every refusal is a 4xx with a message.
func FuzzDecodeProfile(f *testing.F) {
	for _, seedBody := range []string{
		`{"name":"盐城氢途","chains":["hydrogen"],"district":"yannan","stage":"angel"}`,
		`{"name":{"$ne":""}}`, `{"$set":{"name":"x"}}`, `{"name.first":"x"}`, `{"summary":["a"]}`,
		`{"needs":{"funding_wan":-1,"funding_kinds":["equity","x"]}}`, `{"tech_sme":{"year":"2024"}}`,
		`{"version":0}`, `{"version":3,"name":"x"}`, `{"id":"x"}`, `[]`, `{}`, ``, `{"a":1}{"b":2}`,
		`{"capacity":1e400}`, `{"employees":1.5}`, `{"contact":{"phone":"1","wechat":null}}`, "{\"name\":\"\xff\"}",
		`{"founded":"2024-02-30"}`, `{"credit_code":"91320913MA25XK3Q0X"}`, `{"chains":[null]}`,
	} {
		f.Add([]byte(seedBody))
	}
	cat := seed.Catalog()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, k := range profile.Kinds {
			for _, allowVersion := range []bool{false, true} {
				p := &profile.Profile{}
				_, _, err := decodeProfile(testContext(body), k, p, allowVersion)
				checkClientError(t, err, body)
				if err != nil {
					continue
				}
				p.Kind = k
				p.Normalize()
				checkClientError(t, p.Validate(cat), body)
				if _, err := p.View(false); err != nil {
					t.Fatalf("a decoded profile does not render: %v", err)
				}
			}
		}
	})
}

// FuzzDecodeIntroduction feeds arbitrary bodies to the strict decoding of the
// introduction, note and outcome requests.
func FuzzDecodeIntroduction(f *testing.F) {
	for _, seedBody := range []string{
		`{"from":{"kind":"startup","id":"0123456789abcdef01234567"},"to":{"kind":"investor","id":"0123456789abcdef01234568"},"message":"你好"}`,
		`{"from":{"kind":"startup","id":{"$ne":""}}}`, `{"from":[]}`, `{"to":{"Kind":"x"}}`, `{"note":"谢谢"}`,
		`{"kind":"meeting","date":"2025-01-01","note":""}`, `{"kind":["meeting"]}`, `{"$where":"1"}`, `null`, `{"note":1}`,
	} {
		f.Add([]byte(seedBody))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&createIntroRequest{}, &noteRequest{}, &outcomeRequest{}, &passwordRequest{}, &patchUserRequest{}} {
			checkClientError(t, bindJSON(testContext(body), v), body)
		}
	})
}
