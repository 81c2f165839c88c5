package mongodb

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"fuhua/internal/notify"
	"fuhua/internal/profile"
)

// Saved searches and match lists: one document per account in "saved" (_id the
// account id) holding its lists and a version; every change is a claimed
// transition (see cas.go), so two replicas adding at once cannot lose one.

const savedScope = "saved"

type savedDoc struct {
	ID      string         `bson:"_id"`
	Items   []notify.Saved `bson:"items"`
	Version int64          `bson:"version"`
}

func (s *Store) savedColl() *mongo.Collection { return s.db.Collection("saved") }

func (s *Store) savedDoc(ctx context.Context, account string) (savedDoc, error) {
	d := savedDoc{ID: account, Items: []notify.Saved{}}
	err := s.savedColl().FindOne(ctx, bson.D{{Key: "_id", Value: account}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return d, translate(err, "saved lists")
	}
	return d, nil
}

// ListSaved returns the account's saved lists, oldest first.
func (s *Store) ListSaved(ctx context.Context, account string) ([]notify.Saved, error) {
	d, err := s.savedDoc(ctx, account)
	return d.Items, err
}

// changeSaved applies change to the account's lists and stores them as the next
// version. ErrPrecondition if someone else changed them at the same moment.
func (s *Store) changeSaved(ctx context.Context, account string, change func([]notify.Saved) ([]notify.Saved, error)) error {
	d, err := s.savedDoc(ctx, account)
	if err != nil {
		return err
	}
	items, err := change(slices.Clone(d.Items))
	if err != nil {
		return err
	}
	done, err := s.ClaimTransition(ctx, savedScope, account, d.Version+1, func(ctx context.Context) (int64, error) {
		cur, err := s.savedDoc(ctx, account)
		return cur.Version, err
	})
	if err != nil {
		return err
	}
	_, err = s.savedColl().ReplaceOne(ctx, bson.D{{Key: "_id", Value: account}},
		savedDoc{ID: account, Items: items, Version: d.Version + 1}, options.Replace().SetUpsert(true))
	done(err == nil)
	return translate(err, "saved lists")
}

// AddSaved keeps sv (with a fresh id) among the account's lists. ErrConflict
// (code too_many_saved) past notify.MaxSaved.
func (s *Store) AddSaved(ctx context.Context, account string, sv *notify.Saved) error {
	sv.ID, sv.Owner, sv.CreatedAt = NewID(), account, s.now()
	return s.changeSaved(ctx, account, func(items []notify.Saved) ([]notify.Saved, error) {
		if len(items) >= notify.MaxSaved {
			e := profile.Conflict("too_many_saved", fmt.Sprintf("an account keeps at most %d saved searches and match lists; delete one first", notify.MaxSaved),
				fmt.Sprintf("每个账号最多保存 %d 个检索或匹配列表，请先删除一个", notify.MaxSaved))
			return nil, e
		}
		return append(items, *sv), nil
	})
}

// DeleteSaved drops the account's list id. ErrNotFound if it has none such.
func (s *Store) DeleteSaved(ctx context.Context, account, id string) error {
	return s.changeSaved(ctx, account, func(items []notify.Saved) ([]notify.Saved, error) {
		i := slices.IndexFunc(items, func(sv notify.Saved) bool { return sv.ID == id })
		if i < 0 {
			return nil, profile.NotFound("saved list")
		}
		return slices.Delete(items, i, i+1), nil
	})
}

// AllSaved returns every account's saved lists. It scans the collection (one
// small document per account that saved anything); the API caches it.
func (s *Store) AllSaved(ctx context.Context) ([]notify.Saved, error) {
	cur, err := s.savedColl().Find(ctx, bson.D{})
	if err != nil {
		return nil, translate(err, "saved lists")
	}
	var docs []savedDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err, "saved lists")
	}
	var out []notify.Saved
	for _, d := range docs {
		for _, sv := range d.Items {
			sv.Owner = d.ID
			out = append(out, sv)
		}
	}
	return out, nil
}
