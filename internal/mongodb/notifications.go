package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/notify"
	"fuhua/internal/profile"
)

// Notifications.
//
// The embedded backend answers only a plain string _id filter without scanning
// its collection (measured in FerretDB v1.24's SQLite backend: any other filter,
// an _id range included, reads every document), and a badge is asked for on
// every page. So every read of one account's notifications is a lookup by _id:
//
//   - "notifications": one document per notification, _id "<account>:<seq>" with
//     seq the account's own running number (12 digits), claimed by a unique
//     insert, so two replicas never share one;
//   - "notify_state": one document per account (_id the account id) with head (the
//     highest seq, a hint: readers probe past it), read_upto (everything up to it
//     is read: "mark all read" is one write), mailed_upto (the digest's progress)
//     and the preferences.
//
// A page walks down from head by _id; the unread count walks (read_upto, head],
// at most unreadWindow documents (a backlog beyond is counted as unread), and
// moves read_upto up past a run of read ones so the walk stays short. Updates of
// notify_state use $max, so a lost update (the embedded backend's updates are not
// atomic) can only leave a hint lower than it could be.
//
// Measured on the embedded backend (2 loaded cores, 2,000 notifications over 20
// accounts): a page of 20 with an unread count of 100 took ~80 ms, the count after
// "all read" ~18 ms; one range filter on _id for the same account's 100 took
// ~490 ms, and grows with every account's notifications, not the one asking.

const (
	// unreadWindow bounds the documents one unread count reads.
	unreadWindow = 100
	// maxSeqProbe bounds the slots tried when numbering a notification.
	maxSeqProbe = 64
)

func (s *Store) notes() *mongo.Collection      { return s.db.Collection("notifications") }
func (s *Store) noteStates() *mongo.Collection { return s.db.Collection("notify_state") }
func noteID(account string, seq int64) string  { return fmt.Sprintf("%s:%012d", account, seq) }

type noteState struct {
	ID         string              `bson:"_id"`
	Head       int64               `bson:"head"`
	ReadUpto   int64               `bson:"read_upto"`
	MailedUpto int64               `bson:"mailed_upto"`
	Prefs      *notify.Preferences `bson:"prefs,omitempty"`
}

func (s *Store) noteState(ctx context.Context, account string) (noteState, error) {
	st := noteState{ID: account}
	err := s.noteStates().FindOne(ctx, bson.D{{Key: "_id", Value: account}}).Decode(&st)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return st, translate(err, "notification state")
	}
	return st, nil
}

func (s *Store) raiseState(ctx context.Context, account, field string, v int64) error {
	return s.upsertState(ctx, account, bson.D{{Key: "$max", Value: bson.D{{Key: field, Value: v}}}})
}

// upsertState applies update to the account's state, creating it if need be.
// Two first writers may both try to create it; the loser's duplicate key means
// it exists now, so the update is tried again.
func (s *Store) upsertState(ctx context.Context, account string, update bson.D) error {
	var err error
	for range 3 {
		_, err = s.noteStates().UpdateOne(ctx, bson.D{{Key: "_id", Value: account}}, update, options.UpdateOne().SetUpsert(true))
		if !mongo.IsDuplicateKeyError(err) {
			break
		}
	}
	return translate(err, "notification state")
}

// NotePrefs returns the account's notification preferences, the defaults for
// every type it never set. ErrUnavailable if the database cannot answer.
func (s *Store) NotePrefs(ctx context.Context, account string) (notify.Preferences, error) {
	st, err := s.noteState(ctx, account)
	if err != nil {
		return notify.Preferences{}, err
	}
	if st.Prefs == nil {
		return notify.Defaults(), nil
	}
	return st.Prefs.Complete(), nil
}

// SetNotePrefs stores the account's preferences (complete them first).
func (s *Store) SetNotePrefs(ctx context.Context, account string, p notify.Preferences) error {
	return s.upsertState(ctx, account, bson.D{{Key: "$set", Value: bson.D{{Key: "prefs", Value: p}}}})
}

func (s *Store) getNote(ctx context.Context, account string, seq int64) (*notify.Notification, error) {
	var n notify.Notification
	err := s.notes().FindOne(ctx, bson.D{{Key: "_id", Value: noteID(account, seq)}}).Decode(&n)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "notification")
	}
	return &n, nil
}

// head finds the account's highest seq: the stored hint, then probing past it.
func (s *Store) head(ctx context.Context, st noteState) (int64, error) {
	h := st.Head
	for {
		n, err := s.getNote(ctx, st.ID, h+1)
		if err != nil {
			return 0, err
		}
		if n == nil {
			return h, nil
		}
		h++
	}
}

// Notify stores n for account, as its preferences say: not at all when its type
// is off both in the app and by e-mail, hidden from the app when only e-mail is
// on. It returns whether it stored anything. ErrUnavailable if the database
// cannot answer.
func (s *Store) Notify(ctx context.Context, account string, n notify.Notification) (bool, error) {
	if account == "" || !n.Type.Valid() {
		return false, nil
	}
	st, err := s.noteState(ctx, account)
	if err != nil {
		return false, err
	}
	prefs := notify.Defaults()
	if st.Prefs != nil {
		prefs = st.Prefs.Complete()
	}
	ch := prefs.For(n.Type)
	if !ch.InApp && !ch.Email {
		return false, nil
	}
	n.Account, n.InApp, n.Read, n.CreatedAt = account, ch.InApp, false, s.now()
	seq := st.Head + 1
	for tries := 0; ; tries++ {
		n.Seq, n.ID = seq, noteID(account, seq)
		_, err := s.notes().InsertOne(ctx, &n)
		if err == nil {
			break
		}
		if !mongo.IsDuplicateKeyError(err) || tries >= maxSeqProbe {
			return false, translate(err, "notification")
		}
		seq++
	}
	return true, s.raiseState(context.WithoutCancel(ctx), account, "head", seq)
}

// ListNotes returns one page of the account's notifications shown in the app.
// Every document is read by _id. ErrUnavailable if the database cannot answer.
func (s *Store) ListNotes(ctx context.Context, q notify.Query) (notify.Page, error) {
	out := notify.Page{Items: []notify.Notification{}}
	st, err := s.noteState(ctx, q.Account)
	if err != nil {
		return out, err
	}
	head, err := s.head(ctx, st)
	if err != nil {
		return out, err
	}
	seen := map[int64]*notify.Notification{}
	get := func(seq int64) (*notify.Notification, error) {
		if n, ok := seen[seq]; ok {
			return n, nil
		}
		n, err := s.getNote(ctx, q.Account, seq)
		if err == nil {
			if n != nil && st.ReadUpto >= seq {
				n.Read = true
			}
			seen[seq] = n
		}
		return n, err
	}
	// The unread count, and read_upto moved past the run of read ones above it.
	lo := max(st.ReadUpto, head-unreadWindow)
	run, inRun := st.ReadUpto, true
	for seq := lo + 1; seq <= head; seq++ {
		n, err := get(seq)
		if err != nil {
			return out, err
		}
		if n == nil || !n.InApp || n.Read {
			if inRun && seq == run+1 {
				run = seq
			}
			continue
		}
		inRun = false
		out.Unread++
	}
	out.Unread += int(lo - st.ReadUpto)
	if run > st.ReadUpto && lo == st.ReadUpto {
		if err := s.raiseState(ctx, q.Account, "read_upto", run); err != nil {
			return out, err
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	start := head
	if q.Before > 0 && q.Before-1 < head {
		start = q.Before - 1
	}
	floor := int64(0)
	if q.UnreadOnly {
		floor = st.ReadUpto // nothing at or below it is unread
	}
	probes := 0
	for seq := start; seq > floor; seq-- {
		if probes++; probes > unreadWindow+limit {
			out.Next = seq + 1
			break
		}
		n, err := get(seq)
		if err != nil {
			return out, err
		}
		if n == nil || !n.InApp || (q.UnreadOnly && n.Read) {
			continue
		}
		if len(out.Items) == limit {
			out.Next = out.Items[limit-1].Seq
			break
		}
		out.Items = append(out.Items, *n)
	}
	return out, nil
}

// MarkNotesRead marks the account's notifications with the given seqs read.
// Seqs the account never had are ignored. ErrUnavailable if the database cannot
// answer.
func (s *Store) MarkNotesRead(ctx context.Context, account string, seqs []int64) error {
	for _, seq := range seqs {
		_, err := s.notes().UpdateOne(ctx, bson.D{{Key: "_id", Value: noteID(account, seq)}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "read", Value: true}}}})
		if err != nil {
			return translate(err, "notification")
		}
	}
	return nil
}

// MarkAllNotesRead marks every notification the account has now read: one write.
func (s *Store) MarkAllNotesRead(ctx context.Context, account string) error {
	st, err := s.noteState(ctx, account)
	if err != nil {
		return err
	}
	head, err := s.head(ctx, st)
	if err != nil {
		return err
	}
	return s.raiseState(ctx, account, "read_upto", head)
}

// DigestAccounts returns the accounts with notifications the digest has not
// yet considered. It scans notify_state (one small document per account that
// was ever notified), which the digest does once per period, not per request.
func (s *Store) DigestAccounts(ctx context.Context) ([]string, error) {
	cur, err := s.noteStates().Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "head", Value: 1}, {Key: "mailed_upto", Value: 1}}))
	if err != nil {
		return nil, translate(err, "notification state")
	}
	var rows []noteState
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "notification state")
	}
	var out []string
	for _, r := range rows {
		if r.Head > r.MailedUpto {
			out = append(out, r.ID)
		}
	}
	return out, nil
}

// DigestItems returns what the account's digest would send now — its unread
// notifications since the last digest whose type has e-mail on — and the seq to
// pass to MarkMailed once sent. The preferences are returned too (the digest
// may be off).
func (s *Store) DigestItems(ctx context.Context, account string) ([]notify.Notification, int64, notify.Preferences, error) {
	st, err := s.noteState(ctx, account)
	if err != nil {
		return nil, 0, notify.Preferences{}, err
	}
	prefs := notify.Defaults()
	if st.Prefs != nil {
		prefs = st.Prefs.Complete()
	}
	head, err := s.head(ctx, st)
	if err != nil {
		return nil, 0, prefs, err
	}
	var items []notify.Notification
	for seq := max(st.MailedUpto, head-unreadWindow) + 1; seq <= head; seq++ {
		n, err := s.getNote(ctx, account, seq)
		if err != nil {
			return nil, 0, prefs, err
		}
		// read_upto speaks for what the app shows; one kept only for e-mail is
		// read only once mailed.
		if n == nil || n.Read || (n.InApp && seq <= st.ReadUpto) || !prefs.For(n.Type).Email {
			continue
		}
		items = append(items, *n)
	}
	return items, head, prefs, nil
}

// MarkMailed records that the digest has considered the account's notifications
// up to seq.
func (s *Store) MarkMailed(ctx context.Context, account string, seq int64) error {
	return s.raiseState(ctx, account, "mailed_upto", seq)
}

// ClaimOnce claims key (e.g. "remind:<intro>") for good: true for the one caller,
// across every replica, that inserts it first. Sweeps use it so a reminder or a
// digest goes out once. ErrUnavailable if the database cannot answer.
func (s *Store) ClaimOnce(ctx context.Context, key string) (bool, error) {
	err := s.claimKey(ctx, "once:"+key, key)
	if errors.Is(err, profile.ErrConflict) {
		return false, nil
	}
	return err == nil, err
}
