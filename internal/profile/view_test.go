package profile_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// demoCount is how many demo profiles TestViewSameAsReference compares: every
// kind in the demo generator's mix (at 6,000: 3,300 startups, 720 mentors, 600
// investors, 600 carriers, 300 enclaves, 480 providers). Under the race detector
// it compares the first 2,000 (100 enclaves), to stay within make test's time.
func demoCount() int {
	if raceOn {
		return 2000
	}
	return 6000
}

// demoProfiles is seed.Demo(n) with what the server would have set on them: ids,
// owners, times with nanoseconds in and out of UTC, versions, some archived and
// merged; every other profile normalized as the store keeps it.
func demoProfiles(n int) []profile.Profile {
	ps := seed.Demo(n)
	base := time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)
	east := time.FixedZone("CST", 8*3600)
	for i := range ps {
		p := &ps[i]
		p.ID = fmt.Sprintf("%024x", 0x5f00_0000_0000+i)
		p.OwnerID = fmt.Sprintf("u%06d", i%997)
		p.CreatedAt = base.Add(time.Duration(i) * 37 * time.Minute)
		p.UpdatedAt = p.CreatedAt.Add(time.Duration(i%13) * time.Hour).Add(time.Duration(i%3) * time.Millisecond)
		if i%3 == 0 {
			p.UpdatedAt = p.UpdatedAt.In(east)
		}
		if i%5 == 0 {
			p.UpdatedAt = p.UpdatedAt.Truncate(time.Second)
		}
		p.Version = int64(1 + i%7)
		p.Seq = int64(i)
		p.Archived = i%50 == 0
		if i%100 == 0 {
			p.MergedInto = fmt.Sprintf("%024x", i)
		}
		if i%2 == 0 {
			p.Normalize()
		}
	}
	return ps
}

// sameView fails t unless viewDiff finds nothing.
func sameView(t testing.TB, name string, p profile.Profile) {
	t.Helper()
	if err := viewDiff(name, p); err != nil {
		t.Fatal(err)
	}
}

// viewDiff says how p.View and the frozen refView disagree, with contact and
// without (the same bytes, or the same error, are agreement), and how View's
// output breaks checkShape, which does not lean on refView; nil when they agree.
func viewDiff(name string, p profile.Profile) error {
	for _, withContact := range []bool{false, true} {
		got, gotErr := p.View(withContact)
		want, wantErr := refView(p, withContact)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			return fmt.Errorf("%s, withContact=%v: View error %v, reference error %v", name, withContact, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("%s, withContact=%v: View differs from the reference at byte %d:\n got %s\nwant %s",
				name, withContact, firstDiff(got, want), got, want)
		}
		if err := checkShape(got, withContact); err != nil {
			return fmt.Errorf("%s, withContact=%v: %w", name, withContact, err)
		}
	}
	// MarshalJSON (json.Marshal of a Profile) is the view with the contact.
	got, gotErr := json.Marshal(p)
	want, wantErr := refView(p, true)
	if (gotErr == nil) != (wantErr == nil) { // json.Marshal wraps the error it gets
		return fmt.Errorf("%s: json.Marshal error %v, reference error %v", name, gotErr, wantErr)
	}
	if wantErr == nil && !bytes.Equal(got, want) {
		return fmt.Errorf("%s: json.Marshal differs from the reference at byte %d:\n got %s\nwant %s", name, firstDiff(got, want), got, want)
	}
	return nil
}

// checkShape says why b is not one valid JSON object, keys strictly increasing
// bytewise, "contact" among them exactly when withContact, no trailing newline.
func checkShape(b []byte, withContact bool) error {
	if !json.Valid(b) || len(b) == 0 || b[0] != '{' || b[len(b)-1] != '}' {
		return fmt.Errorf("not one JSON object: %q", b)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token() // {
	prev, contact := "", false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		k := tok.(string)
		if prev != "" && k <= prev {
			return fmt.Errorf("key %q after %q: keys not sorted", k, prev)
		}
		prev, contact = k, contact || k == "contact"
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	if contact != withContact {
		return fmt.Errorf("contact present=%v", contact)
	}
	return nil
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestViewSameAsReference(t *testing.T) {
	ps := demoProfiles(demoCount())
	perKind := map[profile.Kind]int{}
	for _, p := range ps {
		perKind[p.Kind]++
	}
	for _, k := range profile.Kinds {
		if perKind[k] < 100 { // the demo's smallest share is 5 %
			t.Fatalf("the demo has %d %s profiles; the comparison needs every kind", perKind[k], k)
		}
	}
	// Two goroutines, so the race detector sees View's pooled encoders shared.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for part := range errs {
		wg.Go(func() {
			for i := part; i < len(ps) && errs[part] == nil; i += len(errs) {
				errs[part] = viewDiff(fmt.Sprintf("demo %d (%s)", i, ps[i].Kind), ps[i])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	t.Logf("compared %d demo profiles (%v), with and without contact", len(ps), perKind)
}

// hostileStrings are texts json.Marshal treats specially: HTML characters, line
// and paragraph separators, invalid UTF-8, quotes and backslashes, control
// characters, emoji, and text that looks like the JSON around it.
var hostileStrings = []string{
	"",
	"<script>alert('x')</script>",
	"a&b>c<d &amp; &lt;",
	"\u2028line\u2029para",
	"line\nbreak\ttab\rreturn\b\f",
	`"quoted" \back\slash\ \"`,
	"\xff\xfe invalid",
	"cut \xe4\xb8",
	"\xed\xa0\x80 surrogate",
	"emoji 🚀👩‍💻🇨🇳",
	"\x00\x01\x1f\x7f control",
	"盐城市 孵化 — “引号”",
	`}{][,:"owner_id":"x",`,
	`\u003c already escaped`,
	"\ufeffbom",
}

// hostileProfiles are hand-made profiles of every kind (and of no kind) at the
// edges of what View writes.
func hostileProfiles() map[string]profile.Profile {
	out := map[string]profile.Profile{}
	kinds := append(append([]profile.Kind(nil), profile.Kinds...), "", "robot", "<b>&")
	demo := demoProfiles(60) // the first 60 hold every kind
	for _, k := range kinds {
		out["zero "+string(k)] = profile.Profile{Kind: k}
		empty := profile.Profile{Kind: k, Chains: []string{}, Segments: []string{}, Tags: []string{}, Topics: []string{},
			Languages: []string{}, Stages: []string{}, Instruments: []string{}, Regions: []string{}, Services: []string{},
			Appointments: []profile.Appointment{}, Needs: &profile.Needs{FundingKinds: []string{}}}
		out["empty slices "+string(k)] = empty
	}
	for _, d := range demo {
		k := string(d.Kind)
		if _, done := out["demo "+k]; done {
			continue
		}
		out["demo "+k] = d
		for i, s := range hostileStrings {
			p := d
			p.Name, p.Summary, p.District, p.City = s, s+s, s, s
			p.Tags = []string{s, "ok", s}
			p.Chains = append([]string{s}, d.Chains...)
			p.Contact = profile.Contact{Person: s, Phone: s, Email: s, WeChat: s}
			p.ID, p.OwnerID, p.MergedInto = s, s, s
			p.CreditCode, p.Stage, p.Title, p.Organization, p.Type, p.Level, p.Established, p.HostCity = s, s, s, s, s, s, s, s
			p.Topics, p.Services, p.Regions = []string{s}, []string{s}, []string{s}
			p.Needs = &profile.Needs{FundingKinds: []string{s}, Mentoring: nil, Services: []string{s, s}}
			p.Appointments = []profile.Appointment{{CarrierID: s, Since: s, Until: s, Level: s}}
			p.Torch = &profile.TorchRecord{TechField: s, FounderGender: s}
			p.Enclave = &profile.EnclaveProject{EnclaveID: s, Stage: s, ParkID: s}
			out[fmt.Sprintf("%s hostile string %d", k, i)] = p
		}
		huge := d
		huge.Version, huge.Employees, huge.Patents, huge.Capacity, huge.LevelSince = math.MaxInt64, math.MaxInt, math.MinInt, -1, math.MinInt
		huge.RevenueWan, huge.AssetsWan, huge.RDRatio, huge.TicketMinWan, huge.TicketMaxWan = math.MaxFloat64, -math.MaxFloat64, 5e-324, 1e21, 1e20
		huge.AreaSqm, huge.RDCostRatio = math.Copysign(0, -1), 1e-7
		huge.Needs = &profile.Needs{FundingWan: 123456789.123456789, SpaceSqm: 0.000001}
		one, big, small := 1, math.MaxInt, -0.5
		yes := true
		huge.Torch = &profile.TorchRecord{ReportYear: 9999, StaffDoctorate: &one, IPApplied: &big, NetProfitWan: &small, HasMentor: &yes, FounderSerial: new(bool)}
		huge.TechSME, huge.HighTech = &profile.YearResult{Year: math.MaxInt32, Passed: true}, &profile.YearResult{}
		out[k+" huge numbers"] = huge
		for j, at := range []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			time.Date(1, 1, 1, 0, 0, 0, 1, time.FixedZone("", -(12*3600+34*60))), time.Unix(0, 0).In(time.FixedZone("X", 14*3600)),
			time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
			p := d
			p.CreatedAt, p.UpdatedAt = at, at
			out[fmt.Sprintf("%s time %d", k, j)] = p
		}
		for j, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			p := d
			p.RevenueWan, p.TicketMaxWan, p.AreaSqm = x, x, x
			p.Needs = &profile.Needs{FundingWan: x}
			out[fmt.Sprintf("%s unsupported float %d", k, j)] = p
		}
		nilNeeds := d
		nilNeeds.Needs = nil
		out[k+" nil needs"] = nilNeeds
	}
	return out
}

func TestViewHostileSameAsReference(t *testing.T) {
	ps := hostileProfiles()
	errs := 0
	for name, p := range ps {
		sameView(t, name, p)
		if _, err := refView(p, true); err != nil {
			errs++
		}
	}
	if errs == 0 || errs == len(ps) {
		t.Fatalf("%d of %d hostile profiles fail to encode; the set should hold both kinds", errs, len(ps))
	}
	t.Logf("compared %d hand-made profiles (%d of them errors), with and without contact", len(ps), errs)
}

// TestViewLeavesProfileAlone checks View fills its defaults in a copy: a profile's
// nil lists and nil needs stay nil.
func TestViewLeavesProfileAlone(t *testing.T) {
	n := &profile.Needs{FundingWan: 5}
	p := profile.Profile{Kind: profile.Startup, Needs: n}
	if _, err := p.View(true); err != nil {
		t.Fatal(err)
	}
	if p.Tags != nil || p.Needs != n || n.FundingKinds != nil || n.Mentoring != nil {
		t.Fatalf("View changed its profile: tags %#v, needs %p (was %p) %+v", p.Tags, p.Needs, n, *n)
	}
	q := profile.Profile{Kind: profile.Startup}
	if _, err := q.View(false); err != nil || q.Needs != nil {
		t.Fatalf("View set the needs of its profile: %v, %+v", err, q.Needs)
	}
}

// fuzzBases are the profiles FuzzView starts from: each kind's zero and demo profile.
var fuzzBases = sync.OnceValue(func() []profile.Profile {
	var out []profile.Profile
	for _, k := range append(append([]profile.Kind(nil), profile.Kinds...), "") {
		out = append(out, profile.Profile{Kind: k})
	}
	seen := map[profile.Kind]bool{}
	for _, d := range demoProfiles(60) {
		if !seen[d.Kind] {
			seen[d.Kind] = true
			out = append(out, d)
		}
	}
	return out
})

func FuzzView(f *testing.F) {
	for i, s := range hostileStrings {
		f.Add(uint8(i), s, s+"x", s, s, float64(i)*1.5, int64(i), int64(1700000000+i), int64(i*1000), uint16(i*37))
	}
	f.Add(uint8(3), "<&>", "\u2028", "\xff", `"\`, math.MaxFloat64, int64(math.MaxInt64), int64(253402300800), int64(0), uint16(0xffff))
	f.Add(uint8(7), "", "", "", "", 1e21, int64(math.MinInt64), int64(-62135596801), int64(-1), uint16(0))
	f.Add(uint8(12), "名", "摘要", "标签", "张三", 5e-324, int64(0), int64(0), int64(0), uint16(0x155))
	f.Fuzz(func(t *testing.T, base uint8, name, summary, tag, person string, num float64, n, sec, nsec int64, flags uint16) {
		bases := fuzzBases()
		p := bases[int(base)%len(bases)]
		p.Name, p.Summary, p.Contact.Person, p.Contact.WeChat = name, summary, person, tag
		switch flags % 3 {
		case 0:
			p.Tags = []string{tag, name}
		case 1:
			p.Tags = nil
		default:
			p.Tags = []string{}
		}
		p.Version, p.Employees, p.Capacity = n, int(n), int(n>>32)
		p.RevenueWan, p.TicketMaxWan, p.AreaSqm = num, -num, num/3
		p.CreatedAt = time.Unix(sec, nsec)
		if flags&4 != 0 {
			p.CreatedAt = p.CreatedAt.UTC()
		}
		p.UpdatedAt = p.CreatedAt.In(time.FixedZone(tag, int(n%50000)))
		if flags&8 != 0 {
			p.Needs = nil
		} else {
			p.Needs = &profile.Needs{FundingWan: num, Mentoring: []string{tag}}
		}
		if flags&16 != 0 {
			p.Torch = &profile.TorchRecord{TechField: tag, NetProfitWan: &num}
		}
		if flags&32 != 0 {
			p.Enclave = &profile.EnclaveProject{EnclaveID: name, Since: summary}
		}
		if flags&64 != 0 {
			p.Appointments = []profile.Appointment{{CarrierID: tag, Level: person}}
		}
		if flags&128 != 0 {
			p.MergedInto, p.Archived = summary, true
		}
		if flags&256 != 0 {
			p.Kind = profile.Kind(tag)
		}
		if flags&512 != 0 {
			p.Services, p.Stages = []string{name, summary}, nil
		}
		sameView(t, "fuzz", p)
	})
}

// BenchmarkView runs View and the frozen refView over the same demo profiles,
// with and without contact in turn.
func BenchmarkView(b *testing.B) {
	ps := demoProfiles(1200)
	for _, c := range []struct {
		name string
		view func(profile.Profile, bool) ([]byte, error)
	}{{"old", refView}, {"new", profile.Profile.View}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			bytes, i := 0, 0
			for b.Loop() {
				out, err := c.view(ps[i%len(ps)], i%2 == 0)
				if err != nil {
					b.Fatal(err)
				}
				bytes += len(out)
				i++
			}
			b.ReportMetric(float64(bytes)/float64(i), "B/view")
		})
	}
}
