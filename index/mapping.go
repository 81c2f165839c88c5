// Package index is fuhua's search index: one Bleve (scorch) index on local disk
// holding the public fields of every live profile, the follower that keeps it in
// step with the database, free-text search with facets, and candidate retrieval
// for matching. The index is derived: it can always be rebuilt from the database.
//
// Contact details and owner ids are never indexed or stored: Bleve's query syntax
// can probe any indexed field, and the stored document is returned to anyone who
// can search.
package index

import (
	"encoding/json"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"

	"fuhua/internal/match"
	"fuhua/internal/profile"
)

// MappingVersion names the shape of Mapping and of the documents built by
// document. Open rebuilds an index written with another version, so changing
// either only needs this constant bumped.
const MappingVersion = "fuhua-4"

// none is indexed in a keyword field that is empty, so that a filter can say
// "this value, or no restriction at all" with two terms instead of a negation.
const none = "_none"

// Field names of the index. The text fields are the allow-list that free-text
// search queries; the keyword fields are the filters and facets.
const (
	fKind         = "kind"
	fName         = "name"
	fSummary      = "summary"
	fTags         = "tags"
	fTopics       = "topics"
	fChains       = "chains"
	fChainAll     = "chain_all"
	fSegAll       = "segment_all"
	fDistrict     = "district"
	fStage        = "stage"
	fType         = "type"
	fStatus       = "status"
	fStages       = "stages"
	fInstruments  = "instruments"
	fRegions      = "regions"
	fServices     = "services"
	fNeedServices = "need_services"
	fFundingKinds = "funding_kinds"
	fHomeDistrict = "home_district"
	fHostRegion   = "host_region"
	fFunding      = "funding_wan"
	fTicketMin    = "ticket_min_wan"
	fTicketMax    = "ticket_max_wan"
	fCapacity     = "capacity"
	fEmployees    = "employees"
	fSeats        = "seats"
	fAreaSqm      = "area_sqm"
	fHardTech     = "hard_tech"
	fSeq          = "seq"
	fVersion      = "version"
	fSource       = "src"
	fReading      = "reading"
)

var keywordFields = []string{fKind, fChains, fChainAll, fSegAll, fDistrict, fStage, fType, fStatus, fStages, fInstruments,
	fRegions, fServices, fNeedServices, fFundingKinds, fHomeDistrict, fHostRegion}

var numericFields = []string{fFunding, fTicketMin, fTicketMax, fCapacity, fEmployees, fSeats, fAreaSqm}

// Mapping is the one definition of what the index holds and how it is analysed.
// Chinese text uses Bleve's cjk analyser (overlapping character pairs), so 半导体
// is found inside 第三代半导体功率器件; codes are keywords; money and sizes are
// numbers. Nothing is indexed dynamically: a field not named here is not
// searchable, which is what keeps private fields out.
func Mapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = keyword.Name

	dm := bleve.NewDocumentStaticMapping()
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = cjk.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = store // for highlighting
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm.AddFieldMappingsAt(fName, text(true))
	dm.AddFieldMappingsAt(fSummary, text(true))
	dm.AddFieldMappingsAt(fTags, text(false))
	dm.AddFieldMappingsAt(fTopics, text(false))
	for _, name := range keywordFields {
		f := bleve.NewKeywordFieldMapping()
		f.Store = name == fKind // search hits name their kind
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		dm.AddFieldMappingsAt(name, f)
	}
	for _, name := range numericFields {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		dm.AddFieldMappingsAt(name, f)
	}
	ht := bleve.NewBooleanFieldMapping()
	ht.Store = false
	ht.IncludeInAll = false
	dm.AddFieldMappingsAt(fHardTech, ht)
	for _, name := range []string{fSeq, fVersion} {
		f := bleve.NewNumericFieldMapping()
		f.Index = false
		f.Store = true
		f.DocValues = false
		f.IncludeInAll = false
		dm.AddFieldMappingsAt(name, f)
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.DocValues = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	dm.AddFieldMappingsAt(fSource, storedOnly())
	// The lexicon's reading of the profile (match.Lexicon.AppendReading), so
	// that a start restores it instead of reading every profile's text again.
	// Stored only: it is bytes, not text, and never searched or returned.
	dm.AddFieldMappingsAt(fReading, storedOnly())

	im.DefaultMapping = dm
	return im
}

// publicJSON is the profile as anyone may see it: the API's view without the
// contact, and without the owner's account id.
func publicJSON(p *profile.Profile) (string, error) {
	q := *p
	q.Contact = profile.Contact{}
	q.OwnerID = ""
	raw, err := q.View(false)
	if err != nil {
		return "", err
	}
	if s, ok := dropEmptyOwner(raw); ok {
		return s, nil
	}
	return publicJSONSlow(raw)
}

// ownerKey is how the view writes an empty owner id after another key.
const ownerKey = `,"owner_id":""`

// dropEmptyOwner is raw without its empty owner id, when the view is what
// publicJSONSlow would turn it into otherwise: a compact object with sorted
// keys (json.Marshal of a map, as View writes it, so valid), no contact key, and the
// owner id written once, empty, after another key. Inside a JSON string every
// quote is escaped, so ownerKey can only be the key itself. The result is the
// same bytes as publicJSONSlow's, at a fraction of its cost (rebuild and every
// write derive it).
func dropEmptyOwner(raw []byte) (string, bool) {
	s := string(raw)
	i := strings.Index(s, ownerKey)
	if i < 0 || strings.Contains(s[i+len(ownerKey):], ownerKey) || strings.Contains(s, `"contact":`) {
		return "", false
	}
	return s[:i] + s[i+len(ownerKey):], true
}

// publicJSONSlow removes the owner id and contact from a view by decoding it
// into its keys and encoding it again.
func publicJSONSlow(raw []byte) (string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", err
	}
	delete(m, "owner_id")
	delete(m, "contact")
	raw, err := json.Marshal(m)
	return string(raw), err
}

// fromPublic decodes a stored document back into a profile (without contact).
func fromPublic(src string, seq int64) (*profile.Profile, error) {
	var p profile.Profile
	if err := json.Unmarshal([]byte(src), &p); err != nil {
		return nil, err
	}
	p.Contact = profile.Contact{}
	p.Seq = seq
	return &p, nil
}

func orNone(list []string) []string {
	if len(list) == 0 {
		return []string{none}
	}
	return list
}

func strOrNone(s string) string {
	if s == "" {
		return none
	}
	return s
}

// document is what the index holds for p: only public fields, chosen one by one.
// chain_all adds the chains the prose names (燃料电池 → hydrogen), which is how
// synonyms reach filters, facets and candidate retrieval. It also returns the
// record of p for the memory side of the index: the public view of p as stored,
// prepared. The chains and segments indexed are those of the public view's
// reading, which is stored too, as the memory copy files them.
func document(p *profile.Profile, lex *match.Lexicon) (map[string]any, *record, error) {
	src, err := publicJSON(p)
	if err != nil {
		return nil, nil, err
	}
	pub, err := fromPublic(src, p.Seq)
	if err != nil {
		return nil, nil, err
	}
	pub.ID = p.ID
	rec := newRecord(pub, lex)
	var funding float64
	if n := p.Needs; n != nil {
		funding = n.FundingWan
	}
	doc := map[string]any{
		fFunding:   funding,
		fTicketMin: p.TicketMinWan,
		fTicketMax: p.TicketMaxWan,
		fCapacity:  float64(p.Capacity),
		fEmployees: float64(p.Employees),
		fSeats:     float64(p.Seats),
		fAreaSqm:   p.AreaSqm,
		fHardTech:  p.HardTech,
		fSeq:       float64(p.Seq),
		fVersion:   float64(p.Version),
		fSource:    src,
		fReading:   string(lex.AppendReading(nil, rec.prep)),
	}
	for f, v := range textValues(p) {
		doc[f] = v
	}
	for f, v := range keywordValues(p, rec.prep.Reading()) {
		if f == fKind || f == fDistrict || f == fStage || f == fType || f == fHomeDistrict || f == fHostRegion || f == fStatus {
			doc[f] = v[0]
		} else {
			doc[f] = v
		}
	}
	return doc, rec, nil
}

// textValues is the text of p's analysed fields, as the index analyses it.
func textValues(p *profile.Profile) map[string]string {
	topics := append([]string(nil), p.Topics...)
	if n := p.Needs; n != nil {
		topics = append(topics, n.Mentoring...)
	}
	return map[string]string{
		fName:    p.Name,
		fSummary: p.Summary,
		fTags:    strings.Join(p.Tags, "\n"),
		fTopics:  strings.Join(topics, "\n"),
	}
}

// keywordValues is the value list of every keyword field of p, with none for an
// empty one. Single-valued fields have a list of one. r is what the lexicon reads
// of p (match.Lexicon.Read): its chains and segments, declared or inferred.
func keywordValues(p *profile.Profile, r *match.Reading) map[string][]string {
	chainAll := r.Members()
	var needServices, fundingKinds []string
	if n := p.Needs; n != nil {
		needServices, fundingKinds = n.Services, n.FundingKinds
	}
	services := p.Services
	if p.Kind == profile.Provider && p.Type != "" {
		services = append(append([]string(nil), services...), p.Type)
	}
	one := func(s string) []string { return []string{strOrNone(s)} }
	return map[string][]string{
		fKind:         {string(p.Kind)},
		fChains:       orNone(p.Chains),
		fChainAll:     orNone(chainAll),
		fSegAll:       orNone(r.Placed()),
		fDistrict:     one(p.District),
		fStage:        one(p.Stage),
		fType:         one(p.Type),
		fStatus:       one(p.Status),
		fStages:       orNone(p.Stages),
		fInstruments:  orNone(p.Instruments),
		fRegions:      orNone(p.Regions),
		fServices:     orNone(services),
		fNeedServices: orNone(needServices),
		fFundingKinds: orNone(fundingKinds),
		fHomeDistrict: one(p.HomeDistrict),
		fHostRegion:   one(p.HostRegion),
	}
}
