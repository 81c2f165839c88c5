package auth

import (
	"context"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := NewHasher(1)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("encoding %q does not carry the parameters", enc)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterY": false, "": false} {
		if got, _ := h.Verify(ctx, pw, enc); got != want {
			t.Errorf("Verify(%q) = %v", pw, got)
		}
	}
	again, _ := h.Hash(ctx, "correct horse battery")
	if again == enc {
		t.Error("two hashes of one password are equal: no salt")
	}
	// Unknown accounts check against the dummy hash and never pass.
	if ok, _ := h.Verify(ctx, "correct horse battery", ""); ok {
		t.Error("an empty hash verified")
	}
	for _, bad := range []string{"$argon2id$v=19$m=0,t=2,p=1$AAAA$AAAA", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA", strings.Replace(enc, "t=2", "t=3", 1)} {
		if ok, _ := h.Verify(ctx, "correct horse battery", bad); ok {
			t.Errorf("tampered encoding %q verified", bad)
		}
	}
}

func TestHasherHonoursCancel(t *testing.T) {
	h := NewHasher(1)
	h.slots <- struct{}{} // the one slot is busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "x"); err == nil {
		t.Fatal("a hash ran with no free slot and a cancelled context")
	}
}

func TestPasswordPolicy(t *testing.T) {
	if CheckPolicy("short") == nil || CheckPolicy(strings.Repeat("x", 257)) == nil || CheckPolicy("long enough pw") != nil {
		t.Fatal("password policy")
	}
}
