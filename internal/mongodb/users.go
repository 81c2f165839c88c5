package mongodb

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"fuhua/internal/profile"
)

func emailKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }

// CreateUser stores a new account with a fresh id. ErrConflict (field email) if the
// e-mail is taken.
func (s *Store) CreateUser(ctx context.Context, u *profile.User) error {
	if u.ID == "" {
		u.ID = NewID()
	}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	u.CreatedAt = s.now()
	u.UpdatedAt = u.CreatedAt
	if u.Districts == nil {
		u.Districts = []string{}
	}
	if err := s.claimKey(ctx, emailKey(u.Email), u.ID); err != nil {
		if e, ok := profile.AsError(err); ok {
			return e
		}
		e := profile.Conflict("email_taken", "an account with this e-mail already exists", "该邮箱已注册")
		e.Field = "email"
		return e
	}
	if _, err := s.users.InsertOne(ctx, u); err != nil {
		s.releaseKey(context.WithoutCancel(ctx), emailKey(u.Email), u.ID)
		return translate(err, "user")
	}
	return nil
}

// UserByID returns the account with id. ErrNotFound if none.
func (s *Store) UserByID(ctx context.Context, id string) (*profile.User, error) {
	if !ValidID(id) {
		return nil, profile.NotFound("user")
	}
	var u profile.User
	if err := s.users.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&u); err != nil {
		return nil, translate(err, "user")
	}
	return &u, nil
}

// UserByEmail returns the account with the e-mail, looked up through its key by _id.
// ErrNotFound if none, ErrUnavailable if the database cannot answer.
func (s *Store) UserByEmail(ctx context.Context, email string) (*profile.User, error) {
	id, err := s.lookupKey(ctx, emailKey(email))
	if errors.Is(err, profile.ErrNotFound) {
		return nil, profile.NotFound("user")
	}
	if err != nil {
		// A database that fails is not an unknown e-mail: sign-in must answer 503,
		// not "wrong password".
		return nil, err
	}
	return s.UserByID(ctx, id)
}

// UpdateUser saves an account's name, role, districts, password hash and token
// version. ErrNotFound if it is gone.
func (s *Store) UpdateUser(ctx context.Context, u *profile.User) error {
	u.UpdatedAt = s.now()
	if u.Districts == nil {
		u.Districts = []string{}
	}
	res, err := s.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "name", Value: u.Name},
		{Key: "role", Value: string(u.Role)},
		{Key: "districts", Value: u.Districts},
		{Key: "password_hash", Value: u.PasswordHash},
		{Key: "token_version", Value: u.TokenVersion},
		{Key: "updated_at", Value: u.UpdatedAt},
	}}})
	if err != nil {
		return translate(err, "user")
	}
	if res.MatchedCount == 0 {
		return profile.NotFound("user")
	}
	return nil
}

func revokedKey(sid string) string { return "session-revoked:" + sid }

// RevokeSession ends one session (a token's id) on every replica: a key by _id
// that SessionRevoked finds. until is when the token would have expired anyway,
// kept so the record can be recognised as dead weight afterwards. Revoking twice
// is harmless.
func (s *Store) RevokeSession(ctx context.Context, sid string, until time.Time) error {
	if sid == "" {
		return nil
	}
	_, err := s.keys.InsertOne(ctx, bson.D{{Key: "_id", Value: revokedKey(sid)}, {Key: "ref", Value: sid}, {Key: "at", Value: until}})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return translate(err, "session")
}

// SessionRevoked reports whether the session sid was ended by RevokeSession: one
// lookup by _id. ErrUnavailable if the database cannot answer.
func (s *Store) SessionRevoked(ctx context.Context, sid string) (bool, error) {
	if sid == "" {
		return false, nil
	}
	err := s.keys.FindOne(ctx, bson.D{{Key: "_id", Value: revokedKey(sid)}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "session")
	}
	return true, nil
}
