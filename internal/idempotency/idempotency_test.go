package idempotency

import (
	"strings"
	"testing"
	"time"
)

func TestCheckKey(t *testing.T) {
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"a", true}, {"5f0c3a1e-7b7e-4c1a-9d2e-1f6f8b2e7c11", true}, {strings.Repeat("k", 200), true}, {"with space ~!", true},
		{"", false}, {strings.Repeat("k", 201), false}, {"tab\there", false}, {"nul\x00", false}, {"中文", false}, {"\x7f", false},
	} {
		if err := CheckKey(tc.key); (err == nil) != tc.ok {
			t.Errorf("CheckKey(%q) = %v, want ok=%v", tc.key, err, tc.ok)
		}
	}
}

func TestIDAndFingerprint(t *testing.T) {
	if ID("u1", "k") == ID("u2", "k") || ID("u1", "k") != ID("u1", "k") || ID("u1", "k\x00") == ID("u1\x00k", "") {
		t.Error("ID does not separate accounts and keys")
	}
	a := Fingerprint("POST", "/api/v1/startups", []byte(`{"name":"a"}`))
	if a != Fingerprint("POST", "/api/v1/startups", []byte(`{"name":"a"}`)) ||
		a == Fingerprint("POST", "/api/v1/startups", []byte(`{"name":"b"}`)) ||
		a == Fingerprint("POST", "/api/v1/mentors", []byte(`{"name":"a"}`)) {
		t.Error("Fingerprint does not tell requests apart")
	}
}

func TestStaleness(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &Record{At: at}
	if r.Stalled(at.Add(InProgressTTL-time.Second)) || !r.Stalled(at.Add(InProgressTTL)) {
		t.Error("Stalled")
	}
	r.Done = true
	if r.Stalled(at.Add(time.Hour)) || r.Expired(at.Add(TTL-time.Second)) || !r.Expired(at.Add(TTL)) {
		t.Error("Done or Expired")
	}
}

func TestStalledAfter(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		age  time.Duration
		ttl  time.Duration
		done bool
		want bool
	}{
		{age: 2 * time.Second, ttl: 3 * time.Second, want: false},
		{age: 3 * time.Second, ttl: 3 * time.Second, want: true},
		{age: time.Hour, ttl: 3 * time.Second, done: true, want: false},
		{age: 30 * time.Second, ttl: 0, want: false}, // 0 is InProgressTTL (a minute)
		{age: InProgressTTL, ttl: 0, want: true},
	} {
		r := Record{At: at, Done: tc.done}
		if got := r.StalledAfter(at.Add(tc.age), tc.ttl); got != tc.want {
			t.Errorf("age %v ttl %v done %v: stalled %v, want %v", tc.age, tc.ttl, tc.done, got, tc.want)
		}
	}
}
