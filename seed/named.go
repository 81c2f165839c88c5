package seed

import "fuhua/internal/profile"

// Named returns the carriers, parks and enclaves the plan names, with their real
// names. What the plan does not say (level, area, seats, services, some districts)
// is illustrative and each summary says so ("示例数据"). ID and OwnerID are empty:
// the loader sets them.
func Named() []profile.Profile {
	var ps []profile.Profile
	load("named.json", &ps)
	return ps
}
