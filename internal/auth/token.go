package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"fuhua/internal/profile"
)

// Token issuer and audience; a token minted for anything else is refused.
const (
	Issuer   = "fuhua"
	Audience = "fuhua-api"
)

// MinSecret is the shortest signing secret accepted, in bytes.
const MinSecret = 32

// Claims is what a token says about its bearer.
type Claims struct {
	Role profile.Role `json:"role"`
	// TV is the account's token version when the token was issued: raising the
	// version on the account (password or role change, "sign out everywhere")
	// revokes every older token.
	TV int64 `json:"tv"`
	jwt.RegisteredClaims
}

// Tokens issues and checks HS256 tokens.
type Tokens struct {
	secret   []byte
	lifetime time.Duration
	now      func() time.Time
	parser   *jwt.Parser
}

// NewTokens makes a token service; secret must have at least MinSecret bytes.
func NewTokens(secret []byte, lifetime time.Duration) (*Tokens, error) {
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("token secret has %d bytes; at least %d are required", len(secret), MinSecret)
	}
	t := &Tokens{secret: secret, lifetime: lifetime, now: time.Now}
	t.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithLeeway(30*time.Second),
		jwt.WithTimeFunc(func() time.Time { return t.now() }),
	)
	return t, nil
}

// SetClock replaces the clock (tests).
func (t *Tokens) SetClock(now func() time.Time) { t.now = now }

// Issue mints a token for u and returns it with its expiry.
func (t *Tokens) Issue(u *profile.User) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.lifetime)
	c := Claims{
		Role: u.Role,
		TV:   u.TokenVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   u.ID,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        newSessionID(),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: sign token: %v", profile.ErrInternal, err)
	}
	return s, exp, nil
}

// newSessionID is a token's own id (jti): the session that signing out ends.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MaxTokenLen bounds the token text parsed at all.
const MaxTokenLen = 4096

// Parse checks a token's signature, algorithm, issuer, audience and times and
// returns its claims. Every failure is ErrUnauthenticated.
func (t *Tokens) Parse(raw string) (*Claims, error) {
	if len(raw) > MaxTokenLen {
		return nil, unauthenticated("token too long")
	}
	var c Claims
	_, err := t.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil })
	if err != nil {
		reason := "invalid token"
		if errors.Is(err, jwt.ErrTokenExpired) {
			reason = "token expired"
		}
		return nil, unauthenticated(reason)
	}
	if c.Subject == "" {
		return nil, unauthenticated("token has no subject")
	}
	return &c, nil
}

func unauthenticated(reason string) error {
	return &profile.Error{Kind: profile.ErrUnauthenticated, Code: "unauthenticated",
		EN: reason + "; sign in again", ZH: "登录凭证无效或已过期，请重新登录"}
}
