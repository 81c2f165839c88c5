// Package mongodb is the only package that speaks to the database: it stores
// profiles, accounts and the change log the search index follows. It writes to the
// subset of MongoDB that FerretDB v1 also serves — no transactions, no change
// streams, single-document atomicity — and keeps hot paths on _id, because the
// embedded backend scans the collection for any other filter.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/intro"
	"fuhua/internal/metrics"
	"fuhua/internal/profile"
)

// Store is fuhua's database.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	profiles *mongo.Collection
	changes  *mongo.Collection
	seqs     *mongo.Collection
	counters *mongo.Collection
	keys     *mongo.Collection
	users    *mongo.Collection
	now      func() time.Time
	// introTTL is how long a request waits for an answer (intro.TTL unless set).
	introTTL time.Duration
	// lastClaim is the highest change sequence this process has claimed.
	lastClaim atomic.Int64
	// lastSeen is the highest change sequence LastSeq has found claimed.
	lastSeen atomic.Int64
	// quotaHint is, per "account:day", the daily slot claimQuota last took.
	quotaHint memo[int]
	// requestSweep is when (Unix ms) idempotency records were last swept.
	requestSweep atomic.Int64

	// mentoring caches MentoringCounts for AcceptedMentoring.
	mentoringMu sync.Mutex
	mentoring   map[string]int
	mentoringAt time.Time

	// mergeFault, when set (tests), is asked before each step of a merge.
	mergeFault mergeStep
}

// Open connects to uri, checks the server answers within the context's deadline,
// and makes sure the indexes exist. It returns ErrUnavailable when the server can't
// be reached.
func Open(ctx context.Context, uri, dbName string) (*Store, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).
		SetTimeout(30 * time.Second).
		SetMonitor(metrics.CommandMonitor()))
	if err != nil {
		return nil, fmt.Errorf("%w: connect: %v", profile.ErrUnavailable, err)
	}
	s := NewStore(client, dbName)
	if err := s.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.ensureCollections(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return s, nil
}

// NewStore wraps a connected client; Open is the usual way in.
func NewStore(client *mongo.Client, dbName string) *Store {
	db := client.Database(dbName)
	return &Store{
		client:   client,
		db:       db,
		profiles: db.Collection("profiles"),
		changes:  db.Collection("changes"),
		seqs:     db.Collection("seqs"),
		counters: db.Collection("counters"),
		keys:     db.Collection("keys"),
		users:    db.Collection("users"),
		now:      func() time.Time { return time.Now().UTC().Truncate(time.Millisecond) },
		introTTL: intro.TTL,
	}
}

// maxMemo bounds a memo; when full it starts over.
const maxMemo = 50_000

// memo is what this process remembers by key to spare the database work it
// can tell it need not do again; losing it costs only that work.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (c *memo[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *memo[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxMemo {
		c.m = map[string]V{}
	}
	c.m[key] = v
}

// SetIntroTTL sets how long a new introduction request waits for an answer
// before it expires (FUHUA_INTRO_TTL); d ≤ 0 keeps intro.TTL.
func (s *Store) SetIntroTTL(d time.Duration) {
	if d > 0 {
		s.introTTL = d
	}
}

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Database is the underlying database, for packages that keep their own
// collections beside the profiles (introductions) and for tests.
func (s *Store) Database() *mongo.Database { return s.db }

// Ping checks the server answers. ErrUnavailable if not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return fmt.Errorf("%w: ping: %v", profile.ErrUnavailable, err)
	}
	return nil
}

// Close disconnects.
func (s *Store) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }

// Collections names every collection the store writes. They are created when the
// store opens, so the embedded server can index them all at once (see
// embedded.Server.IndexIDs).
var Collections = []string{"profiles", "changes", "seqs", "counters", "keys", "users", "introductions", "intro_events", "rounds", "round_pairs", "requests", "mentor_services", "notifications", "notify_state", "saved", "name_keys", "merges"}

func (s *Store) ensureCollections(ctx context.Context) error {
	have, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("%w: list collections: %v", profile.ErrUnavailable, err)
	}
	for _, name := range Collections {
		if slices.Contains(have, name) {
			continue
		}
		if err := s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("%w: create collection %s: %v", profile.ErrUnavailable, name, err)
		}
	}
	return nil
}

// isNamespaceExists reports the error of creating a collection that a concurrent
// opener just created.
func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}

func (s *Store) ensureIndexes(ctx context.Context) error {
	// These serve a real MongoDB; the embedded backend accepts and ignores them for
	// anything but _id. Uniqueness that matters (e-mail, credit code) is enforced
	// through the keys collection's _id, which both backends honour.
	want := []mongo.IndexModel{
		{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "archived", Value: 1}, {Key: "_id", Value: 1}}},
		{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "district", Value: 1}}},
		{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "chains", Value: 1}}},
		{Keys: bson.D{{Key: "owner_id", Value: 1}}},
	}
	if err := createMissingIndexes(ctx, s.profiles, want); err != nil {
		return err
	}
	return s.EnsureIntroIndexes(ctx)
}

// createMissingIndexes creates those of want that coll lacks. Only missing indexes are
// created: FerretDB v1 drops the connection when asked to create one that already
// exists (measured on restart).
func createMissingIndexes(ctx context.Context, coll *mongo.Collection, want []mongo.IndexModel) error {
	specs, err := coll.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("%w: list indexes of %s: %v", profile.ErrUnavailable, coll.Name(), err)
	}
	have := map[string]bool{}
	for _, sp := range specs {
		have[sp.Name] = true
	}
	for _, m := range want {
		name := indexName(m)
		if have[name] {
			continue
		}
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("%w: create index %s on %s: %v", profile.ErrUnavailable, name, coll.Name(), err)
		}
	}
	return nil
}

// indexName is the name MongoDB gives an index by default: its keys and
// directions joined by underscores.
func indexName(m mongo.IndexModel) string {
	var parts []string
	for _, e := range m.Keys.(bson.D) {
		parts = append(parts, fmt.Sprintf("%s_%v", e.Key, e.Value))
	}
	return strings.Join(parts, "_")
}

var objectIDPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

// ValidID reports whether id has the shape of a fuhua id (24 lower-case hex digits).
func ValidID(id string) bool { return objectIDPattern.MatchString(id) }

// NewID makes a fresh id.
func NewID() string { return bson.NewObjectID().Hex() }

// translate maps driver errors to the domain's kinds at the store's edge.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case isDomain(err):
		return err // already translated, or a domain error of the store's own
	case errors.Is(err, mongo.ErrNoDocuments):
		return profile.NotFound(what)
	case mongo.IsDuplicateKeyError(err):
		return fmt.Errorf("%w: duplicate %s", profile.ErrConflict, what)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), mongo.IsTimeout(err), mongo.IsNetworkError(err),
		backendDown(err):
		return fmt.Errorf("%w: %s: %v", profile.ErrUnavailable, what, err)
	}
	return fmt.Errorf("%w: %s: %v", profile.ErrInternal, what, err)
}

// backendDown reports a server that answers but cannot reach its storage:
// FerretDB answers InternalError (code 1) when PostgreSQL is down, and MongoDB
// the same for a failure of its own; either passes when the storage is back.
func backendDown(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(1)
}

// isDomain reports whether err already carries one of the domain's error kinds.
func isDomain(err error) bool {
	if _, ok := profile.AsError(err); ok {
		return true
	}
	for _, k := range []error{profile.ErrNotFound, profile.ErrConflict, profile.ErrPrecondition, profile.ErrUnavailable, profile.ErrInternal} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// claimKey makes key point at ref; a key already taken gives ErrConflict. Keys carry
// uniqueness (e-mail, credit code) on _id, which every backend enforces and looks up
// without a scan.
func (s *Store) claimKey(ctx context.Context, key, ref string) error {
	_, err := s.keys.InsertOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "ref", Value: ref}})
	return translate(err, "key")
}

// releaseKey frees key if it still points at ref, so a release never frees a
// key someone else has claimed since. It reads the key by _id and deletes it
// by _id: a filter on _id and ref, which MongoDB answers from the _id index,
// the embedded backend answers by reading every key (credit codes, e-mails,
// introduction pairs: 0.67 s among 40k keys, BenchmarkReleaseKey) and then
// deleting by _id, which is no more atomic than this. Who may release a
// key while another release of the same holder runs is serialised by the
// caller where that can happen (releasePair's marker).
func (s *Store) releaseKey(ctx context.Context, key, ref string) {
	var doc struct {
		Ref string `bson:"ref"`
	}
	if err := s.keys.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc); err != nil || doc.Ref != ref {
		return
	}
	_, _ = s.keys.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
}

// lookupKey returns what key points at; ErrNotFound if nothing.
func (s *Store) lookupKey(ctx context.Context, key string) (string, error) {
	var doc struct {
		Ref string `bson:"ref"`
	}
	err := s.keys.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&doc)
	if err != nil {
		return "", translate(err, "key")
	}
	return doc.Ref, nil
}
