package main

import (
	"bytes"
	"context"
	"strings"

	"fuhua/internal/mongodb"
	"fuhua/internal/profile"
)

func splitLines(s string) []string  { return strings.Split(s, "\n") }
func splitFields(s string) []string { return strings.Fields(s) }
func trimSpace(b []byte) []byte     { return bytes.TrimSpace(b) }

func cut(s, sep string) (string, string, bool) {
	k, v, ok := strings.Cut(s, sep)
	return strings.TrimSpace(k), strings.TrimSpace(v), ok
}

// loadProfiles stores ps as `fuhua seed` does — the first named of them (the
// plan's bodies) filed for the duplicate check, the generated rest not —
// skipping startups whose credit code is taken, and returns how many it added.
func loadProfiles(ctx context.Context, st *mongodb.Store, ps []profile.Profile, named int) (int, error) {
	// Into its own empty database, as `fuhua seed` does: the servers need not
	// file the names in the background.
	if err := st.FileNames(ctx); err != nil {
		return 0, err
	}
	ptrs := make([]*profile.Profile, len(ps))
	for i := range ps {
		ptrs[i] = &ps[i]
	}
	added, err := st.CreateProfiles(ctx, ptrs[:named])
	if err != nil {
		return added, err
	}
	more, err := st.CreateProfilesUnfiled(ctx, ptrs[named:])
	return added + more, err
}
