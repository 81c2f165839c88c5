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

// startup, carrier and enclave keep only what the indicators read.
type startup struct {
	district, since, graduated, status string
	techSME                            *profile.YearResult
}

type carrier struct {
	district, typ, level, established string
	levelSince                        int
	benchmark                         bool
}

type enclave struct {
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
		switch p.Kind {
		case profile.Startup:
			f.startups = append(f.startups, startup{p.District, p.IncubatedSince, p.GraduatedOn, p.Status, p.TechSME})
		case profile.Carrier:
			f.carriers = append(f.carriers, carrier{p.District, p.Type, p.Level, p.Established, p.LevelSince, p.Benchmark})
		case profile.Enclave:
			// An enclave sits outside the city; it counts for its home district.
			f.enclaves = append(f.enclaves, enclave{p.HomeDistrict, p.Established})
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

// flow counts what is new from year lo to year hi.
func (f *facts) flow(code, district string, lo, hi int) int {
	n := 0
	switch code {
	case "new_provincial_carriers":
		for _, c := range f.carriers {
			if in(c.district, district) && incubationTypes[c.typ] && provincialOrHigher(c.level) && between(c.levelSince, lo, hi) {
				n++
			}
		}
	case "new_accelerators":
		for _, c := range f.carriers {
			if in(c.district, district) && c.typ == "accelerator" && between(yearOf(c.established), lo, hi) {
				n++
			}
		}
	case "new_enclaves":
		for _, e := range f.enclaves {
			if in(e.home, district) && between(yearOf(e.established), lo, hi) {
				n++
			}
		}
	case "new_incubated_firms":
		for _, s := range f.startups {
			if in(s.district, district) && between(yearOf(s.since), lo, hi) {
				n++
			}
		}
	case "graduated_firms":
		for _, s := range f.startups {
			if in(s.district, district) && between(yearOf(s.graduated), lo, hi) {
				n++
			}
		}
	}
	return n
}

// stock counts what is in place at the end of year. A level with no level_since
// is taken as held all along, and a body with no established date as always there:
// unknown history should not make the city look as if it built everything at once.
func (f *facts) stock(code, district string, year int) int {
	n := 0
	held := func(c carrier) bool {
		return in(c.district, district) && (c.levelSince == 0 || c.levelSince <= year) && existed(c.established, year)
	}
	switch code {
	case "enclaves_total":
		for _, e := range f.enclaves {
			if in(e.home, district) && existed(e.established, year) {
				n++
			}
		}
	case "provincial_carriers_total":
		for _, c := range f.carriers {
			if incubationTypes[c.typ] && provincialOrHigher(c.level) && held(c) {
				n++
			}
		}
	case "maker_spaces_total", "incubators_total":
		typ := map[string]string{"maker_spaces_total": "maker_space", "incubators_total": "incubator"}[code]
		for _, c := range f.carriers {
			if c.typ == typ && (c.level == "municipal" || provincialOrHigher(c.level)) && held(c) {
				n++
			}
		}
	case "benchmark_incubators_total":
		for _, c := range f.carriers {
			// The plan's benchmark incubators include virtual ones (task 15).
			if c.benchmark && (c.typ == "incubator" || c.typ == "virtual") && in(c.district, district) && existed(c.established, year) {
				n++
			}
		}
	case "finance_stations_total":
		for _, c := range f.carriers {
			if c.typ == "finance_station" && in(c.district, district) && existed(c.established, year) {
				n++
			}
		}
	}
	return n
}

func existed(established string, year int) bool {
	y := yearOf(established)
	return y == 0 || y <= year
}

func provincialOrHigher(level string) bool { return level == "provincial" || level == "national" }

// techSME counts the startups incubating at some time in year (entered by its end,
// not gone before its start) and those of them whose tech-SME result is a pass
// for that year. A firm that left or graduated without a recorded date cannot be
// placed in time and is left out of both counts.
func (f *facts) techSME(district string, year int) (passed, incubating int) {
	first, last := strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31"
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
		incubating++
		if s.techSME != nil && s.techSME.Year == year && s.techSME.Passed {
			passed++
		}
	}
	return passed, incubating
}
