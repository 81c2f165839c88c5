package mongodb

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/profile"
)

const seqCounter = "profile_seq"

// Change sequences.
//
// Every profile write takes the next sequence number and logs the change under it,
// so the search index can follow the database in order. The embedded backend
// shapes all of this, as measured on it:
//   - findAndModify is not atomic (two concurrent $inc calls can return the same
//     number), so a number is claimed by inserting a document whose _id is that
//     number: the primary key makes the claim atomic on every backend;
//   - only FindOne and a plain {_id} filter with a string id avoid a scan of the
//     whole collection (an int64 _id, an update, a count, a sort or a range all
//     scan), so every id here is a zero-padded decimal string, and the hot path
//     only inserts and finds by _id — it never updates, counts or sorts.
//
// A writer claims number n in "seqs", writes the profile with seq = n, then inserts
// the change {kind, id} under n in "changes". A follower that finds n claimed but
// not yet in "changes" knows a writer is in flight and waits, instead of reading
// the profile too early or skipping it.
//
// Numbers are claimed without gaps: a writer starts from a hint that is never above
// the highest claimed number plus one and steps up by one on each duplicate. The
// hint is this process's own last claim, or the counter document (raised with $max
// after each claim; a lost update only leaves it low) when there is none or when
// other writers are ahead.

// seqKey is the _id of sequence n: zero-padded, so string order is number order.
func seqKey(n int64) string { return fmt.Sprintf("%020d", n) }

// claimSeq claims the next free sequence and returns it.
func (s *Store) claimSeq(ctx context.Context) (int64, error) {
	// This process's own last claim is a good first guess and costs no lookup; the
	// counter is read when there is none yet, or when another process has claimed
	// ahead of it (a duplicate), so a busy second writer does not step up one
	// number at a time.
	hint := s.lastClaim.Load()
	if hint == 0 {
		var err error
		if hint, err = s.counterHint(ctx); err != nil {
			return 0, err
		}
	}
	ctx = context.WithoutCancel(ctx) // a claimed number must be completed, whatever the client does
	for seq, dups := hint+1, 0; ; seq++ {
		_, err := s.seqs.InsertOne(ctx, bson.D{{Key: "_id", Value: seqKey(seq)}, {Key: "at", Value: s.now()}})
		if err == nil {
			s.raiseLocal(seq)
			if seq%counterEvery == 0 {
				_, _ = s.counters.UpdateOne(ctx, bson.D{{Key: "_id", Value: seqCounter}},
					bson.D{{Key: "$max", Value: bson.D{{Key: "n", Value: seq}}}}, options.UpdateOne().SetUpsert(true))
			}
			return seq, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, translate(err, "sequence")
		}
		if dups++; dups == 2 {
			if c, err := s.counterHint(ctx); err == nil && c > seq {
				seq = c // the loop's seq++ tries c+1 next
			}
		}
	}
}

func (s *Store) raiseLocal(seq int64) { raise(&s.lastClaim, seq) }

// raise sets v to n unless it holds more already.
func raise(v *atomic.Int64, n int64) {
	for {
		cur := v.Load()
		if n <= cur || v.CompareAndSwap(cur, n) {
			return
		}
	}
}

// counterEvery is how often a claimed number is written to the counter: every
// 16th. The counter is only where a process starts looking (claimSeq, LastSeq
// probe upward from it by _id), and its update was the costliest statement of
// a profile write on the embedded database (an update: a query, then a
// rewrite, against 0.3 ms for an insert; 1.5 ms measured).
const counterEvery = 16

func (s *Store) counterHint(ctx context.Context) (int64, error) {
	var doc struct {
		N int64 `bson:"n"`
	}
	err := s.counters.FindOne(ctx, bson.D{{Key: "_id", Value: seqCounter}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err, "sequence")
	}
	return doc.N, nil
}

// logChange records that ref changed under seq. It runs whether or not the write
// it belonged to succeeded: a follower re-reads the profile either way, and must
// never be left waiting on a number that will not complete.
func (s *Store) logChange(ctx context.Context, seq int64, ref profile.Ref) error {
	_, err := s.changes.InsertOne(context.WithoutCancel(ctx), bson.D{
		{Key: "_id", Value: seqKey(seq)}, {Key: "kind", Value: string(ref.Kind)}, {Key: "id", Value: ref.ID},
		{Key: "at", Value: s.now()},
	})
	return translate(err, "change")
}

// LastSeq returns the highest change sequence claimed so far (0 if none). It starts
// from the counter, or from the highest number this process has seen claimed
// when that is higher (numbers are never given back, and the counter lags by up
// to counterEvery), and probes upward by _id: it is exact, and costs one lookup
// per number claimed since it last looked.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	last, err := s.counterHint(ctx)
	if err != nil {
		return 0, err
	}
	last = max(last, s.lastClaim.Load(), s.lastSeen.Load())
	for {
		err := s.seqs.FindOne(ctx, bson.D{{Key: "_id", Value: seqKey(last + 1)}}).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			raise(&s.lastSeen, last)
			return last, nil
		}
		if err != nil {
			return 0, translate(err, "sequence")
		}
		last++
	}
}

// ChangeAt returns the change logged under seq, or false if none is logged (yet):
// either nobody claimed seq, or its writer has not finished.
func (s *Store) ChangeAt(ctx context.Context, seq int64) (profile.Ref, bool, error) {
	var doc struct {
		Kind string `bson:"kind"`
		ID   string `bson:"id"`
	}
	err := s.changes.FindOne(ctx, bson.D{{Key: "_id", Value: seqKey(seq)}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return profile.Ref{}, false, nil
	}
	if err != nil {
		return profile.Ref{}, false, translate(err, "change")
	}
	return profile.Ref{Kind: profile.Kind(doc.Kind), ID: doc.ID}, true, nil
}

func creditKey(code string) string { return "credit_code:" + code }

// CreateProfile stores a new profile, giving it an id, version 1 and timestamps.
// ErrConflict (field credit_code) if another profile has the same credit code.
func (s *Store) CreateProfile(ctx context.Context, p *profile.Profile) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	p.Version = 1
	p.CreatedAt = s.now()
	p.UpdatedAt = p.CreatedAt
	if p.CreditCode != "" {
		if err := s.claimKey(ctx, creditKey(p.CreditCode), p.ID); err != nil {
			return s.duplicateCredit(ctx, err, p.CreditCode)
		}
	}
	// Filed before the write, so that nothing slows the path from the change
	// log to the writer's own indexing; a key left by a write that then fails
	// is skipped at lookup (the profile is read back).
	s.fileNames(ctx, []*profile.Profile{p})
	seq, err := s.claimSeq(ctx)
	if err != nil {
		s.releaseCredit(ctx, p.CreditCode, p.ID)
		return err
	}
	p.Seq = seq
	_, err = s.profiles.InsertOne(ctx, p)
	logErr := s.logChange(ctx, seq, profile.Ref{Kind: p.Kind, ID: p.ID})
	if err != nil {
		s.releaseCredit(ctx, p.CreditCode, p.ID)
		return translate(err, "profile")
	}
	return logErr
}

func (s *Store) releaseCredit(ctx context.Context, code, id string) {
	if code != "" {
		s.releaseKey(context.WithoutCancel(ctx), creditKey(code), id)
	}
}

// duplicateCredit explains a credit code already taken, naming (in Ref) the
// profile that holds it.
func (s *Store) duplicateCredit(ctx context.Context, err error, code string) error {
	if errors.Is(err, profile.ErrConflict) {
		e := profile.Conflict("duplicate_credit_code",
			"another profile already has this unified social credit code; open it (ref) instead of creating a second one",
			"已有资料使用了该统一社会信用代码，请直接打开那份资料，不要重复创建")
		e.Field = "credit_code"
		e.Ref, _ = s.lookupKey(ctx, creditKey(code))
		return e
	}
	return err
}

// GetProfile returns the profile with id, archived or not. ErrNotFound if none.
func (s *Store) GetProfile(ctx context.Context, id string) (*profile.Profile, error) {
	if !ValidID(id) {
		return nil, profile.NotFound("profile")
	}
	var p profile.Profile
	if err := s.profiles.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&p); err != nil {
		return nil, translate(err, "profile")
	}
	return &p, nil
}

// ProfileIDByCreditCode returns the id of the profile with the credit code;
// ErrNotFound if none. It looks up a key by _id, so it costs the same at any size.
func (s *Store) ProfileIDByCreditCode(ctx context.Context, code string) (string, error) {
	return s.lookupKey(ctx, creditKey(code))
}

// UpdateProfile replaces the stored profile with p if the stored version is still
// expect, and bumps the version. ErrPrecondition (a *profile.Error naming the
// current version) if someone else changed it first, ErrNotFound if it is gone,
// ErrConflict if the new credit code is taken. p's ID, Kind, OwnerID and CreatedAt
// must be those of the stored profile; the caller loads it first.
func (s *Store) UpdateProfile(ctx context.Context, p *profile.Profile, expect int64, oldCreditCode string) error {
	if !ValidID(p.ID) {
		return profile.NotFound("profile")
	}
	var stored *profile.Profile // as it is before this write (read after the claim)
	done, err := s.ClaimTransition(ctx, "profiles", p.ID, expect+1, func(ctx context.Context) (int64, error) {
		cur, err := s.GetProfile(ctx, p.ID)
		if err != nil {
			return 0, err
		}
		stored = cur
		return cur.Version, nil
	})
	if err != nil {
		if errors.Is(err, profile.ErrPrecondition) {
			return s.missOrStale(ctx, p.ID)
		}
		return err
	}
	ok := false
	defer func() { done(ok) }()
	newCode := p.CreditCode != "" && p.CreditCode != oldCreditCode
	if newCode {
		if err := s.claimKey(ctx, creditKey(p.CreditCode), p.ID); err != nil {
			return s.duplicateCredit(ctx, err, p.CreditCode)
		}
	}
	if !p.Archived && !sameFiling(stored, p) {
		s.fileNames(ctx, []*profile.Profile{p}) // before the write, as in CreateProfile
	}
	seq, err := s.claimSeq(ctx)
	if err != nil {
		if newCode {
			s.releaseCredit(ctx, p.CreditCode, p.ID)
		}
		return err
	}
	next := *p
	next.Version = expect + 1
	next.UpdatedAt = s.now()
	next.Seq = seq
	// The claimed transition already makes this writer the only one moving the
	// profile past expect, so the filter is the _id alone: on the embedded backend
	// any further condition turns the update into a scan of every profile.
	res, err := s.profiles.ReplaceOne(ctx, bson.D{{Key: "_id", Value: p.ID}}, &next)
	logErr := s.logChange(ctx, seq, profile.Ref{Kind: p.Kind, ID: p.ID})
	if err == nil && res.MatchedCount == 0 {
		err = s.missOrStale(ctx, p.ID)
	}
	if err != nil {
		if newCode {
			s.releaseCredit(ctx, p.CreditCode, p.ID)
		}
		return translate(err, "profile")
	}
	if oldCreditCode != "" && oldCreditCode != p.CreditCode {
		s.releaseCredit(ctx, oldCreditCode, p.ID)
	}
	ok = true
	*p = next
	return logErr
}

// missOrStale explains why a conditional write matched nothing.
func (s *Store) missOrStale(ctx context.Context, id string) error {
	cur, err := s.GetProfile(ctx, id)
	if err != nil {
		return err
	}
	return profile.StaleVersion(cur.Version)
}

// listFilter builds the query of a list page.
func listFilter(f profile.ListFilter) bson.D {
	q := bson.D{{Key: "kind", Value: string(f.Kind)}}
	if !f.IncludeArchived {
		q = append(q, bson.E{Key: "archived", Value: false})
	}
	// Every value is bound as a plain string compared for equality, so a client's
	// text can never become an operator.
	if f.Chain != "" {
		q = append(q, bson.E{Key: "chains", Value: f.Chain})
	}
	if f.District != "" {
		q = append(q, bson.E{Key: "district", Value: f.District})
	}
	if f.Stage != "" {
		if f.Kind == profile.Investor {
			q = append(q, bson.E{Key: "stages", Value: f.Stage})
		} else {
			q = append(q, bson.E{Key: "stage", Value: f.Stage})
		}
	}
	if f.Type != "" {
		q = append(q, bson.E{Key: "type", Value: f.Type})
	}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: f.Status})
	}
	if f.OwnerID != "" {
		q = append(q, bson.E{Key: "owner_id", Value: f.OwnerID})
	}
	if f.After != "" {
		q = append(q, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: f.After}}})
	}
	return q
}

// ListProfiles returns one page of profiles in id order and the cursor of the next
// page ("" at the end).
func (s *Store) ListProfiles(ctx context.Context, f profile.ListFilter) ([]profile.Profile, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	cur, err := s.profiles.Find(ctx, listFilter(f),
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, "", translate(err, "profiles")
	}
	var out []profile.Profile
	if err := cur.All(ctx, &out); err != nil {
		return nil, "", translate(err, "profiles")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// EachProfile calls fn with every profile, archived included, in no set order; it
// stops at fn's first error.
func (s *Store) EachProfile(ctx context.Context, fn func(*profile.Profile) error) error {
	return s.each(ctx, bson.D{}, fn)
}

// EachVersion calls fn with the id, sequence and archived flag of every
// profile, reading only those fields: what reconciliation compares with the
// index before it reads the few profiles that differ.
func (s *Store) EachVersion(ctx context.Context, fn func(id string, seq int64, archived bool) error) error {
	type version struct {
		ID       string `bson:"_id"`
		Seq      int64  `bson:"seq"`
		Archived bool   `bson:"archived"`
	}
	opts := options.Find().SetBatchSize(5000).SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "seq", Value: 1}, {Key: "archived", Value: 1}})
	return eachDecoded(ctx, s.profiles, bson.D{}, opts, func(v *version) error { return fn(v.ID, v.Seq, v.Archived) })
}

// EachOfKind calls fn with every live (not archived) profile of kind k.
func (s *Store) EachOfKind(ctx context.Context, k profile.Kind, fn func(*profile.Profile) error) error {
	return s.each(ctx, bson.D{{Key: "kind", Value: string(k)}, {Key: "archived", Value: false}}, fn)
}

// EachStored calls fn with every profile of kind k, archived ones too: an
// import tells a row that names an archived profile from a new one by it.
func (s *Store) EachStored(ctx context.Context, k profile.Kind, fn func(*profile.Profile) error) error {
	return s.each(ctx, bson.D{{Key: "kind", Value: string(k)}}, fn)
}

func (s *Store) each(ctx context.Context, q bson.D, fn func(*profile.Profile) error) error {
	return eachDecoded(ctx, s.profiles, q, options.Find().SetBatchSize(1000), fn)
}

// eachDecoded calls fn with every document of coll that q selects, decoded
// into a fresh T.
func eachDecoded[T any](ctx context.Context, coll *mongo.Collection, q bson.D, opts *options.FindOptionsBuilder, fn func(*T) error) error {
	cur, err := coll.Find(ctx, q, opts)
	if err != nil {
		return translate(err, "profiles")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var v T
		if err := cur.Decode(&v); err != nil {
			return translate(err, "profile")
		}
		if err := fn(&v); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return translate(err, "profiles")
	}
	return nil
}

// HasProfiles reports whether any profile is stored (archived included); the
// server uses it to decide whether to load the demo data on first start.
//
// Why not a count: FerretDB on SQLite answers count (estimated or not) by
// reading every document — 2–3 s at 10k profiles, twice in each start —
// while one document with no filter is the first row.
func (s *Store) HasProfiles(ctx context.Context) (bool, error) {
	err := s.profiles.FindOne(ctx, bson.D{}, options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, translate(err, "profiles")
	}
	return true, nil
}
