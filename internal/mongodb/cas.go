package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/internal/profile"
)

// Compare-and-set on FerretDB.
//
// The embedded backend runs an update as "find the matching documents, then write
// each by _id", without holding anything in between, so two writers that both
// filter on {_id, version: 3} can both match and both write: the second silently
// overwrites the first. (Measured: 2 of 20 concurrent PATCHes of one version won.)
// MongoDB itself does not have this problem, but fuhua must be right on both.
//
// What every backend does make atomic is a unique _id on insert. So a writer first
// claims the transition it wants to make — "document X goes to version N+1" — by
// inserting a key with that _id. Exactly one writer can claim it; the others get a
// duplicate-key error and are told the version is stale. The winner then writes
// the document (still filtered on the old version, which keeps MongoDB's own
// guarantee too) and drops the claim of the transition before, so at most one
// claim per document is kept.
//
// A writer that dies between claim and write would leave the document stuck at
// version N with N+1 claimed. A claim older than staleClaim whose document is still
// at N is therefore taken over by the next writer.

const staleClaim = 30 * time.Second

func transitionKey(scope, id string, next int64) string {
	return fmt.Sprintf("v:%s:%s:%d", scope, id, next)
}

// ClaimTransition claims the move of document id (in scope, e.g. a collection name)
// from version next-1 to next. current reports the document's version now; it is
// consulted only to take over a stale claim. On success it returns a done func to
// call with whether the write succeeded. A transition already claimed gives an
// error of kind ErrPrecondition.
func (s *Store) ClaimTransition(ctx context.Context, scope, id string, next int64,
	current func(context.Context) (int64, error)) (done func(ok bool), err error) {
	key := transitionKey(scope, id, next)
	claim := func() error {
		_, err := s.keys.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "ref", Value: id}, {Key: "at", Value: s.now()}})
		return translate(err, "transition")
	}
	err = claim()
	if errors.Is(err, profile.ErrConflict) {
		if s.takeOverStale(ctx, key, next, current) {
			err = claim()
		}
	}
	if errors.Is(err, profile.ErrConflict) {
		return nil, &profile.Error{Kind: profile.ErrPrecondition, Code: "version_mismatch", Field: "version",
			EN: "someone else changed this at the same moment; reload and try again",
			ZH: "他人刚刚同时修改了此内容，请刷新后重试"}
	}
	if err != nil {
		return nil, err
	}
	// The key of a version is deleted once the next one is written, so a writer
	// that read an old version could claim that key again and overwrite a newer
	// document (seen: an introduction accepted by both went back to version 2).
	// Holding key(next), nobody else can move the document past next-1: it is
	// still there now, or this writer is too late.
	if v, err := current(ctx); err != nil || v != next-1 {
		_, _ = s.keys.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: key}})
		if err != nil {
			return nil, err
		}
		return nil, &profile.Error{Kind: profile.ErrPrecondition, Code: "version_mismatch", Field: "version",
			EN: "someone else changed this at the same moment; reload and try again",
			ZH: "他人刚刚同时修改了此内容，请刷新后重试"}
	}
	return func(ok bool) {
		bg := context.WithoutCancel(ctx)
		if ok {
			_, _ = s.keys.DeleteOne(bg, bson.D{{Key: "_id", Value: transitionKey(scope, id, next-1)}})
			return
		}
		_, _ = s.keys.DeleteOne(bg, bson.D{{Key: "_id", Value: key}})
	}, nil
}

// takeOverStale removes the claim key if it is older than staleClaim and the
// document never moved past it; it reports whether it did.
func (s *Store) takeOverStale(ctx context.Context, key string, next int64, current func(context.Context) (int64, error)) bool {
	var doc struct {
		At time.Time `bson:"at"`
	}
	if err := s.keys.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc); err != nil {
		return false
	}
	if s.now().Sub(doc.At) < staleClaim {
		return false
	}
	v, err := current(ctx)
	if err != nil || v != next-1 {
		return false
	}
	res, err := s.keys.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "at", Value: doc.At}})
	return err == nil && res.DeletedCount == 1
}
