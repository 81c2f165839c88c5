package kpi

import (
	"iter"
	"strconv"

	"fuhua/internal/profile"
)

// incubationTypes are the carrier types the plan counts as 孵化载体 (maker spaces,
// incubators, accelerators, university science parks, virtual incubators);
// industrial parks and finance stations are not incubation carriers.
var incubationTypes = map[string]bool{"maker_space": true, "incubator": true, "accelerator": true,
	"university_park": true, "virtual": true}

// ref names the profile a fact came from, so an indicator can list its records.
type ref struct {
	id, name string
	kind     profile.Kind
}

// startup, carrier and enclave keep only what the indicators read.
type startup struct {
	ref
	district, since, graduated, status string
	techSME                            *profile.YearResult
}

type carrier struct {
	ref
	district, typ, level, established string
	levelSince                        int
	benchmark                         bool
}

type enclave struct {
	ref
	home, established string
}

type facts struct {
	startups []startup
	carriers []carrier
	enclaves []enclave
}

func collect(ps iter.Seq[profile.Profile]) *facts {
	f := &facts{}
	for p := range ps {
		if p.Archived {
			continue
		}
		r := ref{p.ID, p.Name, p.Kind}
		switch p.Kind {
		case profile.Startup:
			f.startups = append(f.startups, startup{r, p.District, p.IncubatedSince, p.GraduatedOn, p.Status, p.TechSME})
		case profile.Carrier:
			f.carriers = append(f.carriers, carrier{r, p.District, p.Type, p.Level, p.Established, p.LevelSince, p.Benchmark})
		case profile.Enclave:
			// An enclave sits outside the city; it counts for its home district.
			f.enclaves = append(f.enclaves, enclave{r, p.HomeDistrict, p.Established})
		}
	}
	return f
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

func in(district, want string) bool { return want == "" || district == want }

func between(y, lo, hi int) bool { return y != 0 && lo <= y && y <= hi }

// Why a record counts, in Chinese and English, for each way of counting.
var (
	whyLevel       = [2]string{"获评省级以上", "rated provincial or higher"}
	whyEstablished = [2]string{"成立", "established"}
	whyIncubated   = [2]string{"入孵", "entered incubation"}
	whyGraduated   = [2]string{"毕业", "graduated"}
	whyHeld        = [2]string{"在册", "in place"}
)

func (r ref) record(district, date string, why [2]string) Record {
	return Record{ID: r.id, Kind: r.kind, Name: r.name, District: district, Date: date, WhyZH: why[0], WhyEN: why[1]}
}

// flow lists what is new from year lo to year hi.
func (f *facts) flow(code, district string, lo, hi int) []Record {
	var out []Record
	switch code {
	case "new_provincial_carriers":
		for _, c := range f.carriers {
			if in(c.district, district) && incubationTypes[c.typ] && provincialOrHigher(c.level) && between(c.levelSince, lo, hi) {
				out = append(out, c.record(c.district, strconv.Itoa(c.levelSince), whyLevel))
			}
		}
	case "new_accelerators":
		for _, c := range f.carriers {
			if in(c.district, district) && c.typ == "accelerator" && between(yearOf(c.established), lo, hi) {
				out = append(out, c.record(c.district, c.established, whyEstablished))
			}
		}
	case "new_enclaves":
		for _, e := range f.enclaves {
			if in(e.home, district) && between(yearOf(e.established), lo, hi) {
				out = append(out, e.record(e.home, e.established, whyEstablished))
			}
		}
	case "new_incubated_firms":
		for _, s := range f.startups {
			if in(s.district, district) && between(yearOf(s.since), lo, hi) {
				out = append(out, s.record(s.district, s.since, whyIncubated))
			}
		}
	case "graduated_firms":
		for _, s := range f.startups {
			if in(s.district, district) && between(yearOf(s.graduated), lo, hi) {
				out = append(out, s.record(s.district, s.graduated, whyGraduated))
			}
		}
	}
	return out
}

// stock lists what is in place at the end of year. A level with no level_since
// is taken as held all along, and a body with no established date as always there:
// unknown history should not make the city look as if it built everything at once.
func (f *facts) stock(code, district string, year int) []Record {
	var out []Record
	held := func(c carrier) bool {
		return in(c.district, district) && (c.levelSince == 0 || c.levelSince <= year) && existed(c.established, year)
	}
	add := func(c carrier) { out = append(out, c.record(c.district, c.established, whyHeld)) }
	switch code {
	case "enclaves_total":
		for _, e := range f.enclaves {
			if in(e.home, district) && existed(e.established, year) {
				out = append(out, e.record(e.home, e.established, whyHeld))
			}
		}
	case "provincial_carriers_total":
		for _, c := range f.carriers {
			if incubationTypes[c.typ] && provincialOrHigher(c.level) && held(c) {
				add(c)
			}
		}
	case "maker_spaces_total", "incubators_total":
		typ := map[string]string{"maker_spaces_total": "maker_space", "incubators_total": "incubator"}[code]
		for _, c := range f.carriers {
			if c.typ == typ && (c.level == "municipal" || provincialOrHigher(c.level)) && held(c) {
				add(c)
			}
		}
	case "benchmark_incubators_total":
		for _, c := range f.carriers {
			// The plan's benchmark incubators include virtual ones (task 15).
			if c.benchmark && (c.typ == "incubator" || c.typ == "virtual") && in(c.district, district) && existed(c.established, year) {
				add(c)
			}
		}
	case "finance_stations_total":
		for _, c := range f.carriers {
			if c.typ == "finance_station" && in(c.district, district) && existed(c.established, year) {
				add(c)
			}
		}
	}
	return out
}

func existed(established string, year int) bool {
	y := yearOf(established)
	return y == 0 || y <= year
}

func provincialOrHigher(level string) bool { return level == "provincial" || level == "national" }

// techSME lists the startups incubating at some time in year (entered by its end,
// not gone before its start), each marked Passed when its tech-SME result is a
// pass for that year. A firm that left or graduated without a recorded date
// cannot be placed in time and is left out.
func (f *facts) techSME(district string, year int) []Record {
	first, last := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
	var out []Record
	for _, s := range f.startups {
		if !in(s.district, district) || s.since == "" || s.since > last {
			continue
		}
		if s.graduated != "" {
			if s.graduated < first {
				continue
			}
		} else if s.status == "graduated" || s.status == "left" {
			continue
		}
		r := s.record(s.district, s.since, whyIncubated)
		passed := s.techSME != nil && s.techSME.Year == year && s.techSME.Passed
		r.Passed = &passed
		out = append(out, r)
	}
	return out
}

func passedCount(rs []Record) int {
	n := 0
	for _, r := range rs {
		if r.Passed != nil && *r.Passed {
			n++
		}
	}
	return n
}
