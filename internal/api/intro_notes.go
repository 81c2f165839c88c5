package api

import (
	"context"
	"slices"

	"fuhua/internal/intro"
	"fuhua/internal/notify"
	"fuhua/internal/profile"
)

// Who is told what when an introduction moves (issue 10). The texts name both
// profiles and, for a brokered introduction, the broker (see internal/notify).

func refOf(p *profile.Profile) notify.Ref {
	if p == nil {
		return notify.Ref{}
	}
	return notify.Ref{Kind: p.Kind, ID: p.ID, Name: p.Name}
}

// participants are the accounts an introduction concerns, each once, less skip.
func participants(in *intro.Introduction, skip string) []string {
	var out []string
	for _, id := range []string{in.FromOwner, in.ToOwner, in.RequesterID, in.BrokerID} {
		if id != "" && id != skip && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// sideOf returns the profile account owns in the introduction and the other
// one; for an account owning neither (a broker), from and to.
func sideOf(in *intro.Introduction, account string, from, to *profile.Profile) (mine, other *profile.Profile) {
	if account == in.ToOwner && account != in.FromOwner {
		return to, from
	}
	return from, to
}

// tellCreated tells the recipients of a new introduction: the owner of to of a
// direct request, both sides of a brokered one (naming the broker).
func (s *Server) tellCreated(ctx context.Context, in *intro.Introduction, actor *profile.User, from, to *profile.Profile) {
	for _, r := range in.Recipients {
		if !in.Brokered() {
			s.tell(ctx, r, notify.Received(in.ID, refOf(from), refOf(to)))
			continue
		}
		mine, other := sideOf(in, r, from, to)
		s.tell(ctx, r, notify.Brokered(in.ID, actor.Name, refOf(mine), refOf(other)))
	}
}

// tellAnswered tells the others what actor's answer did: an acceptance that
// completes the introduction goes to everyone in it; one side's acceptance of a
// brokered introduction to the broker and the sides still to answer; a decline
// to everyone else.
func (s *Server) tellAnswered(ctx context.Context, action string, in *intro.Introduction, actor *profile.User, from, to *profile.Profile) {
	mine, other := sideOf(in, actor.ID, from, to)
	switch {
	case action == "accept" && in.State == intro.Accepted:
		for _, a := range participants(in, actor.ID) {
			s.tell(ctx, a, notify.Accepted(in.ID, refOf(from), refOf(to)))
		}
	case action == "accept" && in.State == intro.Pending:
		for _, a := range participants(in, actor.ID) {
			if slices.Contains(in.AcceptedBy, a) {
				continue
			}
			s.tell(ctx, a, notify.AcceptedBySide(in.ID, refOf(mine), refOf(other)))
		}
	case action == "decline" && in.State == intro.Declined:
		for _, a := range participants(in, actor.ID) {
			s.tell(ctx, a, notify.Declined(in.ID, refOf(mine), refOf(other)))
		}
	}
}
