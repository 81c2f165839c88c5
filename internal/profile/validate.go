package profile

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on text fields, in characters (runes).
const (
	MaxName    = 100
	MaxSummary = 2000
	MaxShort   = 100 // city, title, organization, contact fields, host_city
	MaxTag     = 30
	MaxTags    = 20
	MaxChains  = 12
	// MaxSegments is how many segments a profile may declare.
	MaxSegments = 20
	MaxList     = 20 // topics, languages, services, stages, regions …
)

// creditCharset is the alphabet of the 统一社会信用代码 (GB 32100-2015): digits and
// upper-case letters without I, O, S, V, Z.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheck returns the check character for the first 17 characters of a
// unified social credit code, or false if a character is outside the alphabet.
func CreditCodeCheck(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCharset[c], true
}

// ValidCreditCode reports whether code is 18 characters of the alphabet with the
// right check character.
func ValidCreditCode(code string) bool {
	if len(code) != 18 {
		return false
	}
	want, ok := CreditCodeCheck(code[:17])
	return ok && code[17] == want
}

// ValidDate reports whether s is a real calendar date written YYYY-MM-DD between
// 1900 and 2100.
func ValidDate(s string) bool {
	t, err := time.Parse("2006-01-02", s)
	return err == nil && t.Year() >= 1900 && t.Year() <= 2100
}

// validator collects the first problem found; fields are checked in a fixed order so
// the same input always reports the same field.
type validator struct{ err *Error }

func (v *validator) fail(field, code, en, zh string) {
	if v.err == nil {
		v.err = Invalid(field, code, en, zh)
	}
}

func (v *validator) text(field, s string, max int, required bool) {
	if required && strings.TrimSpace(s) == "" {
		v.fail(field, "required", field+" is required", field+" 为必填项")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		v.fail(field, "too_long", fmt.Sprintf("%s is %d characters; at most %d are allowed", field, n, max),
			fmt.Sprintf("%s 共 %d 个字符，最多允许 %d 个", field, n, max))
		return
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		v.fail(field, "invalid_text", field+" contains invalid characters", field+" 含有非法字符")
	}
}

func (v *validator) code(field, s string, set CodeSet, required bool) {
	if s == "" {
		if required {
			v.fail(field, "required", fmt.Sprintf("%s is required; one of: %s", field, set.List()),
				fmt.Sprintf("%s 为必填项，可选值：%s", field, set.List()))
		}
		return
	}
	if !set.Has(s) {
		v.fail(field, "unknown_code", fmt.Sprintf("%q is not a valid %s; valid codes: %s", s, set.Name, set.List()),
			fmt.Sprintf("%q 不是有效的代码，可选值：%s", s, set.List()))
	}
}

func (v *validator) codes(field string, list []string, set CodeSet, max int) {
	if len(list) > max {
		v.fail(field, "too_many", fmt.Sprintf("%s has %d entries; at most %d are allowed", field, len(list), max),
			fmt.Sprintf("%s 有 %d 项，最多 %d 项", field, len(list), max))
		return
	}
	seen := map[string]bool{}
	for _, c := range list {
		v.code(field, c, set, true)
		if seen[c] {
			v.fail(field, "duplicate", fmt.Sprintf("%s lists %q twice", field, c), fmt.Sprintf("%s 重复填写了 %q", field, c))
		}
		seen[c] = true
	}
}

// segments checks segment codes; there are too many to list in a message, so it
// points at the chain map instead.
func (v *validator) segments(list []string, set CodeSet) {
	clip := func(s string) string {
		if r := []rune(s); len(r) > 40 {
			return string(r[:40]) + "…"
		}
		return s
	}
	if len(list) > MaxSegments {
		v.fail("segments", "too_many", fmt.Sprintf("segments has %d entries; at most %d are allowed", len(list), MaxSegments),
			fmt.Sprintf("产业链环节（segments）有 %d 项，最多 %d 项", len(list), MaxSegments))
		return
	}
	seen := map[string]bool{}
	for _, c := range list {
		switch {
		case !set.Has(c):
			v.fail("segments", "unknown_code",
				fmt.Sprintf("segments: %q is not a segment of the chain map; GET /api/v1/chains lists them (e.g. hydrogen.fuel_cell)", clip(c)),
				fmt.Sprintf("产业链环节（segments）：%q 不在产业图谱中，可用的环节见 GET /api/v1/chains（例如 hydrogen.fuel_cell）", clip(c)))
		case seen[c]:
			v.fail("segments", "duplicate", fmt.Sprintf("segments lists %q twice", c), fmt.Sprintf("产业链环节（segments）重复填写了 %q", c))
		}
		seen[c] = true
	}
}

func (v *validator) texts(field string, list []string, maxItems, maxLen int) {
	if len(list) > maxItems {
		v.fail(field, "too_many", fmt.Sprintf("%s has %d entries; at most %d are allowed", field, len(list), maxItems),
			fmt.Sprintf("%s 有 %d 项，最多 %d 项", field, len(list), maxItems))
		return
	}
	for _, s := range list {
		v.text(field, s, maxLen, true)
	}
}

func (v *validator) num(field string, x, min, max float64) {
	if x < min || x > max {
		v.fail(field, "out_of_range", fmt.Sprintf("%s must be between %g and %g; got %g", field, min, max, x),
			fmt.Sprintf("%s 应在 %g 到 %g 之间，实际为 %g", field, min, max, x))
	}
}

func (v *validator) date(field, s string) {
	if s != "" && !ValidDate(s) {
		v.fail(field, "invalid_date", fmt.Sprintf("%s must be a date written YYYY-MM-DD; got %q", field, s),
			fmt.Sprintf("%s 应为 YYYY-MM-DD 格式的日期，实际为 %q", field, s))
	}
}

// Normalize trims text, upper-cases the credit code and lower-cases the e-mail, so
// equal values compare equal. Call it before Validate.
func (p *Profile) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Summary = strings.TrimSpace(p.Summary)
	p.City = strings.TrimSpace(p.City)
	p.CreditCode = strings.ToUpper(strings.TrimSpace(p.CreditCode))
	p.Contact.Email = strings.ToLower(strings.TrimSpace(p.Contact.Email))
	p.Contact.Phone = strings.TrimSpace(p.Contact.Phone)
	for i := range p.Tags {
		p.Tags[i] = strings.TrimSpace(p.Tags[i])
	}
	if p.Kind == Carrier && p.Level == "" {
		p.Level = "none"
	}
	if p.Kind == Startup && p.Status == "" {
		p.Status = "incubating"
	}
}

// Validate checks every client-settable field of p against the contract and cat.
// It returns an *Error of kind ErrInvalid naming the first field at fault.
func (p *Profile) Validate(cat Catalog) error {
	v := &validator{}
	if !p.Kind.Valid() {
		v.fail("kind", "unknown_code", "unknown kind", "未知的资料类型")
		return v.err
	}
	v.text("name", p.Name, MaxName, true)
	v.text("summary", p.Summary, MaxSummary, false)
	v.codes("chains", p.Chains, cat.Chains, MaxChains)
	v.segments(p.Segments, cat.Segments)
	v.texts("tags", p.Tags, MaxTags, MaxTag)
	v.code("district", p.District, cat.Districts, false)
	v.text("city", p.City, MaxShort, false)
	v.text("contact.person", p.Contact.Person, MaxShort, false)
	v.text("contact.phone", p.Contact.Phone, 30, false)
	if p.Contact.Phone != "" && strings.Trim(p.Contact.Phone, "0123456789+-() ") != "" {
		v.fail("contact.phone", "invalid_phone", "contact.phone may hold only digits, spaces and + - ( )",
			"contact.phone 只能包含数字、空格和 + - ( )")
	}
	v.text("contact.email", p.Contact.Email, MaxShort, false)
	if p.Contact.Email != "" {
		if a, err := mail.ParseAddress(p.Contact.Email); err != nil || a.Address != p.Contact.Email {
			v.fail("contact.email", "invalid_email", "contact.email is not an e-mail address", "contact.email 不是有效的电子邮箱")
		}
	}
	v.text("contact.wechat", p.Contact.WeChat, MaxShort, false)

	switch p.Kind {
	case Startup:
		p.validateStartup(v, cat)
	case Mentor:
		v.text("title", p.Title, MaxShort, false)
		v.text("organization", p.Organization, MaxShort, false)
		v.texts("topics", p.Topics, MaxList, MaxTag)
		v.texts("languages", p.Languages, 10, MaxTag)
		v.num("capacity", float64(p.Capacity), 0, 100)
		p.validatePool(v)
	case Investor:
		v.code("type", p.Type, InvestorTypes, true)
		v.codes("stages", p.Stages, Stages, MaxList)
		v.num("ticket_min_wan", p.TicketMinWan, 0, 10_000_000)
		v.num("ticket_max_wan", p.TicketMaxWan, 0, 10_000_000)
		if v.err == nil && p.TicketMaxWan > 0 && p.TicketMinWan > p.TicketMaxWan {
			v.fail("ticket_min_wan", "out_of_range", "ticket_min_wan is above ticket_max_wan", "ticket_min_wan 大于 ticket_max_wan")
		}
		v.codes("instruments", p.Instruments, FundingKinds, MaxList)
		v.codes("regions", p.Regions, cat.Districts, MaxList)
	case Carrier:
		v.code("type", p.Type, CarrierTypes, true)
		v.code("level", p.Level, Levels, true)
		if p.LevelSince != 0 {
			v.num("level_since", float64(p.LevelSince), 1980, 2100)
		}
		v.num("area_sqm", p.AreaSqm, 0, 10_000_000)
		v.num("seats", float64(p.Seats), 0, 100_000)
		v.codes("services", p.Services, OfferServices, MaxList)
		v.date("established", p.Established)
	case Enclave:
		v.code("home_district", p.HomeDistrict, cat.Districts, true)
		v.text("host_city", p.HostCity, MaxShort, false)
		v.code("host_region", p.HostRegion, HostRegions, true)
		v.num("capacity", float64(p.Capacity), 0, 10_000)
		v.codes("services", p.Services, OfferServices, MaxList)
		v.date("established", p.Established)
	case Provider:
		v.code("type", p.Type, ProviderTypes, true)
		v.codes("services", p.Services, OfferServices, MaxList)
	}
	if v.err != nil {
		return v.err
	}
	return nil
}

func (p *Profile) validateStartup(v *validator, cat Catalog) {
	if p.CreditCode != "" && !ValidCreditCode(p.CreditCode) {
		v.fail("credit_code", "invalid_credit_code",
			"credit_code is not a valid unified social credit code (18 characters, GB 32100-2015 check character)",
			"credit_code 不是有效的统一社会信用代码（18 位，校验码不符）")
	}
	v.code("stage", p.Stage, Stages, false)
	v.date("founded", p.Founded)
	v.num("employees", float64(p.Employees), 0, 1_000_000)
	v.num("tech_staff", float64(p.TechStaff), 0, 1_000_000)
	if v.err == nil && p.TechStaff > p.Employees {
		v.fail("tech_staff", "out_of_range", "tech_staff cannot exceed employees", "科技人员数不能大于职工总数")
	}
	v.num("rd_ratio", p.RDRatio, 0, 100)
	v.num("rd_cost_ratio", p.RDCostRatio, 0, 1)
	v.num("patents", float64(p.Patents), 0, 100_000)
	v.num("other_ip", float64(p.OtherIP), 0, 100_000)
	v.num("revenue_wan", p.RevenueWan, 0, 100_000_000)
	v.num("assets_wan", p.AssetsWan, 0, 100_000_000)
	v.text("carrier_id", p.CarrierID, 64, false)
	v.code("status", p.Status, StartupStatuses, false)
	v.date("incubated_since", p.IncubatedSince)
	v.date("graduated_on", p.GraduatedOn)
	if v.err == nil && p.GraduatedOn != "" && p.IncubatedSince != "" && p.GraduatedOn < p.IncubatedSince {
		v.fail("graduated_on", "out_of_range", "graduated_on is before incubated_since", "毕业日期早于入孵日期")
	}
	for _, yr := range []struct {
		field string
		r     *YearResult
	}{{"tech_sme.year", p.TechSME}, {"high_tech.year", p.HighTech}} {
		if yr.r != nil {
			v.num(yr.field, float64(yr.r.Year), 2000, 2100)
		}
	}
	if n := p.Needs; n != nil {
		v.num("needs.funding_wan", n.FundingWan, 0, 10_000_000)
		v.codes("needs.funding_kinds", n.FundingKinds, FundingKinds, MaxList)
		v.texts("needs.mentoring", n.Mentoring, MaxList, MaxTag)
		v.codes("needs.services", n.Services, NeedServices, MaxList)
		v.num("needs.space_sqm", n.SpaceSqm, 0, 1_000_000)
	}
	p.validateTorch(v)
	p.validateEnclaveProject(v)
	_ = cat
}
