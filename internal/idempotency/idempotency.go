// Package idempotency holds the rules of the Idempotency-Key header (data
// contract v2): which keys are valid, how a key names its record (per account),
// how a request is recognised as the same one again, and when a record is stale.
// It knows nothing of HTTP frameworks or of the database that keeps the records.
package idempotency

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"fuhua/internal/profile"
)

const (
	// MaxKey is the longest key accepted, in bytes.
	MaxKey = 200
	// TTL is how long a key is remembered; after it the key is free again.
	TTL = 24 * time.Hour
	// InProgressTTL is how long a claimed key whose request has not finished
	// counts as being worked on. Past it, the request that claimed it died (the
	// server was killed), and a retry carries the work on under the same
	// resource id, so what the dead one may have written is found, not doubled.
	InProgressTTL = time.Minute
)

// Record is what is kept of one key: the request it was first used for, the id
// the created resource gets, and once finished, the response to repeat.
type Record struct {
	ID          string // ID(user, key)
	Fingerprint string // Fingerprint of the first request
	Ref         string // the id the created resource gets
	Done        bool
	Status      int
	Body        []byte
	Location    string
	ETag        string
	At          time.Time // when the key was claimed
}

// Expired reports whether the record is older than TTL at now.
func (r *Record) Expired(now time.Time) bool { return now.Sub(r.At) >= TTL }

// Stalled reports whether the record's request has not finished within
// InProgressTTL: the request died.
func (r *Record) Stalled(now time.Time) bool { return r.StalledAfter(now, InProgressTTL) }

// StalledAfter reports whether the record's request has not finished within
// ttl (InProgressTTL when ttl ≤ 0): the request died.
func (r *Record) StalledAfter(now time.Time, ttl time.Duration) bool {
	if ttl <= 0 {
		ttl = InProgressTTL
	}
	return !r.Done && now.Sub(r.At) >= ttl
}

// CheckKey refuses a key that is empty, longer than MaxKey or holds anything but
// printable ASCII.
func CheckKey(key string) error {
	bad := profile.Invalid("Idempotency-Key", "invalid_idempotency_key",
		"Idempotency-Key must be 1 to 200 printable ASCII characters (a UUID is a good choice)",
		"Idempotency-Key 须为 1 到 200 个可打印 ASCII 字符（建议使用 UUID）")
	if len(key) == 0 || len(key) > MaxKey {
		return bad
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return bad
		}
	}
	return nil
}

// ID names the record of key for the account user: keys are per account, so two
// accounts that pick the same key never see each other's responses.
func ID(user, key string) string {
	// The account's length first, so no (account, key) pair spells another's.
	h := sha256.Sum256([]byte("idem:" + strconv.Itoa(len(user)) + ":" + user + ":" + key))
	return hex.EncodeToString(h[:])
}

// Fingerprint identifies a request: its method, route and body, byte for byte.
func Fingerprint(method, route string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + "\x00" + route + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
