package mail

import (
	"context"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		s  SMTP
		ok bool
	}{
		{SMTP{Addr: "127.0.0.1:25", From: "fuhua@example.com"}, true},
		{SMTP{Addr: "smtp.example.com:587", From: "孵化对接 <fuhua@example.com>", User: "u", Password: "p"}, true},
		{SMTP{Addr: "smtp.example.com", From: "fuhua@example.com"}, false},
		{SMTP{Addr: "127.0.0.1:25", From: "not an address"}, false},
		{SMTP{Addr: "127.0.0.1:25", From: "fuhua@example.com", User: "u"}, false},
	} {
		if err := tc.s.Check(); (err == nil) != tc.ok {
			t.Errorf("Check(%+v) = %v, want ok=%v", tc.s, err, tc.ok)
		}
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	// Refused before any connection is made (the address is never dialled).
	s := SMTP{Addr: "127.0.0.1:1", From: "fuhua@example.com"}
	if err := s.Send(context.Background(), "a@example.com\r\nBcc: b@example.com", "s", "b"); err == nil || !strings.Contains(err.Error(), "not an e-mail address") {
		t.Fatalf("Send to an address with a line break: %v", err)
	}
}

func TestMessageEncodesSubjectAndBody(t *testing.T) {
	m := string(message("fuhua@example.com", "a@example.com", "孵化对接：1 条未读通知", "正文\r\n.\r\n第二行"))
	head, body, ok := strings.Cut(m, "\r\n\r\n")
	if !ok || !strings.Contains(head, "Subject: =?UTF-8?b?") || !strings.Contains(head, "Content-Transfer-Encoding: base64") {
		t.Fatalf("headers:\n%s", head)
	}
	for _, line := range strings.Split(strings.TrimSpace(body), "\r\n") {
		if line == "." || len(line) > 76 {
			t.Fatalf("body line %q could end DATA or is too long", line)
		}
	}
}
