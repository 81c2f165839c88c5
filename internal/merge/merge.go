// Package merge decides what merging two duplicate profiles does: which records
// move from the profile dropped to the one kept, which open introductions close
// because the merge would make them a second introduction of the same pair, and
// what blocks the merge. It is pure: the store gathers the facts and carries the
// plan out; this package knows no database and no HTTP.
//
// The rules:
//   - both profiles are of one kind that has duplicates (every kind but
//     mentors), live (not archived), and different;
//   - two different unified social credit codes are two legal entities, never
//     one firm entered twice: blocked. A code only the dropped one has moves to
//     the kept one;
//   - an introduction of the dropped profile moves to the kept one (its side and,
//     where it was the dropped profile's owner, its owner, recipients and
//     acceptances become the kept profile's owner's). When the kept profile
//     already has an open (pending or accepted) introduction with the same
//     counterpart, the two would be one pair twice: the accepted one survives;
//     of two pending ones the older (asked first) survives; the other closes
//     as withdrawn with a note, then moves as history. Two accepted ones block
//     the merge (each has its own contacts and outcomes; a person must decide);
//   - an introduction between the two duplicates themselves cannot become an
//     introduction of a profile with itself: if open it closes, and it stays,
//     closed, as history of the dropped profile;
//   - mentor sessions logged with the dropped startup, startups naming the
//     dropped carrier as their carrier or an enclave project's park, startups in
//     the dropped enclave's pipeline and mentors appointed by the dropped carrier
//     are moved to point at the kept one;
//   - a draft brokered round naming the dropped profile blocks the merge (edit
//     or publish it first); a published round is a record of a decision and
//     keeps the old id, which then answers with where it went (merged_into).
package merge

import (
	"slices"
	"sort"
	"time"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// Item is one line of a preview a person reads: a blocker or a note, with the
// id it is about.
type Item struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
	Ref  string `json:"ref,omitempty"`
}

// IntroMove is what happens to one introduction of the dropped profile.
type IntroMove struct {
	ID    string      `json:"id"`
	State intro.State `json:"state"`
	// Counterpart is the profile on the other side.
	Counterpart string `json:"counterpart_id"`
	// Action: move (to the kept profile), close (withdrawn, then moved as
	// history: the kept profile has the pair already), close_self (an
	// introduction between the two duplicates: closed if open, left as history).
	Action string `json:"action"`
}

// ProfileMove is a profile that names the dropped one and will name the kept
// one instead, and in which fields.
type ProfileMove struct {
	ID     string       `json:"id"`
	Kind   profile.Kind `json:"kind"`
	Name   string       `json:"name"`
	Fields []string     `json:"fields"`
}

// RoundRef is a brokered round that names a profile.
type RoundRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Draft bool   `json:"draft"`
}

// Facts is what the store found about the two profiles.
type Facts struct {
	Keep, Drop *profile.Profile
	// Intros are every introduction of either profile.
	Intros []intro.Introduction
	// Services is how many mentor sessions name the dropped startup.
	Services int
	// Referrers are the profiles that name the dropped one (see Refers).
	Referrers []*profile.Profile
	// Rounds name the dropped profile.
	Rounds []RoundRef
}

// Plan is the preview of a merge and what the store carries out.
type Plan struct {
	Kind           profile.Kind  `json:"kind"`
	KeepID         string        `json:"keep_id"`
	DropID         string        `json:"drop_id"`
	Introductions  []IntroMove   `json:"introductions"`
	MentorServices int           `json:"mentor_services"`
	Profiles       []ProfileMove `json:"profiles"`
	// CreditCode moves from the dropped profile to the kept one ("" if none).
	CreditCode string `json:"credit_code,omitempty"`
	// History is kept where it is and said so.
	History  []Item `json:"history"`
	Blockers []Item `json:"blockers"`
}

// Blocked reports whether anything stops the merge.
func (p *Plan) Blocked() bool { return len(p.Blockers) > 0 }

// Refers lists the fields of p that name the profile id.
func Refers(p *profile.Profile, id string) []string {
	var out []string
	if p.CarrierID == id {
		out = append(out, "carrier_id")
	}
	if e := p.Enclave; e != nil {
		if e.EnclaveID == id {
			out = append(out, "enclave.enclave_id")
		}
		if e.ParkID == id {
			out = append(out, "enclave.park_id")
		}
	}
	for _, a := range p.Appointments {
		if a.CarrierID == id {
			out = append(out, "appointments.carrier_id")
			break
		}
	}
	return out
}

// Repoint makes p name to wherever it names from (the fields Refers lists). An
// appointment by to already held keeps the earlier and drops the other.
func Repoint(p *profile.Profile, from, to string) {
	if p.CarrierID == from {
		p.CarrierID = to
	}
	if p.Enclave != nil {
		e := *p.Enclave
		if e.EnclaveID == from {
			e.EnclaveID = to
		}
		if e.ParkID == from {
			e.ParkID = to
		}
		p.Enclave = &e
	}
	var apps []profile.Appointment
	for _, a := range p.Appointments {
		if a.CarrierID == from {
			a.CarrierID = to
		}
		if i := slices.IndexFunc(apps, func(b profile.Appointment) bool { return b.CarrierID == a.CarrierID }); i >= 0 {
			if a.Since < apps[i].Since {
				apps[i].Since = a.Since
			}
			continue
		}
		apps = append(apps, a)
	}
	if p.Appointments != nil {
		p.Appointments = apps
	}
}

// Decide plans the merge of f.Drop into f.Keep.
func Decide(f Facts) Plan {
	k, d := f.Keep, f.Drop
	pl := Plan{Kind: k.Kind, KeepID: k.ID, DropID: d.ID, Introductions: []IntroMove{}, Profiles: []ProfileMove{},
		History: []Item{}, Blockers: []Item{}, MentorServices: f.Services}
	block := func(code, zh, en, ref string) { pl.Blockers = append(pl.Blockers, Item{code, zh, en, ref}) }
	switch {
	case k.ID == d.ID:
		block("same_profile", "保留的资料和并入的资料是同一份", "the profile kept and the one merged away are the same", "")
	case k.Kind != d.Kind:
		block("different_kinds", "两份资料类型不同，不能合并", "the two profiles are of different kinds", "")
	case !profile.DupChecked(k.Kind):
		block("kind_not_merged", "创业导师是个人，不按重复资料合并", "mentors are people and are not merged as duplicates", "")
	}
	if k.Archived {
		block("keep_archived", "保留的资料已归档", "the profile kept is archived", k.ID)
	}
	if d.Archived {
		block("drop_archived", "并入的资料已归档或已合并过", "the profile merged away is archived or merged already", d.ID)
	}
	switch {
	case k.CreditCode != "" && d.CreditCode != "" && k.CreditCode != d.CreditCode:
		block("different_credit_codes", "两份资料的统一社会信用代码不同，是两家企业，不能合并",
			"the two profiles have different unified social credit codes: they are two firms", "")
	case k.CreditCode == "" && d.CreditCode != "":
		pl.CreditCode = d.CreditCode
	}

	// Open introductions of the kept profile, by counterpart.
	keptOpen := map[string]intro.Introduction{}
	for _, in := range f.Intros {
		if other, ok := counterpart(in, k.ID); ok && other != d.ID && in.State.Open() {
			keptOpen[other] = in
		}
	}
	for _, in := range f.Intros {
		other, ok := counterpart(in, d.ID)
		if !ok {
			continue
		}
		mv := IntroMove{ID: in.ID, State: in.State, Counterpart: other, Action: "move"}
		switch kept, clash := keptOpen[other]; {
		case other == k.ID:
			mv.Action = "close_self"
			pl.History = append(pl.History, Item{"intro_between_duplicates",
				"两份重复资料之间的对接不能并为自己与自己的对接：进行中的将关闭，作为记录保留在并入的资料上",
				"an introduction between the two duplicates cannot become one of a profile with itself: an open one closes and stays as history of the profile merged away", in.ID})
		case !clash || !in.State.Open():
		case kept.State == intro.Accepted && in.State == intro.Accepted:
			block("both_accepted", "两份资料都与同一对象有已接受的对接，请先处理其中一条",
				"both profiles have an accepted introduction with the same counterpart; settle one first", in.ID)
		case in.State == intro.Accepted, in.State == kept.State && in.CreatedAt.Before(kept.CreatedAt):
			// This one survives; the kept profile's closes. It is planned as the
			// kept profile's introduction closing, and this one moves.
			pl.Introductions = append(pl.Introductions, IntroMove{ID: kept.ID, State: kept.State, Counterpart: other, Action: "close_kept"})
		default:
			mv.Action = "close"
		}
		pl.Introductions = append(pl.Introductions, mv)
	}
	sort.SliceStable(pl.Introductions, func(i, j int) bool {
		// Closings first, so a pair is free before an introduction moves into it.
		return closing(pl.Introductions[i].Action) && !closing(pl.Introductions[j].Action)
	})
	for _, p := range f.Referrers {
		if fs := Refers(p, d.ID); len(fs) > 0 && p.ID != d.ID {
			pl.Profiles = append(pl.Profiles, ProfileMove{ID: p.ID, Kind: p.Kind, Name: p.Name, Fields: fs})
		}
	}
	for _, r := range f.Rounds {
		if r.Draft {
			block("draft_round", "批量对接“"+r.Name+"”（草稿）含有并入的资料：请先修改或发布该轮",
				"the draft brokered round "+r.Name+" includes the profile merged away; edit or publish it first", r.ID)
		} else {
			pl.History = append(pl.History, Item{"published_round",
				"已发布的批量对接“" + r.Name + "”作为记录保留原编号，其对接随资料移动",
				"the published round " + r.Name + " keeps the old id as its record; its introductions move with the profile", r.ID})
		}
	}
	return pl
}

func closing(a string) bool { return a == "close" || a == "close_kept" || a == "close_self" }

// counterpart is the other side of in when id is one side.
func counterpart(in intro.Introduction, id string) (string, bool) {
	switch id {
	case in.From.ID:
		return in.To.ID, true
	case in.To.ID:
		return in.From.ID, true
	}
	return "", false
}

// Moved rewrites a copy of in so that the dropped profile's side, and the
// dropped profile's owner where it stood for that side, become the kept
// profile's.
func Moved(in intro.Introduction, keep, drop *profile.Profile) intro.Introduction {
	out := in
	swap := func(s string) string {
		if s == drop.OwnerID {
			return keep.OwnerID
		}
		return s
	}
	if out.From.ID == drop.ID {
		out.From.ID = keep.ID
		out.FromOwner = swap(out.FromOwner)
	}
	if out.To.ID == drop.ID {
		out.To.ID = keep.ID
		out.ToOwner = swap(out.ToOwner)
	}
	mapIDs := func(ids []string) []string {
		var r []string
		for _, s := range ids {
			if s = swap(s); !slices.Contains(r, s) {
				r = append(r, s)
			}
		}
		return r
	}
	if out.Recipients != nil {
		out.Recipients = mapIDs(in.Recipients)
	}
	if out.AcceptedBy != nil {
		out.AcceptedBy = mapIDs(in.AcceptedBy)
	}
	return out
}

// Record is the audit of one merge, written before the first change (state
// running) so that a merge cut off midway is found and completed, and marked
// done at the end.
type Record struct {
	ID       string       `json:"id" bson:"_id"`
	Kind     profile.Kind `json:"kind" bson:"kind"`
	District string       `json:"district" bson:"district"`
	KeepID   string       `json:"keep_id" bson:"keep"`
	DropID   string       `json:"drop_id" bson:"drop"`
	KeepName string       `json:"keep_name" bson:"keep_name"`
	DropName string       `json:"drop_name" bson:"drop_name"`
	By       string       `json:"by" bson:"by"`
	At       time.Time    `json:"at" bson:"at"`
	// State: running (recorded, not yet complete) or done.
	State  string     `json:"state" bson:"state"`
	DoneAt *time.Time `json:"done_at,omitempty" bson:"done_at,omitempty"`
	// Plan is what the merge moves, as decided when it was asked for.
	Plan Plan `json:"moved" bson:"plan"`
}

// States of a Record.
const (
	Running = "running"
	Done    = "done"
)
