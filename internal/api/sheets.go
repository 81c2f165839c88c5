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
	"strconv"
	"strings"
	"sync"
	"time"

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
	in.GET("/kpi/records", s.handle(s.kpiRecords))
	in.GET("/startups/:id/techsme", s.handle(s.techSME))
	for _, k := range profile.Kinds {
		in.GET("/"+k.Path()+"/export", s.handle(s.exportProfiles(k)))
		in.GET("/"+k.Path()+"/import/template", s.handle(s.importTemplate(k)))
		in.POST("/"+k.Path()+"/import", s.handle(s.importProfiles(k)))
		in.POST("/"+k.Path()+"/import/failed", s.handle(s.importFailedRows(k)))
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

// importResult is what an import did, or in check mode would do: every data row
// is counted once, as created, updated, unchanged or in errors (by its row number).
type importResult struct {
	Kind profile.Kind `json:"kind"`
	// Mode is how the import was asked for: check (write nothing), all (write
	// only if every row is good) or valid (write the good rows, the default).
	Mode string `json:"mode"`
	// Written says whether this request wrote anything it counts; false in
	// check mode and when all mode found a bad row (the counts then say what
	// would have happened).
	Written bool `json:"written"`
	// Key says how a row finds the profile it updates.
	Key       string `json:"key"`
	Rows      int    `json:"rows"`
	Created   int    `json:"created"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
	// Failed is the number of rows that did not land; Errors says why, one or
	// more entries per failed row, every row checked before any is written.
	Failed         int                   `json:"failed"`
	FailedRows     []int                 `json:"failed_rows"`
	Errors         []sheet.RowError      `json:"errors"`
	IgnoredColumns []sheet.IgnoredColumn `json:"ignored_columns"`
	// Warnings are rows written that may duplicate another profile (a nearly
	// identical name in the same district), by row number.
	Warnings []rowWarning `json:"warnings"`

	// book holds the live profiles of the kind as the check read them, filed
	// under the rows' name variants only, for the duplicate warnings of the
	// rows written.
	book *profile.NameBook
	// took is where the import's time went, for its log line.
	took importTimes
}

// importTimes is where an import's time went: finding what exists (waiting
// for the index, the carriers, the profiles of the kind from the index's copy
// or the database: fromIndex), checking the rows, storing them,
// and the index and the name filing finishing after the last chunk is stored.
type importTimes struct {
	fromIndex                  bool
	stock, check, store, after time.Duration
}

// logImport writes an import's one log line: what it did and where its time went.
func (s *Server) logImport(c *gin.Context, k profile.Kind, res *importResult, start time.Time) {
	t := res.took
	from := "database"
	if t.fromIndex {
		from = "index"
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	s.Log.Info("import", "id", requestID(c), "kind", string(k), "mode", res.Mode, "rows", res.Rows, "created", res.Created,
		"updated", res.Updated, "unchanged", res.Unchanged, "failed", res.Failed, "existing_from", from,
		"ms", ms(time.Since(start)), "stock_ms", ms(t.stock), "check_ms", ms(t.check), "store_ms", ms(t.store),
		"after_store_ms", ms(t.after))
}

// rowWarning is a warning about one written row.
type rowWarning struct {
	Row int `json:"row"`
	profile.Warning
}

// The import modes.
const (
	modeCheck = "check"
	modeAll   = "all"
	modeValid = "valid"
)

var importModes = profile.NewCodeSet("mode", modeCheck, "只检查不写入", modeAll, "全部成功才写入", modeValid, "只写入无误的行")

// importWorkers is how many rows are checked or written at once: the rows are
// independent, and the database round trips of one row overlap another's.
const importWorkers = 4

// readImport reads the upload of an import request against kind k.
func readImport(c *gin.Context, k profile.Kind) (*sheet.Table, *sheet.Columns, []sheet.Row, error) {
	data, err := uploadedFile(c)
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := sheet.Read(data)
	if err != nil {
		return nil, nil, nil, err
	}
	cols, rows, err := sheet.Parse(k, t)
	if err != nil {
		return nil, nil, nil, err
	}
	return t, cols, rows, nil
}

// importProfiles answers POST /api/v1/{path}/import?mode=check|all|valid
// (multipart, the file in field "file"; .xlsx or .csv): managers and admins create
// or update profiles of the kind from a spreadsheet. Startups are found by credit
// code, the other kinds by name and district (an enclave's home district), so a
// second import of the same file updates rather than duplicates. Every row goes
// through the API's own validation and permission rules, all of them before
// anything is written; a row that fails is reported, never dropped. mode=check
// writes nothing, mode=all writes nothing unless every row is good (422 with the
// report otherwise), mode=valid (the default) writes the good rows.
func (s *Server) importProfiles(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		u := currentUser(c)
		if err := mayImport(u); err != nil {
			return err
		}
		mode, err := queryCode(c, "mode", importModes)
		if err != nil {
			return err
		}
		if mode == "" {
			mode = modeValid
		}
		start := time.Now()
		_, cols, rows, err := readImport(c, k)
		if err != nil {
			return err
		}
		res, plans, err := s.checkImport(c, u, k, cols, rows)
		if err != nil {
			return err
		}
		res.Mode = mode
		defer s.logImport(c, k, res, start)
		switch {
		case mode == modeCheck:
		case mode == modeAll && res.Failed > 0:
			c.JSON(http.StatusUnprocessableEntity, struct {
				Error errorDetail `json:"error"`
				*importResult
			}{errorDetail{Code: "rows_invalid", Field: "file",
				MessageEN: fmt.Sprintf("%d of %d rows have problems; nothing was written", res.Failed, res.Rows),
				MessageZH: fmt.Sprintf("共 %d 行，其中 %d 行有问题，未写入任何数据", res.Rows, res.Failed),
				Message: fmt.Sprintf("%d of %d rows have problems; nothing was written / 共 %d 行，其中 %d 行有问题，未写入任何数据",
					res.Failed, res.Rows, res.Rows, res.Failed), RequestID: requestID(c)}, res})
			return nil
		default:
			s.writeImport(c, u, res, plans)
		}
		c.JSON(http.StatusOK, res)
		return nil
	}
}

// importFailedRows answers POST /api/v1/{path}/import/failed (the same upload as
// an import): the file's rows that fail the check, as an .xlsx with the file's own
// headers, the row's number in the file and a column of reasons, so the manager
// can fix them and import that file. Nothing is written.
func (s *Server) importFailedRows(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		u := currentUser(c)
		if err := mayImport(u); err != nil {
			return err
		}
		t, cols, rows, err := readImport(c, k)
		if err != nil {
			return err
		}
		res, _, err := s.checkImport(c, u, k, cols, rows)
		if err != nil {
			return err
		}
		b, err := sheet.FailedRows(t, cols, res.Errors)
		if err != nil {
			return err
		}
		c.Header("X-Failed-Rows", strconv.Itoa(res.Failed))
		attachment(c, k.Path()+"-failed-rows.xlsx", b)
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

// importJob is one row that read cleanly, waiting to be checked.
type importJob struct {
	row *sheet.Row
	key string
}

// importPlan is what checking one job found: the write it needs (create, update,
// unchanged) with the profile to write, or the row's problems.
type importPlan struct {
	job      importJob
	status   string // created, updated, unchanged, or "" with errs
	next     profile.Profile
	existing *profile.Profile
	errs     []sheet.RowError
	warns    []profile.Warning // set once written: a created row's duplicate warnings
}

// checkImport checks every row as the import would write it — reading, carrier,
// key, duplicates, validation and permission — and writes nothing. The result
// counts what the import would do; the plans are the good rows' writes.
func (s *Server) checkImport(c *gin.Context, u *profile.User, k profile.Kind, cols *sheet.Columns, rows []sheet.Row) (*importResult, []importPlan, error) {
	ctx := c.Request.Context()
	res := &importResult{Kind: k, Key: "name+district", Rows: len(rows), Errors: []sheet.RowError{}, FailedRows: []int{}, Warnings: []rowWarning{},
		IgnoredColumns: append([]sheet.IgnoredColumn{}, cols.Ignored...)}
	if k == profile.Startup {
		res.Key = "credit_code"
	}
	start := time.Now()
	live := s.indexCaughtUp(ctx)
	carriers, carrierNames, err := s.carrierIndex(ctx, k, cols, live)
	if err != nil {
		return nil, nil, err
	}
	res.took.stock = time.Since(start)

	labels := map[string]string{}
	for _, fd := range sheet.Fields(k) {
		labels[fd.Key] = fd.ZH
	}
	var errs []sheet.RowError
	report := func(es ...sheet.RowError) {
		for _, e := range es {
			if e.Header == "" && e.Field != "" {
				// A field the file has no column for: name it as the template does.
				e.Header = labels[e.Field]
			}
			errs = append(errs, e)
		}
	}
	seen := map[string]int{}
	var jobs []importJob
	var alones []*profile.Profile // each row as a new profile: what the duplicate check looks for
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
			return nil, nil, err
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
		alones = append(alones, &alone)
	}
	read := time.Now()
	known, book, err := s.importStock(ctx, k, live, alones)
	if err != nil {
		return nil, nil, err
	}
	res.book = book
	res.took.fromIndex = known.public
	res.took.stock += time.Since(read)
	defer func() { res.took.check = time.Since(start) - res.took.stock }()

	metrics.ImportsRunning.Inc()
	defer metrics.ImportsRunning.Dec()
	plans := make([]importPlan, len(jobs))
	s.eachJob(len(jobs), func(i int) { plans[i] = s.planRow(c, u, k, jobs[i], known) })
	good := plans[:0:0]
	for _, p := range plans {
		switch p.status {
		case "created":
			res.Created++
		case "updated":
			res.Updated++
		case "unchanged":
			res.Unchanged++
		default:
			report(p.errs...)
			continue
		}
		good = append(good, p)
	}
	settle(res, errs)
	return res, good, nil
}

// settle sorts the errors by row and column and counts the failed rows.
func settle(res *importResult, errs []sheet.RowError) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i], errs[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return len(a.Column) < len(b.Column) || (len(a.Column) == len(b.Column) && a.Column < b.Column)
	})
	res.Errors = append(res.Errors[:0], errs...)
	res.FailedRows = res.FailedRows[:0]
	for _, e := range errs {
		if n := len(res.FailedRows); n == 0 || res.FailedRows[n-1] != e.Row {
			res.FailedRows = append(res.FailedRows, e.Row)
		}
	}
	res.Failed = len(res.FailedRows)
}

// eachJob runs fn for 0..n-1 on importWorkers goroutines.
func (s *Server) eachJob(n int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < importWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// importChunk is how many new rows one bulk write stores (and the index then
// takes in one batch).
const importChunk = 500

// writeImport writes the checked rows: the new ones in bulk, importChunk at a
// time, the updated ones one by one (each a versioned replace). A row whose
// write fails now (the profile changed since the check, the credit code was
// taken meanwhile, the database went away) moves from its count to the errors;
// the rows written before it stay written, and importing the file again is
// idempotent.
func (s *Server) writeImport(c *gin.Context, u *profile.User, res *importResult, plans []importPlan) {
	start := time.Now()
	res.Written = true
	failed := make([][]sheet.RowError, len(plans))
	var created, updated []int
	for i := range plans {
		switch plans[i].status {
		case "created":
			created = append(created, i)
		case "updated":
			updated = append(updated, i)
		}
	}
	s.eachJob(len(updated), func(j int) { failed[updated[j]] = s.writeRow(c, &plans[updated[j]]) })
	// The index takes each chunk, and the duplicate check files its names,
	// while the database stores the next one: Bleve's work is in this process,
	// and the database's round trips of one write overlap another's.
	chunks, filed := make(chan []*profile.Profile, 2), make(chan []*profile.Profile, 2)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for ps := range chunks {
			s.indexRows(c, ps)
		}
	}()
	go func() {
		defer wg.Done()
		for ps := range filed {
			s.Store.FileProfileNames(c.Request.Context(), ps)
		}
	}()
	for len(created) > 0 {
		n := min(len(created), importChunk)
		ps := s.createRows(c, u, plans, created[:n], failed)
		chunks <- ps
		filed <- ps
		created = created[n:]
	}
	close(chunks)
	close(filed)
	res.took.store = time.Since(start)
	wg.Wait()
	res.took.after = time.Since(start) - res.took.store
	s.warnRows(res, plans, failed)

	errs := append([]sheet.RowError{}, res.Errors...)
	for i, es := range failed {
		label := outcomeLabel(plans[i].status)
		if len(es) > 0 {
			label = "failed"
		}
		metrics.ImportRows.WithLabelValues(string(res.Kind), label).Inc()
		for _, w := range plans[i].warns {
			res.Warnings = append(res.Warnings, rowWarning{Row: plans[i].job.row.Row, Warning: w})
		}
		if len(es) == 0 {
			continue
		}
		switch plans[i].status {
		case "created":
			res.Created--
		case "updated":
			res.Updated--
		}
		errs = append(errs, es...)
	}
	settle(res, errs)
}

// createRows stores the new rows at idx in one bulk write and returns those
// stored. A row whose credit code another profile
// took since the check is refused as a single create would be; when the bulk
// write fails, every row of it is reported as not written (importing the file
// again finds those that were).
func (s *Server) createRows(c *gin.Context, u *profile.User, plans []importPlan, idx []int, failed [][]sheet.RowError) []*profile.Profile {
	ctx := c.Request.Context()
	ps := make([]*profile.Profile, len(idx))
	for j, i := range idx {
		plans[i].next.OwnerID = u.ID
		ps[j] = &plans[i].next
	}
	if _, err := s.Store.CreateProfilesUnfiled(ctx, ps); err != nil {
		for _, i := range idx {
			failed[i] = s.rowFailed(c, plans[i].job.row, err)
		}
		return nil
	}
	stored := ps[:0:0]
	for j, i := range idx {
		if ps[j].ID == "" {
			failed[i] = s.rowFailed(c, plans[i].job.row, s.takenCredit(ctx, ps[j].CreditCode))
			continue
		}
		stored = append(stored, ps[j])
	}
	return stored
}

// indexRows applies stored rows to the index in one batch; what fails there
// the follower retries.
func (s *Server) indexRows(c *gin.Context, ps []*profile.Profile) {
	if s.Index == nil || len(ps) == 0 {
		return
	}
	if err := s.Index.ApplyAll(ps); err != nil {
		s.Log.Warn("index apply failed; the follower will retry", "id", requestID(c), "profiles", len(ps), "err", err.Error())
	}
}

// takenCredit is the error of a new row whose credit code is held: a conflict
// naming the holder, as POST gives.
func (s *Server) takenCredit(ctx context.Context, code string) error {
	e := profile.Conflict("duplicate_credit_code",
		"another profile already has this unified social credit code; open it (ref) instead of creating a second one",
		"已有资料使用了该统一社会信用代码，请直接打开那份资料，不要重复创建")
	e.Field = "credit_code"
	e.Ref, _ = s.Store.ProfileIDByCreditCode(ctx, code)
	return e
}

// warnRows gives each created row the duplicate warnings a single create
// would: the live profiles of its kind and district with nearly the same name,
// counting the file's other new rows.
func (s *Server) warnRows(res *importResult, plans []importPlan, failed [][]sheet.RowError) {
	if res.book == nil || !profile.DupChecked(res.Kind) {
		return
	}
	for i := range plans {
		if plans[i].status == "created" && len(failed[i]) == 0 {
			res.book.Add(&plans[i].next)
		}
	}
	for i := range plans {
		if plans[i].status != "created" || len(failed[i]) > 0 {
			continue
		}
		for _, o := range res.book.Similar(&plans[i].next) {
			plans[i].warns = append(plans[i].warns, profile.SimilarWarning(&plans[i].next, o))
		}
	}
}

// carrierIndex loads the live carriers when a startup file names them, so a
// carrier may be given by id or by its exact name: from the index's memory
// copy when it has caught up with the database (live), else from the database.
func (s *Server) carrierIndex(ctx context.Context, k profile.Kind, cols *sheet.Columns, live bool) (map[string]bool, map[string][]string, error) {
	if k != profile.Startup || !cols.Has("carrier_id") {
		return nil, nil, nil
	}
	ids, names := map[string]bool{}, map[string][]string{}
	add := func(p *profile.Profile) error {
		ids[p.ID] = true
		names[strings.TrimSpace(p.Name)] = append(names[strings.TrimSpace(p.Name)], p.ID)
		return nil
	}
	if live {
		if ps, ok := s.Index.LiveOfKind(profile.Carrier); ok {
			for _, p := range ps {
				add(p)
			}
			return ids, names, nil
		}
	}
	return ids, names, s.Store.EachOfKind(ctx, profile.Carrier, add)
}

// indexCatchUp is how long an import waits for the index's follower to reach
// the database's last change before it reads what exists from the database
// instead. The follower polls every 100 ms and is seldom more than a poll behind.
const indexCatchUp = 3 * time.Second

// indexCaughtUp waits until the index's memory copy holds every change the
// database had when the import began (the follower's cursor has reached the
// last sequence), and reports whether it does: an import then finds what
// exists there. False with no index, an index not loaded, a database that
// does not answer, or a follower still behind after indexCatchUp.
func (s *Server) indexCaughtUp(ctx context.Context) bool {
	if s.Index == nil || !s.Index.Ready() {
		return false
	}
	last, err := s.Store.LastSeq(ctx)
	if err != nil {
		return false
	}
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	deadline := time.Now().Add(indexCatchUp)
	for s.Index.Cursor() < last {
		if time.Now().After(deadline) {
			s.Log.Warn("import reads the kind from the database: the index is behind", "cursor", s.Index.Cursor(), "last", last)
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// stock is what an import finds its rows' profiles in: the profiles of its
// kind by key (importJob.key). Read from the database, they are the stored
// profiles, archived ones too, and a startup is filed by its credit code.
// Taken from the index (public), they are the live profiles' public views,
// startups are not filed (a row looks its credit code up in the keys, which
// hold archived profiles' codes too), and planRow reads back whole what a row
// finds before it compares or writes it (found).
type stock struct {
	byKey  map[string][]*profile.Profile
	public bool
}

// importStock reads what exists of kind k for an import, and the duplicate
// check's book of the live names the rows (each as a new profile) may nearly
// repeat: from the index's memory copy when it has caught up with the
// database (live), which costs no database read whatever the number of
// profiles, else by one read of the kind from the database (at 100k startups
// on the embedded database, about 20 s of an import's 50).
func (s *Server) importStock(ctx context.Context, k profile.Kind, live bool, rows []*profile.Profile) (*stock, *profile.NameBook, error) {
	book := profile.NewNameBookFor(rows)
	st := &stock{byKey: map[string][]*profile.Profile{}}
	if live {
		if ps, ok := s.Index.LiveOfKind(k); ok {
			st.public = true
			for _, p := range ps {
				book.Add(p)
				if k != profile.Startup {
					st.byKey[naturalKey(p)] = append(st.byKey[naturalKey(p)], p)
				}
			}
			return st, book, nil
		}
	}
	// A startup is found by its credit code, archived or not (a row naming an
	// archived one is refused); the other kinds by name and district among the
	// live ones.
	err := s.Store.EachStored(ctx, k, func(p *profile.Profile) error {
		book.Add(p)
		switch {
		case k == profile.Startup && p.CreditCode != "":
			st.byKey[p.CreditCode] = append(st.byKey[p.CreditCode], p)
		case k != profile.Startup && !p.Archived:
			st.byKey[naturalKey(p)] = append(st.byKey[naturalKey(p)], p)
		}
		return nil
	})
	return st, book, err
}

// found is the stored profiles a row's key names. From the database's stock
// they are at hand; from the index's, each is read back whole by id and kept
// only if it still has the key (it may have been renamed, archived or
// re-coded since the copy was taken), and a startup's is looked up by its
// credit code first: one or two reads by _id per row, at any size.
func (s *Server) found(ctx context.Context, k profile.Kind, st *stock, key string) ([]*profile.Profile, error) {
	named := st.byKey[key]
	if !st.public {
		return named, nil
	}
	if k == profile.Startup {
		id, err := s.Store.ProfileIDByCreditCode(ctx, key)
		if errors.Is(err, profile.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		named = []*profile.Profile{{ID: id}}
	}
	var out []*profile.Profile
	for _, n := range named {
		p, err := s.Store.GetProfile(ctx, n.ID)
		if errors.Is(err, profile.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if p.Kind != k {
			continue // a key of another kind's: the write refuses the row, as it would without the index
		}
		if k == profile.Startup && p.CreditCode == key || k != profile.Startup && !p.Archived && naturalKey(p) == key {
			out = append(out, p)
		}
	}
	return out, nil
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

// planRow checks one row: it finds the profile the row names, merges the row
// onto it, validates and checks permission as the API's own create and edit do,
// and says which write it needs (none when nothing changed). It writes nothing.
func (s *Server) planRow(c *gin.Context, u *profile.User, k profile.Kind, job importJob, known *stock) importPlan {
	r := job.row
	plan := importPlan{job: job}
	fail := func(field, code, en, zh string) importPlan {
		plan.errs = []sheet.RowError{r.Error(field, code, en, zh)}
		return plan
	}
	unavailable := func(err error) importPlan {
		s.Log.Error("import row check failed", "id", requestID(c), "row", r.Row, "err", err.Error())
		return fail("", "unavailable", "the row could not be checked just now; import the file again to retry it",
			"该行暂时无法检查，请重新导入文件重试")
	}

	named, err := s.found(c.Request.Context(), k, known, job.key)
	if err != nil {
		return unavailable(err)
	}
	var existing *profile.Profile
	if k == profile.Startup {
		// A credit code is held by one live profile at most; an archived one
		// (a merge's dropped side) may keep it too.
		for _, p := range named {
			if existing == nil || existing.Archived {
				existing = p
			}
		}
	} else {
		switch m := named; len(m) {
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
	plan.existing, plan.next = existing, next
	if existing == nil {
		if !auth.CanCreate(u, &next) {
			return fail(districtField, "outside_districts", "this row is outside your districts", "本行不在您管辖的区县内")
		}
		plan.status = "created"
		return plan
	}
	if !auth.CanEdit(u, existing) || !auth.CanEdit(u, &next) {
		return fail(districtField, "outside_districts", "this row's profile is outside your districts", "本行对应的资料不在您管辖的区县内")
	}
	before, err1 := existing.View(true)
	after, err2 := next.View(true)
	if err1 == nil && err2 == nil && bytes.Equal(before, after) {
		plan.status = "unchanged"
		return plan
	}
	plan.status = "updated"
	return plan
}

// writeRow makes the update a checked row needs; it returns the row's errors
// if the write failed.
func (s *Server) writeRow(c *gin.Context, p *importPlan) []sheet.RowError {
	if err := s.Store.UpdateProfile(c.Request.Context(), &p.next, p.existing.Version, p.existing.CreditCode); err != nil {
		return s.rowFailed(c, p.job.row, err)
	}
	s.applyIndex(c, &p.next)
	return nil
}

// rowFailed is a row's error for a failed write: the API's own error when it
// is one (a conflict, a stale version), otherwise "try again" (logged).
func (s *Server) rowFailed(c *gin.Context, r *sheet.Row, err error) []sheet.RowError {
	if e, ok := profile.AsError(err); ok {
		return []sheet.RowError{r.Error(e.Field, e.Code, e.EN, e.ZH)}
	}
	s.Log.Error("import row failed", "id", requestID(c), "row", r.Row, "err", err.Error())
	return []sheet.RowError{r.Error("", "unavailable", "the row could not be written just now; import the file again to retry it",
		"该行暂时无法写入，请重新导入文件重试")}
}

// outcomeLabel is a row's outcome as the import metric counts it.
func outcomeLabel(status string) string {
	switch status {
	case "created", "updated", "unchanged":
		return status
	}
	return "failed"
}
