package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"fuhua/internal/profile"
)

// TestEnclaveProjectsComeHome: a startup incubated in an enclave moves from
// incubating to landed in the enclave's home district; the enclave's page and
// the managers' view count it, and home carriers of its chain are proposed
// until it lands.
func TestEnclaveProjectsComeHome(t *testing.T) {
	h := newHarness(t)
	_, op := h.user(profile.RoleOperator)
	_, founder := h.user(profile.RoleStartup)
	_, kaifaqu := h.user(profile.RoleManager, "kaifaqu")
	_, yannan := h.user(profile.RoleManager, "yannan")
	enc := h.make(profile.Enclave, op, nil) // home kaifaqu, chain auto
	park := h.make(profile.Carrier, op, map[string]any{"name": "开发区汽车产业园", "type": "industrial_park", "level": "none",
		"district": "kaifaqu", "chains": []string{"auto"}})
	eid := enc["id"].(string)
	for body, field := range map[string]string{
		`{"name":"x","enclave":{"enclave_id":"` + eid + `","stage":"flying"}}`:                              "enclave.stage",
		`{"name":"x","enclave":{"stage":"incubating"}}`:                                                     "enclave.enclave_id",
		`{"name":"x","enclave":{"enclave_id":"` + eid + `","stage":"landed","park_id":"p"}}`:                "enclave.landed_on",
		`{"name":"x","enclave":{"enclave_id":"` + eid + `","stage":"incubating","landed_on":"2024-01-01"}}`: "enclave.stage",
		`{"name":"x","enclave":{"enclave_id":"` + eid + `","stage":"incubating","where":"sh"}}`:             "enclave.where",
	} {
		r := h.do("POST", "/api/v1/startups", founder, body)
		if code, f := r.errCode(t); r.Status != http.StatusBadRequest || f != field {
			t.Errorf("%s: %d %s on %q, want 400 on %s", body, r.Status, code, f, field)
		}
	}
	s := h.make(profile.Startup, founder, map[string]any{"name": "飞地汽车电子", "chains": []string{"auto"}, "district": "",
		"enclave": map[string]any{"enclave_id": eid, "stage": "incubating", "since": "2023-03-01"}})
	type report struct {
		Projects   int      `json:"projects"`
		Landed     int      `json:"landed"`
		LandedHome int      `json:"landed_home"`
		HomeShare  *float64 `json:"home_share"`
		Items      []struct {
			StartupID string                `json:"startup_id"`
			AtHome    bool                  `json:"at_home"`
			Proposals []struct{ ID string } `json:"proposals"`
		} `json:"items"`
	}
	read := func(tok string) report {
		t.Helper()
		r := h.do("GET", "/api/v1/enclaves/"+eid+"/projects", tok, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("projects: %d %s", r.Status, r.Body)
		}
		var rep report
		if err := json.Unmarshal(r.Body, &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := read(op)
	if rep.Projects != 1 || rep.Landed != 0 || rep.HomeShare == nil || *rep.HomeShare != 0 ||
		len(rep.Items[0].Proposals) != 1 || rep.Items[0].Proposals[0].ID != park["id"] {
		t.Fatalf("before landing: %+v", rep)
	}
	r := h.do("PATCH", "/api/v1/startups/"+s["id"].(string), founder, map[string]any{"enclave": map[string]any{"enclave_id": eid,
		"stage": "landed", "since": "2023-03-01", "landed_on": "2024-04-01", "park_id": park["id"]}}, "If-Match", `"1"`)
	if r.Status != http.StatusOK {
		t.Fatalf("land: %d %s", r.Status, r.Body)
	}
	rep = read(kaifaqu)
	if rep.Landed != 1 || rep.LandedHome != 1 || *rep.HomeShare != 1 || !rep.Items[0].AtHome || len(rep.Items[0].Proposals) != 0 {
		t.Fatalf("after landing: %+v", rep)
	}
	if r := h.do("GET", "/api/v1/enclaves/"+eid+"/projects", yannan, nil); r.Status != http.StatusForbidden {
		t.Errorf("another district's manager: %d", r.Status)
	}
	var sum struct {
		Projects   int `json:"projects"`
		LandedHome int `json:"landed_home"`
		Enclaves   []struct {
			EnclaveID string `json:"enclave_id"`
		}
	}
	r = h.do("GET", "/api/v1/enclave-projects", kaifaqu, nil)
	if err := json.Unmarshal(r.Body, &sum); err != nil || r.Status != 200 || sum.Projects != 1 || sum.LandedHome != 1 || len(sum.Enclaves) != 1 {
		t.Errorf("kaifaqu summary: %d %s", r.Status, r.Body)
	}
	r = h.do("GET", "/api/v1/enclave-projects", yannan, nil)
	if err := json.Unmarshal(r.Body, &sum); err != nil || sum.Projects != 0 || len(sum.Enclaves) != 0 {
		t.Errorf("yannan summary: %s", r.Body)
	}
	for name, tc := range map[string]struct {
		tok, q string
		want   int
	}{"founder": {founder, "", 403}, "other district": {yannan, "?district=kaifaqu", 403}, "bad district": {kaifaqu, "?district=x", 400}} {
		if got := h.do("GET", "/api/v1/enclave-projects"+tc.q, tc.tok, nil); got.Status != tc.want {
			t.Errorf("%s: %d, want %d", name, got.Status, tc.want)
		}
	}
}
