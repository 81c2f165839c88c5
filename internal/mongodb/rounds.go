package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
	"fuhua/internal/rounds"
)

// Brokered rounds.
//
// A round is one document in "rounds" (what was asked, the facts of every
// startup and counterpart, totals, publishing outcomes) and its pairs in
// "round_pairs", chunkSize pairs per document with _id "<round>:<version>:<n>":
// a round of 5,000 startups with their reasons is more than one document may
// hold. Every change is a compare-and-set through ClaimTransition, as for
// profiles and introductions: the new version's chunks are written first, then
// the round, then the old version's chunks are dropped, so a reader always finds
// the chunks of the version it read. Everything is read by _id.

const (
	roundScope = "rounds"
	chunkSize  = 500
)

func (s *Store) rounds() *mongo.Collection     { return s.db.Collection("rounds") }
func (s *Store) roundPairs() *mongo.Collection { return s.db.Collection("round_pairs") }

func chunkID(round string, version int64, n int) string {
	return fmt.Sprintf("%s:%d:%d", round, version, n)
}

type pairChunk struct {
	ID    string        `bson:"_id"`
	Pairs []rounds.Pair `bson:"pairs"`
}

// writeChunks stores r.Pairs as the chunks of version v and sets r.Chunks. A
// chunk left by a writer that died is replaced.
func (s *Store) writeChunks(ctx context.Context, r *rounds.Round, v int64) error {
	n := 0
	for i := 0; ; i += chunkSize {
		part := append([]rounds.Pair{}, r.Pairs[min(i, len(r.Pairs)):min(i+chunkSize, len(r.Pairs))]...)
		_, err := s.roundPairs().ReplaceOne(ctx, bson.D{{Key: "_id", Value: chunkID(r.ID, v, n)}},
			pairChunk{ID: chunkID(r.ID, v, n), Pairs: part}, options.Replace().SetUpsert(true))
		if err != nil {
			return translate(err, "round pairs")
		}
		n++
		if i+chunkSize >= len(r.Pairs) {
			break
		}
	}
	r.Chunks = n
	return nil
}

func (s *Store) dropChunks(ctx context.Context, id string, v int64, n int) {
	for i := range n {
		_, _ = s.roundPairs().DeleteOne(ctx, bson.D{{Key: "_id", Value: chunkID(id, v, i)}})
	}
}

// CreateRound stores a new round with a fresh id and version 1.
func (s *Store) CreateRound(ctx context.Context, r *rounds.Round) error {
	r.ID = NewID()
	r.Version = 1
	r.CreatedAt = s.now()
	r.UpdatedAt = r.CreatedAt
	if err := s.writeChunks(ctx, r, 1); err != nil {
		return err
	}
	if _, err := s.rounds().InsertOne(ctx, r); err != nil {
		s.dropChunks(context.WithoutCancel(ctx), r.ID, 1, r.Chunks)
		return translate(err, "round")
	}
	return nil
}

func (s *Store) getRoundDoc(ctx context.Context, id string) (*rounds.Round, error) {
	if !ValidID(id) {
		return nil, profile.NotFound("round")
	}
	var r rounds.Round
	if err := s.rounds().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		return nil, translate(err, "round")
	}
	return &r, nil
}

// GetRound returns the round with id and its pairs. ErrNotFound if none.
func (s *Store) GetRound(ctx context.Context, id string) (*rounds.Round, error) {
	r, err := s.getRoundDoc(ctx, id)
	if err != nil {
		return nil, err
	}
	r.Pairs = []rounds.Pair{}
	for n := range r.Chunks {
		var c pairChunk
		err := s.roundPairs().FindOne(ctx, bson.D{{Key: "_id", Value: chunkID(r.ID, r.Version, n)}}).Decode(&c)
		if errors.Is(err, mongo.ErrNoDocuments) {
			// Replaced between the two reads: read the newer version whole.
			return s.GetRound(ctx, id)
		}
		if err != nil {
			return nil, translate(err, "round pairs")
		}
		r.Pairs = append(r.Pairs, c.Pairs...)
	}
	return r, nil
}

// SaveRound writes next, a changed copy of the round stored at version expect,
// as version expect+1. ErrPrecondition if someone else moved it first.
func (s *Store) SaveRound(ctx context.Context, next *rounds.Round, expect int64) error {
	if !ValidID(next.ID) {
		return profile.NotFound("round")
	}
	done, err := s.ClaimTransition(ctx, roundScope, next.ID, expect+1, func(ctx context.Context) (int64, error) {
		cur, err := s.getRoundDoc(ctx, next.ID)
		if err != nil {
			return 0, err
		}
		return cur.Version, nil
	})
	if err != nil {
		return err
	}
	ok := false
	defer func() { done(ok) }()
	prev, err := s.getRoundDoc(ctx, next.ID)
	if err != nil {
		return err
	}
	if prev.Version != expect {
		return &profile.Error{Kind: profile.ErrPrecondition, Code: "version_mismatch", Field: "version",
			EN: fmt.Sprintf("the round was changed by someone else (current version %d); reload and try again", prev.Version),
			ZH: fmt.Sprintf("本轮已被他人修改（当前版本 %d），请刷新后重试", prev.Version)}
	}
	write := *next
	write.Version = expect + 1
	write.UpdatedAt = s.now()
	write.CreatedAt = prev.CreatedAt
	if err := s.writeChunks(ctx, &write, write.Version); err != nil {
		return err
	}
	if _, err := s.rounds().ReplaceOne(ctx, bson.D{{Key: "_id", Value: next.ID}}, &write); err != nil {
		s.dropChunks(context.WithoutCancel(ctx), next.ID, write.Version, write.Chunks)
		return translate(err, "round")
	}
	ok = true
	*next = write
	s.dropChunks(context.WithoutCancel(ctx), next.ID, expect, prev.Chunks)
	return nil
}

// ListRounds returns the rounds an account made, newest first, without their
// pairs and facts (the embedded backend scans the collection for this).
func (s *Store) ListRounds(ctx context.Context, ownerID string) ([]rounds.Round, error) {
	cur, err := s.rounds().Find(ctx, bson.D{{Key: "owner", Value: ownerID}}, options.Find().
		SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(200).
		SetProjection(bson.D{{Key: "names", Value: 0}, {Key: "startups", Value: 0}, {Key: "counterparts", Value: 0},
			{Key: "introduced", Value: 0}, {Key: "outcomes", Value: 0}}))
	if err != nil {
		return nil, translate(err, "rounds")
	}
	out := []rounds.Round{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "rounds")
	}
	return out, nil
}

// IntroducedPairs lists the pairs of profiles (from, to) that have a pending,
// accepted or declined introduction: a round does not propose them again (one
// that was withdrawn or expired may be). It scans the introductions, which are
// few next to the profiles.
func (s *Store) IntroducedPairs(ctx context.Context) ([][2]string, error) {
	cur, err := s.intros().Find(ctx, bson.D{{Key: "state", Value: bson.D{{Key: "$in",
		Value: bson.A{string(intro.Pending), string(intro.Accepted), string(intro.Declined)}}}}})
	if err != nil {
		return nil, translate(err, "introductions")
	}
	var rows []struct {
		From profile.Ref `bson:"from"`
		To   profile.Ref `bson:"to"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "introductions")
	}
	out := make([][2]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, [2]string{r.From.ID, r.To.ID})
	}
	return out, nil
}

// CreateRoundIntro stores a brokered introduction of a published round under the
// id the caller chose for the pair (in.ID), so that publishing again, after a
// crash or from a second request, finds it instead of making another. created is
// false when that introduction already exists. A round counts as one decision,
// so its introductions do not use the broker's daily limit. ErrConflict (code
// open_introduction) when another introduction holds the pair.
func (s *Store) CreateRoundIntro(ctx context.Context, in *intro.Introduction, ev intro.Event) (created bool, err error) {
	if !ValidID(in.ID) {
		return false, profile.Invalid("id", "invalid_id", "not an introduction id", "不是有效的对接 ID")
	}
	if _, err := s.getIntro(ctx, in.ID); err == nil {
		return false, nil
	} else if !errors.Is(err, profile.ErrNotFound) {
		return false, err
	}
	pk := pairKey(in.From.ID, in.To.ID)
	if holder, lerr := s.lookupKey(ctx, pk); lerr != nil || holder != in.ID {
		if err := s.claimPair(ctx, pk, in.ID); err != nil {
			// A concurrent publish of the same round may have made this very
			// introduction meanwhile: then the pair is held by it, not taken.
			if errors.Is(err, profile.ErrConflict) {
				if _, gerr := s.getIntro(ctx, in.ID); gerr == nil {
					return false, nil
				}
			}
			return false, err
		}
	}
	now := s.now()
	in.Version = 1
	in.CreatedAt, in.UpdatedAt, in.ExpiresAt = now, now, now.Add(intro.TTL)
	if _, err := s.intros().InsertOne(ctx, in); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return false, nil // a concurrent publish of the same round made it
		}
		s.releaseKey(context.WithoutCancel(ctx), pk, in.ID)
		return false, translate(err, "introduction")
	}
	ev.IntroID = in.ID
	ev.At = now
	return true, s.recordEvent(ctx, ev)
}
