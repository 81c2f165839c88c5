package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fuhua/internal/profile"
)

// with returns the valid create body of kind k with some fields replaced (a nil
// value deletes the field).
func with(k profile.Kind, changes map[string]any) map[string]any {
	b := bodies()[k]
	for key, v := range changes {
		if v == nil {
			delete(b, key)
			continue
		}
		b[key] = v
	}
	return b
}

// TestBadInputChangesNothing sends one bad request per case and checks the status,
// the error code and field, and that nothing was written.
func TestBadInputChangesNothing(t *testing.T) {
	h := newHarness(t)
	_, admin := h.user(profile.RoleAdmin)
	mentorID := h.create(profile.Mentor, admin)["id"].(string)
	mentorPath := "/api/v1/mentors/" + mentorID
	long := func(n int) string { return strings.Repeat("孵", n) }
	st, inv, car, enc := profile.Startup, profile.Investor, profile.Carrier, profile.Enclave
	const noField = "-"

	cases := []struct {
		name    string
		method  string
		path    string
		body    any
		headers []string
		status  int
		code    string
		field   string
	}{
		{"malformed JSON", "POST", "/api/v1/startups", `{"name": `, nil, 400, "malformed_json", noField},
		{"array instead of object", "POST", "/api/v1/startups", `[{"name":"x"}]`, nil, 400, "malformed_json", noField},
		{"empty body", "POST", "/api/v1/startups", ` `, nil, 400, "empty_body", noField},
		{"two JSON values", "POST", "/api/v1/mentors", `{"name":"a"} {"name":"b"}`, nil, 400, "malformed_json", noField},
		{"unknown field", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"salary": 1}), nil, 400, "unknown_field", "salary"},
		{"field of another kind", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"credit_code": "x"}), nil, 400, "unknown_field", "credit_code"},
		{"mass-assign owner_id", "POST", "/api/v1/startups", with(st, map[string]any{"owner_id": "6b0000000000000000000000"}), nil, 400, "read_only_field", "owner_id"},
		{"mass-assign version", "POST", "/api/v1/startups", with(st, map[string]any{"version": 99}), nil, 400, "read_only_field", "version"},
		{"mass-assign created_at", "POST", "/api/v1/startups", with(st, map[string]any{"created_at": "2020-01-01T00:00:00Z"}), nil, 400, "read_only_field", "created_at"},
		{"mass-assign id", "POST", "/api/v1/startups", with(st, map[string]any{"id": "6b0000000000000000000000"}), nil, 400, "read_only_field", "id"},
		{"mass-assign role", "POST", "/api/v1/startups", with(st, map[string]any{"role": "admin"}), nil, 400, "unknown_field", "role"},
		{"mass-assign archived", "PATCH", mentorPath, map[string]any{"archived": true, "version": 1}, nil, 400, "read_only_field", "archived"},
		{"upper-case field name", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"Name": "x"}), nil, 400, "unknown_field", "Name"},
		{"unknown nested field", "POST", "/api/v1/startups", with(st, map[string]any{"needs": map[string]any{"equity": true}}), nil, 400, "unknown_field", "needs.equity"},
		{"nested case variant", "POST", "/api/v1/startups", with(st, map[string]any{"contact": map[string]any{"Email": "a@b.cn"}}), nil, 400, "unknown_field", "contact.Email"},
		{"name is a number", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"name": 42}), nil, 400, "wrong_type", "name"},
		{"name is an operator", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"name": map[string]any{"$ne": ""}}), nil, 400, "wrong_type", "name"},
		{"employees is text", "POST", "/api/v1/startups", with(st, map[string]any{"employees": "many"}), nil, 400, "wrong_type", "employees"},
		{"employees is fractional", "POST", "/api/v1/startups", with(st, map[string]any{"employees": 3.5}), nil, 400, "wrong_type", "employees"},
		{"chains is a string", "POST", "/api/v1/startups", with(st, map[string]any{"chains": "ic"}), nil, 400, "wrong_type", "chains"},
		{"negative employees", "POST", "/api/v1/startups", with(st, map[string]any{"employees": -1}), nil, 400, "out_of_range", "employees"},
		{"absurd employees", "POST", "/api/v1/startups", with(st, map[string]any{"employees": 1e9, "tech_staff": 1}), nil, 400, "out_of_range", "employees"},
		{"tech staff above employees", "POST", "/api/v1/startups", with(st, map[string]any{"employees": 5, "tech_staff": 6}), nil, 400, "out_of_range", "tech_staff"},
		{"negative R&D ratio", "POST", "/api/v1/startups", with(st, map[string]any{"rd_ratio": -0.1}), nil, 400, "out_of_range", "rd_ratio"},
		{"overflowing number", "POST", "/api/v1/startups", `{"name":"x","revenue_wan":1e400}`, nil, 400, "wrong_type", "revenue_wan"},
		{"absurd funding need", "POST", "/api/v1/startups", with(st, map[string]any{"needs": map[string]any{"funding_wan": 1e12}}), nil, 400, "out_of_range", "needs.funding_wan"},
		{"unknown chain", "POST", "/api/v1/startups", with(st, map[string]any{"chains": []string{"blockchainz"}}), nil, 400, "unknown_code", "chains"},
		{"duplicate chain", "POST", "/api/v1/startups", with(st, map[string]any{"chains": []string{"ic", "ic"}}), nil, 400, "duplicate", "chains"},
		{"unknown district", "POST", "/api/v1/startups", with(st, map[string]any{"district": "nanjing"}), nil, 400, "unknown_code", "district"},
		{"unknown stage", "POST", "/api/v1/startups", with(st, map[string]any{"stage": "series_z"}), nil, 400, "unknown_code", "stage"},
		{"unknown funding kind", "POST", "/api/v1/startups", with(st, map[string]any{"needs": map[string]any{"funding_kinds": []string{"crypto"}}}), nil, 400, "unknown_code", "needs.funding_kinds"},
		{"credit code check character", "POST", "/api/v1/startups", with(st, map[string]any{"credit_code": "91320913MA25XK3Q0X"}), nil, 400, "invalid_credit_code", "credit_code"},
		{"credit code too short", "POST", "/api/v1/startups", with(st, map[string]any{"credit_code": "91320913MA25XK3"}), nil, 400, "invalid_credit_code", "credit_code"},
		{"credit code with letter I", "POST", "/api/v1/startups", with(st, map[string]any{"credit_code": "91320913MA25XKIQ01"}), nil, 400, "invalid_credit_code", "credit_code"},
		{"month 13", "POST", "/api/v1/startups", with(st, map[string]any{"founded": "2023-13-01"}), nil, 400, "invalid_date", "founded"},
		{"date with slashes", "POST", "/api/v1/startups", with(st, map[string]any{"founded": "2023/01/01"}), nil, 400, "invalid_date", "founded"},
		{"date without dashes", "POST", "/api/v1/startups", with(st, map[string]any{"incubated_since": "20230101"}), nil, 400, "invalid_date", "incubated_since"},
		{"February 30", "POST", "/api/v1/startups", with(st, map[string]any{"graduated_on": "2024-02-30"}), nil, 400, "invalid_date", "graduated_on"},
		{"graduated before incubated", "POST", "/api/v1/startups", with(st, map[string]any{"graduated_on": "2022-01-01"}), nil, 400, "out_of_range", "graduated_on"},
		{"name too long", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"name": long(101)}), nil, 400, "too_long", "name"},
		{"summary too long", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"summary": long(2001)}), nil, 400, "too_long", "summary"},
		{"name missing", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"name": nil}), nil, 400, "required", "name"},
		{"name blank", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"name": "   "}), nil, 400, "required", "name"},
		{"NUL in text", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"title": "a\u0000b"}), nil, 400, "invalid_text", "title"},
		{"too many tags", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"tags": strings.Split(strings.Repeat("t,", 21), ",")}), nil, 400, "too_many", "tags"},
		{"contact e-mail", "POST", "/api/v1/mentors", with(profile.Mentor, map[string]any{"contact": map[string]any{"email": "not-an-email"}}), nil, 400, "invalid_email", "contact.email"},
		{"ticket min above max", "POST", "/api/v1/investors", with(inv, map[string]any{"ticket_min_wan": 5000}), nil, 400, "out_of_range", "ticket_min_wan"},
		{"investor type missing", "POST", "/api/v1/investors", with(inv, map[string]any{"type": nil}), nil, 400, "required", "type"},
		{"region not a district", "POST", "/api/v1/investors", with(inv, map[string]any{"regions": []string{"shanghai"}}), nil, 400, "unknown_code", "regions"},
		{"carrier level", "POST", "/api/v1/carriers", with(car, map[string]any{"level": "galactic"}), nil, 400, "unknown_code", "level"},
		{"level year", "POST", "/api/v1/carriers", with(car, map[string]any{"level_since": 1066}), nil, 400, "out_of_range", "level_since"},
		{"enclave host region", "POST", "/api/v1/enclaves", with(enc, map[string]any{"host_region": "mars"}), nil, 400, "unknown_code", "host_region"},
		{"enclave without home", "POST", "/api/v1/enclaves", with(enc, map[string]any{"home_district": nil}), nil, 400, "required", "home_district"},
		{"unknown carrier_id", "POST", "/api/v1/startups", with(st, map[string]any{"carrier_id": "6b0000000000000000000000"}), nil, 400, "unknown_carrier", "carrier_id"},
		{"body over 1 MiB", "POST", "/api/v1/mentors", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, nil, 413, "body_too_large", noField},
		{"text/plain body", "POST", "/api/v1/mentors", `{"name":"x"}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type", noField},
		{"id that is not an id", "GET", "/api/v1/mentors/zzz", nil, nil, 400, "invalid_id", "id"},
		{"id with an operator", "GET", "/api/v1/mentors/%7B%22$ne%22:1%7D", nil, nil, 400, "invalid_id", "id"},
		{"id of nothing", "GET", "/api/v1/mentors/6b0000000000000000000000", nil, nil, 404, "not_found", noField},
		{"id of another kind", "GET", "/api/v1/startups/" + mentorID, nil, nil, 404, "not_found", noField},
		{"PATCH garbage If-Match", "PATCH", mentorPath, map[string]any{"capacity": 2}, []string{"If-Match", "yesterday"}, 400, "invalid_if_match", "If-Match"},
		{"PATCH version is text", "PATCH", mentorPath, map[string]any{"capacity": 2, "version": "1"}, nil, 400, "wrong_type", "version"},
		{"PATCH bad value", "PATCH", mentorPath, map[string]any{"capacity": 1000}, []string{"If-Match", `"1"`}, 400, "out_of_range", "capacity"},
		{"PATCH unknown field", "PATCH", mentorPath, map[string]any{"stages": []string{"a"}}, []string{"If-Match", `"1"`}, 400, "unknown_field", "stages"},
		{"list limit 0", "GET", "/api/v1/startups?limit=0", nil, nil, 400, "out_of_range", "limit"},
		{"list limit 101", "GET", "/api/v1/startups?limit=101", nil, nil, 400, "out_of_range", "limit"},
		{"list limit text", "GET", "/api/v1/startups?limit=ten", nil, nil, 400, "out_of_range", "limit"},
		{"list unknown chain", "GET", "/api/v1/startups?chain=nope", nil, nil, 400, "unknown_code", "chain"},
		{"list chain twice", "GET", "/api/v1/startups?chain=ic&chain=vr", nil, nil, 400, "repeated_parameter", "chain"},
		{"list operator in filter", "GET", "/api/v1/startups?district[$ne]=x", nil, nil, 200, "", noField},
		{"list bad cursor", "GET", "/api/v1/startups?cursor=abc", nil, nil, 400, "invalid_cursor", "cursor"},
		{"list type on mentors", "GET", "/api/v1/mentors?type=vc", nil, nil, 400, "unknown_filter", "type"},
		{"register bad e-mail", "POST", "/api/v1/auth/register", map[string]any{"email": "nobody", "password": testPassword, "name": "x", "role": "startup"}, nil, 400, "invalid_email", "email"},
		{"register short password", "POST", "/api/v1/auth/register", map[string]any{"email": "s@example.com", "password": "short", "name": "x", "role": "startup"}, nil, 400, "weak_password", "password"},
		{"register as admin", "POST", "/api/v1/auth/register", map[string]any{"email": "s@example.com", "password": testPassword, "name": "x", "role": "admin"}, nil, 400, "unknown_code", "role"},
		{"register extra field", "POST", "/api/v1/auth/register", map[string]any{"email": "s@example.com", "password": testPassword, "name": "x", "role": "startup", "districts": []string{"yannan"}}, nil, 400, "unknown_field", "districts"},
		{"login with operator", "POST", "/api/v1/auth/login", map[string]any{"email": map[string]any{"$ne": ""}, "password": testPassword}, nil, 400, "wrong_type", "email"},
		{"unknown route", "GET", "/api/v1/rockets", nil, nil, 404, "no_route", noField},
		{"wrong method", "PUT", mentorPath, map[string]any{"name": "x"}, nil, 405, "method_not_allowed", noField},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := h.lastSeq()
			mentorBefore := h.do("GET", mentorPath, admin, nil).json(t)
			r := h.do(tc.method, tc.path, admin, tc.body, tc.headers...)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.code != "" {
				code, field := r.errCode(t)
				if code != tc.code {
					t.Errorf("code %q, want %q: %s", code, tc.code, r.Body)
				}
				if tc.field != noField && field != tc.field {
					t.Errorf("field %q, want %q", field, tc.field)
				}
			}
			if h.lastSeq() != before {
				t.Errorf("a refused request wrote a profile")
			}
			if after := h.do("GET", mentorPath, admin, nil).json(t); after["version"] != mentorBefore["version"] || after["capacity"] != mentorBefore["capacity"] {
				t.Errorf("the mentor changed: %v", after)
			}
			if _, err := h.store.UserByEmail(context.Background(), "s@example.com"); err == nil {
				t.Errorf("a refused registration created an account")
			}
		})
	}
}

// TestNeverA500 throws type confusion at every writable field of every kind.
func TestNeverA500(t *testing.T) {
	h := newHarness(t)
	_, admin := h.user(profile.RoleAdmin)
	weird := []any{nil, true, -1, 1e308, "", "x", []any{}, []any{1, "a"}, map[string]any{}, map[string]any{"$gt": ""}}
	for _, k := range profile.Kinds {
		for _, f := range k.WritableFields() {
			for _, v := range weird {
				b := bodies()[k]
				b[f] = v
				r := h.do("POST", "/api/v1/"+k.Path(), admin, b)
				if r.Status >= 500 {
					t.Fatalf("%s.%s = %v: status %d %s", k, f, v, r.Status, r.Body)
				}
				if r.Status == http.StatusCreated {
					continue
				}
				if code, _ := r.errCode(t); code == "" {
					t.Fatalf("%s.%s = %v: error without code", k, f, v)
				}
			}
		}
	}
}
