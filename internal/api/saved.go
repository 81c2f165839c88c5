package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/index"
	"fuhua/internal/auth"
	"fuhua/internal/match"
	"fuhua/internal/notify"
	"fuhua/internal/profile"
)

// Saved searches and saved match lists (issue 10): GET|POST /me/saved,
// DELETE /me/saved/{id}; a new or changed profile that enters one tells its
// owner (saved_search, saved_matches).
//
// The work a profile write adds is bounded: every account's lists are cached
// for savedCacheTTL (one scan of a small collection); each is first judged on
// the profile's declared fields alone (kind, district, stage, the match list's
// target), and at most maxSavedQueries of those that pass — newest first — are
// put to the search index (words, chain, segment: up to savedSearchDepth hits)
// or the matcher (its best savedMatchDepth). A list enters a profile once:
// "saved:<list>:<profile>" is claimed, and what a list holds when it is saved
// is claimed then, so only newcomers are told of.

const (
	savedCacheTTL    = 30 * time.Second
	maxSavedQueries  = 20
	savedSearchDepth = 100
	savedMatchDepth  = 20
)

// SavedLists keeps accounts' saved searches and match lists.
type SavedLists interface {
	ListSaved(ctx context.Context, account string) ([]notify.Saved, error)
	AddSaved(ctx context.Context, account string, sv *notify.Saved) error
	DeleteSaved(ctx context.Context, account, id string) error
	AllSaved(ctx context.Context) ([]notify.Saved, error)
	ClaimOnce(ctx context.Context, key string) (bool, error)
}

// savedCache is every account's lists as last read.
type savedCache struct {
	mu  sync.Mutex
	all []notify.Saved
	at  time.Time
}

func (s *Server) savedRoutes(g *gin.RouterGroup) {
	g.GET("/me/saved", s.handle(s.listSaved))
	g.POST("/me/saved", s.handle(s.addSaved))
	g.DELETE("/me/saved/:id", s.handle(s.deleteSaved))
}

func (s *Server) saved() (SavedLists, error) {
	if s.Saved == nil {
		return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable",
			EN: "saved searches are not available on this server", ZH: "此服务器未启用保存检索功能"}
	}
	return s.Saved, nil
}

// listSaved answers GET /api/v1/me/saved: the caller's saved lists, oldest first.
func (s *Server) listSaved(c *gin.Context) error {
	st, err := s.saved()
	if err != nil {
		return err
	}
	items, err := st.ListSaved(c.Request.Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if items == nil {
		items = []notify.Saved{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

type savedRequest struct {
	Name      string              `json:"name"`
	Kind      string              `json:"kind"`
	Query     *notify.SearchQuery `json:"query"`
	ProfileID string              `json:"profile_id"`
	Target    string              `json:"target"`
}

// addSaved answers POST /api/v1/me/saved {name, kind: "search", query: {q, kind,
// chain, segment, district, stage}} or {name, kind: "matches", profile_id,
// target}: the list is kept and what it holds now is remembered, so that only
// profiles entering it later are told of.
func (s *Server) addSaved(c *gin.Context) error {
	st, err := s.saved()
	if err != nil {
		return err
	}
	var req savedRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	sv := &notify.Saved{Name: req.Name, Kind: req.Kind, Query: req.Query, ProfileID: req.ProfileID, Target: profile.Kind(req.Target)}
	if err := sv.Check(s.Catalog); err != nil {
		return err
	}
	ctx := c.Request.Context()
	if sv.Kind == notify.SavedKindMatches {
		unknown := profile.Invalid("profile_id", "unknown_profile", "profile_id does not name a profile", "profile_id 不是有效的资料")
		if !validID(sv.ProfileID) {
			return unknown
		}
		from, err := s.Store.GetProfile(ctx, sv.ProfileID)
		if err != nil {
			if errors.Is(err, profile.ErrNotFound) {
				return unknown
			}
			return err
		}
		if from.Archived {
			return unknown
		}
		if !auth.CanEdit(currentUser(c), from) {
			return profile.Forbidden("only the profile's owner, a manager of its district or an admin may keep its matches",
				"只有资料所有者、所在区县管理员或系统管理员可以保存其匹配列表")
		}
		if !slices.Contains(match.Targets(from.Kind), sv.Target) {
			return profile.Invalid("target", "unknown_code", "target: a "+string(from.Kind)+" is matched with "+joinKinds(match.Targets(from.Kind)),
				"匹配对象（target）："+from.Kind.ZH()+"资料可匹配 "+joinKinds(match.Targets(from.Kind)))
		}
	}
	me := currentUser(c).ID
	if err := st.AddSaved(ctx, me, sv); err != nil {
		return err
	}
	sv.Owner = me
	s.savedDirty()
	// What the list holds now is not news.
	if ids, err := s.savedMembers(ctx, sv); err == nil {
		for _, id := range ids {
			if _, err := st.ClaimOnce(ctx, savedKey(sv.ID, id)); err != nil {
				break
			}
		}
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

// deleteSaved answers DELETE /api/v1/me/saved/{id}: one of the caller's lists
// is dropped; another account's id is not found.
func (s *Server) deleteSaved(c *gin.Context) error {
	st, err := s.saved()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if !validID(id) {
		return profile.Invalid("id", "invalid_id", "id is not a saved list id (24 hexadecimal characters)", "id 不是有效的保存列表 ID（24 位十六进制）")
	}
	if err := st.DeleteSaved(c.Request.Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	s.savedDirty()
	c.Status(http.StatusNoContent)
	return nil
}

func savedKey(list, profileID string) string { return "saved:" + list + ":" + profileID }

func (s *Server) savedDirty() {
	s.savedLists.mu.Lock()
	s.savedLists.at = time.Time{}
	s.savedLists.mu.Unlock()
}

// allSaved returns every account's lists, newest first, from the cache.
func (s *Server) allSaved(ctx context.Context) ([]notify.Saved, error) {
	sc := &s.savedLists
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if !sc.at.IsZero() && time.Since(sc.at) < savedCacheTTL {
		return sc.all, nil
	}
	all, err := s.Saved.AllSaved(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b notify.Saved) int { return b.CreatedAt.Compare(a.CreatedAt) })
	sc.all, sc.at = all, time.Now()
	return all, nil
}

// savedMembers returns the ids a list holds now, as far as savedSearchDepth /
// savedMatchDepth reach; nil without an index.
func (s *Server) savedMembers(ctx context.Context, sv *notify.Saved) ([]string, error) {
	if s.Index == nil || !s.Index.Ready() {
		return nil, nil
	}
	var ids []string
	switch sv.Kind {
	case notify.SavedKindSearch:
		q := sv.Query
		res, err := s.Index.Search(ctx, index.SearchRequest{Q: q.Q, Kind: q.Kind, Chain: q.Chain, Segment: q.Segment,
			District: q.District, Stage: q.Stage, Limit: savedSearchDepth})
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
	case notify.SavedKindMatches:
		from, err := s.Store.GetProfile(ctx, sv.ProfileID)
		if err != nil || from.Archived {
			return nil, err
		}
		items, err := s.Index.Match(ctx, from, sv.Target, index.MatchOptions{Limit: savedMatchDepth, Accepted: s.Accepted})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			ids = append(ids, it.ID)
		}
	}
	return ids, nil
}

// tellSaved tells the owners of the saved lists p has entered (see the bound
// above). Failures are logged; the write that called it stands.
func (s *Server) tellSaved(ctx context.Context, p *profile.Profile) {
	if s.Saved == nil || s.Index == nil || p.Archived {
		return
	}
	ctx = context.WithoutCancel(ctx)
	all, err := s.allSaved(ctx)
	if err != nil {
		s.Log.Warn("saved lists unreadable", "err", err.Error())
		return
	}
	queries := 0
	for i := range all {
		sv := &all[i]
		if sv.Owner == p.OwnerID {
			continue // nobody is told of their own profile
		}
		judged := false
		switch sv.Kind {
		case notify.SavedKindSearch:
			if sv.Query == nil || !sv.Query.Admits(p) {
				continue
			}
			judged = !sv.Query.NeedsIndex()
		case notify.SavedKindMatches:
			if sv.Target != p.Kind || sv.ProfileID == p.ID {
				continue
			}
		default:
			continue
		}
		if !judged {
			if queries >= maxSavedQueries {
				s.Log.Info("saved lists: per-write bound reached", "profile", p.ID, "bound", maxSavedQueries)
				return
			}
			queries++
			ids, err := s.savedMembers(ctx, sv)
			if err != nil {
				s.Log.Warn("saved list not judged", "list", sv.ID, "err", err.Error())
				continue
			}
			if !slices.Contains(ids, p.ID) {
				continue
			}
		}
		first, err := s.Saved.ClaimOnce(ctx, savedKey(sv.ID, p.ID))
		if err != nil || !first {
			continue
		}
		ref := refOf(p)
		if sv.Kind == notify.SavedKindSearch {
			s.tell(ctx, sv.Owner, notify.EnteredSearch(sv.Name, ref))
			continue
		}
		fromName := sv.ProfileID
		if from, err := s.Store.GetProfile(ctx, sv.ProfileID); err == nil {
			fromName = from.Name
		}
		s.tell(ctx, sv.Owner, notify.EnteredMatches(sv.Name, notify.Ref{Name: fromName}, ref))
	}
}
