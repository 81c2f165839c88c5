package profile

import "testing"

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
