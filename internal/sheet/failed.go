package sheet

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// FailedColumns are the headers FailedRows adds after the file's own columns:
// the row's number in the uploaded file and its problems in Chinese and English.
// None of them names a field, so the file, once fixed, imports as it is.
var FailedColumns = []string{"原文件行号", "错误原因", "Problems (English)"}

// FailedRows writes the rows of t that errs names as a workbook: the header row
// as the file had it, each failed row's cells as they were, then the row's number
// in the file and every problem of the row ("C 列（统一社会信用代码）：…").
func FailedRows(t *Table, cols *Columns, errs []RowError) ([]byte, error) {
	byRow := map[int][]RowError{}
	for _, e := range errs {
		byRow[e.Row] = append(byRow[e.Row], e)
	}
	wb := excelize.NewFile()
	defer wb.Close()
	const name = "未导入的行"
	if err := wb.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	sw, err := wb.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	width := len(cols.headers)
	for _, ln := range t.Lines {
		if len(byRow[ln.Row]) > 0 && len(ln.Cells) > width {
			width = len(ln.Cells)
		}
	}
	if err := sw.SetColWidth(1, width+len(FailedColumns), 16); err != nil {
		return nil, err
	}
	head := make([]any, 0, width+len(FailedColumns))
	for i := 0; i < width; i++ {
		h := ""
		if i < len(cols.headers) {
			h = cols.headers[i]
		}
		head = append(head, h)
	}
	for _, h := range FailedColumns {
		head = append(head, h)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	n := 2
	for _, ln := range t.Lines {
		es := byRow[ln.Row]
		if len(es) == 0 {
			continue
		}
		row := make([]any, 0, width+len(FailedColumns))
		for i := 0; i < width; i++ {
			v := ""
			if i < len(ln.Cells) {
				v = ln.Cells[i]
			}
			row = append(row, v)
		}
		zh, en := make([]string, len(es)), make([]string, len(es))
		for i, e := range es {
			zh[i], en[i] = e.Where(true)+e.MessageZH, e.Where(false)+e.MessageEN
		}
		row = append(row, ln.Row, strings.Join(zh, "\n"), strings.Join(en, "\n"))
		if err := sw.SetRow(fmt.Sprintf("A%d", n), row); err != nil {
			return nil, err
		}
		n++
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Where names the column of e as a person reads it, in Chinese ("C 列（名称）：")
// or English ("column C (名称): "); "" when the error is about the row as a whole.
func (e RowError) Where(zh bool) string {
	switch {
	case e.Column != "" && e.Header != "" && zh:
		return e.Column + " 列（" + e.Header + "）："
	case e.Column != "" && e.Header != "":
		return "column " + e.Column + " (" + e.Header + "): "
	case e.Column != "" && zh:
		return e.Column + " 列："
	case e.Column != "":
		return "column " + e.Column + ": "
	case e.Header != "" && zh:
		return "（文件中没有“" + e.Header + "”列）"
	case e.Header != "":
		return "(no column " + e.Header + " in the file) "
	}
	return ""
}
