package seed

// The 产业技术图谱 (industry technology map, plan task 15): each chain as its
// segments from upstream to downstream, with the words that identify them and the
// segments they supply; the lexicon that reads needs written in prose; and the
// enclave host cities with the segments they are strong in. The data is
// chainmap.json, needs.json and hosts.json; this file only parses them.

// Streams, in their order along a chain.
const (
	// Upstream segments supply materials, equipment and core parts.
	Upstream = "upstream"
	// Midstream segments make the chain's main products.
	Midstream = "midstream"
	// Downstream segments integrate, apply, operate or serve.
	Downstream = "downstream"
)

// Depths of a chain's segmentation.
const (
	// DeepChain is a chain the plan names, segmented in depth (5–8 segments).
	DeepChain = "deep"
	// OutlineChain is segmented in outline (3–5 segments).
	OutlineChain = "outline"
)

// Segment is one link of a chain: 制氢, 燃料电池, 衬底 …
type Segment struct {
	// Code is "<chain>.<segment>", lower-case ASCII (hydrogen.fuel_cell).
	Code string `json:"code"`
	// Chain is the code of the chain the segment belongs to, filled by Map from
	// the enclosing chain (it is not repeated in the file).
	Chain string `json:"-"`
	ZH    string `json:"zh"`
	EN    string `json:"en"`
	// Stream is Upstream, Midstream or Downstream.
	Stream string `json:"stream"`
	// Keywords identify the segment: one of them in a firm's text is evidence
	// that the firm works in it. Chinese and English, with the abbreviations
	// people write (MEA, PVT, OSAT, BMS).
	Keywords []string `json:"keywords"`
	// Context words mention the segment without making a firm a member:
	// applications, customers, scenes (港口物流车 for hydrogen applications).
	Context []string `json:"context"`
	// Supplies lists the segments this one supplies (its customers), in this
	// chain or in others.
	Supplies []string `json:"supplies"`
	// Narrower is set on the segments of the 5+2 group chains only: the
	// sub-chain segments this general segment sums up (new_energy.solar → pv.*).
	// A hit on such a segment says "works in that sub-chain, segment unknown".
	Narrower []string `json:"narrower,omitempty"`
	// Emphasis marks a segment the plan or the city emphasises; Basis cites it.
	Emphasis bool `json:"emphasis,omitempty"`
	// Basis says where the segmentation and links come from: "[src: Y2] …",
	// "[own] …" (domain knowledge) or "[guess] …".
	Basis string `json:"basis"`
}

// ChainSegments is one chain's segments, upstream to downstream.
type ChainSegments struct {
	// Chain is a code from chains.json.
	Chain string `json:"chain"`
	// Depth is DeepChain or OutlineChain.
	Depth    string    `json:"depth"`
	Segments []Segment `json:"segments"`
}

// ChainMap is the whole industry technology map.
type ChainMap struct {
	Version string `json:"version"`
	// Note explains to a reader how the words are meant to be used.
	Note string `json:"note,omitempty"`
	// Sources maps the source ids cited in Basis ("P1", "Y10") to what they are.
	Sources map[string]string `json:"sources"`
	// ApplicationMarkers introduce a firm's customers and applications (面向, 用于,
	// customers include): a segment named right after one, outside the firm's own
	// chains, is a customer's segment, not the firm's.
	ApplicationMarkers []string        `json:"application_markers"`
	Chains             []ChainSegments `json:"chains"`
}

// Map returns the industry technology map, every segment's Chain filled. It parses
// the embedded file on every call; callers keep the result.
func Map() ChainMap {
	var m ChainMap
	load("chainmap.json", &m)
	for i := range m.Chains {
		for j := range m.Chains[i].Segments {
			m.Chains[i].Segments[j].Chain = m.Chains[i].Chain
		}
	}
	return m
}

// Segments lists every segment of the map, chain by chain, each in stream order.
func (m ChainMap) Segments() []Segment {
	var out []Segment
	for _, c := range m.Chains {
		out = append(out, c.Segments...)
	}
	return out
}

// Segment finds a segment by its code.
func (m ChainMap) Segment(code string) (Segment, bool) {
	for _, c := range m.Chains {
		for _, s := range c.Segments {
			if s.Code == code {
				return s, true
			}
		}
	}
	return Segment{}, false
}

// Chain finds one chain's segments by the chain's code.
func (m ChainMap) Chain(code string) (ChainSegments, bool) {
	for _, c := range m.Chains {
		if c.Chain == code {
			return c, true
		}
	}
	return ChainSegments{}, false
}

// Topic is a subject a startup may seek a mentor's help with.
type Topic struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// NeedsLexicon holds the words that state a need in prose, so that a need written
// only in a summary (急需专利布局, 寻求天使轮, 需要检测认证) is read as one. Map keys
// are the profile package's codes.
type NeedsLexicon struct {
	Version string `json:"version"`
	// Services maps each code of profile.NeedServices to the words naming it.
	Services map[string][]string `json:"services"`
	// FundingKinds maps each code of profile.FundingKinds to its words.
	FundingKinds map[string][]string `json:"funding_kinds"`
	// Stages maps each code of profile.Stages to the words naming that round.
	Stages map[string][]string `json:"stages"`
	// Topics names the mentoring topics; Mentoring gives each topic's words.
	Topics    []Topic             `json:"topics"`
	Mentoring map[string][]string `json:"mentoring"`
	// Space lists words for a need of space (场地, 厂房, 洁净室).
	Space []string `json:"space"`
	// NeedMarkers mark a sentence as stating a need (急需, 寻求, looking for).
	NeedMarkers []string `json:"need_markers"`
}

// Needs returns the needs lexicon.
func Needs() NeedsLexicon {
	var n NeedsLexicon
	load("needs.json", &n)
	return n
}

// Host is a city where Yancheng sets up enclaves (科创飞地), with the segments it
// is strong in, for ranking enclaves by the host region's strength in a segment.
type Host struct {
	HostCity   string `json:"host_city"`
	HostCityEN string `json:"host_city_en"`
	// HostRegion is a code of profile.HostRegions.
	HostRegion string `json:"host_region"`
	// StrongIn lists segment codes of the map.
	StrongIn []string `json:"strong_in"`
	// Basis says how the strengths are known ([own] or [guess] unless sourced).
	Basis string `json:"basis"`
}

// Hosts returns the enclave host cities.
func Hosts() []Host {
	var hs []Host
	load("hosts.json", &hs)
	return hs
}
