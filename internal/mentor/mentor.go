// Package mentor is the mentor pool's service log and its yearly rule: a
// coaching session a mentor records with a startup, what counts as a session in
// a year (logged sessions, and the mentoring and meeting outcomes of accepted
// mentoring introductions), and the rule 每名创业导师每年至少指导服务在孵企业 2 次
// (each mentor serves in-incubation firms at least twice a year; source:
// https://chacewang.com/newsdetail/news626986.html). It is pure: no I/O, no
// clock of its own, no HTTP; it does not know how services are stored.
package mentor

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// Required is how many sessions with in-incubation firms each mentor owes a year.
const Required = 2

// MaxNote bounds a session's note, in characters.
const MaxNote = 2000

// Kinds are the kinds of session.
var Kinds = profile.NewCodeSet("service kind", "coaching", "辅导", "diagnosis", "企业诊断", "training", "培训讲座",
	"roadshow", "路演辅导", "matchmaking", "资源对接", "other", "其他")

// Service is one logged session of a mentor with a startup.
type Service struct {
	ID        string    `json:"id" bson:"_id"`
	MentorID  string    `json:"mentor_id" bson:"mentor"`
	StartupID string    `json:"startup_id" bson:"startup"`
	Date      string    `json:"date" bson:"date"`
	Kind      string    `json:"kind" bson:"kind"`
	Note      string    `json:"note" bson:"note"`
	By        string    `json:"by" bson:"by"`
	At        time.Time `json:"at" bson:"at"`
}

// New checks a session to log and returns it without an id (the store gives
// one). date is YYYY-MM-DD, from 2000 and not after today (in China); kind one of
// Kinds. It returns ErrInvalid errors naming the field.
func New(mentorID, startupID, date, kind, note, by string, now time.Time) (Service, error) {
	if strings.TrimSpace(startupID) == "" {
		return Service{}, profile.Invalid("startup_id", "required", "startup_id is required: the startup the mentor served",
			"startup_id 为必填项：导师服务的企业")
	}
	if !profile.ValidDate(date) || date < "2000-01-01" {
		return Service{}, profile.Invalid("date", "invalid_date", fmt.Sprintf("date must be a real date written YYYY-MM-DD, from 2000; got %q", date),
			fmt.Sprintf("date 须为 2000 年以后、YYYY-MM-DD 格式的有效日期，实际为 %q", date))
	}
	if today, _ := intro.Day(now); date > today {
		return Service{}, profile.Invalid("date", "future_date", "date cannot be in the future", "date 不能晚于今天")
	}
	if !Kinds.Has(kind) {
		return Service{}, profile.Invalid("kind", "unknown_code", fmt.Sprintf("%q is not a service kind; valid codes: %s", kind, Kinds.List()),
			fmt.Sprintf("%q 不是有效的服务类型，可选值：%s", kind, Kinds.List()))
	}
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || strings.ContainsRune(note, 0) {
		return Service{}, profile.Invalid("note", "invalid_text", "Note contains invalid characters", "备注含有非法字符")
	}
	if n := utf8.RuneCountInString(note); n > MaxNote {
		return Service{}, profile.Invalid("note", "too_long", fmt.Sprintf("note is %d characters; at most %d are allowed", n, MaxNote),
			fmt.Sprintf("note 共 %d 个字符，最多允许 %d 个", n, MaxNote))
	}
	return Service{MentorID: mentorID, StartupID: startupID, Date: date, Kind: kind, Note: note, By: by, At: now}, nil
}

// Session is one session counted for a year: from the log or from an accepted
// mentoring introduction's outcome. Counts is false where the startup was not
// incubating on that date (or is unknown), with the reason.
type Session struct {
	Source    string `json:"source"` // "log" or "introduction"
	ID        string `json:"id"`     // the service's or the introduction's id
	StartupID string `json:"startup_id"`
	Date      string `json:"date"`
	Kind      string `json:"kind"`
	Note      string `json:"note,omitempty"`
	Counts    bool   `json:"counts"`
	WhyNotZH  string `json:"why_not_zh,omitempty"`
	WhyNotEN  string `json:"why_not_en,omitempty"`
}

// Compliance is one mentor's year against the rule.
type Compliance struct {
	MentorID  string    `json:"mentor_id"`
	Year      int       `json:"year"`
	Items     []Session `json:"items"`
	Count     int       `json:"count"`
	Required  int       `json:"required"`
	Compliant bool      `json:"compliant"`
}

// Check gathers mentor's sessions of year — logged services, and the mentoring
// and meeting outcomes of accepted introductions whose mentor is this one —
// and counts those with startups incubating on the session's date. startups
// maps ids to the startup profiles known.
func Check(mentorID string, year int, services []Service, intros []intro.Introduction, startups map[string]*profile.Profile) Compliance {
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	c := Compliance{MentorID: mentorID, Year: year, Items: []Session{}, Required: Required}
	add := func(s Session) {
		if s.Date < first || s.Date > last {
			return
		}
		p := startups[s.StartupID]
		switch {
		case p == nil || p.Kind != profile.Startup:
			s.WhyNotZH, s.WhyNotEN = "企业资料不存在", "the startup's profile does not exist"
		case !IncubatingOn(p, s.Date):
			s.WhyNotZH, s.WhyNotEN = "服务日期该企业不在孵", "the startup was not incubating on that date"
		default:
			s.Counts = true
			c.Count++
		}
		c.Items = append(c.Items, s)
	}
	for _, sv := range services {
		if sv.MentorID == mentorID {
			add(Session{Source: "log", ID: sv.ID, StartupID: sv.StartupID, Date: sv.Date, Kind: sv.Kind, Note: sv.Note})
		}
	}
	for i := range intros {
		in := &intros[i]
		if in.State != intro.Accepted || in.MentorID != mentorID {
			continue
		}
		firm := in.From
		if firm.Kind != profile.Startup {
			firm = in.To
		}
		if firm.Kind != profile.Startup {
			continue
		}
		for _, o := range in.Outcomes {
			if o.Kind == "mentoring" || o.Kind == "meeting" {
				add(Session{Source: "introduction", ID: in.ID, StartupID: firm.ID, Date: o.Date, Kind: o.Kind, Note: o.Note})
			}
		}
	}
	slices.SortStableFunc(c.Items, func(a, b Session) int { return strings.Compare(a.Date, b.Date) })
	c.Compliant = c.Count >= Required
	return c
}

// IncubatingOn reports whether startup p was incubating on date: entered by
// then, not graduated before it, and not marked left or graduated without a date.
func IncubatingOn(p *profile.Profile, date string) bool {
	if p.IncubatedSince == "" || p.IncubatedSince > date {
		return false
	}
	if p.GraduatedOn != "" {
		return p.GraduatedOn >= date
	}
	return p.Status != "graduated" && p.Status != "left"
}

// InPool reports whether mentor m is a pool member in year: not exited, and
// either appointed by a carrier for some of the year or without any
// appointment recorded (every mentor profile is in the city's pool).
func InPool(m *profile.Profile, year int) bool {
	if m.Archived || m.PoolStatus == "exited" {
		return false
	}
	if len(m.Appointments) == 0 {
		return true
	}
	return slices.ContainsFunc(m.Appointments, func(a profile.Appointment) bool { return a.ActiveIn(year) })
}
