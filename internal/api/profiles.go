package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// ValidID reports whether id has the shape of a profile id (24 lower-case hex).
func validID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		if (ch < '0' || ch > '9') && (ch < 'a' || ch > 'f') {
			return false
		}
	}
	return true
}

// decodeProfile decodes a create or patch body onto p. Only the fields the kind may
// set are accepted; "version" is accepted (and returned) when allowVersion is set.
func decodeProfile(c *gin.Context, k profile.Kind, p *profile.Profile, allowVersion bool) (version int64, hasVersion bool, err error) {
	obj, body, err := readObject(c)
	if err != nil {
		return 0, false, err
	}
	for key, raw := range obj {
		switch {
		case key == "version" && allowVersion:
			if err := json.Unmarshal(raw, &version); err != nil || version < 1 {
				return 0, false, profile.Invalid("version", "wrong_type", "Version must be a positive whole number", "版本号须为正整数")
			}
			hasVersion = true
		case k.Writable(key):
		case isServerField(key):
			return 0, false, profile.Invalid(key, "read_only_field",
				fmt.Sprintf("%s is set by the server and cannot be sent", key), fmt.Sprintf("%s由系统生成，不能填写", fieldLabel(key).ZH))
		default:
			return 0, false, profile.Invalid(key, "unknown_field",
				fmt.Sprintf("unknown field %q for a %s; valid fields: %s", key, k, strings.Join(k.WritableFields(), ", ")),
				fmt.Sprintf("%s资料没有这一项，请检查填写的项目", k.ZH()))
		}
	}
	if hasVersion {
		delete(obj, "version")
		body, _ = json.Marshal(obj)
	}
	if err := decodeInto(body, (*plainProfile)(p)); err != nil {
		return 0, false, err
	}
	return version, hasVersion, nil
}

// plainProfile decodes with the struct's own JSON names (Profile's MarshalJSON is for
// output only).
type plainProfile profile.Profile

func isServerField(key string) bool {
	for _, f := range profile.ServerFields {
		if f == key {
			return true
		}
	}
	return false
}

// render writes p, with its contact only for viewers entitled to it.
func (s *Server) render(c *gin.Context, status int, p *profile.Profile) error {
	b, err := s.view(c, p)
	if err != nil {
		return err
	}
	c.Header("ETag", etag(p.Version))
	c.Data(status, "application/json; charset=utf-8", b)
	return nil
}

func (s *Server) view(c *gin.Context, p *profile.Profile) (json.RawMessage, error) {
	see, err := s.canSeeContact(c, p)
	if err != nil {
		return nil, err
	}
	return p.View(see)
}

func (s *Server) canSeeContact(c *gin.Context, p *profile.Profile) (bool, error) {
	u := currentUser(c)
	if auth.CanSeeContact(u, p, false) {
		return true, nil
	}
	if s.Intros == nil || u == nil {
		return false, nil
	}
	// Kept like the account: a grant is never taken back, and one made on
	// another replica is seen here within the cache's TTL.
	return s.contacts.get(c.Request.Context(), u.ID+":"+p.ID, func(ctx context.Context, _ string) (bool, error) {
		return s.Intros.Introduced(ctx, u, p)
	})
}

// grantedContacts records at once, on this replica, the contacts an accepted
// introduction opens (the store has recorded them).
func (s *Server) grantedContacts(in *intro.Introduction) {
	if in.State != intro.Accepted {
		return
	}
	s.contacts.put(in.FromOwner+":"+in.To.ID, true)
	s.contacts.put(in.ToOwner+":"+in.From.ID, true)
}

func etag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// loadProfile fetches the profile named in the path, of kind k, visible to the
// viewer: an archived profile is visible only to those who may edit it.
func (s *Server) loadProfile(c *gin.Context, k profile.Kind) (*profile.Profile, error) {
	id := c.Param("id")
	if !validID(id) {
		return nil, profile.Invalid("id", "invalid_id", fmt.Sprintf("%q is not a profile id (24 hexadecimal characters)", id),
			fmt.Sprintf("%q 不是有效的资料 ID（24 位十六进制）", id))
	}
	p, err := s.Store.GetProfile(c.Request.Context(), id)
	if err != nil {
		return nil, err
	}
	if p.Kind != k {
		return nil, profile.NotFound("profile")
	}
	if p.Archived && p.MergedInto != "" && !auth.CanSeeArchived(currentUser(c), p) {
		// A merged duplicate says where it went.
		c.Header("Location", "/api/v1/"+k.Path()+"/"+p.MergedInto)
		e := newHTTPError(http.StatusGone, "merged", "id", "this profile was merged into another as a duplicate (ref)",
			"该资料已作为重复资料并入另一份资料")
		e.detail.Ref = p.MergedInto
		return nil, e
	}
	if p.Archived && !auth.CanSeeArchived(currentUser(c), p) {
		return nil, profile.NotFound("profile")
	}
	return p, nil
}

// applyIndex keeps the index in step with a write before the handler answers. A
// failure is logged, not returned: the database holds the write, and the follower
// and reconciliation repair the index.
func (s *Server) applyIndex(c *gin.Context, p *profile.Profile) {
	if s.Index == nil {
		return
	}
	if err := s.Index.Apply(p); err != nil {
		s.Log.Warn("index apply failed; the follower will retry", "id", requestID(c), "profile", p.ID, "err", err.Error())
	}
}

// createProfile answers POST /api/v1/{path}.
func (s *Server) createProfile(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		u := currentUser(c)
		p := &profile.Profile{}
		if _, _, err := decodeProfile(c, k, p, false); err != nil {
			return err
		}
		p.Kind = k
		p.Normalize()
		if err := p.Validate(s.Catalog); err != nil {
			return err
		}
		if !auth.CanCreate(u, p) {
			if u.Role == profile.RoleManager {
				return profile.Forbidden("managers create profiles only inside their districts", "区县管理员只能在本辖区内创建资料")
			}
			return profile.Forbidden(fmt.Sprintf("a %s account cannot create a %s profile", u.Role, k),
				fmt.Sprintf("当前账号角色不能创建%s资料", k.ZH()))
		}
		if err := s.checkCarrier(c, p); err != nil {
			return err
		}
		p.OwnerID = u.ID
		ref := idemRef(c)
		p.ID = ref
		if err := s.Store.CreateProfile(c.Request.Context(), p); err != nil {
			// A retry of a request that died after its write finds that write.
			if ref == "" || !errors.Is(err, profile.ErrConflict) {
				return err
			}
			got, gerr := s.Store.GetProfile(c.Request.Context(), ref)
			if gerr != nil || got.OwnerID != u.ID {
				return err
			}
			p = got
		}
		s.applyIndex(c, p)
		s.afterWrite(c, nil, p)
		c.Header("Location", "/api/v1/"+k.Path()+"/"+p.ID)
		return s.renderWarned(c, http.StatusCreated, p, s.duplicateWarnings(c, p))
	}
}

// checkCarrier refuses a startup whose carrier_id does not name a live carrier.
func (s *Server) checkCarrier(c *gin.Context, p *profile.Profile) error {
	if p.Kind != profile.Startup || p.CarrierID == "" {
		return nil
	}
	bad := profile.Invalid("carrier_id", "unknown_carrier", "Carrier does not name a carrier in fuhua", "所在载体不是系统中的孵化载体")
	if !validID(p.CarrierID) {
		return bad
	}
	cp, err := s.Store.GetProfile(c.Request.Context(), p.CarrierID)
	if errors.Is(err, profile.ErrNotFound) || (err == nil && (cp.Kind != profile.Carrier || cp.Archived)) {
		return bad
	}
	return err
}

// getProfile answers GET /api/v1/{path}/{id}.
func (s *Server) getProfile(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		p, err := s.loadProfile(c, k)
		if err != nil {
			return err
		}
		if inm := c.GetHeader("If-None-Match"); inm != "" && strings.Contains(inm, etag(p.Version)) {
			c.Header("ETag", etag(p.Version))
			c.Status(http.StatusNotModified)
			return nil
		}
		return s.render(c, http.StatusOK, p)
	}
}

// ifMatch parses If-Match: "3" (or W/"3"); false when absent.
func ifMatch(c *gin.Context) (int64, bool, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, false, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return 0, false, profile.Invalid("If-Match", "invalid_if_match", `If-Match must be the profile's version in quotes, e.g. "3"`,
			`If-Match 须为带引号的版本号，例如 "3"`)
	}
	return v, true, nil
}

// editable opens a profile for a change: it reads If-Match (the version, when
// sent), loads the profile named in the path and checks that the caller may edit
// it. verb and verbZH name the change in the refusal.
func (s *Server) editable(c *gin.Context, k profile.Kind, verb, verbZH string) (*profile.Profile, int64, bool, error) {
	version, has, err := ifMatch(c)
	if err != nil {
		return nil, 0, false, err
	}
	p, err := s.loadProfile(c, k)
	if err != nil {
		return nil, 0, false, err
	}
	if !auth.CanEdit(currentUser(c), p) {
		return nil, 0, false, profile.Forbidden("only the profile's owner, a manager of its district or an admin may "+verb+" it",
			"只有资料所有者、所在区县管理员或系统管理员可以"+verbZH)
	}
	return p, version, has, nil
}

// patchProfile answers PATCH /api/v1/{path}/{id}: the fields sent replace the stored
// ones (lists whole), if the version sent (If-Match or "version") is current.
func (s *Server) patchProfile(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		p, headerVersion, hasHeader, err := s.editable(c, k, "change", "修改")
		if err != nil {
			return err
		}
		stored := *p
		next := *p
		next.Needs = clonePtr(p.Needs)
		next.TechSME = clonePtr(p.TechSME)
		next.HighTech = clonePtr(p.HighTech)
		bodyVersion, hasBody, err := decodeProfile(c, k, &next, true)
		if err != nil {
			return err
		}
		expect := int64(0)
		switch {
		case hasHeader:
			expect = headerVersion
		case hasBody:
			expect = bodyVersion
		default:
			return newHTTPError(http.StatusPreconditionRequired, "version_required", "version",
				`send the version you edited: header If-Match: "<version>" or "version" in the body`,
				`请提交所修改的版本：请求头 If-Match: "<版本号>" 或请求体中的 "version"`)
		}
		if expect != stored.Version {
			return staleError(hasHeader, stored.Version)
		}
		// Fields the server owns stay as stored whatever the body held.
		next.ID, next.Kind, next.OwnerID, next.CreatedAt, next.Version, next.Archived = stored.ID, k, stored.OwnerID, stored.CreatedAt, stored.Version, stored.Archived
		next.Normalize()
		if err := next.Validate(s.Catalog); err != nil {
			return err
		}
		if u := currentUser(c); u.Role == profile.RoleManager && !auth.CanEdit(u, &next) && u.ID != stored.OwnerID {
			return profile.Forbidden("a manager cannot move a profile out of their districts", "区县管理员不能将资料移出本辖区")
		}
		if err := s.checkCarrier(c, &next); err != nil {
			return err
		}
		if err := s.Store.UpdateProfile(c.Request.Context(), &next, expect, stored.CreditCode); err != nil {
			if e, ok := profile.AsError(err); ok && errors.Is(err, profile.ErrPrecondition) && !hasHeader {
				return &profile.Error{Kind: profile.ErrConflict, Code: e.Code, Field: e.Field, EN: e.EN, ZH: e.ZH}
			}
			return err
		}
		s.applyIndex(c, &next)
		s.afterWrite(c, &stored, &next)
		var ws []profile.Warning
		if next.Name != stored.Name || profile.DupScope(&next) != profile.DupScope(&stored) {
			ws = s.duplicateWarnings(c, &next)
		}
		return s.renderWarned(c, http.StatusOK, &next, ws)
	}
}

func staleError(header bool, current int64) error {
	e := profile.StaleVersion(current)
	if !header {
		e.Kind = profile.ErrConflict // a stale "version" in the body is a conflict (409); a stale If-Match a failed precondition (412)
	}
	return e
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// archiveProfile answers DELETE /api/v1/{path}/{id}: the profile is archived (kept,
// but gone from lists, search and matches). If-Match is honoured when sent.
func (s *Server) archiveProfile(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		p, want, has, err := s.editable(c, k, "archive", "归档")
		if err != nil {
			return err
		}
		if has && want != p.Version {
			return staleError(true, p.Version)
		}
		if p.Archived {
			c.Status(http.StatusNoContent)
			return nil
		}
		next := *p
		next.Archived = true
		if err := s.Store.UpdateProfile(c.Request.Context(), &next, p.Version, p.CreditCode); err != nil {
			return err
		}
		s.applyIndex(c, &next)
		c.Status(http.StatusNoContent)
		return nil
	}
}

// listJSON is a page of profiles, {"items": views, "next_cursor": next}, as
// json.Marshal writes it but without its second pass over each view: View's
// bytes are compact and escaped already, so encoding/json's pass to compact
// and check them again is saved.
func listJSON(views []json.RawMessage, next string) []byte {
	n := 32 + len(next)
	for _, v := range views {
		n += len(v) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"items":[`...)
	for i, v := range views {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, v...)
	}
	cur, _ := json.Marshal(next) // a string always marshals
	b = append(b, `],"next_cursor":`...)
	b = append(b, cur...)
	return append(b, '}')
}

// queryOne returns the single value of a query parameter; a parameter given twice
// is refused, so an array can't stand where a scalar belongs.
func queryOne(c *gin.Context, name string) (string, error) {
	vals := c.QueryArray(name)
	switch len(vals) {
	case 0:
		return "", nil
	case 1:
		if len(vals[0]) > 256 {
			return "", profile.Invalid(name, "too_long", name+" is too long", queryLabel(name)+"过长")
		}
		return vals[0], nil
	}
	return "", profile.Invalid(name, "repeated_parameter", name+" may be given only once", queryLabel(name)+"只能填写一个")
}

// queryLabels name the query parameters as the pages do.
var queryLabels = map[string]string{"year": "年度", "district": "区县", "chain": "产业链", "stage": "融资阶段", "type": "类型",
	"status": "状态", "limit": "每页条数", "cursor": "翻页位置", "kind": "资料类型", "q": "检索词", "segment": "产业链环节",
	"box": "信箱", "ruleset": "评价规则", "target": "匹配对象", "mine": "仅看我的"}

// queryLabel is the name of a query parameter a person reads.
func queryLabel(name string) string {
	if l, ok := queryLabels[name]; ok {
		return l
	}
	return fieldLabel(name).ZH
}

// queryCode reads an optional query parameter that must be one of set.
func queryCode(c *gin.Context, name string, set profile.CodeSet) (string, error) {
	v, err := queryOne(c, name)
	if err != nil || v == "" {
		return v, err
	}
	if !set.Has(v) {
		return "", profile.Invalid(name, "unknown_code", fmt.Sprintf("%q is not a valid %s; valid codes: %s", v, set.Name, set.List()),
			fmt.Sprintf("“%s”不是可选的%s，可选：%s", clipText(v), queryLabel(name), set.ZHList()))
	}
	return v, nil
}

// clipText shortens what a client sent for a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// queryLimit reads limit (default def, 1..max).
func queryLimit(c *gin.Context, def, max int) (int, error) {
	v, err := queryOne(c, "limit")
	if err != nil || v == "" {
		return def, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, profile.Invalid("limit", "out_of_range", fmt.Sprintf("limit must be a whole number from 1 to %d", max),
			fmt.Sprintf("每页条数须为 1 到 %d 的整数", max))
	}
	return n, nil
}

// listProfiles answers GET /api/v1/{path}?chain=&district=&stage=&type=&status=&mine=&limit=&cursor=.
func (s *Server) listProfiles(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		f, err := s.listFilter(c, k)
		if err != nil {
			return err
		}
		if f.Limit, err = queryLimit(c, 20, 100); err != nil {
			return err
		}
		cursor, err := queryOne(c, "cursor")
		if err != nil {
			return err
		}
		if cursor != "" && !validID(cursor) {
			return profile.Invalid("cursor", "invalid_cursor", "cursor is not one this API gave out", "cursor 无效")
		}
		f.After = cursor
		items, next, err := s.listPage(c.Request.Context(), f)
		if err != nil {
			return err
		}
		views := make([]json.RawMessage, 0, len(items))
		for i := range items {
			b, err := s.view(c, &items[i])
			if err != nil {
				return err
			}
			views = append(views, b)
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", listJSON(views, next))
		return nil
	}
}

// listFilter reads the filters of a list page (chain, district, stage, type,
// status, mine); the list and its .xlsx export share them.
func (s *Server) listFilter(c *gin.Context, k profile.Kind) (profile.ListFilter, error) {
	f := profile.ListFilter{Kind: k}
	var err error
	if f.Chain, err = queryCode(c, "chain", s.Catalog.Chains); err != nil {
		return f, err
	}
	if f.District, err = queryCode(c, "district", s.Catalog.Districts); err != nil {
		return f, err
	}
	if f.Stage, err = queryCode(c, "stage", profile.Stages); err != nil {
		return f, err
	}
	types := map[profile.Kind]profile.CodeSet{profile.Investor: profile.InvestorTypes, profile.Carrier: profile.CarrierTypes, profile.Provider: profile.ProviderTypes}
	if set, ok := types[k]; ok {
		if f.Type, err = queryCode(c, "type", set); err != nil {
			return f, err
		}
	} else if v, _ := queryOne(c, "type"); v != "" {
		return f, profile.Invalid("type", "unknown_filter", fmt.Sprintf("%s profiles have no type", k), k.ZH()+"资料没有 type 字段")
	}
	if k == profile.Startup {
		if f.Status, err = queryCode(c, "status", profile.StartupStatuses); err != nil {
			return f, err
		}
	}
	mine, err := queryOne(c, "mine")
	if err != nil {
		return f, err
	}
	if mine == "1" || mine == "true" {
		f.OwnerID = currentUser(c).ID
	}
	return f, nil
}

// listPage returns one page of a list. The search index's in-memory copy picks the
// profiles when it holds every filter asked for; each comes from the page cache
// when it holds the version the index lists, otherwise from the database by
// _id (the one lookup the embedded database does without a scan), several at
// once. Without the index's help the database answers the whole query. A
// profile the index still lists but the database has archived or lost is
// skipped.
// listFetchers is how many of a list page's profiles are read at once.
const listFetchers = 8

func (s *Server) listPage(ctx context.Context, f profile.ListFilter) ([]profile.Profile, string, error) {
	if s.Index != nil {
		if es, next, ok := s.Index.ListEntries(ctx, f); ok {
			got := make([]*profile.Profile, len(es))
			errs := make([]error, len(es))
			var wg sync.WaitGroup
			sem := make(chan struct{}, listFetchers)
			for i, e := range es {
				if got[i] = s.pages.get(e.ID, e.Seq); got[i] != nil {
					continue
				}
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					got[i], errs[i] = s.Store.GetProfile(ctx, e.ID)
					if errs[i] == nil {
						s.pages.put(got[i])
					}
				}()
			}
			wg.Wait()
			items := make([]profile.Profile, 0, len(es))
			for i, p := range got {
				if errors.Is(errs[i], profile.ErrNotFound) {
					continue
				}
				if errs[i] != nil {
					return nil, "", errs[i]
				}
				if p.Kind == f.Kind && !p.Archived {
					items = append(items, *p)
				}
			}
			return items, next, nil
		}
	}
	return s.Store.ListProfiles(ctx, f)
}
