package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/evaluation"
	"fuhua/internal/intro"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
	"fuhua/internal/torch"
	"fuhua/seed"
)

// Records is what the managers' operations read and write beyond profiles and
// introductions: the accepted introductions the carrier evaluation counts and
// the mentor pool's service log.
type Records interface {
	AcceptedIntros(ctx context.Context) ([]intro.Introduction, error)
	AddService(ctx context.Context, sv *mentor.Service) error
	ServicesOf(ctx context.Context, mentorID string) ([]mentor.Service, error)
	ServicesIn(ctx context.Context, year int) ([]mentor.Service, error)
}

// evaluationRoutes adds the carrier evaluation (issue 12).
func (s *Server) evaluationRoutes(in *gin.RouterGroup) {
	in.GET("/carriers/:id/evaluation", s.handle(s.carrierEvaluation))
	in.GET("/evaluations", s.handle(s.listEvaluations))
	in.GET("/evaluations/export", s.handle(s.exportEvaluations))
	in.POST("/mentors/:id/services", s.handle(s.addService))
	in.GET("/mentors/:id/services", s.handle(s.listServices))
	in.GET("/mentor-pool", s.handle(s.mentorPool))
	in.GET("/carriers/:id/torch", s.handle(s.getTorch))
	in.GET("/carriers/:id/torch/export", s.handle(s.exportTorch))
}

// queryRuleSet reads ruleset= ("" when absent); an unknown code is refused
// with the valid ones listed.
func queryRuleSet(c *gin.Context, sets []seed.RuleSet) (*seed.RuleSet, error) {
	v, err := queryOne(c, "ruleset")
	if err != nil || v == "" {
		return nil, err
	}
	var codes []string
	for i := range sets {
		if sets[i].Code == v {
			return &sets[i], nil
		}
		codes = append(codes, sets[i].Code)
	}
	list := strings.Join(codes, ", ")
	return nil, profile.Invalid("ruleset", "unknown_code", fmt.Sprintf("%q is not a rule set; valid codes: %s", v, list),
		fmt.Sprintf("%q 不是有效的评价规则集，可选值：%s", v, list))
}

// ruleSetFor picks the rule set to evaluate carrier c with: the one asked for,
// which must apply to its type and the year, or its type's default.
func ruleSetFor(asked *seed.RuleSet, sets []seed.RuleSet, c *profile.Profile, year int) (seed.RuleSet, error) {
	typeZH := profile.CarrierTypes.ZH(c.Type)
	if asked != nil {
		rs := *asked
		if !evaluation.Applies(rs, c.Type, year) {
			if rs.YearFrom > year || year > rs.YearTo {
				return rs, profile.Invalid("year", "ruleset_year", fmt.Sprintf("rule set %s covers the years %d to %d; got %d", rs.Code, rs.YearFrom, rs.YearTo, year),
					fmt.Sprintf("评价规则集 %s 适用于 %d 至 %d 年，所选年份为 %d", rs.Code, rs.YearFrom, rs.YearTo, year))
			}
			types := strings.Join(rs.AppliesTo, ", ")
			return rs, profile.Invalid("ruleset", "ruleset_type", fmt.Sprintf("rule set %s evaluates carriers of type %s, not %s", rs.Code, types, c.Type),
				fmt.Sprintf("评价规则集 %s 适用于 %s 类载体，不适用于%s", rs.Code, types, typeZH))
		}
		return rs, nil
	}
	if rs, ok := evaluation.Default(sets, c.Type, year); ok {
		return rs, nil
	}
	var fit []string
	for _, rs := range sets {
		if evaluation.Applies(rs, c.Type, year) {
			fit = append(fit, rs.Code)
		}
	}
	if len(fit) == 0 {
		return seed.RuleSet{}, profile.Invalid("ruleset", "no_ruleset",
			fmt.Sprintf("no rule set evaluates carriers of type %s in %d", c.Type, year),
			fmt.Sprintf("%d 年没有适用于%s的评价规则集", year, typeZH))
	}
	list := strings.Join(fit, ", ")
	return seed.RuleSet{}, profile.Invalid("ruleset", "required", fmt.Sprintf("choose a rule set for a carrier of type %s: %s", c.Type, list),
		fmt.Sprintf("请为%s选择评价规则集：%s", typeZH, list))
}

// evaluationData loads what the engine reads: startups, carriers and mentors
// (one pass over the profiles), accepted introductions and the year's logged
// mentor sessions.
func (s *Server) evaluationData(ctx context.Context, year int) (*evaluation.Data, error) {
	d := &evaluation.Data{}
	err := s.Store.EachProfile(ctx, func(p *profile.Profile) error {
		switch p.Kind {
		case profile.Startup:
			d.Startups = append(d.Startups, *p)
		case profile.Carrier:
			d.Carriers = append(d.Carriers, *p)
		case profile.Mentor:
			d.Mentors = append(d.Mentors, *p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.Records != nil {
		if d.Intros, err = s.Records.AcceptedIntros(ctx); err != nil {
			return nil, err
		}
		if d.Services, err = s.Records.ServicesIn(ctx, year); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// carrierEvaluation answers GET /api/v1/carriers/{id}/evaluation?year=&ruleset=:
// the carrier's score, sections, indicators with evidence and warnings, for
// admins, the managers of its district and its own operator.
func (s *Server) carrierEvaluation(c *gin.Context) error {
	p, err := s.loadProfile(c, profile.Carrier)
	if err != nil {
		return err
	}
	if !auth.CanSeeEvaluation(currentUser(c), p) {
		return profile.Forbidden("only the carrier's operator, a manager of its district or an admin may see its evaluation",
			"只有载体运营方、所在区县管理员或系统管理员可以查看载体绩效评价")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return err
	}
	sets := seed.RuleSets()
	asked, err := queryRuleSet(c, sets)
	if err != nil {
		return err
	}
	rs, err := ruleSetFor(asked, sets, p, year)
	if err != nil {
		return err
	}
	d, err := s.evaluationData(c.Request.Context(), year)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, evaluation.Evaluate(rs, p, d, year))
	return nil
}

// evaluationsResponse is the carriers of a scope ranked, with those no rule set
// evaluates named apart.
type evaluationsResponse struct {
	evaluation.Ranking
	District     string         `json:"district"`
	Ruleset      string         `json:"ruleset"`
	NotEvaluated []notEvaluated `json:"not_evaluated"`
	RuleSets     []ruleSetInfo  `json:"rulesets"`
}

// notEvaluated is a carrier no rule set evaluates in the year (an industrial
// park, a finance station) or that the asked rule set does not cover.
type notEvaluated struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// ruleSetInfo names a rule set for the page's chooser.
type ruleSetInfo struct {
	Code      string   `json:"code"`
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	YearFrom  int      `json:"year_from"`
	YearTo    int      `json:"year_to"`
	AppliesTo []string `json:"applies_to"`
}

// rankEvaluations evaluates every live carrier of the viewer's scope: admins
// the city (or the district asked for), managers their districts (or the one
// asked for, if theirs). Other roles have no ranking.
func (s *Server) rankEvaluations(c *gin.Context) (evaluationsResponse, error) {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return evaluationsResponse{}, profile.Forbidden("the carrier ranking is for district managers and admins",
			"载体绩效排名仅向区县管理员和系统管理员开放")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return evaluationsResponse{}, err
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return evaluationsResponse{}, err
	}
	if u.Role == profile.RoleManager && district != "" && !u.InDistrict(district) {
		return evaluationsResponse{}, profile.Forbidden("managers see the carriers of their own districts only",
			"区县管理员只能查看本辖区的载体")
	}
	sets := seed.RuleSets()
	asked, err := queryRuleSet(c, sets)
	if err != nil {
		return evaluationsResponse{}, err
	}
	if asked != nil && (asked.YearFrom > year || year > asked.YearTo) {
		return evaluationsResponse{}, profile.Invalid("year", "ruleset_year",
			fmt.Sprintf("rule set %s covers the years %d to %d; got %d", asked.Code, asked.YearFrom, asked.YearTo, year),
			fmt.Sprintf("评价规则集 %s 适用于 %d 至 %d 年，所选年份为 %d", asked.Code, asked.YearFrom, asked.YearTo, year))
	}
	d, err := s.evaluationData(c.Request.Context(), year)
	if err != nil {
		return evaluationsResponse{}, err
	}
	out := evaluationsResponse{District: district, NotEvaluated: []notEvaluated{}, RuleSets: []ruleSetInfo{}}
	if asked != nil {
		out.Ruleset = asked.Code
	}
	for _, rs := range sets {
		out.RuleSets = append(out.RuleSets, ruleSetInfo{rs.Code, rs.ZH, rs.EN, rs.YearFrom, rs.YearTo, rs.AppliesTo})
	}
	var results []evaluation.Result
	for i := range d.Carriers {
		p := &d.Carriers[i]
		pd := auth.ProfileDistrict(p)
		switch {
		case p.Archived:
			continue
		case district != "" && pd != district:
			continue
		case district == "" && u.Role == profile.RoleManager && !u.InDistrict(pd):
			continue
		}
		rs, err := ruleSetFor(asked, sets, p, year)
		if err != nil {
			out.NotEvaluated = append(out.NotEvaluated, notEvaluated{p.ID, p.Name, p.Type})
			continue
		}
		results = append(results, evaluation.Evaluate(rs, p, d, year))
	}
	out.Ranking = evaluation.Rank(year, results)
	return out, nil
}

// listEvaluations answers GET /api/v1/evaluations?year=&district=&ruleset=: the
// carriers ranked within each rule set, those at risk of 降等/摘牌 and the
// exemplary ones.
func (s *Server) listEvaluations(c *gin.Context) error {
	out, err := s.rankEvaluations(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// exportEvaluations answers GET /api/v1/evaluations/export?year=&district=&ruleset=:
// the ranking and every indicator as an .xlsx workbook.
func (s *Server) exportEvaluations(c *gin.Context) error {
	out, err := s.rankEvaluations(c)
	if err != nil {
		return err
	}
	b, err := sheet.Evaluations(out.Ranking)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("evaluation-%d", out.Year)
	if out.District != "" {
		name += "-" + out.District
	}
	attachment(c, name+".xlsx", b)
	return nil
}

// carrierTorch loads carrier {id} for its statistics (same audience as its
// evaluation) and builds the report for year=.
func (s *Server) carrierTorch(c *gin.Context) (torch.Report, error) {
	p, err := s.loadProfile(c, profile.Carrier)
	if err != nil {
		return torch.Report{}, err
	}
	if !auth.CanSeeEvaluation(currentUser(c), p) {
		return torch.Report{}, profile.Forbidden("only the carrier's operator, a manager of its district or an admin may see its statistics",
			"只有载体运营方、所在区县管理员或系统管理员可以查看载体统计")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return torch.Report{}, err
	}
	d, err := s.evaluationData(c.Request.Context(), year)
	if err != nil {
		return torch.Report{}, err
	}
	return torch.Build(d, p, year), nil
}

// getTorch answers GET /api/v1/carriers/{id}/torch?year=: the Torch statistics
// of the carrier's in-incubation firms (rows in the form's order, money in 千元,
// consistency warnings) and the carrier-level aggregates.
func (s *Server) getTorch(c *gin.Context) error {
	r, err := s.carrierTorch(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// exportTorch answers GET /api/v1/carriers/{id}/torch/export?year=: the same as
// an .xlsx workbook to hand in without retyping.
func (s *Server) exportTorch(c *gin.Context) error {
	r, err := s.carrierTorch(c)
	if err != nil {
		return err
	}
	b, err := sheet.Torch(r)
	if err != nil {
		return err
	}
	attachment(c, fmt.Sprintf("torch-%d-%s.xlsx", r.Year, r.CarrierID), b)
	return nil
}
