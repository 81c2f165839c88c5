// Package config reads fuhua's settings from the environment (and flags, applied by
// cmd on top), with defaults and validation.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fuhua/internal/auth"
)

// Config is every setting of a fuhua process.
type Config struct {
	Addr          string        // FUHUA_ADDR, default 127.0.0.1:8080
	DataDir       string        // FUHUA_DATA_DIR, default ./data
	MongoURI      string        // MONGODB_URI; empty runs the embedded server
	Database      string        // FUHUA_DB, default fuhua
	JWTSecret     string        // FUHUA_JWT_SECRET; generated and kept in DataDir on the embedded default
	TokenLifetime time.Duration // FUHUA_TOKEN_TTL, default 8h
	AdminEmail    string        // FUHUA_ADMIN_EMAIL
	AdminPassword string        // FUHUA_ADMIN_PASSWORD
	// TrustedProxies lists the proxies whose X-Forwarded-For is believed
	// (FUHUA_TRUSTED_PROXIES, comma-separated IPs or CIDRs; default none).
	TrustedProxies []string
	// CORSOrigins lists origins allowed to call the API from a browser
	// (FUHUA_CORS_ORIGINS, comma-separated; default none: CORS closed).
	CORSOrigins []string
	// Demo loads the demo data on first start when the database is empty
	// (FUHUA_DEMO, default true; set 0 to start empty).
	Demo bool
	// DemoSize is how many generated profiles the demo adds (FUHUA_DEMO_SIZE).
	DemoSize int
	// SQLiteFullSync makes the embedded database sync every commit to disk
	// (FUHUA_SQLITE_SYNC=full; default normal: see embedded.Options).
	SQLiteFullSync bool
}

// Load reads settings through getenv and checks them. It does not create files:
// see EnsureSecret.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:          or(getenv("FUHUA_ADDR"), "127.0.0.1:8080"),
		DataDir:       or(getenv("FUHUA_DATA_DIR"), "data"),
		MongoURI:      getenv("MONGODB_URI"),
		Database:      or(getenv("FUHUA_DB"), "fuhua"),
		JWTSecret:     getenv("FUHUA_JWT_SECRET"),
		AdminEmail:    strings.TrimSpace(getenv("FUHUA_ADMIN_EMAIL")),
		AdminPassword: getenv("FUHUA_ADMIN_PASSWORD"),
		Demo:          getenv("FUHUA_DEMO") != "0" && getenv("FUHUA_DEMO") != "false",
		DemoSize:      600,
	}
	ttl, err := time.ParseDuration(or(getenv("FUHUA_TOKEN_TTL"), "8h"))
	if err != nil || ttl < time.Minute || ttl > 24*time.Hour {
		return c, errors.New("FUHUA_TOKEN_TTL must be a duration between 1m and 24h, e.g. 8h")
	}
	c.TokenLifetime = ttl
	if s := getenv("FUHUA_DEMO_SIZE"); s != "" {
		if _, err := fmt.Sscanf(s, "%d", &c.DemoSize); err != nil || c.DemoSize < 0 || c.DemoSize > 200000 {
			return c, errors.New("FUHUA_DEMO_SIZE must be a number between 0 and 200000")
		}
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("FUHUA_ADDR %q is not host:port", c.Addr)
	}
	for _, p := range split(getenv("FUHUA_TRUSTED_PROXIES")) {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return c, fmt.Errorf("FUHUA_TRUSTED_PROXIES: %q is neither an IP nor a CIDR", p)
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	c.CORSOrigins = split(getenv("FUHUA_CORS_ORIGINS"))
	switch v := strings.ToLower(strings.TrimSpace(getenv("FUHUA_SQLITE_SYNC"))); v {
	case "", "normal":
	case "full":
		c.SQLiteFullSync = true
	default:
		return c, fmt.Errorf("FUHUA_SQLITE_SYNC must be normal or full, got %q", v)
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < auth.MinSecret {
		return c, fmt.Errorf("FUHUA_JWT_SECRET has %d bytes; at least %d are required", len(c.JWTSecret), auth.MinSecret)
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, errors.New("set both FUHUA_ADMIN_EMAIL and FUHUA_ADMIN_PASSWORD, or neither")
	}
	if c.AdminPassword != "" {
		if err := auth.CheckPolicy(c.AdminPassword); err != nil {
			return c, fmt.Errorf("FUHUA_ADMIN_PASSWORD: %v", err)
		}
	}
	return c, nil
}

// Embedded reports whether the process runs its own database server.
func (c Config) Embedded() bool { return c.MongoURI == "" }

// EnsureSecret fills in JWTSecret when it is unset. On the embedded default it
// generates one on first start and keeps it in DataDir/jwt-secret (mode 0600), so
// tokens survive restarts. With an external database every replica must share one
// secret, so it must be configured.
func (c *Config) EnsureSecret() error {
	if c.JWTSecret != "" {
		return nil
	}
	if !c.Embedded() {
		return errors.New("FUHUA_JWT_SECRET is required when MONGODB_URI is set (every replica must share it); at least 32 bytes")
	}
	path := filepath.Join(c.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < auth.MinSecret {
			return fmt.Errorf("%s holds %d bytes; at least %d are required (delete it to generate a new one)", path, len(s), auth.MinSecret)
		}
		c.JWTSecret = s
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	c.JWTSecret = hex.EncodeToString(b[:])
	return os.WriteFile(path, []byte(c.JWTSecret+"\n"), 0o600)
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
