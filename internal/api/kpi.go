package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/kpi"
	"fuhua/internal/policy"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
	"fuhua/internal/techsme"
	"fuhua/seed"
)

// chinaTime is the zone the plan's calendar years are counted in.
var chinaTime = time.FixedZone("CST", 8*3600)

// kpiResponse is the plan's indicators for one year, scopes the viewer may see.
type kpiResponse struct {
	Year   int        `json:"year"`
	AsOf   time.Time  `json:"as_of"`
	Scopes []kpiScope `json:"scopes"`
}

// kpiScope is the city (district "") or one district, named.
type kpiScope struct {
	District   string         `json:"district"`
	NameZH     string         `json:"name_zh"`
	NameEN     string         `json:"name_en"`
	Indicators []kpiIndicator `json:"indicators"`
	// Landing is the graduates' landing share (no plan target; see kpi_landing.go).
	Landing *kpiLanding `json:"landing,omitempty"`
}

// kpiIndicator adds to an indicator how far ahead (positive) or behind
// (negative) of the straight line through its period the actual stands.
type kpiIndicator struct {
	kpi.Indicator
	Ahead float64 `json:"ahead"`
}

// queryYear reads year (default: this year in China), 2000 to 2100.
func (s *Server) queryYear(c *gin.Context) (int, error) {
	v, err := queryOne(c, "year")
	if err != nil {
		return 0, err
	}
	if v == "" {
		return s.Now().In(chinaTime).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, profile.Invalid("year", "invalid_year", fmt.Sprintf("year must be a year from 2000 to 2100, such as 2024; got %q", v),
			fmt.Sprintf("年度须为 2000 到 2100 之间的年份，例如 2024，填写的是“%s”", clipText(v)))
	}
	return y, nil
}

// kpiReport computes the report and keeps the scopes the viewer may see:
// admins every scope (or the one asked for), managers their districts (or the one
// asked for, if it is theirs). Other roles have no KPI view.
func (s *Server) kpiReport(c *gin.Context) (kpi.Report, error) {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return kpi.Report{}, profile.Forbidden("the KPI view is for district managers and admins", "指标监测仅向区县管理员和系统管理员开放")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return kpi.Report{}, err
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return kpi.Report{}, err
	}
	if u.Role == profile.RoleManager && district != "" && !u.InDistrict(district) {
		return kpi.Report{}, profile.Forbidden("managers see the indicators of their own districts only", "区县管理员只能查看本辖区的指标")
	}
	ps, err := s.kpiProfiles(c)
	if err != nil {
		return kpi.Report{}, err
	}
	r := kpi.Compute(slices.Values(ps), seed.Plan(), year, s.Now())
	r.Scopes = slices.DeleteFunc(r.Scopes, func(sc kpi.Scope) bool {
		switch {
		case district != "":
			return sc.District != district
		case u.Role == profile.RoleManager:
			return !u.InDistrict(sc.District)
		}
		return false
	})
	return r, nil
}

// kpiProfiles reads the profiles the indicators count: startups, carriers and
// enclaves, in one pass (cheaper on the embedded backend than three filtered ones).
func (s *Server) kpiProfiles(c *gin.Context) ([]profile.Profile, error) {
	var ps []profile.Profile
	err := s.Store.EachProfile(c.Request.Context(), func(p *profile.Profile) error {
		if p.Kind == profile.Startup || p.Kind == profile.Carrier || p.Kind == profile.Enclave {
			ps = append(ps, *p)
		}
		return nil
	})
	return ps, err
}

// kpiRecordsResponse is the profiles behind one indicator's figure.
type kpiRecordsResponse struct {
	Year      int          `json:"year"`
	District  string       `json:"district"`
	NameZH    string       `json:"name_zh"`
	NameEN    string       `json:"name_en"`
	Indicator kpiIndicator `json:"indicator"`
	Count     int          `json:"count"`
	Items     []kpi.Record `json:"items"`
}

// scopeNames names the city ("") and every district.
func scopeNames() map[string][2]string {
	names := map[string][2]string{"": {"全市", "Yancheng (city)"}}
	for _, d := range seed.Districts() {
		names[d.Code] = [2]string{d.ZH, d.EN}
	}
	return names
}

// kpiRecords answers GET /api/v1/kpi/records?indicator=&year=&district=&period=:
// the firms, carriers or enclaves behind one figure of GET /api/v1/kpi, as many
// as its actual (for the tech-SME share, every incubating firm, those that passed
// marked). Managers ask for a district of theirs; admins for any, or the city.
func (s *Server) kpiRecords(c *gin.Context) error {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return profile.Forbidden("the KPI view is for district managers and admins", "指标监测仅向区县管理员和系统管理员开放")
	}
	code, err := queryOne(c, "indicator")
	if err != nil {
		return err
	}
	plan := seed.Plan()
	meta, ok := plan.Indicator(code)
	if code == "" || !ok {
		return profile.Invalid("indicator", "unknown_indicator", "indicator must name one of the plan's indicators, as GET /api/v1/kpi gives them",
			"请选择计划中的一项指标（指标代码见目标监测）")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return err
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return err
	}
	if u.Role == profile.RoleManager && !u.InDistrict(district) {
		return profile.Forbidden("managers see the indicators of their own districts only; give one of them as district",
			"区县管理员只能查看本辖区的指标，请选择所辖区县")
	}
	period, err := queryOne(c, "period")
	if err != nil {
		return err
	}
	ps, err := s.kpiProfiles(c)
	if err != nil {
		return err
	}
	in, recs, ok := kpi.Records(slices.Values(ps), plan, code, district, period, year, s.Now())
	if !ok {
		return profile.Invalid("period", "no_target", fmt.Sprintf("the plan sets no target for %s in %d%s", meta.EN, year, map[bool]string{true: " for that period"}[period != ""]),
			fmt.Sprintf("计划在 %d 年没有“%s”这一目标%s", year, meta.ZH, map[bool]string{true: "（所选期间）"}[period != ""]))
	}
	names := scopeNames()
	c.JSON(http.StatusOK, kpiRecordsResponse{Year: year, District: district, NameZH: names[district][0], NameEN: names[district][1],
		Indicator: kpiIndicator{Indicator: in, Ahead: in.Actual - in.Expected}, Count: len(recs), Items: recs})
	return nil
}

// getKPI answers GET /api/v1/kpi?year=YYYY&district=code: for the city and each
// district the viewer oversees, every target of the plan beside the actual.
func (s *Server) getKPI(c *gin.Context) error {
	r, err := s.kpiReport(c)
	if err != nil {
		return err
	}
	names := scopeNames()
	landings, err := s.kpiLandings(c.Request.Context(), r.Year)
	if err != nil {
		return err
	}
	out := kpiResponse{Year: r.Year, AsOf: r.AsOf, Scopes: make([]kpiScope, 0, len(r.Scopes))}
	for _, sc := range r.Scopes {
		ks := kpiScope{District: sc.District, NameZH: names[sc.District][0], NameEN: names[sc.District][1],
			Indicators: make([]kpiIndicator, 0, len(sc.Indicators)), Landing: landings[sc.District]}
		for _, in := range sc.Indicators {
			ks.Indicators = append(ks.Indicators, kpiIndicator{Indicator: in, Ahead: in.Actual - in.Expected})
		}
		out.Scopes = append(out.Scopes, ks)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// exportKPI answers GET /api/v1/kpi/export?year=&district=: the same report as
// GET /api/v1/kpi, as an .xlsx workbook.
func (s *Server) exportKPI(c *gin.Context) error {
	r, err := s.kpiReport(c)
	if err != nil {
		return err
	}
	b, err := sheet.KPI(r)
	if err != nil {
		return err
	}
	attachment(c, fmt.Sprintf("kpi-%d.xlsx", r.Year), b)
	return nil
}

// techSMEResponse is a startup's tech-SME pre-assessment with, for each gap, the
// providers that could help close it.
type techSMEResponse struct {
	StartupID string `json:"startup_id"`
	Name      string `json:"name"`
	techsme.Result
	Gaps []gapView `json:"gaps"`
	// Programme is the tech_sme programme as the policy engine judges it that
	// year: each condition met, unmet or unknown with what the firm has and what
	// it needs (absent when the catalogue has no tech_sme programme that year).
	Programme *policy.Result `json:"programme,omitempty"`
}

// gapView is one gap and the live providers of its provider types.
type gapView struct {
	techsme.Gap
	Candidates []providerRef `json:"candidates"`
}

// providerRef names a provider; contacts stay on the provider's own page, where
// the usual visibility rules apply.
type providerRef struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Type     string   `json:"type"`
	District string   `json:"district"`
	Services []string `json:"services"`
}

// maxCandidates is how many providers each gap proposes.
const maxCandidates = 5

// techSME answers GET /api/v1/startups/{id}/techsme?year=: the pre-assessment
// against the tech-SME evaluation, for those who may edit the startup (its owner,
// the managers of its district, admins) — the figures it reads are the firm's own.
func (s *Server) techSME(c *gin.Context) error {
	p, err := s.loadProfile(c, profile.Startup)
	if err != nil {
		return err
	}
	if !auth.CanEdit(currentUser(c), p) {
		return profile.Forbidden("only the startup's owner, a manager of its district or an admin may see its assessment",
			"只有企业资料所有者、所在区县管理员或系统管理员可以查看评价预评估")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return err
	}
	r := techsme.Assess(*p, year)
	out := techSMEResponse{StartupID: p.ID, Name: p.Name, Result: r, Gaps: make([]gapView, 0, len(r.Gaps))}
	for _, g := range seed.Policies().For(year) {
		if g.Code == "tech_sme" && g.AppliesTo == profile.Startup {
			pr := policy.Evaluate(g, p, s.policyDate(year))
			out.Programme = &pr
			break
		}
	}
	if len(r.Gaps) > 0 {
		near, err := s.nearestProviders(c.Request.Context(), p)
		if err != nil {
			return err
		}
		for _, g := range r.Gaps {
			out.Gaps = append(out.Gaps, gapView{Gap: g, Candidates: near(g.Providers)})
		}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// serves reports whether provider q is of one of the types, or offers one of them
// as a service (an accounting firm that also does IP filings).
func serves(q *profile.Profile, types []string) bool {
	for _, t := range types {
		if q.Type == t || slices.Contains(q.Services, t) {
			return true
		}
	}
	return false
}

func districtOrder() map[string]int {
	out := map[string]int{}
	for i, d := range seed.Districts() {
		out[d.Code] = i
	}
	return out
}
