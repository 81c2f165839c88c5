package auth

import (
	"testing"

	"fuhua/internal/profile"
)

func TestWhoMayDoWhat(t *testing.T) {
	owner := &profile.User{ID: "u1", Role: profile.RoleStartup}
	other := &profile.User{ID: "u2", Role: profile.RoleStartup}
	mgrIn := &profile.User{ID: "m1", Role: profile.RoleManager, Districts: []string{"yannan"}}
	mgrOut := &profile.User{ID: "m2", Role: profile.RoleManager, Districts: []string{"dafeng"}}
	admin := &profile.User{ID: "a1", Role: profile.RoleAdmin}
	st := &profile.Profile{Kind: profile.Startup, OwnerID: "u1", District: "yannan"}
	enclave := &profile.Profile{Kind: profile.Enclave, OwnerID: "u9", HomeDistrict: "yannan"} // no district: its home counts

	for _, tc := range []struct {
		name                    string
		u                       *profile.User
		p                       *profile.Profile
		edit, contact, oversees bool
	}{
		{"owner", owner, st, true, true, false},
		{"another founder", other, st, false, false, false},
		{"manager of the district", mgrIn, st, true, true, true},
		{"manager of another district", mgrOut, st, false, false, false},
		{"admin", admin, st, true, true, true},
		{"anonymous", nil, st, false, false, false},
		{"manager of an enclave's home", mgrIn, enclave, true, true, true},
		{"manager elsewhere, enclave", mgrOut, enclave, false, false, false},
	} {
		if got := CanEdit(tc.u, tc.p); got != tc.edit {
			t.Errorf("%s: CanEdit = %v", tc.name, got)
		}
		if got := CanSeeContact(tc.u, tc.p, false); got != tc.contact {
			t.Errorf("%s: CanSeeContact = %v", tc.name, got)
		}
		if got := Oversees(tc.u, tc.p); got != tc.oversees {
			t.Errorf("%s: Oversees = %v", tc.name, got)
		}
	}
	if !CanSeeContact(other, st, true) {
		t.Error("the other side of an accepted introduction does not see the contact")
	}
	if CanCreate(owner, &profile.Profile{Kind: profile.Investor}) || !CanCreate(owner, &profile.Profile{Kind: profile.Startup}) {
		t.Error("a founder creates startups, not investors")
	}
	if !CanCreate(&profile.User{Role: profile.RoleOperator}, &profile.Profile{Kind: profile.Provider}) {
		t.Error("an operator may create a provider")
	}
	if CanCreate(mgrOut, st) || !CanCreate(mgrIn, st) {
		t.Error("managers create only inside their districts")
	}
}
