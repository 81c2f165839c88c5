package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/evaluation"
	"fuhua/internal/intro"
	"fuhua/internal/profile"
	"fuhua/internal/relay"
	"fuhua/seed"
)

// relayRoutes adds the graduates' relay (issue 12).
func (s *Server) relayRoutes(in *gin.RouterGroup) {
	in.GET("/startups/:id/landing", s.handle(s.landingProposals))
	in.POST("/startups/:id/landing", s.handle(s.brokerLanding))
	in.GET("/graduates", s.handle(s.graduates))
	in.GET("/enclaves/:id/projects", s.handle(s.enclaveProjects))
	in.GET("/enclave-projects", s.handle(s.enclaveProjectsSummary))
}

// landingResponse is a graduate's check against the graduation conditions and
// the parks proposed for it.
type landingResponse struct {
	StartupID   string               `json:"startup_id"`
	Name        string               `json:"name"`
	Status      string               `json:"status"`
	GraduatedOn string               `json:"graduated_on"`
	Graduated   bool                 `json:"graduated"`
	Graduation  evaluation.Indicator `json:"graduation"`
	Ruleset     string               `json:"ruleset"`
	Candidates  []relay.Candidate    `json:"candidates"`
}

// graduationRuleSet is the graduation rule set valid in year.
func graduationRuleSet(year int) (seed.RuleSet, bool) {
	for _, rs := range seed.RuleSets() {
		if rs.Kind == seed.Graduation && rs.YearFrom <= year && year <= rs.YearTo {
			return rs, true
		}
	}
	return seed.RuleSet{}, false
}

// landingProposals answers GET /api/v1/startups/{id}/landing: the startup's
// graduation (status, date, and the graduation conditions checked for the year
// it graduated) and the accelerators and industrial parks of its chains, its
// home district first. For its owner, the managers of its district and admins.
func (s *Server) landingProposals(c *gin.Context) error {
	p, err := s.loadProfile(c, profile.Startup)
	if err != nil {
		return err
	}
	if !auth.CanEdit(currentUser(c), p) {
		return profile.Forbidden("only the startup's owner, a manager of its district or an admin may see its landing proposals",
			"只有企业资料所有者、所在区县管理员或系统管理员可以查看落地园区推荐")
	}
	year := s.Now().In(chinaTime).Year()
	graduated := p.Status == "graduated" && profile.ValidDate(p.GraduatedOn)
	if graduated {
		// A valid date starts with four digits.
		year, _ = strconv.Atoi(p.GraduatedOn[:4])
	}
	out := landingResponse{StartupID: p.ID, Name: p.Name, Status: p.Status, GraduatedOn: p.GraduatedOn, Graduated: graduated,
		Candidates: []relay.Candidate{}}
	if rs, ok := graduationRuleSet(year); ok {
		out.Ruleset = rs.Code
		out.Graduation = evaluation.GraduationCheck(rs, p, year)
	}
	var carriers []profile.Profile
	if err := s.Store.EachOfKind(c.Request.Context(), profile.Carrier, func(q *profile.Profile) error {
		carriers = append(carriers, *q)
		return nil
	}); err != nil {
		return err
	}
	out.Candidates = relay.Candidates(p, carriers, districtOrder(), s.Catalog.Chains.ZH)
	c.JSON(http.StatusOK, out)
	return nil
}

// landingRequest is the body of POST /startups/{id}/landing.
type landingRequest struct {
	CarrierID string `json:"carrier_id"`
	Message   string `json:"message"`
}

// brokerLanding answers POST /api/v1/startups/{id}/landing {carrier_id, message}:
// a manager (or admin) brokers, in one step, the introduction of a graduate to
// an accelerator or industrial park; both sides then accept as usual, and the
// landing is recorded as the introduction's "landed" outcome.
func (s *Server) brokerLanding(c *gin.Context) error {
	st, err := s.intros()
	if err != nil {
		return err
	}
	u := currentUser(c)
	if u.Role != profile.RoleManager && u.Role != profile.RoleAdmin {
		return profile.Forbidden("a manager or an admin brokers a graduate's landing", "毕业企业落地对接由区县管理员或系统管理员牵线")
	}
	p, err := s.loadProfile(c, profile.Startup)
	if err != nil {
		return err
	}
	var req landingRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	park, err := s.refProfile(c, "carrier_id", refRequest{Kind: string(profile.Carrier), ID: req.CarrierID})
	if err != nil {
		return profile.Invalid("carrier_id", "unknown_profile", fmt.Sprintf("%q is not the id of a carrier", req.CarrierID),
			fmt.Sprintf("%q 不是载体资料的 ID", req.CarrierID))
	}
	if !relay.LandingTypes[park.Type] {
		return profile.Invalid("carrier_id", "not_a_park", "a graduate lands in an accelerator or an industrial park; this carrier is a "+park.Type,
			"毕业企业落地于加速器或产业园区，该载体类型为"+profile.CarrierTypes.ZH(park.Type))
	}
	in, ev, err := intro.New(u, p, park, req.Message, s.Now().UTC())
	if err != nil {
		return err
	}
	if err := st.CreateIntro(c.Request.Context(), in, ev); err != nil {
		return err
	}
	c.Header("Location", "/api/v1/introductions/"+in.ID)
	return s.renderIntro(c, http.StatusCreated, in, p, park)
}

// graduatesResponse is the year's graduates and landings per district.
type graduatesResponse struct {
	Year   int           `json:"year"`
	Scopes []relay.Scope `json:"scopes"`
}

// graduates answers GET /api/v1/graduates?year=&district=: for the city and
// each district the viewer oversees, the year's graduates, those landed in an
// accelerator or industrial park, those landed in a park of their chain, and
// that share.
func (s *Server) graduates(c *gin.Context) error {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return profile.Forbidden("the graduates' landings are for district managers and admins", "毕业企业落地情况仅向区县管理员和系统管理员开放")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return err
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return err
	}
	if u.Role == profile.RoleManager && district != "" && !u.InDistrict(district) {
		return profile.Forbidden("managers see their own districts only", "区县管理员只能查看本辖区")
	}
	d, err := s.evaluationData(c.Request.Context(), year)
	if err != nil {
		return err
	}
	var codes []string
	for _, x := range seed.Districts() {
		codes = append(codes, x.Code)
	}
	out := graduatesResponse{Year: year, Scopes: []relay.Scope{}}
	for _, sc := range relay.Landings(d.Startups, d.Carriers, d.Intros, year, codes) {
		switch {
		case district != "" && sc.District != district:
			continue
		case u.Role == profile.RoleManager && !u.InDistrict(sc.District):
			continue // managers see their districts, not the city
		}
		out.Scopes = append(out.Scopes, sc)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// enclaveReports loads enclaves, startups and carriers and reports the
// enclaves keep accepts.
func (s *Server) enclaveReports(c *gin.Context, keep func(*profile.Profile) bool) ([]relay.EnclaveReport, error) {
	var enclaves, startups, carriers []profile.Profile
	err := s.Store.EachProfile(c.Request.Context(), func(p *profile.Profile) error {
		switch p.Kind {
		case profile.Enclave:
			if keep(p) {
				enclaves = append(enclaves, *p)
			}
		case profile.Startup:
			startups = append(startups, *p)
		case profile.Carrier:
			if !p.Archived {
				carriers = append(carriers, *p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return relay.Enclaves(enclaves, startups, carriers, s.Catalog.Chains.ZH), nil
}

// enclaveProjects answers GET /api/v1/enclaves/{id}/projects: the enclave's
// projects by stage, those landed at home and the share, and for each project
// not yet home the home district's carriers of its chains. For the enclave's
// operator, the managers of its home district and admins.
func (s *Server) enclaveProjects(c *gin.Context) error {
	e, err := s.loadProfile(c, profile.Enclave)
	if err != nil {
		return err
	}
	if !auth.CanSeeEvaluation(currentUser(c), e) {
		return profile.Forbidden("only the enclave's operator, a manager of its home district or an admin may see its projects",
			"只有飞地运营方、所属区县管理员或系统管理员可以查看飞地项目")
	}
	rs, err := s.enclaveReports(c, func(p *profile.Profile) bool { return p.ID == e.ID })
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return profile.NotFound("profile")
	}
	c.JSON(http.StatusOK, rs[0])
	return nil
}

// enclaveSummary is the enclave projects of the viewer's districts.
type enclaveSummary struct {
	District   string                `json:"district"`
	Projects   int                   `json:"projects"`
	Landed     int                   `json:"landed"`
	LandedHome int                   `json:"landed_home"`
	HomeShare  *float64              `json:"home_share"`
	Enclaves   []relay.EnclaveReport `json:"enclaves"`
}

// enclaveProjectsSummary answers GET /api/v1/enclave-projects?district=: per
// enclave of the viewer's districts (by home district) its projects and those
// come home, with the totals. Managers (their districts) and admins.
func (s *Server) enclaveProjectsSummary(c *gin.Context) error {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return profile.Forbidden("the enclave projects view is for district managers and admins", "飞地项目视图仅向区县管理员和系统管理员开放")
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return err
	}
	if u.Role == profile.RoleManager && district != "" && !u.InDistrict(district) {
		return profile.Forbidden("managers see their own districts only", "区县管理员只能查看本辖区")
	}
	rs, err := s.enclaveReports(c, func(p *profile.Profile) bool {
		h := auth.ProfileDistrict(p)
		switch {
		case district != "":
			return h == district || p.HomeDistrict == district
		case u.Role == profile.RoleManager:
			return u.InDistrict(h) || u.InDistrict(p.HomeDistrict)
		}
		return true
	})
	if err != nil {
		return err
	}
	out := enclaveSummary{District: district, Enclaves: rs}
	for _, r := range rs {
		out.Projects += r.Projects
		out.Landed += r.Landed
		out.LandedHome += r.LandedHome
	}
	if out.Projects > 0 {
		x := float64(out.LandedHome) / float64(out.Projects)
		out.HomeShare = &x
	}
	c.JSON(http.StatusOK, out)
	return nil
}
