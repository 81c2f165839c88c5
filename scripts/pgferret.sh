#!/usr/bin/env bash
# pgferret.sh: FerretDB v1.24.2 on a throw-away PostgreSQL cluster, for tests.
#
#   scripts/pgferret.sh start     start both (building FerretDB once), print the MongoDB URI
#   scripts/pgferret.sh stop      stop both and remove the cluster
#   scripts/pgferret.sh pg-stop   stop PostgreSQL only (FerretDB keeps listening): an outage
#   scripts/pgferret.sh pg-start  start PostgreSQL again
#   scripts/pgferret.sh ferret-stop / ferret-start  the same for FerretDB (same port)
#   scripts/pgferret.sh ferret-freeze / ferret-thaw  SIGSTOP / SIGCONT FerretDB: connections
#                                 stay open and nothing answers (a partition, a hung server)
#   scripts/pgferret.sh uri       print the URI of the running pair
#
# State lives in $PGFERRET_DIR (default /tmp/fuhua-pgferret); the FerretDB binary is
# cached in $PGFERRET_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/fuhua). Needs
# Debian's postgresql (installed with apt-get when run as root and missing) and, the
# first time, the Go module proxy. Exit status 3 means "cannot be started here"
# (no PostgreSQL and not root, apt-get failed, …): callers skip and say so.
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that
# panics at start (Invalid build/version/version.txt): the module ships without that
# file. So the command is built from a copy of the module's source with the file
# written in.
set -euo pipefail

VERSION=v1.24.2
DIR=${PGFERRET_DIR:-/tmp/fuhua-pgferret}
CACHE=${PGFERRET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fuhua}
FERRET=$CACHE/ferretdb-$VERSION
GO=${GO:-go}

say() { echo "pgferret: $*" >&2; }
cannot() { say "CANNOT START: $*"; exit 3; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

pg_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		if [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

ensure_postgres() {
	if pg_bin >/dev/null; then
		return 0
	fi
	[ "$(id -u)" = 0 ] || cannot "PostgreSQL is not installed and this is not root (apt-get install postgresql)"
	say "installing Debian's postgresql (apt-get)"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >&2 ||
		cannot "apt-get could not install postgresql"
	pg_bin >/dev/null || cannot "postgresql installed but no pg_ctl under /usr/lib/postgresql/*/bin"
}

ensure_ferret() {
	if [ -x "$FERRET" ]; then
		return 0
	fi
	command -v "$GO" >/dev/null || cannot "no go command to build FerretDB"
	local mod src
	mod=$(cd "$(dirname "$0")/.." && "$GO" list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB 2>/dev/null) || true
	if [ -z "$mod" ] || [ ! -d "$mod" ]; then
		(cd "$(dirname "$0")/.." && "$GO" mod download github.com/FerretDB/FerretDB) >&2 || cannot "FerretDB source not downloadable"
		mod=$(cd "$(dirname "$0")/.." && "$GO" list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)
	fi
	mkdir -p "$CACHE"
	src=$(mktemp -d "$CACHE/ferretdb-src.XXXXXX")
	cp -r "$mod"/. "$src"
	chmod -R u+w "$src"
	echo "$VERSION" >"$src/build/version/version.txt"
	say "building FerretDB $VERSION (once; cached in $FERRET)"
	(cd "$src" && GOFLAGS=-mod=mod "$GO" build -o "$FERRET.tmp" ./cmd/ferretdb) >&2 || {
		rm -rf "$src"
		cannot "FerretDB did not build"
	}
	mv "$FERRET.tmp" "$FERRET"
	rm -rf "$src"
}

# as_pg runs a command as the cluster's owner: postgres when we are root.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	else
		"$@"
	fi
}

pg_start() {
	local bin
	bin=$(pg_bin)
	as_pg "$bin/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w -t 30 \
		-o "-p $(cat "$DIR/pg.port") -k $DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
		start >&2
}

pg_stop() {
	local bin
	bin=$(pg_bin)
	as_pg "$bin/pg_ctl" -D "$DIR/pg" -m fast -w -t 30 stop >&2 || true
}

uri() {
	echo "mongodb://postgres:postgres@127.0.0.1:$(cat "$DIR/ferret.port")/?authMechanism=PLAIN"
}

start() {
	if [ -f "$DIR/ferret.pid" ] && kill -0 "$(cat "$DIR/ferret.pid")" 2>/dev/null; then
		uri
		return 0
	fi
	ensure_postgres
	ensure_ferret
	local bin
	bin=$(pg_bin)
	rm -rf "$DIR"
	mkdir -p "$DIR/sock"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres "$DIR"
	fi
	free_port >"$DIR/pg.port"
	as_pg "$bin/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
		as_pg "$bin/initdb" -D "$DIR/pg" -U postgres --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 ||
		cannot "initdb failed: $(tail -3 "$DIR/initdb.log")"
	pg_start || cannot "PostgreSQL did not start: $(tail -5 "$DIR/pg.log")"
	as_pg "$bin/createdb" -h 127.0.0.1 -p "$(cat "$DIR/pg.port")" -U postgres ferretdb >&2 || cannot "createdb failed"
	free_port >"$DIR/ferret.port"
	ferret_start
}

ferret_start() {
	nohup "$FERRET" --handler=postgresql \
		--postgresql-url="postgres://postgres@127.0.0.1:$(cat "$DIR/pg.port")/ferretdb" \
		--listen-addr="127.0.0.1:$(cat "$DIR/ferret.port")" --telemetry=disable \
		--debug-addr=- --log-level=error --state-dir="$DIR" >>"$DIR/ferret.log" 2>&1 &
	echo $! >"$DIR/ferret.pid"
	local i
	for i in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$(cat "$DIR/ferret.port")") 2>/dev/null; then
			uri
			return 0
		fi
		kill -0 "$(cat "$DIR/ferret.pid")" 2>/dev/null || break
		sleep 0.1
	done
	cannot "FerretDB did not start: $(tail -5 "$DIR/ferret.log")"
}

ferret_stop() {
	if [ -f "$DIR/ferret.pid" ]; then
		kill "$(cat "$DIR/ferret.pid")" 2>/dev/null || true
		while kill -0 "$(cat "$DIR/ferret.pid")" 2>/dev/null; do sleep 0.05; done
		rm -f "$DIR/ferret.pid"
	fi
}

stop() {
	if [ -f "$DIR/ferret.pid" ]; then
		kill "$(cat "$DIR/ferret.pid")" 2>/dev/null || true
		rm -f "$DIR/ferret.pid"
	fi
	if [ -d "$DIR/pg" ]; then
		pg_stop
	fi
	rm -rf "$DIR"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
pg-stop) pg_stop ;;
pg-start) pg_start ;;
ferret-stop) ferret_stop ;;
ferret-start) ferret_start >/dev/null ;;
ferret-freeze) kill -STOP "$(cat "$DIR/ferret.pid")" ;;
ferret-thaw) kill -CONT "$(cat "$DIR/ferret.pid")" ;;
uri) uri ;;
*)
	echo "usage: $0 start|stop|pg-stop|pg-start|ferret-stop|ferret-start|ferret-freeze|ferret-thaw|uri" >&2
	exit 2
	;;
esac
