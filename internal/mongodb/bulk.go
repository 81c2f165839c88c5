package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/profile"
)

// bulkChunk is how many profiles one round of CreateProfiles writes: five
// InsertMany calls of this many documents each.
const bulkChunk = 500

// CreateProfiles stores new profiles in bulk (seed data, imports of new rows):
// the same documents CreateProfile writes — credit-code key, claimed sequence,
// profile, change record, name keys for the duplicate check — but each kind of
// document in one InsertMany per chunk of 500 instead of round trips per
// profile. A profile whose credit
// code is already taken (by a stored profile or an earlier one in ps) is
// skipped: its ID is left empty. It returns how many profiles it stored.
//
// Sequences are claimed as a block (an ordered InsertMany of consecutive
// numbers): when another writer holds one of them, the rest are claimed one at a
// time as CreateProfile does, so numbers stay without gaps. Followers wait on a
// claimed number until its change is logged, as for a single write.
func (s *Store) CreateProfiles(ctx context.Context, ps []*profile.Profile) (int, error) {
	return s.createProfiles(ctx, ps, true)
}

// CreateProfilesUnfiled is CreateProfiles without filing the names for the
// duplicate check: for generated demo data, whose made-up names nobody
// re-enters, and which it loads several times faster (fileNames). The
// duplicate check does not see these profiles.
func (s *Store) CreateProfilesUnfiled(ctx context.Context, ps []*profile.Profile) (int, error) {
	return s.createProfiles(ctx, ps, false)
}

// CreateSeed stores seed data in bulk, as `fuhua seed` and the first start
// load it: named (the plan's real bodies) filed for the duplicate check,
// generated (demo profiles) not. Into an empty database it marks the names
// filed first, so no server files in the background what is loaded here. It
// returns how many profiles it stored.
func (s *Store) CreateSeed(ctx context.Context, named, generated []*profile.Profile) (int, error) {
	if has, err := s.HasProfiles(ctx); err != nil {
		return 0, err
	} else if !has {
		if err := s.FileNames(ctx); err != nil {
			return 0, err
		}
	}
	added, err := s.CreateProfiles(ctx, named)
	if err != nil {
		return added, err
	}
	more, err := s.CreateProfilesUnfiled(ctx, generated)
	return added + more, err
}

func (s *Store) createProfiles(ctx context.Context, ps []*profile.Profile, file bool) (int, error) {
	added := 0
	for len(ps) > 0 {
		n := min(len(ps), bulkChunk)
		k, err := s.createChunk(ctx, ps[:n], file)
		added += k
		if err != nil {
			return added, err
		}
		ps = ps[n:]
	}
	return added, nil
}

func (s *Store) createChunk(ctx context.Context, ps []*profile.Profile, file bool) (int, error) {
	now := s.now()
	for _, p := range ps {
		if p.ID == "" {
			p.ID = NewID()
		}
		p.Version = 1
		p.CreatedAt, p.UpdatedAt = now, now
	}
	// Credit codes: one unordered insert of every key; a duplicate skips its profile.
	var keys []any
	var keyed []*profile.Profile
	seen := map[string]bool{}
	live := make([]*profile.Profile, 0, len(ps))
	for _, p := range ps {
		if p.CreditCode == "" {
			live = append(live, p)
			continue
		}
		if seen[p.CreditCode] {
			p.ID = ""
			continue
		}
		seen[p.CreditCode] = true
		keys = append(keys, bson.D{{Key: "_id", Value: creditKey(p.CreditCode)}, {Key: "ref", Value: p.ID}})
		keyed = append(keyed, p)
	}
	if len(keys) > 0 {
		failed, err := insertMany(ctx, s.keys, keys)
		if err != nil {
			return 0, translate(err, "key")
		}
		for i, p := range keyed {
			if failed[i] {
				p.ID = ""
			} else {
				live = append(live, p)
			}
		}
	}
	if len(live) == 0 {
		return 0, nil
	}
	seqs, err := s.claimSeqs(ctx, len(live))
	if err != nil {
		s.releaseCredits(ctx, live)
		return 0, err
	}
	docs := make([]any, len(live))
	changes := make([]any, len(live))
	for i, p := range live {
		p.Seq = seqs[i]
		docs[i] = p
		changes[i] = bson.D{{Key: "_id", Value: seqKey(seqs[i])}, {Key: "kind", Value: string(p.Kind)}, {Key: "id", Value: p.ID}, {Key: "at", Value: now}}
	}
	bg := context.WithoutCancel(ctx) // claimed numbers must be completed
	_, perr := s.profiles.InsertMany(bg, docs, options.InsertMany().SetOrdered(false))
	_, cerr := s.changes.InsertMany(bg, changes, options.InsertMany().SetOrdered(false))
	if perr != nil {
		s.releaseCredits(ctx, live)
		return 0, translate(perr, "profile")
	}
	if file {
		s.fileNames(ctx, live)
	}
	return len(live), translate(cerr, "change")
}

// insertMany inserts docs unordered and reports which failed as duplicates;
// any other failure is an error.
func insertMany(ctx context.Context, coll *mongo.Collection, docs []any) (map[int]bool, error) {
	_, err := coll.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, err
	}
	failed := map[int]bool{}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return nil, err
		}
		failed[we.Index] = true
	}
	return failed, nil
}

// claimSeqs claims n sequence numbers: a block after this process's last claim
// (or the counter) in one ordered insert, the rest, if another writer got in
// between, one by one.
func (s *Store) claimSeqs(ctx context.Context, n int) ([]int64, error) {
	hint := s.lastClaim.Load()
	if hint == 0 {
		var err error
		if hint, err = s.counterHint(ctx); err != nil {
			return nil, err
		}
	}
	ctx = context.WithoutCancel(ctx)
	docs := make([]any, n)
	at := s.now()
	for i := range n {
		docs[i] = bson.D{{Key: "_id", Value: seqKey(hint + 1 + int64(i))}, {Key: "at", Value: at}}
	}
	res, err := s.seqs.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	got := 0
	if res != nil {
		got = len(res.InsertedIDs)
	}
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 || !mongo.IsDuplicateKeyError(bwe.WriteErrors[0]) {
			return nil, translate(err, "sequence")
		}
		got = bwe.WriteErrors[0].Index
	}
	seqs := make([]int64, 0, n)
	for i := range got {
		seqs = append(seqs, hint+1+int64(i))
	}
	if got > 0 {
		last := seqs[len(seqs)-1]
		s.raiseLocal(last)
		_, _ = s.counters.UpdateOne(ctx, bson.D{{Key: "_id", Value: seqCounter}},
			bson.D{{Key: "$max", Value: bson.D{{Key: "n", Value: last}}}}, options.UpdateOne().SetUpsert(true))
	}
	for len(seqs) < n {
		seq, err := s.claimSeq(ctx)
		if err != nil {
			// Numbers claimed so far must still complete: log them as changes of
			// nothing, which a follower reads and skips.
			for _, q := range seqs {
				_ = s.logChange(ctx, q, profile.Ref{})
			}
			return nil, err
		}
		seqs = append(seqs, seq)
	}
	return seqs, nil
}

func (s *Store) releaseCredits(ctx context.Context, ps []*profile.Profile) {
	bg := context.WithoutCancel(ctx)
	for _, p := range ps {
		if p.CreditCode != "" {
			s.releaseCredit(bg, p.CreditCode, p.ID)
		}
	}
}
