package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"fuhua/internal/notify"
	"fuhua/internal/profile"
)

// Notifications keeps each account's notifications and preferences (see
// internal/notify and internal/mongodb/notifications.go).
type Notifications interface {
	Notify(ctx context.Context, account string, n notify.Notification) (bool, error)
	ListNotes(ctx context.Context, q notify.Query) (notify.Page, error)
	MarkNotesRead(ctx context.Context, account string, seqs []int64) error
	MarkAllNotesRead(ctx context.Context, account string) error
	NotePrefs(ctx context.Context, account string) (notify.Preferences, error)
	SetNotePrefs(ctx context.Context, account string, p notify.Preferences) error
}

// noteRoutes adds the notification routes to g (an authenticated group).
func (s *Server) noteRoutes(g *gin.RouterGroup) {
	g.GET("/notifications", s.handle(s.listNotes))
	g.POST("/notifications/read", s.handle(s.readNotes))
	g.GET("/me/notifications", s.handle(s.getNotePrefs))
	g.PUT("/me/notifications", s.handle(s.putNotePrefs))
}

func (s *Server) notes() (Notifications, error) {
	if s.Notes == nil {
		return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable",
			EN: "notifications are not available on this server", ZH: "此服务器未启用通知功能"}
	}
	return s.Notes, nil
}

// tell notifies account of n. A failure is logged, never returned: the event it
// tells of has happened and stays done.
func (s *Server) tell(ctx context.Context, account string, n notify.Notification) {
	if s.Notes == nil || account == "" {
		return
	}
	if _, err := s.Notes.Notify(context.WithoutCancel(ctx), account, n); err != nil {
		s.Log.Warn("notification not stored", "account", account, "type", string(n.Type), "err", err.Error())
	}
}

// noteList is the response of GET /notifications.
type noteList struct {
	Items      []notify.Notification `json:"items"`
	Unread     int                   `json:"unread"`
	NextCursor string                `json:"next_cursor"`
}

// listNotes answers GET /api/v1/notifications?unread=1&cursor=&limit=: the
// caller's notifications, newest first, with the unread count.
func (s *Server) listNotes(c *gin.Context) error {
	st, err := s.notes()
	if err != nil {
		return err
	}
	q := notify.Query{Account: currentUser(c).ID}
	unread, err := queryOne(c, "unread")
	if err != nil {
		return err
	}
	switch unread {
	case "", "0", "false":
	case "1", "true":
		q.UnreadOnly = true
	default:
		return profile.Invalid("unread", "wrong_type", "unread must be 1 (only unread) or 0", "unread（仅未读）须为 1 或 0")
	}
	if q.Limit, err = queryLimit(c, 20, 100); err != nil {
		return err
	}
	cursor, err := queryOne(c, "cursor")
	if err != nil {
		return err
	}
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 1 {
			return profile.Invalid("cursor", "invalid_cursor", "cursor (the page position) is not one this API gave out", "分页位置（cursor）无效")
		}
		q.Before = n
	}
	page, err := st.ListNotes(c.Request.Context(), q)
	if err != nil {
		return err
	}
	out := noteList{Items: page.Items, Unread: page.Unread}
	if page.Next > 0 {
		out.NextCursor = strconv.FormatInt(page.Next, 10)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

type readRequest struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// maxReadIDs bounds the ids one request marks read.
const maxReadIDs = 100

// readNotes answers POST /api/v1/notifications/read {ids} or {all: true}: the
// caller's notifications are marked read; the answer is the unread count after.
func (s *Server) readNotes(c *gin.Context) error {
	st, err := s.notes()
	if err != nil {
		return err
	}
	var req readRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	me := currentUser(c).ID
	switch {
	case req.All && len(req.IDs) > 0:
		return profile.Invalid("ids", "conflicting_fields", "send either ids or all: true, not both", "请只提交通知 ID 列表（ids）或全部已读（all: true）之一")
	case req.All:
		if err := st.MarkAllNotesRead(c.Request.Context(), me); err != nil {
			return err
		}
	case len(req.IDs) == 0:
		return profile.Invalid("ids", "required", "send the ids of the notifications to mark read, or all: true", "请提交要标为已读的通知 ID（ids），或 all: true")
	case len(req.IDs) > maxReadIDs:
		return profile.Invalid("ids", "too_many", fmt.Sprintf("at most %d notification ids per request", maxReadIDs),
			fmt.Sprintf("每次最多标记 %d 条通知", maxReadIDs))
	default:
		seqs := make([]int64, 0, len(req.IDs))
		for _, id := range req.IDs {
			seq, ok := notify.Seq(me, id)
			if !ok {
				// Another account's id is refused like a made-up one: nothing is
				// marked, and nothing tells whose it is.
				return profile.Invalid("ids", "unknown_notification", fmt.Sprintf("ids: %q is not one of your notifications", clip(id)),
					fmt.Sprintf("通知 ID（ids）中的 %q 不是您的通知", clip(id)))
			}
			seqs = append(seqs, seq)
		}
		if err := st.MarkNotesRead(c.Request.Context(), me, seqs); err != nil {
			return err
		}
	}
	page, err := st.ListNotes(c.Request.Context(), notify.Query{Account: me, Limit: 1})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"unread": page.Unread})
	return nil
}

// clip shortens a value quoted back in an error.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// getNotePrefs answers GET /api/v1/me/notifications: the caller's preferences,
// every type listed.
func (s *Server) getNotePrefs(c *gin.Context) error {
	st, err := s.notes()
	if err != nil {
		return err
	}
	p, err := st.NotePrefs(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}

type channelsRequest struct {
	InApp *bool `json:"in_app"`
	Email *bool `json:"email"`
}

type prefsRequest struct {
	EmailDigest *string                    `json:"email_digest"`
	Types       map[string]channelsRequest `json:"types"`
}

// putNotePrefs answers PUT /api/v1/me/notifications {email_digest?, types?:
// {<type>: {in_app?, email?}}}: what is sent replaces the stored setting, what
// is left out stays; the answer is the whole of the preferences.
func (s *Server) putNotePrefs(c *gin.Context) error {
	st, err := s.notes()
	if err != nil {
		return err
	}
	var req prefsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	me := currentUser(c).ID
	p, err := st.NotePrefs(c.Request.Context(), me)
	if err != nil {
		return err
	}
	if req.EmailDigest != nil {
		p.EmailDigest = notify.Digest(*req.EmailDigest)
	}
	for name, ch := range req.Types {
		t := notify.Type(name)
		if !t.Valid() {
			p.Types[t] = notify.Channels{} // Check names it
			continue
		}
		cur := p.For(t)
		if ch.InApp != nil {
			cur.InApp = *ch.InApp
		}
		if ch.Email != nil {
			cur.Email = *ch.Email
		}
		p.Types[t] = cur
	}
	if err := p.Check(); err != nil {
		return err
	}
	if err := st.SetNotePrefs(c.Request.Context(), me, p); err != nil {
		return err
	}
	c.JSON(http.StatusOK, p)
	return nil
}
