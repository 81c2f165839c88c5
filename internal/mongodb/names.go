package mongodb

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/profile"
)

// Name keys: the lookup behind the duplicate warning (profile/dup.go). Every
// checked profile is filed in "name_keys" under each variant of its name key
// (the key, and the key with one character left out), one document per
// kind, district and variant: _id "<kind>|<district>|<variant>", ids [profile
// ids]. A new name is checked by reading its own variants by _id — a dozen
// lookups, none a scan, whatever the number of profiles — and each profile
// found is read back and compared by the rule, so a stale entry (a renamed or
// archived profile) is skipped, never shown.
//
// The $addToSet of a filing is not atomic on the embedded backend: two
// profiles filed under one variant at the same instant may lose one id. That
// costs at most one warning (the warning is advice; the credit code, which is
// a rule, is kept unique by the keys collection).

func (s *Store) nameKeys() *mongo.Collection { return s.db.Collection("name_keys") }

func nameKeyIDs(p *profile.Profile) []string {
	if !profile.DupChecked(p.Kind) {
		return nil
	}
	key := profile.NameKey(p.Name)
	if key == "" {
		return nil
	}
	prefix := string(p.Kind) + "|" + profile.DupScope(p) + "|"
	vs := profile.NameVariants(key)
	for i := range vs {
		vs[i] = prefix + vs[i]
	}
	return vs
}

// fileName files p under its name variants. Best effort: a failure costs a
// warning later, never the write it follows.
func (s *Store) fileName(ctx context.Context, p *profile.Profile) {
	ctx = context.WithoutCancel(ctx)
	for _, id := range nameKeyIDs(p) {
		f := bson.D{{Key: "_id", Value: id}}
		u := bson.D{{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: p.ID}}}}
		_, err := s.nameKeys().UpdateOne(ctx, f, u, options.UpdateOne().SetUpsert(true))
		if mongo.IsDuplicateKeyError(err) { // a concurrent upsert created it first
			_, _ = s.nameKeys().UpdateOne(ctx, f, u)
		}
	}
}

// FileNames files every live checked profile under its name variants: the
// backfill for a database written before the duplicate check, run once
// (a marker in counters records it). ErrUnavailable if the database fails.
func (s *Store) FileNames(ctx context.Context) error {
	const marker = "name_keys_filed_v1"
	err := s.counters.FindOne(ctx, bson.D{{Key: "_id", Value: marker}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return translate(err, "name keys")
	}
	err = s.each(ctx, bson.D{{Key: "archived", Value: false}}, func(p *profile.Profile) error {
		s.fileName(ctx, p)
		return nil
	})
	if err != nil {
		return err
	}
	_, err = s.counters.InsertOne(ctx, bson.D{{Key: "_id", Value: marker}, {Key: "at", Value: s.now()}})
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return translate(err, "name keys")
}

// SimilarProfiles returns the live profiles of p's kind and district whose name
// is nearly the same as p's (profile.NearlySame), p itself left out, by id.
// ErrUnavailable if the database fails.
func (s *Store) SimilarProfiles(ctx context.Context, p *profile.Profile) ([]*profile.Profile, error) {
	var ids []string
	for _, key := range nameKeyIDs(p) {
		var doc struct {
			IDs []string `bson:"ids"`
		}
		err := s.nameKeys().FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, translate(err, "name keys")
		}
		for _, id := range doc.IDs {
			if id != p.ID && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	var out []*profile.Profile
	for _, id := range ids {
		o, err := s.GetProfile(ctx, id)
		if errors.Is(err, profile.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !o.Archived && o.Kind == p.Kind && profile.DupScope(o) == profile.DupScope(p) && profile.NearlySame(o.Name, p.Name) {
			out = append(out, o)
		}
	}
	return out, nil
}
