package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// plain has Profile's fields without its methods, so marshalling it does not recurse.
type plain Profile

// MarshalJSON writes the common fields and the kind's own fields, contact included.
// Use View to leave the contact out.
func (p Profile) MarshalJSON() ([]byte, error) { return p.View(true) }

// View writes p as the API shows it: common fields, the kind's own fields, empty
// lists as [] rather than null, and the contact only when withContact is true (the
// key is absent otherwise, not empty).
//
// The bytes are those json.Marshal gives for a map of the kept keys to their raw
// values: keys sorted bytewise, compact, HTML-escaped, no trailing newline. View
// gets them without the map: it marshals the struct once, walks its top-level
// object and copies the kept members, in the kind's sorted key order, into one
// buffer (values from json.Marshal are already compact and escaped, so the map's
// second pass would leave them as they are).
func (p Profile) View(withContact bool) ([]byte, error) {
	e := viewEncoders.Get().(*viewEncoder)
	defer e.release()
	q := &e.q
	*q = plain(p)
	for _, s := range []*[]string{&q.Chains, &q.Segments, &q.Tags, &q.Topics, &q.Languages, &q.Stages, &q.Instruments, &q.Regions, &q.Services} {
		if *s == nil {
			*s = []string{}
		}
	}
	if q.Kind == Startup && q.Needs == nil {
		q.Needs = &e.needs
	}
	if q.Needs != nil {
		e.needs = *q.Needs
		n := &e.needs
		for _, s := range []*[]string{&n.FundingKinds, &n.Mentoring, &n.Services} {
			if *s == nil {
				*s = []string{}
			}
		}
		q.Needs = n
	}
	if err := e.enc.Encode(q); err != nil {
		return nil, err
	}
	return planFor(p.Kind).pick(e.buf.Bytes(), withContact)
}

// viewEncoder is what View works in, pooled so that a call allocates only what it
// returns: the copy of the profile with its defaults filled in, and a JSON
// encoder with the buffer it writes the copy's full encoding to.
type viewEncoder struct {
	q     plain
	needs Needs
	buf   bytes.Buffer
	enc   *json.Encoder
}

var viewEncoders = sync.Pool{New: func() any {
	e := new(viewEncoder)
	e.enc = json.NewEncoder(&e.buf) // escapes HTML, as json.Marshal does
	return e
}}

// release clears e, so the pool holds on to no profile's texts, and returns it to
// the pool unless one unusually large profile grew its buffer.
func (e *viewEncoder) release() {
	e.q, e.needs = plain{}, Needs{}
	if e.buf.Cap() > 64<<10 {
		return
	}
	e.buf.Reset()
	viewEncoders.Put(e)
}

// maxViewKeys bounds the keys one kind's view may keep (pick collects them in an
// array of this size on the stack).
const maxViewKeys = 64

// viewPlan is what View keeps for one kind, worked out once: the keys, sorted
// bytewise as json.Marshal sorts a map's keys, and each key's place in that order.
type viewPlan struct {
	keys    []string
	slot    map[string]int
	contact int // slot of "contact", -1 when the plan has none
}

func newViewPlan(own []string) *viewPlan {
	pl := &viewPlan{slot: map[string]int{}, contact: -1}
	for _, list := range [][]string{ServerFields, CommonFields, own} {
		for _, k := range list {
			if _, dup := pl.slot[k]; !dup {
				pl.slot[k] = 0
				pl.keys = append(pl.keys, k)
			}
		}
	}
	if len(pl.keys) > maxViewKeys {
		panic(fmt.Sprintf("profile: a view keeps %d keys, more than maxViewKeys (%d)", len(pl.keys), maxViewKeys))
	}
	sort.Strings(pl.keys)
	for i, k := range pl.keys {
		pl.slot[k] = i
		if k == "contact" {
			pl.contact = i
		}
	}
	return pl
}

// viewPlans holds the plan of each kind; otherPlan is for a kind that is none of
// the six (it has no own fields, as Kind.OwnFields says). Read only after init.
var (
	viewPlans = func() map[Kind]*viewPlan {
		m := make(map[Kind]*viewPlan, len(kinds))
		for k, in := range kinds {
			m[k] = newViewPlan(in.fields)
		}
		return m
	}()
	otherPlan = newViewPlan(nil)
)

func planFor(k Kind) *viewPlan {
	if pl, ok := viewPlans[k]; ok {
		return pl
	}
	return otherPlan
}

// pick returns a new JSON object of the members of obj, the compact top-level
// object json.Marshal wrote, whose keys pl keeps, in pl's key order; the contact
// only when withContact is true.
func (pl *viewPlan) pick(obj []byte, withContact bool) ([]byte, error) {
	// at[i] is where the member of key pl.keys[i] ("key":value) starts and ends in
	// obj; end 0 when obj has no such member.
	var at [maxViewKeys]struct{ start, end int }
	if len(obj) < 2 || obj[0] != '{' {
		return nil, errViewScan(obj, 0)
	}
	for i := 1; obj[1] != '}'; i++ { // i is at a member, just past '{' or ','; {} has none
		start := i
		end, ok := skipString(obj, i)
		if !ok || end >= len(obj) || obj[end] != ':' {
			return nil, errViewScan(obj, i)
		}
		key := obj[start+1 : end-1] // a struct field's name: never escaped
		if i, ok = skipValue(obj, end+1); !ok || i >= len(obj) || (obj[i] != ',' && obj[i] != '}') {
			return nil, errViewScan(obj, end+1)
		}
		if s, keep := pl.slot[string(key)]; keep && (withContact || s != pl.contact) {
			at[s].start, at[s].end = start, i
		}
		if obj[i] == '}' {
			break
		}
	}

	n := 2
	for s := range pl.keys {
		if at[s].end != 0 {
			n += at[s].end - at[s].start + 1
		}
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	for s := range pl.keys {
		if at[s].end == 0 {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, obj[at[s].start:at[s].end]...)
	}
	return append(out, '}'), nil
}

// skipString returns the index just past the JSON string that starts at obj[i].
// It jumps from quote to quote; a quote after an odd run of backslashes is escaped.
func skipString(obj []byte, i int) (int, bool) {
	if i >= len(obj) || obj[i] != '"' {
		return i, false
	}
	for i++; ; {
		q := bytes.IndexByte(obj[i:], '"')
		if q < 0 {
			return len(obj), false
		}
		i += q
		slashes := 0
		for j := i - 1; obj[j] == '\\'; j-- {
			slashes++
		}
		i++
		if slashes%2 == 0 {
			return i, true
		}
	}
}

// skipValue returns the index just past the compact JSON value that starts at
// obj[i]: a string, an object or array (strings inside skipped whole), or a
// number or literal (true, false, null), which it does not check further.
func skipValue(obj []byte, i int) (int, bool) {
	if i >= len(obj) {
		return i, false
	}
	switch obj[i] {
	case '"':
		return skipString(obj, i)
	case '{', '[':
		depth := 0
		for i < len(obj) {
			switch obj[i] {
			case '"':
				var ok bool
				if i, ok = skipString(obj, i); !ok {
					return i, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return i, false
	}
	start := i
	for i < len(obj) && isLiteralByte(obj[i]) {
		i++
	}
	return i, i > start
}

// isLiteralByte reports whether c may be in a number, true, false or null.
func isLiteralByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

func errViewScan(obj []byte, at int) error {
	return fmt.Errorf("profile: view: unexpected JSON from encoding/json at byte %d of %d", at, len(obj))
}
