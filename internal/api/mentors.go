package api

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
)

// serviceRequest is the body of POST /mentors/{id}/services.
type serviceRequest struct {
	StartupID string `json:"startup_id"`
	Date      string `json:"date"`
	Kind      string `json:"kind"`
	Note      string `json:"note"`
}

// addService answers POST /api/v1/mentors/{id}/services {startup_id, date, kind,
// note}: logs one session of the mentor with a startup, for the mentor's owner,
// admins, and the managers of the mentor's or the startup's district.
func (s *Server) addService(c *gin.Context) error {
	m, err := s.loadProfile(c, profile.Mentor)
	if err != nil {
		return err
	}
	if s.Records == nil {
		return &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable", EN: "the service log is not available", ZH: "导师服务记录暂不可用"}
	}
	var req serviceRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	sv, err := mentor.New(m.ID, req.StartupID, req.Date, req.Kind, req.Note, u.ID, s.Now())
	if err != nil {
		return err
	}
	notStartup := profile.Invalid("startup_id", "unknown_startup", fmt.Sprintf("%q is not the id of a startup", req.StartupID),
		fmt.Sprintf("%q 不是企业资料的 ID", req.StartupID))
	if !validID(req.StartupID) {
		return notStartup
	}
	st, err := s.Store.GetProfile(c.Request.Context(), req.StartupID)
	if err != nil {
		if _, ok := profile.AsError(err); ok {
			return notStartup
		}
		return err
	}
	if st.Kind != profile.Startup || st.Archived {
		return notStartup
	}
	if !auth.CanLogService(u, m, st) {
		return profile.Forbidden("only the mentor, a manager of the mentor's or the startup's district, or an admin may log a session",
			"只有导师本人、导师或企业所在区县管理员、系统管理员可以记录导师服务")
	}
	if err := s.Records.AddService(c.Request.Context(), &sv); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, sv)
	return nil
}

// listServices answers GET /api/v1/mentors/{id}/services?year=: the mentor's
// sessions of the year (logged, and the mentoring and meeting outcomes of its
// accepted introductions), how many count (with in-incubation firms), how many
// the rule requires, and whether the mentor complies.
func (s *Server) listServices(c *gin.Context) error {
	m, err := s.loadProfile(c, profile.Mentor)
	if err != nil {
		return err
	}
	if !auth.CanSeeServices(currentUser(c), m) {
		return profile.Forbidden("only the mentor, the managers of its district or an admin may see its service log",
			"只有导师本人、所在区县管理员或系统管理员可以查看导师服务记录")
	}
	year, err := s.queryYear(c)
	if err != nil {
		return err
	}
	d, err := s.evaluationData(c.Request.Context(), year)
	if err != nil {
		return err
	}
	startups := startupMap(d.Startups)
	var own []mentor.Service
	for _, sv := range d.Services {
		if sv.MentorID == m.ID {
			own = append(own, sv)
		}
	}
	c.JSON(http.StatusOK, mentor.Check(m.ID, year, own, d.Intros, startups))
	return nil
}

func startupMap(ps []profile.Profile) map[string]*profile.Profile {
	out := make(map[string]*profile.Profile, len(ps))
	for i := range ps {
		out[ps[i].ID] = &ps[i]
	}
	return out
}

// poolMentor is one pool member's year.
type poolMentor struct {
	ID           string                `json:"id"`
	Name         string                `json:"name"`
	District     string                `json:"district"`
	PoolStatus   string                `json:"pool_status"`
	Appointments []profile.Appointment `json:"appointments"`
	Count        int                   `json:"count"`
	Required     int                   `json:"required"`
	Compliant    bool                  `json:"compliant"`
}

// unmentored is an incubating startup with no mentor in the year.
type unmentored struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	District  string `json:"district"`
	CarrierID string `json:"carrier_id"`
}

// poolResponse is the manager's view of the mentor pool for a year.
type poolResponse struct {
	Year     int          `json:"year"`
	District string       `json:"district"`
	Required int          `json:"required"`
	RuleZH   string       `json:"rule_zh"`
	RuleEN   string       `json:"rule_en"`
	Mentors  []poolMentor `json:"mentors"`
	// Below names the mentors short of the rule; Unmentored the startups
	// incubating in the year with neither an accepted mentoring introduction
	// nor a logged session.
	Below      []string     `json:"below"`
	Unmentored []unmentored `json:"unmentored"`
}

// mentorPool answers GET /api/v1/mentor-pool?year=&district=: for managers
// (their districts) and admins, every pool member's sessions against the
// twice-a-year rule, those below it, and the startups without a mentor.
func (s *Server) mentorPool(c *gin.Context) error {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return profile.Forbidden("the mentor pool view is for district managers and admins", "导师库视图仅向区县管理员和系统管理员开放")
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
	inScope := func(d string) bool {
		switch {
		case district != "":
			return d == district
		case u.Role == profile.RoleManager:
			return u.InDistrict(d)
		}
		return true
	}
	d, err := s.evaluationData(c.Request.Context(), year)
	if err != nil {
		return err
	}
	carrierDistrict := map[string]string{}
	for _, cr := range d.Carriers {
		carrierDistrict[cr.ID] = cr.District
	}
	startups := startupMap(d.Startups)
	out := poolResponse{Year: year, District: district, Required: mentor.Required,
		RuleZH: "每名创业导师每年至少指导服务在孵企业 2 次", RuleEN: "each mentor serves in-incubation firms at least twice a year",
		Mentors: []poolMentor{}, Below: []string{}, Unmentored: []unmentored{}}
	for i := range d.Mentors {
		m := &d.Mentors[i]
		if !mentor.InPool(m, year) {
			continue
		}
		// A mentor belongs to a district's pool by its own district or by an
		// appointment at one of the district's carriers.
		scoped := inScope(m.District)
		for _, a := range m.Appointments {
			scoped = scoped || (a.ActiveIn(year) && inScope(carrierDistrict[a.CarrierID]))
		}
		if !scoped {
			continue
		}
		ck := mentor.Check(m.ID, year, d.Services, d.Intros, startups)
		out.Mentors = append(out.Mentors, poolMentor{ID: m.ID, Name: m.Name, District: m.District, PoolStatus: m.PoolStatus,
			Appointments: append([]profile.Appointment{}, m.Appointments...), Count: ck.Count, Required: ck.Required, Compliant: ck.Compliant})
		if !ck.Compliant {
			out.Below = append(out.Below, m.ID)
		}
	}
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	mentored := map[string]bool{}
	for _, sv := range d.Services {
		mentored[sv.StartupID] = true
	}
	for _, in := range d.Intros {
		if in.MentorID != "" {
			mentored[in.From.ID], mentored[in.To.ID] = true, true
		}
	}
	for i := range d.Startups {
		st := &d.Startups[i]
		if st.Archived || !inScope(st.District) || mentored[st.ID] {
			continue
		}
		if mentor.IncubatingOn(st, last) || (st.GraduatedOn >= first && mentor.IncubatingOn(st, st.GraduatedOn)) {
			out.Unmentored = append(out.Unmentored, unmentored{st.ID, st.Name, st.District, st.CarrierID})
		}
	}
	slices.SortFunc(out.Unmentored, func(a, b unmentored) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	c.JSON(http.StatusOK, out)
	return nil
}
