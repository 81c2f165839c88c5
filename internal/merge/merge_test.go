package merge

import (
	"testing"
	"time"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

func in(id, from, to string, st intro.State, day int) intro.Introduction {
	return intro.Introduction{ID: id, From: profile.Ref{ID: from}, To: profile.Ref{ID: to}, State: st,
		CreatedAt: time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC)}
}

func codes(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Code)
	}
	return out
}

func TestDecide(t *testing.T) {
	keep := &profile.Profile{ID: "k", Kind: profile.Startup, OwnerID: "uk"}
	drop := &profile.Profile{ID: "d", Kind: profile.Startup, OwnerID: "ud", CreditCode: "91350100M000100Y43"}
	actions := func(pl Plan) map[string]string {
		m := map[string]string{}
		for _, mv := range pl.Introductions {
			m[mv.ID] = mv.Action
		}
		return m
	}
	t.Run("pairs", func(t *testing.T) {
		pl := Decide(Facts{Keep: keep, Drop: drop, Intros: []intro.Introduction{
			in("a", "d", "x", intro.Pending, 1), in("b", "k", "x", intro.Pending, 2), // both pending: the older (a) survives
			in("c", "d", "y", intro.Pending, 3), in("e", "k", "y", intro.Accepted, 1), // the accepted (e) survives
			in("f", "z", "d", intro.Declined, 1), in("g", "k", "z", intro.Pending, 2), // a closed one just moves
			in("h", "k", "d", intro.Pending, 1), // between the two
		}})
		want := map[string]string{"a": "move", "b": "close_kept", "c": "close", "f": "move", "h": "close_self"}
		got := actions(pl)
		for id, a := range want {
			if got[id] != a {
				t.Errorf("%s: %q, want %q (plan %+v)", id, got[id], a, pl.Introductions)
			}
		}
		if _, ok := got["e"]; ok {
			t.Errorf("the kept profile's accepted introduction is touched")
		}
		for i, mv := range pl.Introductions {
			if i > 0 && closing(mv.Action) && !closing(pl.Introductions[i-1].Action) {
				t.Errorf("a closing comes after a move: %+v", pl.Introductions)
			}
		}
		if pl.Blocked() || pl.CreditCode != drop.CreditCode {
			t.Errorf("blockers %v credit code %q", codes(pl.Blockers), pl.CreditCode)
		}
	})
	for name, tc := range map[string]struct {
		f    Facts
		want string
	}{
		"both accepted":    {Facts{Keep: keep, Drop: drop, Intros: []intro.Introduction{in("a", "d", "x", intro.Accepted, 1), in("b", "k", "x", intro.Accepted, 2)}}, "both_accepted"},
		"two credit codes": {Facts{Keep: &profile.Profile{ID: "k", Kind: profile.Startup, CreditCode: "91320913MA25XK3Q09"}, Drop: drop}, "different_credit_codes"},
		"mentors":          {Facts{Keep: &profile.Profile{ID: "k", Kind: profile.Mentor}, Drop: &profile.Profile{ID: "d", Kind: profile.Mentor}}, "kind_not_merged"},
		"kinds":            {Facts{Keep: &profile.Profile{ID: "k", Kind: profile.Carrier}, Drop: drop}, "different_kinds"},
		"itself":           {Facts{Keep: keep, Drop: keep}, "same_profile"},
		"archived":         {Facts{Keep: keep, Drop: &profile.Profile{ID: "d", Kind: profile.Startup, Archived: true}}, "drop_archived"},
		"draft round":      {Facts{Keep: keep, Drop: drop, Rounds: []RoundRef{{ID: "r", Name: "春季路演", Draft: true}}}, "draft_round"},
	} {
		pl := Decide(tc.f)
		if got := codes(pl.Blockers); len(got) == 0 || got[0] != tc.want {
			t.Errorf("%s: blockers %v, want %s", name, got, tc.want)
		}
		for _, b := range pl.Blockers {
			if b.ZH == "" || b.EN == "" {
				t.Errorf("%s: a blocker without words: %+v", name, b)
			}
		}
	}
	if pl := Decide(Facts{Keep: keep, Drop: drop, Rounds: []RoundRef{{ID: "r", Name: "秋季"}}}); pl.Blocked() || len(pl.History) != 1 {
		t.Errorf("a published round: %+v", pl)
	}
}

func TestRepointAndMoved(t *testing.T) {
	m := &profile.Profile{Kind: profile.Mentor, Appointments: []profile.Appointment{
		{CarrierID: "k", Since: "2023-05-01", Level: "city"}, {CarrierID: "d", Since: "2022-01-01", Level: "city"}, {CarrierID: "o", Since: "2024-01-01"}}}
	if got := Refers(m, "d"); len(got) != 1 || got[0] != "appointments.carrier_id" {
		t.Fatalf("refers %v", got)
	}
	Repoint(m, "d", "k")
	if len(m.Appointments) != 2 || m.Appointments[0].CarrierID != "k" || m.Appointments[0].Since != "2022-01-01" {
		t.Errorf("appointments after repoint: %+v", m.Appointments)
	}
	s := &profile.Profile{Kind: profile.Startup, CarrierID: "d", Enclave: &profile.EnclaveProject{EnclaveID: "e", ParkID: "d"}}
	Repoint(s, "d", "k")
	if s.CarrierID != "k" || s.Enclave.ParkID != "k" || len(Refers(s, "d")) != 0 {
		t.Errorf("startup after repoint: %+v %+v", s, s.Enclave)
	}
	keep := &profile.Profile{ID: "k", OwnerID: "uk"}
	drop := &profile.Profile{ID: "d", OwnerID: "ud"}
	x := intro.Introduction{From: profile.Ref{ID: "d"}, To: profile.Ref{ID: "x"}, FromOwner: "ud", ToOwner: "ux", RequesterID: "ud",
		Recipients: []string{"ux", "ud"}, AcceptedBy: []string{"ud"}}
	got := Moved(x, keep, drop)
	if got.From.ID != "k" || got.FromOwner != "uk" || got.RequesterID != "ud" || got.Recipients[1] != "uk" || got.AcceptedBy[0] != "uk" {
		t.Errorf("moved: %+v", got)
	}
	if x.Recipients[1] != "ud" {
		t.Errorf("Moved changed its argument")
	}
}
