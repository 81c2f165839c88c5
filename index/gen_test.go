package index

import (
	"fuhua/index/indextest"
	"fuhua/internal/profile"
)

// genProfiles makes n deterministic profiles of every kind; see
// indextest.Profiles. Used by property tests (small n) and benchmarks (10k,
// 100k).
func genProfiles(n int, seed uint64) []*profile.Profile { return indextest.Profiles(n, seed) }
