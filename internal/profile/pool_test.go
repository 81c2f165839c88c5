package profile

import (
	"strings"
	"testing"
)

func TestAppointmentsValidation(t *testing.T) {
	cat := Catalog{Districts: NewCodeSet("district", "yannan", "盐南高新区"), Chains: NewCodeSet("chain", "ic", "集成电路")}
	ok := Appointment{CarrierID: "c1", Since: "2023-05-01", Level: "provincial"}
	for name, tc := range map[string]struct {
		p     Profile
		field string
	}{
		"none needed": {Profile{}, ""},
		"good":        {Profile{Appointments: []Appointment{ok}, PoolStatus: "active"}, ""},
		"no carrier":  {Profile{Appointments: []Appointment{{Since: "2023-05-01", Level: "city"}}}, "appointments[0].carrier_id"},
		"no since":    {Profile{Appointments: []Appointment{{CarrierID: "c", Level: "city"}}}, "appointments[0].since"},
		"bad since":   {Profile{Appointments: []Appointment{{CarrierID: "c", Since: "2023-13-01", Level: "city"}}}, "appointments[0].since"},
		"until first": {Profile{Appointments: []Appointment{{CarrierID: "c", Since: "2023-05-01", Until: "2023-04-30", Level: "city"}}}, "appointments[0].until"},
		"until same":  {Profile{Appointments: []Appointment{{CarrierID: "c", Since: "2023-05-01", Until: "2023-05-01", Level: "city"}}}, ""},
		"level":       {Profile{Appointments: []Appointment{{CarrierID: "c", Since: "2023-05-01", Level: "municipal"}}}, "appointments[0].level"},
		"no level":    {Profile{Appointments: []Appointment{{CarrierID: "c", Since: "2023-05-01"}}}, "appointments[0].level"},
		"twice":       {Profile{Appointments: []Appointment{ok, ok}}, "appointments[1].carrier_id"},
		"pool status": {Profile{PoolStatus: "retired"}, "pool_status"},
		"too many":    {Profile{Appointments: make([]Appointment, MaxAppointments+1)}, "appointments"},
	} {
		p := tc.p
		p.Kind, p.Name = Mentor, "王导师"
		err := p.Validate(cat)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		e, isErr := AsError(err)
		if !isErr || e.Field != tc.field || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: %v, want invalid %s", name, err, tc.field)
		}
		if tc.field == "appointments[0].level" && !strings.Contains(e.EN, "national, provincial, city") {
			t.Errorf("%s: the valid levels are not listed: %s", name, e.EN)
		}
	}
}
