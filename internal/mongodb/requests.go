package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"fuhua/internal/idempotency"
)

// Idempotency keys.
//
// A request that carries an Idempotency-Key claims its record in "requests" by a
// unique _id insert (idempotency.ID of the account and the key) before it writes
// anything, so of concurrent duplicates exactly one goes on; it completes the
// record with its response afterwards. Records older than idempotency.TTL are
// ignored when read and swept now and then (no TTL index on the embedded backend).

func (s *Store) requests() *mongo.Collection { return s.db.Collection("requests") }

type requestDoc struct {
	ID          string    `bson:"_id"`
	Fingerprint string    `bson:"fp"`
	Ref         string    `bson:"ref"`
	Done        bool      `bson:"done"`
	Status      int       `bson:"status,omitempty"`
	Body        []byte    `bson:"body,omitempty"`
	Location    string    `bson:"location,omitempty"`
	ETag        string    `bson:"etag,omitempty"`
	At          time.Time `bson:"at"`
}

func (d *requestDoc) record() *idempotency.Record {
	return &idempotency.Record{ID: d.ID, Fingerprint: d.Fingerprint, Ref: d.Ref, Done: d.Done, Status: d.Status,
		Body: d.Body, Location: d.Location, ETag: d.ETag, At: d.At}
}

const requestSweepEvery = time.Hour

// ClaimRequest claims the record rec.ID for a request with rec.Fingerprint,
// giving rec a fresh Ref (the id the request's resource is to get) and its claim
// time. It returns nil when the claim is rec's, or the record that holds the key
// (finished or not, perhaps for another request). A record older than
// idempotency.TTL is removed and the key claimed afresh. ErrUnavailable if the
// database cannot answer.
func (s *Store) ClaimRequest(ctx context.Context, rec *idempotency.Record) (*idempotency.Record, error) {
	s.sweepRequests(ctx)
	rec.Ref = NewID()
	rec.Done = false
	for attempt := 0; ; attempt++ {
		rec.At = s.now()
		_, err := s.requests().InsertOne(ctx, requestDoc{ID: rec.ID, Fingerprint: rec.Fingerprint, Ref: rec.Ref, At: rec.At})
		if err == nil {
			return nil, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return nil, translate(err, "idempotency key")
		}
		var d requestDoc
		err = s.requests().FindOne(ctx, bson.D{{Key: "_id", Value: rec.ID}}).Decode(&d)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments) && attempt < 2:
			continue // released meanwhile
		case err != nil:
			return nil, translate(err, "idempotency key")
		}
		held := d.record()
		if !held.Expired(s.now()) || attempt >= 2 {
			return held, nil
		}
		_, _ = s.requests().DeleteOne(ctx, bson.D{{Key: "_id", Value: rec.ID}, {Key: "at", Value: d.At}})
	}
}

// GetRequest returns the record id; ErrNotFound if there is none (or only one
// past idempotency.TTL).
func (s *Store) GetRequest(ctx context.Context, id string) (*idempotency.Record, error) {
	var d requestDoc
	if err := s.requests().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return nil, translate(err, "idempotency key")
	}
	r := d.record()
	if r.Expired(s.now()) {
		return nil, translate(mongo.ErrNoDocuments, "idempotency key")
	}
	return r, nil
}

// CompleteRequest stores the response of the request that claimed id, to be
// repeated to every retry with the same key and body.
func (s *Store) CompleteRequest(ctx context.Context, id string, status int, body []byte, location, etag string) error {
	_, err := s.requests().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "done", Value: true}, {Key: "status", Value: status}, {Key: "body", Value: body},
		{Key: "location", Value: location}, {Key: "etag", Value: etag},
	}}})
	return translate(err, "idempotency key")
}

// ReleaseRequest frees the key of a request that failed, so it may be sent again
// (with a corrected body, too).
func (s *Store) ReleaseRequest(ctx context.Context, id string) error {
	_, err := s.requests().DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "idempotency key")
}

// sweepRequests deletes the records past idempotency.TTL, at most once per
// requestSweepEvery per process: a scan on the embedded backend, so not per
// request. A failed sweep is simply tried again next time.
func (s *Store) sweepRequests(ctx context.Context) {
	now := s.now()
	last := s.requestSweep.Load()
	if last != 0 && now.Sub(time.UnixMilli(last)) < requestSweepEvery {
		return
	}
	if !s.requestSweep.CompareAndSwap(last, now.UnixMilli()) {
		return
	}
	_, _ = s.requests().DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: now.Add(-idempotency.TTL)}}}})
}
