package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"fuhua/internal/api"
	"fuhua/internal/auth"
	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const testPassword = "correct horse battery"

var (
	hashOnce   sync.Once
	sharedHash string
	hasher     = auth.NewHasher(2)
)

// passwordHash is one real argon2id hash of testPassword, made once per package so
// that creating test accounts stays cheap under -race.
func passwordHash(t testing.TB) string {
	hashOnce.Do(func() {
		h, err := hasher.Hash(context.Background(), testPassword)
		if err != nil {
			t.Fatal(err)
		}
		sharedHash = h
	})
	return sharedHash
}

type harness struct {
	t      testing.TB
	store  *mongodb.Store
	tokens *auth.Tokens
	srv    *api.Server
	h      http.Handler
}

// newHarness starts the API on a fresh database; opts adjust the dependencies
// (trusted proxies, the clock) before the server is built.
func newHarness(t testing.TB, opts ...func(*api.Deps)) *harness {
	t.Helper()
	st := dbtest.Store(t)
	tokens, err := auth.NewTokens([]byte(strings.Repeat("k", 32)), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	deps := api.Deps{Store: st, Intros: st, Records: st, Notes: st, Saved: st, Tokens: tokens, Hasher: hasher, Catalog: seed.Catalog(),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&deps)
	}
	srv, err := api.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, store: st, tokens: tokens, srv: srv, h: srv.Handler()}
}

// user makes an account directly in the store and returns it with a token.
func (h *harness) user(role profile.Role, districts ...string) (*profile.User, string) {
	h.t.Helper()
	u := &profile.User{Email: mongodb.NewID() + "@example.com", Name: string(role), Role: role, Districts: districts,
		PasswordHash: passwordHash(h.t)}
	if err := h.store.CreateUser(context.Background(), u); err != nil {
		h.t.Fatal(err)
	}
	tok, _, err := h.tokens.Issue(u)
	if err != nil {
		h.t.Fatal(err)
	}
	return u, tok
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// errCode returns error.code and error.field of an error response.
func (r response) errCode(t testing.TB) (string, string) {
	t.Helper()
	var e struct {
		Error struct {
			Code, Field, Message, MessageEN, MessageZH string
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("error body is not JSON: %s", r.Body)
	}
	if e.Error.Message == "" {
		t.Fatalf("error body has no message: %s", r.Body)
	}
	return e.Error.Code, e.Error.Field
}

// do sends a request through the real Gin engine. body may be a string (sent as
// is), []byte, or any value (sent as JSON).
func (h *harness) do(method, path, token string, body any, headers ...string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, req)
	checkOpenAPI(h.t, req, rec.Code, rec.Header(), rec.Body.Bytes()) // the document must describe what came back
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// lastSeq is the database's change counter: it moves on every profile write, so an
// unchanged value proves a request wrote nothing.
func (h *harness) lastSeq() int64 {
	h.t.Helper()
	n, err := h.store.LastSeq(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// validCreditCode completes a 17-character prefix with its check character.
func validCreditCode(prefix string) string {
	c, ok := profile.CreditCodeCheck(prefix)
	if !ok {
		panic("bad prefix " + prefix)
	}
	return prefix + string(c)
}

// bodies returns one valid create body per kind.
func bodies() map[profile.Kind]map[string]any {
	return map[profile.Kind]map[string]any{
		profile.Startup: {"name": "盐城氢途能源科技有限公司", "summary": "氢燃料电池电堆与膜电极研发", "chains": []string{"hydrogen"},
			"district": "yannan", "credit_code": validCreditCode("91320913MA25XK3Q0"), "stage": "angel", "founded": "2022-05-10",
			"employees": 28, "tech_staff": 12, "rd_ratio": 0.18, "patents": 2, "other_ip": 5, "revenue_wan": 800, "assets_wan": 1500,
			"status": "incubating", "incubated_since": "2023-03-01", "tech_sme": map[string]any{"year": 2024, "passed": true},
			"needs":   map[string]any{"funding_wan": 1000, "funding_kinds": []string{"equity"}, "mentoring": []string{"融资路演"}, "services": []string{"ip", "finance"}},
			"contact": map[string]any{"person": "陈晨", "phone": "+86 515 8888 0000", "email": "chen@qingtu.example", "wechat": "qingtu-chen"}},
		profile.Mentor: {"name": "王教授", "title": "教授", "organization": "盐城工学院", "topics": []string{"燃料电池", "技术转移"},
			"languages": []string{"zh", "en"}, "capacity": 3, "remote": true, "chains": []string{"hydrogen"}, "district": "tinghu",
			"contact": map[string]any{"email": "wang@ycit.example"}},
		profile.Investor: {"name": "盐城市天使投资引导基金", "type": "guidance_fund", "stages": []string{"seed", "angel"}, "ticket_min_wan": 200,
			"ticket_max_wan": 2000, "instruments": []string{"equity"}, "regions": []string{"yannan", "tinghu"}, "hard_tech": true,
			"chains": []string{"hydrogen", "semi3"}, "district": "tinghu"},
		profile.Carrier: {"name": "盐南高新区科创孵化器", "type": "incubator", "level": "provincial", "level_since": 2023, "benchmark": false,
			"professional": true, "international": false, "area_sqm": 32000, "seats": 400, "services": []string{"space", "roadshow"},
			"established": "2018-09-01", "district": "yannan", "chains": []string{"digital"}},
		profile.Enclave: {"name": "盐城（上海）离岸科创中心", "home_district": "kaifaqu", "host_city": "上海", "host_region": "yangtze_delta",
			"capacity": 40, "services": []string{"space", "landing"}, "established": "2021-11-18", "chains": []string{"auto"}},
		profile.Provider: {"name": "盐城知联知识产权代理有限公司", "type": "ip", "services": []string{"ip"}, "district": "tinghu"},
	}
}

func roleFor(k profile.Kind) profile.Role {
	switch k {
	case profile.Startup:
		return profile.RoleStartup
	case profile.Mentor:
		return profile.RoleMentor
	case profile.Investor:
		return profile.RoleInvestor
	}
	return profile.RoleOperator
}

// create makes a profile of kind k through the API and returns its JSON.
func (h *harness) create(k profile.Kind, token string) map[string]any {
	h.t.Helper()
	r := h.do("POST", "/api/v1/"+k.Path(), token, bodies()[k])
	if r.Status != http.StatusCreated {
		h.t.Fatalf("create %s: %d %s", k, r.Status, r.Body)
	}
	return r.json(h.t)
}
