package sheet

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/torch"
)

// Torch writes a carrier's statistics as a workbook: the in-incubation firm
// record, one row per firm in the form's column order with money in 千元 (the
// header names the unit), and the carrier-level aggregates.
func Torch(r torch.Report) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	firms := fmt.Sprintf("%d 在孵企业", r.Year)
	if err := wb.SetSheetName("Sheet1", firms); err != nil {
		return nil, err
	}
	agg := "汇总"
	if _, err := wb.NewSheet(agg); err != nil {
		return nil, err
	}
	head, en := []any{}, []any{}
	for _, c := range r.Columns {
		h := c.ZH
		if c.Unit != "" {
			h += "（" + c.Unit + "）"
		}
		head, en = append(head, h), append(en, c.EN)
	}
	rows := [][]any{head, en}
	for _, row := range r.Rows {
		vals := make([]any, 0, len(r.Columns))
		for _, c := range r.Columns {
			v := row.Values[c.Key]
			if v == nil {
				v = ""
			}
			vals = append(vals, v)
		}
		rows = append(rows, vals)
	}
	sums := [][]any{{"指标", "数值", "单位", "填报企业数", "在孵企业数", "indicator", "code"}}
	for _, a := range r.Aggregates {
		var rep, of any = "", ""
		if a.Reporting != nil {
			rep, of = *a.Reporting, *a.Of
		}
		sums = append(sums, []any{a.ZH, a.Value, a.Unit, rep, of, a.EN, a.Code})
	}
	for name, data := range map[string][][]any{firms: rows, agg: sums} {
		for i, vals := range data {
			if err := wb.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &vals); err != nil {
				return nil, err
			}
		}
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
