package main

import (
	"strings"
	"testing"
	"time"
)

// TestTargetsOfKindsNotRun: a run limited to some request kinds (-ops get)
// says the match and list targets were not measured; it neither meets them
// with a throughput of 1e18 nor fails them with a p99 of zero.
func TestTargetsOfKindsNotRun(t *testing.T) {
	r := &report{Closed: map[string][]result{
		"get": {{P99: 4 * time.Millisecond, Throughput: 900}, {P99: 9 * time.Millisecond, Throughput: 2000}},
	}}
	got := map[string][3]string{}
	for _, row := range r.targets() {
		got[row[0]] = row
	}
	for _, name := range []string{
		"match, 1 client p99 ≤ 15 ms in every direction",
		"8 clients: match ≥ 500 req/s in every direction",
		"a list, 1 client p99 ≤ 10 ms",
		"8 clients: lists ≥ 500 req/s",
	} {
		row, ok := got[name]
		if !ok || row[1] != "not measured in this run" || row[2] != "—" {
			t.Errorf("%s: %q, want not measured", name, row)
		}
	}
	if row := got["a profile GET, 1 client p99 ≤ 5 ms"]; row[2] != "yes" {
		t.Errorf("GET target: %q", row)
	}

	// With a list measured, its target is judged on it.
	r.Closed["list_chain"] = []result{{P99: 12 * time.Millisecond, Throughput: 300}, {Throughput: 450}}
	for _, row := range r.targets() {
		if strings.Contains(row[0], "list") && row[2] != "**no**" {
			t.Errorf("%s: %q, want no", row[0], row)
		}
	}
}

func TestMetricValue(t *testing.T) {
	body := "# HELP x\nfuhua_index_reconciliations_total{outcome=\"error\"} 0\nfuhua_index_reconciliations_total{outcome=\"ok\"} 2\n"
	if v, ok := metricValue(body, `fuhua_index_reconciliations_total{outcome="ok"}`); !ok || v != 2 {
		t.Errorf("ok series: %v %v, want 2", v, ok)
	}
	if _, ok := metricValue(body, `fuhua_index_reconciliations_total{outcome="other"}`); ok {
		t.Error("found a series that is not there")
	}
}
