package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fuhua/internal/notify"
)

// The e-mail digest (issue 10): once per period, each account whose digest is on
// gets one message listing its unread notifications since the last digest,
// only of the types whose e-mail preference is on. Off unless an SMTP relay is
// configured (cmd wires internal/mail). Every replica may run it: the message of
// one account and period is sent by whoever claims "digest:<account>:<period>".

// Mailer sends one e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Digests is what the digest needs of the store.
type Digests interface {
	DigestAccounts(ctx context.Context) ([]string, error)
	DigestItems(ctx context.Context, account string) ([]notify.Notification, int64, notify.Preferences, error)
	MarkMailed(ctx context.Context, account string, seq int64) error
	ClaimOnce(ctx context.Context, key string) (bool, error)
}

// SendDigests sends this period's digests through m (every is the period; base
// makes links absolute, e.g. https://fuhua.example) and returns how many it
// sent. A message that fails is logged and retried next period; its account's
// notifications stay unmailed.
func (s *Server) SendDigests(ctx context.Context, m Mailer, every time.Duration, base string) (int, error) {
	ds, ok := s.Notes.(Digests)
	if !ok || m == nil || every <= 0 {
		return 0, errors.New("digest: no notification store or mailer")
	}
	period := s.Now().UnixNano() / int64(every)
	accounts, err := ds.DigestAccounts(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range accounts {
		items, upto, prefs, err := ds.DigestItems(ctx, a)
		if err != nil {
			return sent, err
		}
		if prefs.EmailDigest != notify.DigestDaily || len(items) == 0 {
			// Nothing to send, or the digest is off: what is there now is never
			// mailed, so switching the digest on later sends only what is new.
			if err := ds.MarkMailed(ctx, a, upto); err != nil {
				return sent, err
			}
			continue
		}
		first, err := ds.ClaimOnce(ctx, fmt.Sprintf("digest:%s:%d", a, period))
		if err != nil {
			return sent, err
		}
		if !first {
			continue
		}
		u, err := s.Store.UserByID(ctx, a)
		if err != nil {
			s.Log.Warn("digest: account unreadable", "account", a, "err", err.Error())
			continue
		}
		mail := notify.DigestMail(u.Name, items, base)
		if err := m.Send(ctx, u.Email, mail.Subject, mail.Body); err != nil {
			s.Log.Warn("digest not sent", "account", a, "err", err.Error())
			continue
		}
		if err := ds.MarkMailed(ctx, a, upto); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
