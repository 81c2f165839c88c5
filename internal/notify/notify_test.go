package notify

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fuhua/internal/profile"
)

func TestPreferencesCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		p     Preferences
		field string
	}{
		{"defaults", Defaults(), ""},
		{"digest off", Preferences{EmailDigest: DigestOff}, ""},
		{"weekly digest", Preferences{EmailDigest: "weekly"}, "email_digest"},
		{"unknown type", Preferences{EmailDigest: DigestDaily, Types: map[Type]Channels{"intro_gossip": {}}}, "types"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Check()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			e, ok := profile.AsError(err)
			if !ok || !errors.Is(err, profile.ErrInvalid) || e.Field != tc.field || e.ZH == "" || e.EN == "" {
				t.Fatalf("Check() = %#v, want an invalid error naming %s in both languages", err, tc.field)
			}
		})
	}
	p := Preferences{Types: map[Type]Channels{IntroDeclined: {}, "nonsense": {InApp: true}}}.Complete()
	if p.EmailDigest != DigestDaily || len(p.Types) != len(Types) || p.For(IntroDeclined).InApp || !p.For(IntroReceived).Email {
		t.Fatalf("Complete() = %+v", p)
	}
}

func TestSeq(t *testing.T) {
	a, b := "6b0f601bcb0fb25db635bce7", "6b0f601bcb0fb25db635bce8"
	id := ID(a, 42)
	if n, ok := Seq(a, id); !ok || n != 42 {
		t.Fatalf("Seq(a, %q) = %d, %v", id, n, ok)
	}
	for _, bad := range []string{ID(b, 42), a + ":42", a + ":00000000004x", a + ":000000000000", "", a} {
		if _, ok := Seq(a, bad); ok {
			t.Errorf("Seq(a, %q) accepted", bad)
		}
	}
}

func TestTextsNameEveryone(t *testing.T) {
	s := Ref{Kind: profile.Startup, ID: "s1", Name: "盐城氢途"}
	i := Ref{Kind: profile.Investor, ID: "i1", Name: "天使基金"}
	for _, n := range []Notification{
		Received("x", s, i), Brokered("x", "张经理", s, i), Accepted("x", s, i), AcceptedBySide("x", s, i),
		Declined("x", i, s), Expiring("x", s, i, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), time.FixedZone("CST", 8*3600)),
		Expired("x", s, i), DueOutcome("x", s, i, 14),
	} {
		if !n.Type.Valid() || !strings.Contains(n.ZH, "盐城氢途") || !strings.Contains(n.ZH, "天使基金") ||
			!strings.Contains(n.EN, "盐城氢途") || n.Link != "/app/intros?id=x" {
			t.Errorf("%s: %+v", n.Type, n)
		}
	}
	if b := Brokered("x", "张经理", s, i); !strings.Contains(b.ZH, "张经理") || !strings.Contains(b.EN, "张经理") {
		t.Errorf("brokered does not name the broker: %+v", b)
	}
	if e := Expiring("x", s, i, time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), time.FixedZone("CST", 8*3600)); !strings.Contains(e.ZH, "2026-12-02 08:00") {
		t.Errorf("expiry time not in China time: %s", e.ZH)
	}
	if n := NewlyEligible(s, "苏科贷", "Su-Ke-Dai"); n.Link != "/app/policies?kind=startup&id=s1" || !strings.Contains(n.ZH, "苏科贷") {
		t.Errorf("policy: %+v", n)
	}
	m := DigestMail("陈晨", []Notification{Received("x", s, i)}, "https://fuhua.example")
	if !strings.Contains(m.Body, "陈晨") || !strings.Contains(m.Body, "https://fuhua.example/app/intros?id=x") || !strings.Contains(m.Subject, "1") {
		t.Errorf("digest: %+v", m)
	}
}

func TestSavedCheck(t *testing.T) {
	cat := profile.Catalog{Districts: profile.NewCodeSet("district", "yannan", "盐南"), Chains: profile.NewCodeSet("chain", "hydrogen", "氢能"),
		Segments: profile.NewCodeSet("segment", "hydrogen.fuel_cell", "燃料电池")}
	ok := Saved{Name: " 氢能 ", Kind: SavedKindSearch, Query: &SearchQuery{Chain: "hydrogen"}}
	if err := ok.Check(cat); err != nil || ok.Name != "氢能" {
		t.Fatalf("valid search: %v (name %q)", err, ok.Name)
	}
	for field, sv := range map[string]Saved{
		"name":           {Kind: SavedKindSearch, Query: &SearchQuery{Q: "氢"}},
		"kind":           {Name: "a", Kind: "watch"},
		"query":          {Name: "a", Kind: SavedKindSearch, Query: &SearchQuery{}},
		"query.segment":  {Name: "a", Kind: SavedKindSearch, Query: &SearchQuery{Segment: "hydrogen.nope"}},
		"query.district": {Name: "a", Kind: SavedKindSearch, Query: &SearchQuery{District: "beijing"}},
		"query.kind":     {Name: "a", Kind: SavedKindSearch, Query: &SearchQuery{Kind: "dragon"}},
		"profile_id":     {Name: "a", Kind: SavedKindMatches, Target: profile.Mentor},
		"target":         {Name: "a", Kind: SavedKindMatches, ProfileID: "p", Target: "dragon"},
	} {
		err := sv.Check(cat)
		if e, ok := profile.AsError(err); !ok || e.Field != field || e.ZH == "" {
			t.Errorf("%s: Check() = %v", field, err)
		}
	}
}
