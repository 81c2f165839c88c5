package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fuhua/internal/profile"
)

// Saved searches and saved match lists: a person keeps a search or the matches
// of one profile, and is told (SavedSearch, SavedMatches) when a new or changed
// profile enters it.

// The kinds of saved list.
const (
	SavedKindSearch  = "search"
	SavedKindMatches = "matches"
)

// MaxSaved is how many saved lists one account keeps.
const MaxSaved = 20

// SearchQuery is a saved search: the words and filters of GET /search.
type SearchQuery struct {
	Q        string       `json:"q" bson:"q"`
	Kind     profile.Kind `json:"kind" bson:"kind"`
	Chain    string       `json:"chain" bson:"chain"`
	Segment  string       `json:"segment" bson:"segment"`
	District string       `json:"district" bson:"district"`
	Stage    string       `json:"stage" bson:"stage"`
}

// Saved is one saved search or match list of an account.
type Saved struct {
	ID    string       `json:"id" bson:"id"`
	Owner string       `json:"-" bson:"owner"`
	Name  string       `json:"name" bson:"name"`
	Kind  string       `json:"kind" bson:"kind"`
	Query *SearchQuery `json:"query,omitempty" bson:"query,omitempty"`
	// ProfileID and Target are a match list's profile and the kind matched.
	ProfileID string       `json:"profile_id,omitempty" bson:"profile_id,omitempty"`
	Target    profile.Kind `json:"target,omitempty" bson:"target,omitempty"`
	CreatedAt time.Time    `json:"created_at" bson:"created_at"`
}

// Check refuses a saved list with a missing or unknown field, naming it. The
// match list's profile is checked by the caller (it must exist and be the
// caller's to match).
func (s *Saved) Check(cat profile.Catalog) error {
	s.Name = strings.TrimSpace(s.Name)
	switch {
	case s.Name == "":
		return profile.Invalid("name", "required", "name (what to call the saved list) is required", "请填写名称（name）")
	case !utf8.ValidString(s.Name) || strings.ContainsRune(s.Name, 0):
		return profile.Invalid("name", "invalid_text", "name contains invalid characters", "名称（name）含有非法字符")
	case utf8.RuneCountInString(s.Name) > profile.MaxShort:
		return profile.Invalid("name", "too_long", fmt.Sprintf("name may have at most %d characters", profile.MaxShort),
			fmt.Sprintf("名称（name）最多 %d 个字符", profile.MaxShort))
	}
	switch s.Kind {
	case SavedKindSearch:
		if s.ProfileID != "" || s.Target != "" {
			return profile.Invalid("profile_id", "not_allowed", "a saved search has no profile_id or target", "保存的检索不含 profile_id 或 target")
		}
		if s.Query == nil {
			return profile.Invalid("query", "required", "query (the search to keep) is required", "请提交要保存的检索条件（query）")
		}
		q := s.Query
		q.Q = strings.TrimSpace(q.Q)
		if !utf8.ValidString(q.Q) || strings.ContainsRune(q.Q, 0) || utf8.RuneCountInString(q.Q) > 200 {
			return profile.Invalid("query.q", "invalid_text", "query.q (the search words) must be text of at most 200 characters",
				"检索词（query.q）须为不超过 200 个字符的文本")
		}
		if q.Kind != "" && !q.Kind.Valid() {
			return profile.Invalid("query.kind", "unknown_code", "query.kind must be one of: startup, mentor, investor, carrier, enclave, provider",
				"资料类型（query.kind）须为 startup、mentor、investor、carrier、enclave 或 provider")
		}
		for _, f := range []struct {
			field, zh, v string
			set          profile.CodeSet
		}{
			{"query.chain", "产业链", q.Chain, cat.Chains},
			{"query.segment", "产业链环节", q.Segment, cat.Segments},
			{"query.district", "区县", q.District, cat.Districts},
			{"query.stage", "发展阶段", q.Stage, profile.Stages},
		} {
			if f.v != "" && !f.set.Has(f.v) {
				return profile.Invalid(f.field, "unknown_code", fmt.Sprintf("%s: %q is not a valid code", f.field, clipText(f.v)),
					fmt.Sprintf("%s（%s）%q 不是有效代码", f.zh, f.field, clipText(f.v)))
			}
		}
		if q.Q == "" && q.Kind == "" && q.Chain == "" && q.Segment == "" && q.District == "" && q.Stage == "" {
			return profile.Invalid("query", "empty_search", "a saved search needs words or at least one filter",
				"保存的检索须有检索词或至少一个筛选条件")
		}
	case SavedKindMatches:
		if s.Query != nil {
			return profile.Invalid("query", "not_allowed", "a saved match list has no query", "保存的匹配列表不含检索条件（query）")
		}
		if s.ProfileID == "" {
			return profile.Invalid("profile_id", "required", "profile_id (whose matches to keep) is required", "请提交要保存其匹配结果的资料（profile_id）")
		}
		if !s.Target.Valid() {
			return profile.Invalid("target", "unknown_code", "target (the kind to match with) must be one of: startup, mentor, investor, carrier, enclave, provider",
				"匹配对象（target）须为 startup、mentor、investor、carrier、enclave 或 provider")
		}
	default:
		return profile.Invalid("kind", "unknown_code", `kind must be "search" or "matches"`, `类型（kind）须为 "search"（检索）或 "matches"（匹配列表）`)
	}
	return nil
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// Admits reports whether p passes the saved search's declared filters (kind,
// district, stage): a cheap first test before the search index is asked about
// the words, the chain and the segment, which it also reads from the prose.
func (q *SearchQuery) Admits(p *profile.Profile) bool {
	return (q.Kind == "" || q.Kind == p.Kind) && (q.District == "" || q.District == p.District) &&
		(q.Stage == "" || q.Stage == p.Stage)
}

// NeedsIndex reports whether the search has words, a chain or a segment, which
// only the search index can judge.
func (q *SearchQuery) NeedsIndex() bool { return q.Q != "" || q.Chain != "" || q.Segment != "" }
