package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"fuhua/internal/auth"
	"fuhua/internal/intro"
	"fuhua/internal/match"
	"fuhua/internal/profile"
	"fuhua/internal/rounds"
)

// Rounds stores brokered rounds (see internal/rounds) and what publishing one
// needs from the introductions.
type Rounds interface {
	CreateRound(ctx context.Context, r *rounds.Round) error
	GetRound(ctx context.Context, id string) (*rounds.Round, error)
	SaveRound(ctx context.Context, next *rounds.Round, expect int64) error
	ListRounds(ctx context.Context, ownerID string) ([]rounds.Round, error)
	IntroducedPairs(ctx context.Context) ([][2]string, error)
	CreateRoundIntro(ctx context.Context, in *intro.Introduction, ev intro.Event) (bool, error)
}

// roundTargets are the kinds a round may bring startups together with.
var roundTargets = profile.NewCodeSet("target", "mentor", "导师", "investor", "投资机构", "carrier", "孵化载体", "provider", "服务机构")

// defaultSlots is a counterpart's slots when the request gives none for it.
const defaultSlots = 3

// roundRoutes adds the brokered-round routes to g (an authenticated group).
func (s *Server) roundRoutes(g *gin.RouterGroup) {
	g.POST("/rounds", s.handle(s.createRound))
	g.GET("/rounds", s.handle(s.listRounds))
	g.GET("/rounds/:id", s.handle(s.getRound))
	g.PATCH("/rounds/:id", s.handle(s.patchRound))
	g.POST("/rounds/:id/publish", s.handle(s.publishRound))
}

type roundFilter struct {
	Chain    string `json:"chain"`
	District string `json:"district"`
	Stage    string `json:"stage"`
}

type createRoundRequest struct {
	Name               string          `json:"name"`
	Target             string          `json:"target"`
	StartupIDs         []string        `json:"startup_ids"`
	Filter             *roundFilter    `json:"filter"`
	CounterpartIDs     []string        `json:"counterpart_ids"`
	CounterpartFilter  *roundFilter    `json:"counterpart_filter"`
	Slots              json.RawMessage `json:"slots"`
	MeetingsPerStartup *int            `json:"meetings_per_startup"`
	Meetings           map[string]int  `json:"meetings"`
	Avoid              [][]string      `json:"avoid"`
	MaxShare           *float64        `json:"max_share"`
}

type pairRef struct {
	StartupID     string `json:"startup_id"`
	CounterpartID string `json:"counterpart_id"`
}

type patchRoundRequest struct {
	Remove  []pairRef `json:"remove"`
	Add     []pairRef `json:"add"`
	Version *int64    `json:"version"`
}

type pairView struct {
	StartupID       string         `json:"startup_id"`
	StartupName     string         `json:"startup_name"`
	CounterpartID   string         `json:"counterpart_id"`
	CounterpartName string         `json:"counterpart_name"`
	Score           int            `json:"score"`
	Reasons         []match.Reason `json:"reasons"`
}

type unassignedView struct {
	ID   string       `json:"id"`
	Name string       `json:"name"`
	Kind profile.Kind `json:"kind"`
	rounds.Unassigned
}

type counterpartView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Slots    int    `json:"slots"`
	Cap      int    `json:"cap"`
	Assigned int    `json:"assigned"`
}

type roundView struct {
	*rounds.Round
	Pairs        []pairView        `json:"pairs"`
	Unassigned   []unassignedView  `json:"unassigned"`
	Counterparts []counterpartView `json:"counterparts"`
	Startups     int               `json:"startups"`
}

func (s *Server) roundStore() (Rounds, error) {
	if s.Rounds == nil {
		return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable",
			EN: "brokered rounds are not available on this server", ZH: "此服务器未启用批量对接功能"}
	}
	return s.Rounds, nil
}

// mayRunRounds refuses everyone but managers and admins.
func mayRunRounds(u *profile.User) error {
	if u == nil || (u.Role != profile.RoleManager && u.Role != profile.RoleAdmin) {
		return profile.Forbidden("only district managers and admins run brokered rounds", "只有区县管理员和系统管理员可以组织批量对接")
	}
	return nil
}

// createRound answers POST /api/v1/rounds: it picks the startups and
// counterparts, scores every pair with the matching, assigns the round for the
// greatest total score and stores it as a draft.
func (s *Server) createRound(c *gin.Context) error {
	st, err := s.roundStore()
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := mayRunRounds(u); err != nil {
		return err
	}
	var req createRoundRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request.Context()
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || utf8.RuneCountInString(req.Name) > 100 || !utf8.ValidString(req.Name) {
		return profile.Invalid("name", "invalid_name", "name is required, at most 100 characters", "name 为必填项，最多 100 个字符")
	}
	if !roundTargets.Has(req.Target) {
		return profile.Invalid("target", "unknown_code", "target must be one of: "+roundTargets.List(), "target 须为："+roundTargets.List())
	}
	target := profile.Kind(req.Target)
	startups, err := s.pickProfiles(ctx, u, profile.Startup, "startup_ids", "filter", req.StartupIDs, req.Filter, rounds.MaxStartups)
	if err != nil {
		return err
	}
	cps, err := s.pickProfiles(ctx, u, target, "counterpart_ids", "counterpart_filter", req.CounterpartIDs, req.CounterpartFilter, rounds.MaxCounterparts)
	if err != nil {
		return err
	}
	in := rounds.Input{}
	meetings := 1
	if req.MeetingsPerStartup != nil {
		meetings = *req.MeetingsPerStartup
	}
	for id, n := range req.Meetings {
		if !slices.ContainsFunc(startups, func(p *profile.Profile) bool { return p.ID == id }) {
			return profile.Invalid("meetings."+id, "not_in_round", "meetings names a startup that is not in the round", "meetings 中的企业不在本轮中")
		}
		if n < 1 || n > rounds.MaxMeetings {
			return profile.Invalid("meetings."+id, "out_of_range", fmt.Sprintf("meetings must be 1 to %d", rounds.MaxMeetings), fmt.Sprintf("对接场次须为 1 到 %d", rounds.MaxMeetings))
		}
	}
	for _, p := range startups {
		m := meetings
		if n, ok := req.Meetings[p.ID]; ok {
			m = n
		}
		in.Startups = append(in.Startups, rounds.Startup{ID: p.ID, Meetings: m})
	}
	slots, err := parseSlots(req.Slots, cps)
	if err != nil {
		return err
	}
	env := match.Env{Lex: s.lex, Accepted: map[string]int{}}
	if target == profile.Mentor && s.Accepted != nil {
		ids := make([]string, len(cps))
		for i, p := range cps {
			ids[i] = p.ID
		}
		if env.Accepted, err = s.Accepted.AcceptedMentoring(ctx, ids); err != nil {
			return err
		}
	}
	for _, p := range cps {
		free := -1
		if p.Kind == profile.Mentor {
			free = env.FreeCapacity(p)
		}
		in.Counterparts = append(in.Counterparts, rounds.Counterpart{ID: p.ID, Slots: slots[p.ID], Free: free})
	}
	inRound := map[string]bool{}   // every id of the round
	isStartup := map[string]bool{} // the startups'
	for _, p := range startups {
		inRound[p.ID], isStartup[p.ID] = true, true
	}
	for _, p := range cps {
		inRound[p.ID] = true
	}
	avoid := []rounds.IDPair{}
	for i, a := range req.Avoid {
		field := fmt.Sprintf("avoid[%d]", i)
		if len(a) != 2 || !inRound[a[0]] || !inRound[a[1]] || isStartup[a[0]] == isStartup[a[1]] {
			return profile.Invalid(field, "unknown_pair", field+" must be two ids of this round, a startup and a counterpart",
				field+" 须为本轮中一家企业和一个对象的 ID")
		}
		if !isStartup[a[0]] {
			a = []string{a[1], a[0]}
		}
		avoid = append(avoid, rounds.IDPair{S: a[0], C: a[1]})
	}
	in.Avoid = rounds.Pairs(avoid)
	if req.MaxShare != nil {
		in.MaxShare = *req.MaxShare
	}
	if err := rounds.Validate(in); err != nil {
		return err
	}
	introduced, err := st.IntroducedPairs(ctx)
	if err != nil {
		return err
	}
	introducedHere := []rounds.IDPair{}
	for _, p := range introduced {
		if !isStartup[p[0]] {
			p[0], p[1] = p[1], p[0]
		}
		if isStartup[p[0]] && inRound[p[1]] && !isStartup[p[1]] {
			introducedHere = append(introducedHere, rounds.IDPair{S: p[0], C: p[1]})
		}
	}
	in.Introduced = rounds.Pairs(introducedHere)
	score, err := scoreMatrix(ctx, startups, cps, env)
	if err != nil {
		return err
	}
	in.Score = score.at
	in.Reasons = score.reasons
	res := rounds.Assign(in)

	now := s.Now().UTC()
	r := &rounds.Round{Name: req.Name, Target: target, OwnerID: u.ID, State: rounds.Draft, MaxShare: in.MaxShare,
		Meetings: meetings, Names: map[string]string{}, Startups: res.Startups, Counterparts: res.Counterparts,
		Avoid: avoid, Introduced: introducedHere, Removed: []rounds.IDPair{}, Pairs: res.Pairs,
		Total: res.Total, Mean: res.Mean, GreedyTotal: res.GreedyTotal, GreedyMean: res.GreedyMean, GreedyPairs: res.GreedyPairs,
		Outcomes: []rounds.Outcome{}, CreatedAt: now}
	for _, p := range append(startups, cps...) {
		r.Names[p.ID] = p.Name
	}
	if err := st.CreateRound(ctx, r); err != nil {
		return err
	}
	c.Header("Location", "/api/v1/rounds/"+r.ID)
	return s.renderRound(c, http.StatusCreated, r)
}

// parseSlots reads slots: absent (defaultSlots each), a number for every
// counterpart, or an object of id → slots (the rest defaultSlots).
func parseSlots(raw json.RawMessage, cps []*profile.Profile) (map[string]int, error) {
	out := make(map[string]int, len(cps))
	def := defaultSlots
	raw = bytes.TrimSpace(raw)
	bad := profile.Invalid("slots", "wrong_type", fmt.Sprintf("slots must be a whole number from 1 to %d, or an object of counterpart id → slots", rounds.MaxSlots),
		fmt.Sprintf("slots 须为 1 到 %d 的整数，或“对象 ID → 名额”的对象", rounds.MaxSlots))
	var each map[string]int
	switch {
	case len(raw) == 0 || string(raw) == "null":
	case raw[0] == '{':
		if err := json.Unmarshal(raw, &each); err != nil {
			return nil, bad
		}
	default:
		if err := json.Unmarshal(raw, &def); err != nil {
			return nil, bad
		}
	}
	ids := map[string]bool{}
	for _, p := range cps {
		ids[p.ID] = true
		out[p.ID] = def
	}
	for id, n := range each {
		if !ids[id] {
			return nil, profile.Invalid("slots."+id, "not_in_round", "slots names a counterpart that is not in the round", "slots 中的对象不在本轮中")
		}
		out[id] = n
	}
	for _, n := range out {
		if n < 1 || n > rounds.MaxSlots {
			return nil, bad
		}
	}
	return out, nil
}

// pickProfiles loads one side of a round: the profiles listed by id, or those of
// kind k passing the filter. A manager's startups must lie in their districts.
func (s *Server) pickProfiles(ctx context.Context, u *profile.User, k profile.Kind, idsField, filterField string,
	ids []string, f *roundFilter, limit int) ([]*profile.Profile, error) {
	switch {
	case len(ids) > 0 && f != nil:
		return nil, profile.Invalid(idsField, "ids_or_filter", "give "+idsField+" or "+filterField+", not both", "请只提供 "+idsField+" 或 "+filterField+" 之一")
	case len(ids) == 0 && f == nil:
		return nil, profile.Invalid(idsField, "required", "give "+idsField+" (a list of ids) or "+filterField+" ({chain, district, stage})",
			"请提供 "+idsField+"（ID 列表）或 "+filterField+"（{chain, district, stage}）")
	case len(ids) > limit:
		return nil, profile.Invalid(idsField, "too_many", fmt.Sprintf("a round holds at most %d of these", limit), fmt.Sprintf("每轮最多 %d 个", limit))
	}
	manager := u.Role == profile.RoleManager && k == profile.Startup
	outside := profile.Forbidden("managers run rounds only for startups inside their districts", "区县管理员只能为本辖区的企业组织批量对接")
	var out []*profile.Profile
	if len(ids) > 0 {
		seen := map[string]bool{}
		for i, id := range ids {
			field := fmt.Sprintf("%s[%d]", idsField, i)
			unknown := profile.Invalid(field, "unknown_profile", fmt.Sprintf("%s does not name a live %s profile", field, k),
				fmt.Sprintf("%s 不是有效的%s资料", field, k.ZH()))
			if !validID(id) || seen[id] {
				if seen[id] {
					return nil, profile.Invalid(field, "duplicate", field+" is listed twice", field+" 重复出现")
				}
				return nil, unknown
			}
			seen[id] = true
			p, err := s.Store.GetProfile(ctx, id)
			if errors.Is(err, profile.ErrNotFound) || (err == nil && (p.Kind != k || p.Archived)) {
				return nil, unknown
			}
			if err != nil {
				return nil, err
			}
			if manager && !auth.Oversees(u, p) {
				return nil, outside
			}
			out = append(out, p)
		}
		return out, nil
	}
	if f.Chain != "" && !s.Catalog.Chains.Has(f.Chain) {
		return nil, profile.Invalid(filterField+".chain", "unknown_code", "chain must be one of: "+s.Catalog.Chains.List(), "chain 须为："+s.Catalog.Chains.List())
	}
	if f.District != "" && !s.Catalog.Districts.Has(f.District) {
		return nil, profile.Invalid(filterField+".district", "unknown_code", "district must be one of: "+s.Catalog.Districts.List(), "district 须为："+s.Catalog.Districts.List())
	}
	if f.Stage != "" && (!profile.Stages.Has(f.Stage) || (k != profile.Startup && k != profile.Investor)) {
		return nil, profile.Invalid(filterField+".stage", "unknown_code", "stage must be one of "+profile.Stages.List()+", and only startups and investors have one",
			"stage 须为 "+profile.Stages.List()+" 之一，且仅适用于企业和投资机构")
	}
	if manager && f.District != "" && !u.InDistrict(f.District) {
		return nil, outside
	}
	err := s.Store.EachOfKind(ctx, k, func(p *profile.Profile) error {
		switch {
		case f.Chain != "" && !slices.Contains(p.Chains, f.Chain),
			f.District != "" && p.District != f.District,
			f.Stage != "" && k == profile.Startup && p.Stage != f.Stage,
			f.Stage != "" && k == profile.Investor && len(p.Stages) > 0 && !slices.Contains(p.Stages, f.Stage),
			manager && !auth.Oversees(u, p):
			return nil
		}
		if len(out) == limit {
			return profile.Invalid(filterField, "too_many", fmt.Sprintf("the filter selects more than %d; narrow it", limit),
				fmt.Sprintf("筛选结果超过 %d 个，请缩小范围", limit))
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, profile.Invalid(filterField, "empty", "the filter selects no profile", "筛选结果为空")
	}
	slices.SortFunc(out, func(a, b *profile.Profile) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// matrix holds every pair's score (or −1 when a hard constraint excludes it) and
// re-scores the assigned pairs for their reasons, so the reasons of 5 million
// pairs are never held at once.
type matrix struct {
	n, m   int
	scores []int8
	s, c   []match.Prepared
	env    match.Env
}

func (x *matrix) at(i, j int) (int, string) {
	if v := x.scores[i*x.m+j]; v >= 0 {
		return int(v), ""
	}
	return 0, "excluded"
}

func (x *matrix) reasons(i, j int) []match.Reason {
	return match.ScorePrepared(x.s[i], x.c[j], x.env).Reasons
}

// scoreMatrix scores every startup × counterpart pair with the matching's own
// rules (match.Exclude, then the score), a row per startup, on every core.
func scoreMatrix(ctx context.Context, startups, cps []*profile.Profile, env match.Env) (*matrix, error) {
	x := &matrix{n: len(startups), m: len(cps), scores: make([]int8, len(startups)*len(cps)), env: env}
	for _, p := range startups {
		x.s = append(x.s, match.Prepare(p, env.Lex))
	}
	for _, p := range cps {
		x.c = append(x.c, match.Prepare(p, env.Lex))
	}
	rows := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rows {
				for j := range x.m {
					v := int8(-1)
					if match.Exclude(startups[i], cps[j], env) == "" {
						v = int8(match.ScorePrepared(x.s[i], x.c[j], env).Score)
					}
					x.scores[i*x.m+j] = v
				}
			}
		}()
	}
	var err error
	for i := range x.n {
		if err = ctx.Err(); err != nil {
			break
		}
		rows <- i
	}
	close(rows)
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("%w: scoring the round: %v", profile.ErrUnavailable, err)
	}
	return x, nil
}

// renderRound writes a round with its pairs named, who got less and why, and
// each counterpart's load.
func (s *Server) renderRound(c *gin.Context, status int, r *rounds.Round) error {
	v := roundView{Round: r, Pairs: make([]pairView, 0, len(r.Pairs)), Unassigned: []unassignedView{}, Startups: len(r.Startups)}
	load := map[string]int{}
	for _, p := range r.Pairs {
		v.Pairs = append(v.Pairs, pairView{StartupID: p.StartupID, StartupName: r.Names[p.StartupID], CounterpartID: p.CounterpartID,
			CounterpartName: r.Names[p.CounterpartID], Score: p.Score, Reasons: p.Reasons})
		load[p.CounterpartID]++
	}
	for _, u := range r.Unassigned() {
		k := r.Target
		if u.Side == "startup" {
			k = profile.Startup
		}
		v.Unassigned = append(v.Unassigned, unassignedView{ID: u.ID, Name: r.Names[u.ID], Kind: k, Unassigned: u})
	}
	for _, f := range r.Counterparts {
		v.Counterparts = append(v.Counterparts, counterpartView{ID: f.ID, Name: r.Names[f.ID], Slots: f.Requested, Cap: f.Cap, Assigned: load[f.ID]})
	}
	c.Header("ETag", etag(r.Version))
	c.JSON(status, v)
	return nil
}

// loadRound fetches the round named in the path; only its maker and admins see
// it (others are told it does not exist).
func (s *Server) loadRound(c *gin.Context) (Rounds, *rounds.Round, error) {
	st, err := s.roundStore()
	if err != nil {
		return nil, nil, err
	}
	u := currentUser(c)
	if err := mayRunRounds(u); err != nil {
		return nil, nil, err
	}
	id := c.Param("id")
	if !validID(id) {
		return nil, nil, profile.Invalid("id", "invalid_id", fmt.Sprintf("%q is not a round id (24 hexadecimal characters)", id),
			fmt.Sprintf("%q 不是有效的批量对接 ID（24 位十六进制）", id))
	}
	r, err := st.GetRound(c.Request.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if r.OwnerID != u.ID && u.Role != profile.RoleAdmin {
		return nil, nil, profile.NotFound("round")
	}
	return st, r, nil
}

// getRound answers GET /api/v1/rounds/{id}.
func (s *Server) getRound(c *gin.Context) error {
	_, r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	return s.renderRound(c, http.StatusOK, r)
}

// listRounds answers GET /api/v1/rounds: the caller's rounds, newest first,
// without their pairs.
func (s *Server) listRounds(c *gin.Context) error {
	st, err := s.roundStore()
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := mayRunRounds(u); err != nil {
		return err
	}
	list, err := st.ListRounds(c.Request.Context(), u.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"items": list})
	return nil
}

// excludeText says in words why a hard constraint forbids a pair.
var excludeText = map[string][2]string{
	match.ExcludeArchived:   {"the profile is archived", "资料已归档"},
	match.ExcludePair:       {"these kinds are not matched with each other", "这两类资料之间不做匹配"},
	match.ExcludeTicket:     {"the startup's funding need is outside the investor's ticket range", "企业的融资需求不在投资机构的单笔额度范围内"},
	match.ExcludeInstrument: {"the investor does not offer the kind of funding the startup seeks", "投资机构不提供企业所需的融资方式"},
	match.ExcludeStage:      {"the investor does not invest at the startup's stage", "投资机构不投企业所处的阶段"},
	match.ExcludeRegion:     {"the startup's district is outside the investor's regions", "企业所在区县不在投资机构的投资区域内"},
	match.ExcludeCapacity:   {"the mentor has no free mentoring capacity", "导师已没有空余的辅导名额"},
}

// patchRound answers PATCH /api/v1/rounds/{id} {remove: [{startup_id,
// counterpart_id}], add: [...]} with If-Match: "<version>" (or "version"):
// the manager edits a draft. An added pair must pass the hard constraints and
// fit both sides' meetings and slots.
func (s *Server) patchRound(c *gin.Context) error {
	st, r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	headerVersion, hasHeader, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req patchRoundRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	expect := headerVersion
	switch {
	case hasHeader:
	case req.Version != nil:
		expect = *req.Version
	default:
		return newHTTPError(http.StatusPreconditionRequired, "version_required", "version",
			`send the version you edited: header If-Match: "<version>" or "version" in the body`,
			`请提交所修改的版本：请求头 If-Match: "<版本号>" 或请求体中的 "version"`)
	}
	if expect != r.Version {
		e := &profile.Error{Kind: profile.ErrPrecondition, Code: "version_mismatch", Field: "version",
			EN: fmt.Sprintf("the round was changed by someone else (current version %d); reload and try again", r.Version),
			ZH: fmt.Sprintf("本轮已被他人修改（当前版本 %d），请刷新后重试", r.Version)}
		if !hasHeader {
			e.Kind = profile.ErrConflict
		}
		return e
	}
	if len(req.Remove)+len(req.Add) == 0 {
		return profile.Invalid("add", "required", "send pairs to remove or add", "请提交要移除或添加的组合")
	}
	next := *r
	next.Pairs = slices.Clone(r.Pairs)
	next.Removed = slices.Clone(r.Removed)
	next.Names = maps.Clone(r.Names)
	for i, p := range req.Remove {
		if err := next.Remove(fmt.Sprintf("remove[%d]", i), p.StartupID, p.CounterpartID); err != nil {
			return err
		}
	}
	ctx := c.Request.Context()
	env := match.Env{Lex: s.lex, Accepted: map[string]int{}}
	for i, p := range req.Add {
		field := fmt.Sprintf("add[%d]", i)
		sp, cp, err := s.pairProfiles(ctx, field, p)
		if err != nil {
			return err
		}
		if cp.Kind == profile.Mentor && s.Accepted != nil {
			if env.Accepted, err = s.Accepted.AcceptedMentoring(ctx, []string{cp.ID}); err != nil {
				return err
			}
		}
		if cp.Kind != r.Target {
			return profile.Invalid(field+".counterpart_id", "not_in_round", "the counterpart is not in this round", "该对象不在本轮中")
		}
		if why := match.Exclude(sp, cp, env); why != "" {
			t := excludeText[why]
			return profile.Invalid(field, "hard_constraint", "this pair breaks a hard constraint: "+t[0], "该组合违反硬性条件："+t[1])
		}
		it := match.Score(sp, cp, env)
		if err := next.Add(field, rounds.Pair{StartupID: sp.ID, CounterpartID: cp.ID, Score: it.Score, Reasons: it.Reasons}); err != nil {
			return err
		}
		next.Names[sp.ID], next.Names[cp.ID] = sp.Name, cp.Name
	}
	if err := st.SaveRound(ctx, &next, expect); err != nil {
		if e, ok := profile.AsError(err); ok && errors.Is(err, profile.ErrPrecondition) && !hasHeader {
			return &profile.Error{Kind: profile.ErrConflict, Code: e.Code, Field: e.Field, EN: e.EN, ZH: e.ZH}
		}
		return err
	}
	return s.renderRound(c, http.StatusOK, &next)
}

func (s *Server) pairProfiles(ctx context.Context, field string, p pairRef) (*profile.Profile, *profile.Profile, error) {
	load := func(f, id string) (*profile.Profile, error) {
		bad := profile.Invalid(f, "unknown_profile", f+" does not name a live profile", f+" 不是有效的资料")
		if !validID(id) {
			return nil, bad
		}
		pr, err := s.Store.GetProfile(ctx, id)
		if errors.Is(err, profile.ErrNotFound) || (err == nil && pr.Archived) {
			return nil, bad
		}
		return pr, err
	}
	sp, err := load(field+".startup_id", p.StartupID)
	if err != nil {
		return nil, nil, err
	}
	cp, err := load(field+".counterpart_id", p.CounterpartID)
	if err != nil {
		return nil, nil, err
	}
	return sp, cp, nil
}

// awaitRound re-reads a round that another request is moving on from state
// from: its claim is taken but its write may not have landed yet. It waits up
// to two seconds, then gives ErrConflict.
func (s *Server) awaitRound(ctx context.Context, st Rounds, id string, from rounds.State) (*rounds.Round, error) {
	for range 100 {
		r, err := st.GetRound(ctx, id)
		if err != nil || r.State != from {
			return r, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %v", profile.ErrUnavailable, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil, profile.Conflict("round_changed", "the round is being changed by another request; reload and try again",
		"本轮正被另一请求修改，请刷新后重试")
}

// roundIntroID is the id of the introduction a round makes for a pair: the
// publishing time (so lists that sort by id keep it in time order) followed by
// a hash of round and pair, so publishing again finds the same introduction.
func roundIntroID(r *rounds.Round, s, c string) string {
	h := sha256.Sum256([]byte(r.ID + ":" + s + ":" + c))
	return fmt.Sprintf("%08x", uint32(r.PublishedAt.Unix())) + hex.EncodeToString(h[:8])
}

// publishRound answers POST /api/v1/rounds/{id}/publish: every pair becomes a
// brokered introduction (double opt-in as ever), a pair introduced meanwhile is
// skipped and reported, and the round is published. Publishing again, or
// twice at once, gives the same introductions.
func (s *Server) publishRound(c *gin.Context) error {
	st, r, err := s.loadRound(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	if r.State == rounds.Published {
		return s.renderRound(c, http.StatusOK, r)
	}
	if r.State == rounds.Draft {
		next := *r
		next.State = rounds.Publishing
		at := s.Now().UTC().Truncate(time.Second)
		next.PublishedAt = &at
		if err := st.SaveRound(ctx, &next, r.Version); err != nil {
			if !errors.Is(err, profile.ErrPrecondition) {
				return err
			}
			got, err := s.awaitRound(ctx, st, r.ID, rounds.Draft)
			if err != nil {
				return err
			}
			next = *got
		}
		r = &next
		if r.State == rounds.Published {
			return s.renderRound(c, http.StatusOK, r)
		}
	}
	u := currentUser(c)
	outcomes := make([]rounds.Outcome, 0, len(r.Pairs))
	for _, p := range r.Pairs {
		o := rounds.Outcome{StartupID: p.StartupID, CounterpartID: p.CounterpartID}
		sp, cp, err := s.pairProfiles(ctx, "pair", pairRef{p.StartupID, p.CounterpartID})
		if err != nil {
			if !errors.Is(err, profile.ErrInvalid) {
				return err
			}
			o.Skipped, o.EN, o.ZH = "archived", "one side is archived or gone", "一方资料已归档或不存在"
			outcomes = append(outcomes, o)
			continue
		}
		msg := fmt.Sprintf("批量对接「%s」：%s 与 %s，双方同意后交换联系方式。 / Brokered round “%s”: %s meets %s; contacts are shared once both agree.",
			r.Name, sp.Name, cp.Name, r.Name, sp.Name, cp.Name)
		in, ev, err := intro.New(u, sp, cp, msg, s.Now().UTC())
		if err == nil {
			in.ID = roundIntroID(r, p.StartupID, p.CounterpartID)
			var created bool
			created, err = st.CreateRoundIntro(ctx, in, ev)
			o.IntroID = in.ID
			if err == nil && created {
				s.tellCreated(ctx, in, u, sp, cp)
			}
		}
		if err != nil {
			e, ok := profile.AsError(err)
			if !ok || errors.Is(err, profile.ErrUnavailable) || errors.Is(err, profile.ErrInternal) {
				return err
			}
			o.IntroID = ""
			o.Skipped, o.EN, o.ZH = e.Code, e.EN, e.ZH
			if e.Code == "open_introduction" {
				o.Skipped = "introduced"
				o.EN, o.ZH = "the two were introduced meanwhile; skipped", "双方在此期间已有进行中的对接，已跳过"
			}
		}
		outcomes = append(outcomes, o)
	}
	next := *r
	next.State = rounds.Published
	next.Outcomes = outcomes
	if err := st.SaveRound(ctx, &next, r.Version); err != nil {
		if !errors.Is(err, profile.ErrPrecondition) {
			return err
		}
		// A concurrent publish finished first, with the same introductions.
		got, err := s.awaitRound(ctx, st, r.ID, rounds.Publishing)
		if err != nil {
			return err
		}
		return s.renderRound(c, http.StatusOK, got)
	}
	return s.renderRound(c, http.StatusOK, &next)
}
