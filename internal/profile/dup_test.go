package profile

import (
	"sort"
	"strings"
	"testing"
)

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"盐城氢途能源科技有限公司":           "氢途能源科技",
		"氢途能源科技（盐城）有限公司":         "氢途能源科技",
		"江苏 氢途能源科技股份有限公司":        "氢途能源科技",
		"ＡＢＣ　智能装备有限责任公司":         "abc智能装备",
		"盐城市·亭湖区 某某孵化器":          "亭湖区某某孵化器",
		"有限公司":                   "有限",
		"Hydrogen-Way Co., Ltd.": "hydrogenwaycoltd",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNearlySame(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"盐城氢途能源科技有限公司", "氢途能源科技（盐城）有限公司", true}, // equal keys
		{"氢途能源科技有限公司", "氢涂能源科技有限公司", true},       // one changed
		{"氢途能源科技有限公司", "氢途能源技有限公司", true},        // one removed
		{"氢途能源科技有限公司", "氢途新能源科技有限公司", true},      // one added
		{"氢途能源科技有限公司", "氢途源能科技有限公司", true},       // neighbours swapped
		{"氢途能源科技有限公司", "氢途动力科技有限公司", false},      // two changed
		{"氢途能源科技有限公司", "锂途能源材料有限公司", false},
		{"东方科技", "西方科技", true},   // four characters: one edit is allowed
		{"东方科", "西方科", false},    // three: must be equal
		{"东方科", "东方科有限公司", true}, // equal once the legal form is gone
		{"", "", false},
	} {
		if got := NearlySame(tc.a, tc.b); got != tc.want {
			t.Errorf("NearlySame(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := NearlySame(tc.b, tc.a); got != tc.want {
			t.Errorf("NearlySame(%q, %q) = %v, want %v (reversed)", tc.b, tc.a, got, tc.want)
		}
	}
}

// Every pair NearlySame accepts shares a name variant, so the lookup by
// variant finds everything the rule would.
func TestVariantsFindEveryNearName(t *testing.T) {
	names := []string{"氢途能源科技", "氢涂能源科技", "氢途能源技", "氢途新能源科技", "氢途源能科技", "氢途动力科技", "东方科技", "西方科技", "东方科"}
	for _, a := range names {
		for _, b := range names {
			if !NearlySame(a, b) {
				continue
			}
			va := map[string]bool{}
			for _, v := range NameVariants(NameKey(a)) {
				va[v] = true
			}
			shared := false
			for _, v := range NameVariants(NameKey(b)) {
				shared = shared || va[v]
			}
			if !shared {
				t.Errorf("%s and %s are nearly the same but share no variant", a, b)
			}
		}
	}
}

// A NameBook finds exactly what the rule says, checked against every pair:
// names nearly the same or not, in two districts, of two kinds, one archived.
func TestNameBookFindsWhatTheRuleFinds(t *testing.T) {
	names := []string{"氢途能源科技有限公司", "氢涂能源科技有限公司", "氢途能源技有限公司", "氢途新能源科技有限公司", "氢途源能科技有限公司",
		"氢途动力科技有限公司", "盐城氢途能源科技有限公司", "东方科技", "西方科技", "东方科", "ABCD", "abce"}
	var all []*Profile
	for i, n := range names {
		for j, d := range []string{"yannan", "tinghu"} {
			for _, k := range []Kind{Startup, Provider, Mentor} {
				all = append(all, &Profile{ID: string(rune('a'+i)) + d + string(k), Kind: k, Name: n, District: d, Archived: i == 2 && j == 0})
			}
		}
	}
	book := NewNameBookFor(all) // every profile's variants: the whole book
	for _, p := range all {
		book.Add(p)
	}
	pairs := 0
	for _, p := range all {
		var want []string
		for _, o := range all {
			if o != p && !o.Archived && o.Kind == p.Kind && DupChecked(p.Kind) && o.District == p.District && NearlySame(o.Name, p.Name) {
				want = append(want, o.ID)
			}
		}
		sort.Strings(want)
		var got []string
		for _, o := range book.Similar(p) {
			got = append(got, o.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s %s %s: similar %v, want %v", p.Kind, p.District, p.Name, got, want)
		}
		// A book for p alone finds the same, and files less than the full one.
		own := NewNameBookFor([]*Profile{p})
		for _, o := range all {
			own.Add(o)
		}
		got = got[:0]
		for _, o := range own.Similar(p) {
			got = append(got, o.ID)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s %s %s: a book for it finds %v, want %v", p.Kind, p.District, p.Name, got, want)
		}
		if len(own.filed) >= len(book.filed) {
			t.Errorf("%s %s %s: a book for it files %d variants, the full book %d", p.Kind, p.District, p.Name, len(own.filed), len(book.filed))
		}
		pairs += len(want)
	}
	if pairs < 40 {
		t.Fatalf("only %d near pairs: the test data no longer tests much", pairs)
	}
}
