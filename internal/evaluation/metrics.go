package evaluation

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"fuhua/internal/intro"
	"fuhua/internal/mentor"
	"fuhua/internal/profile"
)

// measure is a metric's value for one carrier and year: held is false where
// fuhua does not hold what the metric needs (数据缺失); evidence names the firms
// and introductions it was counted from; num and den explain a share.
type measure struct {
	value    float64
	held     bool
	evidence []string
	num, den *int
	// noteZH and noteEN say why a held metric has no basis (no incubatees).
	noteZH, noteEN string
}

// metricDef is one metric the engine knows: its unit and, for those fuhua never
// holds, what data would be needed.
type metricDef struct {
	unitZH, unitEN   string
	needsZH, needsEN string
	fn               func(*facts) measure
}

// missing is a metric fuhua does not hold.
func missing(*facts) measure { return measure{} }

// metrics are the carrier metrics rule sets may name. A rule set naming another
// is refused by Validate.
var metrics = map[string]metricDef{
	"incubatees":      {"家", "firms", "", "", func(f *facts) measure { return count(f.incubatees) }},
	"new_incubatees":  {"家", "firms", "", "", func(f *facts) measure { return count(f.newIncubatees) }},
	"graduated_year":  {"家", "firms", "", "", func(f *facts) measure { return count(f.graduatedYear) }},
	"graduates_total": {"家", "firms", "", "", func(f *facts) measure { return count(f.graduatesTotal) }},
	"new_firms_registered": {"家", "firms", "", "", func(f *facts) measure {
		return count(f.filter(func(s *profile.Profile) bool { return yearOf(s.Founded) == f.year }))
	}},
	"tech_sme_share": {"比例", "share", "", "", func(f *facts) measure {
		return f.share(func(s *profile.Profile) bool { return s.TechSME != nil && s.TechSME.Passed && s.TechSME.Year == f.year })
	}},
	"high_tech_share": {"比例", "share", "", "", func(f *facts) measure {
		return f.share(func(s *profile.Profile) bool {
			return s.HighTech != nil && s.HighTech.Passed && s.HighTech.Year <= f.year
		})
	}},
	"ip_share": {"比例", "share", "", "", func(f *facts) measure {
		return f.share(func(s *profile.Profile) bool { return s.Patents+s.OtherIP > 0 })
	}},
	"graduation_rate": {"比例", "share", "", "", func(f *facts) measure {
		m := ratio(len(f.graduatedYear), len(f.incubatees))
		m.evidence = ids(f.graduatedYear)
		return m
	}},
	"financed_share":        {"比例", "share", "", "", func(f *facts) measure { return f.linkShare(f.financed) }},
	"equity_financed_share": {"比例", "share", "", "", func(f *facts) measure { return f.linkShare(f.equity) }},
	"financed_count": {"家", "firms", "", "", func(f *facts) measure {
		m := measure{value: float64(len(f.financed)), held: true}
		m.evidence = f.linkEvidence(f.financed)
		return m
	}},
	"mentored_share": {"比例", "share", "", "", func(f *facts) measure { return f.linkShare(f.mentored) }},
	"linked_share":   {"比例", "share", "", "", func(f *facts) measure { return f.linkShare(f.linked) }},
	"chain_landed_share": {"比例", "share", "", "", func(f *facts) measure {
		if len(f.graduatedYear) == 0 {
			return measure{held: true, noteZH: "当年无毕业企业", noteEN: "no firm graduated in the year"}
		}
		n := 0
		var ev []string
		for _, s := range f.graduatedYear {
			if in := f.landed[s.ID]; len(in) > 0 {
				n++
				ev = append(append(ev, s.ID), in...)
			}
		}
		m := ratio(n, len(f.graduatedYear))
		m.evidence = ev
		return m
	}},
	"mentors": {"名", "mentors", "", "", func(f *facts) measure {
		return measure{value: float64(len(f.mentors)), held: true, evidence: slices.Sorted(mapsKeys(f.mentors))}
	}},
	"mentors_per_10": {"名/10家", "per 10 firms", "", "", func(f *facts) measure {
		if len(f.incubatees) == 0 {
			return measure{held: true, noteZH: "当年无在孵企业", noteEN: "no firm incubating in the year"}
		}
		return measure{value: float64(len(f.mentors)) * 10 / float64(len(f.incubatees)), held: true,
			evidence: slices.Sorted(mapsKeys(f.mentors)), num: ptr(len(f.mentors)), den: ptr(len(f.incubatees))}
	}},
	"mentors_below_service_rule": {"名", "mentors", "", "", func(f *facts) measure {
		var below []string
		for _, id := range slices.Sorted(mapsKeys(f.mentors)) {
			if !f.compliance[id] {
				below = append(below, id)
			}
		}
		if below == nil {
			below = []string{}
		}
		return measure{value: float64(len(below)), held: true, evidence: below, num: ptr(len(below)), den: ptr(len(f.mentors))}
	}},
	"public_tech_services": {"种", "kinds", "", "", func(f *facts) measure {
		n := 0
		for _, s := range f.carrier.Services {
			if publicTech[s] {
				n++
			}
		}
		return measure{value: float64(n), held: true}
	}},
	"area_sqm": {"平方米", "㎡", "载体场地建筑面积（area_sqm）", "the carrier's floor area (area_sqm)", func(f *facts) measure {
		if f.carrier.AreaSqm <= 0 {
			return measure{}
		}
		return measure{value: f.carrier.AreaSqm, held: true}
	}},
	"seats": {"个", "desks", "工位数（seats）", "the number of desks (seats)", func(f *facts) measure {
		if f.carrier.Seats <= 0 {
			return measure{}
		}
		return measure{value: float64(f.carrier.Seats), held: true}
	}},
	"density": {"家/千平方米", "per 1,000 ㎡", "载体场地建筑面积（area_sqm）", "the carrier's floor area (area_sqm)", func(f *facts) measure {
		if f.carrier.AreaSqm <= 0 {
			return measure{}
		}
		return measure{value: float64(len(f.incubatees)) / (f.carrier.AreaSqm / 1000), held: true, evidence: ids(f.incubatees)}
	}},
	"years_operating": {"年", "years", "载体成立日期（established）", "the carrier's founding date (established)", func(f *facts) measure {
		m, ok := monthsTo(f.carrier.Established, f.year)
		if !ok {
			return measure{}
		}
		return measure{value: math.Floor(float64(m) / 12), held: true}
	}},
	"months_operating": {"个月", "months", "载体成立日期（established）", "the carrier's founding date (established)", func(f *facts) measure {
		m, ok := monthsTo(f.carrier.Established, f.year)
		if !ok {
			return measure{}
		}
		return measure{value: float64(m), held: true}
	}},
	"benchmark": {"是/否", "yes/no", "", "", func(f *facts) measure { return measure{value: b2f(f.carrier.Benchmark), held: true} }},
	"international": {"是/否", "yes/no", "", "", func(f *facts) measure {
		return measure{value: b2f(f.carrier.International), held: true}
	}},

	// What fuhua does not hold. Each says what would be needed.
	"tech_events": {"场", "events", "当年举办的培训、路演、对接等活动场次（火炬统计：服务活动场次）",
		"events held in the year: training, roadshows, matchmaking (Torch statistics: service events)", missing},
	"growth_share": {"比例", "share", "每家在孵企业上一年与当年的营业收入（revenue_wan、torch.revenue_prev_wan）或研发投入（torch.rd_spend_wan、torch.rd_spend_prev_wan）",
		"each incubatee's revenue (revenue_wan, torch.revenue_prev_wan) or R&D spending (torch.rd_spend_wan, torch.rd_spend_prev_wan) for the year and the year before",
		growthShare},
	"service_income_share": {"比例", "share", "孵化器总收入及其中房租物业以外的服务收入（火炬统计，千元）",
		"the incubator's total income and its income other than rent and property fees (Torch statistics, 千元)", missing},
	"incubation_fund_wan": {"万元", "万元", "孵化基金总额（火炬统计）", "the incubation fund's size (Torch statistics)", missing},
	"statistics_years":    {"年", "years", "连续报送火炬统计的年数", "consecutive years of Torch statistics filed", missing},
	"incubatee_area_share": {"比例", "share", "在孵企业用房及公共服务用房面积（火炬统计）",
		"floor area used by incubatees and public services (Torch statistics)", missing},
	"patent_applicant_share": {"比例", "share", "当年申请专利的在孵企业数（火炬统计）",
		"incubatees that applied for patents in the year (Torch statistics)", missing},
	"typical_cases":      {"个", "cases", "当年典型孵化案例", "typical incubation cases of the year", missing},
	"professional_staff": {"名", "persons", "专职孵化服务人员数（火炬统计）", "full-time professional incubation staff (Torch statistics)", missing},
}

// growthShare is the share of incubatees whose revenue or R&D spending grew by
// more than 20 % on the year before. It is held only when every incubatee
// states both years of one of the two: a share of those who happen to report
// would be a guess about the rest.
func growthShare(f *facts) measure {
	if len(f.incubatees) == 0 {
		return measure{held: true, noteZH: "当年无在孵企业", noteEN: "no firm incubating in the year"}
	}
	var grew []*profile.Profile
	for _, s := range f.incubatees {
		t := s.Torch
		if t == nil {
			return measure{}
		}
		rev := t.RevenuePrevWan != nil && s.RevenueWan > 0
		rd := t.RDSpendPrevWan != nil && t.RDSpendWan != nil
		if !rev && !rd {
			return measure{}
		}
		up := func(now, before float64) bool { return before > 0 && now > before*1.2 }
		if (rev && up(s.RevenueWan, *t.RevenuePrevWan)) || (rd && up(*t.RDSpendWan, *t.RDSpendPrevWan)) {
			grew = append(grew, s)
		}
	}
	m := ratio(len(grew), len(f.incubatees))
	m.evidence = ids(grew)
	return m
}

// publicTech are the services that count as public technical services.
var publicTech = map[string]bool{"testing": true, "prototyping": true, "tech_transfer": true, "ip": true}

// firmMetrics are the graduation conditions' metrics, per firm. held false where
// fuhua does not hold the firm's figure.
var firmMetrics = map[string]struct {
	needsZH, needsEN string
	fn               func(s *profile.Profile, year int) (float64, bool)
}{
	"firm_high_tech": {"高新技术企业认定结果（high_tech）", "the high-tech enterprise result (high_tech)",
		func(s *profile.Profile, year int) (float64, bool) {
			if s.HighTech == nil {
				return 0, false
			}
			return b2f(s.HighTech.Passed && s.HighTech.Year <= year), true
		}},
	"firm_financing_wan": {"累计获得天使或风险投资额（torch.financing_total_wan，万元）", "cumulative angel or venture investment received (torch.financing_total_wan, 万元)",
		func(s *profile.Profile, _ int) (float64, bool) {
			if s.Torch == nil || s.Torch.FinancingTotalWan == nil {
				return 0, false
			}
			return *s.Torch.FinancingTotalWan, true
		}},
	"firm_revenue_2y_wan": {"当年营业收入（revenue_wan）与上一年营业收入（torch.revenue_prev_wan），万元",
		"this year's revenue (revenue_wan) and the year before's (torch.revenue_prev_wan), 万元",
		func(s *profile.Profile, _ int) (float64, bool) {
			if s.Torch == nil || s.Torch.RevenuePrevWan == nil || s.RevenueWan <= 0 {
				return 0, false
			}
			return s.RevenueWan + *s.Torch.RevenuePrevWan, true
		}},
	"firm_acquired_or_listed": {"是否被兼并收购或挂牌上市（torch.acquired_or_listed）", "whether the firm was acquired or listed (torch.acquired_or_listed)",
		func(s *profile.Profile, _ int) (float64, bool) {
			if s.Torch == nil || s.Torch.AcquiredOrListed == nil {
				return 0, false
			}
			return b2f(*s.Torch.AcquiredOrListed), true
		}},
}

// facts are what one carrier's metrics read for one year.
type facts struct {
	carrier *profile.Profile
	year    int
	// incubatees are the carrier's firms incubating at some time in the year.
	incubatees, newIncubatees, graduatedYear, graduatesTotal []*profile.Profile
	// financed, equity, mentored and linked map an incubatee to the
	// introductions that show it was financed, took equity, was coached, or was
	// linked to an outside resource in the year.
	financed, equity, mentored, linked map[string][]string
	// landed maps a graduate to the introductions that landed it in an
	// accelerator or industrial park.
	landed map[string][]string
	// mentors are the mentors serving the carrier's incubatees or appointed by
	// it for some of the year, with evidence; compliance says which of them had
	// the yearly sessions the rule asks (mentor.Check).
	mentors    map[string][]string
	compliance map[string]bool
	// undated counts the carrier's firms that cannot be placed in time.
	undated []string
}

func (f *facts) filter(keep func(*profile.Profile) bool) []*profile.Profile {
	var out []*profile.Profile
	for _, s := range f.incubatees {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// share is the share of incubatees that keep holds for, with them as evidence.
func (f *facts) share(keep func(*profile.Profile) bool) measure {
	hit := f.filter(keep)
	m := ratio(len(hit), len(f.incubatees))
	m.evidence = ids(hit)
	return m
}

// linkShare is the share of incubatees present in links.
func (f *facts) linkShare(links map[string][]string) measure {
	n := 0
	for _, s := range f.incubatees {
		if len(links[s.ID]) > 0 {
			n++
		}
	}
	m := ratio(n, len(f.incubatees))
	m.evidence = f.linkEvidence(links)
	return m
}

// linkEvidence lists each linked incubatee followed by its introductions.
func (f *facts) linkEvidence(links map[string][]string) []string {
	var ev []string
	for _, s := range f.incubatees {
		if in := links[s.ID]; len(in) > 0 {
			ev = append(append(ev, s.ID), in...)
		}
	}
	return ev
}

func ratio(num, den int) measure {
	if den == 0 {
		return measure{held: true, noteZH: "当年无在孵企业", noteEN: "no firm incubating in the year", num: ptr(num), den: ptr(den)}
	}
	return measure{value: float64(num) / float64(den), held: true, num: ptr(num), den: ptr(den)}
}

func count(ps []*profile.Profile) measure {
	return measure{value: float64(len(ps)), held: true, evidence: ids(ps)}
}

func ids(ps []*profile.Profile) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func ptr(n int) *int { return &n }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func mapsKeys(m map[string][]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// yearOf reads the year of a YYYY-MM-DD date, 0 if there is none.
func yearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

// monthsTo counts whole months from date to the end of year (to 1 January of
// the next year): from 2023-07-01 to the end of 2024 is 18 months, from
// 2023-07-02 17.
func monthsTo(date string, year int) (int, bool) {
	if !profile.ValidDate(date) {
		return 0, false
	}
	y, _ := strconv.Atoi(date[:4])
	mo, _ := strconv.Atoi(date[5:7])
	d, _ := strconv.Atoi(date[8:10])
	m := (year+1-y)*12 - mo + 1
	if d > 1 {
		m--
	}
	return max(m, 0), true
}

// gather builds one carrier's facts for year from the data.
func (d *Data) gather(c *profile.Profile, year int) *facts {
	f := &facts{carrier: c, year: year, financed: map[string][]string{}, equity: map[string][]string{},
		mentored: map[string][]string{}, linked: map[string][]string{}, landed: map[string][]string{}, mentors: map[string][]string{}}
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	for _, s := range d.byCarrier[c.ID] {
		if s.GraduatedOn != "" && s.GraduatedOn <= last {
			f.graduatesTotal = append(f.graduatesTotal, s)
			if s.GraduatedOn >= first {
				f.graduatedYear = append(f.graduatedYear, s)
			}
		}
		if incubating(s, first, last) {
			f.incubatees = append(f.incubatees, s)
			if s.IncubatedSince >= first {
				f.newIncubatees = append(f.newIncubatees, s)
			}
		} else if s.IncubatedSince == "" && s.Status == "incubating" {
			f.undated = append(f.undated, s.ID)
		}
	}
	in := map[string]bool{}
	for _, s := range f.incubatees {
		in[s.ID] = true
	}
	for i := range d.Mentors {
		m := &d.Mentors[i]
		if m.Archived || m.PoolStatus == "exited" {
			continue
		}
		for _, a := range m.Appointments {
			if a.CarrierID == c.ID && a.ActiveIn(year) {
				f.mentors[m.ID] = append(f.mentors[m.ID], "appointment")
			}
		}
	}
	for _, sv := range d.Services {
		if in[sv.StartupID] && sv.Date >= first && sv.Date <= last && mentor.IncubatingOn(d.startups[sv.StartupID], sv.Date) {
			f.mentored[sv.StartupID] = append(f.mentored[sv.StartupID], sv.ID)
			f.mentors[sv.MentorID] = append(f.mentors[sv.MentorID], sv.ID)
		}
	}
	grads := map[string]bool{}
	for _, s := range f.graduatedYear {
		grads[s.ID] = true
	}
	for i := range d.Intros {
		x := &d.Intros[i]
		if x.State != intro.Accepted {
			continue
		}
		for _, pair := range [][2]profile.Ref{{x.From, x.To}, {x.To, x.From}} {
			firm, other := pair[0], pair[1]
			if firm.Kind != profile.Startup {
				continue
			}
			inYear := func(kinds ...string) bool {
				for _, o := range x.Outcomes {
					if o.Date >= first && o.Date <= last && slices.Contains(kinds, o.Kind) {
						return true
					}
				}
				return false
			}
			if in[firm.ID] {
				if inYear("invested", "loan") {
					f.financed[firm.ID] = append(f.financed[firm.ID], x.ID)
				}
				if inYear("invested") {
					f.equity[firm.ID] = append(f.equity[firm.ID], x.ID)
				}
				if other.Kind == profile.Mentor {
					if inYear("mentoring", "meeting") {
						f.mentored[firm.ID] = append(f.mentored[firm.ID], x.ID)
					}
					if x.DecidedAt != nil && x.DecidedAt.In(intro.Zone).Format("2006-01-02") <= last {
						f.mentors[other.ID] = append(f.mentors[other.ID], x.ID)
					}
				}
				decided := x.DecidedAt != nil && yearOf(x.DecidedAt.In(intro.Zone).Format("2006-01-02")) == year
				if other.Kind == profile.Investor || other.Kind == profile.Provider || other.Kind == profile.Enclave ||
					(other.Kind == profile.Carrier && other.ID != c.ID) {
					if decided || inYear(intro.OutcomeKinds.Codes()...) {
						f.linked[firm.ID] = append(f.linked[firm.ID], x.ID)
					}
				}
			}
			if grads[firm.ID] && other.Kind == profile.Carrier {
				if p := d.carriers[other.ID]; p != nil && (p.Type == "accelerator" || p.Type == "industrial_park") {
					for _, o := range x.Outcomes {
						if o.Kind == "landed" {
							f.landed[firm.ID] = append(f.landed[firm.ID], x.ID)
							break
						}
					}
				}
			}
		}
	}
	f.compliance = map[string]bool{}
	for id := range f.mentors {
		f.compliance[id] = mentor.Check(id, year, d.Services, d.Intros, d.startups).Compliant
	}
	return f
}

// incubating reports whether s was incubating at some time between first and
// last: entered by last and not gone before first. A firm that graduated or left
// without a date cannot be placed in time and is left out.
func incubating(s *profile.Profile, first, last string) bool {
	if s.IncubatedSince == "" || s.IncubatedSince > last {
		return false
	}
	if s.GraduatedOn != "" {
		return s.GraduatedOn >= first
	}
	return s.Status != "graduated" && s.Status != "left"
}
