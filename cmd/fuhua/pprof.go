package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves (FUHUA_PPROF_ADDR, empty by default; cmd/fuhuabench sets it
// to take CPU and heap profiles of the server under load) /debug/pprof/ on addr, a loopback address only (profiles
// show request paths and memory contents, so they are never for the network).
// An empty addr serves nothing.
func startPprof(addr string, log *slog.Logger) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("FUHUA_PPROF_ADDR must be host:port on loopback, got %q / FUHUA_PPROF_ADDR 须为本机回环地址 host:port", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("FUHUA_PPROF_ADDR must be a loopback address (127.0.0.1, ::1, localhost), got %q / FUHUA_PPROF_ADDR 只能是本机回环地址", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("FUHUA_PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("profiling endpoints", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}
