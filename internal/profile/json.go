package profile

import "encoding/json"

// plain has Profile's fields without its methods, so marshalling it does not recurse.
type plain Profile

// MarshalJSON writes the common fields and the kind's own fields, contact included.
// Use View to leave the contact out.
func (p Profile) MarshalJSON() ([]byte, error) { return p.View(true) }

// View writes p as the API shows it: common fields, the kind's own fields, empty
// lists as [] rather than null, and the contact only when withContact is true (the
// key is absent otherwise, not empty).
func (p Profile) View(withContact bool) ([]byte, error) {
	q := plain(p)
	for _, s := range []*[]string{&q.Chains, &q.Segments, &q.Tags, &q.Topics, &q.Languages, &q.Stages, &q.Instruments, &q.Regions, &q.Services} {
		if *s == nil {
			*s = []string{}
		}
	}
	if q.Kind == Startup && q.Needs == nil {
		q.Needs = &Needs{}
	}
	if q.Needs != nil {
		n := *q.Needs
		for _, s := range []*[]string{&n.FundingKinds, &n.Mentoring, &n.Services} {
			if *s == nil {
				*s = []string{}
			}
		}
		q.Needs = &n
	}
	raw, err := json.Marshal(q)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, 24)
	keep := func(k string) {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	for _, k := range ServerFields {
		keep(k)
	}
	for _, k := range CommonFields {
		keep(k)
	}
	for _, k := range p.Kind.OwnFields() {
		keep(k)
	}
	if !withContact {
		delete(out, "contact")
	}
	return json.Marshal(out)
}
