package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"fuhua/internal/intro"
)

// Records for the managers' operations: what the carrier evaluation reads
// beyond the profiles.

// AcceptedIntros returns every accepted introduction with its outcomes, the
// evidence of financing, coaching and landing the carrier evaluation counts.
// The embedded backend scans the collection for this.
func (s *Store) AcceptedIntros(ctx context.Context) ([]intro.Introduction, error) {
	cur, err := s.intros().Find(ctx, bson.D{{Key: "state", Value: string(intro.Accepted)}})
	if err != nil {
		return nil, translate(err, "introductions")
	}
	out := []intro.Introduction{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "introductions")
	}
	return out, nil
}
