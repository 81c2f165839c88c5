package match

import (
	"strings"
	"testing"

	"fuhua/internal/profile"
)

func TestReadKeepsIncidentalWordsAsMentions(t *testing.T) {
	lex := testLex()
	p := &profile.Profile{Kind: profile.Startup, Name: "盐城氢途能源科技有限公司", Chains: []string{"hydrogen", "new_energy"},
		Summary: "研发燃料电池膜电极与电堆，产品已用于港口物流车和叉车。"}
	r := lex.Read(p)
	if _, ok := r.Chains.Get("marine"); ok {
		t.Errorf("港口物流车 made the firm a member of the marine chain: %v", r.Chains)
	}
	e, ok := r.Segments.Get("hydrogen.fuel_cell")
	if !ok || e.Word == "" || e.Where != FromSummary {
		t.Fatalf("fuel-cell segment not read from the summary with its word: %+v (segments %v)", e, r.Segments)
	}
}

func TestReadNeedsFromProse(t *testing.T) {
	lex := testLex()
	for _, tc := range []struct {
		summary       string
		service, fund string
		none          bool
	}{
		{summary: "公司急需专利布局，同时寻求天使轮融资。", service: "ip", fund: "equity"},
		{summary: "产品需要检测认证后才能进入整车厂。", service: "testing"},
		{summary: "公司已完成天使轮融资。", none: true},
	} {
		r := lex.Read(&profile.Profile{Kind: profile.Startup, Name: "x", Summary: tc.summary})
		if tc.none {
			if r.Funding.Len() != 0 {
				t.Errorf("%s: read a funding need from a clause that says it is done: %v", tc.summary, r.Funding)
			}
			continue
		}
		if tc.service != "" {
			if e, ok := r.Services.Get(tc.service); !ok || e.Word == "" {
				t.Errorf("%s: service %s not read (got %v)", tc.summary, tc.service, r.Services)
			}
		}
		if tc.fund != "" {
			if _, ok := r.Funding.Get(tc.fund); !ok {
				t.Errorf("%s: funding %s not read (got %v)", tc.summary, tc.fund, r.Funding)
			}
		}
	}
}

func TestReadEnglishOntoSameSegments(t *testing.T) {
	lex := testLex()
	zh := lex.Read(&profile.Profile{Kind: profile.Startup, Name: "氢芯", Summary: "专注质子交换膜燃料电池膜电极的研发。"})
	en := lex.Read(&profile.Profile{Kind: profile.Startup, Name: "HyCore", Summary: "We develop membrane electrode assemblies (MEA) for PEM fuel cells."})
	if _, ok := zh.Segments.Get("hydrogen.fuel_cell"); !ok {
		t.Fatalf("Chinese text not placed in hydrogen.fuel_cell: %v", zh.Segments)
	}
	if _, ok := en.Segments.Get("hydrogen.fuel_cell"); !ok {
		t.Fatalf("English text not placed in hydrogen.fuel_cell: %v (chains %v)", en.Segments, en.Chains)
	}
}

func TestSegmentBeatsNeighbouringExpertise(t *testing.T) {
	env := Env{Lex: testLex()}
	s := &profile.Profile{ID: "s", Kind: profile.Startup, Name: "晶源碳化硅", Chains: []string{"semi3"}, District: "dafeng",
		Summary: "研发6英寸碳化硅衬底，采用PVT法长晶。", Needs: &profile.Needs{Mentoring: []string{"技术"}}}
	grower := &profile.Profile{ID: "m1", Kind: profile.Mentor, Name: "李教授", Capacity: 3, Chains: []string{"semi3"},
		Summary: "长期从事碳化硅单晶生长研究，熟悉PVT长晶炉与衬底加工。", Topics: []string{"晶体生长"}}
	neighbour := &profile.Profile{ID: "m2", Kind: profile.Mentor, Name: "王博士", Capacity: 3, Chains: []string{"materials", "semi3"},
		Summary: "从事先进陶瓷与石墨烯材料研究，熟悉半导体封装材料。", Topics: []string{"新材料"}}
	items := Rank(s, []*profile.Profile{neighbour, grower}, env, 0)
	if len(items) == 0 || items[0].ID != "m1" {
		t.Fatalf("the crystal-growth expert is not first: %+v", items)
	}
	if !strings.Contains(items[0].Reasons[0].ZH+items[0].Reasons[len(items[0].Reasons)-1].ZH, "衬底") {
		t.Logf("reasons: %+v", items[0].Reasons)
	}
}

func TestProseNeedFindsTheRightProvider(t *testing.T) {
	env := Env{Lex: testLex()}
	s := &profile.Profile{ID: "s", Kind: profile.Startup, Name: "芯测微电子", Chains: []string{"ic"}, District: "yannan",
		Summary: "专注模拟芯片设计，核心技术亟需专利布局和知识产权保护。"}
	ipa := &profile.Profile{ID: "p1", Kind: profile.Provider, Type: "ip", Name: "盐城专利事务所", District: "tinghu", Summary: "专利代理、商标注册。"}
	lab := &profile.Profile{ID: "p2", Kind: profile.Provider, Type: "testing", Name: "盐南检测中心", District: "yannan", Chains: []string{"ic"},
		Summary: "集成电路与电子产品检测认证。"}
	items := Rank(s, []*profile.Profile{lab, ipa}, env, 0)
	if len(items) == 0 || items[0].ID != "p1" {
		t.Fatalf("the IP agency is not first for a need written in prose: %+v", items)
	}
	found := false
	for _, r := range items[0].Reasons {
		if r.Code == ReasonServices && strings.Contains(r.ZH, "简介提到") {
			found = true
		}
	}
	if !found {
		t.Errorf("the services reason does not say it was read from the summary: %+v", items[0].Reasons)
	}
}

// TestReadDropsEmptyMaps: what Read found nothing of holds no entries at all,
// so a reading kept for every profile holds only what it found.
func TestReadDropsEmptyMaps(t *testing.T) {
	lex := testLex()
	r := lex.Read(&profile.Profile{Kind: profile.Mentor, Name: "导师", Chains: []string{"hydrogen"}})
	if r.Chains.Len() != 1 {
		t.Fatalf("chains %v, want hydrogen", r.Chains)
	}
	for name, m := range map[string]Evidences{"mentions": r.Mentions, "segments": r.Segments,
		"services": r.Services, "funding": r.Funding, "topics": r.Topics} {
		if m.list != nil {
			t.Errorf("%s = %#v, want nil", name, m)
		}
	}
}

// TestSharedTagsKeepLastWritten: of two tags the same but for case, the reason
// names the one written last, as when the tags were a map by lower case.
func TestSharedTagsKeepLastWritten(t *testing.T) {
	env := Env{Lex: testLex()}
	s := &profile.Profile{ID: "s", Kind: profile.Startup, Name: "s", Tags: []string{"AI", "b"}, Topics: []string{" ai "}}
	c := &profile.Profile{ID: "c", Kind: profile.Provider, Name: "c", Tags: []string{"Ai", "B", "x"}}
	var text *Reason
	it := Score(s, c, env)
	for i := range it.Reasons {
		if it.Reasons[i].Code == ReasonText {
			text = &it.Reasons[i]
		}
	}
	if text == nil || text.ZH != "有相同的标签： ai 、b" || text.EN != "Shared tags:  ai , b" {
		t.Fatalf("text reason %+v; want the tags ' ai ' and 'b'", text)
	}
}

// TestReadTextThatLowerCasesLonger: a text whose lower case is longer than
// itself (Ⱥ, two bytes, lower-cases to ⱥ, three) with an application marker after it
// is read without running past its end, as the same text without İ is.
func TestReadTextThatLowerCasesLonger(t *testing.T) {
	lex := testLex()
	for _, summary := range []string{
		strings.Repeat("Ⱥ", 40) + "面向新能源汽车",
		"ȺȺȺ用于氢燃料电池",
		strings.Repeat("Ⱥ", 9) + "面向" + strings.Repeat("Ⱥ", 9) + "的碳化硅器件",
	} {
		p := &profile.Profile{Kind: profile.Startup, Name: "Ⱥstanbul", Tags: []string{"ȺȺ面向"}, Summary: summary}
		r := lex.Read(p)
		if r.Chains.Has("nev") && r.Chains.Len() == 1 && strings.HasSuffix(summary, "新能源汽车") {
			t.Errorf("%q: an application after 面向 made the firm a member of its chain", summary)
		}
	}
}
