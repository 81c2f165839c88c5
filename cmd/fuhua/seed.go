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
	// Into an empty database: mark its names filed first, so the server does not
	// file in the background (about eight updates per profile) what is loaded
	// here: the named bodies are filed as they are written.
	if has, err := st.HasProfiles(ctx); err == nil && !has {
		if err := st.FileNames(ctx); err != nil {
			return 0, err
		}
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
	// ~160 profiles/s at 100k, BENCHMARKS.md). The plan's named bodies are real
	// and filed for the duplicate check; the generated ones are not
	// (CreateProfilesUnfiled).
	added, err := st.CreateProfiles(ctx, ps[:len(named)])
	if err != nil {
		return added, err
	}
	more, err := st.CreateProfilesUnfiled(ctx, ps[len(named):])
	return added + more, err
}
