package match

import (
	"sort"

	"fuhua/internal/profile"
)

// How much of the chain criterion each relation on the map earns, before the
// certainty of the evidence: the same segment beats a supplier or customer
// segment, which beats the same chain, which beats a linked chain. A profile
// that names a chain but no segment of it (an investor's thesis, a generalist
// mentor) covers the whole chain, so it earns more than a specialist in an
// unrelated segment of the same chain.
const (
	relSameSegment   = 1.0
	relAdjacent      = 0.75
	relChainWhole    = 0.8
	relChainOther    = 0.55
	relLinkedChain   = 0.3
	relMentionedOnly = 0.12
	relBreadth       = 0.05 // each further shared chain, at most two
)

// conf is how sure a relation is from the certainty of its two pieces of
// evidence: declared on both sides 1, one inferred from a summary 0.85, one
// known from an application word 0.61.
func conf(a, b Evidence) float64 { return 0.4 + 0.6*min(a.Weight, b.Weight) }

// whoZH and whoEN name the side of a pair in a reason.
func whoZH(k profile.Kind) string {
	switch k {
	case profile.Startup:
		return "企业"
	case profile.Mentor:
		return "导师"
	case profile.Investor:
		return "投资机构"
	case profile.Carrier:
		return "载体"
	case profile.Enclave:
		return "飞地"
	case profile.Provider:
		return "服务机构"
	}
	return string(k)
}

func whoEN(k profile.Kind) string {
	if k == profile.Carrier {
		return "carrier"
	}
	return string(k)
}

// evidenceZH and evidenceEN say how fuhua knows a thing it inferred: "企业简介提到“膜电极”".
func evidenceZH(k profile.Kind, e Evidence) string {
	w := "“" + e.Word + "”"
	switch e.Where {
	case FromName:
		return whoZH(k) + "名称含" + w
	case FromTags:
		return whoZH(k) + "标签含" + w
	case FromTopics:
		return whoZH(k) + "专长含" + w
	case FromSummary:
		return whoZH(k) + "简介提到" + w
	}
	return ""
}

func evidenceEN(k profile.Kind, e Evidence) string {
	w := "“" + e.Word + "”"
	switch e.Where {
	case FromName:
		return "the " + whoEN(k) + "'s name contains " + w
	case FromTags:
		return "the " + whoEN(k) + "'s tags include " + w
	case FromTopics:
		return "the " + whoEN(k) + "'s topics include " + w
	case FromSummary:
		return "the " + whoEN(k) + "'s summary mentions " + w
	}
	return ""
}

// because appends to a reason how fuhua knows its inferred parts, in brackets.
func because(zh, en string, sides ...sideEvidence) (string, string) {
	var bz, be []string
	for _, s := range sides {
		if s.e.Inferred() && s.e.Word != "" {
			bz = append(bz, evidenceZH(s.k, s.e))
			be = append(be, evidenceEN(s.k, s.e))
		}
	}
	if len(bz) == 0 {
		return zh, en
	}
	z, e := "（", " ("
	for i := range bz {
		if i > 0 {
			z += "；"
			e += "; "
		}
		z += bz[i]
		e += be[i]
	}
	return zh + z + "）", en + e + ")"
}

type sideEvidence struct {
	k profile.Kind
	e Evidence
}

// specialistIn reports whether a reading names a segment of chain with more than
// an application word.
func specialistIn(r *Reading, chain string, lex *Lexicon) bool {
	for i := range r.Segments.Len() {
		en := r.Segments.At(i)
		code, e := en.Code, en.Evidence
		if e.Weight > wContext && lex.tm.segs[code].Chain == chain {
			return true
		}
	}
	return false
}

// relation is one way two profiles stand on the chain map. Its sentences are
// written only for the relation chosen (text): relate weighs every pair of
// segments and chains of a candidate, and writing each one's sentences was a
// quarter of a match's time.
type relation struct {
	v    float64
	key  string // for a deterministic choice between equal relations
	text func() (zh, en string)
}

// segName names a segment, with its chain when withChain.
func (l *Lexicon) segName(code string, withChain bool) (string, string) {
	sg := l.tm.segs[code]
	if !withChain {
		return sg.ZH, sg.EN
	}
	czh, cen := l.ChainNames(sg.Chain)
	return czh + "·" + sg.ZH, sg.EN + " (" + cen + ")"
}

// relate scores how startup s and o stand on the chain map, with the reason
// when explain. The best relation's value is the greatest value considered
// whichever relation holds it (the key only chooses between equal ones for
// the sentence), so without explain relate keeps the value alone and makes
// neither keys nor sentences.
func (l *Lexicon) relate(s, o *prepared, explain bool) part {
	p := part{code: ReasonChain}
	if l.tm == nil {
		return p
	}
	sk, ok := s.p.Kind, o.p.Kind
	best := relation{}
	// weigh takes a relation's value; it reports whether the relation itself
	// is wanted (explaining), so the caller makes its key and text only then.
	weigh := func(v float64) bool {
		if explain {
			return true
		}
		if v > best.v {
			best.v = v
		}
		return false
	}
	consider := func(r relation) {
		if r.v > best.v || r.v == best.v && r.v > 0 && r.key < best.key {
			best = r
		}
	}
	for i := range s.r.Segments.Len() {
		en := s.r.Segments.At(i)
		code, es := en.Code, en.Evidence
		// A 5+2 group's segments only say which sub-chain a profile is in
		// (Read makes it a member of it); they are not a place on a chain.
		if l.chains[l.tm.segs[code].Chain].Group {
			continue
		}
		if eo, found := o.r.Segments.Get(code); found && weigh(relSameSegment*conf(es, eo)) {
			// The sentences capture copies, so that the loop's own
			// variables stay off the heap when not explaining.
			code, es, eo := code, es, eo
			consider(relation{relSameSegment * conf(es, eo), "1" + code, func() (string, string) {
				sg := l.tm.segs[code]
				czh, cen := l.ChainNames(sg.Chain)
				return because("同属"+czh+"产业链的"+sg.ZH+"环节", "Both work in "+sg.EN+" in the "+cen+" chain",
					sideEvidence{sk, es}, sideEvidence{ok, eo})
			}})
		}
		for other, dir := range l.tm.adjacent[code] {
			eo, found := o.r.Segments.Get(other)
			// An application word places a firm too loosely to make it a
			// supplier or a customer.
			if !found || es.Weight <= wContext || eo.Weight <= wContext {
				continue
			}
			if !weigh(relAdjacent * conf(es, eo)) {
				continue
			}
			code, other, dir, es, eo := code, other, dir, es, eo
			consider(relation{relAdjacent * conf(es, eo), "2" + code + other, func() (string, string) {
				cross := l.tm.segs[code].Chain != l.tm.segs[other].Chain
				az, ae := l.segName(code, cross)
				bz, be := l.segName(other, cross)
				var zh, en string
				if dir > 0 {
					zh = "上下游相接：企业的" + az + "环节供应" + whoZH(ok) + "的" + bz + "环节"
					en = "Supplier and customer: the startup's " + ae + " supplies the " + whoEN(ok) + "'s " + be
				} else {
					zh = "上下游相接：" + whoZH(ok) + "的" + bz + "环节供应企业的" + az + "环节"
					en = "Supplier and customer: the " + whoEN(ok) + "'s " + be + " supplies the startup's " + ae
				}
				return because(zh, en, sideEvidence{sk, es}, sideEvidence{ok, eo})
			}})
		}
	}
	shared := 0
	for i := range s.r.Chains.Len() {
		en := s.r.Chains.At(i)
		c, es := en.Code, en.Evidence
		eo, found := o.r.Chains.Get(c)
		if !found {
			continue
		}
		shared++
		v := relChainWhole
		// An investor that names segments in its thesis lists what it covers
		// ("碳化硅衬底、外延、器件"), not a niche it keeps to.
		if ok != profile.Investor && specialistIn(s.r, c, l) && specialistIn(o.r, c, l) {
			v = relChainOther
		}
		// A 5+2 group (新能源) shared by two sides whose own chains differ (晶硅光伏
		// and 风电装备) says they are neighbours, not in the same chain.
		if l.chains[c].Group && apartBelow(s.r, o.r, l) {
			v = relLinkedChain
		}
		if !weigh(v * conf(es, eo)) {
			continue
		}
		{ // copies, so the loop's own variables stay off the heap
			c, es, eo := c, es, eo
			consider(relation{v * conf(es, eo), "3" + c, func() (string, string) {
				czh, cen := l.ChainNames(c)
				return because("同属"+czh+"产业链", "Both in the "+cen+" chain", sideEvidence{sk, es}, sideEvidence{ok, eo})
			}})
		}
	}
	if best.v < relLinkedChain {
		for i := range s.r.Chains.Len() {
			en := s.r.Chains.At(i)
			c, es := en.Code, en.Evidence
			for i := range o.r.Chains.Len() {
				en := o.r.Chains.At(i)
				d, eo := en.Code, en.Evidence
				if c == d || !l.linkedFor(s.r, c, o.r, d) || !weigh(relLinkedChain*conf(es, eo)) {
					continue
				}
				{
					c, d, es, eo := c, d, es, eo
					consider(relation{relLinkedChain * conf(es, eo), "4" + c + d, func() (string, string) {
						czh, cen := l.ChainNames(c)
						dzh, den := l.ChainNames(d)
						return because("产业链相关：企业所在的"+czh+"与"+whoZH(ok)+"所在的"+dzh+"上下游相连",
							"Linked chains: the startup's "+cen+" and the "+whoEN(ok)+"'s "+den+" supply each other",
							sideEvidence{sk, es}, sideEvidence{ok, eo})
					}})
				}
			}
		}
	}
	if best.v < relMentionedOnly {
		mention := func(member, mentioner *Reading, k profile.Kind) {
			for i := range member.Chains.Len() {
				en := member.Chains.At(i)
				c := en.Code
				if e, found := mentioner.Mentions.Get(c); found && weigh(relMentionedOnly) {
					c, e, k := c, e, k
					consider(relation{relMentionedOnly, "5" + c, func() (string, string) {
						czh, cen := l.ChainNames(c)
						return because(whoZH(k)+"提到"+czh, "The "+whoEN(k)+" mentions "+cen, sideEvidence{k, e})
					}})
				}
			}
		}
		mention(s.r, o.r, ok)
		mention(o.r, s.r, sk)
	}
	if best.v == 0 {
		return p
	}
	if best.v >= relChainOther*0.5 && shared > 1 {
		best.v += relBreadth * float64(min(shared-1, 2))
	}
	p.frac = min(best.v, 1)
	if explain {
		p.zh, p.en = best.text()
	}
	return p
}

// Placed lists the segments the reading places the profile in, sorted: those
// known from more than an application word.
func (r *Reading) Placed() []string {
	out := make([]string, 0, r.Segments.Len())
	for i := range r.Segments.Len() {
		en := r.Segments.At(i)
		c, e := en.Code, en.Evidence
		if e.Weight > wContext {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// apartBelow reports whether both readings name chains that are not 5+2 groups
// and share none of them.
func apartBelow(a, b *Reading, l *Lexicon) bool {
	own := func(r *Reading) map[string]bool {
		out := map[string]bool{}
		for i := range r.Chains.Len() {
			en := r.Chains.At(i)
			c := en.Code
			if !l.chains[c].Group {
				out[c] = true
			}
		}
		return out
	}
	oa, ob := own(a), own(b)
	if len(oa) == 0 || len(ob) == 0 {
		return false
	}
	for c := range oa {
		if ob[c] {
			return false
		}
	}
	return true
}

// linkedFor reports whether chain c of reading a and chain d of reading b are
// linked for these two: the chain list relates them, or a segment one side
// works in supplies (or is supplied by) the other's chain. That two chains
// touch somewhere on the map is not enough: nearly every chain does.
func (l *Lexicon) linkedFor(a *Reading, c string, b *Reading, d string) bool {
	if l.tm.linked[c][d] {
		return true
	}
	for i := range a.Segments.Len() {
		en := a.Segments.At(i)
		seg, e := en.Code, en.Evidence
		if e.Weight > wContext && l.tm.segs[seg].Chain == c && l.tm.reaches[seg][d] {
			return true
		}
	}
	for i := range b.Segments.Len() {
		en := b.Segments.At(i)
		seg, e := en.Code, en.Evidence
		if e.Weight > wContext && l.tm.segs[seg].Chain == d && l.tm.reaches[seg][c] {
			return true
		}
	}
	return false
}
