package mentor

import (
	"errors"
	"testing"
	"time"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

var now = time.Date(2025, 3, 1, 12, 0, 0, 0, intro.Zone)

func TestNewRefusesBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		startup, date, kind, note, field string
	}{
		"no startup":  {"", "2024-05-01", "coaching", "", "startup_id"},
		"bad date":    {"s", "2024-02-30", "coaching", "", "date"},
		"old date":    {"s", "1999-12-31", "coaching", "", "date"},
		"future":      {"s", "2025-03-02", "coaching", "", "date"},
		"kind":        {"s", "2024-05-01", "party", "", "kind"},
		"long note":   {"s", "2024-05-01", "coaching", string(make([]rune, MaxNote+1)), "note"},
		"invalid utf": {"s", "2024-05-01", "coaching", "\xff", "note"},
	} {
		_, err := New("m", tc.startup, tc.date, tc.kind, tc.note, "u", now)
		e, ok := profile.AsError(err)
		if !ok || !errors.Is(err, profile.ErrInvalid) || e.Field != tc.field || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: %v, want invalid %s in zh and en", name, err, tc.field)
		}
	}
	if _, err := New("m", "s", "2025-03-01", "coaching", "今天", "u", now); err != nil {
		t.Errorf("today refused: %v", err)
	}
}

// TestComplianceAcrossYearBoundaries: sessions on 31 December count for that
// year only, on 1 January for the next; introduction outcomes count; sessions
// with firms not incubating that day do not.
func TestComplianceAcrossYearBoundaries(t *testing.T) {
	startups := map[string]*profile.Profile{
		"a": {ID: "a", Kind: profile.Startup, IncubatedSince: "2023-01-01"},
		"g": {ID: "g", Kind: profile.Startup, IncubatedSince: "2022-01-01", GraduatedOn: "2024-06-30", Status: "graduated"},
		"n": {ID: "n", Kind: profile.Startup, IncubatedSince: "2024-12-01"},
	}
	services := []Service{
		{ID: "1", MentorID: "m", StartupID: "a", Date: "2023-12-31", Kind: "coaching"},
		{ID: "2", MentorID: "m", StartupID: "a", Date: "2024-01-01", Kind: "coaching"},
		{ID: "3", MentorID: "m", StartupID: "g", Date: "2024-07-01", Kind: "coaching"}, // after graduation: no
		{ID: "4", MentorID: "m", StartupID: "n", Date: "2024-11-30", Kind: "coaching"}, // before entry: no
		{ID: "5", MentorID: "other", StartupID: "a", Date: "2024-05-01", Kind: "coaching"},
		{ID: "6", MentorID: "m", StartupID: "a", Date: "2024-12-31", Kind: "training"},
		{ID: "7", MentorID: "m", StartupID: "gone", Date: "2024-03-01", Kind: "coaching"},
	}
	intros := []intro.Introduction{
		{ID: "i1", State: intro.Accepted, MentorID: "m", From: profile.Ref{Kind: profile.Mentor, ID: "m"}, To: profile.Ref{Kind: profile.Startup, ID: "g"},
			Outcomes: []intro.Outcome{{Kind: "mentoring", Date: "2024-06-30"}, {Kind: "invested", Date: "2024-06-01"}, {Kind: "meeting", Date: "2025-01-01"}}},
		{ID: "i2", State: intro.Declined, MentorID: "m", From: profile.Ref{Kind: profile.Startup, ID: "a"}, To: profile.Ref{Kind: profile.Mentor, ID: "m"},
			Outcomes: []intro.Outcome{{Kind: "mentoring", Date: "2024-02-01"}}},
	}
	for _, tc := range []struct {
		year, count, items int
		compliant          bool
	}{
		{2023, 1, 1, false}, // 12-31 only
		{2024, 3, 6, true},  // 01-01, 12-31, i1 on graduation day; not 3, 4, 7; not the declined i2
		{2025, 0, 1, false}, // i1's meeting after graduation does not count
		{2022, 0, 0, false},
	} {
		got := Check("m", tc.year, services, intros, startups)
		if got.Count != tc.count || len(got.Items) != tc.items || got.Compliant != tc.compliant || got.Required != 2 {
			t.Errorf("%d: count %d items %d compliant %v; want %d %d %v (%+v)", tc.year, got.Count, len(got.Items), got.Compliant,
				tc.count, tc.items, tc.compliant, got.Items)
		}
		for _, s := range got.Items {
			if !s.Counts && (s.WhyNotZH == "" || s.WhyNotEN == "") {
				t.Errorf("%d: a session that does not count says not why: %+v", tc.year, s)
			}
		}
	}
	// Exactly two sessions is compliant, one is not.
	two := Check("m", 2024, services[:2], nil, startups)
	if two.Count != 1 || two.Compliant {
		t.Errorf("one 2024 session: %+v", two)
	}
	if c := Check("m", 2024, append(services[1:2:2], services[5]), nil, startups); c.Count != 2 || !c.Compliant {
		t.Errorf("two 2024 sessions: %+v", c)
	}
}

func TestInPool(t *testing.T) {
	for _, tc := range []struct {
		m    profile.Profile
		want bool
	}{
		{profile.Profile{}, true},
		{profile.Profile{PoolStatus: "exited"}, false},
		{profile.Profile{Archived: true}, false},
		{profile.Profile{Appointments: []profile.Appointment{{CarrierID: "c", Since: "2024-12-31", Level: "city"}}}, true},
		{profile.Profile{Appointments: []profile.Appointment{{CarrierID: "c", Since: "2025-01-01", Level: "city"}}}, false},
		{profile.Profile{Appointments: []profile.Appointment{{CarrierID: "c", Since: "2020-01-01", Until: "2024-01-01", Level: "city"}}}, true},
		{profile.Profile{Appointments: []profile.Appointment{{CarrierID: "c", Since: "2020-01-01", Until: "2023-12-31", Level: "city"}}}, false},
	} {
		if got := InPool(&tc.m, 2024); got != tc.want {
			t.Errorf("InPool(%+v) = %v, want %v", tc.m, got, tc.want)
		}
	}
}
