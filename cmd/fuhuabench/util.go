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

// loadProfiles stores ps as `fuhua seed` does, skipping startups whose credit
// code is taken, and returns how many it added.
func loadProfiles(ctx context.Context, st *mongodb.Store, ps []profile.Profile) (int, error) {
	ptrs := make([]*profile.Profile, len(ps))
	for i := range ps {
		ptrs[i] = &ps[i]
	}
	return st.CreateProfiles(ctx, ptrs)
}
