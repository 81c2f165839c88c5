package profile

import (
	"encoding/json"
	"testing"
)

// TestPickScansCompactJSON feeds the view's scanner objects made by hand: the kept
// members must come out in key order whatever the values hold, and anything that
// is not one whole compact object must be an error, never a panic or a guess.
func TestPickScansCompactJSON(t *testing.T) {
	pl := planFor("no such kind") // server and common fields only
	for _, c := range []struct{ in, want string }{
		{`{}`, `{}`},
		{`{"zz":1}`, `{}`},
		{`{"name":"n","id":"i"}`, `{"id":"i","name":"n"}`},
		{`{"x":"\"}","name":"a\\","y":[{"}":"]"},[]],"id":"\\\"{"}`, `{"id":"\\\"{","name":"a\\"}`},
		{`{"tags":[],"chains":[["a"],{"b":{"c":[1,2]}}],"version":-1.5e+300,"archived":false,"merged_into":null}`,
			`{"archived":false,"chains":[["a"],{"b":{"c":[1,2]}}],"merged_into":null,"tags":[],"version":-1.5e+300}`},
		{`{"contact":{"person":"p"},"city":"c"}` + "\n", `{"city":"c","contact":{"person":"p"}}`},
	} {
		got, err := pl.pick([]byte(c.in), true)
		if err != nil || string(got) != c.want {
			t.Errorf("pick(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
	}
	if got, err := pl.pick([]byte(`{"contact":{},"id":"i"}`), false); err != nil || string(got) != `{"id":"i"}` {
		t.Errorf("pick without contact = %s, %v", got, err)
	}

	full, err := json.Marshal(plain{Kind: Startup, Name: `a"b\`, Tags: []string{"}", "]"}, Needs: &Needs{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := planFor(Startup).pick(full, true); err != nil {
		t.Fatalf("pick of a whole encoding: %v", err)
	}
	for n := range len(full) - 1 {
		if got, err := planFor(Startup).pick(full[:n], true); err == nil {
			t.Fatalf("pick of the first %d of %d bytes = %s, want an error", n, len(full), got)
		}
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"id"}`, `{"id":}`, `{"id":1 "name":2}`, `{"id":"x"]`, `{id:1}`, `{"id":[1,2}`} {
		if got, err := pl.pick([]byte(bad), true); err == nil {
			t.Errorf("pick(%s) = %s, want an error", bad, got)
		}
	}
}
