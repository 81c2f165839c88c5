package sheet

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/kpi"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// ContentType is the media type of the workbooks this package writes.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Item is one profile to export, and whether the viewer may see its contact.
type Item struct {
	Profile     *profile.Profile
	WithContact bool
}

// lookup reads a dotted path out of a profile's JSON view.
func lookup(view map[string]any, key string) (any, bool) {
	parent, leaf, nested := strings.Cut(key, ".")
	v, ok := view[parent]
	if !nested || !ok {
		return v, ok
	}
	m, _ := v.(map[string]any)
	v, ok = m[leaf]
	return v, ok
}

// cell is what an export writes for fd: numbers as numbers, codes as their
// Chinese names, lists joined with 、, yes/no as 是/否 — all of which Parse reads
// back to the same value.
func (fd *Field) cell(view map[string]any) any {
	v, ok := lookup(view, fd.Key)
	if !ok || v == nil {
		return ""
	}
	switch fd.typ {
	case integer, number, ratio:
		return v
	case year:
		if x, _ := v.(float64); x != 0 {
			return x
		}
		return ""
	case boolean:
		if b, _ := v.(bool); b {
			return "是"
		}
		return "否"
	case code:
		s, _ := v.(string)
		if s == "" {
			return ""
		}
		return fd.vocab.display(s)
	case codes, list:
		xs, _ := v.([]any)
		out := make([]string, 0, len(xs))
		for _, x := range xs {
			s, _ := x.(string)
			if fd.typ == codes {
				s = fd.vocab.display(s)
			}
			out = append(out, s)
		}
		return strings.Join(out, "、")
	}
	return v
}

func viewMap(p *profile.Profile, withContact bool) (map[string]any, error) {
	raw, err := p.View(withContact)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(raw, &m)
}

// headerCells returns the Chinese header and, under it, the English keys (the
// hint row Parse skips).
func headerCells(fields []Field) ([]any, []any) {
	zh, keys := make([]any, len(fields)), make([]any, len(fields))
	for i, fd := range fields {
		zh[i], keys[i] = fd.ZH, fd.Key
	}
	return zh, keys
}

// Profiles writes a workbook of profiles of kind k in the import layout, so an
// export can be edited and imported again. Contacts are written only for items
// whose WithContact is set.
func Profiles(k profile.Kind, items []Item) ([]byte, error) {
	return ProfileSheets([]profile.Kind{k}, map[profile.Kind][]Item{k: items})
}

// ProfileSheets writes one sheet per kind of kinds, in that order, each in the
// import layout of its kind (a sheet of Profiles), named by the kind in Chinese.
func ProfileSheets(kinds []profile.Kind, items map[profile.Kind][]Item) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	for i, k := range kinds {
		name := k.ZH()
		if i == 0 {
			if err := wb.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := wb.NewSheet(name); err != nil {
			return nil, err
		}
		if err := profileSheet(wb, name, k, items[k]); err != nil {
			return nil, err
		}
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func profileSheet(wb *excelize.File, name string, k profile.Kind, items []Item) error {
	sw, err := wb.NewStreamWriter(name)
	if err != nil {
		return err
	}
	fields := Fields(k)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(fields), 16); err != nil {
		return err
	}
	zh, keys := headerCells(fields)
	if err := sw.SetRow("A1", zh); err != nil {
		return err
	}
	if err := sw.SetRow("A2", keys); err != nil {
		return err
	}
	row := make([]any, len(fields))
	for n, it := range items {
		view, err := viewMap(it.Profile, it.WithContact)
		if err != nil {
			return err
		}
		for i := range fields {
			row[i] = fields[i].cell(view)
		}
		if err := sw.SetRow(fmt.Sprintf("A%d", n+3), row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Example is the example profile a template shows for kind k; it passes
// validation, so a template's example sheet imports cleanly.
func Example(k profile.Kind) profile.Profile {
	ex := map[profile.Kind]profile.Profile{
		profile.Startup: {Name: "盐城氢途能源科技有限公司", Summary: "氢燃料电池电堆与膜电极研发", Chains: []string{"hydrogen"},
			Tags: []string{"燃料电池", "膜电极"}, District: "yannan", City: "盐城",
			Contact:    profile.Contact{Person: "陈晨", Phone: "0515-88880000", Email: "chen@qingtu.example", WeChat: "qingtu-chen"},
			CreditCode: "91320913MA25XK3Q0" + check("91320913MA25XK3Q0"), Stage: "angel", Founded: "2022-05-10",
			Employees: 28, TechStaff: 12, RDRatio: 0.18, Patents: 2, OtherIP: 5, RevenueWan: 800, AssetsWan: 1500,
			Status: "incubating", IncubatedSince: "2023-03-01", TechSME: &profile.YearResult{Year: 2024, Passed: true},
			Needs:    &profile.Needs{FundingWan: 1000, FundingKinds: []string{"equity"}, Mentoring: []string{"融资路演"}, Services: []string{"ip", "finance"}},
			Segments: []string{"hydrogen.fuel_cell"},
			Torch: &profile.TorchRecord{ReportYear: 2024, FounderSerial: ptr(true), FounderStudent: ptr(false), StaffCollege: ptr(20),
				FreshGraduates: ptr(0), RDSpendWan: ptr(150.0), TaxWan: ptr(12.5), InventionPatents: ptr(2), TechField: "energy",
				RegistrationType: "150", HasMentor: ptr(true)}},
		profile.Mentor: {Name: "王教授", Title: "教授", Organization: "盐城工学院", Topics: []string{"燃料电池", "技术转移"},
			Languages: []string{"中文", "英语"}, Capacity: 3, Remote: true, Chains: []string{"hydrogen"}, District: "tinghu",
			Contact: profile.Contact{Email: "wang@ycit.example"}, PoolStatus: "active"},
		profile.Investor: {Name: "盐城市天使投资引导基金", Type: "guidance_fund", Stages: []string{"seed", "angel"}, TicketMinWan: 200,
			TicketMaxWan: 2000, Instruments: []string{"equity"}, Regions: []string{"yannan", "tinghu"}, HardTech: true,
			Chains: []string{"hydrogen", "semi3"}, District: "tinghu"},
		profile.Carrier: {Name: "盐南高新区科创孵化器", Type: "incubator", Level: "provincial", LevelSince: 2023, Professional: true,
			AreaSqm: 32000, Seats: 400, Services: []string{"space", "roadshow"}, Established: "2018-09-01", District: "yannan",
			Chains: []string{"digital"}},
		profile.Enclave: {Name: "盐城（上海）离岸科创中心", HomeDistrict: "kaifaqu", HostCity: "上海", HostRegion: "yangtze_delta",
			Capacity: 40, Services: []string{"space", "landing"}, Established: "2021-11-18", Chains: []string{"auto"}},
		profile.Provider: {Name: "盐城知联知识产权代理有限公司", Type: "ip", Services: []string{"ip"}, District: "tinghu"},
	}[k]
	ex.Kind = k
	return ex
}

func ptr[T any](x T) *T { return &x }

func check(first17 string) string {
	c, _ := profile.CreditCodeCheck(first17)
	return string(c)
}

// Template writes the import template of kind k: a sheet to fill in (the Chinese
// header, each cell's comment saying what it takes, and the English keys as a hint
// row that imports skip), a sheet with one filled-in example, and a sheet
// describing every column.
func Template(k profile.Kind) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	fields := Fields(k)
	data, exampleSheet, guide := k.ZH(), "示例 Example", "填写说明 Guide"
	if err := wb.SetSheetName("Sheet1", data); err != nil {
		return nil, err
	}
	zh, keys := headerCells(fields)
	ex := Example(k)
	view, err := viewMap(&ex, true)
	if err != nil {
		return nil, err
	}
	example := make([]any, len(fields))
	for i := range fields {
		example[i] = fields[i].cell(view)
	}
	bold, err := wb.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	last, _ := excelize.CoordinatesToCellName(len(fields), 1)
	for _, sh := range []string{data, exampleSheet} {
		if sh != data {
			if _, err := wb.NewSheet(sh); err != nil {
				return nil, err
			}
		}
		for r, vals := range [][]any{zh, keys} {
			if err := wb.SetSheetRow(sh, fmt.Sprintf("A%d", r+1), &vals); err != nil {
				return nil, err
			}
		}
		if err := wb.SetCellStyle(sh, "A1", last, bold); err != nil {
			return nil, err
		}
		if err := wb.SetColWidth(sh, "A", ColumnName(len(fields)-1), 18); err != nil {
			return nil, err
		}
		if err := wb.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	if err := wb.SetSheetRow(exampleSheet, "A3", &example); err != nil {
		return nil, err
	}
	for i, fd := range fields {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		msg := fd.Key
		if fd.HintZH != "" {
			msg += "\n" + fd.HintZH + "\n" + fd.HintEN
		}
		if err := wb.AddComment(data, excelize.Comment{Cell: cell, Author: "fuhua", Text: msg}); err != nil {
			return nil, err
		}
	}
	if _, err := wb.NewSheet(guide); err != nil {
		return nil, err
	}
	guideRows := [][]any{{"列名", "Column", "字段 field", "说明", "Description", "示例 Example"}}
	for i, fd := range fields {
		guideRows = append(guideRows, []any{fd.ZH, fd.EN, fd.Key, fd.HintZH, fd.HintEN, example[i]})
	}
	guideRows = append(guideRows, []any{}, []any{"说明", "Notes"},
		[]any{"第 1 行为中文列名，第 2 行为英文字段名（可保留或删除）；列名也可用英文或常见中文写法，列的顺序不限。"},
		[]any{"Row 1 holds the Chinese headers and row 2 the English keys (keep or delete it); headers may also be English or common Chinese variants, in any order."},
		[]any{idempotencyNote(k)})
	for r, vals := range guideRows {
		if err := wb.SetSheetRow(guide, fmt.Sprintf("A%d", r+1), &vals); err != nil {
			return nil, err
		}
	}
	if err := wb.SetColWidth(guide, "A", "F", 24); err != nil {
		return nil, err
	}
	wb.SetActiveSheet(0)
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// idempotencyNote says how a second import finds the profiles of the first.
func idempotencyNote(k profile.Kind) string {
	if k == profile.Startup {
		return "再次导入时按统一社会信用代码更新已有企业，不会重复创建。A second import updates firms by credit code; it never duplicates them."
	}
	return "再次导入时按“名称 + 所在区县”（科创飞地为所属区县）更新已有资料，不会重复创建。A second import updates by name and district (an enclave's home district); it never duplicates."
}

// KPI writes a KPI report as one sheet: a row per scope and indicator, with the
// plan's target, the actual, what the straight line expects by now and how far
// ahead (positive) or behind (negative) the actual is.
func KPI(r kpi.Report) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	name := fmt.Sprintf("%d 年度指标", r.Year)
	if err := wb.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	names := map[string]string{"": "全市"}
	for _, d := range seed.Districts() {
		names[d.Code] = d.ZH
	}
	statusZH := map[kpi.Status]string{kpi.Reached: "已完成", kpi.OnTrack: "按进度", kpi.Behind: "落后", kpi.Missed: "未完成"}
	rows := [][]any{
		{"区县", "指标", "周期", "目标", "实际", "应达", "超前(+)/落后(-)", "完成率", "状态", "计划原文", "district", "code", "indicator", "status"},
	}
	for _, s := range r.Scopes {
		for _, in := range s.Indicators {
			rows = append(rows, []any{names[s.District], in.ZH, in.Period, in.Target, round2(in.Actual), round2(in.Expected),
				round2(in.Actual - in.Expected), round2(in.Progress), statusZH[in.Status], in.Wording,
				s.District, in.Code, in.EN, string(in.Status)})
		}
	}
	rows = append(rows, []any{}, []any{fmt.Sprintf("截至 %s（as of）", r.AsOf.Format("2006-01-02 15:04 MST"))})
	for i, vals := range rows {
		if err := wb.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &vals); err != nil {
			return nil, err
		}
	}
	if err := wb.SetColWidth(name, "A", "N", 14); err != nil {
		return nil, err
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
