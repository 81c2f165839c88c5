package profile

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func labelCatalog() Catalog {
	return Catalog{
		Districts: NewCodeSet("district", "yannan", "盐南高新区", "dafeng", "大丰区"),
		Chains:    NewCodeSet("chain", "ic", "集成电路", "hydrogen", "氢能"),
		Segments:  NewCodeSet("segment", "hydrogen.fuel_cell", "燃料电池"),
	}
}

// validBase is a profile of kind k that passes validation, with every optional
// nested record present so the walk reaches its fields.
func validBase(k Kind) *Profile {
	p := &Profile{Kind: k, Name: "盐城某某科技"}
	switch k {
	case Startup:
		p.Needs = &Needs{}
		p.TechSME = &YearResult{Year: 2024}
		p.HighTech = &YearResult{Year: 2024}
		p.Torch = &TorchRecord{}
		p.Enclave = &EnclaveProject{EnclaveID: "e1", Stage: "incubating"}
	case Mentor:
		p.Appointments = []Appointment{{CarrierID: "c1", Since: "2024-01-01", Level: "city"}}
	case Investor:
		p.Type = "vc"
	case Carrier:
		p.Type, p.Level = "incubator", "none"
	case Enclave:
		p.HomeDistrict, p.HostRegion = "yannan", "yangtze_delta"
	case Provider:
		p.Type = "law"
	}
	return p
}

// leaf is one settable field reached from a profile, by its dotted JSON path.
type leaf struct {
	path string
	get  func(p *Profile) reflect.Value
}

// leaves walks the fields a client may set on kind k down to strings, numbers,
// lists and flags, through nested records and the first element of a list of
// records.
func leaves(k Kind) []leaf {
	var out []leaf
	var walk func(t reflect.Type, path string, get func(p *Profile) reflect.Value)
	walk = func(t reflect.Type, path string, get func(p *Profile) reflect.Value) {
		for t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
			t = t.Elem()
			inner := get
			get = func(p *Profile) reflect.Value { return inner(p).Elem() }
		}
		switch {
		case t.Kind() == reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" || name == "-" {
					continue
				}
				i := i
				outer := get
				walk(f.Type, path+"."+name, func(p *Profile) reflect.Value { return outer(p).Field(i) })
			}
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
			outer := get
			walk(t.Elem(), path, func(p *Profile) reflect.Value { return outer(p).Index(0) })
		default:
			out = append(out, leaf{strings.TrimPrefix(path, "."), get})
		}
	}
	pt := reflect.TypeOf(Profile{})
	for _, name := range k.WritableFields() {
		for i := 0; i < pt.NumField(); i++ {
			f := pt.Field(i)
			if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
				i := i
				walk(f.Type, name, func(p *Profile) reflect.Value { return reflect.ValueOf(p).Elem().Field(i) })
			}
		}
	}
	return out
}

// badValues are values that break some rule for a field of type t.
func badValues(t reflect.Type) []any {
	long := strings.Repeat("字", MaxSummary+1)
	switch t.Kind() {
	case reflect.Pointer:
		return badValues(t.Elem())
	case reflect.String:
		return []any{long, "坏\x00值", "不存在的值"}
	case reflect.Slice:
		many := make([]string, 30)
		for i := range many {
			many[i] = "甲" + strings.Repeat("乙", i)
		}
		return []any{many, []string{"甲", "甲"}, []string{long}, []string{"不存在的值"}, []string{""}}
	case reflect.Int:
		return []any{-1, 1_000_000_000_000}
	case reflect.Float64:
		return []any{-1e12, 1e12}
	}
	return nil
}

func set(v reflect.Value, x any) {
	if v.Kind() == reflect.Pointer {
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(reflect.ValueOf(x).Convert(v.Type().Elem()))
		v.Set(n)
		return
	}
	v.Set(reflect.ValueOf(x).Convert(v.Type()))
}

var (
	snakeCode = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+`)
	dotted    = regexp.MustCompile(`[a-z]+\.[a-z]`)
	exponent  = regexp.MustCompile(`\d[eE][+-]?\d`)
	hexRun    = regexp.MustCompile(`[0-9a-f]{8,}`)
)

// checkReadable fails when a Chinese message shows a field code, a number in
// exponent notation or something that looks like an id, or does not name the
// field by its label; and when the English one does not name it either.
func checkReadable(t *testing.T, k Kind, e *Error) {
	t.Helper()
	zh := e.ZH
	if m := snakeCode.FindString(zh); m != "" {
		t.Errorf("%s %s: zh shows the code %q: %s", k, e.Field, m, zh)
	}
	if m := dotted.FindString(zh); m != "" {
		t.Errorf("%s %s: zh shows a dotted code %q: %s", k, e.Field, m, zh)
	}
	for _, f := range LabeledFields(k) {
		for _, part := range strings.Split(f, ".") {
			if regexp.MustCompile(`(^|[^A-Za-z_])` + part + `($|[^A-Za-z_])`).MatchString(zh) {
				t.Errorf("%s %s: zh shows the field code %q: %s", k, e.Field, part, zh)
			}
		}
	}
	if m := exponent.FindString(zh); m != "" {
		t.Errorf("%s %s: zh shows a number in exponent notation %q: %s", k, e.Field, m, zh)
	}
	for _, m := range hexRun.FindAllString(zh, -1) {
		if strings.ContainsAny(m, "abcdef") {
			t.Errorf("%s %s: zh shows an id-like %q: %s", k, e.Field, m, zh)
		}
	}
	l, ok := FieldLabel(k, e.Field)
	if !ok {
		t.Errorf("%s: field %q has no label", k, e.Field)
	}
	if !strings.Contains(zh, l.ZH) {
		t.Errorf("%s %s: zh does not name the field as %q: %s", k, e.Field, l.ZH, zh)
	}
	if !strings.Contains(e.EN, l.EN) || exponent.MatchString(e.EN) {
		t.Errorf("%s %s: en does not name the field as %q or shows an exponent: %s", k, e.Field, l.EN, e.EN)
	}
}

func TestEveryFieldHasALabel(t *testing.T) {
	for _, k := range Kinds {
		for _, lf := range leaves(k) {
			if _, ok := FieldLabel(k, lf.path); !ok {
				t.Errorf("%s: %s has no label", k, lf.path)
			}
		}
	}
	if l, _ := FieldLabel(Mentor, "appointments[1].since"); l.ZH != "第 2 项导师聘任的聘任日期" {
		t.Errorf("indexed label %q", l.ZH)
	}
}

// TestEveryRuleMessageIsReadable breaks every field of every kind in every way
// its type allows and reads each message the validation gives; every text and
// number field must refuse at least one of the values.
func TestEveryRuleMessageIsReadable(t *testing.T) {
	cat := labelCatalog()
	messages := 0
	for _, k := range Kinds {
		if err := validBase(k).Validate(cat); err != nil {
			t.Fatalf("%s: the base profile is refused: %v", k, err)
		}
		for _, lf := range leaves(k) {
			refused := false
			for _, bad := range badValues(lf.get(validBase(k)).Type()) {
				p := validBase(k)
				set(lf.get(p), bad)
				err := p.Validate(cat)
				if err == nil {
					continue
				}
				e, ok := AsError(err)
				if !ok {
					t.Fatalf("%s %s: %v is not an *Error", k, lf.path, err)
				}
				messages++
				checkReadable(t, k, e)
				if strings.ReplaceAll(strings.ReplaceAll(e.Field, "[0]", ""), "appointments.", "appointments.") == lf.path {
					refused = true
				}
			}
			if kind := lf.get(validBase(k)).Kind(); !refused && kind != reflect.Bool &&
				!(kind == reflect.Pointer && lf.get(validBase(k)).Type().Elem().Kind() == reflect.Bool) {
				t.Errorf("%s %s: no bad value was refused on this field", k, lf.path)
			}
		}
	}
	// The rules that join two fields, and the formats.
	num := func(x int) *int { return &x }
	for name, tc := range map[string]struct {
		k     Kind
		edit  func(p *Profile)
		field string
	}{
		"tech staff above employees": {Startup, func(p *Profile) { p.Employees, p.TechStaff = 3, 5 }, "tech_staff"},
		"graduated before incubated": {Startup, func(p *Profile) { p.IncubatedSince, p.GraduatedOn = "2024-01-01", "2023-01-01" }, "graduated_on"},
		"ticket min above max":       {Investor, func(p *Profile) { p.TicketMinWan, p.TicketMaxWan = 500, 100 }, "ticket_min_wan"},
		"credit code":                {Startup, func(p *Profile) { p.CreditCode = "91320900MA1MXXXX01" }, "credit_code"},
		"phone":                      {Startup, func(p *Profile) { p.Contact.Phone = "电话号码" }, "contact.phone"},
		"email":                      {Startup, func(p *Profile) { p.Contact.Email = "不是邮箱" }, "contact.email"},
		"type missing":               {Investor, func(p *Profile) { p.Type = "" }, "type"},
		"landed without date":        {Startup, func(p *Profile) { p.Enclave.Stage = "landed" }, "enclave.landed_on"},
		"date for an unlanded":       {Startup, func(p *Profile) { p.Enclave.LandedOn = "2024-01-01" }, "enclave.stage"},
		"landed before since": {Startup, func(p *Profile) {
			p.Enclave = &EnclaveProject{EnclaveID: "e", Stage: "landed", Since: "2024-01-01", LandedOn: "2023-01-01", ParkID: "c"}
		}, "enclave.landed_on"},
		"appointment until before since": {Mentor, func(p *Profile) { p.Appointments[0].Until = "2023-01-01" }, "appointments[0].until"},
		"appointment twice":              {Mentor, func(p *Profile) { p.Appointments = append(p.Appointments, p.Appointments[0]) }, "appointments[1].carrier_id"},
		"appointment without since":      {Mentor, func(p *Profile) { p.Appointments[0].Since = "" }, "appointments[0].since"},
		"too many appointments": {Mentor, func(p *Profile) {
			for i := 0; i < MaxAppointments; i++ {
				p.Appointments = append(p.Appointments, Appointment{CarrierID: string(rune('a' + i)), Since: "2024-01-01", Level: "city"})
			}
		}, "appointments"},
		"huge funding": {Startup, func(p *Profile) { p.Needs.FundingWan = 2e7 }, "needs.funding_wan"},
		"torch staff":  {Startup, func(p *Profile) { p.Torch.StaffCollege = num(-3) }, "torch.staff_college"},
		"capacity":     {Enclave, func(p *Profile) { p.Capacity = 20000 }, "capacity"},
	} {
		p := validBase(tc.k)
		tc.edit(p)
		e, ok := AsError(p.Validate(cat))
		if !ok || e.Field != tc.field {
			t.Errorf("%s: got %+v, want an error on %s", name, e, tc.field)
			continue
		}
		messages++
		checkReadable(t, tc.k, e)
	}
	if messages < 100 {
		t.Errorf("only %d messages read; the walk missed fields", messages)
	}
	t.Logf("%d messages read", messages)
}

// TestLimitsReadAsPeopleCount pins the wording of a limit in 万元, a percentage
// and a count.
func TestLimitsReadAsPeopleCount(t *testing.T) {
	for _, tc := range []struct {
		edit func(p *Profile)
		want string
	}{
		{func(p *Profile) { p.Needs.FundingWan = 2e7 }, "融资需求（万元）应在 0 万元 到 1000 亿元 之间，填写的是 2000 亿元"},
		{func(p *Profile) { p.RDCostRatio = 1.5 }, "研发费用占成本费用比例应在 0% 到 100% 之间，填写的是 150%"},
		{func(p *Profile) { p.Employees = -2 }, "职工总数应在 0 人 到 100 万人 之间，填写的是 -2 人"},
		{func(p *Profile) { p.TechSME.Year = 1999 }, "科技型中小企业评价年度应在 2000 年 到 2100 年 之间，填写的是 1999 年"},
	} {
		p := validBase(Startup)
		tc.edit(p)
		e, _ := AsError(p.Validate(labelCatalog()))
		if e == nil || e.ZH != tc.want {
			t.Errorf("got %+v\nwant %s", e, tc.want)
		}
	}
	if b, _ := json.Marshal(Label{}); len(b) == 0 {
		t.Fatal("label does not marshal")
	}
}
