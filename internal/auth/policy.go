package auth

import "fuhua/internal/profile"

// The rules of who may do what. They take the acting account (nil for anonymous)
// and the object, and answer yes or no; the api package turns a no into 403.

// ProfileDistrict is the district that decides which managers oversee p: its own
// district, or for an enclave without one, its home district at Yancheng.
func ProfileDistrict(p *profile.Profile) string {
	if p.District == "" && p.Kind == profile.Enclave {
		return p.HomeDistrict
	}
	return p.District
}

// kindsByRole lists the kinds each self-service role may create for itself.
var kindsByRole = map[profile.Role][]profile.Kind{
	profile.RoleStartup:  {profile.Startup},
	profile.RoleMentor:   {profile.Mentor},
	profile.RoleInvestor: {profile.Investor},
	profile.RoleOperator: {profile.Carrier, profile.Enclave, profile.Provider},
}

// CanCreate reports whether u may create a profile like p. Admins may create any;
// managers any kind inside their districts; the self-service roles their own kinds.
func CanCreate(u *profile.User, p *profile.Profile) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case profile.RoleAdmin:
		return true
	case profile.RoleManager:
		return u.InDistrict(ProfileDistrict(p))
	}
	for _, k := range kindsByRole[u.Role] {
		if k == p.Kind {
			return true
		}
	}
	return false
}

// CanEdit reports whether u may change or archive p: its owner, an admin, or a
// manager whose districts include the profile's.
func CanEdit(u *profile.User, p *profile.Profile) bool {
	if u == nil {
		return false
	}
	switch {
	case u.Role == profile.RoleAdmin:
		return true
	case u.ID == p.OwnerID:
		return true
	case u.Role == profile.RoleManager:
		return u.InDistrict(ProfileDistrict(p))
	}
	return false
}

// Oversees reports whether u sees p's private details by office: an admin, or a
// manager whose districts include the profile's.
func Oversees(u *profile.User, p *profile.Profile) bool {
	if u == nil {
		return false
	}
	return u.Role == profile.RoleAdmin || (u.Role == profile.RoleManager && u.InDistrict(ProfileDistrict(p)))
}

// CanSeeContact reports whether u may see p's contact details: its owner, an admin,
// a manager of its district, or — when introduced is true — the other side of an
// accepted introduction.
func CanSeeContact(u *profile.User, p *profile.Profile, introduced bool) bool {
	if u == nil {
		return false
	}
	return u.ID == p.OwnerID || Oversees(u, p) || introduced
}

// CanSeeArchived reports whether u may read an archived profile: those who may
// edit it (to restore or audit it).
func CanSeeArchived(u *profile.User, p *profile.Profile) bool { return CanEdit(u, p) }

// CanSeeEvaluation reports whether u may see carrier c's performance
// evaluation: admins, the managers of its district, and its own operator.
func CanSeeEvaluation(u *profile.User, c *profile.Profile) bool {
	if u == nil {
		return false
	}
	return Oversees(u, c) || u.ID == c.OwnerID
}

// CanLogService reports whether u may record mentor m's session with startup
// s: the mentor's owner, an admin, or a manager of either side's district.
func CanLogService(u *profile.User, m, s *profile.Profile) bool {
	if u == nil {
		return false
	}
	return u.ID == m.OwnerID || Oversees(u, m) || Oversees(u, s)
}

// CanSeeServices reports whether u may read mentor m's service log: the
// mentor's owner, admins and every manager — a mentor serves firms of any
// district, and the log holds no contact details.
func CanSeeServices(u *profile.User, m *profile.Profile) bool {
	if u == nil {
		return false
	}
	return u.ID == m.OwnerID || u.Role == profile.RoleAdmin || u.Role == profile.RoleManager
}

// CanMerge reports whether u may merge two duplicate profiles: an admin, or a
// manager whose districts include both. Owners may not: a merge moves other
// people's introductions.
func CanMerge(u *profile.User, keep, drop *profile.Profile) bool {
	return Oversees(u, keep) && Oversees(u, drop)
}
