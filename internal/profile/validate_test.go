package profile

import "testing"

func TestCreditCodeCheckCharacter(t *testing.T) {
	for _, prefix := range []string{"91320900MA1MXXXX0", "91320913MA25XK3Q0", "12320900466000123", "52320900MJ1234567"} {
		c, ok := CreditCodeCheck(prefix)
		if !ok {
			t.Fatalf("%s: not computable", prefix)
		}
		code := prefix + string(c)
		if !ValidCreditCode(code) {
			t.Fatalf("%s rejected", code)
		}
		// Changing any one character must break the check: the weights are
		// non-zero modulo 31 at every position.
		for i := 0; i < 18; i++ {
			for _, r := range creditCharset {
				if byte(r) == code[i] {
					continue
				}
				bad := code[:i] + string(r) + code[i+1:]
				if ValidCreditCode(bad) {
					t.Fatalf("%s (position %d changed) accepted", bad, i)
				}
			}
		}
	}
	for _, bad := range []string{"", "91320900MA1MXXXX0", "91320900MA1MXXXX0XX", "91320900ma1mxxxx0x", "9132090OMA1MXXXX01"} {
		if ValidCreditCode(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A published example of the format: 91350100M000100Y43 (GB 32100-2015 appendix
// style); its check character must come out as 3.
func TestCreditCodeKnownExample(t *testing.T) {
	if c, ok := CreditCodeCheck("91350100M000100Y4"); !ok || c != '3' {
		t.Fatalf("check character %q, want '3'", c)
	}
}

func TestValidDate(t *testing.T) {
	for s, want := range map[string]bool{
		"2024-02-29": true, "2023-02-29": false, "2023-13-01": false, "2023-1-01": false,
		"1899-12-31": false, "1900-01-01": true, "2100-12-31": true, "2101-01-01": false, "": false, "2023/01/01": false,
	} {
		if got := ValidDate(s); got != want {
			t.Errorf("ValidDate(%q) = %v, want %v", s, got, want)
		}
	}
}
