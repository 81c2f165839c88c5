package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/intro"
	"fuhua/internal/mentor"
)

// Records for the managers' operations: what the carrier evaluation reads
// beyond the profiles, and the mentor pool's service log ("mentor_services",
// one immutable document per session).

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

func (s *Store) services() *mongo.Collection { return s.db.Collection("mentor_services") }

// AddService logs one mentor session under a fresh id. Sessions are written
// once and never changed. It returns ErrUnavailable or ErrInternal.
func (s *Store) AddService(ctx context.Context, sv *mentor.Service) error {
	sv.ID = NewID()
	_, err := s.services().InsertOne(ctx, sv)
	return translate(err, "mentor service")
}

// ServicesOf returns one mentor's logged sessions, oldest first. The embedded
// backend scans the collection for this.
func (s *Store) ServicesOf(ctx context.Context, mentorID string) ([]mentor.Service, error) {
	return s.findServices(ctx, bson.D{{Key: "mentor", Value: mentorID}})
}

// ServicesIn returns every logged session dated in year, oldest first.
func (s *Store) ServicesIn(ctx context.Context, year int) ([]mentor.Service, error) {
	return s.findServices(ctx, bson.D{{Key: "date", Value: bson.D{
		{Key: "$gte", Value: fmt.Sprintf("%04d-01-01", year)}, {Key: "$lte", Value: fmt.Sprintf("%04d-12-31", year)}}}})
}

func (s *Store) findServices(ctx context.Context, f bson.D) ([]mentor.Service, error) {
	cur, err := s.services().Find(ctx, f, options.Find().SetSort(bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "mentor services")
	}
	out := []mentor.Service{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "mentor services")
	}
	return out, nil
}
