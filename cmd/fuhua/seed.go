package main

import (
	"context"
	"errors"

	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// seedOwnerEmail owns the demo data: an account without a password, so nobody can
// sign in as it; admins and the districts' managers edit the data by office.
const seedOwnerEmail = "seed@fuhua.invalid"

// loadSeed stores the bodies the plan names and n generated demo profiles. Startups
// with a credit code already stored are skipped, so running it twice does not
// duplicate them. It returns how many profiles it added.
func loadSeed(ctx context.Context, st *mongodb.Store, n int) (int, error) {
	owner, err := st.UserByEmail(ctx, seedOwnerEmail)
	if errors.Is(err, profile.ErrNotFound) {
		owner = &profile.User{Email: seedOwnerEmail, Name: "示例数据", Role: profile.RoleAdmin}
		err = st.CreateUser(ctx, owner)
	}
	if err != nil {
		return 0, err
	}
	cat := seed.Catalog()
	named := seed.Named()
	all := append(named, seed.Demo(n)...)
	// Carriers first, so startups can point at them by carrier_id.
	ps := make([]*profile.Profile, len(all))
	for i := range all {
		p := &all[i]
		p.OwnerID = owner.ID
		p.Normalize()
		if err := p.Validate(cat); err != nil {
			return 0, err
		}
		ps[i] = p
	}
	// In bulk: 500 profiles per round of inserts (the per-profile path ran at
	// ~160 profiles/s at 100k, BENCHMARKS.md).
	return st.CreateSeed(ctx, ps[:len(named)], ps[len(named):])
}
