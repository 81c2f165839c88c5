package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"fuhua/internal/api"
	"fuhua/internal/intro"
	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

type roundBody struct {
	ID               string  `json:"id"`
	State            string  `json:"state"`
	Version          int64   `json:"version"`
	TotalScore       int     `json:"total_score"`
	MeanScore        float64 `json:"mean_score"`
	GreedyTotalScore int     `json:"greedy_total_score"`
	GreedyMeanScore  float64 `json:"greedy_mean_score"`
	Pairs            []struct {
		StartupID       string `json:"startup_id"`
		StartupName     string `json:"startup_name"`
		CounterpartID   string `json:"counterpart_id"`
		CounterpartName string `json:"counterpart_name"`
		Score           int
		Reasons         []struct {
			Code, ZH, EN string
			Weight       int
		}
	} `json:"pairs"`
	Unassigned []struct {
		ID, Name, Kind, Side, Reason, ZH, EN string
		Missing                              int
	} `json:"unassigned"`
	Outcomes []struct {
		StartupID      string `json:"startup_id"`
		CounterpartID  string `json:"counterpart_id"`
		IntroductionID string `json:"introduction_id"`
		Skipped        string `json:"skipped"`
	} `json:"outcomes"`
}

func decodeRound(t *testing.T, r response) roundBody {
	t.Helper()
	var b roundBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		t.Fatalf("round body: %v: %s", err, r.Body)
	}
	return b
}

// roundFixture is 20 startups of Yannan (owned by two founders) and 5 mentors.
type roundFixture struct {
	h                 *harness
	manager, founder  string
	startups, mentors []*profile.Profile
}

func newRoundFixture(t *testing.T) *roundFixture {
	h := newHarness(t, func(d *api.Deps) {
		d.Rounds = d.Intros.(*mongodb.Store)
		d.Accepted = d.Intros.(*mongodb.Store)
	})
	f := &roundFixture{h: h}
	_, f.manager = h.user(profile.RoleManager, "yannan")
	founders := []*profile.User{}
	for range 2 {
		u, tok := h.user(profile.RoleStartup)
		founders = append(founders, u)
		f.founder = tok
	}
	mentorUser, _ := h.user(profile.RoleMentor)
	ctx := context.Background()
	chains := []string{"hydrogen", "semi3", "digital", "new_energy", "health"}
	topics := [][]string{{"融资路演", "燃料电池"}, {"芯片设计"}, {"软件", "融资路演"}, {"光伏"}, {"医疗器械", "注册申报"}}
	for i := range 20 {
		p := &profile.Profile{Kind: profile.Startup, Name: fmt.Sprintf("盐城测试企业%02d", i), OwnerID: founders[i%2].ID,
			District: "yannan", Stage: "seed", Chains: []string{chains[i%5]}, Summary: "研发 " + topics[i%5][0],
			Needs: &profile.Needs{Mentoring: topics[(i+i/5)%5]}}
		if err := h.store.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		f.startups = append(f.startups, p)
	}
	for j := range 5 {
		p := &profile.Profile{Kind: profile.Mentor, Name: fmt.Sprintf("导师%d", j), OwnerID: mentorUser.ID, Capacity: 10,
			District: "yannan", Chains: []string{chains[j]}, Topics: topics[j]}
		if err := h.store.CreateProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		f.mentors = append(f.mentors, p)
	}
	return f
}

func ids(ps []*profile.Profile) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func (f *roundFixture) body() map[string]any {
	return map[string]any{"name": "盐南导师日", "target": "mentor", "startup_ids": ids(f.startups),
		"counterpart_ids": ids(f.mentors), "slots": 3, "meetings_per_startup": 1,
		"avoid": [][]string{{f.startups[1].ID, f.mentors[1].ID}}}
}

func TestRoundMentorDay(t *testing.T) {
	f := newRoundFixture(t)
	h := f.h
	// An introduction already open between startup 0 and mentor 0.
	open, ev, err := intro.New(&profile.User{ID: f.startups[0].OwnerID, Role: profile.RoleStartup}, f.startups[0], f.mentors[0], "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.CreateIntro(context.Background(), open, ev); err != nil {
		t.Fatal(err)
	}

	if r := h.do("POST", "/api/v1/rounds", f.founder, f.body()); r.Status != http.StatusForbidden {
		t.Fatalf("a founder made a round: %d %s", r.Status, r.Body)
	}
	r := h.do("POST", "/api/v1/rounds", f.manager, f.body())
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	b := decodeRound(t, r)
	if b.State != "draft" || b.Version != 1 || len(b.Pairs) == 0 {
		t.Fatalf("created: %s", r.Body)
	}
	load := map[string]int{}
	total := 0
	for _, p := range b.Pairs {
		load[p.CounterpartID]++
		total += p.Score
		sum := 0
		for _, rs := range p.Reasons {
			sum += rs.Weight
			if rs.ZH == "" || rs.EN == "" {
				t.Fatalf("a reason without words: %+v", p)
			}
		}
		if sum != p.Score || p.Score <= 0 || p.StartupName == "" || p.CounterpartName == "" {
			t.Fatalf("pair: %+v", p)
		}
		if (p.StartupID == f.startups[0].ID && p.CounterpartID == f.mentors[0].ID) ||
			(p.StartupID == f.startups[1].ID && p.CounterpartID == f.mentors[1].ID) {
			t.Fatalf("an introduced or avoided pair was assigned: %+v", p)
		}
	}
	for id, n := range load {
		if n > 3 {
			t.Fatalf("mentor %s got %d startups for 3 slots", id, n)
		}
	}
	if total != b.TotalScore || b.GreedyTotalScore > b.TotalScore || len(b.Pairs) > 15 {
		t.Fatalf("total %d (pairs add to %d), greedy %d, %d pairs", b.TotalScore, total, b.GreedyTotalScore, len(b.Pairs))
	}
	// 20 startups, 15 slots: at least 5 startups are told why they got nothing.
	missing := 0
	for _, u := range b.Unassigned {
		if u.Kind == "startup" {
			missing += u.Missing
		}
		if u.ZH == "" || u.EN == "" || u.Reason == "" || u.Name == "" {
			t.Fatalf("unassigned without a reason: %+v", u)
		}
	}
	if missing != 20-len(b.Pairs) {
		t.Fatalf("%d pairs, %d missing meetings reported", len(b.Pairs), missing)
	}

	// Edits: remove a pair, then adding one past a mentor's slots is refused.
	path := "/api/v1/rounds/" + b.ID
	p0 := b.Pairs[0]
	rm := h.do("PATCH", path, f.manager, map[string]any{"remove": []any{map[string]string{"startup_id": p0.StartupID, "counterpart_id": p0.CounterpartID}}},
		"If-Match", `"1"`)
	if rm.Status != http.StatusOK {
		t.Fatalf("remove: %d %s", rm.Status, rm.Body)
	}
	after := decodeRound(t, rm)
	if after.Version != 2 || len(after.Pairs) != len(b.Pairs)-1 || after.TotalScore != b.TotalScore-p0.Score {
		t.Fatalf("after remove: v%d, %d pairs, total %d", after.Version, len(after.Pairs), after.TotalScore)
	}
	if st := h.do("PATCH", path, f.manager, map[string]any{"remove": []any{}}, "If-Match", `"1"`); st.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d %s", st.Status, st.Body)
	}
	full := "" // a mentor still at its 3 slots after the removal
	loadAfter := map[string]int{}
	for _, p := range after.Pairs {
		loadAfter[p.CounterpartID]++
	}
	for id, n := range loadAfter {
		if n == 3 {
			full = id
		}
	}
	if full == "" {
		t.Fatalf("20 startups that all fit, 15 slots, and no mentor is full: %v", loadAfter)
	}
	{
		var free string
		for _, s := range f.startups {
			has := false
			for _, p := range after.Pairs {
				has = has || p.StartupID == s.ID
			}
			// Not a pair the round refuses for another reason (the open
			// introduction of startup 0 and mentor 0, the avoided startup 1 and
			// mentor 1): this edit must be refused for capacity alone.
			blocked := (s.ID == f.startups[0].ID && full == f.mentors[0].ID) || (s.ID == f.startups[1].ID && full == f.mentors[1].ID)
			if !has && s.ID != p0.StartupID && !blocked {
				free = s.ID
				break
			}
		}
		add := h.do("PATCH", path, f.manager, map[string]any{"add": []any{map[string]string{"startup_id": free, "counterpart_id": full}}}, "If-Match", `"2"`)
		if code, field := add.errCode(t); add.Status != http.StatusBadRequest || code != "counterpart_full" || field != "add[0]" {
			t.Fatalf("add past capacity: %d %s", add.Status, add.Body)
		}
	}
	if got := decodeRound(t, h.do("GET", path, f.manager, nil)); got.Version != 2 || len(got.Pairs) != len(after.Pairs) {
		t.Fatalf("a refused edit changed the round: v%d", got.Version)
	}

	// Publish: one brokered introduction per pair, once.
	pub := h.do("POST", path+"/publish", f.manager, nil)
	if pub.Status != http.StatusOK {
		t.Fatalf("publish: %d %s", pub.Status, pub.Body)
	}
	pb := decodeRound(t, pub)
	if pb.State != "published" || len(pb.Outcomes) != len(after.Pairs) {
		t.Fatalf("published: %s", pub.Body)
	}
	for _, o := range pb.Outcomes {
		if o.IntroductionID == "" {
			t.Fatalf("pair skipped: %+v", o)
		}
		in, err := h.store.GetIntro(context.Background(), o.IntroductionID)
		if err != nil || in.BrokerID == "" || in.State != intro.Pending || in.From.ID != o.StartupID || in.To.ID != o.CounterpartID {
			t.Fatalf("introduction %s: %+v %v", o.IntroductionID, in, err)
		}
	}
	brokered := func() int {
		var l struct{ Items []any }
		_ = json.Unmarshal(h.do("GET", "/api/v1/introductions?box=brokered&limit=100", f.manager, nil).Body, &l)
		return len(l.Items)
	}
	if n := brokered(); n != len(after.Pairs) {
		t.Fatalf("%d brokered introductions for %d pairs", n, len(after.Pairs))
	}
	// Each side is told of its brokered introduction, once (issue 10).
	told := countType(h.notes(f.founder, "?limit=100"), "intro_brokered")
	if told == 0 || told > len(after.Pairs) {
		t.Fatalf("a founder was told of %d brokered introductions of %d pairs", told, len(after.Pairs))
	}
	again := decodeRound(t, h.do("POST", path+"/publish", f.manager, nil))
	if again.State != "published" || fmt.Sprint(again.Outcomes) != fmt.Sprint(pb.Outcomes) || brokered() != len(after.Pairs) {
		t.Fatalf("publishing twice differs: %+v", again.Outcomes)
	}
	if n := countType(h.notes(f.founder, "?limit=100"), "intro_brokered"); n != told {
		t.Fatalf("publishing again told the founder %d more times", n-told)
	}
	if r := h.do("PATCH", path, f.manager, map[string]any{"remove": []any{map[string]string{"startup_id": p0.StartupID, "counterpart_id": p0.CounterpartID}}},
		"If-Match", fmt.Sprintf(`"%d"`, again.Version)); r.Status != http.StatusConflict {
		t.Fatalf("edit after publish: %d %s", r.Status, r.Body)
	}

	// Who else may look.
	if r := h.do("GET", path, f.founder, nil); r.Status != http.StatusForbidden {
		t.Fatalf("founder reads a round: %d", r.Status)
	}
	_, other := h.user(profile.RoleManager, "yannan")
	if r := h.do("GET", path, other, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another manager reads the round: %d", r.Status)
	}
	var list struct {
		Items []struct{ ID string }
	}
	_ = json.Unmarshal(h.do("GET", "/api/v1/rounds", f.manager, nil).Body, &list)
	if len(list.Items) != 1 || list.Items[0].ID != b.ID {
		t.Fatalf("my rounds: %+v", list)
	}
}

func TestRoundRefusesBadInput(t *testing.T) {
	f := newRoundFixture(t)
	h := f.h
	cases := []struct {
		name, field string
		edit        func(b map[string]any)
	}{
		{"target", "target", func(b map[string]any) { b["target"] = "startup" }},
		{"slots", "slots", func(b map[string]any) { b["slots"] = 0 }},
		{"meetings", "meetings_per_startup", func(b map[string]any) { b["meetings_per_startup"] = 11 }},
		{"max share", "max_share", func(b map[string]any) { b["max_share"] = 2 }},
		{"avoid", "avoid[0]", func(b map[string]any) { b["avoid"] = [][]string{{f.startups[0].ID, mongodb.NewID()}} }},
		{"unknown startup", "startup_ids[0]", func(b map[string]any) { b["startup_ids"] = []string{mongodb.NewID()} }},
		{"a mentor as a startup", "startup_ids[0]", func(b map[string]any) { b["startup_ids"] = []string{f.mentors[0].ID} }},
		{"both", "startup_ids", func(b map[string]any) { b["filter"] = map[string]string{"district": "yannan"} }},
		{"neither", "counterpart_ids", func(b map[string]any) { delete(b, "counterpart_ids") }},
		{"filter chain", "filter.chain", func(b map[string]any) { delete(b, "startup_ids"); b["filter"] = map[string]string{"chain": "nope"} }},
		{"name", "name", func(b map[string]any) { b["name"] = " " }},
		{"unknown field", "startups", func(b map[string]any) { b["startups"] = 1 }},
	}
	for _, c := range cases {
		b := f.body()
		c.edit(b)
		r := h.do("POST", "/api/v1/rounds", f.manager, b)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
		}
		if _, field := r.errCode(t); field != c.field {
			t.Fatalf("%s: field %q, want %q: %s", c.name, field, c.field, r.Body)
		}
	}
	// A manager of another district may not bring Yannan's startups.
	_, far := h.user(profile.RoleManager, "dafeng")
	if r := h.do("POST", "/api/v1/rounds", far, f.body()); r.Status != http.StatusForbidden {
		t.Fatalf("other district: %d %s", r.Status, r.Body)
	}
	// By filter: the manager's own district, every mentor.
	b := f.body()
	delete(b, "startup_ids")
	delete(b, "counterpart_ids")
	b["filter"] = map[string]string{"district": "yannan"}
	b["counterpart_filter"] = map[string]string{}
	r := h.do("POST", "/api/v1/rounds", f.manager, b)
	if r.Status != http.StatusCreated {
		t.Fatalf("by filter: %d %s", r.Status, r.Body)
	}
	var list struct{ Items []any }
	_ = json.Unmarshal(h.do("GET", "/api/v1/rounds", f.manager, nil).Body, &list)
	if len(list.Items) != 1 {
		t.Fatalf("refused requests stored rounds: %d", len(list.Items))
	}
}

// TestRoundPublishSkipsPairsIntroducedMeanwhile: between the preview and the
// publish, one pair is introduced directly; publishing (twice at once) skips it,
// says so, and makes every other introduction exactly once.
func TestRoundPublishSkipsPairsIntroducedMeanwhile(t *testing.T) {
	f := newRoundFixture(t)
	h := f.h
	b := f.body()
	b["startup_ids"] = ids(f.startups[:6])
	b["counterpart_ids"] = ids(f.mentors[:2])
	b["avoid"] = [][]string{}
	r := h.do("POST", "/api/v1/rounds", f.manager, b)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	round := decodeRound(t, r)
	if len(round.Pairs) < 2 {
		t.Fatalf("too few pairs to test: %s", r.Body)
	}
	first := round.Pairs[0]
	var sp, mp *profile.Profile
	for _, p := range f.startups {
		if p.ID == first.StartupID {
			sp = p
		}
	}
	for _, p := range f.mentors {
		if p.ID == first.CounterpartID {
			mp = p
		}
	}
	in, ev, err := intro.New(&profile.User{ID: sp.OwnerID, Role: profile.RoleStartup}, sp, mp, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.CreateIntro(context.Background(), in, ev); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/rounds/" + round.ID + "/publish"
	var wg sync.WaitGroup
	res := make([]response, 2)
	for i := range res {
		wg.Add(1)
		go func() { defer wg.Done(); res[i] = h.do("POST", path, f.manager, nil) }()
	}
	wg.Wait()
	for _, x := range res {
		if x.Status != http.StatusOK {
			t.Fatalf("publish: %d %s", x.Status, x.Body)
		}
	}
	a, c := decodeRound(t, res[0]), decodeRound(t, res[1])
	if fmt.Sprint(a.Outcomes) != fmt.Sprint(c.Outcomes) {
		t.Fatalf("two publishes disagree:\n%v\n%v", a.Outcomes, c.Outcomes)
	}
	made := 0
	for _, o := range a.Outcomes {
		switch {
		case o.StartupID == first.StartupID && o.CounterpartID == first.CounterpartID:
			if o.Skipped != "introduced" || o.IntroductionID != "" {
				t.Fatalf("the pair introduced meanwhile: %+v", o)
			}
		case o.IntroductionID == "":
			t.Fatalf("skipped: %+v", o)
		default:
			made++
		}
	}
	var l struct{ Items []any }
	_ = json.Unmarshal(h.do("GET", "/api/v1/introductions?box=brokered&limit=100", f.manager, nil).Body, &l)
	if made != len(round.Pairs)-1 || len(l.Items) != made {
		t.Fatalf("%d pairs, %d introductions made, %d brokered listed", len(round.Pairs), made, len(l.Items))
	}
}
