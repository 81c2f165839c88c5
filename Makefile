# fuhua — the two commands a new clone needs are `make run` and `make test`.
GO      ?= go
# The toolchain every target builds with: go1.27.3, fetched by the go command through the
# module proxy when the machine has an older Go (Go 1.21 or newer). It overrides a
# GOTOOLCHAIN in the environment (even =local); `make GOTOOLCHAIN=... target` overrides it.
export GOTOOLCHAIN := go1.27.3
BIN     := bin/fuhua
PKGS    := ./...

.PHONY: run build test vet browser race vuln bench bench-go fuzz clean

## run: build and serve http://127.0.0.1:8080 on the embedded database (demo data on first start)
run: build
	./$(BIN) serve

## build: compile the single binary
build:
	$(GO) build -o $(BIN) ./cmd/fuhua

## test: vet, chromium for the browser tests (installed when missing and root: scripts/chromium.sh), the whole suite under the race detector, the store and API suites on PostgreSQL, then govulncheck (scripts/vuln.sh)
test: vet browser race pgtest vuln

browser:
	@bash scripts/chromium.sh

vet:
	@unformatted=$$(gofmt -l cmd internal index seed web); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

race:
	$(GO) test -race -count=1 -timeout 14m $(PKGS)

vuln:
	@bash scripts/vuln.sh

.PHONY: pgtest soak

## pgtest: the store and API suites again on FerretDB over PostgreSQL (says loudly when it cannot start it)
pgtest:
	@bash scripts/pgtest.sh

## soak: the fault tests at length: 20 kill -9 points instead of 5 (see RELIABILITY.md)
soak:
	FUHUA_SOAK=1 $(GO) test -race -count=1 -timeout 30m -run 'TestKill9WriteStorm|TestShutdownUnderLoad|TestBrokenIndexRebuilds|TestTwoReplicasOneDatabase|TestDatabaseOutage' -v ./cmd/fuhua

# make bench: BENCH_N profiles (1000000 for the province figure, with MONGODB_URI; see BENCHMARKS.md), BENCH_SHORT=1 for short steps,
# BENCH_FLAGS for any other fuhuabench flag (-pprof DIR, -rates 50,100, -keep -dir DIR).
BENCH_N     ?= 100000
BENCH_SHORT ?=
BENCH_FLAGS ?=
BENCH_TIME  := $(if $(BENCH_SHORT),-step 3s -closed 2s,-step 10s -closed 5s)

## bench: cmd/fuhuabench — BENCH_N (default 100000) profiles loaded, indexed and driven over HTTP against its floors; writes its section of BENCHMARKS.md
bench: build
	$(GO) run ./cmd/fuhuabench -n $(BENCH_N) $(BENCH_TIME) -fuhua $(BIN) $(BENCH_FLAGS)

## bench-go: the go-test benchmarks behind the older BENCHMARKS.md sections (slow: builds 10k and 100k profile indexes)
bench-go:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m $(PKGS)

## fuzz: run each fuzz target for a while (make test runs their seed corpora)
fuzz:
	@bash scripts/fuzz.sh

clean:
	rm -rf bin
