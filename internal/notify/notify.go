// Package notify provides fuhua's notifications: the types of event a person is
// told about, the text of each in Chinese and English naming the profiles and
// the people involved, the page it links to, the preferences that say which
// types reach the person in the app and in the e-mail digest, and the digest's
// text. It is pure: it must not know the database, HTTP, the clock or how mail
// is sent.
package notify

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"fuhua/internal/profile"
)

// Type is what a notification tells about.
type Type string

// The types. Each is emitted where its event happens (see internal/api).
const (
	IntroReceived  Type = "intro_received"  // someone asks to be introduced to your profile
	IntroBrokered  Type = "intro_brokered"  // a manager brokered an introduction with your profile
	IntroAccepted  Type = "intro_accepted"  // an introduction you are part of was accepted (or one side accepted)
	IntroDeclined  Type = "intro_declined"  // an introduction you are part of was declined
	IntroExpiring  Type = "intro_expiring"  // a request waiting on you expires soon
	IntroExpired   Type = "intro_expired"   // a request expired unanswered
	OutcomeDue     Type = "outcome_due"     // an accepted introduction has no outcome recorded yet
	SavedSearch    Type = "saved_search"    // a profile entered one of your saved searches
	SavedMatches   Type = "saved_matches"   // a profile entered one of your saved match lists
	PolicyEligible Type = "policy_eligible" // your firm newly qualifies for a support programme
)

// Types lists every type in a fixed order.
var Types = []Type{IntroReceived, IntroBrokered, IntroAccepted, IntroDeclined, IntroExpiring, IntroExpired,
	OutcomeDue, SavedSearch, SavedMatches, PolicyEligible}

// Valid reports whether t names a type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Notification is one thing a person is told. ID, Seq and CreatedAt are given by
// the store.
type Notification struct {
	ID        string    `json:"id" bson:"_id"`
	Account   string    `json:"-" bson:"account"`
	Seq       int64     `json:"-" bson:"seq"`
	Type      Type      `json:"type" bson:"type"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	Read      bool      `json:"read" bson:"read"`
	// InApp is false for a notification kept only for the e-mail digest (its
	// type is switched off in the app but on for e-mail).
	InApp bool   `json:"-" bson:"in_app"`
	ZH    string `json:"zh" bson:"zh"`
	EN    string `json:"en" bson:"en"`
	Link  string `json:"link" bson:"link"`
}

// Digest is how often unread notifications are e-mailed.
type Digest string

// The digest settings.
const (
	DigestOff   Digest = "off"
	DigestDaily Digest = "daily"
)

// Channels says where one type reaches a person.
type Channels struct {
	InApp bool `json:"in_app" bson:"in_app"`
	Email bool `json:"email" bson:"email"`
}

// Preferences are one account's notification settings.
type Preferences struct {
	EmailDigest Digest            `json:"email_digest" bson:"email_digest"`
	Types       map[Type]Channels `json:"types" bson:"types"`
}

// Defaults are the preferences of an account that never set any: every type in
// the app and in a daily digest (which is sent only where the server has an
// SMTP relay configured).
func Defaults() Preferences {
	p := Preferences{EmailDigest: DigestDaily, Types: map[Type]Channels{}}
	for _, t := range Types {
		p.Types[t] = Channels{InApp: true, Email: true}
	}
	return p
}

// Complete fills in every type p leaves out with its default, and drops
// unknown ones.
func (p Preferences) Complete() Preferences {
	out := Defaults()
	if p.EmailDigest != "" {
		out.EmailDigest = p.EmailDigest
	}
	for t, ch := range p.Types {
		if t.Valid() {
			out.Types[t] = ch
		}
	}
	return out
}

// For returns the channels of type t.
func (p Preferences) For(t Type) Channels {
	if ch, ok := p.Types[t]; ok {
		return ch
	}
	return Channels{InApp: true, Email: true}
}

// Check refuses preferences with an unknown digest or type, naming the field.
func (p Preferences) Check() error {
	if p.EmailDigest != DigestOff && p.EmailDigest != DigestDaily {
		return profile.Invalid("email_digest", "unknown_code", `email_digest (the e-mail digest) must be "off" or "daily"`,
			`邮件摘要（email_digest）须为 "off"（不发送）或 "daily"（每日）`)
	}
	for t := range p.Types {
		if !t.Valid() {
			return profile.Invalid("types", "unknown_code", fmt.Sprintf("types: %q is not a notification type; valid types: %s", t, typeList()),
				fmt.Sprintf("通知类型（types）中的 %q 无效；可选类型：%s", t, typeList()))
		}
	}
	return nil
}

func typeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Ref names a profile in a text: its kind and id for the link, its name to show.
type Ref struct {
	Kind profile.Kind
	ID   string
	Name string
}

// IntroLink is the page of one introduction.
func IntroLink(id string) string { return "/app/intros?id=" + url.QueryEscape(id) }

// ProfileLink is the page of one profile.
func ProfileLink(k profile.Kind, id string) string {
	return "/app/profile?kind=" + url.QueryEscape(string(k)) + "&id=" + url.QueryEscape(id)
}

// PolicyLink is the policy-matching page of one profile.
func PolicyLink(k profile.Kind, id string) string {
	return "/app/policies?kind=" + url.QueryEscape(string(k)) + "&id=" + url.QueryEscape(id)
}

// Query selects one page of an account's notifications.
type Query struct {
	Account    string
	UnreadOnly bool
	// Before is the cursor: the seq of the last item of the previous page (0:
	// the newest first).
	Before int64
	Limit  int
}

// Page is one page of notifications, newest first, with the account's unread
// count and the cursor of the next page (0 at the end).
type Page struct {
	Items  []Notification
	Unread int
	Next   int64
}

// ID is the id of account's notification number seq: "<account>:<12 digits>",
// so that one account's notifications are found by _id alone.
func ID(account string, seq int64) string { return fmt.Sprintf("%s:%012d", account, seq) }

// Seq returns the number of one of account's notification ids; false for an
// id that is not account's (another account's, or made up).
func Seq(account, id string) (int64, bool) {
	rest, ok := strings.CutPrefix(id, account+":")
	if !ok || account == "" || len(rest) != 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	return n, err == nil && n > 0
}
