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

