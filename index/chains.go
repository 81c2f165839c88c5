package index

import (
	"slices"

	"fuhua/internal/profile"
)

// SegmentView is one segment of a chain as the chain-map page shows it: its
// place, its links, how many profiles of each kind work in it, and its gaps.
type SegmentView struct {
	Code     string   `json:"code"`
	ZH       string   `json:"zh"`
	EN       string   `json:"en"`
	Stream   string   `json:"stream"`
	Keywords []string `json:"keywords"`
	// Supplies are the segments this one supplies, possibly of other chains.
	Supplies []string `json:"supplies"`
	// SuppliedBy are the segments that supply this one.
	SuppliedBy []string `json:"supplied_by"`
	Emphasis   bool     `json:"emphasis"`
	Basis      string   `json:"basis"`
	// Counts per kind: the live profiles that work in the segment, declared or
	// read from their text (search's segment filter lists them).
	Counts          map[profile.Kind]int `json:"counts"`
	StartupsByStage map[string]int       `json:"startups_by_stage"`
	Gaps            []Gap                `json:"gaps"`
}

// Gap is something a segment lacks that the plan would want, in both languages.
type Gap struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// ChainView is one chain of the map with its segments in order, upstream first.
type ChainView struct {
	Code     string        `json:"code"`
	ZH       string        `json:"zh"`
	EN       string        `json:"en"`
	District string        `json:"district,omitempty"`
	Segments []SegmentView `json:"segments"`
	// WholeChain counts, per kind, the chain's profiles that name no segment of
	// it: an investor whose thesis is the whole chain, a startup fuhua cannot
	// yet place. They count as covering every segment when gaps are found.
	WholeChain map[profile.Kind]int `json:"whole_chain"`
}

// ChainMap returns the chain's segments with their counts among live profiles,
// limited to a district when district is not empty (an enclave counts for its
// home district). It returns an *profile.Error of kind NotFound for an unknown
// chain and Unavailable while the index loads.
func (ix *Index) ChainMap(chain, district string) (*ChainView, error) {
	segs := ix.lex.ChainSegments(chain)
	zh, en := ix.lex.ChainNames(chain)
	if len(ix.lex.Codes(chain)) == 0 || zh == chain && en == chain {
		return nil, &profile.Error{Kind: profile.ErrNotFound, Code: "not_found", Field: "chain",
			EN: "no such chain on the map: " + clipCode(chain), ZH: "产业图谱中没有这条产业链：" + clipCode(chain)}
	}
	if err := ix.loading(); err != nil {
		return nil, err
	}
	v := &ChainView{Code: chain, ZH: zh, EN: en, District: district, Segments: []SegmentView{}, WholeChain: map[profile.Kind]int{}}
	ix.memory(func(m *memIndex) {
		// Live records only: the keyword sets keep the slots of replaced and
		// removed ones until compaction.
		inChain := m.filtered([][2]string{{fChainAll, chain}})
		if district != "" {
			local := slices.Clone(m.kw[fDistrict][district])
			local.or(m.kw[fHomeDistrict][district])
			inChain.and(local)
		}
		placed := make(bitset, len(inChain))
		for _, s := range segs {
			placed.or(m.kw[fSegAll][s])
		}
		placed.and(inChain)
		whole := slices.Clone(inChain)
		whole.andNot(placed)
		for _, k := range profile.Kinds {
			if n := andCount(whole, m.kw[fKind][string(k)]); n > 0 {
				v.WholeChain[k] = n
			}
		}
		for _, code := range segs {
			sg := ix.lex.Segment(code)
			sv := SegmentView{Code: code, ZH: sg.ZH, EN: sg.EN, Stream: sg.Stream, Keywords: nonNil(sg.Keywords),
				Supplies: []string{}, SuppliedBy: []string{}, Emphasis: sg.Emphasis, Basis: sg.Basis,
				Counts: map[profile.Kind]int{}, StartupsByStage: map[string]int{}, Gaps: []Gap{}}
			for _, adj := range ix.lex.AdjacentSegments(code) {
				if ix.lex.Adjacent(code, adj) > 0 {
					sv.Supplies = append(sv.Supplies, adj)
				} else {
					sv.SuppliedBy = append(sv.SuppliedBy, adj)
				}
			}
			in := slices.Clone(m.kw[fSegAll][code])
			in.and(inChain)
			for _, k := range profile.Kinds {
				sv.Counts[k] = andCount(in, m.kw[fKind][string(k)])
			}
			startups := slices.Clone(in)
			startups.and(m.kw[fKind][string(profile.Startup)])
			for _, st := range profile.Stages.Codes() {
				if n := andCount(startups, m.kw[fStage][st]); n > 0 {
					sv.StartupsByStage[st] = n
				}
			}
			sv.Gaps = gaps(sv, v.WholeChain)
			v.Segments = append(v.Segments, sv)
		}
	})
	return v, nil
}

// gaps are what a segment lacks: startups with no investor or mentor for the
// segment or the whole chain, and a segment the plan emphasises with no carrier.
func gaps(sv SegmentView, whole map[profile.Kind]int) []Gap {
	out := []Gap{}
	has := func(k profile.Kind) bool { return sv.Counts[k]+whole[k] > 0 }
	if sv.Counts[profile.Startup] > 0 && !has(profile.Investor) {
		out = append(out, Gap{"no_investor", "有企业，但没有关注这一环节的投资机构", "Startups, but no investor covers this segment"})
	}
	if sv.Counts[profile.Startup] > 0 && !has(profile.Mentor) {
		out = append(out, Gap{"no_mentor", "有企业，但没有这一环节的创业导师", "Startups, but no mentor knows this segment"})
	}
	if sv.Emphasis && !has(profile.Carrier) {
		out = append(out, Gap{"no_carrier", "规划重点环节，但没有专业孵化载体", "A segment the plan emphasises, with no carrier for it"})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func clipCode(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
