package seed

import (
	"strings"
	"testing"
)

func TestChainsFixedCodes(t *testing.T) {
	have := map[string]Chain{}
	for _, c := range Chains() {
		have[c.Code] = c
	}
	// DESIGN.md fixes these twelve; other packages and stored profiles use them.
	for _, code := range []string{"ic", "semi3", "hydrogen", "digital", "vr", "env", "equipment", "auto",
		"new_energy", "materials", "electronics", "biomed"} {
		if _, ok := have[code]; !ok {
			t.Errorf("chain %q fixed by DESIGN.md is missing", code)
		}
	}
	// The reference's codes were mapped to the contract's; they must not come back.
	for _, code := range []string{"wbg_semi", "eco", "hem", "eit", "new_materials"} {
		if _, ok := have[code]; ok {
			t.Errorf("reference code %q is present; DESIGN.md uses another code for it", code)
		}
	}
}

func TestChainsWellFormed(t *testing.T) {
	chains := Chains()
	byCode := map[string]Chain{}
	groups := 0
	for _, c := range chains {
		if _, dup := byCode[c.Code]; dup {
			t.Errorf("chain code %q appears twice", c.Code)
		}
		byCode[c.Code] = c
		if c.Group {
			groups++
		}
		if c.ZH == "" || c.EN == "" {
			t.Errorf("chain %q lacks a Chinese or English name", c.Code)
		}
		if len(c.Synonyms) == 0 {
			t.Errorf("chain %q has no synonyms", c.Code)
		}
		seen := map[string]bool{}
		for _, s := range c.Synonyms {
			if strings.TrimSpace(s) != s || s == "" {
				t.Errorf("chain %q: synonym %q is blank or padded", c.Code, s)
			}
			if seen[s] {
				t.Errorf("chain %q lists synonym %q twice", c.Code, s)
			}
			seen[s] = true
		}
	}
	if groups != 7 {
		t.Errorf("got %d 5+2 groups, want 7", groups)
	}
	for _, c := range chains {
		if c.Parent != "" {
			p, ok := byCode[c.Parent]
			if !ok || !p.Group {
				t.Errorf("chain %q: parent %q is not a 5+2 group", c.Code, c.Parent)
			}
		}
		if c.Group && c.Parent != "" {
			t.Errorf("group %q has a parent", c.Code)
		}
		for _, r := range c.Related {
			if _, ok := byCode[r]; !ok || r == c.Code {
				t.Errorf("chain %q: related %q is not another chain", c.Code, r)
			}
		}
		if c.Confirmed && c.Tier == "" {
			t.Errorf("chain %q is confirmed as one of the 23 but has no tier", c.Code)
		}
	}
}

func TestChainsConfirmedOnlyWhereSourced(t *testing.T) {
	// The reference names 12 of the 23 chains with a source; nothing else may claim it.
	want := map[string]string{"pv": "landmark", "wind": "landmark", "stainless": "landmark", "power_battery": "landmark",
		"air_pollution": "landmark", "precision_parts": "advantage", "pcb": "advantage", "petro_machinery": "advantage",
		"agri_food": "advantage", "display": "potential", "ic": "potential", "iiot": "potential"}
	got := map[string]string{}
	for _, c := range Chains() {
		if c.Confirmed {
			got[c.Code] = c.Tier
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d confirmed chains, want %d: %v", len(got), len(want), got)
	}
	for code, tier := range want {
		if got[code] != tier {
			t.Errorf("chain %q: confirmed tier %q, want %q", code, got[code], tier)
		}
	}
}

func TestChainsSynonymsTheBriefNames(t *testing.T) {
	byCode := map[string]Chain{}
	for _, c := range Chains() {
		byCode[c.Code] = c
	}
	for code, words := range map[string][]string{
		"hydrogen": {"氢能", "燃料电池", "制氢", "储氢", "hydrogen"},
		"semi3":    {"第三代半导体", "碳化硅", "SiC", "氮化镓", "GaN"},
		"ic":       {"集成电路", "芯片", "IC"},
		"wind":     {"海上风电"},
		"marine":   {"海上风电"},
	} {
		have := map[string]bool{}
		for _, s := range byCode[code].Synonyms {
			have[s] = true
		}
		for _, w := range words {
			if !have[w] {
				t.Errorf("chain %q lacks synonym %q", code, w)
			}
		}
	}
}

func TestChainsGuessesAreMarked(t *testing.T) {
	// Every chain that is neither confirmed nor a sourced 5+2 group rests on a guess
	// somewhere; its note must say so.
	for _, c := range Chains() {
		if c.Note == "" {
			t.Errorf("chain %q has no note", c.Code)
			continue
		}
		if c.Future && !strings.Contains(c.Note, "guess") && !strings.Contains(c.Note, "规划原文") {
			t.Errorf("future chain %q: note neither marks a guess nor cites the plan: %s", c.Code, c.Note)
		}
	}
}

func TestCatalogHasEveryChainAndDistrict(t *testing.T) {
	cat := Catalog()
	if got, want := len(cat.Chains.Codes()), len(Chains()); got != want {
		t.Errorf("catalog has %d chains, want %d", got, want)
	}
	if got := cat.Districts.Codes(); len(got) != 11 || got[0] != "dongtai" || got[10] != "yannan" {
		t.Errorf("catalog districts = %v", got)
	}
}
