package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// introRoutes adds the introduction routes to g (an authenticated group).
func (s *Server) introRoutes(g *gin.RouterGroup) {
	g.POST("/introductions", s.idempotent(), s.handle(s.createIntro))
	g.GET("/introductions", s.handle(s.listIntros))
	g.GET("/introductions/:id", s.handle(s.getIntro))
	g.POST("/introductions/:id/accept", s.handle(s.answerIntro("accept")))
	g.POST("/introductions/:id/decline", s.handle(s.answerIntro("decline")))
	g.POST("/introductions/:id/withdraw", s.handle(s.answerIntro("withdraw")))
	g.POST("/introductions/:id/outcomes", s.handle(s.addOutcome))
	g.GET("/introductions/:id/events", s.handle(s.introEvents))
}

type refRequest struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type createIntroRequest struct {
	From    refRequest `json:"from"`
	To      refRequest `json:"to"`
	Message string     `json:"message"`
}

type noteRequest struct {
	Note string `json:"note"`
}

type outcomeRequest struct {
	Kind string `json:"kind"`
	Date string `json:"date"`
	Note string `json:"note"`
}

// introView is an introduction as the API shows it; a single introduction carries
// both profiles, each with its contact only for viewers entitled to it. Both a
// single one and a list's items name the broker's account when one brokered it.
type introView struct {
	*intro.Introduction
	BrokerName  string          `json:"broker_name,omitempty"`
	FromProfile json.RawMessage `json:"from_profile,omitempty"`
	ToProfile   json.RawMessage `json:"to_profile,omitempty"`
}

// brokerName is the display name of the account that brokered in, looked up once
// per account in names. An introduction nobody brokered, or whose broker's
// account is gone, has none: the name only decorates what the caller may see.
func (s *Server) brokerName(ctx context.Context, in *intro.Introduction, names map[string]string) string {
	if in.BrokerID == "" {
		return ""
	}
	if n, ok := names[in.BrokerID]; ok {
		return n
	}
	n := ""
	if u, err := s.Store.UserByID(ctx, in.BrokerID); err == nil {
		n = u.Name
	}
	names[in.BrokerID] = n
	return n
}

type introList struct {
	Items      []introView         `json:"items"`
	NextCursor string              `json:"next_cursor"`
	Box        intro.Box           `json:"box"`
	Counts     map[intro.State]int `json:"counts"`
}

func (s *Server) intros() (Introductions, error) {
	if s.Intros == nil {
		return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable",
			EN: "introductions are not available on this server", ZH: "此服务器未启用对接功能"}
	}
	return s.Intros, nil
}

// refProfile loads the profile a request names under field ("from" or "to"). A
// profile the caller may not see (wrong kind, archived) is reported as unknown.
func (s *Server) refProfile(c *gin.Context, field string, r refRequest) (*profile.Profile, error) {
	k := profile.Kind(r.Kind)
	if !k.Valid() {
		return nil, profile.Invalid(field+".kind", "unknown_code", fmt.Sprintf("%s.kind must be one of: startup, mentor, investor, carrier, enclave, provider", field),
			fmt.Sprintf("%s.kind 须为 startup、mentor、investor、carrier、enclave 或 provider", field))
	}
	unknown := profile.Invalid(field+".id", "unknown_profile", fmt.Sprintf("%s.id does not name a %s profile", field, k),
		fmt.Sprintf("%s.id 不是有效的%s资料", field, k.ZH()))
	if !validID(r.ID) {
		return nil, unknown
	}
	p, err := s.Store.GetProfile(c.Request.Context(), r.ID)
	if errors.Is(err, profile.ErrNotFound) || (err == nil && (p.Kind != k || (p.Archived && !auth.CanSeeArchived(currentUser(c), p)))) {
		return nil, unknown
	}
	return p, err
}

// createIntro answers POST /api/v1/introductions: the owner of from asks to be
// introduced to to, or a manager or admin brokers between the two.
func (s *Server) createIntro(c *gin.Context) error {
	st, err := s.intros()
	if err != nil {
		return err
	}
	var req createIntroRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	from, err := s.refProfile(c, "from", req.From)
	if err != nil {
		return err
	}
	to, err := s.refProfile(c, "to", req.To)
	if err != nil {
		return err
	}
	in, ev, err := intro.New(currentUser(c), from, to, req.Message, s.Now().UTC())
	if err != nil {
		return err
	}
	ref := idemRef(c)
	in.ID = ref
	err = st.CreateIntro(c.Request.Context(), in, ev)
	if err == nil {
		s.tellCreated(c.Request.Context(), in, currentUser(c), from, to)
	} else {
		// A retry of a request that died after its write finds that write.
		if ref == "" || !errors.Is(err, profile.ErrConflict) {
			return err
		}
		got, gerr := st.GetIntro(c.Request.Context(), ref)
		if gerr != nil || got.RequesterID != in.RequesterID {
			return err
		}
		in = got
	}
	c.Header("Location", "/api/v1/introductions/"+in.ID)
	return s.renderIntro(c, http.StatusCreated, in, from, to)
}

func (s *Server) renderIntro(c *gin.Context, status int, in *intro.Introduction, from, to *profile.Profile) error {
	v := introView{Introduction: in, BrokerName: s.brokerName(c.Request.Context(), in, map[string]string{})}
	var err error
	if v.FromProfile, err = s.view(c, from); err != nil {
		return err
	}
	if v.ToProfile, err = s.view(c, to); err != nil {
		return err
	}
	c.JSON(status, v)
	return nil
}

// loadIntro fetches the introduction named in the path with both its profiles. An
// introduction the caller may not see is reported as not found, so its existence
// does not leak.
func (s *Server) loadIntro(c *gin.Context) (*intro.Introduction, *profile.Profile, *profile.Profile, error) {
	st, err := s.intros()
	if err != nil {
		return nil, nil, nil, err
	}
	id := c.Param("id")
	if !validID(id) {
		return nil, nil, nil, profile.Invalid("id", "invalid_id", fmt.Sprintf("%q is not an introduction id (24 hexadecimal characters)", id),
			fmt.Sprintf("%q 不是有效的对接 ID（24 位十六进制）", id))
	}
	in, err := st.GetIntro(c.Request.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	from, err := s.Store.GetProfile(c.Request.Context(), in.From.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	to, err := s.Store.GetProfile(c.Request.Context(), in.To.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !in.CanView(currentUser(c), from, to) {
		return nil, nil, nil, profile.NotFound("introduction")
	}
	return in, from, to, nil
}

// getIntro answers GET /api/v1/introductions/{id}.
func (s *Server) getIntro(c *gin.Context) error {
	in, from, to, err := s.loadIntro(c)
	if err != nil {
		return err
	}
	return s.renderIntro(c, http.StatusOK, in, from, to)
}

// optionalNote reads an optional {"note": "..."} body; no body at all is no note.
func optionalNote(c *gin.Context) (string, error) {
	if c.Request.ContentLength == 0 && c.GetHeader("Transfer-Encoding") == "" {
		return "", nil
	}
	var req noteRequest
	if err := bindJSON(c, &req); err != nil {
		return "", err
	}
	return req.Note, nil
}

func cloneIntro(in *intro.Introduction) *intro.Introduction {
	next := *in
	next.Recipients = slices.Clone(in.Recipients)
	next.AcceptedBy = slices.Clone(in.AcceptedBy)
	next.Outcomes = slices.Clone(in.Outcomes)
	return &next
}

// answerIntro answers POST /api/v1/introductions/{id}/accept, /decline and
// /withdraw, each with an optional {"note"}. Answering the same way twice changes
// nothing; when two answers race, one makes the transition and the other is
// judged again against what won.
func (s *Server) answerIntro(action string) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		st, err := s.intros()
		if err != nil {
			return err
		}
		in, from, to, err := s.loadIntro(c)
		if err != nil {
			return err
		}
		note, err := optionalNote(c)
		if err != nil {
			return err
		}
		u := currentUser(c)
		saved, changed, err := s.saveIntro(c, st, in, func(next *intro.Introduction) (intro.Event, bool, error) {
			switch action {
			case "accept":
				return next.Accept(u, note, s.Now().UTC())
			case "decline":
				return next.Decline(u, note, s.Now().UTC())
			}
			return next.Withdraw(u, note, s.Now().UTC())
		})
		if err != nil {
			return err
		}
		if changed {
			s.tellAnswered(c.Request.Context(), action, saved, u, from, to)
		}
		if !changed && saved.State == intro.Accepted {
			// Repairs contacts if a crash came between the state and the grant.
			if err := st.GrantContacts(c.Request.Context(), saved); err != nil {
				return err
			}
		}
		s.grantedContacts(saved)
		return s.renderIntro(c, http.StatusOK, saved, from, to)
	}
}

// saveIntro applies change to a copy of in and stores it. When another writer
// moved the introduction first, it re-reads it and judges the change again, up to
// three times, so racing answers end in one transition and the others see what
// won. It returns the introduction as stored and whether change did anything.
func (s *Server) saveIntro(c *gin.Context, st Introductions, in *intro.Introduction,
	change func(next *intro.Introduction) (intro.Event, bool, error)) (*intro.Introduction, bool, error) {
	for attempt := 0; ; attempt++ {
		next := cloneIntro(in)
		ev, changed, err := change(next)
		if err != nil {
			return nil, false, err
		}
		if !changed {
			return in, false, nil
		}
		err = st.SaveIntro(c.Request.Context(), next, in.Version, ev)
		if err == nil {
			return next, true, nil
		}
		if !errors.Is(err, profile.ErrPrecondition) {
			return nil, false, err
		}
		if attempt >= 3 {
			// No If-Match was sent, so a lost race is a conflict with the
			// current state, not a failed precondition of the caller's.
			return nil, false, profile.Conflict("concurrent_change",
				"someone else changed this introduction at the same moment; reload it and try again",
				"他人刚刚同时处理了此对接，请刷新后重试")
		}
		// The winner holds the next version's claim until its write lands; give it
		// a moment before judging the change again.
		select {
		case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
		case <-c.Request.Context().Done():
			return nil, false, fmt.Errorf("%w: %v", profile.ErrUnavailable, c.Request.Context().Err())
		}
		if in, err = st.GetIntro(c.Request.Context(), in.ID); err != nil {
			return nil, false, err
		}
	}
}

// addOutcome answers POST /api/v1/introductions/{id}/outcomes {kind, date, note}:
// either side or the broker records what came of an accepted introduction.
func (s *Server) addOutcome(c *gin.Context) error {
	st, err := s.intros()
	if err != nil {
		return err
	}
	in, from, to, err := s.loadIntro(c)
	if err != nil {
		return err
	}
	var req outcomeRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	saved, _, err := s.saveIntro(c, st, in, func(next *intro.Introduction) (intro.Event, bool, error) {
		ev, err := next.AddOutcome(currentUser(c), req.Kind, req.Date, req.Note, s.Now().UTC())
		return ev, err == nil, err
	})
	if err != nil {
		return err
	}
	return s.renderIntro(c, http.StatusCreated, saved, from, to)
}

// introEvents answers GET /api/v1/introductions/{id}/events: the audit trail, for
// admins only.
func (s *Server) introEvents(c *gin.Context) error {
	st, err := s.intros()
	if err != nil {
		return err
	}
	in, _, _, err := s.loadIntro(c)
	if err != nil {
		return err
	}
	if currentUser(c).Role != profile.RoleAdmin {
		return profile.Forbidden("only admins may read the audit trail", "仅系统管理员可以查看审计记录")
	}
	evs, err := st.IntroEvents(c.Request.Context(), in.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": evs})
	return nil
}

// listIntros answers GET /api/v1/introductions?box=inbox|outbox|brokered|all&state=&limit=&cursor=:
// one page of the caller's box, newest first, with the box's counts by state.
// box=all is for admins.
func (s *Server) listIntros(c *gin.Context) error {
	st, err := s.intros()
	if err != nil {
		return err
	}
	u := currentUser(c)
	box, err := queryOne(c, "box")
	if err != nil {
		return err
	}
	q := intro.Query{Box: intro.Box(box), UserID: u.ID}
	switch q.Box {
	case "":
		q.Box = intro.Inbox
	case intro.Inbox, intro.Outbox, intro.Brokered:
	case intro.All:
		if u.Role != profile.RoleAdmin {
			return profile.Forbidden("only admins may list every introduction", "仅系统管理员可以查看全部对接")
		}
	default:
		return profile.Invalid("box", "unknown_code", "box must be one of: inbox, outbox, brokered, all", "box 须为 inbox、outbox、brokered 或 all")
	}
	state, err := queryOne(c, "state")
	if err != nil {
		return err
	}
	if state != "" && !intro.ValidState(state) {
		return profile.Invalid("state", "unknown_code", "state must be one of: pending, accepted, declined, withdrawn, expired",
			"state 须为 pending、accepted、declined、withdrawn 或 expired")
	}
	q.State = intro.State(state)
	if q.Limit, err = queryLimit(c, 20, 100); err != nil {
		return err
	}
	if q.After, err = queryOne(c, "cursor"); err != nil {
		return err
	}
	if q.After != "" && !validID(q.After) {
		return profile.Invalid("cursor", "invalid_cursor", "cursor is not one this API gave out", "cursor 无效")
	}
	items, next, counts, err := st.ListIntros(c.Request.Context(), q)
	if err != nil {
		return err
	}
	out := introList{Items: make([]introView, 0, len(items)), NextCursor: next, Box: q.Box, Counts: counts}
	names := map[string]string{}
	for i := range items {
		out.Items = append(out.Items, introView{Introduction: &items[i], BrokerName: s.brokerName(c.Request.Context(), &items[i], names)})
	}
	c.JSON(http.StatusOK, out)
	return nil
}
