package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"fuhua/internal/profile"
)

// Bounds on what an upload may hold. A file past any of them is refused whole
// (400), before a row is written.
const (
	// MaxBytes is the largest file accepted.
	MaxBytes = 10 << 20
	// MaxRows is the most data rows a file may hold.
	MaxRows = 20_000
	// MaxColumns is the most columns a row may hold.
	MaxColumns = 100
	// MaxCellRunes is the longest cell, in characters; the longest field
	// (summary) allows 2,000.
	MaxCellRunes = 5_000
	// maxUnzipped caps what an .xlsx may expand to, against zip bombs.
	maxUnzipped = 200 << 20
	// headerRows is how many rows may come before the data: the header and its
	// hint row.
	headerRows = 2
)

// Line is one non-empty row of a file: its row number as a spreadsheet program
// shows it (1-based) and its cells.
type Line struct {
	Row   int
	Cells []string
}

// Table is a file's first sheet, empty rows left out.
type Table struct {
	// Format is "xlsx" or "csv"; Encoding says how a CSV file was decoded.
	Format   string
	Encoding string
	Lines    []Line
}

func fileError(code, en, zh string) error { return profile.Invalid("file", code, en, zh) }

// Read reads an .xlsx workbook (its first sheet) or a CSV file (UTF-8 with or
// without BOM, UTF-16 with BOM, or GB18030) from data. The format is told by the
// content, not the name. Anything unreadable or past the bounds is an ErrInvalid
// *profile.Error for field "file".
func Read(data []byte) (t *Table, err error) {
	if len(data) > MaxBytes {
		return nil, fileError("file_too_large", fmt.Sprintf("the file is %d bytes; at most %d are accepted", len(data), MaxBytes),
			fmt.Sprintf("文件大小为 %d 字节，最多允许 %d 字节", len(data), MaxBytes))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError("empty_file", "the file is empty", "文件为空")
	}
	// A malformed workbook can make a parser panic; it is still the file's fault.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, broken(fmt.Errorf("%v", r))
		}
	}()
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fileError("unsupported_format",
			"this is an old .xls workbook (or an encrypted one); save it as .xlsx or .csv and upload again",
			"这是旧版 .xls 工作簿（或已加密），请另存为 .xlsx 或 .csv 后重新上传")
	}
	return readCSV(data)
}

func broken(err error) error {
	return fileError("unreadable_file", "the file could not be read as .xlsx or .csv ("+trim(err.Error(), 120)+")",
		"无法按 .xlsx 或 .csv 读取该文件（"+trim(err.Error(), 120)+"）")
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func readXLSX(data []byte) (*Table, error) {
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, broken(err)
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("no_sheet", "the workbook has no sheet", "工作簿中没有工作表")
	}
	rows, err := wb.Rows(sheets[0])
	if err != nil {
		return nil, broken(err)
	}
	defer rows.Close()
	t := &Table{Format: "xlsx"}
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, broken(err)
		}
		if err := t.add(n, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, broken(err)
	}
	return t, nil
}

// add keeps a row if any cell holds something, checking the bounds.
func (t *Table) add(row int, cells []string) error {
	last := -1
	for i, c := range cells {
		if strings.TrimSpace(c) != "" {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	if last >= MaxColumns {
		return fileError("too_many_columns", fmt.Sprintf("row %d has %d columns; at most %d are accepted", row, last+1, MaxColumns),
			fmt.Sprintf("第 %d 行有 %d 列，最多允许 %d 列", row, last+1, MaxColumns))
	}
	if len(t.Lines) >= MaxRows+headerRows {
		return fileError("too_many_rows", fmt.Sprintf("the file has more than %d rows; split it and upload the parts", MaxRows),
			fmt.Sprintf("文件超过 %d 行，请拆分后分别上传", MaxRows))
	}
	for i, c := range cells[:last+1] {
		if utf8.RuneCountInString(c) > MaxCellRunes {
			return fileError("cell_too_long", fmt.Sprintf("cell %s%d holds more than %d characters", ColumnName(i), row, MaxCellRunes),
				fmt.Sprintf("单元格 %s%d 超过 %d 个字符", ColumnName(i), row, MaxCellRunes))
		}
	}
	t.Lines = append(t.Lines, Line{Row: row, Cells: cells[:last+1]})
	return nil
}

// decodeText turns a CSV file's bytes into UTF-8 and names the encoding it found.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		// Excel's "Unicode text" export: UTF-16 with a byte-order mark.
		out, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder(), data)
		if err != nil {
			return "", "", err
		}
		return string(out), "utf-16", nil
	}
	if utf8.Valid(data) {
		return string(data), "utf-8", nil
	}
	// Excel on Chinese Windows saves CSV in GB18030 (a superset of GBK and GB2312).
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
	if err != nil || !utf8.Valid(out) {
		return "", "", errors.New("the text is neither UTF-8 nor GB18030")
	}
	return string(out), "gb18030", nil
}

func readCSV(data []byte) (*Table, error) {
	if bytes.IndexByte(data, 0) >= 0 && !bytes.HasPrefix(data, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fileError("unsupported_format", "the file is neither an .xlsx workbook nor a CSV text file",
			"文件既不是 .xlsx 工作簿也不是 CSV 文本文件")
	}
	s, enc, err := decodeText(data)
	if err != nil {
		return nil, broken(err)
	}
	r := csv.NewReader(strings.NewReader(s))
	r.Comma = delimiter(s)
	r.FieldsPerRecord = -1
	t := &Table{Format: "csv", Encoding: enc}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fileError("malformed_csv", fmt.Sprintf("the CSV file is malformed at line %d: %v", pe.Line, pe.Err),
					fmt.Sprintf("CSV 文件第 %d 行格式错误：%v", pe.Line, pe.Err))
			}
			return nil, broken(err)
		}
		// The line a record starts on is the row a spreadsheet program shows,
		// blank lines included (the reader skips them).
		line, _ := r.FieldPos(0)
		if err := t.add(line, rec); err != nil {
			return nil, err
		}
	}
}

// delimiter picks the separator of the first line: a comma unless semicolons or
// tabs are more frequent there (European and "text" exports).
func delimiter(s string) rune {
	first, _, _ := strings.Cut(s, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, d := range []rune{';', '\t'} {
		if c := strings.Count(first, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// ColumnName is the spreadsheet name of the column at index i (0 → "A", 26 → "AA").
func ColumnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}
