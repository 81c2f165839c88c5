// Package metrics holds fuhua's Prometheus collectors and the /metrics handler:
// request durations by route template and status, database command durations,
// the index follower's position and lag and its reconciliations, spreadsheet import progress, the
// index pages given back to keep within the memory budget, and Go's
// runtime and process figures. It provides the collectors; it must not know the
// API's routes, the database's documents or the index's internals (the callers
// report what they measure).
package metrics

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Registry holds every fuhua collector (not Prometheus's default registry, so
// nothing else registers into what /metrics shows).
var Registry = prometheus.NewRegistry()

// Buckets of request and command durations, in seconds: 0.5 ms to 10 s.
var durationBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

var (
	// HTTPDuration is the time of each API request by method, route template
	// (/api/v1/startups/:id, never the id) and status code.
	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "fuhua_http_request_duration_seconds", Help: "HTTP request duration by method, route template and status.",
		Buckets: durationBuckets,
	}, []string{"method", "route", "status"})
	// SlowRequests counts requests slower than the slow-request threshold.
	SlowRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fuhua_http_slow_requests_total", Help: "Requests slower than FUHUA_SLOW_REQUEST, by route template.",
	}, []string{"route"})
	// DBDuration is the time of each database command by its name (find,
	// insert, update, aggregate, …) and outcome (ok, error).
	DBDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "fuhua_db_operation_duration_seconds", Help: "Database command duration by command name and outcome.",
		Buckets: durationBuckets,
	}, []string{"command", "outcome"})
	// ImportRows counts spreadsheet rows handled by kind and outcome (created,
	// updated, unchanged, failed).
	ImportRows = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fuhua_import_rows_total", Help: "Spreadsheet import rows handled, by profile kind and outcome.",
	}, []string{"kind", "outcome"})
	// PagesReleased counts the bytes of the search index's mapped files given
	// back to the page cache to keep the server within its memory budget.
	PagesReleased = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "fuhua_index_pages_released_bytes_total", Help: "Mapped search-index pages given back to keep within FUHUA_MEMORY_LIMIT, in bytes of mapping.",
	})
	// Reconciliations counts the search index's reconciliations with the
	// database (at start and every few minutes) by outcome (ok, error).
	Reconciliations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fuhua_index_reconciliations_total", Help: "Reconciliations of the search index with the database, by outcome.",
	}, []string{"outcome"})
	// Reconciled counts the profiles reconciliations repaired, by what they
	// did (indexed: missing or stale; deleted: archived or gone).
	Reconciled = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fuhua_index_reconciled_profiles_total", Help: "Profiles the index's reconciliations repaired, by action (indexed, deleted).",
	}, []string{"action"})
	// ImportsRunning is the number of spreadsheet imports in progress.
	ImportsRunning = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "fuhua_imports_in_progress", Help: "Spreadsheet imports in progress.",
	})
)

// follower reports the index follower's position; set by Follow.
var follower atomic.Pointer[Follower]

// Follower is what the index follower gauges read at scrape time.
type Follower struct {
	// Position is the last change sequence the index has applied.
	Position func() int64
	// Last is the last change sequence in the database (it may cost a read);
	// an error leaves the lag unreported for that scrape.
	Last func() (int64, error)
}

// Follow makes the follower gauges read f (the process's one index).
func Follow(f Follower) { follower.Store(&f) }

func init() {
	// Shown at zero before the first reconciliation, so a scraper (and the
	// benchmark, which waits for the start's) can tell "not yet" from "none".
	for _, o := range []string{"ok", "error"} {
		Reconciliations.WithLabelValues(o)
	}
	for _, a := range []string{"indexed", "deleted"} {
		Reconciled.WithLabelValues(a)
	}
	Registry.MustRegister(HTTPDuration, SlowRequests, DBDuration, ImportRows, ImportsRunning, PagesReleased, Reconciliations, Reconciled,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "fuhua_index_follower_position", Help: "The last database change sequence the search index has applied.",
		}, func() float64 {
			if f := follower.Load(); f != nil {
				return float64(f.Position())
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "fuhua_index_lag_changes", Help: "Database changes not yet applied to this process's search index (-1: unknown).",
		}, func() float64 {
			f := follower.Load()
			if f == nil {
				return -1
			}
			last, err := f.Last()
			if err != nil {
				return -1
			}
			return float64(max(0, last-f.Position()))
		}),
	)
}

// Handler serves the registry in Prometheus's text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{})
}

// CommandMonitor times every database command into DBDuration; pass it to the
// driver's client options.
func CommandMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			DBDuration.WithLabelValues(e.CommandName, "ok").Observe(e.Duration.Seconds())
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			DBDuration.WithLabelValues(e.CommandName, "error").Observe(e.Duration.Seconds())
		},
	}
}
