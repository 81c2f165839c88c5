package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	fmail "fuhua/internal/mail"
	"fuhua/internal/profile"
)

// smtpSink is a tiny SMTP server on loopback that keeps every message it is
// given: enough of RFC 5321 for net/smtp's client (no extensions offered).
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []sunkMail
}

type sunkMail struct {
	To      []string
	Subject string
	Body    string
}

func startSMTP(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(t, conn)
		}
	}()
	return s
}

func (s *smtpSink) serve(t *testing.T, conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	_ = tp.PrintfLine("220 sink.test ready")
	var to []string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO", "HELO", "MAIL", "RSET", "NOOP":
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			to = append(to, strings.Trim(strings.TrimPrefix(strings.SplitN(line, ":", 2)[1], " "), "<>"))
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			raw, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			m, err := mail.ReadMessage(bytes.NewReader(raw))
			if err != nil {
				t.Errorf("sink: unreadable message: %v", err)
				return
			}
			subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			b, _ := io.ReadAll(m.Body)
			if m.Header.Get("Content-Transfer-Encoding") == "base64" {
				b, _ = base64.StdEncoding.DecodeString(strings.ReplaceAll(strings.ReplaceAll(string(b), "\r", ""), "\n", ""))
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, sunkMail{To: to, Subject: subj, Body: string(b)})
			s.mu.Unlock()
			to = nil
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("502 not implemented")
		}
	}
}

func (s *smtpSink) messages() []sunkMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunkMail(nil), s.msgs...)
}

func TestDigestHonoursPreferences(t *testing.T) {
	sink := startSMTP(t)
	h := newHarness(t)
	founderU, founder := h.user(profile.RoleStartup)
	investorU, investor := h.user(profile.RoleInvestor)
	s := h.make(profile.Startup, founder, nil)
	yes := h.make(profile.Investor, investor, nil)
	no := h.make(profile.Investor, investor, map[string]any{"name": "盐城谢绝基金"})
	a, d := h.mustAsk(founder, s, yes), h.mustAsk(founder, s, no)
	h.answer(investor, a, "accept")
	h.answer(investor, d, "decline")
	// The founder wants e-mail of everything but declines; the investor no
	// digest at all.
	if r := h.do("PUT", "/api/v1/me/notifications", founder, map[string]any{"types": map[string]any{"intro_declined": map[string]any{"email": false}}}); r.Status != http.StatusOK {
		t.Fatalf("prefs: %d %s", r.Status, r.Body)
	}
	if r := h.do("PUT", "/api/v1/me/notifications", investor, map[string]any{"email_digest": "off"}); r.Status != http.StatusOK {
		t.Fatalf("prefs: %d %s", r.Status, r.Body)
	}
	relay := fmail.SMTP{Addr: sink.ln.Addr().String(), From: "fuhua@example.com"}
	if err := relay.Check(); err != nil {
		t.Fatal(err)
	}
	sent, err := h.srv.SendDigests(context.Background(), relay, 24*time.Hour, "https://fuhua.example")
	if err != nil {
		t.Fatal(err)
	}
	msgs := sink.messages()
	if sent != 1 || len(msgs) != 1 {
		t.Fatalf("sent %d, sink holds %d messages; want exactly the founder's", sent, len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != founderU.Email || m.To[0] == investorU.Email {
		t.Fatalf("digest went to %v, want only %s", m.To, founderU.Email)
	}
	if !strings.Contains(m.Subject, "未读通知") || !strings.Contains(m.Subject, "unread") {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Body, "已被接受") || !strings.Contains(m.Body, "is accepted") || !strings.Contains(m.Body, "https://fuhua.example/app/intros?id="+a) {
		t.Errorf("the accepted introduction is missing from the digest:\n%s", m.Body)
	}
	if strings.Contains(m.Body, "谢绝") || strings.Contains(m.Body, "declined") {
		t.Errorf("a type switched off for e-mail is in the digest:\n%s", m.Body)
	}
	// The same period again, and a later one with nothing new: nothing more.
	if n, _ := h.srv.SendDigests(context.Background(), relay, 24*time.Hour, ""); n != 0 {
		t.Fatalf("a second run sent %d digests", n)
	}
	if got := len(sink.messages()); got != 1 {
		t.Fatalf("sink holds %d messages after the reruns", got)
	}
}
