package sheet

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// Two fields answering to one header would make a file's meaning depend on the
// order of a map.
func TestHeadersAreUnambiguous(t *testing.T) {
	for _, k := range profile.Kinds {
		owner := map[string]string{}
		for _, fd := range Fields(k) {
			if !k.Writable(strings.SplitN(fd.Key, ".", 2)[0]) {
				t.Errorf("%s: %s is not a writable field", k, fd.Key)
			}
			for _, n := range fd.headerNames() {
				key := normalize(n)
				if prev, ok := owner[key]; ok && prev != fd.Key {
					t.Errorf("%s: header %q means both %s and %s", k, n, prev, fd.Key)
				}
				owner[key] = fd.Key
			}
		}
	}
}

func mustParse(t *testing.T, k profile.Kind, data []byte) (*Columns, []Row) {
	t.Helper()
	tb, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	cols, rows, err := Parse(k, tb)
	if err != nil {
		t.Fatal(err)
	}
	return cols, rows
}

func creditCode(first17 string) string { return first17 + check(first17) }

func TestParseCSVChineseHeadersAndNames(t *testing.T) {
	cc := creditCode("91320913MA25XK3Q0")
	csv := "\uFEFF序号,企业名称,统一社会信用代码,所属区县,所属产业链,研发投入占比,成立日期,科技型中小企业,职工总数\n" +
		"1,甲公司," + cc + ",盐南高新区,氢能、集成电路；hydrogen,6%,2023/3/1,是,20\n" +
		"\n" +
		"2,乙公司,x,东台,不存在的链,12,2023-02-30,也许,二十\n"
	cols, rows := mustParse(t, profile.Startup, []byte(csv))
	if diff := cmp.Diff(cols.Ignored, []IgnoredColumn{{Column: "A", Header: "序号"}}); diff != "" {
		t.Errorf("ignored columns (-got +want):\n%s", diff)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	if len(rows[0].Errors) != 0 {
		t.Fatalf("row 2: %v", rows[0].Errors)
	}
	p, err := rows[0].Apply(&profile.Profile{Kind: profile.Startup})
	if err != nil {
		t.Fatal(err)
	}
	want := profile.Profile{Kind: profile.Startup, Name: "甲公司", CreditCode: cc, District: "yannan", Chains: []string{"hydrogen", "ic"},
		RDRatio: 0.06, Founded: "2023-03-01", TechSME: nil, Employees: 20}
	got := profile.Profile{Kind: p.Kind, Name: p.Name, CreditCode: p.CreditCode, District: p.District, Chains: p.Chains,
		RDRatio: p.RDRatio, Founded: p.Founded, Employees: p.Employees}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("row 2 (-got +want):\n%s", diff)
	}
	// tech_sme.passed alone, without a year, still sets the result.
	if p.TechSME == nil || !p.TechSME.Passed {
		t.Errorf("tech_sme = %+v, want passed", p.TechSME)
	}
	// The blank line is row 3; the bad row is row 4, one error per bad cell.
	if rows[1].Row != 4 {
		t.Errorf("second data row numbered %d, want 4", rows[1].Row)
	}
	var gotCols []string
	for _, e := range rows[1].Errors {
		gotCols = append(gotCols, e.Column+":"+e.Field)
		if e.Row != 4 || e.MessageEN == "" || e.MessageZH == "" {
			t.Errorf("error %+v lacks row or messages", e)
		}
	}
	wantCols := []string{"E:chains", "F:rd_ratio", "G:founded", "H:tech_sme.passed", "I:employees"}
	if diff := cmp.Diff(sortStrings(gotCols), wantCols); diff != "" {
		t.Errorf("errors of row 4 (-got +want):\n%s", diff)
	}
}

func sortStrings(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestParseCSVGB18030AndEnglish(t *testing.T) {
	text := "name,type,district,services\n知联代理,知识产权代理,亭湖区,知识产权;法律\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Read([]byte(gb))
	if err != nil {
		t.Fatal(err)
	}
	if tb.Encoding != "gb18030" {
		t.Errorf("encoding %q, want gb18030", tb.Encoding)
	}
	_, rows, err := Parse(profile.Provider, tb)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := rows[0].Apply(&profile.Profile{Kind: profile.Provider})
	if p.Name != "知联代理" || p.Type != "ip" || p.District != "tinghu" || !cmp.Equal(p.Services, []string{"ip", "law"}) {
		t.Errorf("got %+v", p)
	}
}

func TestBrokenFilesAreInvalid(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":         {},
		"truncated zip": []byte("PK\x03\x04garbage that is not a workbook"),
		"old xls":       {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0},
		"binary":        {0x00, 0x01, 0x02, 0xff},
		"bad quotes":    []byte("name,district\n\"unterminated,东台\n"),
		"too large":     make([]byte, MaxBytes+1),
	} {
		_, err := Read(data)
		if !errors.Is(err, profile.ErrInvalid) {
			t.Errorf("%s: got %v, want an invalid-input error", name, err)
		}
	}
	// A file without a recognisable header is refused whole.
	tb, err := Read([]byte("foo,bar\n1,2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Parse(profile.Carrier, tb); !errors.Is(err, profile.ErrInvalid) {
		t.Errorf("no header: got %v", err)
	}
	// A startup file must carry the credit code it is keyed by.
	tb, _ = Read([]byte("名称,所在区县\n甲,东台\n"))
	if _, _, err := Parse(profile.Startup, tb); !errors.Is(err, profile.ErrInvalid) {
		t.Errorf("no credit code column: got %v", err)
	}
}

func TestTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,district\n")
	for i := 0; i <= MaxRows+2; i++ {
		b.WriteString("x,东台\n")
	}
	if _, err := Read([]byte(b.String())); !errors.Is(err, profile.ErrInvalid) {
		t.Errorf("got %v, want too_many_rows", err)
	}
}

// An export reads back to the same profiles, for every kind: the template's
// example, written by Profiles, parsed, applied.
func TestExportReadsBack(t *testing.T) {
	cat := seed.Catalog()
	for _, k := range profile.Kinds {
		ex := Example(k)
		ex.Normalize()
		if err := ex.Validate(cat); err != nil {
			t.Fatalf("%s example: %v", k, err)
		}
		b, err := Profiles(k, []Item{{Profile: &ex, WithContact: true}})
		if err != nil {
			t.Fatal(err)
		}
		_, rows := mustParse(t, k, b)
		if len(rows) != 1 || len(rows[0].Errors) > 0 || rows[0].Row != 3 {
			t.Fatalf("%s: rows %+v", k, rows)
		}
		got, err := rows[0].Apply(&profile.Profile{Kind: k})
		if err != nil {
			t.Fatal(err)
		}
		got.Normalize()
		gv, _ := got.View(true)
		wv, _ := ex.View(true)
		if string(gv) != string(wv) {
			t.Errorf("%s round trip:\n got %s\nwant %s", k, gv, wv)
		}
	}
}

// The columns added for the chain map, enclave projects and the Torch record
// read back as written: an empty Torch cell stays unknown (not 0), a 0 or 否
// stays a stated 0 or false, and an enclave project comes back whole.
func TestNewColumnsReadBack(t *testing.T) {
	ex := Example(profile.Startup)
	ex.Enclave = &profile.EnclaveProject{EnclaveID: "6650a1b2c3d4e5f601234567", Stage: "landed", Since: "2022-01-01",
		LandedOn: "2024-06-01", ParkID: "6650a1b2c3d4e5f601234568"}
	b, err := Profiles(profile.Startup, []Item{{Profile: &ex, WithContact: true}})
	if err != nil {
		t.Fatal(err)
	}
	cols, rows := mustParse(t, profile.Startup, b)
	for _, key := range []string{"segments", "enclave.stage", "torch.report_year", "torch.rd_spend_wan", "torch.has_mentor"} {
		if !cols.Has(key) {
			t.Errorf("no column for %s", key)
		}
	}
	got, err := rows[0].Apply(&profile.Profile{Kind: profile.Startup})
	if err != nil {
		t.Fatal(err)
	}
	tr := got.Torch
	switch {
	case tr == nil:
		t.Fatal("the Torch record was not read")
	case tr.StaffDoctorate != nil || tr.NetProfitWan != nil || tr.AcquiredOrListed != nil:
		t.Errorf("empty cells read as stated: %+v", tr)
	case tr.FreshGraduates == nil || *tr.FreshGraduates != 0 || tr.FounderStudent == nil || *tr.FounderStudent:
		t.Errorf("a stated 0 or 否 was lost: %+v", tr)
	case tr.RDSpendWan == nil || *tr.RDSpendWan != 150 || tr.TechField != "energy" || tr.RegistrationType != "150":
		t.Errorf("figures: %+v", tr)
	}
	if got.Enclave == nil || *got.Enclave != *ex.Enclave || len(got.Segments) != 1 || got.Segments[0] != "hydrogen.fuel_cell" {
		t.Errorf("enclave %+v segments %v", got.Enclave, got.Segments)
	}
	// A row with those columns empty holds no project and no record.
	csv := "名称,统一社会信用代码,飞地项目阶段,火炬统计年度,研发支出（万元）\n某企业," + ex.CreditCode + ",,,\n"
	tb, err := Read([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	_, rows, err = Parse(profile.Startup, tb)
	if err != nil || len(rows) != 1 || len(rows[0].Errors) > 0 {
		t.Fatalf("parse: %v %+v", err, rows)
	}
	had := Example(profile.Startup)
	got, _ = rows[0].Apply(&had)
	if got.Torch != nil || got.Enclave != nil {
		t.Errorf("empty cells made a record: %+v %+v", got.Torch, got.Enclave)
	}
}

func TestExportHidesContact(t *testing.T) {
	ex := Example(profile.Startup)
	b, err := Profiles(profile.Startup, []Item{{Profile: &ex, WithContact: false}})
	if err != nil {
		t.Fatal(err)
	}
	if tb, _ := Read(b); strings.Contains(strings.Join(tb.Lines[2].Cells, "|"), ex.Contact.Email) {
		t.Errorf("the contact was exported: %v", tb.Lines[2].Cells)
	}
}

// The template's data sheet is the header alone: importing it as downloaded
// writes nothing.
func TestTemplateHasHeaderOnly(t *testing.T) {
	for _, k := range profile.Kinds {
		b, err := Template(k)
		if err != nil {
			t.Fatal(err)
		}
		cols, rows := mustParse(t, k, b)
		if len(rows) != 0 || len(cols.Ignored) != 0 {
			t.Errorf("%s template: %d rows, ignored %v", k, len(rows), cols.Ignored)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2023-03-01": "2023-03-01", "2023/3/1": "2023-03-01", "2023.3.1": "2023-03-01", "2023年3月1日": "2023-03-01",
		"20230301": "2023-03-01", "44986": "2023-03-01", "2023-03-01 00:00:00": "2023-03-01",
		"2023": "", "2023-02-30": "", "abc": "",
	} {
		got, ok := parseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnName(i); got != want {
			t.Errorf("ColumnName(%d) = %q, want %q", i, got, want)
		}
	}
}
