package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/intro"
	"fuhua/internal/merge"
	"fuhua/internal/profile"
	"fuhua/internal/rounds"
)

// Merges (合并重复资料). There are no transactions, so a merge is a sequence
// of single-document writes ordered so that a crash anywhere leaves it
// resumable:
//
//  1. the record (merges, state running, with the plan) is inserted, and the
//     key merge:<drop> claimed for it: one merge per dropped profile;
//  2. each planned introduction is moved (or closed, then moved) by its own
//     versioned transition; a step finds what a previous run did and skips it;
//  3. the mentor sessions of the dropped startup are repointed (an update by
//     filter, idempotent);
//  4. each profile naming the dropped one is repointed (a versioned write; one
//     already repointed is skipped);
//  5. the dropped profile is archived with merged_into (its credit code freed);
//  6. the kept profile takes the credit code, if it moves;
//  7. the record is marked done.
//
// Running RunMerge again on a record still running completes it. Until then the
// dropped profile is live, so nothing is lost while a merge is half done.

func (s *Store) merges() *mongo.Collection { return s.db.Collection("merges") }

func mergeKey(drop string) string { return "merge:" + drop }

// MergeFacts gathers what merge.Decide needs about keep and drop. It scans the
// introductions, the profiles and the rounds (a merge is rare and deliberate).
// ErrNotFound if either profile is missing.
func (s *Store) MergeFacts(ctx context.Context, keepID, dropID string) (merge.Facts, error) {
	var f merge.Facts
	var err error
	if f.Keep, err = s.GetProfile(ctx, keepID); err != nil {
		return f, err
	}
	if f.Drop, err = s.GetProfile(ctx, dropID); err != nil {
		return f, err
	}
	ids := bson.A{keepID, dropID}
	cur, err := s.intros().Find(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "from.id", Value: bson.D{{Key: "$in", Value: ids}}}},
		bson.D{{Key: "to.id", Value: bson.D{{Key: "$in", Value: ids}}}},
	}}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return f, translate(err, "introductions")
	}
	if err := cur.All(ctx, &f.Intros); err != nil {
		return f, translate(err, "introductions")
	}
	if f.Drop.Kind == profile.Startup {
		svc, err := s.findServices(ctx, bson.D{{Key: "startup", Value: dropID}})
		if err != nil {
			return f, err
		}
		f.Services = len(svc)
	}
	err = s.each(ctx, bson.D{{Key: "archived", Value: false}}, func(p *profile.Profile) error {
		if len(merge.Refers(p, dropID)) > 0 {
			f.Referrers = append(f.Referrers, p)
		}
		return nil
	})
	if err != nil {
		return f, err
	}
	rc, err := s.rounds().Find(ctx, bson.D{})
	if err != nil {
		return f, translate(err, "rounds")
	}
	var rs []rounds.Round
	if err := rc.All(ctx, &rs); err != nil {
		return f, translate(err, "rounds")
	}
	for _, r := range rs {
		if _, ok := r.Names[dropID]; ok {
			f.Rounds = append(f.Rounds, merge.RoundRef{ID: r.ID, Name: r.Name, Draft: r.State == rounds.Draft})
		}
	}
	return f, nil
}

// StartMerge records rec (state running) and claims the dropped profile for it.
// It returns the record that holds the claim: rec, or a merge of the same pair
// still running (to be completed). ErrConflict (code already_merged) if the
// dropped profile is merged, or being merged into another, already.
func (s *Store) StartMerge(ctx context.Context, rec *merge.Record) (*merge.Record, error) {
	if rec.ID == "" {
		rec.ID = NewID()
	}
	rec.At = s.now()
	rec.State = merge.Running
	err := s.claimKey(ctx, mergeKey(rec.DropID), rec.ID)
	if errors.Is(err, profile.ErrConflict) {
		held, lerr := s.lookupKey(ctx, mergeKey(rec.DropID))
		if lerr != nil {
			return nil, lerr
		}
		prev, gerr := s.GetMerge(ctx, held)
		if errors.Is(gerr, profile.ErrNotFound) {
			// The claim's record was never written (a crash between): take it over.
			prev = nil
		} else if gerr != nil {
			return nil, gerr
		}
		switch {
		case prev == nil:
			rec.ID = held
		case prev.State == merge.Running && prev.KeepID == rec.KeepID:
			return prev, nil
		default:
			e := profile.Conflict("already_merged", "the profile merged away is merged already, or being merged into another",
				"并入的资料已经合并过，或正在并入另一份资料")
			e.Ref = prev.ID
			return nil, e
		}
	} else if err != nil {
		return nil, err
	}
	if _, err := s.merges().InsertOne(ctx, rec); err != nil {
		return nil, translate(err, "merge")
	}
	return rec, nil
}

// MergeOf returns the merge that holds the dropped profile's claim (running
// or done); ErrNotFound if none.
func (s *Store) MergeOf(ctx context.Context, dropID string) (*merge.Record, error) {
	id, err := s.lookupKey(ctx, mergeKey(dropID))
	if err != nil {
		return nil, err
	}
	return s.GetMerge(ctx, id)
}

// GetMerge returns the merge record with id; ErrNotFound if none.
func (s *Store) GetMerge(ctx context.Context, id string) (*merge.Record, error) {
	var r merge.Record
	if err := s.merges().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		return nil, translate(err, "merge")
	}
	return &r, nil
}

// ListMerges returns the merge records of the districts (all when districts
// is nil), newest first.
func (s *Store) ListMerges(ctx context.Context, districts []string) ([]merge.Record, error) {
	q := bson.D{}
	if districts != nil {
		q = bson.D{{Key: "district", Value: bson.D{{Key: "$in", Value: districts}}}}
	}
	cur, err := s.merges().Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(500))
	if err != nil {
		return nil, translate(err, "merges")
	}
	out := []merge.Record{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "merges")
	}
	return out, nil
}

// mergeStep is called before each step of RunMerge with its name; an error
// stops the run there (tests cut a merge off midway with it).
type mergeStep func(step string) error

// RunMerge carries out the merge of rec (started by StartMerge), from wherever
// a previous run stopped, and marks it done. It returns the ids of the
// profiles it wrote, for the caller to index. Errors are those of the writes
// (ErrUnavailable, or ErrConflict when someone changed a record in between);
// running it again continues.
func (s *Store) RunMerge(ctx context.Context, rec *merge.Record) ([]string, error) {
	ctx = context.WithoutCancel(ctx) // a merge under way is finished, whatever the client does
	step := func(name string) error {
		if s.mergeFault != nil {
			return s.mergeFault(name)
		}
		return nil
	}
	keep, err := s.GetProfile(ctx, rec.KeepID)
	if err != nil {
		return nil, err
	}
	drop, err := s.GetProfile(ctx, rec.DropID)
	if err != nil {
		return nil, err
	}
	var touched []string
	note := fmt.Sprintf("合并重复资料：%s 并入 %s / merged duplicate profiles", drop.Name, keep.Name)
	for _, mv := range rec.Plan.Introductions {
		if err := step("intro:" + mv.ID); err != nil {
			return touched, err
		}
		if err := s.mergeIntro(ctx, rec, mv, keep, drop, note); err != nil {
			return touched, fmt.Errorf("introduction %s: %w", mv.ID, err)
		}
	}
	if err := step("services"); err != nil {
		return touched, err
	}
	if rec.Plan.MentorServices > 0 {
		if _, err := s.services().UpdateMany(ctx, bson.D{{Key: "startup", Value: drop.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "startup", Value: keep.ID}}}}); err != nil {
			return touched, translate(err, "mentor services")
		}
	}
	for _, pm := range rec.Plan.Profiles {
		if err := step("profile:" + pm.ID); err != nil {
			return touched, err
		}
		p, err := s.GetProfile(ctx, pm.ID)
		if errors.Is(err, profile.ErrNotFound) {
			continue
		}
		if err != nil {
			return touched, err
		}
		if len(merge.Refers(p, drop.ID)) == 0 {
			continue // repointed by an earlier run
		}
		next := *p
		merge.Repoint(&next, drop.ID, keep.ID)
		if err := s.UpdateProfile(ctx, &next, p.Version, p.CreditCode); err != nil {
			return touched, err
		}
		touched = append(touched, p.ID)
	}
	if err := step("archive"); err != nil {
		return touched, err
	}
	if !drop.Archived || drop.MergedInto != keep.ID {
		next := *drop
		next.Archived, next.MergedInto = true, keep.ID
		next.CreditCode = "" // the key is freed for the kept profile
		if err := s.UpdateProfile(ctx, &next, drop.Version, drop.CreditCode); err != nil {
			return touched, err
		}
		touched = append(touched, drop.ID)
	}
	if err := step("credit_code"); err != nil {
		return touched, err
	}
	if code := rec.Plan.CreditCode; code != "" && keep.CreditCode != code {
		next := *keep
		next.CreditCode = code
		if err := s.UpdateProfile(ctx, &next, keep.Version, keep.CreditCode); err != nil {
			return touched, err
		}
		touched = append(touched, keep.ID)
	}
	if err := step("done"); err != nil {
		return touched, err
	}
	now := s.now()
	if _, err := s.merges().UpdateOne(ctx, bson.D{{Key: "_id", Value: rec.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: merge.Done}, {Key: "done_at", Value: now}}}}); err != nil {
		return touched, translate(err, "merge")
	}
	rec.State, rec.DoneAt = merge.Done, &now
	return touched, nil
}

// mergeIntro carries out one planned introduction move. Every part is
// idempotent: an introduction already closed is not closed again, one already
// moved is not moved again, and its pair key and contact grants are
// (re)claimed either way.
func (s *Store) mergeIntro(ctx context.Context, rec *merge.Record, mv merge.IntroMove, keep, drop *profile.Profile, note string) error {
	in, err := s.getIntro(ctx, mv.ID)
	if err != nil {
		return err
	}
	closeIt := mv.Action == "close" || mv.Action == "close_kept" || mv.Action == "close_self"
	if closeIt && in.State.Open() {
		next := *in
		now := s.now()
		next.State, next.DecidedBy, next.DecidedAt, next.Note, next.UpdatedAt = intro.Withdrawn, rec.By, &now, note, now
		ev := intro.Event{ActorID: rec.By, Action: "merge_close", From: in.State, To: intro.Withdrawn, Note: note, At: now}
		if err := s.SaveIntro(ctx, &next, in.Version, ev); err != nil {
			return err
		}
		in = &next
	}
	if mv.Action == "close_self" || mv.Action == "close_kept" {
		return nil // history where it is
	}
	oldKey := pairKey(in.From.ID, in.To.ID)
	if in.From.ID == drop.ID || in.To.ID == drop.ID {
		next := merge.Moved(*in, keep, drop)
		next.UpdatedAt = s.now()
		if next.State.Open() {
			if err := s.claimPairFor(ctx, pairKey(next.From.ID, next.To.ID), next.ID); err != nil {
				return err
			}
		}
		ev := intro.Event{ActorID: rec.By, Action: "merge_move", From: in.State, To: in.State, Note: note}
		if err := s.SaveIntro(ctx, &next, in.Version, ev); err != nil {
			return err
		}
		in = &next
		if in.State.Open() {
			s.releasePair(ctx, oldKey, in.ID)
		}
	}
	return s.GrantContacts(ctx, in)
}

// claimPairFor makes the pair key point at id; held already by id is fine.
func (s *Store) claimPairFor(ctx context.Context, key, id string) error {
	err := s.insertPair(ctx, key, id)
	if errors.Is(err, profile.ErrConflict) {
		held, lerr := s.lookupKey(ctx, key)
		if lerr == nil && held == id {
			return nil
		}
		if lerr == nil {
			if cur, gerr := s.getIntro(ctx, held); gerr == nil && !cur.State.Open() {
				s.releasePair(ctx, key, held)
				return s.insertPair(ctx, key, id)
			}
		}
		return openIntroduction(held, intro.Pending)
	}
	return err
}
