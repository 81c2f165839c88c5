package profile_test

// FROZEN: this file is a copy of Profile.View as it was before View was rewritten
// to pick the members out of one encoding (commit "profile: View marshals once").
// It is the reference TestViewSameAsReference, FuzzView and BenchmarkView compare
// the new View with, byte for byte. Do not edit it in step with View: a change
// meant to alter what View writes deletes this file (and the comparisons with it)
// instead.

import (
	"encoding/json"

	"fuhua/internal/profile"
)

// refPlain has Profile's fields without its methods, so marshalling it does not recurse.
type refPlain profile.Profile

// refView is the old Profile.View: marshal, unmarshal into a map of raw values,
// keep the allowed keys, drop the contact unless withContact, marshal the map.
func refView(p profile.Profile, withContact bool) ([]byte, error) {
	q := refPlain(p)
	for _, s := range []*[]string{&q.Chains, &q.Segments, &q.Tags, &q.Topics, &q.Languages, &q.Stages, &q.Instruments, &q.Regions, &q.Services} {
		if *s == nil {
			*s = []string{}
		}
	}
	if q.Kind == profile.Startup && q.Needs == nil {
		q.Needs = &profile.Needs{}
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
	for _, k := range profile.ServerFields {
		keep(k)
	}
	for _, k := range profile.CommonFields {
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
