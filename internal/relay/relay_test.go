package relay

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

func TestCandidatesOrder(t *testing.T) {
	s := profile.Profile{ID: "s", District: "yannan", Chains: []string{"hydrogen", "auto"}}
	carriers := []profile.Profile{
		{ID: "p1", Name: "乙园", Type: "industrial_park", District: "tinghu", Chains: []string{"hydrogen"}},
		{ID: "p2", Name: "甲园", Type: "industrial_park", District: "yannan", Chains: []string{"hydrogen"}},
		{ID: "p3", Name: "丙加速器", Type: "accelerator", District: "yannan", Chains: []string{"hydrogen", "auto"}},
		{ID: "p4", Name: "市外园", Type: "industrial_park", Chains: []string{"auto"}},
		{ID: "p5", Name: "孵化器", Type: "incubator", District: "yannan", Chains: []string{"hydrogen"}},
		{ID: "p6", Name: "无关园", Type: "industrial_park", District: "yannan", Chains: []string{"ic"}},
		{ID: "p7", Name: "旧园", Type: "industrial_park", District: "yannan", Chains: []string{"hydrogen"}, Archived: true},
		{ID: "p8", Name: "东台园", Type: "industrial_park", District: "dongtai", Chains: []string{"auto"}},
	}
	rank := map[string]int{"dongtai": 0, "tinghu": 9, "yannan": 10}
	var got []string
	for _, c := range Candidates(&s, carriers, rank, func(c string) string { return c }) {
		got = append(got, c.ID)
		if c.ZH == "" || c.EN == "" {
			t.Errorf("%s has no reason", c.ID)
		}
	}
	// Own district (two chains before one), then dongtai, tinghu in the city's order, then outside.
	if diff := cmp.Diff(got, []string{"p3", "p2", "p8", "p1", "p4"}); diff != "" {
		t.Errorf("order (-got +want):\n%s", diff)
	}
}

func TestLandingsPerDistrict(t *testing.T) {
	startups := []profile.Profile{
		{ID: "a", Name: "a", District: "yannan", Chains: []string{"hydrogen"}, GraduatedOn: "2024-03-01"},
		{ID: "b", Name: "b", District: "yannan", Chains: []string{"ic"}, GraduatedOn: "2024-12-31"},
		{ID: "c", Name: "c", District: "tinghu", Chains: []string{"ic"}, GraduatedOn: "2024-01-01"},
		{ID: "d", Name: "d", District: "yannan", Chains: []string{"ic"}, GraduatedOn: "2023-12-31"},
	}
	carriers := []profile.Profile{
		{ID: "p", Type: "industrial_park", Name: "氢能园", Chains: []string{"hydrogen"}},
		{ID: "i", Type: "incubator", Name: "孵化器", Chains: []string{"ic"}},
	}
	ref := func(k profile.Kind, id string) profile.Ref { return profile.Ref{Kind: k, ID: id} }
	intros := []intro.Introduction{
		{ID: "i1", State: intro.Accepted, From: ref(profile.Startup, "a"), To: ref(profile.Carrier, "p"), Outcomes: []intro.Outcome{{Kind: "landed", Date: "2024-04-01"}}},
		{ID: "i2", State: intro.Accepted, From: ref(profile.Carrier, "p"), To: ref(profile.Startup, "b"), Outcomes: []intro.Outcome{{Kind: "landed", Date: "2025-01-05"}}},
		{ID: "i3", State: intro.Accepted, From: ref(profile.Startup, "c"), To: ref(profile.Carrier, "i"), Outcomes: []intro.Outcome{{Kind: "landed", Date: "2024-02-01"}}},
		{ID: "i4", State: intro.Pending, From: ref(profile.Startup, "c"), To: ref(profile.Carrier, "p"), Outcomes: []intro.Outcome{{Kind: "landed", Date: "2024-02-01"}}},
	}
	got := Landings(startups, carriers, intros, 2024, []string{"tinghu", "yannan"})
	sum := map[string][3]int{}
	for _, sc := range got {
		sum[sc.District] = [3]int{sc.Graduates, sc.Landed, sc.LandedMatch}
	}
	// a landed at a hydrogen park (match); b landed at it too but shares no chain;
	// c's "landing" was at an incubator (not a landing place); d graduated in 2023.
	want := map[string][3]int{"": {3, 2, 1}, "yannan": {2, 2, 1}, "tinghu": {1, 0, 0}}
	if diff := cmp.Diff(sum, want); diff != "" {
		t.Errorf("(-got +want):\n%s", diff)
	}
	if s := got[0].MatchShare; s == nil || *s != 1.0/3 {
		t.Errorf("city share: %v", s)
	}
	if s := Landings(nil, nil, nil, 2024, []string{"tinghu"})[1].MatchShare; s != nil {
		t.Errorf("no graduates, share %v, want null", *s)
	}
}

func TestEnclaveProjects(t *testing.T) {
	enclaves := []profile.Profile{{ID: "e", Name: "上海飞地", HomeDistrict: "kaifaqu"}, {ID: "e2", Name: "空飞地", HomeDistrict: "yannan"}}
	carriers := []profile.Profile{
		{ID: "k1", Name: "开发区汽车产业园", Type: "industrial_park", District: "kaifaqu", Chains: []string{"auto"}},
		{ID: "k2", Name: "开发区孵化器", Type: "incubator", District: "kaifaqu", Chains: []string{"auto"}},
		{ID: "y1", Name: "盐南园", Type: "industrial_park", District: "yannan", Chains: []string{"auto"}},
		{ID: "k3", Name: "开发区驿站", Type: "finance_station", District: "kaifaqu", Chains: []string{"auto"}},
	}
	proj := func(id, stage, park string) profile.Profile {
		p := profile.Profile{ID: id, Name: id, Chains: []string{"auto"}, Enclave: &profile.EnclaveProject{EnclaveID: "e", Stage: stage}}
		if park != "" {
			p.Enclave.ParkID, p.Enclave.LandedOn = park, "2024-05-01"
		}
		return p
	}
	startups := []profile.Profile{proj("a", "incubating", ""), proj("b", "negotiating", ""), proj("c", "landed", "k1"),
		proj("d", "landed", "y1"), {ID: "z", Name: "z"}}
	got := Enclaves(enclaves, startups, carriers, func(c string) string { return c })
	if len(got) != 2 {
		t.Fatalf("%d reports", len(got))
	}
	e := got[0]
	if e.Projects != 4 || e.Landed != 2 || e.LandedHome != 1 || e.HomeShare == nil || *e.HomeShare != 0.25 ||
		e.ByStage["incubating"] != 1 || e.ByStage["negotiating"] != 1 || e.ByStage["landed"] != 2 {
		t.Fatalf("enclave e: %+v", e)
	}
	// a and b (not landed) are proposed the home district's carriers of their chain; not yannan's, not the finance station.
	for _, p := range e.Items[:2] {
		var ids []string
		for _, c := range p.Proposals {
			ids = append(ids, c.ID+":"+c.Type)
		}
		if diff := cmp.Diff(ids, []string{"k2:incubator", "k1:industrial_park"}); diff != "" {
			t.Errorf("%s proposals (-got +want):\n%s", p.StartupID, diff)
		}
	}
	if !e.Items[2].AtHome || e.Items[3].AtHome || len(e.Items[2].Proposals) != 0 {
		t.Errorf("landed items: %+v", e.Items[2:])
	}
	if got[1].Projects != 0 || got[1].HomeShare != nil {
		t.Errorf("empty enclave: %+v", got[1])
	}
}
