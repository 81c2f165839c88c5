package api_test

import (
	"fmt"
	"strings"
	"testing"

	"fuhua/internal/profile"
	"fuhua/seed"
)

// BenchmarkImport5000 imports 5,000 new startups from a CSV through the real
// handler into the embedded database, with the search index (and its follower)
// as serve runs it, a fresh database and index per iteration (a second import
// of the same file would take the cheaper "unchanged" path). Issue 11's bar is
// 3 s on the embedded default.
//
// Two files: "distinct" names are at least two edits apart (as real firms'
// names mostly are), "near" names differ in one digit (盐城测试0001…,
// 盐城测试0002…), so every row is a near duplicate of others and the duplicate
// check reads and warns about each of them: its worst case.
func BenchmarkImport5000(b *testing.B) {
	distinct := seed.DistinctFirmName
	near := func(i int) string { return fmt.Sprintf("盐城测试%04d科技有限公司", i) }
	for _, c := range []struct {
		name string
		fn   func(int) string
	}{{"distinct", distinct}, {"near", near}} {
		b.Run(c.name, func(b *testing.B) { benchImport(b, c.fn) })
	}
}

func benchImport(b *testing.B, name func(int) string) {
	const n = 5000
	var sb strings.Builder
	sb.WriteString("企业名称,统一社会信用代码,所在区县,所属产业链,发展阶段,成立日期,职工总数,科技人员数,研发费用占销售收入比例,营业收入（万元）,联系人,联系电话\n")
	districts := []string{"盐南高新区", "亭湖区", "东台市", "大丰区"}
	chains := []string{"氢能", "集成电路、数字经济", "新能源", "第三代半导体"}
	for i := 0; i < n; i++ {
		code := validCreditCode(fmt.Sprintf("91320913MA%07d", i))
		fmt.Fprintf(&sb, "%s,%s,%s,%s,天使,2022-05-10,%d,%d,6%%,%d,张三,0515-8888%04d\n",
			name(i), code, districts[i%len(districts)], chains[i%len(chains)], 10+i%50, 3+i%7, 100+i, i)
	}
	data := []byte(sb.String())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		h := newHarness(b, withIndex(b))
		_, admin := h.user(profile.RoleAdmin)
		b.StartTimer()
		res := h.importFile("/api/v1/startups/import", admin, "startups.csv", data)
		b.StopTimer()
		if res.Created != n || len(res.Errors) != 0 {
			b.Fatalf("created %d of %d; errors %v", res.Created, n, res.Errors[:min(3, len(res.Errors))])
		}
		b.StartTimer()
	}
}
