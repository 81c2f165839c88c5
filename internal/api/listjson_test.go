package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"fuhua/internal/profile"
)

// listResponse is a page of profiles as encoding/json would write it: the
// reference listJSON is held to.
type listResponse struct {
	Items      []json.RawMessage `json:"items"`
	NextCursor string            `json:"next_cursor"`
}

// listJSON writes what json.Marshal writes for the same listResponse: no
// items, one, several, and cursors that need escaping.
func TestListJSONAsMarshal(t *testing.T) {
	var views []json.RawMessage
	for _, p := range []profile.Profile{
		{ID: "a", Kind: profile.Startup, Name: "盐城<氢途>&能源"},
		{ID: "b", Kind: profile.Mentor, Name: "王\u2028老师 \"引号\" \\ 反斜杠"},
		{ID: "c", Kind: profile.Investor, Name: "基金"},
	} {
		v, err := p.View(false)
		if err != nil {
			t.Fatal(err)
		}
		views = append(views, v)
	}
	for _, next := range []string{"", "0123456789abcdef01234567", `<"&>`} {
		for n := 0; n <= len(views); n++ {
			want, err := json.Marshal(listResponse{Items: append([]json.RawMessage{}, views[:n]...), NextCursor: next})
			if err != nil {
				t.Fatal(err)
			}
			if got := listJSON(views[:n], next); !bytes.Equal(got, want) {
				t.Errorf("%d items, cursor %q:\n got %s\nwant %s", n, next, got, want)
			}
		}
	}
}
