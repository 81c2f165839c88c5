package sheet

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/profile"
)

// RowError is why one row of a file did not land: the row as a spreadsheet
// program numbers it, the column letter and its header, the field, a machine code
// and a message in English and Chinese.
type RowError struct {
	Row       int    `json:"row"`
	Column    string `json:"column,omitempty"`
	Header    string `json:"header,omitempty"`
	Field     string `json:"field,omitempty"`
	Code      string `json:"code"`
	MessageEN string `json:"message_en"`
	MessageZH string `json:"message_zh"`
}

// IgnoredColumn is a column whose header names no field; its cells are not read.
type IgnoredColumn struct {
	Column string `json:"column"`
	Header string `json:"header"`
}

// Columns is how a file's header row maps onto the fields of a kind.
type Columns struct {
	Kind profile.Kind
	// Ignored lists the columns whose header names no field.
	Ignored []IgnoredColumn
	fields  []*Field       // by column index; nil for an ignored column
	headers []string       // the header text by column index
	byKey   map[string]int // field key → column index
}

// Has reports whether the file has a column for the field key.
func (c *Columns) Has(key string) bool { _, ok := c.byKey[key]; return ok }

// Row is one data row read against the columns: the values it sets, by field
// key, and the cells that could not be read.
type Row struct {
	Row    int
	Errors []RowError
	cols   *Columns
	// values holds a value per column present; nil marks an empty cell.
	values map[string]any
}

// Parse finds the header row of t (the first of its first five rows that names
// the name column and at least one other field), skips a hint row under it (one
// that repeats the header in other words, as templates and exports write), and
// reads every later row. A header without the columns the kind needs, or naming a
// field twice, is an ErrInvalid *profile.Error.
func Parse(k profile.Kind, t *Table) (*Columns, []Row, error) {
	fields := Fields(k)
	lookup := map[string]*Field{}
	for i := range fields {
		for _, n := range fields[i].headerNames() {
			if key := normalize(n); key != "" {
				lookup[key] = &fields[i]
			}
		}
	}
	start := -1
	var cols *Columns
	for i := 0; i < len(t.Lines) && i < 5; i++ {
		c := mapHeader(k, t.Lines[i].Cells, lookup)
		if _, ok := c.byKey["name"]; ok && len(c.byKey) >= 2 {
			start, cols = i, c
			break
		}
	}
	if cols == nil {
		return nil, nil, fileError("no_header",
			"no header row found: the first row should name the columns, including 名称 (name); download the template for the column names",
			"未找到表头：首行应为列名，且须包含“名称”列；列名可参照导入模板")
	}
	if err := cols.check(t.Lines[start].Row); err != nil {
		return nil, nil, err
	}
	data := t.Lines[start+1:]
	if len(data) > 0 && cols.isHint(data[0].Cells, lookup) {
		data = data[1:]
	}
	if len(data) > MaxRows {
		return nil, nil, fileError("too_many_rows", fmt.Sprintf("the file has %d data rows; at most %d are accepted", len(data), MaxRows),
			fmt.Sprintf("文件有 %d 行数据，最多允许 %d 行", len(data), MaxRows))
	}
	rows := make([]Row, 0, len(data))
	for _, ln := range data {
		rows = append(rows, cols.read(ln))
	}
	return cols, rows, nil
}

func mapHeader(k profile.Kind, cells []string, lookup map[string]*Field) *Columns {
	c := &Columns{Kind: k, fields: make([]*Field, len(cells)), headers: make([]string, len(cells)), byKey: map[string]int{}}
	for i, h := range cells {
		c.headers[i] = strings.TrimSpace(h)
		if c.headers[i] == "" {
			continue
		}
		fd, ok := lookup[normalize(h)]
		if !ok {
			c.Ignored = append(c.Ignored, IgnoredColumn{Column: ColumnName(i), Header: c.headers[i]})
			continue
		}
		c.fields[i] = fd
		if _, dup := c.byKey[fd.Key]; !dup {
			c.byKey[fd.Key] = i
		}
	}
	return c
}

// check refuses a header that names one field twice or lacks a needed column.
func (c *Columns) check(row int) error {
	for i, fd := range c.fields {
		if fd != nil && c.byKey[fd.Key] != i {
			j := c.byKey[fd.Key]
			return fileError("duplicate_column",
				fmt.Sprintf("row %d: columns %s (%s) and %s (%s) both mean %s; keep one", row, ColumnName(j), c.headers[j], ColumnName(i), c.headers[i], fd.Key),
				fmt.Sprintf("第 %d 行：%s 列（%s）与 %s 列（%s）都表示“%s”，请只保留一列", row, ColumnName(j), c.headers[j], ColumnName(i), c.headers[i], fd.ZH))
		}
	}
	if c.Kind == profile.Startup && !c.Has("credit_code") {
		return fileError("missing_column",
			"a startup file needs a 统一社会信用代码 (credit_code) column: a second import finds the firm by it",
			"企业导入文件须包含“统一社会信用代码”列：再次导入时据此找到已有企业")
	}
	return nil
}

// isHint reports whether cells repeat the header in other words (the English
// keys under the Chinese header of a template or export).
func (c *Columns) isHint(cells []string, lookup map[string]*Field) bool {
	matched := 0
	for i, s := range cells {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if i >= len(c.fields) || c.fields[i] == nil || lookup[normalize(s)] != c.fields[i] {
			return false
		}
		matched++
	}
	return matched >= 2
}

func (c *Columns) read(ln Line) Row {
	r := Row{Row: ln.Row, cols: c, values: make(map[string]any, len(c.byKey))}
	for key, i := range c.byKey {
		cell := ""
		if i < len(ln.Cells) {
			cell = strings.TrimSpace(ln.Cells[i])
		}
		if cell == "" {
			r.values[key] = nil
			continue
		}
		v, en, zh := c.fields[i].parse(cell)
		if en != "" {
			r.fail(i, "invalid_value", en, zh)
			continue
		}
		r.values[key] = v
	}
	for i, cell := range ln.Cells {
		if strings.TrimSpace(cell) != "" && (i >= len(c.fields) || c.fields[i] == nil) && (i >= len(c.headers) || c.headers[i] == "") {
			r.fail(i, "unnamed_column", fmt.Sprintf("column %s has a value but no header, so its meaning is unknown", ColumnName(i)),
				fmt.Sprintf("%s 列有内容但没有列名，无法识别", ColumnName(i)))
		}
	}
	return r
}

func (r *Row) fail(col int, code, en, zh string) {
	e := RowError{Row: r.Row, Column: ColumnName(col), Code: code, MessageEN: en, MessageZH: zh}
	if col < len(r.cols.headers) {
		e.Header = r.cols.headers[col]
	}
	if col < len(r.cols.fields) && r.cols.fields[col] != nil {
		e.Field = r.cols.fields[col].Key
	}
	r.Errors = append(r.Errors, e)
}

// Error makes a row error about field, placed at its column when the file has
// one: validation and permission failures found after reading land here.
func (r *Row) Error(field, code, en, zh string) RowError {
	e := RowError{Row: r.Row, Field: field, Code: code, MessageEN: en, MessageZH: zh}
	if i, ok := r.cols.byKey[field]; ok {
		e.Column, e.Header = ColumnName(i), r.cols.headers[i]
	}
	return e
}

// Text returns the row's value for a text field, and whether the file has the column.
func (r *Row) Text(key string) (string, bool) {
	v, ok := r.values[key]
	s, _ := v.(string)
	return s, ok
}

// SetText replaces the row's value for a text field (the api resolves a carrier
// named by name to its id).
func (r *Row) SetText(key, s string) { r.values[key] = s }

// Apply returns a deep copy of base with the row's values set: a column present
// in the file sets its field (an empty cell clears it); a column absent leaves the
// field as base has it. base is not changed.
func (r *Row) Apply(base *profile.Profile) (profile.Profile, error) {
	raw, err := base.View(true)
	if err != nil {
		return profile.Profile{}, err
	}
	var p profile.Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return profile.Profile{}, err
	}
	p.Seq = base.Seq
	overlay := map[string]any{}
	groups := map[string]bool{} // nested objects that got a non-empty value
	for key, v := range r.values {
		fd := r.cols.fields[r.cols.byKey[key]]
		if v == nil {
			v = fd.zero()
		}
		parent, leaf, nested := strings.Cut(key, ".")
		if !nested {
			overlay[key] = v
			continue
		}
		m, _ := overlay[parent].(map[string]any)
		if m == nil {
			m = map[string]any{}
			overlay[parent] = m
		}
		m[leaf] = v
		if r.values[key] != nil {
			groups[parent] = true
		}
	}
	// A yearly result with every cell empty is no result, not a result of year 0.
	for _, g := range []string{"tech_sme", "high_tech"} {
		if _, ok := overlay[g]; ok && !groups[g] {
			overlay[g] = nil
		}
	}
	if _, ok := overlay["needs"]; ok && !groups["needs"] && p.Needs == nil {
		delete(overlay, "needs")
	}
	// An enclave project or a Torch record with every cell empty is none.
	for _, g := range []string{"enclave", "torch"} {
		if _, ok := overlay[g]; ok && !groups[g] {
			overlay[g] = nil
		}
	}
	b, err := json.Marshal(overlay)
	if err != nil {
		return profile.Profile{}, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return profile.Profile{}, err
	}
	return p, nil
}

func (fd *Field) zero() any {
	if fd.opt {
		return nil
	}
	switch fd.typ {
	case integer, number, ratio, year:
		return 0
	case boolean:
		return false
	case codes, list:
		return []string{}
	}
	return ""
}

// parse reads one non-empty cell; on failure it returns the messages.
func (fd *Field) parse(s string) (any, string, string) {
	bad := func(en, zh string) (any, string, string) {
		return nil, fmt.Sprintf("%s (%s): %q %s", fd.ZH, fd.Key, trim(s, 40), en), fmt.Sprintf("%s：“%s”%s", fd.ZH, trim(s, 40), zh)
	}
	switch fd.typ {
	case text:
		return s, "", ""
	case integer:
		x, ok := parseNumber(s)
		if !ok || x != math.Trunc(x) || math.Abs(x) > 1e12 {
			return bad("is not a whole number", "不是整数")
		}
		return int64(x), "", ""
	case number:
		x, ok := parseNumber(s)
		if !ok || math.Abs(x) > 1e15 {
			return bad("is not a number", "不是数字")
		}
		return x, "", ""
	case ratio:
		pct := strings.HasSuffix(s, "%") || strings.HasSuffix(s, "％")
		x, ok := parseNumber(strings.TrimRight(s, "%％ "))
		if !ok {
			return bad("is not a percentage or fraction", "不是百分比或小数")
		}
		if pct {
			x /= 100
		} else if x > 1 {
			return bad("is ambiguous: write a percentage such as 6% or a fraction such as 0.06", "含义不明确：请写作 6% 这样的百分比或 0.06 这样的小数")
		}
		return x, "", ""
	case boolean:
		if b, ok := parseBool(s); ok {
			return b, "", ""
		}
		return bad("is not yes or no (是/否)", "不是“是”或“否”")
	case date:
		if d, ok := parseDate(s); ok {
			return d, "", ""
		}
		return bad("is not a date such as 2023-03-01", "不是 2023-03-01 这样的日期")
	case year:
		x, ok := parseNumber(strings.TrimSuffix(s, "年"))
		if !ok || x != math.Trunc(x) || x < 1900 || x > 2100 {
			return bad("is not a year such as 2024", "不是 2024 这样的年份")
		}
		return int64(x), "", ""
	case code:
		if c, ok := fd.vocab.resolve(s); ok {
			return c, "", ""
		}
		return bad("is not a known "+fd.vocab.name+"; use one of: "+fd.vocab.listCodes(), "不是有效的"+fd.vocab.nameZH+"，可选："+fd.vocab.listZH())
	case codes:
		out := []string{}
		seen := map[string]bool{}
		for _, part := range split(s) {
			c, ok := fd.vocab.resolve(part)
			if !ok {
				return nil, fmt.Sprintf("%s (%s): %q is not a known %s; use: %s", fd.ZH, fd.Key, trim(part, 40), fd.vocab.name, fd.vocab.listCodes()),
					fmt.Sprintf("%s：“%s”不是有效的%s，可选：%s", fd.ZH, trim(part, 40), fd.vocab.nameZH, fd.vocab.listZH())
			}
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
		return out, "", ""
	case list:
		return split(s), "", ""
	}
	return s, "", ""
}

// split cuts a cell listing several values at 、 , ; ， ； | or line breaks.
func split(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,;，；|\n\r", r) })
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseNumber(s string) (float64, bool) {
	s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(s)
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "是", "有", "通过", "有效", "已通过", "true", "yes", "y", "1", "√", "✓", "passed":
		return true, true
	case "否", "无", "未通过", "无效", "不通过", "false", "no", "n", "0", "×", "✗", "failed":
		return false, true
	}
	return false, false
}

// parseDate reads the date forms Chinese spreadsheets use, and Excel's date
// serial numbers (what a date-formatted cell holds).
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if d, _, ok := strings.Cut(s, " "); ok { // "2023-03-01 00:00:00"
		s = d
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		if len(s) == 8 && strings.Trim(s, "0123456789") == "" { // 20230301
			if t, err := time.Parse("20060102", s); err == nil && profile.ValidDate(t.Format("2006-01-02")) {
				return t.Format("2006-01-02"), true
			}
		}
		// Serials below 10000 (before 1927) are far likelier a mistyped year.
		if x >= 10000 && x < 80000 {
			if t, err := excelize.ExcelDateToTime(x, false); err == nil {
				return t.Format("2006-01-02"), true
			}
		}
		return "", false
	}
	norm := strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	t, err := time.Parse("2006-1-2", norm)
	if err != nil || !profile.ValidDate(t.Format("2006-01-02")) {
		return "", false
	}
	return t.Format("2006-01-02"), true
}
