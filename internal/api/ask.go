package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"fuhua/internal/intro"
	"fuhua/internal/profile"
)

// Asking from any profile (issue 10): GET /{path}/{id}/ask tells a viewer
// whether, and from which of their own profiles, they may ask for an
// introduction to this one, and shows any introduction already between them.
// The rules are internal/intro's (intro.New, tried without storing anything):
// they limit who asks, not whom — an investor whose regions exclude the
// founder's district is left out of the founder's matches (a hard constraint
// of matching) but may still be asked.

// Asking is what the ask and deal-flow views need of the store.
type Asking interface {
	ProfilesOwnedBy(ctx context.Context, owner string) ([]profile.Profile, error)
	IntrosOfProfile(ctx context.Context, id string) ([]intro.Introduction, error)
}

func (s *Server) asking() (Asking, error) {
	a, ok := s.Store.(Asking)
	if !ok || s.Intros == nil {
		return nil, &profile.Error{Kind: profile.ErrUnavailable, Code: "unavailable",
			EN: "introductions are not available on this server", ZH: "此服务器未启用对接功能"}
	}
	return a, nil
}

// namedRef is a profile named for people.
type namedRef struct {
	Kind profile.Kind `json:"kind"`
	ID   string       `json:"id"`
	Name string       `json:"name"`
}

type askIntro struct {
	ID         string      `json:"id"`
	State      intro.State `json:"state"`
	From       namedRef    `json:"from"`
	To         namedRef    `json:"to"`
	BrokerName string      `json:"broker_name,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
}

type text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

type askView struct {
	CanAsk        bool       `json:"can_ask"`
	From          []namedRef `json:"from"`
	Introductions []askIntro `json:"introductions"`
	Reason        *text      `json:"reason,omitempty"`
}

// ask answers GET /api/v1/{path}/{id}/ask.
func (s *Server) ask(k profile.Kind) func(c *gin.Context) error {
	return func(c *gin.Context) error {
		st, err := s.asking()
		if err != nil {
			return err
		}
		target, err := s.loadProfile(c, k)
		if err != nil {
			return err
		}
		ctx := c.Request.Context()
		u := currentUser(c)
		own, err := st.ProfilesOwnedBy(ctx, u.ID)
		if err != nil {
			return err
		}
		ins, err := st.IntrosOfProfile(ctx, target.ID)
		if err != nil {
			return err
		}
		mine := map[string]*profile.Profile{}
		for i := range own {
			mine[own[i].ID] = &own[i]
		}
		out := askView{From: []namedRef{}, Introductions: []askIntro{}}
		open := map[string]bool{} // own profile ids with an open introduction to target
		brokers := map[string]string{}
		for i := range ins {
			in := &ins[i]
			other := in.From.ID
			if other == target.ID {
				other = in.To.ID
			}
			p, ok := mine[other]
			if !ok && in.BrokerID != u.ID {
				continue
			}
			if ok && in.State.Open() {
				open[other] = true
			}
			v := askIntro{ID: in.ID, State: in.State, CreatedAt: in.CreatedAt}
			name := func(r profile.Ref) namedRef {
				switch {
				case r.ID == target.ID:
					return namedRef{target.Kind, target.ID, target.Name}
				case p != nil && r.ID == p.ID:
					return namedRef{p.Kind, p.ID, p.Name}
				}
				n := namedRef{Kind: r.Kind, ID: r.ID}
				if q, err := s.Store.GetProfile(ctx, r.ID); err == nil {
					n.Name = q.Name
				}
				return n
			}
			v.From, v.To = name(in.From), name(in.To)
			if in.BrokerID != "" {
				if _, ok := brokers[in.BrokerID]; !ok {
					if b, err := s.Store.UserByID(ctx, in.BrokerID); err == nil {
						brokers[in.BrokerID] = b.Name
					}
				}
				v.BrokerName = brokers[in.BrokerID]
			}
			out.Introductions = append(out.Introductions, v)
		}
		var refusal error
		now := s.Now().UTC()
		for i := range own {
			p := &own[i]
			if p.ID == target.ID {
				continue
			}
			if _, _, err := intro.New(u, p, target, "", now); err != nil {
				if refusal == nil {
					refusal = err
				}
				continue
			}
			if open[p.ID] {
				continue
			}
			out.From = append(out.From, namedRef{p.Kind, p.ID, p.Name})
		}
		out.CanAsk = len(out.From) > 0
		if !out.CanAsk {
			out.Reason = askReason(u, target, own, open, refusal)
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
}

// askReason says why the viewer cannot ask now.
func askReason(u *profile.User, target *profile.Profile, own []profile.Profile, open map[string]bool, refusal error) *text {
	switch {
	case target.OwnerID == u.ID && len(own) <= 1:
		return &text{"这是您自己的资料，无需对接", "This is your own profile; there is nobody to introduce"}
	case len(open) > 0:
		return &text{"您与该资料已有进行中的对接（待回复或已接受），请在对接页查看", "You already have an open introduction (pending or accepted) with this profile; see the introductions page"}
	case len(own) == 0 && (u.Role == profile.RoleManager || u.Role == profile.RoleAdmin):
		return &text{"您没有自己的资料；区县管理员和系统管理员可在对接页为两份资料牵线", "You have no profile of your own; managers and admins broker introductions between two profiles on the introductions page"}
	case len(own) == 0:
		return &text{"您还没有资料，请先在「我的资料」中创建一份，再发起对接", "You have no profile yet; create one under My profiles first, then ask"}
	}
	if e, ok := profile.AsError(refusal); ok {
		return &text{e.ZH, e.EN}
	}
	return &text{"您的资料不能向该资料发起对接", "None of your profiles may ask this one"}
}
