package notify

import (
	"fmt"
	"strings"
	"time"
)

// The texts. Each builder returns a notification without account, id or time:
// the caller addresses it, the store numbers it. Names are shown as given; the
// pages escape them.

func named(n string) (zh, en string) {
	n = strings.TrimSpace(n)
	if n == "" {
		return "（未命名）", "(unnamed)"
	}
	return "「" + n + "」", "“" + n + "”"
}

func note(t Type, link, zh, en string) Notification {
	return Notification{Type: t, Link: link, ZH: zh, EN: en, InApp: true}
}

// Received tells the owner of to that the owner of from asks for an
// introduction.
func Received(introID string, from, to Ref) Notification {
	fz, fe := named(from.Name)
	tz, te := named(to.Name)
	return note(IntroReceived, IntroLink(introID),
		fmt.Sprintf("%s请求与您的%s对接，请查看并回复", fz, tz),
		fmt.Sprintf("%s asks to be introduced to your %s; please answer", fe, te))
}

// Brokered tells the owner of mine that broker (a person's name) brokered an
// introduction between mine and other.
func Brokered(introID, broker string, mine, other Ref) Notification {
	mz, me := named(mine.Name)
	oz, oe := named(other.Name)
	b := strings.TrimSpace(broker)
	if b == "" {
		b = "区县管理员"
	}
	return note(IntroBrokered, IntroLink(introID),
		fmt.Sprintf("%s为您的%s与%s牵线对接，请查看并回复", b, mz, oz),
		fmt.Sprintf("%s brokered an introduction between your %s and %s; please answer", b, me, oe))
}

// Accepted tells a participant that the introduction between a and b is
// accepted by everyone: the contacts are shown now.
func Accepted(introID string, a, b Ref) Notification {
	az, ae := named(a.Name)
	bz, be := named(b.Name)
	return note(IntroAccepted, IntroLink(introID),
		fmt.Sprintf("%s与%s的对接已被接受，双方联系方式现已可见", az, bz),
		fmt.Sprintf("The introduction between %s and %s is accepted; both contacts are shown now", ae, be))
}

// AcceptedBySide tells the broker (or the other side) that side accepted the
// brokered introduction with other, which still waits for other's answer.
func AcceptedBySide(introID string, side, other Ref) Notification {
	sz, se := named(side.Name)
	oz, oe := named(other.Name)
	return note(IntroAccepted, IntroLink(introID),
		fmt.Sprintf("%s已接受与%s的对接，等待%s回复", sz, oz, oz),
		fmt.Sprintf("%s accepted the introduction with %s, which still waits for %s's answer", se, oe, oe))
}

// Declined tells a participant that side declined the introduction with other.
func Declined(introID string, side, other Ref) Notification {
	sz, se := named(side.Name)
	oz, oe := named(other.Name)
	return note(IntroDeclined, IntroLink(introID),
		fmt.Sprintf("%s谢绝了与%s的对接", sz, oz),
		fmt.Sprintf("%s declined the introduction with %s", se, oe))
}

// Expiring tells a recipient that the request between from and to expires at
// the given time unless answered.
func Expiring(introID string, from, to Ref, at time.Time, zone *time.Location) Notification {
	fz, fe := named(from.Name)
	tz, te := named(to.Name)
	day := at.In(zone).Format("2006-01-02 15:04")
	return note(IntroExpiring, IntroLink(introID),
		fmt.Sprintf("%s与%s的对接请求将于 %s 过期，请尽快回复", fz, tz, day),
		fmt.Sprintf("The request between %s and %s expires on %s; please answer soon", fe, te, day))
}

// Expired tells a participant that the request between from and to expired
// unanswered.
func Expired(introID string, from, to Ref) Notification {
	fz, fe := named(from.Name)
	tz, te := named(to.Name)
	return note(IntroExpired, IntroLink(introID),
		fmt.Sprintf("%s与%s的对接请求已过期，未获回复；如仍有意可重新发起", fz, tz),
		fmt.Sprintf("The request between %s and %s expired unanswered; you may ask again", fe, te))
}

// DueOutcome asks a participant to record what came of the accepted
// introduction between a and b, days after its acceptance.
func DueOutcome(introID string, a, b Ref, days int) Notification {
	az, ae := named(a.Name)
	bz, be := named(b.Name)
	return note(OutcomeDue, IntroLink(introID),
		fmt.Sprintf("%s与%s的对接已接受 %d 天，尚未记录结果，请记录对接成效（如已见面洽谈、已投资）", az, bz, days),
		fmt.Sprintf("The introduction between %s and %s was accepted %d days ago and has no outcome yet; please record what came of it", ae, be, days))
}

// EnteredSearch tells the owner of the saved search named saved that p now
// appears in it.
func EnteredSearch(saved string, p Ref) Notification {
	pz, pe := named(p.Name)
	sz, se := named(saved)
	return note(SavedSearch, ProfileLink(p.Kind, p.ID),
		fmt.Sprintf("%s（%s）进入了您保存的检索%s", pz, p.Kind.ZH(), sz),
		fmt.Sprintf("%s (%s) now appears in your saved search %s", pe, p.Kind, se))
}

// EnteredMatches tells the owner of the saved match list named saved, of
// profile for, that p now appears among its best matches.
func EnteredMatches(saved string, forProfile, p Ref) Notification {
	pz, pe := named(p.Name)
	fz, fe := named(forProfile.Name)
	sz, se := named(saved)
	return note(SavedMatches, ProfileLink(p.Kind, p.ID),
		fmt.Sprintf("%s（%s）进入了%s的匹配结果（已保存的匹配列表%s）", pz, p.Kind.ZH(), fz, sz),
		fmt.Sprintf("%s (%s) now appears among the matches of %s (saved match list %s)", pe, p.Kind, fe, se))
}

// NewlyEligible tells the owner of p that it now qualifies for the programme
// named zh / en.
func NewlyEligible(p Ref, programmeZH, programmeEN string) Notification {
	pz, pe := named(p.Name)
	return note(PolicyEligible, PolicyLink(p.Kind, p.ID),
		fmt.Sprintf("%s现已符合「%s」的条件，可以申报", pz, programmeZH),
		fmt.Sprintf("%s now meets the conditions of “%s” and may apply", pe, programmeEN))
}

// Mail is one e-mail: its subject and plain-text body.
type Mail struct {
	Subject string
	Body    string
}

// DigestMail is the digest of items for a person named name, in Chinese then
// English; base (e.g. https://fuhua.example) makes the links absolute, and may
// be empty.
func DigestMail(name string, items []Notification, base string) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "%s，您好：\n\n您在孵化对接平台有 %d 条未读通知：\n\n", name, len(items))
	for _, n := range items {
		fmt.Fprintf(&b, "· %s\n  %s%s\n", n.ZH, base, n.Link)
	}
	fmt.Fprintf(&b, "\n如不想收到此邮件，请在「通知设置」中关闭邮件摘要。\n\n----\n\nHello %s,\n\nYou have %d unread notifications on fuhua:\n\n", name, len(items))
	for _, n := range items {
		fmt.Fprintf(&b, "* %s\n  %s%s\n", n.EN, base, n.Link)
	}
	b.WriteString("\nTo stop these e-mails, switch the digest off in your notification settings.\n")
	return Mail{Subject: fmt.Sprintf("孵化对接：%d 条未读通知 / fuhua: %d unread notifications", len(items), len(items)), Body: b.String()}
}

// Pushed tells the owner of p that the district office points it at the
// programme named zh / en, which p meets (eligible) or nearly meets (close).
func Pushed(p Ref, programmeZH, programmeEN string, eligible bool) Notification {
	pz, pe := named(p.Name)
	if eligible {
		return note(PolicyEligible, PolicyLink(p.Kind, p.ID),
			fmt.Sprintf("区县科技部门提醒：%s符合「%s」的条件，可以申报", pz, programmeZH),
			fmt.Sprintf("Your district office: %s meets the conditions of “%s” and may apply", pe, programmeEN))
	}
	return note(PolicyEligible, PolicyLink(p.Kind, p.ID),
		fmt.Sprintf("区县科技部门提醒：%s距离「%s」的条件只差一步，请查看还缺什么", pz, programmeZH),
		fmt.Sprintf("Your district office: %s is close to the conditions of “%s”; see what it still lacks", pe, programmeEN))
}
