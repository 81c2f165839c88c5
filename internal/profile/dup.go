package profile

import (
	"sort"
	"strings"
	"unicode"
)

// Duplicates (重复资料). A firm entered twice — by its founder and again by a
// manager's import, or with 有限公司 left off once — splits its introductions
// and history in two. fuhua warns when a new or renamed profile looks like
// another one, and a manager merges the two (see the merge package).
//
// The rule, for every kind but mentors (people share names; a person is not a
// firm), within one district (an enclave's home district):
//   - the names are compared after NameKey: full-width forms folded to ASCII,
//     lower case, a leading 江苏省/江苏/盐城市/盐城 dropped, any parenthesised
//     remark (（盐城）, (筹)) dropped, the legal-form words 股份有限公司,
//     有限责任公司, 有限公司, 股份, 集团 and 公司 dropped, and every space,
//     punctuation mark and symbol dropped;
//   - two keys are nearly the same when they are equal, or when both have at
//     least MinFuzzyName characters and one character added, removed or changed,
//     or two neighbouring characters swapped, turns one into the other. Two
//     edits are not allowed: once the legal form is gone a firm's name is 4 to 8
//     characters, and two changes in those make another firm (氢途能源 and 氢能动力).
//
// The unified social credit code is stricter: it is unique, and a second
// profile with a code already held is refused (409 duplicate_credit_code,
// pointing at the holder).

// MinFuzzyName is how long (in characters) both name keys must be before one
// edit still counts as the same name; shorter keys must be equal.
const MinFuzzyName = 4

var nameDropped = []string{"股份有限公司", "有限责任公司", "有限公司", "股份", "集团", "公司"}

var namePrefixes = []string{"江苏省", "江苏", "盐城市", "盐城"}

// NameKey is name as the duplicate check compares it.
func NameKey(name string) string {
	var b strings.Builder
	depth := 0
	for _, r := range name {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		} else if r == 0x3000 {
			r = ' '
		}
		switch r {
		case '(', '[', '【', '〔':
			depth++
			continue
		case ')', ']', '】', '〕':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	k := b.String()
	for _, p := range namePrefixes {
		if rest, ok := strings.CutPrefix(k, p); ok && rest != "" {
			k = rest
			break
		}
	}
	for _, w := range nameDropped {
		if rest := strings.ReplaceAll(k, w, ""); rest != "" {
			k = rest
		}
	}
	return k
}

// DupScope is the district a profile's duplicates are looked for in: its
// district, or an enclave's home district. Empty for a body outside the city.
func DupScope(p *Profile) string {
	if p.District == "" && p.Kind == Enclave {
		return p.HomeDistrict
	}
	return p.District
}

// DupChecked reports whether profiles of kind k are checked for duplicate names.
func DupChecked(k Kind) bool { return k.Valid() && k != Mentor }

// NameVariants are the keys under which a name is filed so that any name nearly
// the same shares one of them: the key itself and, for keys of at least
// MinFuzzyName characters, the key with one character left out. (Of two names
// one edit apart, one's key is a one-out variant of the other's, or both share
// a one-out variant; so do two with neighbours swapped.)
func NameVariants(key string) []string {
	out := []string{key}
	r := []rune(key)
	if len(r) < MinFuzzyName {
		return out
	}
	seen := map[string]bool{}
	for i := range r {
		v := string(r[:i]) + string(r[i+1:])
		if !seen[v] && v != key {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// NearlySame reports whether two names are the same firm's by the rule above.
func NearlySame(a, b string) bool {
	ka, kb := []rune(NameKey(a)), []rune(NameKey(b))
	if string(ka) == string(kb) {
		return len(ka) > 0
	}
	if len(ka) < MinFuzzyName || len(kb) < MinFuzzyName {
		return false
	}
	return withinOneEdit(ka, kb)
}

// withinOneEdit reports an optimal-string-alignment distance of at most 1.
func withinOneEdit(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		diff := []int{}
		for i := range a {
			if a[i] != b[i] {
				diff = append(diff, i)
				if len(diff) > 2 {
					return false
				}
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && a[i] == b[j] && a[j] == b[i]
		}
		return len(diff) == 0
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return string(a[i:]) == string(b[i+1:])
	}
	return false
}

// Warning is advice that came with a successful write: the write happened,
// and a person should look at something (another profile that may be the same
// firm). ProfileID names that profile.
type Warning struct {
	Code      string `json:"code"`
	ZH        string `json:"zh"`
	EN        string `json:"en"`
	ProfileID string `json:"profile_id,omitempty"`
	Name      string `json:"name,omitempty"`
}

// SimilarWarning is the warning that other looks like the same firm as p.
func SimilarWarning(p, other *Profile) Warning {
	return Warning{Code: "similar_name",
		ZH:        "同一区县已有名称几乎相同的" + other.Kind.ZH() + "资料“" + other.Name + "”，可能是同一家：请核对，确属重复的可请区县管理员合并",
		EN:        "another " + string(other.Kind) + " profile in the same district has nearly the same name (" + other.Name + "); it may be the same firm: check it, and ask the district manager to merge them if so",
		ProfileID: other.ID, Name: other.Name}
}

// NameFiling is where the duplicate check files p: "<kind>|<district>|<variant>"
// for each of NameVariants of its NameKey. Two profiles that may be nearly the
// same share at least one of these; none for a kind that is not checked or a
// name that has no key.
func NameFiling(p *Profile) []string {
	if !DupChecked(p.Kind) {
		return nil
	}
	key := NameKey(p.Name)
	if key == "" {
		return nil
	}
	prefix := string(p.Kind) + "|" + DupScope(p) + "|"
	vs := NameVariants(key)
	for i := range vs {
		vs[i] = prefix + vs[i]
	}
	return vs
}

// NameBook is the duplicate check over profiles held in memory: what the
// stored name keys are to the database, for a caller that has read the
// profiles already (an import takes the live profiles of the kind it writes,
// and checks its new rows against them and against each other without a
// lookup per row).
type NameBook struct {
	filed map[string][]*Profile
	only  map[string]bool // the variants it files under
}

// NewNameBookFor returns an empty book that files a profile only under the
// variants the profiles of ps are filed under: enough for Similar of any of
// them (and of what is added with the same filing), at a fraction of the
// memory. An import of 5,000 rows checked against 40k stored startups files
// under the rows' 50k variants instead of the stored ones' 400k (73 MB at
// 100k profiles; ten times that at a million).
func NewNameBookFor(ps []*Profile) *NameBook {
	b := &NameBook{filed: map[string][]*Profile{}, only: map[string]bool{}}
	for _, p := range ps {
		for _, k := range NameFiling(p) {
			b.only[k] = true
		}
	}
	return b
}

// Add files p under NameFiling(p) (those of them the book keeps). An archived
// profile is not filed: it is never pointed at.
func (b *NameBook) Add(p *Profile) {
	if p.Archived {
		return
	}
	for _, k := range NameFiling(p) {
		if b.only[k] {
			b.filed[k] = append(b.filed[k], p)
		}
	}
}

// Similar returns the filed profiles nearly the same as p by the rule above —
// same kind, same district, NearlySame names — p itself (by ID) left out, in
// ID order, each once.
func (b *NameBook) Similar(p *Profile) []*Profile {
	var out []*Profile
	for _, k := range NameFiling(p) {
		for _, o := range b.filed[k] {
			if o.ID == p.ID || o.Kind != p.Kind || DupScope(o) != DupScope(p) || !NearlySame(o.Name, p.Name) {
				continue
			}
			dup := false
			for _, q := range out {
				if q.ID == o.ID {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, o)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
