// Package auth holds accounts' security: password hashing, signed tokens, and the
// rules of who may see and change what. It does no I/O and knows nothing of HTTP.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"fuhua/internal/profile"
)

// Argon2id parameters (OWASP's minimum: 19 MiB, 2 passes, 1 lane). They are stored
// with each hash, so raising them later keeps old hashes verifiable.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Password limits, in bytes of UTF-8.
const (
	MinPassword = 10
	MaxPassword = 256
)

// Hasher hashes and checks passwords, at most a fixed number at a time: each hash
// takes 19 MiB and tens of milliseconds, so unbounded concurrency would let a burst
// of logins exhaust memory.
type Hasher struct {
	slots chan struct{}
	// dummy is a real hash of a random password, checked when an account does not
	// exist so that the response takes as long as for one that does.
	dummy string
}

// NewHasher allows n hashes at once.
func NewHasher(n int) *Hasher {
	if n < 1 {
		n = 1
	}
	h := &Hasher{slots: make(chan struct{}, n)}
	var pw [24]byte
	_, _ = rand.Read(pw[:])
	h.dummy = encode(pw[:])
	return h
}

func encode(password []byte) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	key := argon2.IDKey(password, salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: password check queue: %v", profile.ErrUnavailable, ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

// CheckPolicy returns an ErrInvalid error naming field "password" if pw is too
// short or too long.
func CheckPolicy(pw string) error {
	if len(pw) < MinPassword {
		return profile.Invalid("password", "weak_password",
			fmt.Sprintf("password must have at least %d characters", MinPassword), fmt.Sprintf("密码至少需要 %d 个字符", MinPassword))
	}
	if len(pw) > MaxPassword {
		return profile.Invalid("password", "too_long",
			fmt.Sprintf("password may have at most %d bytes", MaxPassword), fmt.Sprintf("密码最多 %d 字节", MaxPassword))
	}
	return nil
}

// Hash returns the encoded argon2id hash of pw.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return encode([]byte(pw)), nil
}

// Verify reports whether pw matches encoded. An empty encoded (no such account)
// checks against a dummy hash and returns false, taking the same time.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if encoded == "" {
		verify(pw, h.dummy)
		return false, nil
	}
	return verify(pw, encoded), nil
}

func verify(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || mem > 1<<20 || t == 0 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, mem, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
