package profile

import (
	"sort"
	"time"
)

// Kind names one of the six kinds of profile.
type Kind string

// The six kinds.
const (
	Startup  Kind = "startup"
	Mentor   Kind = "mentor"
	Investor Kind = "investor"
	Carrier  Kind = "carrier"
	Enclave  Kind = "enclave"
	Provider Kind = "provider"
)

// Kinds lists every kind in a fixed order.
var Kinds = []Kind{Startup, Mentor, Investor, Carrier, Enclave, Provider}

// kindInfo is what the contract fixes per kind: its URL path and its own fields.
type kindInfo struct {
	path   string
	zh     string
	fields []string
}

var kinds = map[Kind]kindInfo{
	Startup: {"startups", "企业", []string{"credit_code", "stage", "founded", "employees", "tech_staff",
		"rd_ratio", "rd_cost_ratio", "patents", "other_ip", "revenue_wan", "assets_wan", "carrier_id", "status",
		"incubated_since", "graduated_on", "tech_sme", "high_tech", "needs", "torch", "enclave"}},
	Mentor: {"mentors", "导师", []string{"title", "organization", "topics", "languages", "capacity", "remote",
		"appointments", "pool_status"}},
	Investor: {"investors", "投资机构", []string{"type", "stages", "ticket_min_wan", "ticket_max_wan", "instruments", "regions", "hard_tech"}},
	Carrier: {"carriers", "孵化载体", []string{"type", "level", "level_since", "benchmark", "professional", "international",
		"area_sqm", "seats", "services", "established"}},
	Enclave:  {"enclaves", "科创飞地", []string{"home_district", "host_city", "host_region", "capacity", "services", "established"}},
	Provider: {"providers", "服务机构", []string{"type", "services"}},
}

// CommonFields are the fields every profile has that a client may set.
var CommonFields = []string{"name", "summary", "chains", "segments", "tags", "district", "city", "contact"}

// ServerFields are set by the server only; a client that sends them is refused.
var ServerFields = []string{"id", "kind", "owner_id", "created_at", "updated_at", "version", "archived", "merged_into"}

// Path is the URL path segment of the kind ("startups").
func (k Kind) Path() string { return kinds[k].path }

// ZH is the Chinese name of the kind.
func (k Kind) ZH() string { return kinds[k].zh }

// Valid reports whether k is one of the six kinds.
func (k Kind) Valid() bool { _, ok := kinds[k]; return ok }

// OwnFields lists the fields only this kind has.
func (k Kind) OwnFields() []string { return kinds[k].fields }

// KindFromPath maps "startups" to Startup.
func KindFromPath(path string) (Kind, bool) {
	for k, in := range kinds {
		if in.path == path {
			return k, true
		}
	}
	return "", false
}

// Writable reports whether a client may set field on a profile of kind k.
func (k Kind) Writable(field string) bool {
	for _, f := range CommonFields {
		if f == field {
			return true
		}
	}
	for _, f := range kinds[k].fields {
		if f == field {
			return true
		}
	}
	return false
}

// WritableFields lists, sorted, the fields a client may set on kind k.
func (k Kind) WritableFields() []string {
	out := append(append([]string(nil), CommonFields...), kinds[k].fields...)
	sort.Strings(out)
	return out
}

// Contact is how to reach the people behind a profile. It is private: see the
// visibility rules in the auth package.
type Contact struct {
	Person string `json:"person,omitempty" bson:"person,omitempty"`
	Phone  string `json:"phone,omitempty" bson:"phone,omitempty"`
	Email  string `json:"email,omitempty" bson:"email,omitempty"`
	WeChat string `json:"wechat,omitempty" bson:"wechat,omitempty"`
}

// YearResult is the outcome of a yearly evaluation (tech-SME, high-tech enterprise).
type YearResult struct {
	Year   int  `json:"year" bson:"year"`
	Passed bool `json:"passed" bson:"passed"`
}

// Needs is what a startup is looking for.
type Needs struct {
	FundingWan   float64  `json:"funding_wan" bson:"funding_wan"`
	FundingKinds []string `json:"funding_kinds" bson:"funding_kinds"`
	Mentoring    []string `json:"mentoring" bson:"mentoring"`
	Services     []string `json:"services" bson:"services"`
	SpaceSqm     float64  `json:"space_sqm" bson:"space_sqm"`
}

// Profile is one profile of any kind. Fields that belong to other kinds stay zero;
// JSON output (see json.go) writes only the common fields and the kind's own.
// Money is in 万元 (10,000 CNY).
type Profile struct {
	ID      string   `json:"id" bson:"_id"`
	Kind    Kind     `json:"kind" bson:"kind"`
	Name    string   `json:"name" bson:"name"`
	Summary string   `json:"summary" bson:"summary"`
	Chains  []string `json:"chains" bson:"chains"`
	// Segments are links of its chains the profile declares it works in
	// ("hydrogen.fuel_cell"); matching also infers them from the text.
	Segments  []string  `json:"segments" bson:"segments,omitempty"`
	Tags      []string  `json:"tags" bson:"tags"`
	District  string    `json:"district" bson:"district"`
	City      string    `json:"city" bson:"city"`
	Contact   Contact   `json:"contact" bson:"contact"`
	OwnerID   string    `json:"owner_id" bson:"owner_id"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt time.Time `json:"updated_at" bson:"updated_at"`
	Version   int64     `json:"version" bson:"version"`
	Archived  bool      `json:"archived" bson:"archived"`
	// MergedInto is the profile this one was merged into as a duplicate (it is
	// archived then); set by the server only.
	MergedInto string `json:"merged_into,omitempty" bson:"merged_into,omitempty"`
	// Seq is the change sequence of the last write (see the index follower). Not
	// part of the API.
	Seq int64 `json:"-" bson:"seq"`

	// startup
	CreditCode     string      `json:"credit_code" bson:"credit_code,omitempty"`
	Stage          string      `json:"stage" bson:"stage,omitempty"`
	Founded        string      `json:"founded" bson:"founded,omitempty"`
	Employees      int         `json:"employees" bson:"employees,omitempty"`
	TechStaff      int         `json:"tech_staff" bson:"tech_staff,omitempty"`
	RDRatio        float64     `json:"rd_ratio" bson:"rd_ratio,omitempty"`
	RDCostRatio    float64     `json:"rd_cost_ratio" bson:"rd_cost_ratio,omitempty"`
	Patents        int         `json:"patents" bson:"patents,omitempty"`
	OtherIP        int         `json:"other_ip" bson:"other_ip,omitempty"`
	RevenueWan     float64     `json:"revenue_wan" bson:"revenue_wan,omitempty"`
	AssetsWan      float64     `json:"assets_wan" bson:"assets_wan,omitempty"`
	CarrierID      string      `json:"carrier_id" bson:"carrier_id,omitempty"`
	Status         string      `json:"status" bson:"status,omitempty"`
	IncubatedSince string      `json:"incubated_since" bson:"incubated_since,omitempty"`
	GraduatedOn    string      `json:"graduated_on" bson:"graduated_on,omitempty"`
	TechSME        *YearResult `json:"tech_sme" bson:"tech_sme,omitempty"`
	HighTech       *YearResult `json:"high_tech" bson:"high_tech,omitempty"`
	Needs          *Needs      `json:"needs" bson:"needs,omitempty"`
	// Torch is the optional statistics record (see torch.go).
	Torch *TorchRecord `json:"torch,omitempty" bson:"torch,omitempty"`
	// Enclave is the optional enclave project (see enclave.go).
	Enclave *EnclaveProject `json:"enclave,omitempty" bson:"enclave,omitempty"`

	// mentor
	Title        string   `json:"title" bson:"title,omitempty"`
	Organization string   `json:"organization" bson:"organization,omitempty"`
	Topics       []string `json:"topics" bson:"topics,omitempty"`
	Languages    []string `json:"languages" bson:"languages,omitempty"`
	Remote       bool     `json:"remote" bson:"remote,omitempty"`

	// mentor: the mentor pool (创业导师库), see pool.go
	Appointments []Appointment `json:"appointments,omitempty" bson:"appointments,omitempty"`
	PoolStatus   string        `json:"pool_status,omitempty" bson:"pool_status,omitempty"`

	// mentor and enclave
	Capacity int `json:"capacity" bson:"capacity,omitempty"`

	// investor, carrier and provider
	Type string `json:"type" bson:"type,omitempty"`

	// investor
	Stages       []string `json:"stages" bson:"stages,omitempty"`
	TicketMinWan float64  `json:"ticket_min_wan" bson:"ticket_min_wan,omitempty"`
	TicketMaxWan float64  `json:"ticket_max_wan" bson:"ticket_max_wan,omitempty"`
	Instruments  []string `json:"instruments" bson:"instruments,omitempty"`
	Regions      []string `json:"regions" bson:"regions,omitempty"`
	HardTech     bool     `json:"hard_tech" bson:"hard_tech,omitempty"`

	// carrier
	Level         string  `json:"level" bson:"level,omitempty"`
	LevelSince    int     `json:"level_since" bson:"level_since,omitempty"`
	Benchmark     bool    `json:"benchmark" bson:"benchmark,omitempty"`
	Professional  bool    `json:"professional" bson:"professional,omitempty"`
	International bool    `json:"international" bson:"international,omitempty"`
	AreaSqm       float64 `json:"area_sqm" bson:"area_sqm,omitempty"`
	Seats         int     `json:"seats" bson:"seats,omitempty"`

	// carrier, enclave and provider
	Services []string `json:"services" bson:"services,omitempty"`

	// carrier and enclave
	Established string `json:"established" bson:"established,omitempty"`

	// enclave
	HomeDistrict string `json:"home_district" bson:"home_district,omitempty"`
	HostCity     string `json:"host_city" bson:"host_city,omitempty"`
	HostRegion   string `json:"host_region" bson:"host_region,omitempty"`
}

// Ref points at one profile.
type Ref struct {
	Kind Kind   `json:"kind" bson:"kind"`
	ID   string `json:"id" bson:"id"`
}

// ListFilter selects profiles of one kind for a list page.
type ListFilter struct {
	Kind     Kind
	Chain    string
	District string
	// Stage filters startups by stage and investors by the stages they invest in.
	Stage string
	// Type filters investors, carriers and providers.
	Type   string
	Status string
	// OwnerID limits the list to one account's profiles.
	OwnerID string
	// After is the cursor: the id of the last item of the previous page.
	After string
	Limit int
	// IncludeArchived lists archived profiles too (admins' audit views).
	IncludeArchived bool
}
