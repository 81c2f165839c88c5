package sheet

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"fuhua/internal/policy"
	"fuhua/internal/profile"
	"fuhua/seed"
)

// PolicyRow is one firm (or carrier) on a programme's list.
type PolicyRow struct {
	ID, Name, District string
	Result             policy.Result
	// Owner is the firm's owning account (not written to the sheet).
	Owner string
}

// policyStatusZH names the programme statuses in Chinese.
var policyStatusZH = map[policy.Status]string{policy.Eligible: "符合", policy.Close: "接近", policy.Unknown: "待核实", policy.NotEligible: "不符合"}

// PolicyFirms writes a programme's firm list as an .xlsx workbook: one row per
// firm with its status, the conditions it does not (yet) meet, and the provider
// services that close them, then the programme's version, source and note.
func PolicyFirms(g *policy.Programme, year int, rows []PolicyRow) ([]byte, error) {
	wb := excelize.NewFile()
	defer wb.Close()
	name := fmt.Sprintf("%d %s", year, g.ZH)
	if len([]rune(name)) > 31 { // Excel's limit on sheet names
		name = string([]rune(name)[:31])
	}
	if err := wb.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	districts := map[string]string{}
	for _, d := range seed.Districts() {
		districts[d.Code] = d.ZH
	}
	out := [][]any{{"名称", "区县", "状态", "未满足或待核实的条件", "可对接的服务", "id", "district", "status", "gaps"}}
	for _, r := range rows {
		var zh, en []string
		for _, o := range r.Result.Conditions {
			if o.IsMet() {
				continue
			}
			zh = append(zh, fmt.Sprintf("%s（%s；%s）", o.ZH, o.Have.ZH, o.Need.ZH))
			en = append(en, fmt.Sprintf("%s (%s; %s)", o.EN, o.Have.EN, o.Need.EN))
		}
		var services []string
		for _, t := range r.Result.Providers() {
			services = append(services, profile.ProviderTypes.ZH(t))
		}
		out = append(out, []any{r.Name, districts[r.District], policyStatusZH[r.Result.Status], strings.Join(zh, "\n"),
			strings.Join(services, "、"), r.ID, r.District, string(r.Result.Status), strings.Join(en, "\n")})
	}
	out = append(out, []any{},
		[]any{"政策版本（version）", g.Version},
		[]any{"来源（source）", g.Source.Document, g.Source.URL},
		[]any{"读取日期（read）", g.Source.Read},
		[]any{"说明（note）", g.Note.ZH, g.Note.EN},
		[]any{"预评估：依据平台资料测算，以主管部门认定为准。Pre-assessment from the profiles in fuhua; the issuing office decides."})
	if g.Guess {
		out = append(out, []any{"[guess] 本政策的部分条件为推测，未在原文中核实。Some conditions are guesses not checked against the text."})
	}
	for i, vals := range out {
		if err := wb.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &vals); err != nil {
			return nil, err
		}
	}
	if err := wb.SetColWidth(name, "A", "I", 16); err != nil {
		return nil, err
	}
	if err := wb.SetColWidth(name, "D", "D", 60); err != nil {
		return nil, err
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
