package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/merge"
	"fuhua/internal/profile"
)

// Merger is the store as merging duplicates uses it (see internal/merge and
// mongodb/merges.go).
type Merger interface {
	MergeFacts(ctx context.Context, keepID, dropID string) (merge.Facts, error)
	StartMerge(ctx context.Context, rec *merge.Record) (*merge.Record, error)
	RunMerge(ctx context.Context, rec *merge.Record) ([]string, error)
	ListMerges(ctx context.Context, districts []string) ([]merge.Record, error)
	MergeOf(ctx context.Context, dropID string) (*merge.Record, error)
}

// mergeRoutes adds the merging of duplicate profiles (issue 12, part 6).
func (s *Server) mergeRoutes(in *gin.RouterGroup) {
	in.POST("/merges/preview", s.handle(s.previewMerge))
	in.POST("/merges", s.handle(s.runMerge))
	in.GET("/merges", s.handle(s.listMerges))
}

func (s *Server) merger() (Merger, error) {
	m, ok := s.Store.(Merger)
	if !ok {
		return nil, fmt.Errorf("%w: this store cannot merge", profile.ErrUnavailable)
	}
	return m, nil
}

// mergeRequest is the body of both merge routes; the versions are needed to
// carry a merge out.
type mergeRequest struct {
	Kind        profile.Kind `json:"kind"`
	KeepID      string       `json:"keep_id"`
	DropID      string       `json:"drop_id"`
	VersionKeep int64        `json:"version_keep"`
	VersionDrop int64        `json:"version_drop"`
}

// mergePreview is what a merge would do.
type mergePreview struct {
	Keep     shortProfile `json:"keep"`
	Drop     shortProfile `json:"drop"`
	CanMerge bool         `json:"can_merge"`
	merge.Plan
}

// shortProfile is the short form of a profile in a merge answer.
type shortProfile struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	District   string `json:"district"`
	Version    int64  `json:"version"`
	CreditCode string `json:"credit_code,omitempty"`
	Archived   bool   `json:"archived"`
}

func short(p *profile.Profile) shortProfile {
	return shortProfile{ID: p.ID, Name: p.Name, District: auth.ProfileDistrict(p), Version: p.Version, CreditCode: p.CreditCode, Archived: p.Archived}
}

// mergeFacts reads and checks a merge request: both ids, the kind, and that the
// caller manages both profiles.
func (s *Server) mergeFacts(c *gin.Context, m Merger, needVersions bool) (*mergeRequest, merge.Facts, error) {
	var req mergeRequest
	if err := bindJSON(c, &req); err != nil {
		return nil, merge.Facts{}, err
	}
	u := currentUser(c)
	if u.Role != profile.RoleManager && u.Role != profile.RoleAdmin {
		return nil, merge.Facts{}, profile.Forbidden("only district managers and admins merge duplicate profiles", "只有区县管理员和系统管理员可以合并重复资料")
	}
	if !req.Kind.Valid() {
		return nil, merge.Facts{}, profile.Invalid("kind", "unknown_code", "kind must be one of: startup, investor, carrier, enclave, provider",
			"请选择资料类型：企业、投资机构、孵化载体、科创飞地或服务机构")
	}
	for _, f := range []struct{ name, id string }{{"keep_id", req.KeepID}, {"drop_id", req.DropID}} {
		if !validID(f.id) {
			l := fieldLabel(f.name)
			return nil, merge.Facts{}, profile.Invalid(f.name, "invalid_id", l.EN+" must be a profile id (24 hexadecimal characters)",
				"请选择"+l.ZH)
		}
	}
	if needVersions && (req.VersionKeep < 1 || req.VersionDrop < 1) {
		field := "version_keep"
		if req.VersionKeep >= 1 {
			field = "version_drop"
		}
		l := fieldLabel(field)
		return nil, merge.Facts{}, profile.Invalid(field, "required", l.EN+" is required: send the versions you previewed",
			l.ZH+"为必填项：请提交预览时看到的版本号")
	}
	f, err := m.MergeFacts(c.Request.Context(), req.KeepID, req.DropID)
	if err != nil {
		return nil, f, err
	}
	for _, p := range []*profile.Profile{f.Keep, f.Drop} {
		if p.Kind != req.Kind {
			return nil, f, profile.NotFound("profile")
		}
		if !auth.Oversees(u, p) {
			return nil, f, profile.Forbidden("a manager merges only profiles inside their districts", "区县管理员只能合并本辖区内的资料")
		}
	}
	return &req, f, nil
}

// previewMerge answers POST /api/v1/merges/preview {kind, keep_id, drop_id}:
// what merging drop into keep would move, what stays as history, and what
// blocks it. Nothing is written.
func (s *Server) previewMerge(c *gin.Context) error {
	m, err := s.merger()
	if err != nil {
		return err
	}
	_, f, err := s.mergeFacts(c, m, false)
	if err != nil {
		return err
	}
	pl := merge.Decide(f)
	c.JSON(http.StatusOK, mergePreview{Keep: short(f.Keep), Drop: short(f.Drop), CanMerge: !pl.Blocked(), Plan: pl})
	return nil
}

// blockedError is the 409 of a merge that would leave something behind.
func blockedError(pl merge.Plan) error {
	b := pl.Blockers[0]
	e := profile.Conflict("merge_blocked", "the merge is refused: "+b.EN, "不能合并："+b.ZH)
	e.Ref = b.Ref
	return e
}

// runMerge answers POST /api/v1/merges {kind, keep_id, drop_id, version_keep,
// version_drop}: drop is merged into keep if both are still at the versions
// previewed and nothing blocks it (else 409, nothing changed). A merge cut
// off midway is completed by sending the same request again.
func (s *Server) runMerge(c *gin.Context) error {
	m, err := s.merger()
	if err != nil {
		return err
	}
	req, f, err := s.mergeFacts(c, m, true)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ctx := c.Request.Context()
	held, err := m.MergeOf(ctx, f.Drop.ID)
	switch {
	case errors.Is(err, profile.ErrNotFound):
		held = nil
	case err != nil:
		return err
	case held.State == merge.Running && held.KeepID == f.Keep.ID:
		// Cut off midway: its recorded plan is carried on, whatever changed since.
	default:
		e := profile.Conflict("already_merged", "the profile merged away is merged already, or being merged into another",
			"并入的资料已经合并过，或正在并入另一份资料")
		e.Ref = held.ID
		return e
	}
	if held == nil {
		if f.Keep.Version != req.VersionKeep || f.Drop.Version != req.VersionDrop {
			e := profile.Conflict("version_mismatch", "one of the profiles changed since the preview; preview again",
				"预览之后资料已被修改，请重新预览后再合并")
			e.Field = "version_keep"
			if f.Keep.Version == req.VersionKeep {
				e.Field = "version_drop"
			}
			return e
		}
		rec := &merge.Record{Kind: req.Kind, District: auth.ProfileDistrict(f.Keep), KeepID: f.Keep.ID, DropID: f.Drop.ID,
			KeepName: f.Keep.Name, DropName: f.Drop.Name, By: u.ID, Plan: merge.Decide(f)}
		if rec.Plan.Blocked() {
			return blockedError(rec.Plan)
		}
		if held, err = m.StartMerge(ctx, rec); err != nil {
			return err
		}
	}
	touched, err := m.RunMerge(ctx, held)
	for _, id := range touched {
		if p, gerr := s.Store.GetProfile(ctx, id); gerr == nil {
			s.applyIndex(c, p)
		}
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, held)
	return nil
}

// listMerges answers GET /api/v1/merges?district=: the audit of merges (who,
// when, what moved), newest first; a manager's own districts, an admin's all.
func (s *Server) listMerges(c *gin.Context) error {
	m, err := s.merger()
	if err != nil {
		return err
	}
	u := currentUser(c)
	if u.Role != profile.RoleManager && u.Role != profile.RoleAdmin {
		return profile.Forbidden("only district managers and admins see merges", "只有区县管理员和系统管理员可以查看合并记录")
	}
	d, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return err
	}
	var districts []string
	switch {
	case d != "" && u.Role == profile.RoleManager && !u.InDistrict(d):
		return profile.Forbidden("a manager sees only their districts' merges", "区县管理员只能查看本辖区的合并记录")
	case d != "":
		districts = []string{d}
	case u.Role == profile.RoleManager:
		districts = append([]string{}, u.Districts...)
	}
	rs, err := m.ListMerges(c.Request.Context(), districts)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": rs})
	return nil
}
