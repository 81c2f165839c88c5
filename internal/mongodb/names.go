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

func nameKeyIDs(p *profile.Profile) []string { return profile.NameFiling(p) }

// sameFiling reports whether an edit of stored into p leaves its filing as it
// is: both live, under the same variants (the name and its scope unchanged).
// Such an edit files nothing. What is stored was filed when its name was
// written (a create, an import, a rename, the backfill) or, for generated
// demo data, deliberately not (CreateProfilesUnfiled); either way a change of
// tags or contact is no reason to file it now. Without this every such edit
// cost about eight upserts, the most of a PATCH's database time.
func sameFiling(stored, p *profile.Profile) bool {
	return stored != nil && !stored.Archived && !p.Archived && slices.Equal(nameKeyIDs(stored), nameKeyIDs(p))
}

// fileNames files profiles under their name variants (a create or rename
// files one, a bulk load, an import or the backfill many): every
// variant of the batch in one unordered InsertMany of documents holding all
// the batch's ids under it, and one $addToSet only for each variant already
// filed (a new firm's name shares few). Best effort: a failure costs a
// warning later, never the write it follows. An edit that leaves the name
// alone does not call it (sameFiling).
//
// Why: one upsert per variant is about eight updates per profile, each a query
// and a rewrite on the embedded database (≈ 1.5 ms): a dozen milliseconds on
// every create and rename of a checked kind, ≈ 20 minutes for 100k profiles. In bulk it is ≈ 4,000 small inserts per 500 profiles, ≈ 0.8 s —
// still several times the profiles' own insert (measured, 20k demo
// profiles: 575 profiles/s filed against ≈ 2,900/s unfiled).
func (s *Store) fileNames(ctx context.Context, ps []*profile.Profile) {
	ctx = context.WithoutCancel(ctx)
	byKey := map[string][]string{}
	var keys []string
	for _, p := range ps {
		if p.ID == "" || p.Archived {
			continue
		}
		for _, k := range nameKeyIDs(p) {
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			if !slices.Contains(byKey[k], p.ID) {
				byKey[k] = append(byKey[k], p.ID)
			}
		}
	}
	if len(keys) == 0 {
		return
	}
	docs := make([]any, len(keys))
	for i, k := range keys {
		docs[i] = bson.D{{Key: "_id", Value: k}, {Key: "ids", Value: byKey[k]}}
	}
	failed, err := insertMany(ctx, s.nameKeys(), docs)
	for i, k := range keys {
		if err == nil && !failed[i] {
			continue
		}
		_, _ = s.nameKeys().UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: bson.D{{Key: "$each", Value: byKey[k]}}}}}}, options.UpdateOne().SetUpsert(true))
	}
}

// FileProfileNames files stored profiles for the duplicate check in bulk, as
// fileNames does: for a writer that stored many with CreateProfilesUnfiled (an
// import files each chunk while the next is stored). Best effort: a failure
// costs warnings later, never a write.
func (s *Store) FileProfileNames(ctx context.Context, ps []*profile.Profile) { s.fileNames(ctx, ps) }

// namesFiled marks in counters that every stored profile is filed.
const namesFiled = "name_keys_filed_v1"

// FileNames files every live checked profile under its name variants: the
// backfill for a database written before the duplicate check, run once
// (a marker in counters records it), 500 profiles at a time. On an empty
// database it only sets the marker: what is written from then on is filed as
// it is written. ErrUnavailable if the database fails.
func (s *Store) FileNames(ctx context.Context) error {
	err := s.counters.FindOne(ctx, bson.D{{Key: "_id", Value: namesFiled}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return translate(err, "name keys")
	}
	var batch []*profile.Profile
	err = s.each(ctx, bson.D{{Key: "archived", Value: false}}, func(p *profile.Profile) error {
		batch = append(batch, p)
		if len(batch) == 500 {
			s.fileNames(ctx, batch)
			batch = batch[:0:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.fileNames(ctx, batch)
	_, err = s.counters.InsertOne(ctx, bson.D{{Key: "_id", Value: namesFiled}, {Key: "at", Value: s.now()}})
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
