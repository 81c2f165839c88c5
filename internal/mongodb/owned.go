package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// MaxOwned bounds the profiles ProfilesOwnedBy returns.
const MaxOwned = 200

// ProfilesOwnedBy returns the account's live profiles of every kind (at most
// MaxOwned), oldest first: the profiles it may ask from. One query (the
// embedded backend scans the profiles for it).
func (s *Store) ProfilesOwnedBy(ctx context.Context, owner string) ([]profile.Profile, error) {
	cur, err := s.profiles.Find(ctx, bson.D{{Key: "owner_id", Value: owner}, {Key: "archived", Value: false}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(MaxOwned))
	if err != nil {
		return nil, translate(err, "profiles")
	}
	out := []profile.Profile{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "profiles")
	}
	return out, nil
}

// IntrosOfProfile returns every introduction with profile id on either side,
// newest first (the embedded backend scans the introductions for it). A pending
// one past its time is returned as expired.
func (s *Store) IntrosOfProfile(ctx context.Context, id string) ([]intro.Introduction, error) {
	cur, err := s.intros().Find(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "from.id", Value: id}}, bson.D{{Key: "to.id", Value: id}}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}))
	if err != nil {
		return nil, translate(err, "introductions")
	}
	out := []intro.Introduction{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "introductions")
	}
	now := s.now()
	for i := range out {
		if out[i].Due(now) {
			out[i].State = intro.Expired
		}
	}
	return out, nil
}
