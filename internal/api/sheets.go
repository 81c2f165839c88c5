package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/metrics"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

// sheetRoutes adds the plan monitoring, tech-SME and spreadsheet routes (issue 5).
func (s *Server) sheetRoutes(in *gin.RouterGroup) {
	in.GET("/kpi", s.handle(s.getKPI))
	in.GET("/kpi/export", s.handle(s.exportKPI))
	in.GET("/startups/:id/techsme", s.handle(s.techSME))
	for _, k := range profile.Kinds {
		in.GET("/"+k.Path()+"/export", s.handle(s.exportProfiles(k)))
		in.GET("/"+k.Path()+"/import/template", s.handle(s.importTemplate(k)))
		in.POST("/"+k.Path()+"/import", s.handle(s.importProfiles(k)))
	}
}

// attachment sends an .xlsx workbook as a download.
func attachment(c *gin.Context, name string, b []byte) {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, sheet.ContentType, b)
}

// mayImport refuses everyone but district managers and admins.
func mayImport(u *profile.User) error {
	if u.Role != profile.RoleManager && u.Role != profile.RoleAdmin {
		return profile.Forbidden("imports are for district managers and admins", "仅区县管理员和系统管理员可以导入")
	}
	return nil
}

// importTemplate answers GET /api/v1/{path}/import/template: the .xlsx to fill in,
// for those who may import (managers and admins, as docs/roles.md says).
func (s *Server) importTemplate(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		if err := mayImport(currentUser(c)); err != nil {
			return err
		}
		b, err := sheet.Template(k)
		if err != nil {
			return err
		}
		attachment(c, k.Path()+"-template.xlsx", b)
		return nil
	}
}

// maxExport is the most profiles one export writes; past it, narrow the filters.
const maxExport = sheet.MaxRows

// exportProfiles answers GET /api/v1/{path}/export?chain=&district=&stage=&type=&status=&mine=:
// every live profile the list would show under the same filters, in id order, as
// an .xlsx in the import layout; contacts only where the viewer may see them.
func (s *Server) exportProfiles(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		f, err := s.listFilter(c, k)
		if err != nil {
			return err
		}
		var ps []*profile.Profile
		// One pass filtered here, not a page query per hundred rows: the embedded
		// backend scans the collection for any filter but _id.
		err = s.Store.EachOfKind(c.Request.Context(), k, func(p *profile.Profile) error {
			if listed(f, p) {
				if len(ps) == maxExport {
					return profile.Invalid("", "too_many_rows", fmt.Sprintf("more than %d profiles match; narrow the filters", maxExport),
						fmt.Sprintf("符合条件的资料超过 %d 条，请缩小筛选范围", maxExport))
				}
				ps = append(ps, p)
			}
			return nil
		})
		if err != nil {
			return err
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
		items := make([]sheet.Item, len(ps))
		for i, p := range ps {
			see, err := s.canSeeContact(c, p)
			if err != nil {
				return err
			}
			items[i] = sheet.Item{Profile: p, WithContact: see}
		}
		b, err := sheet.Profiles(k, items)
		if err != nil {
			return err
		}
		attachment(c, k.Path()+".xlsx", b)
		return nil
	}
}

// listed reports whether the list page's filter f selects p, as the store's list
// query does.
func listed(f profile.ListFilter, p *profile.Profile) bool {
	switch {
	case f.Chain != "" && !slices.Contains(p.Chains, f.Chain),
		f.District != "" && p.District != f.District,
		f.Type != "" && p.Type != f.Type,
		f.Status != "" && p.Status != f.Status,
		f.OwnerID != "" && p.OwnerID != f.OwnerID:
		return false
	case f.Stage != "" && p.Kind == profile.Investor:
		return slices.Contains(p.Stages, f.Stage)
	case f.Stage != "":
		return p.Stage == f.Stage
	}
	return true
}

// importResult is what an import did: every data row is counted once, as
// created, updated, unchanged or in errors (by its row number).
type importResult struct {
	Kind profile.Kind `json:"kind"`
	// Key says how a row finds the profile it updates.
	Key       string `json:"key"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	// Failed is the number of rows that did not land; Errors says why, one or
	// more entries per failed row.
	Failed         int                   `json:"failed"`
	Errors         []sheet.RowError      `json:"errors"`
	IgnoredColumns []sheet.IgnoredColumn `json:"ignored_columns"`
}

// importWorkers is how many rows are written at once: the writes are
// independent, and the database round trips of one row overlap another's.
const importWorkers = 4

// importProfiles answers POST /api/v1/{path}/import (multipart, the file in field
// "file"; .xlsx or .csv): managers and admins create or update profiles of the
// kind from a spreadsheet. Startups are found by credit code, the other kinds by
// name and district (an enclave's home district), so a second import of the same
// file updates rather than duplicates. Every row goes through the API's own
// validation and permission rules; a row that fails is reported, never dropped.
func (s *Server) importProfiles(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		u := currentUser(c)
		if err := mayImport(u); err != nil {
			return err
		}
		data, err := uploadedFile(c)
		if err != nil {
			return err
		}
		t, err := sheet.Read(data)
		if err != nil {
			return err
		}
		cols, rows, err := sheet.Parse(k, t)
		if err != nil {
			return err
		}
		res, err := s.runImport(c, u, k, cols, rows)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, res)
		return nil
	}
}

// uploadedFile reads the multipart field "file", answering 4xx for anything else.
func uploadedFile(c *gin.Context) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, newHTTPError(http.StatusRequestEntityTooLarge, "file_too_large", "file",
				fmt.Sprintf("the upload is larger than %d bytes", sheet.MaxBytes), fmt.Sprintf("上传文件超过 %d 字节", sheet.MaxBytes))
		case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
			return nil, newHTTPError(http.StatusUnsupportedMediaType, "unsupported_media_type", "file",
				`send the spreadsheet as multipart/form-data in the field "file"`, `请以 multipart/form-data 格式上传，文件字段名为 "file"`)
		case errors.Is(err, http.ErrMissingFile):
			return nil, profile.Invalid("file", "required", `no file in the field "file"`, `字段 "file" 中没有文件`)
		}
		return nil, profile.Invalid("file", "unreadable_body", "the upload could not be read: "+err.Error(), "无法读取上传内容")
	}
	if fh.Size > sheet.MaxBytes {
		return nil, newHTTPError(http.StatusRequestEntityTooLarge, "file_too_large", "file",
			fmt.Sprintf("the file is %d bytes; at most %d are accepted", fh.Size, sheet.MaxBytes),
			fmt.Sprintf("文件大小为 %d 字节，最多允许 %d 字节", fh.Size, sheet.MaxBytes))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, profile.Invalid("file", "unreadable_body", "the uploaded file could not be read", "无法读取上传的文件")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, sheet.MaxBytes+1))
	if err != nil {
		return nil, profile.Invalid("file", "unreadable_body", "the uploaded file could not be read", "无法读取上传的文件")
	}
	return data, nil
}

// naturalKey is how a non-startup row finds its profile: name and the district
// that owns it. Case and spacing are folded so "ABC 孵化器" and "abc孵化器" match.
func naturalKey(p *profile.Profile) string {
	return strings.Join(strings.Fields(strings.ToLower(p.Name)), "") + "|" + auth.ProfileDistrict(p)
}

// importJob is one row that read cleanly, waiting to be written.
type importJob struct {
	row *sheet.Row
	key string
}

// outcome is what happened to one job.
type outcome struct {
	status string // created, updated, unchanged, or "" with errs
	errs   []sheet.RowError
}

func (s *Server) runImport(c *gin.Context, u *profile.User, k profile.Kind, cols *sheet.Columns, rows []sheet.Row) (*importResult, error) {
	ctx := c.Request.Context()
	res := &importResult{Kind: k, Key: "name+district", Rows: len(rows), Errors: []sheet.RowError{},
		IgnoredColumns: append([]sheet.IgnoredColumn{}, cols.Ignored...)}
	if k == profile.Startup {
		res.Key = "credit_code"
	}
	// What exists, read once: a lookup per row would scan the collection per row.
	live := map[string]*profile.Profile{}
	byKey := map[string][]*profile.Profile{}
	err := s.Store.EachOfKind(ctx, k, func(p *profile.Profile) error {
		live[p.ID] = p
		if k != profile.Startup {
			byKey[naturalKey(p)] = append(byKey[naturalKey(p)], p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	carriers, carrierNames, err := s.carrierIndex(ctx, k, cols)
	if err != nil {
		return nil, err
	}

	failed := map[int]bool{}
	report := func(es ...sheet.RowError) {
		for _, e := range es {
			failed[e.Row] = true
			res.Errors = append(res.Errors, e)
		}
	}
	seen := map[string]int{}
	var jobs []importJob
	for i := range rows {
		r := &rows[i]
		if len(r.Errors) > 0 {
			report(r.Errors...)
			continue
		}
		if e, ok := resolveCarrier(r, carriers, carrierNames); !ok {
			report(e)
			continue
		}
		alone, err := r.Apply(&profile.Profile{Kind: k})
		if err != nil {
			return nil, err
		}
		alone.Normalize()
		key, field := naturalKey(&alone), "name"
		if k == profile.Startup {
			key, field = alone.CreditCode, "credit_code"
			if key == "" {
				report(r.Error("credit_code", "required", "credit_code is required: a second import finds the firm by it",
					"统一社会信用代码为必填项：再次导入时据此找到已有企业"))
				continue
			}
		}
		if first, dup := seen[key]; dup {
			report(r.Error(field, "duplicate_row", fmt.Sprintf("this row names the same profile as row %d; keep one", first),
				fmt.Sprintf("本行与第 %d 行是同一条资料，请只保留一行", first)))
			continue
		}
		seen[key] = r.Row
		jobs = append(jobs, importJob{row: r, key: key})
	}

	metrics.ImportsRunning.Inc()
	defer metrics.ImportsRunning.Dec()
	outcomes := make([]outcome, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < importWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outcomes[i] = s.importRow(c, u, k, jobs[i], live, byKey)
				metrics.ImportRows.WithLabelValues(string(k), outcomeLabel(outcomes[i].status)).Inc()
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	for i, o := range outcomes {
		switch o.status {
		case "created":
			res.Created++
		case "updated":
			res.Updated++
		case "unchanged":
			res.Unchanged++
		default:
			if len(o.errs) == 0 { // cannot happen; a row must never vanish
				o.errs = []sheet.RowError{jobs[i].row.Error("", "internal", "the row was not written", "该行未写入")}
			}
			report(o.errs...)
		}
	}
	res.Failed = len(failed)
	sort.SliceStable(res.Errors, func(i, j int) bool {
		a, b := res.Errors[i], res.Errors[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return len(a.Column) < len(b.Column) || (len(a.Column) == len(b.Column) && a.Column < b.Column)
	})
	return res, nil
}

// carrierIndex loads the live carriers when a startup file names them, so a
// carrier may be given by id or by its exact name.
func (s *Server) carrierIndex(ctx context.Context, k profile.Kind, cols *sheet.Columns) (map[string]bool, map[string][]string, error) {
	if k != profile.Startup || !cols.Has("carrier_id") {
		return nil, nil, nil
	}
	ids, names := map[string]bool{}, map[string][]string{}
	err := s.Store.EachOfKind(ctx, profile.Carrier, func(p *profile.Profile) error {
		ids[p.ID] = true
		names[strings.TrimSpace(p.Name)] = append(names[strings.TrimSpace(p.Name)], p.ID)
		return nil
	})
	return ids, names, err
}

// resolveCarrier turns a carrier named by name into its id and checks an id names
// a live carrier.
func resolveCarrier(r *sheet.Row, ids map[string]bool, names map[string][]string) (sheet.RowError, bool) {
	v, ok := r.Text("carrier_id")
	if !ok || v == "" {
		return sheet.RowError{}, true
	}
	if validID(v) {
		if ids[v] {
			return sheet.RowError{}, true
		}
		return r.Error("carrier_id", "unknown_carrier", "carrier_id does not name a carrier", "所在载体不是有效的孵化载体"), false
	}
	switch m := names[v]; len(m) {
	case 1:
		r.SetText("carrier_id", m[0])
		return sheet.RowError{}, true
	case 0:
		return r.Error("carrier_id", "unknown_carrier", fmt.Sprintf("no carrier is named %q", v), fmt.Sprintf("没有名为“%s”的孵化载体", v)), false
	}
	return r.Error("carrier_id", "ambiguous_carrier", fmt.Sprintf("several carriers are named %q; give the carrier's id", v),
		fmt.Sprintf("有多个名为“%s”的孵化载体，请填写载体 ID", v)), false
}

// importRow writes one row: it finds the profile the row names, merges the row
// onto it, validates and checks permission as the API's own create and edit do,
// and writes only if something changed.
func (s *Server) importRow(c *gin.Context, u *profile.User, k profile.Kind, job importJob,
	live map[string]*profile.Profile, byKey map[string][]*profile.Profile) outcome {
	ctx := c.Request.Context()
	r := job.row
	fail := func(field, code, en, zh string) outcome {
		return outcome{errs: []sheet.RowError{r.Error(field, code, en, zh)}}
	}
	unavailable := func(err error) outcome {
		s.Log.Error("import row failed", "id", requestID(c), "row", r.Row, "err", err.Error())
		return fail("", "unavailable", "the row could not be written just now; import the file again to retry it",
			"该行暂时无法写入，请重新导入文件重试")
	}

	var existing *profile.Profile
	if k == profile.Startup {
		id, err := s.Store.ProfileIDByCreditCode(ctx, job.key)
		switch {
		case errors.Is(err, profile.ErrNotFound):
		case err != nil:
			return unavailable(err)
		default:
			if existing = live[id]; existing == nil {
				p, err := s.Store.GetProfile(ctx, id)
				if err != nil && !errors.Is(err, profile.ErrNotFound) {
					return unavailable(err)
				}
				existing = p
			}
		}
	} else {
		switch m := byKey[job.key]; len(m) {
		case 0:
		case 1:
			existing = m[0]
		default:
			return fail("name", "ambiguous_profile", fmt.Sprintf("%d profiles already have this name and district; edit them in the app", len(m)),
				fmt.Sprintf("已有 %d 条同名同区县的资料，请在系统中逐条修改", len(m)))
		}
	}
	if existing != nil && (existing.Archived || existing.Kind != k) {
		return fail(map[bool]string{true: "credit_code", false: "name"}[k == profile.Startup], "archived_profile",
			"this row names an archived profile; ask an admin to restore it first", "本行对应的资料已归档，请先请系统管理员恢复")
	}

	base := existing
	if base == nil {
		base = &profile.Profile{Kind: k}
	}
	next, err := r.Apply(base)
	if err != nil {
		return unavailable(err)
	}
	next.Kind = k
	next.Normalize()
	if err := next.Validate(s.Catalog); err != nil {
		if e, ok := profile.AsError(err); ok {
			return fail(e.Field, e.Code, e.EN, e.ZH)
		}
		return unavailable(err)
	}
	districtField := "district"
	if k == profile.Enclave && next.District == "" {
		districtField = "home_district"
	}
	if existing == nil {
		if !auth.CanCreate(u, &next) {
			return fail(districtField, "outside_districts", "this row is outside your districts", "本行不在您管辖的区县内")
		}
		next.OwnerID = u.ID
		if err := s.Store.CreateProfile(ctx, &next); err != nil {
			if e, ok := profile.AsError(err); ok {
				return fail(e.Field, e.Code, e.EN, e.ZH)
			}
			return unavailable(err)
		}
		s.applyIndex(c, &next)
		return outcome{status: "created"}
	}
	if !auth.CanEdit(u, existing) || !auth.CanEdit(u, &next) {
		return fail(districtField, "outside_districts", "this row's profile is outside your districts", "本行对应的资料不在您管辖的区县内")
	}
	before, err1 := existing.View(true)
	after, err2 := next.View(true)
	if err1 == nil && err2 == nil && bytes.Equal(before, after) {
		return outcome{status: "unchanged"}
	}
	if err := s.Store.UpdateProfile(ctx, &next, existing.Version, existing.CreditCode); err != nil {
		if e, ok := profile.AsError(err); ok {
			return fail(e.Field, e.Code, e.EN, e.ZH)
		}
		return unavailable(err)
	}
	s.applyIndex(c, &next)
	return outcome{status: "updated"}
}

// outcomeLabel is a row's outcome as the import metric counts it.
func outcomeLabel(status string) string {
	switch status {
	case "created", "updated", "unchanged":
		return status
	}
	return "failed"
}
