package sheet

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/evaluation"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// EvaluationColumns are the ranking sheet's headers, Chinese then English.
var EvaluationColumns = []string{"排名", "载体", "区县", "类型", "评价规则集", "得分", "满分", "缺失数据分值", "评级",
	"不达标项", "数据缺失项", "预警", "rank", "carrier_id", "ruleset", "grade", "warnings"}

// IndicatorColumns are the indicator sheet's headers.
var IndicatorColumns = []string{"载体", "评价规则集", "一级指标", "指标", "数值", "单位", "得分", "满分", "目标/门槛", "状态",
	"依据（企业与对接 ID）", "说明", "carrier_id", "section", "indicator", "status", "note"}

var statusZH = map[evaluation.Status]string{evaluation.OK: "达标", evaluation.Missing: "数据缺失", evaluation.Failed: "不达标"}

// Evaluations writes a ranking as a workbook: one sheet ranking the carriers
// with their grades and warnings, one listing every indicator with its value,
// points, status and evidence.
func Evaluations(r evaluation.Ranking) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	rank := fmt.Sprintf("%d 年绩效排名", r.Year)
	if err := wb.SetSheetName("Sheet1", rank); err != nil {
		return nil, err
	}
	ind := "指标明细"
	if _, err := wb.NewSheet(ind); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, d := range seed.Districts() {
		names[d.Code] = d.ZH
	}
	rows := [][]any{toAny(EvaluationColumns)}
	detail := [][]any{toAny(IndicatorColumns)}
	for _, it := range r.Items {
		var wzh, wen []string
		for _, w := range it.Warnings {
			wzh, wen = append(wzh, w.ZH), append(wen, w.EN)
		}
		rows = append(rows, []any{it.Rank, it.Name, names[it.District], typeZH(it.Type), it.RulesetZH, it.Score, it.MaxScore,
			it.MissingPoints, it.GradeZH, it.Failed, it.MissingCount, strings.Join(wzh, "；"),
			it.Rank, it.CarrierID, it.Ruleset, string(it.Grade), strings.Join(wen, "; ")})
		for _, s := range it.Sections {
			for _, in := range s.Indicators {
				var v any = ""
				if in.Value != nil {
					v = *in.Value
				}
				detail = append(detail, []any{it.Name, it.Ruleset, s.ZH, in.ZH, v, in.UnitZH, in.Points, in.MaxPoints,
					strings.TrimSpace(in.Op + " " + fmt.Sprint(in.Target)), statusZH[in.Status], strings.Join(in.Evidence, " "), in.Note,
					it.CarrierID, s.Code, in.Code, string(in.Status), in.NoteEN})
			}
		}
	}
	for sheetName, data := range map[string][][]any{rank: rows, ind: detail} {
		for i, vals := range data {
			if err := wb.SetSheetRow(sheetName, fmt.Sprintf("A%d", i+1), &vals); err != nil {
				return nil, err
			}
		}
		if err := wb.SetColWidth(sheetName, "A", "Q", 14); err != nil {
			return nil, err
		}
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func typeZH(code string) string { return profile.CarrierTypes.ZH(code) }
