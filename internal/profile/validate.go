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
// the same input always reports the same field. Messages name a field by its
// label (labels.go) and never by its code, which the error's Field carries.
type validator struct {
	kind Kind
	err  *Error
}

func (v *validator) fail(field, code, en, zh string) {
	if v.err == nil {
		v.err = Invalid(field, code, en, zh)
	}
}

// l is the label of field on the kind being validated.
func (v *validator) l(field string) Label {
	l, _ := FieldLabel(v.kind, field)
	return l
}

// shown quotes a value a person typed, clipped, for a message.
func shown(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return "“" + s + "”"
}

// zhList lists a code set by its Chinese names.
func zhList(set CodeSet) string {
	out := make([]string, 0, len(set.order))
	for _, c := range set.order {
		out = append(out, set.ZH(c))
	}
	return strings.Join(out, "、")
}

func (v *validator) text(field, s string, max int, required bool) {
	l := v.l(field)
	if required && strings.TrimSpace(s) == "" {
		v.fail(field, "required", l.EN+" is required", l.ZH+"为必填项")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		v.fail(field, "too_long", fmt.Sprintf("%s is %d characters; at most %d are allowed", l.EN, n, max),
			fmt.Sprintf("%s共 %d 个字，最多 %d 个", l.ZH, n, max))
		return
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		v.fail(field, "invalid_text", l.EN+" contains invalid characters", l.ZH+"含有非法字符")
	}
}

func (v *validator) code(field, s string, set CodeSet, required bool) {
	l := v.l(field)
	if s == "" {
		if required {
			v.fail(field, "required", fmt.Sprintf("%s is required; one of: %s", l.EN, set.List()),
				fmt.Sprintf("请选择%s，可选：%s", l.ZH, zhList(set)))
		}
		return
	}
	if !set.Has(s) {
		v.fail(field, "unknown_code", fmt.Sprintf("%q is not a valid %s; valid codes: %s", s, l.EN, set.List()),
			fmt.Sprintf("%s不是可选的%s，可选：%s", shown(s), l.ZH, zhList(set)))
	}
}

func (v *validator) codes(field string, list []string, set CodeSet, max int) {
	l := v.l(field)
	if len(list) > max {
		v.fail(field, "too_many", fmt.Sprintf("%s has %d entries; at most %d are allowed", l.EN, len(list), max),
			fmt.Sprintf("%s选了 %d 项，最多 %d 项", l.ZH, len(list), max))
		return
	}
	seen := map[string]bool{}
	for _, c := range list {
		v.code(field, c, set, true)
		if seen[c] {
			v.fail(field, "duplicate", fmt.Sprintf("%s lists %q twice", l.EN, c), fmt.Sprintf("%s重复选择了%s", l.ZH, shown(set.ZH(c))))
		}
		seen[c] = true
	}
}

// segments checks segment codes; there are too many to list in a message, so it
// points at the chain map instead.
func (v *validator) segments(list []string, set CodeSet) {
	l := v.l("segments")
	if len(list) > MaxSegments {
		v.fail("segments", "too_many", fmt.Sprintf("%s has %d entries; at most %d are allowed", l.EN, len(list), MaxSegments),
			fmt.Sprintf("%s选了 %d 项，最多 %d 项", l.ZH, len(list), MaxSegments))
		return
	}
	seen := map[string]bool{}
	for _, c := range list {
		switch {
		case !set.Has(c):
			v.fail("segments", "unknown_code",
				fmt.Sprintf("%s: %s is not a segment of the chain map; GET /api/v1/chains lists them (e.g. hydrogen.fuel_cell)", l.EN, shown(c)),
				fmt.Sprintf("%s不在产业图谱中，请在产业图谱（产业链环节）中选择", shown(c)))
		case seen[c]:
			v.fail("segments", "duplicate", fmt.Sprintf("%s lists %q twice", l.EN, c), fmt.Sprintf("%s重复选择了%s", l.ZH, shown(set.ZH(c))))
		}
		seen[c] = true
	}
}

func (v *validator) texts(field string, list []string, maxItems, maxLen int) {
	l := v.l(field)
	if len(list) > maxItems {
		v.fail(field, "too_many", fmt.Sprintf("%s has %d entries; at most %d are allowed", l.EN, len(list), maxItems),
			fmt.Sprintf("%s有 %d 项，最多 %d 项", l.ZH, len(list), maxItems))
		return
	}
	for _, s := range list {
		v.text(field, s, maxLen, true)
	}
}

func (v *validator) num(field string, x, min, max float64) {
	if x < min || x > max {
		l := v.l(field)
		minZH, minEN := Quantity(min, l.Unit)
		maxZH, maxEN := Quantity(max, l.Unit)
		gotZH, gotEN := Quantity(x, l.Unit)
		v.fail(field, "out_of_range", fmt.Sprintf("%s must be between %s and %s; got %s", l.EN, minEN, maxEN, gotEN),
			fmt.Sprintf("%s应在 %s 到 %s 之间，填写的是 %s", l.ZH, minZH, maxZH, gotZH))
	}
}

func (v *validator) date(field, s string) {
	if s != "" && !ValidDate(s) {
		l := v.l(field)
		v.fail(field, "invalid_date", fmt.Sprintf("%s must be a date written YYYY-MM-DD (e.g. 2024-03-01); got %q", l.EN, s),
			fmt.Sprintf("%s应为日期，写作 年-月-日（如 2024-03-01），填写的是%s", l.ZH, shown(s)))
	}
}

// order reports a field that must not come before another (a later date, a
// larger number).
func (v *validator) order(field, other, en, zh string) {
	a, b := v.l(field), v.l(other)
	v.fail(field, "out_of_range", fmt.Sprintf("%s %s %s", a.EN, en, b.EN), fmt.Sprintf("%s%s%s", a.ZH, zh, b.ZH))
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
	v := &validator{kind: p.Kind}
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
		v.fail("contact.phone", "invalid_phone", "Phone may hold only digits, spaces and + - ( )",
			"电话只能包含数字、空格和 + - ( )")
	}
	v.text("contact.email", p.Contact.Email, MaxShort, false)
	if p.Contact.Email != "" {
		if a, err := mail.ParseAddress(p.Contact.Email); err != nil || a.Address != p.Contact.Email {
			v.fail("contact.email", "invalid_email", "E-mail is not an e-mail address", "邮箱不是有效的电子邮箱地址")
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
			v.order("ticket_min_wan", "ticket_max_wan", "is above", "大于")
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
			"Unified social credit code is not valid (18 characters with the GB 32100-2015 check character)",
			"统一社会信用代码无效（应为 18 位，末位校验码须相符）")
	}
	v.code("stage", p.Stage, Stages, false)
	v.date("founded", p.Founded)
	v.num("employees", float64(p.Employees), 0, 1_000_000)
	v.num("tech_staff", float64(p.TechStaff), 0, 1_000_000)
	if v.err == nil && p.TechStaff > p.Employees {
		v.order("tech_staff", "employees", "cannot exceed", "不能大于")
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
		v.order("graduated_on", "incubated_since", "is before", "早于")
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
