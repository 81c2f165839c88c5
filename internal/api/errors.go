package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"fuhua/internal/profile"
)

// statusOf is the one map from error kind to HTTP status.
var statusOf = []struct {
	kind   error
	status int
}{
	{profile.ErrInvalid, http.StatusBadRequest},
	{profile.ErrNotFound, http.StatusNotFound},
	{profile.ErrConflict, http.StatusConflict},
	{profile.ErrPrecondition, http.StatusPreconditionFailed},
	{profile.ErrUnauthenticated, http.StatusUnauthorized},
	{profile.ErrForbidden, http.StatusForbidden},
	{profile.ErrTooMany, http.StatusTooManyRequests},
	{profile.ErrUnavailable, http.StatusServiceUnavailable},
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
	MessageZH string `json:"message_zh"`
	Field     string `json:"field,omitempty"`
	// Ref is the id of what a conflict is with (an introduction, a profile).
	Ref       string `json:"ref,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// httpError is an error with a status the api chose itself (413, 415, 428 …).
type httpError struct {
	status int
	detail *profile.Error
}

func (e *httpError) Error() string { return e.detail.Error() }

func newHTTPError(status int, code, field, en, zh string) *httpError {
	return &httpError{status: status, detail: &profile.Error{Kind: profile.ErrInvalid, Code: code, Field: field, EN: en, ZH: zh}}
}

// writeError renders err. Domain errors are shown as they are; anything else is an
// internal failure, logged once here with the request id and shown as a generic
// message, never its text.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	status := http.StatusInternalServerError
	var he *httpError
	var pe *profile.Error
	switch {
	case errors.As(err, &he):
		status, pe = he.status, he.detail
	default:
		for _, m := range statusOf {
			if errors.Is(err, m.kind) {
				status = m.status
				break
			}
		}
		if e, ok := profile.AsError(err); ok {
			pe = e
		}
	}
	if pe == nil {
		switch status {
		case http.StatusNotFound:
			pe = profile.NotFound("resource")
		case http.StatusServiceUnavailable:
			pe = &profile.Error{Code: "unavailable", EN: "the service is temporarily unavailable; try again shortly", ZH: "服务暂时不可用，请稍后重试"}
		case http.StatusConflict:
			pe = &profile.Error{Code: "conflict", EN: "the request conflicts with the current state", ZH: "请求与当前状态冲突"}
		default:
			status = http.StatusInternalServerError
			pe = &profile.Error{Code: "internal", EN: "something went wrong on our side; it has been logged", ZH: "服务器内部错误，已记录"}
		}
		if c.Request.Context().Err() != nil {
			// The client went away (navigated off, timed out): not our failure.
			log.Info("request abandoned by the client", "id", requestID(c), "route", c.FullPath())
		} else {
			log.Error("request failed", "id", requestID(c), "route", c.FullPath(), "err", err.Error())
		}
	}
	if pe.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(pe.RetryAfter))
	} else if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "2") // the database or the index is back within seconds, or the caller asks again then
	}
	c.AbortWithStatusJSON(status, errorBody{Error: errorDetail{
		Code: pe.Code, Message: pe.EN + " / " + pe.ZH, MessageEN: pe.EN, MessageZH: pe.ZH,
		Field: pe.Field, Ref: pe.Ref, RequestID: requestID(c),
	}})
}
