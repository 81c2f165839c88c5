// Package seed holds fuhua's data: the districts, the chain list with synonyms, the
// plan's targets, the bodies the plan names, and the deterministic demo generator.
// The data files are embedded; this package only parses them.
package seed

import (
	"embed"
	"encoding/json"
	"fmt"

	"fuhua/internal/profile"
)

//go:embed *.json
var files embed.FS

// District is one Yancheng district (county, city or zone) with its names.
type District struct {
	Code   string `json:"code"`
	ZH     string `json:"zh"`
	EN     string `json:"en"`
	FullZH string `json:"full_zh,omitempty"`
}

// Chain is one industry chain: its code, names, the 5+2 group it belongs to, whether
// the city's documents confirm it, and the keywords (Chinese and English) that point
// to it in free text.
type Chain struct {
	Code      string   `json:"code"`
	ZH        string   `json:"zh"`
	EN        string   `json:"en"`
	Parent    string   `json:"parent,omitempty"`
	Confirmed bool     `json:"confirmed,omitempty"`
	Future    bool     `json:"future,omitempty"`
	Note      string   `json:"note,omitempty"`
	Synonyms  []string `json:"synonyms"`
	// Group marks the seven "5+2" strategic emerging industries; other chains name
	// one of them (or nothing) as Parent.
	Group bool `json:"group,omitempty"`
	// Tier is the chain's tier among the 23 key chains (landmark, advantage,
	// potential) where a source gives it.
	Tier string `json:"tier,omitempty"`
	// Related lists chains a match may reach across (air_pollution ~ env), as the
	// reference suggests; unlike Synonyms these are codes, not words.
	Related []string `json:"related,omitempty"`
}

func load(name string, into any) {
	raw, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("seed: %s: %v", name, err)) // embedded at build time: cannot happen at run time
	}
	if err := json.Unmarshal(raw, into); err != nil {
		panic(fmt.Sprintf("seed: %s: %v", name, err)) // a broken data file fails every test at once
	}
}

// Districts returns the districts in the plan's order.
func Districts() []District {
	var ds []District
	load("districts.json", &ds)
	return ds
}

// Chains returns the chain list.
func Chains() []Chain {
	var cs []Chain
	load("chains.json", &cs)
	return cs
}

// Catalog returns the code lists profiles are validated against.
func Catalog() profile.Catalog {
	var d, c []string
	for _, x := range Districts() {
		d = append(d, x.Code, x.ZH)
	}
	for _, x := range Chains() {
		c = append(c, x.Code, x.ZH)
	}
	var sg []string
	for _, ch := range Map().Chains {
		for _, x := range ch.Segments {
			sg = append(sg, x.Code, x.ZH)
		}
	}
	return profile.Catalog{
		Districts: profile.NewCodeSet("district", d...),
		Chains:    profile.NewCodeSet("chain", c...),
		Segments:  profile.NewCodeSet("segment", sg...),
	}
}
