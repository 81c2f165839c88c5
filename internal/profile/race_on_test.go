//go:build race

package profile_test

// raceOn reports whether the tests run under the race detector (about 10x slower
// here), so the long comparisons can take a smaller sample.
const raceOn = true
