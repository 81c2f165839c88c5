package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "data" || !c.Embedded() || !c.Demo || c.TokenLifetime.Hours() != 8 || c.SQLiteFullSync {
		t.Fatalf("defaults: %+v", c)
	}
	if c, err := Load(env(map[string]string{"FUHUA_SQLITE_SYNC": "FULL"})); err != nil || !c.SQLiteFullSync {
		t.Fatalf("FUHUA_SQLITE_SYNC=FULL: %+v, %v", c, err)
	}
}

func TestLoadRefuses(t *testing.T) {
	for name, m := range map[string]map[string]string{
		"short secret":          {"FUHUA_JWT_SECRET": strings.Repeat("x", 31)},
		"address without port":  {"FUHUA_ADDR": "localhost"},
		"admin e-mail alone":    {"FUHUA_ADMIN_EMAIL": "a@example.com"},
		"weak admin password":   {"FUHUA_ADMIN_EMAIL": "a@example.com", "FUHUA_ADMIN_PASSWORD": "short"},
		"proxy that is no IP":   {"FUHUA_TRUSTED_PROXIES": "10.0.0.1,proxy.example"},
		"token lifetime 7 days": {"FUHUA_TOKEN_TTL": "168h"},
		"demo size negative":    {"FUHUA_DEMO_SIZE": "-1"},
		"sqlite sync off":       {"FUHUA_SQLITE_SYNC": "off"},
	} {
		if _, err := Load(env(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestEnsureSecretKeptAcrossStarts(t *testing.T) {
	dir := t.TempDir()
	c, _ := Load(env(map[string]string{"FUHUA_DATA_DIR": dir}))
	if err := c.EnsureSecret(); err != nil {
		t.Fatal(err)
	}
	if len(c.JWTSecret) < 32 {
		t.Fatalf("generated secret has %d bytes", len(c.JWTSecret))
	}
	fi, err := os.Stat(filepath.Join(dir, "jwt-secret"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", fi, err)
	}
	again, _ := Load(env(map[string]string{"FUHUA_DATA_DIR": dir}))
	if err := again.EnsureSecret(); err != nil || again.JWTSecret != c.JWTSecret {
		t.Fatalf("second start got another secret (%v)", err)
	}
	external, _ := Load(env(map[string]string{"FUHUA_DATA_DIR": dir, "MONGODB_URI": "mongodb://db:27017"}))
	if err := external.EnsureSecret(); err == nil {
		t.Fatal("with an external database a generated per-replica secret was accepted")
	}
}
