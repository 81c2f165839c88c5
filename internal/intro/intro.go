// Package intro is the double-opt-in introduction: who may ask whom, who answers,
// the states an introduction moves through, and the outcomes recorded after it is
// accepted. It is pure: no I/O, no clock of its own (callers pass now), no HTTP.
//
// An introduction joins two profiles, from and to. It is asked either by the owner
// of from (a direct request: the owner of to answers) or by a manager or admin
// brokering between any two profiles (then both owners answer, and it is accepted
// only when both have accepted). Only acceptance reveals the two sides' contacts to
// each other.
package intro

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
)

// State is where an introduction stands.
type State string

// The states. Pending is the only one that moves; accepted only gains outcomes.
const (
	Pending   State = "pending"
	Accepted  State = "accepted"
	Declined  State = "declined"
	Withdrawn State = "withdrawn"
	Expired   State = "expired"
)

// States lists every state in a fixed order (counts are reported in this order).
var States = []State{Pending, Accepted, Declined, Withdrawn, Expired}

// ValidState reports whether s names a state.
func ValidState(s string) bool { return slices.Contains(States, State(s)) }

// Open reports whether the introduction still occupies its pair: a pair of
// profiles has at most one pending or accepted introduction at a time; declined,
// withdrawn and expired ones free the pair for a new request.
func (s State) Open() bool { return s == Pending || s == Accepted }

// Limits.
const (
	// TTL is how long a request waits for an answer before it expires.
	TTL = 30 * 24 * time.Hour
	// DailyLimit is how many introductions one account may ask for per day.
	DailyLimit = 20
	// MaxMessage and MaxNote bound the free text, in characters.
	MaxMessage = 2000
	MaxNote    = 2000
	// MaxOutcomes bounds the outcomes kept on one introduction.
	MaxOutcomes = 50
)

// OutcomeKinds are what can come of an accepted introduction.
var OutcomeKinds = profile.NewCodeSet("outcome kind",
	"meeting", "已见面洽谈", "mentoring", "已开始辅导", "invested", "已投资", "loan", "已放款",
	"landed", "已落地园区", "no_fit", "不匹配")

// Zone is the zone in which a "day" of the daily limit and outcome dates are
// counted: Yancheng's, China Standard Time (fixed, so no tzdata is needed).
var Zone = time.FixedZone("CST", 8*3600)

// Outcome is one recorded result of an accepted introduction.
type Outcome struct {
	Kind string    `json:"kind" bson:"kind"`
	Date string    `json:"date" bson:"date"`
	Note string    `json:"note" bson:"note"`
	By   string    `json:"by" bson:"by"`
	At   time.Time `json:"at" bson:"at"`
}

// Introduction is one request to introduce two profiles.
type Introduction struct {
	ID   string      `json:"id" bson:"_id"`
	From profile.Ref `json:"from" bson:"from"`
	To   profile.Ref `json:"to" bson:"to"`
	// FromOwner and ToOwner are the profiles' owners when the request was made
	// (a profile's owner never changes).
	FromOwner   string `json:"from_owner_id" bson:"from_owner"`
	ToOwner     string `json:"to_owner_id" bson:"to_owner"`
	RequesterID string `json:"requester_id" bson:"requester"`
	BrokerID    string `json:"broker_id,omitempty" bson:"broker,omitempty"`
	// Recipients are the accounts whose acceptance is required: the owner of to,
	// or for a brokered request both owners (less the broker's own side).
	Recipients []string `json:"recipients" bson:"recipients"`
	AcceptedBy []string `json:"accepted_by" bson:"accepted_by"`
	// MentorID is the mentor profile of a mentoring introduction (one side is a
	// mentor), whose capacity its acceptance uses.
	MentorID  string     `json:"mentor_id,omitempty" bson:"mentor_id,omitempty"`
	Message   string     `json:"message" bson:"message"`
	State     State      `json:"state" bson:"state"`
	Note      string     `json:"note,omitempty" bson:"note,omitempty"`
	DecidedBy string     `json:"decided_by,omitempty" bson:"decided_by,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty" bson:"decided_at,omitempty"`
	Outcomes  []Outcome  `json:"outcomes" bson:"outcomes"`
	CreatedAt time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time  `json:"updated_at" bson:"updated_at"`
	ExpiresAt time.Time  `json:"expires_at" bson:"expires_at"`
	Version   int64      `json:"version" bson:"version"`
}

// Event is one entry of the audit trail: who moved which introduction from what to
// what, and when. Events are written once and never changed.
type Event struct {
	ID      string    `json:"id" bson:"_id"`
	IntroID string    `json:"introduction_id" bson:"intro"`
	ActorID string    `json:"actor_id" bson:"actor"`
	Action  string    `json:"action" bson:"action"`
	From    State     `json:"from" bson:"from"`
	To      State     `json:"to" bson:"to"`
	Note    string    `json:"note,omitempty" bson:"note,omitempty"`
	At      time.Time `json:"at" bson:"at"`
}

// Brokered reports whether a manager or admin asked for the introduction.
func (in *Introduction) Brokered() bool { return in.BrokerID != "" }

// Participant reports whether account id is a side's owner, the requester or the
// broker.
func (in *Introduction) Participant(id string) bool {
	return id != "" && (id == in.FromOwner || id == in.ToOwner || id == in.RequesterID || id == in.BrokerID)
}

// PairKey names the unordered pair of profiles, so that a→b and b→a share it.
func PairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + ":" + b
}

// Day is the day (in Zone) that now falls on, as YYYY-MM-DD, and the seconds left
// until it ends: the daily limit resets then.
func Day(now time.Time) (string, int) {
	t := now.In(Zone)
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, Zone)
	secs := int(next.Sub(t).Seconds() + 0.999)
	if secs < 1 {
		secs = 1
	}
	return t.Format("2006-01-02"), secs
}

// TooMany is the error of the daily limit, telling when to retry.
func TooMany(retryAfter int) *profile.Error {
	return &profile.Error{Kind: profile.ErrTooMany, Code: "daily_limit",
		EN:         fmt.Sprintf("at most %d introductions may be requested per day; try again tomorrow", DailyLimit),
		ZH:         fmt.Sprintf("每个账号每天最多发起 %d 次对接，请明天再试", DailyLimit),
		RetryAfter: retryAfter}
}

// textNames are the Chinese and English names of the free-text fields of an
// introduction, as the pages show them.
var textNames = map[string][2]string{"message": {"留言", "Message"}, "note": {"备注", "Note"}}

func textLen(field, s string, max int) error {
	zh, en := field, field
	if n, ok := textNames[field]; ok {
		zh, en = n[0], n[1]
	}
	if !utf8.ValidString(s) {
		return profile.Invalid(field, "invalid_text", en+" is not valid UTF-8", zh+"含有无法识别的字符")
	}
	if strings.ContainsRune(s, 0) {
		// PostgreSQL (FerretDB's other backend) refuses to store it, and no person types it.
		return profile.Invalid(field, "invalid_text", en+" contains a NUL character", zh+"含有非法字符")
	}
	if utf8.RuneCountInString(s) > max {
		return profile.Invalid(field, "too_long", fmt.Sprintf("%s may have at most %d characters", en, max),
			fmt.Sprintf("%s最多 %d 个字", zh, max))
	}
	return nil
}

// New plans a request by actor to introduce from to to, and checks that actor may
// make it. The owner of from asks directly; a manager (for whom at least one side
// lies inside their districts) or an admin brokers. The result has no id or
// version yet; the store gives them. It returns ErrInvalid or ErrForbidden errors.
func New(actor *profile.User, from, to *profile.Profile, message string, now time.Time) (*Introduction, Event, error) {
	if actor == nil {
		return nil, Event{}, &profile.Error{Kind: profile.ErrUnauthenticated, Code: "unauthenticated", EN: "sign in first", ZH: "请先登录"}
	}
	message = strings.TrimSpace(message)
	if err := textLen("message", message, MaxMessage); err != nil {
		return nil, Event{}, err
	}
	if from.ID == to.ID {
		return nil, Event{}, profile.Invalid("to", "same_profile", "a profile cannot be introduced to itself", "不能把资料介绍给它自己")
	}
	if from.Archived {
		return nil, Event{}, profile.Invalid("from", "archived", "the from profile is archived", "发起方资料已归档")
	}
	if to.Archived {
		return nil, Event{}, profile.Invalid("to", "archived", "the to profile is archived", "对方资料已归档")
	}
	if from.OwnerID == to.OwnerID {
		return nil, Event{}, profile.Invalid("to", "same_owner", "both profiles belong to the same account; there is nobody to introduce",
			"两份资料属于同一账号，无需对接")
	}
	in := &Introduction{
		From: profile.Ref{Kind: from.Kind, ID: from.ID}, To: profile.Ref{Kind: to.Kind, ID: to.ID},
		FromOwner: from.OwnerID, ToOwner: to.OwnerID, RequesterID: actor.ID, Message: message,
		State: Pending, AcceptedBy: []string{}, Outcomes: []Outcome{},
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(TTL),
	}
	switch {
	case actor.Role == profile.RoleAdmin || actor.Role == profile.RoleManager:
		if actor.Role == profile.RoleManager && !auth.Oversees(actor, from) && !auth.Oversees(actor, to) {
			return nil, Event{}, profile.Forbidden("managers broker introductions only for profiles inside their districts",
				"区县管理员只能为本辖区内的资料牵线对接")
		}
		in.BrokerID = actor.ID
		// A side the broker holds (a profile a manager keeps on a firm's behalf)
		// speaks through the broker and needs no separate acceptance.
		for _, owner := range []string{from.OwnerID, to.OwnerID} {
			if owner != actor.ID {
				in.Recipients = append(in.Recipients, owner)
			}
		}
	case actor.ID == from.OwnerID:
		in.Recipients = []string{to.OwnerID}
	default:
		return nil, Event{}, profile.Forbidden("only the owner of the from profile, a manager or an admin may ask for this introduction",
			"只有发起方资料的所有者、区县管理员或系统管理员可以发起此对接")
	}
	switch {
	case from.Kind == profile.Mentor:
		in.MentorID = from.ID
	case to.Kind == profile.Mentor:
		in.MentorID = to.ID
	}
	return in, event(in, actor.ID, "create", "", Pending, "", now), nil
}

func event(in *Introduction, actor, action string, from, to State, note string, now time.Time) Event {
	return Event{IntroID: in.ID, ActorID: actor, Action: action, From: from, To: to, Note: note, At: now}
}

func closed(in *Introduction, verb, zh string) error {
	return profile.Conflict("not_pending", fmt.Sprintf("this introduction is %s and can no longer be %s", in.State, verb),
		fmt.Sprintf("该对接已%s，不能再%s", stateZH(in.State), zh))
}

func stateZH(s State) string {
	switch s {
	case Pending:
		return "处于待回复状态"
	case Accepted:
		return "被接受"
	case Declined:
		return "被拒绝"
	case Withdrawn:
		return "被撤回"
	case Expired:
		return "过期"
	}
	return string(s)
}

// Due reports whether a pending introduction has waited its whole TTL.
func (in *Introduction) Due(now time.Time) bool {
	return in.State == Pending && !now.Before(in.ExpiresAt)
}

// Expire moves a pending introduction past its TTL to expired. ok is false (and
// nothing changes) when it is not due.
func (in *Introduction) Expire(now time.Time) (Event, bool) {
	if !in.Due(now) {
		return Event{}, false
	}
	in.State = Expired
	in.UpdatedAt = now
	return event(in, "system", "expire", Pending, Expired, "", now), true
}

// Accept records actor's acceptance. When every recipient has accepted the
// introduction becomes accepted. Accepting again changes nothing (changed is
// false); nobody accepts their own request; a closed introduction gives
// ErrConflict.
func (in *Introduction) Accept(actor *profile.User, note string, now time.Time) (ev Event, changed bool, err error) {
	if err := in.mayAnswer(actor); err != nil {
		return Event{}, false, err
	}
	if err := textLen("note", note, MaxNote); err != nil {
		return Event{}, false, err
	}
	if slices.Contains(in.AcceptedBy, actor.ID) && (in.State == Pending || in.State == Accepted) {
		return Event{}, false, nil
	}
	if in.State != Pending || in.Due(now) {
		return Event{}, false, closed(in, "accepted", "接受")
	}
	in.AcceptedBy = append(in.AcceptedBy, actor.ID)
	in.UpdatedAt = now
	if note = strings.TrimSpace(note); note != "" {
		in.Note = note
	}
	for _, r := range in.Recipients {
		if !slices.Contains(in.AcceptedBy, r) {
			return event(in, actor.ID, "accept", Pending, Pending, note, now), true, nil
		}
	}
	in.State = Accepted
	in.DecidedBy = actor.ID
	in.DecidedAt = &now
	return event(in, actor.ID, "accept", Pending, Accepted, note, now), true, nil
}

// Decline records actor's refusal: one recipient's no is the introduction's no.
// Declining again changes nothing.
func (in *Introduction) Decline(actor *profile.User, note string, now time.Time) (Event, bool, error) {
	if err := in.mayAnswer(actor); err != nil {
		return Event{}, false, err
	}
	if err := textLen("note", note, MaxNote); err != nil {
		return Event{}, false, err
	}
	if in.State == Declined && in.DecidedBy == actor.ID {
		return Event{}, false, nil
	}
	if in.State != Pending || in.Due(now) {
		return Event{}, false, closed(in, "declined", "拒绝")
	}
	in.State = Declined
	in.DecidedBy = actor.ID
	in.DecidedAt = &now
	in.UpdatedAt = now
	in.Note = strings.TrimSpace(note)
	return event(in, actor.ID, "decline", Pending, Declined, in.Note, now), true, nil
}

// Withdraw lets the requester (the broker, for a brokered introduction) take a
// pending request back. Withdrawing again changes nothing.
func (in *Introduction) Withdraw(actor *profile.User, note string, now time.Time) (Event, bool, error) {
	if actor == nil || actor.ID != in.RequesterID {
		return Event{}, false, profile.Forbidden("only whoever asked for this introduction may withdraw it", "只有发起人可以撤回对接")
	}
	if err := textLen("note", note, MaxNote); err != nil {
		return Event{}, false, err
	}
	if in.State == Withdrawn {
		return Event{}, false, nil
	}
	if in.State != Pending || in.Due(now) {
		return Event{}, false, closed(in, "withdrawn", "撤回")
	}
	in.State = Withdrawn
	in.DecidedBy = actor.ID
	in.DecidedAt = &now
	in.UpdatedAt = now
	in.Note = strings.TrimSpace(note)
	return event(in, actor.ID, "withdraw", Pending, Withdrawn, in.Note, now), true, nil
}

// mayAnswer checks that actor is a recipient, with a message that says why not.
func (in *Introduction) mayAnswer(actor *profile.User) error {
	if actor != nil && slices.Contains(in.Recipients, actor.ID) {
		return nil
	}
	if actor != nil && (actor.ID == in.RequesterID || actor.ID == in.BrokerID) {
		return profile.Forbidden("nobody answers their own request; the other side decides", "不能回复自己发起的对接，由对方决定")
	}
	return profile.Forbidden("only the receiving side's owner may answer this introduction", "只有被介绍方资料的所有者可以回复此对接")
}

// AddOutcome records what came of an accepted introduction, by either side's owner
// or the broker. date is YYYY-MM-DD, not after today.
func (in *Introduction) AddOutcome(actor *profile.User, kind, date, note string, now time.Time) (Event, error) {
	if actor == nil || !(actor.ID == in.FromOwner || actor.ID == in.ToOwner || (in.BrokerID != "" && actor.ID == in.BrokerID)) {
		return Event{}, profile.Forbidden("only the two sides or the broker may record outcomes", "只有对接双方或牵线人可以记录结果")
	}
	if !OutcomeKinds.Has(kind) {
		return Event{}, profile.Invalid("kind", "unknown_code", "kind must be one of: "+OutcomeKinds.List(), "kind 须为："+OutcomeKinds.List())
	}
	if !profile.ValidDate(date) {
		return Event{}, profile.Invalid("date", "invalid_date", "date must be a real date written YYYY-MM-DD", "date 须为 YYYY-MM-DD 格式的有效日期")
	}
	if today, _ := Day(now); date > today {
		return Event{}, profile.Invalid("date", "future_date", "date cannot be in the future", "date 不能晚于今天")
	}
	if err := textLen("note", note, MaxNote); err != nil {
		return Event{}, err
	}
	if in.State != Accepted {
		return Event{}, profile.Conflict("not_accepted", "outcomes are recorded only after the introduction is accepted",
			"对接被接受后才能记录结果")
	}
	if len(in.Outcomes) >= MaxOutcomes {
		return Event{}, profile.Conflict("too_many_outcomes", fmt.Sprintf("an introduction keeps at most %d outcomes", MaxOutcomes),
			fmt.Sprintf("每个对接最多记录 %d 条结果", MaxOutcomes))
	}
	note = strings.TrimSpace(note)
	in.Outcomes = append(in.Outcomes, Outcome{Kind: kind, Date: date, Note: note, By: actor.ID, At: now})
	in.UpdatedAt = now
	return event(in, actor.ID, "outcome:"+kind, Accepted, Accepted, note, now), nil
}

// CanView reports whether actor may see the introduction: its participants, admins,
// and managers overseeing either profile (from and to are the current profiles).
func (in *Introduction) CanView(actor *profile.User, from, to *profile.Profile) bool {
	if actor == nil {
		return false
	}
	if in.Participant(actor.ID) || actor.Role == profile.RoleAdmin {
		return true
	}
	return (from != nil && auth.Oversees(actor, from)) || (to != nil && auth.Oversees(actor, to))
}

// MentorFull is the error of accepting a mentoring introduction beyond the
// mentor's capacity.
func MentorFull(capacity int) *profile.Error {
	return profile.Conflict("mentor_full",
		fmt.Sprintf("the mentor is at capacity (%d accepted mentoring introductions); the mentor can raise capacity on their profile first", capacity),
		fmt.Sprintf("该导师的辅导名额已满（已接受 %d 个辅导对接）；导师可先在资料中提高 capacity", capacity))
}

// Box selects a list of introductions for one account.
type Box string

// The lists: requests waiting on (or answered by) the account, requests the
// account made, introductions the account brokered, and (admins) all.
const (
	Inbox    Box = "inbox"
	Outbox   Box = "outbox"
	Brokered Box = "brokered"
	All      Box = "all"
)

// Query selects one page of a box.
type Query struct {
	Box    Box
	UserID string
	State  State // empty: every state
	After  string
	Limit  int
}
