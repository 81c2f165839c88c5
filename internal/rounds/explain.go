package rounds

import (
	"fmt"
	"math"

	"fuhua/internal/profile"
)

// Unassigned is a startup that got fewer meetings than it asked for, or a
// counterpart with slots left empty, and why, in Chinese and English.
type Unassigned struct {
	ID string `json:"id"`
	// Side is "startup" or "counterpart".
	Side string `json:"side"`
	// Reason is a stable code (see the Why* constants).
	Reason string `json:"reason"`
	// Missing is how many meetings (or slots) stayed empty.
	Missing int    `json:"missing"`
	ZH      string `json:"zh"`
	EN      string `json:"en"`
}

// Why a startup got fewer meetings, or a counterpart fewer startups, than asked.
const (
	// WhyNoEligible: no pair with it passes the hard constraints with a score
	// above 0.
	WhyNoEligible = "no_eligible"
	// WhyAvoided: the pairs that would fit are all avoided or already introduced.
	WhyAvoided = "avoided"
	// WhyTooFew: it has fewer fitting counterparts than meetings, and has them all.
	WhyTooFew = "too_few"
	// WhyFull: the counterparts that fit it have no slot left; the slots went to
	// pairs that add more to the total.
	WhyFull = "full"
	// WhyRemoved: the manager removed one of its pairs.
	WhyRemoved = "removed"
	// WhyDemandMet: every startup that fits the counterpart has all its meetings
	// or already meets it.
	WhyDemandMet = "demand_met"
	// WhyShareCap: the round's max_share caps the counterpart below its slots.
	WhyShareCap = "share_cap"
	// WhyOwnLimit: the counterpart's own limit (a mentor's free mentoring
	// capacity) is below the slots asked for.
	WhyOwnLimit = "own_limit"
)

// Explain lists, for the pairs of a round, the startups that got fewer meetings
// than they asked for and the counterparts with empty slots, each with why.
// removed are the pairs the manager took out (startup id, counterpart id).
// Startups come first, each side in the order of its facts.
func Explain(startups []StartupFacts, counterparts []CounterpartFacts, pairs []Pair, removed []IDPair) []Unassigned {
	sGot, cGot := map[string]int{}, map[string]int{}
	for _, p := range pairs {
		sGot[p.StartupID]++
		cGot[p.CounterpartID]++
	}
	sRemoved, cRemoved := map[string]bool{}, map[string]bool{}
	for _, r := range removed {
		sRemoved[r.S], cRemoved[r.C] = true, true
	}
	out := []Unassigned{}
	for _, f := range startups {
		got := sGot[f.ID]
		if got >= f.Meetings {
			continue
		}
		u := Unassigned{ID: f.ID, Side: "startup", Missing: f.Meetings - got}
		switch {
		case f.Eligible == 0 && f.Avoided+f.Introduced > 0:
			u.Reason = WhyAvoided
			u.ZH = fmt.Sprintf("合适的对象都已回避（%d 个）或已对接过（%d 个）", f.Avoided, f.Introduced)
			u.EN = fmt.Sprintf("Every counterpart that fits is avoided (%d) or already introduced (%d)", f.Avoided, f.Introduced)
		case f.Eligible == 0:
			u.Reason = WhyNoEligible
			u.ZH = fmt.Sprintf("没有符合条件的对象：%d 个受硬性条件排除（如投资额度、阶段、地区、导师名额），%d 个与企业没有共同点", f.Excluded, f.NoFit)
			u.EN = fmt.Sprintf("No counterpart fits: %d are ruled out by a hard constraint (ticket, stage, region, a full mentor), %d have nothing in common with it", f.Excluded, f.NoFit)
		case sRemoved[f.ID]:
			u.Reason = WhyRemoved
			u.ZH = "管理员移除了该企业的对接安排"
			u.EN = "The manager removed one of its meetings"
		case got >= f.Eligible:
			u.Reason = WhyTooFew
			u.ZH = fmt.Sprintf("只有 %d 个符合条件的对象，已全部安排", f.Eligible)
			u.EN = fmt.Sprintf("Only %d counterparts fit it, and it meets them all", f.Eligible)
		default:
			u.Reason = WhyFull
			u.ZH = fmt.Sprintf("符合条件的 %d 个对象名额已满，名额分给了使总分更高的组合", f.Eligible)
			u.EN = fmt.Sprintf("The %d counterparts that fit it are full; their slots went to pairs that add more to the total", f.Eligible)
		}
		out = append(out, u)
	}
	for _, f := range counterparts {
		got := cGot[f.ID]
		if got >= f.Requested {
			continue
		}
		u := Unassigned{ID: f.ID, Side: "counterpart", Missing: f.Requested - got}
		switch {
		case got >= f.Cap && f.Own < f.Requested && f.Cap == f.Own:
			u.Reason = WhyOwnLimit
			u.ZH = fmt.Sprintf("对方自身只剩 %d 个名额（如导师的辅导容量）", f.Own)
			u.EN = fmt.Sprintf("It has only %d places of its own left (such as a mentor's capacity)", f.Own)
		case got >= f.Cap:
			u.Reason = WhyShareCap
			u.ZH = fmt.Sprintf("单个对象最多承接本轮 %d 场对接（max_share 上限）", f.Cap)
			u.EN = fmt.Sprintf("No counterpart takes more than %d meetings of this round (the max_share cap)", f.Cap)
		case f.Eligible == 0:
			u.Reason = WhyNoEligible
			u.ZH = "本轮没有与之相符的企业"
			u.EN = "No startup of this round fits it"
		case cRemoved[f.ID]:
			u.Reason = WhyRemoved
			u.ZH = "管理员移除了与之的对接安排"
			u.EN = "The manager removed one of its meetings"
		default:
			u.Reason = WhyDemandMet
			u.ZH = fmt.Sprintf("与之相符的 %d 家企业都已排满或已与其配对", f.Eligible)
			u.EN = fmt.Sprintf("The %d startups that fit it have all their meetings or already meet it", f.Eligible)
		}
		out = append(out, u)
	}
	return out
}

// Validate checks a round's shape before Assign: non-empty, within the limits,
// ids unique, meetings 1–MaxMeetings, slots 1–MaxSlots, max_share in [0, 1].
// The error names the field in Chinese and English.
func Validate(in Input) error {
	switch {
	case len(in.Startups) == 0:
		return invalid("startup_ids", "the round has no startups", "本轮没有企业")
	case len(in.Startups) > MaxStartups:
		return invalid("startup_ids", fmt.Sprintf("a round holds at most %d startups", MaxStartups), fmt.Sprintf("每轮最多 %d 家企业", MaxStartups))
	case len(in.Counterparts) == 0:
		return invalid("counterpart_ids", "the round has no counterparts", "本轮没有对接对象")
	case len(in.Counterparts) > MaxCounterparts:
		return invalid("counterpart_ids", fmt.Sprintf("a round holds at most %d counterparts", MaxCounterparts), fmt.Sprintf("每轮最多 %d 个对接对象", MaxCounterparts))
	case math.IsNaN(in.MaxShare) || in.MaxShare < 0 || in.MaxShare > 1:
		return invalid("max_share", "max_share must be a fraction between 0 and 1 (0.2 is 20 %)", "max_share 须为 0 到 1 之间的比例（0.2 即 20%）")
	}
	seen := map[string]bool{}
	for _, s := range in.Startups {
		if seen[s.ID] {
			return invalid("startup_ids", "startup "+s.ID+" is listed twice", "企业 "+s.ID+" 重复出现")
		}
		seen[s.ID] = true
		if s.Meetings < 1 || s.Meetings > MaxMeetings {
			return invalid("meetings_per_startup", fmt.Sprintf("meetings per startup must be 1 to %d", MaxMeetings), fmt.Sprintf("每家企业的对接场次须为 1 到 %d", MaxMeetings))
		}
	}
	for _, c := range in.Counterparts {
		if seen[c.ID] {
			return invalid("counterpart_ids", "profile "+c.ID+" is listed twice or on both sides", "资料 "+c.ID+" 重复出现或同时出现在两侧")
		}
		seen[c.ID] = true
		if c.Slots < 1 || c.Slots > MaxSlots {
			return invalid("slots", fmt.Sprintf("slots per counterpart must be 1 to %d", MaxSlots), fmt.Sprintf("每个对象的名额须为 1 到 %d", MaxSlots))
		}
	}
	return nil
}

func invalid(field, en, zh string) error { return profile.Invalid(field, "invalid_round", en, zh) }
