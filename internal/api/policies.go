package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/policy"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
	"fuhua/seed"
)

// policyRoutes adds policy matching (政策匹配, issue 13).
func (s *Server) policyRoutes(in *gin.RouterGroup) {
	in.GET("/policies", s.handle(s.listPolicies))
	in.GET("/policies/:code/firms", s.handle(s.policyFirms))
	in.GET("/policies/:code/firms/export", s.handle(s.exportPolicyFirms))
	in.POST("/policies/:code/push", s.handle(s.pushPolicy))
	for _, k := range []profile.Kind{profile.Startup, profile.Carrier, profile.Enclave} {
		in.GET("/"+k.Path()+"/:id/policies", s.handle(s.profilePolicies(k)))
	}
}

// policyCatalogue is the catalogue for one year.
type policyCatalogue struct {
	Year  int                 `json:"year"`
	Items []*policy.Programme `json:"items"`
}

// listPolicies answers GET /api/v1/policies?year=: the programmes in force that
// year, each with its conditions, source and the date the source was read.
func (s *Server) listPolicies(c *gin.Context) error {
	year, err := s.queryYear(c)
	if err != nil {
		return err
	}
	items := seed.Policies().For(year)
	if items == nil {
		items = []*policy.Programme{}
	}
	c.JSON(http.StatusOK, policyCatalogue{Year: year, Items: items})
	return nil
}

// policyDate is the day a year's programmes are evaluated on: today in China for
// this year, 31 December for another.
func (s *Server) policyDate(year int) policy.Date {
	now := s.Now().In(chinaTime)
	if now.Year() == year {
		return policy.Date{Time: time.Date(year, now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)}
	}
	return policy.YearEnd(year)
}

// policyItem is one programme's result for one profile, with the providers in
// fuhua whose services close its gaps.
type policyItem struct {
	policy.Result
	Providers []serviceProviders `json:"providers,omitempty"`
}

// serviceProviders is one kind of service a gap needs and the providers offering it.
type serviceProviders struct {
	Type       string        `json:"type"`
	ZH         string        `json:"zh"`
	Candidates []providerRef `json:"candidates"`
}

// profilePolicies is the response of GET /{path}/{id}/policies.
type profilePolicies struct {
	ID    string       `json:"id"`
	Kind  profile.Kind `json:"kind"`
	Name  string       `json:"name"`
	Year  int          `json:"year"`
	On    string       `json:"on"`
	Items []policyItem `json:"items"`
}

// profilePolicies answers GET /api/v1/startups/{id}/policies?year= (and
// /carriers/{id}/policies, /enclaves/{id}/policies): every programme in force that
// year for the profile's kind, each condition met, unmet or unknown with what the
// profile has and needs, and for the gaps the providers who can close them. Those
// who may edit the profile see it (its owner, the managers of its district, admins),
// as for the tech-SME assessment: the figures are the firm's own.
func (s *Server) profilePolicies(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		p, err := s.loadProfile(c, k)
		if err != nil {
			return err
		}
		if !auth.CanEdit(currentUser(c), p) {
			return profile.Forbidden("only the profile's owner, a manager of its district or an admin may see its policy matches",
				"只有资料所有者、所在区县管理员或系统管理员可以查看政策匹配结果")
		}
		year, err := s.queryYear(c)
		if err != nil {
			return err
		}
		on := s.policyDate(year)
		out := profilePolicies{ID: p.ID, Kind: p.Kind, Name: p.Name, Year: year, On: on.Format(time.DateOnly), Items: []policyItem{}}
		var near func([]string) []providerRef
		for _, g := range seed.Policies().For(year) {
			if g.AppliesTo != k {
				continue
			}
			r := policy.Evaluate(g, p, on)
			item := policyItem{Result: r}
			if types := r.Providers(); len(types) > 0 && r.Status != policy.Eligible {
				if near == nil {
					if near, err = s.nearestProviders(c.Request.Context(), p); err != nil {
						return err
					}
				}
				for _, t := range types {
					item.Providers = append(item.Providers, serviceProviders{Type: t, ZH: profile.ProviderTypes.ZH(t), Candidates: near([]string{t})})
				}
			}
			out.Items = append(out.Items, item)
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// nearestProviders loads the live providers once and returns a function that
// picks, for provider types, up to maxCandidates of them nearest p first: p's own
// district, then the city's other districts in the plan's order, then bodies
// outside the city; by name within each.
func (s *Server) nearestProviders(ctx context.Context, p *profile.Profile) (func([]string) []providerRef, error) {
	var providers []profile.Profile
	err := s.Store.EachOfKind(ctx, profile.Provider, func(q *profile.Profile) error {
		providers = append(providers, *q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	order := districtOrder()
	home := auth.ProfileDistrict(p)
	rank := func(q *profile.Profile) int {
		switch {
		case q.District == home && home != "":
			return -1
		case q.District == "":
			return len(order)
		}
		return order[q.District]
	}
	slices.SortStableFunc(providers, func(a, b profile.Profile) int {
		if ra, rb := rank(&a), rank(&b); ra != rb {
			return ra - rb
		}
		if a.Name != b.Name {
			if a.Name < b.Name {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return func(types []string) []providerRef {
		out := []providerRef{}
		for i := range providers {
			q := &providers[i]
			if len(out) == maxCandidates {
				break
			}
			if serves(q, types) {
				out = append(out, providerRef{ID: q.ID, Name: q.Name, Type: q.Type, District: q.District,
					Services: append([]string{}, q.Services...)})
			}
		}
		return out
	}, nil
}

// policyFirm is one firm on a programme's list: its status and the conditions it
// does not (yet) meet.
type policyFirm struct {
	ID        string           `json:"id"`
	Kind      profile.Kind     `json:"kind"`
	Name      string           `json:"name"`
	District  string           `json:"district"`
	Status    policy.Status    `json:"status"`
	Gaps      []policy.Outcome `json:"gaps"`
	Providers []string         `json:"providers"`
}

// policyFirmList is the response of GET /policies/{code}/firms.
type policyFirmList struct {
	Code       string         `json:"code"`
	ZH         string         `json:"zh"`
	EN         string         `json:"en"`
	Version    string         `json:"version"`
	Year       int            `json:"year"`
	Statuses   []string       `json:"statuses"`
	Counts     map[string]int `json:"counts"`
	Items      []policyFirm   `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

// firmsQuery is what a programme's firm list is filtered by.
type firmsQuery struct {
	programme *policy.Programme
	year      int
	on        policy.Date
	district  string
	statuses  []policy.Status
}

// policyFirmsQuery reads the programme, year, district and status of a firm list,
// for managers (their own districts) and admins.
func (s *Server) policyFirmsQuery(c *gin.Context) (firmsQuery, error) {
	u := currentUser(c)
	if u.Role != profile.RoleAdmin && u.Role != profile.RoleManager {
		return firmsQuery{}, profile.Forbidden("programme firm lists are for district managers and admins", "政策企业清单仅向区县管理员和系统管理员开放")
	}
	var q firmsQuery
	var err error
	if q.year, err = s.queryYear(c); err != nil {
		return q, err
	}
	code := c.Param("code")
	cat := seed.Policies()
	g, ok := cat.Get(code, q.year)
	if !ok {
		if cat.Has(code) {
			return q, profile.Invalid("year", "not_in_force", fmt.Sprintf("programme %q is not in force in %d", code, q.year),
				fmt.Sprintf("政策 %q 在 %d 年不适用", code, q.year))
		}
		return q, &profile.Error{Kind: profile.ErrNotFound, Code: "not_found", Field: "code",
			EN: fmt.Sprintf("there is no programme %q; see GET /api/v1/policies", code), ZH: fmt.Sprintf("没有代码为 %q 的政策，请查看政策目录", code)}
	}
	q.programme, q.on = g, s.policyDate(q.year)
	if q.district, err = queryCode(c, "district", s.Catalog.Districts); err != nil {
		return q, err
	}
	if u.Role == profile.RoleManager && q.district != "" && !u.InDistrict(q.district) {
		return q, profile.Forbidden("managers see the firms of their own districts only", "区县管理员只能查看本辖区的企业")
	}
	status, err := queryOne(c, "status")
	if err != nil {
		return q, err
	}
	switch st := policy.Status(status); {
	case status == "":
		q.statuses = []policy.Status{policy.Eligible, policy.Close}
	case st.Valid():
		q.statuses = []policy.Status{st}
	default:
		return q, profile.Invalid("status", "unknown_code", fmt.Sprintf("status %q is not one of eligible, close, unknown, not_eligible", status),
			fmt.Sprintf("status %q 无效；可选值：eligible（符合）、close（接近）、unknown（待核实）、not_eligible（不符合）", status))
	}
	return q, nil
}

// firms evaluates the programme on every live profile of its kind the viewer
// oversees (in the district asked for), and returns those in the statuses asked
// for in id order, with the count of each status among them all.
func (s *Server) firms(c *gin.Context, q firmsQuery) ([]sheet.PolicyRow, map[string]int, error) {
	u := currentUser(c)
	counts := map[string]int{}
	for _, st := range policy.Statuses() {
		counts[string(st)] = 0
	}
	var rows []sheet.PolicyRow
	// One pass over the kind: the embedded backend scans for any filter but _id.
	err := s.Store.EachOfKind(c.Request.Context(), q.programme.AppliesTo, func(p *profile.Profile) error {
		d := auth.ProfileDistrict(p)
		if (q.district != "" && d != q.district) || !auth.Oversees(u, p) {
			return nil
		}
		r := policy.Evaluate(q.programme, p, q.on)
		counts[string(r.Status)]++
		if slices.Contains(q.statuses, r.Status) {
			rows = append(rows, sheet.PolicyRow{ID: p.ID, Name: p.Name, District: d, Result: r, Owner: p.OwnerID})
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	return rows, counts, nil
}

// policyFirms answers GET /api/v1/policies/{code}/firms?status=&district=&year=&limit=&cursor=:
// for a manager (their districts) or an admin, the firms in that status for the
// programme — by default those eligible now and those close to it — so the office
// can push the programme to them (免申即享), with the gaps of each.
func (s *Server) policyFirms(c *gin.Context) error {
	q, err := s.policyFirmsQuery(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 50, 200)
	if err != nil {
		return err
	}
	cursor, err := queryOne(c, "cursor")
	if err != nil {
		return err
	}
	if cursor != "" && !validID(cursor) {
		return profile.Invalid("cursor", "invalid_cursor", "cursor is not one this API gave out", "cursor 无效")
	}
	rows, counts, err := s.firms(c, q)
	if err != nil {
		return err
	}
	g := q.programme
	out := policyFirmList{Code: g.Code, ZH: g.ZH, EN: g.EN, Version: g.Version, Year: q.year, Counts: counts, Items: []policyFirm{}}
	for _, st := range q.statuses {
		out.Statuses = append(out.Statuses, string(st))
	}
	start := sort.Search(len(rows), func(i int) bool { return rows[i].ID > cursor })
	for _, r := range rows[start:] {
		if len(out.Items) == limit {
			out.NextCursor = out.Items[len(out.Items)-1].ID
			break
		}
		f := policyFirm{ID: r.ID, Kind: g.AppliesTo, Name: r.Name, District: r.District, Status: r.Result.Status,
			Gaps: []policy.Outcome{}, Providers: append([]string{}, r.Result.Providers()...)}
		for _, o := range r.Result.Conditions {
			if !o.IsMet() {
				f.Gaps = append(f.Gaps, o)
			}
		}
		out.Items = append(out.Items, f)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// exportPolicyFirms answers GET /api/v1/policies/{code}/firms/export?status=&district=&year=:
// the same list as GET /policies/{code}/firms, unpaged, as an .xlsx workbook.
func (s *Server) exportPolicyFirms(c *gin.Context) error {
	q, err := s.policyFirmsQuery(c)
	if err != nil {
		return err
	}
	rows, _, err := s.firms(c, q)
	if err != nil {
		return err
	}
	if len(rows) > maxExport {
		return profile.Invalid("", "too_many_rows", fmt.Sprintf("more than %d firms match; narrow the filters", maxExport),
			fmt.Sprintf("符合条件的企业超过 %d 家，请缩小筛选范围", maxExport))
	}
	b, err := sheet.PolicyFirms(q.programme, q.year, rows)
	if err != nil {
		return err
	}
	attachment(c, fmt.Sprintf("%s-%d.xlsx", q.programme.Code, q.year), b)
	return nil
}
