package mongodb_test

import (
	"context"
	"testing"
	"time"

	"fuhua/internal/dbtest"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
)

func TestServicesByMentorAndYear(t *testing.T) {
	st := dbtest.Store(t)
	ctx := context.Background()
	at := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, sv := range []mentor.Service{
		{MentorID: "m1", StartupID: "s1", Date: "2024-12-31", Kind: "coaching", At: at},
		{MentorID: "m1", StartupID: "s1", Date: "2025-01-01", Kind: "coaching", Note: "新年第一次", At: at},
		{MentorID: "m2", StartupID: "s2", Date: "2024-01-01", Kind: "training", At: at},
		{MentorID: "m1", StartupID: "s2", Date: "2024-01-01", Kind: "diagnosis", At: at},
	} {
		if err := st.AddService(ctx, &sv); err != nil || sv.ID == "" {
			t.Fatalf("add: %v (id %q)", err, sv.ID)
		}
	}
	got, err := st.ServicesOf(ctx, "m1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Date != "2024-01-01" || got[2].Date != "2025-01-01" || got[2].Note != "新年第一次" {
		t.Fatalf("m1's services: %+v", got)
	}
	in2024, err := st.ServicesIn(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if len(in2024) != 3 {
		t.Fatalf("2024: %d services, want 3 (not 2025-01-01): %+v", len(in2024), in2024)
	}
	for _, sv := range in2024 {
		if sv.Date < "2024-01-01" || sv.Date > "2024-12-31" {
			t.Errorf("outside 2024: %+v", sv)
		}
	}
	none, err := st.ServicesOf(ctx, "nobody")
	if err != nil || len(none) != 0 {
		t.Errorf("nobody: %v %v", none, err)
	}
	// Appointments round-trip through the profile store.
	m := profile.Profile{Kind: profile.Mentor, Name: "李导师", Appointments: []profile.Appointment{{CarrierID: "c1", Since: "2023-01-01", Level: "city"}},
		PoolStatus: "active"}
	if err := st.CreateProfile(ctx, &m); err != nil {
		t.Fatal(err)
	}
	back, err := st.GetProfile(ctx, m.ID)
	if err != nil || len(back.Appointments) != 1 || back.Appointments[0] != m.Appointments[0] || back.PoolStatus != "active" {
		t.Fatalf("appointments round trip: %+v %v", back, err)
	}
}
