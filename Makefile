# fuhua — the two commands a new clone needs are `make run` and `make test`.
GO      ?= go
# The toolchain every target builds with: go1.27.3, fetched by the go command through the
# module proxy when the machine has an older Go (Go 1.21 or newer). It overrides a
# GOTOOLCHAIN in the environment (even =local); `make GOTOOLCHAIN=... target` overrides it.
export GOTOOLCHAIN := go1.27.3
BIN     := bin/fuhua
PKGS    := ./...

.PHONY: run build test vet race vuln bench fuzz clean

## run: build and serve http://127.0.0.1:8080 on the embedded database (demo data on first start)
run: build
	./$(BIN) serve

## build: compile the single binary
build:
	$(GO) build -o $(BIN) ./cmd/fuhua

## test: vet, the whole suite under the race detector, then govulncheck (scripts/vuln.sh)
test: vet race vuln

vet:
	$(GO) vet $(PKGS)

race:
	$(GO) test -race -count=1 -timeout 14m $(PKGS)

vuln:
	@bash scripts/vuln.sh

## bench: the benchmarks behind BENCHMARKS.md (slow: builds 10k and 100k profile indexes)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m $(PKGS)

## fuzz: run each fuzz target for a while (make test runs their seed corpora)
fuzz:
	@bash scripts/fuzz.sh

clean:
	rm -rf bin
