package seed

// TEMPORARY development copy of the loader: the mapdata branch brings the real one.

// Segment is one link of an industry chain.
type Segment struct {
	Code     string   `json:"code"`
	Chain    string   `json:"-"`
	ZH       string   `json:"zh"`
	EN       string   `json:"en"`
	Stream   string   `json:"stream"`
	Keywords []string `json:"keywords"`
	Context  []string `json:"context,omitempty"`
	Supplies []string `json:"supplies,omitempty"`
	Emphasis bool     `json:"emphasis,omitempty"`
	Basis    string   `json:"basis"`
}

// ChainSegments is one chain's segments.
type ChainSegments struct {
	Chain    string    `json:"chain"`
	Depth    string    `json:"depth"`
	Segments []Segment `json:"segments"`
}

// ChainMap is the industry technology map.
type ChainMap struct {
	Version string            `json:"version"`
	Sources map[string]string `json:"sources"`
	Chains  []ChainSegments   `json:"chains"`
}

// Map returns the map.
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

// Topic is a mentoring topic.
type Topic struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// NeedsLexicon is needs.json.
type NeedsLexicon struct {
	Version      string              `json:"version"`
	Services     map[string][]string `json:"services"`
	FundingKinds map[string][]string `json:"funding_kinds"`
	Stages       map[string][]string `json:"stages"`
	Mentoring    map[string][]string `json:"mentoring"`
	Topics       []Topic             `json:"topics"`
	Space        []string            `json:"space"`
	NeedMarkers  []string            `json:"need_markers"`
}

// Needs returns the needs lexicon.
func Needs() NeedsLexicon {
	var n NeedsLexicon
	load("needs.json", &n)
	return n
}

// Host is an enclave host place.
type Host struct {
	HostCity   string   `json:"host_city"`
	HostRegion string   `json:"host_region"`
	StrongIn   []string `json:"strong_in"`
	Basis      string   `json:"basis"`
}

// Hosts returns the host places.
func Hosts() []Host {
	var h []Host
	load("hosts.json", &h)
	return h
}
