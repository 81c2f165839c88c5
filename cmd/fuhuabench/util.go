package main

import (
	"bytes"
	"context"
	"errors"
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

// loadProfiles stores ps as `fuhua seed` does, skipping startups whose credit
// code is taken, and returns how many it added.
func loadProfiles(ctx context.Context, st *mongodb.Store, ps []profile.Profile) (int, error) {
	added := 0
	for i := range ps {
		if err := st.CreateProfile(ctx, &ps[i]); err != nil {
			if errors.Is(err, profile.ErrConflict) {
				ps[i].ID = ""
				continue
			}
			return added, err
		}
		added++
	}
	return added, nil
}
