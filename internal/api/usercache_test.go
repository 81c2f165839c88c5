package api

import (
	"context"
	"testing"
	"time"

	"fuhua/internal/profile"
)

// TestUserCacheBoundsStaleness: within the TTL a second read is served from the
// cache; after it, or after forget, the account is read again, so a revocation
// made elsewhere is seen within the TTL and one made here at once.
func TestUserCacheBoundsStaleness(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := newUserCache(2*time.Second, func() time.Time { return now })
	stored := profile.User{ID: "u1", TokenVersion: 1}
	reads := 0
	load := func(context.Context, string) (*profile.User, error) {
		reads++
		u := stored
		return &u, nil
	}
	get := func() *profile.User {
		u, err := c.get(context.Background(), "u1", load)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	get().Name = "changed by a caller" // a copy: must not reach the cache
	stored.TokenVersion = 2            // revoked by another replica
	now = now.Add(1900 * time.Millisecond)
	if u := get(); u.TokenVersion != 1 || u.Name != "" || reads != 1 {
		t.Fatalf("within the TTL: version %d name %q reads %d", u.TokenVersion, u.Name, reads)
	}
	now = now.Add(200 * time.Millisecond)
	if u := get(); u.TokenVersion != 2 || reads != 2 {
		t.Fatalf("after the TTL: version %d reads %d, want the new version", u.TokenVersion, reads)
	}
	stored.TokenVersion = 3
	c.forget("u1")
	if u := get(); u.TokenVersion != 3 || reads != 3 {
		t.Fatalf("after forget: version %d reads %d", u.TokenVersion, reads)
	}
	off := newUserCache(-1, func() time.Time { return now })
	for range 2 {
		if _, err := off.get(context.Background(), "u1", load); err != nil {
			t.Fatal(err)
		}
	}
	if reads != 5 {
		t.Fatalf("a negative TTL must read every time: %d reads", reads)
	}
}
