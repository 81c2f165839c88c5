package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// Introductions.
//
// An introduction is one document in "introductions"; every change of it is a
// compare-and-set through ClaimTransition ("introduction X goes to version N+1"),
// because the embedded backend's filtered update is not atomic. What must be
// unique is carried by _id keys in the keys collection, which every backend
// enforces:
//
//   - intro-pair:<a>:<b>          the pair's open (pending or accepted) introduction,
//     or one being created (with the time of the claim); see claimPair
//   - release:intro-pair:<a>:<b>:<id>  introduction id's hold on the pair was freed
//   - quota:<user>:<day>:<n>      the n-th introduction the account asked for that day
//   - mentor-slot:<mentor>:<n>    the n-th accepted mentoring introduction of a mentor
//   - intro-contact:<user>:<pid>  the account may see profile pid's contact
//
// so creation, the daily limit, mentor capacity and contact checks are all lookups
// or inserts by _id. The audit trail is "intro_events": immutable documents with a
// fresh id each. Listing an account's inbox or outbox filters on recipients or
// requester, which the embedded backend answers by scanning the collection (a
// real MongoDB uses the indexes created in ensureIntroIndexes).

const introScope = "introductions"

func (s *Store) intros() *mongo.Collection      { return s.db.Collection("introductions") }
func (s *Store) introEvents() *mongo.Collection { return s.db.Collection("intro_events") }

func pairKey(a, b string) string                { return "intro-pair:" + intro.PairKey(a, b) }
func quotaKey(user, day string, n int) string   { return fmt.Sprintf("quota:%s:%s:%d", user, day, n) }
func mentorSlotKey(mentor string, n int) string { return fmt.Sprintf("mentor-slot:%s:%d", mentor, n) }
func contactKey(user, profileID string) string  { return "intro-contact:" + user + ":" + profileID }

// EnsureIntroIndexes creates the indexes a real MongoDB (or FerretDB on
// PostgreSQL) uses for the inbox, outbox and brokered lists and the expiry sweep;
// Open calls it. Only missing ones are created, since FerretDB v1 drops the
// connection when asked to create one that exists. ErrUnavailable if the
// database cannot answer.
func (s *Store) EnsureIntroIndexes(ctx context.Context) error {
	if err := createMissingIndexes(ctx, s.intros(), []mongo.IndexModel{
		{Keys: bson.D{{Key: "recipients", Value: 1}, {Key: "_id", Value: -1}}},
		{Keys: bson.D{{Key: "requester", Value: 1}, {Key: "_id", Value: -1}}},
		{Keys: bson.D{{Key: "broker", Value: 1}, {Key: "_id", Value: -1}}},
		{Keys: bson.D{{Key: "state", Value: 1}, {Key: "expires_at", Value: 1}}},
		{Keys: bson.D{{Key: "mentor_id", Value: 1}, {Key: "state", Value: 1}}},
	}); err != nil {
		return err
	}
	return createMissingIndexes(ctx, s.introEvents(), []mongo.IndexModel{{Keys: bson.D{{Key: "intro", Value: 1}, {Key: "at", Value: 1}}}})
}

// pairClaimTTL is how long a pair key whose introduction is not (yet) stored
// counts as a creation in progress. A creation gives up after createDeadline, well
// inside it, so a live creator is never taken for a dead one; after it, the key is
// one left by a creation that died between its claim and its insert.
// A retry with the same Idempotency-Key names the same introduction, so it takes
// its own claim back at once; only a different request waits out the TTL.
const (
	pairClaimTTL   = 10 * time.Minute
	createDeadline = 2 * time.Minute
)

// CreateIntro stores a new introduction (as planned by intro.New) with version 1
// and a fresh id (or the id it carries, so a retried request can name the
// introduction it meant), and records ev in the audit trail. It returns
// ErrConflict (code open_introduction, naming the open one) if the pair already
// has a pending or accepted introduction or one being created, and ErrTooMany
// (with RetryAfter) past the requester's daily limit.
func (s *Store) CreateIntro(ctx context.Context, in *intro.Introduction, ev intro.Event) error {
	ctx, cancel := context.WithTimeout(ctx, createDeadline)
	defer cancel()
	if in.ID == "" {
		in.ID = NewID()
	}
	in.Version = 1
	now := s.now()
	in.CreatedAt, in.UpdatedAt, in.ExpiresAt = now, now, now.Add(s.introTTL)
	pk := pairKey(in.From.ID, in.To.ID)
	if err := s.claimPair(ctx, pk, in.ID); err != nil {
		return err
	}
	slot, err := s.claimQuota(ctx, in.RequesterID, in.ID, now)
	if err != nil {
		s.releasePair(context.WithoutCancel(ctx), pk, in.ID)
		return err
	}
	if _, err := s.intros().InsertOne(ctx, in); err != nil {
		bg := context.WithoutCancel(ctx)
		if !mongo.IsDuplicateKeyError(err) {
			// A duplicate is an introduction with this id already holding the pair.
			s.releasePair(bg, pk, in.ID)
		}
		s.releaseKey(bg, slot, in.ID)
		return translate(err, "introduction")
	}
	ev.IntroID = in.ID
	ev.At = now
	return s.recordEvent(ctx, ev)
}

// pairHolder is a pair key as stored: the introduction it holds the pair for and
// when it was claimed.
type pairHolder struct {
	Ref string    `bson:"ref"`
	At  time.Time `bson:"at"`
}

func (s *Store) insertPair(ctx context.Context, key, id string) error {
	_, err := s.keys.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "ref", Value: id}, {Key: "at", Value: s.now()}})
	return translate(err, "key")
}

func openIntroduction(id string, state intro.State) error {
	en, zh := "these two profiles already have an introduction waiting for an answer", "这两份资料之间已有一条待回复的对接请求"
	if state == intro.Accepted {
		en, zh = "these two profiles have already been introduced (the introduction was accepted)", "这两份资料之间已有一条已接受的对接"
	}
	e := profile.Conflict("open_introduction", en, zh)
	e.Field = "to"
	e.Ref = id
	return e
}

// claimPair takes the pair's key for id. A key held by an open introduction, or by
// one whose creation is still within pairClaimTTL (its insert may be moments
// away), is a conflict naming that introduction. A key held by a closed
// introduction, or left by a creation that died, is released (once, see
// releasePair) and the claim tried again.
func (s *Store) claimPair(ctx context.Context, key, id string) error {
	err := s.insertPair(ctx, key, id)
	for attempt := 0; attempt < 3 && errors.Is(err, profile.ErrConflict); attempt++ {
		var h pairHolder
		lerr := s.keys.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&h)
		if lerr != nil && !errors.Is(lerr, mongo.ErrNoDocuments) {
			return translate(lerr, "key")
		}
		if lerr == nil && h.Ref == id {
			// The key is already this id's: a retry (same Idempotency-Key) of a
			// creation that died. If that one got as far as its insert, the
			// introduction exists and this is a conflict with it; else carry on.
			cur, gerr := s.getIntro(ctx, id)
			switch {
			case errors.Is(gerr, profile.ErrNotFound):
				return nil
			case gerr != nil:
				return gerr
			}
			return openIntroduction(cur.ID, cur.State)
		}
		if lerr == nil {
			cur, gerr := s.GetIntro(ctx, h.Ref)
			switch {
			case errors.Is(gerr, profile.ErrNotFound):
				if s.now().Sub(h.At) < pairClaimTTL {
					return openIntroduction(h.Ref, intro.Pending)
				}
			case gerr != nil:
				return gerr
			case cur.State.Open():
				return openIntroduction(cur.ID, cur.State)
			}
			// Closed, or a creation that died: free the pair.
			s.releasePair(ctx, key, h.Ref)
		}
		err = s.insertPair(ctx, key, id)
	}
	if errors.Is(err, profile.ErrConflict) {
		e := profile.Conflict("open_introduction", "these two profiles already have an open introduction", "这两份资料之间已有进行中的对接")
		e.Field = "to"
		return e
	}
	return err
}

// releasePair frees the pair key if it is still held by holder. Freeing is itself
// claimed (a unique insert per holder), because the embedded backend deletes "the
// key held by holder" as a find followed by a delete by _id: two processes
// freeing the same holder at once could otherwise delete a claim a third made in
// between. The release markers stay, one small document per closed introduction.
func (s *Store) releasePair(ctx context.Context, key, holder string) {
	if err := s.claimKey(ctx, "release:"+key+":"+holder, holder); err != nil {
		return
	}
	s.releaseKey(ctx, key, holder)
}

// claimQuota takes a free numbered slot of the account's day. Slots are unique
// _id inserts, so concurrent requests never share one and the 21st fails,
// where a counter incremented by findAndModify would not be atomic here.
//
// It tries the slots after the last one this process took for the account
// that day first, then the rest (a failed request gives its slot back): the
// n-th request of a day no longer meets n-1 taken slots, each a refused insert
// (measured: an account's 20th introduction of the day cost 19 of them).
func (s *Store) claimQuota(ctx context.Context, user, ref string, now time.Time) (string, error) {
	day, left := intro.Day(now)
	hk := user + ":" + day
	after, _ := s.quotaHint.get(hk)
	for i := range intro.DailyLimit {
		n := (after+i)%intro.DailyLimit + 1
		key := quotaKey(user, day, n)
		err := s.claimKey(ctx, key, ref)
		if err == nil {
			s.quotaHint.put(hk, n)
			return key, nil
		}
		if !errors.Is(err, profile.ErrConflict) {
			return "", err
		}
	}
	return "", intro.TooMany(left)
}

// QuotaUsed returns how many introductions the account has asked for today. It
// probes the day's slots by _id.
func (s *Store) QuotaUsed(ctx context.Context, user string) (int, error) {
	day, _ := intro.Day(s.now())
	used := 0
	for n := 1; n <= intro.DailyLimit; n++ {
		// FindOne by a string _id is the one lookup the embedded backend does
		// without scanning (a count is an aggregation, which scans).
		err := s.keys.FindOne(ctx, bson.D{{Key: "_id", Value: quotaKey(user, day, n)}}).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return 0, translate(err, "quota")
		}
		used++
	}
	return used, nil
}

func (s *Store) recordEvent(ctx context.Context, ev intro.Event) error {
	ev.ID = NewID()
	if ev.At.IsZero() {
		ev.At = s.now()
	}
	_, err := s.introEvents().InsertOne(context.WithoutCancel(ctx), ev)
	return translate(err, "introduction event")
}

// getIntro reads the stored introduction as it is.
func (s *Store) getIntro(ctx context.Context, id string) (*intro.Introduction, error) {
	if !ValidID(id) {
		return nil, profile.NotFound("introduction")
	}
	var in intro.Introduction
	if err := s.intros().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&in); err != nil {
		return nil, translate(err, "introduction")
	}
	return &in, nil
}

// GetIntro returns the introduction with id. A pending one whose time is up is
// expired on the way (there is no TTL index on the embedded backend). ErrNotFound
// if none.
func (s *Store) GetIntro(ctx context.Context, id string) (*intro.Introduction, error) {
	in, err := s.getIntro(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Due(s.now()) {
		return s.expire(ctx, in)
	}
	return in, nil
}

// expire moves a due introduction to expired and returns what is stored after.
func (s *Store) expire(ctx context.Context, in *intro.Introduction) (*intro.Introduction, error) {
	prev := in.Version
	next := *in
	ev, ok := next.Expire(s.now())
	if !ok {
		return in, nil
	}
	err := s.SaveIntro(ctx, &next, prev, ev)
	if err != nil && !errors.Is(err, profile.ErrPrecondition) {
		return nil, err
	}
	// Lost the race to someone else's transition: read what won.
	return s.getIntro(ctx, in.ID)
}

// SaveIntro writes next, a changed copy of the introduction stored at version
// expect, as version expect+1, and records ev. Only one writer can move a given
// version (ErrPrecondition for the others). Accepting a mentoring introduction
// takes one of the mentor's capacity slots (ErrConflict, code mentor_full, when
// none is free); accepting grants both sides' owners sight of the other profile's
// contact; closing (declined, withdrawn, expired) frees the pair.
func (s *Store) SaveIntro(ctx context.Context, next *intro.Introduction, expect int64, ev intro.Event) error {
	if !ValidID(next.ID) {
		return profile.NotFound("introduction")
	}
	done, err := s.ClaimTransition(ctx, introScope, next.ID, expect+1, func(ctx context.Context) (int64, error) {
		cur, err := s.getIntro(ctx, next.ID)
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
	accepting := ev.From == intro.Pending && ev.To == intro.Accepted
	slot := ""
	if accepting && next.MentorID != "" {
		if slot, err = s.claimMentorSlot(ctx, next.MentorID, next.ID); err != nil {
			return err
		}
	}
	write := *next
	write.Version = expect + 1
	// The claimed transition makes this writer the only one moving the
	// introduction past expect; a filter on more than _id would make the embedded
	// backend scan the collection.
	res, err := s.intros().ReplaceOne(ctx, bson.D{{Key: "_id", Value: next.ID}}, &write)
	if err == nil && res.MatchedCount == 0 {
		err = &profile.Error{Kind: profile.ErrPrecondition, Code: "version_mismatch", Field: "version",
			EN: "the introduction was changed by someone else; reload and try again", ZH: "对接已被他人更新，请刷新后重试"}
	}
	if err != nil {
		if slot != "" {
			s.releaseKey(context.WithoutCancel(ctx), slot, next.ID)
		}
		return translate(err, "introduction")
	}
	ok = true
	*next = write
	bg := context.WithoutCancel(ctx)
	if accepting {
		// Written after the state, so a contact is never shown for an introduction
		// that is not stored as accepted. A crash in between is repaired by
		// accepting again (idempotent), which calls GrantContacts.
		if err := s.GrantContacts(bg, next); err != nil {
			return err
		}
	}
	if !next.State.Open() {
		s.releasePair(bg, pairKey(next.From.ID, next.To.ID), next.ID)
	}
	ev.IntroID = next.ID
	return s.recordEvent(bg, ev)
}

// GrantContacts records that the owner of each side of an accepted introduction
// may see the other side's contact. Repeating it is harmless.
func (s *Store) GrantContacts(ctx context.Context, in *intro.Introduction) error {
	if in.State != intro.Accepted {
		return nil
	}
	for _, k := range []string{contactKey(in.FromOwner, in.To.ID), contactKey(in.ToOwner, in.From.ID)} {
		if err := s.claimKey(ctx, k, in.ID); err != nil && !errors.Is(err, profile.ErrConflict) {
			return err
		}
	}
	return nil
}

// claimMentorSlot takes the first free of the mentor's capacity slots. The
// capacity is read from the mentor's profile now, so raising it frees slots and
// lowering it below the slots taken refuses new acceptances.
func (s *Store) claimMentorSlot(ctx context.Context, mentorID, ref string) (string, error) {
	m, err := s.GetProfile(ctx, mentorID)
	if err != nil {
		return "", err
	}
	for n := 1; n <= m.Capacity; n++ {
		key := mentorSlotKey(mentorID, n)
		err := s.claimKey(ctx, key, ref)
		if err == nil {
			return key, nil
		}
		if !errors.Is(err, profile.ErrConflict) {
			return "", err
		}
	}
	return "", intro.MentorFull(m.Capacity)
}

// Introduced reports whether viewer owns the other side of an accepted
// introduction with profile p: one lookup by _id.
func (s *Store) Introduced(ctx context.Context, viewer *profile.User, p *profile.Profile) (bool, error) {
	if viewer == nil || p == nil {
		return false, nil
	}
	_, err := s.lookupKey(ctx, contactKey(viewer.ID, p.ID))
	if errors.Is(err, profile.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// boxFilter is the query of one account's box. Every value is a plain string
// compared for equality, so nothing a client sends becomes an operator.
func boxFilter(q intro.Query) (bson.D, error) {
	switch q.Box {
	case intro.Inbox:
		return bson.D{{Key: "recipients", Value: q.UserID}}, nil
	case intro.Outbox:
		return bson.D{{Key: "requester", Value: q.UserID}}, nil
	case intro.Brokered:
		return bson.D{{Key: "broker", Value: q.UserID}}, nil
	case intro.All:
		return bson.D{}, nil
	}
	return nil, profile.Invalid("box", "unknown_code", "box must be one of: inbox, outbox, brokered, all", "box 须为 inbox、outbox、brokered 或 all")
}

// ListIntros returns one page of a box (newest first), the cursor of the next page
// ("" at the end) and the box's counts by state (every state present, 0 or more).
// Pending introductions of the box whose time is up are expired first. The
// embedded backend scans the collection for this.
func (s *Store) ListIntros(ctx context.Context, q intro.Query) ([]intro.Introduction, string, map[intro.State]int, error) {
	base, err := boxFilter(q)
	if err != nil {
		return nil, "", nil, err
	}
	if _, err := s.expireWhere(ctx, base); err != nil {
		return nil, "", nil, err
	}
	counts := map[intro.State]int{}
	for _, st := range intro.States {
		counts[st] = 0
	}
	cur, err := s.intros().Find(ctx, base, options.Find().SetProjection(bson.D{{Key: "state", Value: 1}}))
	if err != nil {
		return nil, "", nil, translate(err, "introductions")
	}
	var states []struct {
		State intro.State `bson:"state"`
	}
	if err := cur.All(ctx, &states); err != nil {
		return nil, "", nil, translate(err, "introductions")
	}
	for _, st := range states {
		counts[st.State]++
	}
	limit := q.Limit
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	f := append(bson.D{}, base...)
	if q.State != "" {
		f = append(f, bson.E{Key: "state", Value: string(q.State)})
	}
	if q.After != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: q.After}}})
	}
	cur, err = s.intros().Find(ctx, f, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, "", nil, translate(err, "introductions")
	}
	out := []intro.Introduction{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, "", nil, translate(err, "introductions")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, counts, nil
}

// expireWhere expires the pending introductions matching base whose time is up and
// returns how many it moved.
func (s *Store) expireWhere(ctx context.Context, base bson.D) (int, error) {
	f := append(append(bson.D{}, base...), bson.E{Key: "state", Value: string(intro.Pending)},
		bson.E{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: s.now()}}})
	cur, err := s.intros().Find(ctx, f)
	if err != nil {
		return 0, translate(err, "introductions")
	}
	var due []intro.Introduction
	if err := cur.All(ctx, &due); err != nil {
		return 0, translate(err, "introductions")
	}
	n := 0
	for i := range due {
		got, err := s.expire(ctx, &due[i])
		if err != nil {
			return n, err
		}
		if got.State == intro.Expired {
			n++
		}
	}
	return n, nil
}

// ExpireDue expires every pending introduction past its expiry and returns
// how many; a server may call it periodically, and reads expire lazily anyway.
func (s *Store) ExpireDue(ctx context.Context) (int, error) { return s.expireWhere(ctx, bson.D{}) }

// IntroEvents returns the audit trail of one introduction, oldest first.
func (s *Store) IntroEvents(ctx context.Context, id string) ([]intro.Event, error) {
	cur, err := s.introEvents().Find(ctx, bson.D{{Key: "intro", Value: id}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "introduction events")
	}
	out := []intro.Event{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "introduction events")
	}
	return out, nil
}

// MentoringCounts returns, per mentor profile id, how many mentoring introductions
// are accepted: the figure matching subtracts from a mentor's capacity.
func (s *Store) MentoringCounts(ctx context.Context) (map[string]int, error) {
	cur, err := s.intros().Find(ctx, bson.D{{Key: "state", Value: string(intro.Accepted)}},
		options.Find().SetProjection(bson.D{{Key: "mentor_id", Value: 1}}))
	if err != nil {
		return nil, translate(err, "introductions")
	}
	var rows []struct {
		MentorID string `bson:"mentor_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "introductions")
	}
	out := map[string]int{}
	for _, r := range rows {
		if r.MentorID != "" {
			out[r.MentorID]++
		}
	}
	return out, nil
}

// AcceptedMentoring reports, for the given mentors, how many mentoring
// introductions are accepted. Matching asks this for every mentor candidate, so it
// answers from counts refreshed at most every mentoringTTL (one scan of the
// introductions, which are few next to the profiles); a mentor accepted moments
// ago may be proposed once more before the counts catch up, and accepting beyond
// capacity is refused by the mentor-slot keys regardless.
func (s *Store) AcceptedMentoring(ctx context.Context, mentorIDs []string) (map[string]int, error) {
	s.mentoringMu.Lock()
	defer s.mentoringMu.Unlock()
	if s.mentoring == nil || s.now().Sub(s.mentoringAt) > mentoringTTL {
		counts, err := s.MentoringCounts(ctx)
		if err != nil {
			return nil, err
		}
		s.mentoring, s.mentoringAt = counts, s.now()
	}
	out := make(map[string]int, len(mentorIDs))
	for _, id := range mentorIDs {
		if n := s.mentoring[id]; n > 0 {
			out[id] = n
		}
	}
	return out, nil
}

const mentoringTTL = 5 * time.Second

// introsWhere returns the introductions matching f (a background sweep's
// query: the embedded backend scans the collection for it).
func (s *Store) introsWhere(ctx context.Context, f bson.D) ([]intro.Introduction, error) {
	cur, err := s.intros().Find(ctx, f)
	if err != nil {
		return nil, translate(err, "introductions")
	}
	out := []intro.Introduction{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "introductions")
	}
	return out, nil
}

// PendingExpiringBy returns the pending introductions that expire at or before t.
func (s *Store) PendingExpiringBy(ctx context.Context, t time.Time) ([]intro.Introduction, error) {
	return s.introsWhere(ctx, bson.D{{Key: "state", Value: string(intro.Pending)},
		{Key: "expires_at", Value: bson.D{{Key: "$lte", Value: t}}}})
}

// ExpiredSince returns the introductions that expired at or after t.
func (s *Store) ExpiredSince(ctx context.Context, t time.Time) ([]intro.Introduction, error) {
	return s.introsWhere(ctx, bson.D{{Key: "state", Value: string(intro.Expired)},
		{Key: "updated_at", Value: bson.D{{Key: "$gte", Value: t}}}})
}

// AcceptedBetween returns the accepted introductions decided from a to b
// (inclusive).
func (s *Store) AcceptedBetween(ctx context.Context, a, b time.Time) ([]intro.Introduction, error) {
	return s.introsWhere(ctx, bson.D{{Key: "state", Value: string(intro.Accepted)},
		{Key: "decided_at", Value: bson.D{{Key: "$gte", Value: a}, {Key: "$lte", Value: b}}}})
}
