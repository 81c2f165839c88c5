package profile

import (
	"slices"
	"time"
)

// Role is what an account may do.
type Role string

// The roles. Startup, mentor, investor and operator register themselves; managers
// and admins are made by an admin.
const (
	RoleStartup  Role = "startup"
	RoleMentor   Role = "mentor"
	RoleInvestor Role = "investor"
	RoleOperator Role = "operator"
	RoleManager  Role = "manager"
	RoleAdmin    Role = "admin"
)

// SelfServiceRoles may be chosen at registration.
var SelfServiceRoles = NewCodeSet("role", "startup", "创业企业", "mentor", "导师", "investor", "投资机构", "operator", "载体运营方")

// AllRoles lists every role.
var AllRoles = NewCodeSet("role", "startup", "创业企业", "mentor", "导师", "investor", "投资机构", "operator", "载体运营方",
	"manager", "区县管理员", "admin", "系统管理员")

// User is an account. The password hash never leaves the server.
type User struct {
	ID           string    `json:"id" bson:"_id"`
	Email        string    `json:"email" bson:"email"`
	Name         string    `json:"name" bson:"name"`
	Role         Role      `json:"role" bson:"role"`
	Districts    []string  `json:"districts" bson:"districts"`
	PasswordHash string    `json:"-" bson:"password_hash"`
	TokenVersion int64     `json:"-" bson:"token_version"`
	CreatedAt    time.Time `json:"created_at" bson:"created_at"`
	UpdatedAt    time.Time `json:"updated_at" bson:"updated_at"`
}

// InDistrict reports whether a manager's districts include d.
func (u *User) InDistrict(d string) bool {
	return d != "" && slices.Contains(u.Districts, d)
}
