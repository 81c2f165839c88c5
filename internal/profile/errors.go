// Package profile holds fuhua's domain: the six kinds of profile, their fields and
// codes, validation, and the small set of error kinds every other package speaks.
// It imports only the standard library.
package profile

import (
	"errors"
	"fmt"
)

// Kind of failure. The api package maps each to one HTTP status.
var (
	ErrInvalid         = errors.New("invalid")
	ErrNotFound        = errors.New("not found")
	ErrConflict        = errors.New("conflict")
	ErrPrecondition    = errors.New("precondition failed")
	ErrUnauthenticated = errors.New("unauthenticated")
	ErrForbidden       = errors.New("forbidden")
	ErrTooMany         = errors.New("too many requests")
	ErrUnavailable     = errors.New("unavailable")
	ErrInternal        = errors.New("internal")
)

// Error is a failure a person can act on: a machine code, the field at fault (if any)
// and a message in English and in Chinese. Kind is one of the Err* values above.
type Error struct {
	Kind  error
	Code  string
	Field string
	EN    string
	ZH    string
	// RetryAfter, in seconds, for ErrTooMany.
	RetryAfter int
	// Ref is the id of what a conflict is with (the introduction that holds the
	// pair, the profile that has the credit code), for API clients; messages
	// never show it.
	Ref string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", e.Code, e.Field, e.EN)
	}
	return e.Code + ": " + e.EN
}

// Unwrap lets errors.Is(err, ErrInvalid) and friends see the kind.
func (e *Error) Unwrap() error { return e.Kind }

// Invalid reports bad input in one field.
func Invalid(field, code, en, zh string) *Error {
	return &Error{Kind: ErrInvalid, Code: code, Field: field, EN: en, ZH: zh}
}

// NotFound reports that the named thing does not exist (or is not visible).
func NotFound(what string) *Error {
	return &Error{Kind: ErrNotFound, Code: "not_found",
		EN: what + " not found", ZH: "未找到" + zhNoun(what)}
}

// Conflict reports a state clash, such as a duplicate or a stale version.
func Conflict(code, en, zh string) *Error {
	return &Error{Kind: ErrConflict, Code: code, EN: en, ZH: zh}
}

// Forbidden reports that the caller may not do this.
func Forbidden(en, zh string) *Error {
	return &Error{Kind: ErrForbidden, Code: "forbidden", EN: en, ZH: zh}
}

// StaleVersion is the error of an optimistic-concurrency miss.
func StaleVersion(current int64) *Error {
	return &Error{Kind: ErrPrecondition, Code: "version_mismatch", Field: "version",
		EN: fmt.Sprintf("the profile was changed by someone else (current version %d); reload and try again", current),
		ZH: fmt.Sprintf("资料已被他人修改（当前版本 %d），请刷新后重试", current)}
}

func zhNoun(what string) string {
	switch what {
	case "profile":
		return "资料"
	case "user":
		return "用户"
	case "introduction":
		return "对接"
	}
	return what
}

// AsError returns err as *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
