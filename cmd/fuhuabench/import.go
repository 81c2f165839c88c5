package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// importRows is the size of the spreadsheet the import figure uploads: the
// issue's 5,000 rows (the quick check's are fewer).
const importRows = 5000

// importFigure is one spreadsheet import over HTTP: what a district manager
// meets when uploading the district's list of incubated firms.
type importFigure struct {
	Rows, Created, Warned, Failed int
	D                             time.Duration
	Err                           string
}

// importCSV is a district's spreadsheet of n new startups in the columns a
// manager's export has (Chinese headers, district and chain names, a credit
// code each): names at least two edits apart, as real firms' names mostly
// are, and credit codes of a registration division the demo data does not
// use, so every row is new to the loaded database and the duplicate check
// still reads its startups.
func importCSV(n int, run int64) []byte {
	name := seed.DistinctFirmName
	var sb strings.Builder
	sb.WriteString("企业名称,统一社会信用代码,所在区县,所属产业链,发展阶段,成立日期,职工总数,科技人员数,研发费用占销售收入比例,营业收入（万元）,联系人,联系电话\n")
	districts := []string{"盐南高新区", "亭湖区", "东台市", "大丰区"}
	chains := []string{"氢能", "集成电路、数字经济", "新能源", "第三代半导体"}
	for i := range n {
		first17 := fmt.Sprintf("91320999F%d%07d", run%10, i)
		check, _ := profile.CreditCodeCheck(first17)
		fmt.Fprintf(&sb, "%s,%s,%s,%s,天使,2022-05-10,%d,%d,6%%,%d,张三,0515-8888%04d\n",
			name(i), first17+string(check), districts[i%len(districts)], chains[i%len(chains)], 10+i%50, 3+i%7, 100+i, i%10000)
	}
	return []byte(sb.String())
}

// importSheet uploads a spreadsheet of new startups to replica a as the
// bench's administrator and times the answer (the import is synchronous: the
// answer says what was created). Every row must be created; a failure is
// reported (and fails a quick run), and the run goes on.
func (b *bench) importSheet(ctx context.Context) error {
	n := importRows
	if b.o.Quick {
		n = 200
	}
	data := importCSV(n, time.Now().Unix())
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "startups.csv")
	if err != nil {
		return err
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", b.a.base+"/api/v1/startups/import", &body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+b.adminTok)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if b.a.pprof != "" { // the server's CPU and, when it runs here, the embedded database's
		stop := b.profileBoth("import", 20*time.Second)
		defer stop()
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		// Reported, not fatal: the figures measured so far are kept.
		b.rep.Import = importFigure{Rows: n, D: time.Since(start), Err: err.Error()}
		b.logf("import of %d rows failed after %s: %v", n, b.rep.Import.D.Round(time.Millisecond), err)
		return nil
	}
	defer resp.Body.Close()
	var res struct {
		Rows     int               `json:"rows"`
		Created  int               `json:"created"`
		Failed   int               `json:"failed"`
		Warnings []json.RawMessage `json:"warnings"`
		Errors   []json.RawMessage `json:"errors"`
	}
	err = json.NewDecoder(resp.Body).Decode(&res)
	f := importFigure{Rows: n, Created: res.Created, Warned: len(res.Warnings), Failed: res.Failed, D: time.Since(start)}
	if err != nil || resp.StatusCode != 200 || res.Created != n {
		f.Err = fmt.Sprintf("answered %d, created %d of %d rows, %d failed (%v); first errors %s", resp.StatusCode, res.Created, n, res.Failed, err, firstRaw(res.Errors, 3))
		b.rep.Import = f
		b.logf("import of %d rows: %s", n, f.Err)
		if b.o.Quick { // the end-to-end check fails on it
			return fmt.Errorf("import: %s", f.Err)
		}
		return nil
	}
	b.rep.Import = f
	b.logf("import of %d rows: %s (%.0f rows/s), %d warnings", n, f.D.Round(time.Millisecond), float64(n)/f.D.Seconds(), f.Warned)
	return nil
}

func firstRaw(ms []json.RawMessage, n int) string {
	var parts []string
	for _, m := range ms[:min(n, len(ms))] {
		parts = append(parts, string(m))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
