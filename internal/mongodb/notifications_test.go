package mongodb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"fuhua/internal/dbtest"
	"fuhua/internal/mongodb"
	"fuhua/internal/notify"
)

func TestNotificationsPerAccount(t *testing.T) {
	st := dbtest.Store(t)
	ctx := context.Background()
	a, b := mongodb.NewID(), mongodb.NewID()
	// Concurrent notifications of one account each get their own number.
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Notify(ctx, a, notify.Received(mongodb.NewID(), notify.Ref{Name: "甲"}, notify.Ref{Name: "乙"})); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := st.Notify(ctx, b, notify.Declined(mongodb.NewID(), notify.Ref{Name: "丙"}, notify.Ref{Name: "丁"})); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	page, err := st.ListNotes(ctx, notify.Query{Account: a, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first page of 4 with the unread count of 6: %v (embedded, by _id)", time.Since(start))
	if len(page.Items) != 4 || page.Unread != 6 || page.Next == 0 {
		t.Fatalf("page = %d items, unread %d, next %d; want 4, 6, a cursor", len(page.Items), page.Unread, page.Next)
	}
	ids := map[string]bool{}
	for _, n := range page.Items {
		ids[n.ID] = true
		if n.Type != notify.IntroReceived || n.ZH == "" || n.EN == "" {
			t.Errorf("item %+v", n)
		}
	}
	rest, err := st.ListNotes(ctx, notify.Query{Account: a, Limit: 4, Before: page.Next})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rest.Items {
		ids[n.ID] = true
	}
	if len(rest.Items) != 2 || rest.Next != 0 || len(ids) != 6 {
		t.Fatalf("second page %d items (next %d), %d distinct ids in all; want 2, end, 6", len(rest.Items), rest.Next, len(ids))
	}
	// Marking one read lowers the count; unread=1 leaves it out; b is untouched.
	seq, _ := notify.Seq(a, page.Items[0].ID)
	if err := st.MarkNotesRead(ctx, a, []int64{seq}); err != nil {
		t.Fatal(err)
	}
	unread, err := st.ListNotes(ctx, notify.Query{Account: a, UnreadOnly: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if unread.Unread != 5 || len(unread.Items) != 5 {
		t.Fatalf("after one read: unread %d, %d unread items; want 5, 5", unread.Unread, len(unread.Items))
	}
	if err := st.MarkAllNotesRead(ctx, a); err != nil {
		t.Fatal(err)
	}
	all, _ := st.ListNotes(ctx, notify.Query{Account: a, Limit: 20})
	other, _ := st.ListNotes(ctx, notify.Query{Account: b, Limit: 20})
	if all.Unread != 0 || len(all.Items) != 6 || !all.Items[5].Read || other.Unread != 1 {
		t.Fatalf("after all read: a unread %d (%d items), b unread %d; want 0 (6), 1", all.Unread, len(all.Items), other.Unread)
	}
	if _, ok := notify.Seq(a, other.Items[0].ID); ok {
		t.Fatal("b's notification id parses as a's")
	}
}

func TestNotificationPreferences(t *testing.T) {
	st := dbtest.Store(t)
	ctx := context.Background()
	a := mongodb.NewID()
	p := notify.Defaults()
	p.Types[notify.IntroDeclined] = notify.Channels{}                         // off everywhere
	p.Types[notify.IntroExpired] = notify.Channels{InApp: false, Email: true} // e-mail only
	if err := st.SetNotePrefs(ctx, a, p); err != nil {
		t.Fatal(err)
	}
	got, err := st.NotePrefs(ctx, a)
	if err != nil || got.For(notify.IntroDeclined).InApp || !got.For(notify.IntroReceived).InApp || got.EmailDigest != notify.DigestDaily {
		t.Fatalf("prefs = %+v, %v", got, err)
	}
	for _, n := range []notify.Notification{
		notify.Declined("x", notify.Ref{Name: "甲"}, notify.Ref{Name: "乙"}),
		notify.Expired("y", notify.Ref{Name: "甲"}, notify.Ref{Name: "乙"}),
		notify.Received("z", notify.Ref{Name: "甲"}, notify.Ref{Name: "乙"}),
	} {
		if _, err := st.Notify(ctx, a, n); err != nil {
			t.Fatal(err)
		}
	}
	page, _ := st.ListNotes(ctx, notify.Query{Account: a, Limit: 20})
	if len(page.Items) != 1 || page.Items[0].Type != notify.IntroReceived || page.Unread != 1 {
		t.Fatalf("in the app: %+v (unread %d); want only intro_received", page.Items, page.Unread)
	}
	items, upto, _, err := st.DigestItems(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Type != notify.IntroExpired || items[1].Type != notify.IntroReceived {
		t.Fatalf("digest items %+v; want intro_expired (e-mail only) and intro_received", items)
	}
	if err := st.MarkMailed(ctx, a, upto); err != nil {
		t.Fatal(err)
	}
	if items, _, _, _ := st.DigestItems(ctx, a); len(items) != 0 {
		t.Fatalf("after mailing, digest has %d items", len(items))
	}
	if ok, _ := st.ClaimOnce(ctx, "k"); !ok {
		t.Fatal("first claim failed")
	}
	if ok, _ := st.ClaimOnce(ctx, "k"); ok {
		t.Fatal("second claim of the same key succeeded")
	}
}
