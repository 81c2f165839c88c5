package api

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/profile"
	"fuhua/internal/sheet"
)

// rosterRoutes adds the district manager's roster (issue 10, part 5).
func (s *Server) rosterRoutes(in *gin.RouterGroup) {
	in.GET("/roster", s.handle(s.roster))
	in.GET("/roster/export", s.handle(s.rosterExport))
}

// rosterItem is one profile on the roster: what a list row shows.
type rosterItem struct {
	ID        string       `json:"id"`
	Kind      profile.Kind `json:"kind"`
	Name      string       `json:"name"`
	District  string       `json:"district"`
	Chains    []string     `json:"chains"`
	Segments  []string     `json:"segments"`
	Stage     string       `json:"stage,omitempty"`
	Stages    []string     `json:"stages,omitempty"`
	Type      string       `json:"type,omitempty"`
	Status    string       `json:"status,omitempty"`
	Version   int64        `json:"version"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// rosterResponse is one page of the roster, with the total under the filters and
// the count of each kind under the other filters (for the kind tabs).
type rosterResponse struct {
	Items     []rosterItem   `json:"items"`
	Total     int            `json:"total"`
	Offset    int            `json:"offset"`
	Limit     int            `json:"limit"`
	Kinds     map[string]int `json:"kinds"`
	Districts []string       `json:"districts"`
}

// rosterFilter is what the roster's query asks for.
type rosterFilter struct {
	kind                     profile.Kind
	chain, segment, stage, q string
	districts                []string // the districts shown: the one asked for, or all the viewer's (nil: every one, for admins)
}

// Roster paging bounds.
const (
	rosterDefaultLimit = 50
	rosterMaxLimit     = 200
)

var rosterKinds = profile.NewCodeSet("kind", "startup", "企业", "mentor", "导师", "investor", "投资机构", "carrier", "孵化载体",
	"enclave", "科创飞地", "provider", "服务机构")

// rosterQuery reads the roster's filters: kind, chain, segment, stage, district
// (a manager's own only), q (words in the name, summary, tags or credit code).
func (s *Server) rosterQuery(c *gin.Context) (rosterFilter, error) {
	u := currentUser(c)
	var f rosterFilter
	if u.Role != profile.RoleManager && u.Role != profile.RoleAdmin {
		return f, profile.Forbidden("the roster is for district managers and admins", "资料名册仅向区县管理员和系统管理员开放")
	}
	kind, err := queryCode(c, "kind", rosterKinds)
	if err != nil {
		return f, err
	}
	f.kind = profile.Kind(kind)
	if f.chain, err = queryCode(c, "chain", s.Catalog.Chains); err != nil {
		return f, err
	}
	if f.segment, err = queryOne(c, "segment"); err != nil {
		return f, err
	}
	if f.segment != "" && !s.Catalog.Segments.Has(f.segment) {
		return f, profile.Invalid("segment", "unknown_code", "segment is not a segment of the chain map; GET /api/v1/chains lists them",
			"产业链环节不在产业图谱中，可选的环节见产业图谱")
	}
	if f.stage, err = queryCode(c, "stage", profile.Stages); err != nil {
		return f, err
	}
	district, err := queryCode(c, "district", s.Catalog.Districts)
	if err != nil {
		return f, err
	}
	switch {
	case district != "" && u.Role == profile.RoleManager && !u.InDistrict(district):
		return f, profile.Forbidden("managers see the roster of their own districts only", "区县管理员只能查看本辖区的资料名册")
	case district != "":
		f.districts = []string{district}
	case u.Role == profile.RoleManager:
		f.districts = append([]string{}, u.Districts...)
		if len(f.districts) == 0 {
			f.districts = []string{} // a manager of no district sees nothing
		}
	}
	if f.q, err = queryOne(c, "q"); err != nil {
		return f, err
	}
	f.q = strings.ToLower(strings.TrimSpace(f.q))
	return f, nil
}

// rosterMatch reports whether p is on the roster under f, ignoring the kind when
// anyKind is set (for the per-kind counts).
func (s *Server) rosterMatch(f rosterFilter, p *profile.Profile, anyKind bool) bool {
	if p.Archived || (!anyKind && f.kind != "" && p.Kind != f.kind) {
		return false
	}
	if f.districts != nil && !slices.Contains(f.districts, auth.ProfileDistrict(p)) {
		return false
	}
	if f.chain != "" && !slices.Contains(p.Chains, f.chain) {
		return false
	}
	if f.stage != "" && p.Stage != f.stage && !slices.Contains(p.Stages, f.stage) {
		return false
	}
	if f.q != "" {
		hay := strings.ToLower(strings.Join([]string{p.Name, p.Summary, strings.Join(p.Tags, " "), p.CreditCode}, "\n"))
		for _, w := range strings.Fields(f.q) {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	if f.segment != "" && !slices.Contains(p.Segments, f.segment) {
		// Segments read from the text count as the search and the chain map count them.
		if !s.lex.Read(p).Segments.Has(f.segment) {
			return false
		}
	}
	return true
}

// rosterProfiles returns every profile on the roster under f, by kind then name,
// and the count of each kind under the other filters.
func (s *Server) rosterProfiles(c *gin.Context, f rosterFilter) ([]*profile.Profile, map[string]int, error) {
	kinds := map[string]int{}
	for _, k := range profile.Kinds {
		kinds[string(k)] = 0
	}
	var ps []*profile.Profile
	err := s.Store.EachProfile(c.Request.Context(), func(p *profile.Profile) error {
		if !s.rosterMatch(f, p, true) {
			return nil
		}
		kinds[string(p.Kind)]++
		if f.kind == "" || p.Kind == f.kind {
			q := *p
			ps = append(ps, &q)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	order := map[profile.Kind]int{}
	for i, k := range profile.Kinds {
		order[k] = i
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Kind != b.Kind {
			return order[a.Kind] < order[b.Kind]
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	return ps, kinds, nil
}

// roster answers GET /api/v1/roster?kind=&chain=&segment=&stage=&district=&q=&limit=&offset=:
// for managers the profiles of every kind in their districts (admins: every
// district), filtered, a page at a time.
func (s *Server) roster(c *gin.Context) error {
	f, err := s.rosterQuery(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, rosterDefaultLimit, rosterMaxLimit)
	if err != nil {
		return err
	}
	offset := 0
	if v, err := queryOne(c, "offset"); err != nil {
		return err
	} else if v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 || offset > 1_000_000 {
			return profile.Invalid("offset", "out_of_range", "offset must be a whole number from 0", "offset（起始位置）须为不小于 0 的整数")
		}
	}
	ps, kinds, err := s.rosterProfiles(c, f)
	if err != nil {
		return err
	}
	out := rosterResponse{Items: []rosterItem{}, Total: len(ps), Offset: offset, Limit: limit, Kinds: kinds, Districts: f.districts}
	if out.Districts == nil {
		out.Districts = []string{}
	}
	for _, p := range ps[min(offset, len(ps)):min(offset+limit, len(ps))] {
		out.Items = append(out.Items, rosterItem{ID: p.ID, Kind: p.Kind, Name: p.Name, District: auth.ProfileDistrict(p),
			Chains: nonNil(p.Chains), Segments: nonNil(p.Segments), Stage: p.Stage, Stages: p.Stages, Type: p.Type, Status: p.Status,
			Version: p.Version, UpdatedAt: p.UpdatedAt})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// rosterExport answers GET /api/v1/roster/export with the roster's filters: every
// profile the roster shows (not only the page), as an .xlsx in the import layout —
// one sheet per kind — with contacts, which a manager may see in their districts.
func (s *Server) rosterExport(c *gin.Context) error {
	f, err := s.rosterQuery(c)
	if err != nil {
		return err
	}
	ps, _, err := s.rosterProfiles(c, f)
	if err != nil {
		return err
	}
	if len(ps) > maxExport {
		return profile.Invalid("", "too_many_rows", fmt.Sprintf("more than %d profiles match; narrow the filters", maxExport),
			fmt.Sprintf("符合条件的资料超过 %d 条，请缩小筛选范围", maxExport))
	}
	groups := map[profile.Kind][]sheet.Item{}
	for _, p := range ps {
		see, err := s.canSeeContact(c, p)
		if err != nil {
			return err
		}
		groups[p.Kind] = append(groups[p.Kind], sheet.Item{Profile: p, WithContact: see})
	}
	var kinds []profile.Kind
	for _, k := range profile.Kinds {
		if len(groups[k]) > 0 || k == f.kind || (f.kind == "" && len(ps) == 0 && k == profile.Startup) {
			kinds = append(kinds, k)
		}
	}
	b, err := sheet.ProfileSheets(kinds, groups)
	if err != nil {
		return err
	}
	name := "roster.xlsx"
	if f.kind != "" {
		name = "roster-" + f.kind.Path() + ".xlsx"
	}
	attachment(c, name, b)
	return nil
}
