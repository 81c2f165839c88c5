#!/usr/bin/env bash
# pgtest.sh: the store and API suites again, on FerretDB over PostgreSQL
# (scripts/pgferret.sh), so nothing depends on the embedded backend's quirks.
# Where the pair cannot be started it says so loudly and succeeds; a test that
# fails on PostgreSQL fails make test.
#
#   PGTEST_PKGS   packages to run (default: ./internal/mongodb/ ./internal/api/)
#   PGTEST_RUN    a -run pattern (default: every test)
#   PGTEST_SKIP   a -skip pattern (default: none; every test runs)
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
DIR=$(mktemp -d /tmp/fuhua-pgtest-XXXXXX)
chmod 755 "$DIR"
export PGFERRET_DIR=$DIR/pf
cleanup() {
	bash scripts/pgferret.sh stop >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT
uri=$(bash scripts/pgferret.sh start)
rc=$?
if [ $rc -ne 0 ]; then
	echo
	echo "=================================================================="
	echo "pgtest: SKIPPED — FerretDB on PostgreSQL could not be started here"
	echo "        (see the pgferret lines above); the store and API suites"
	echo "        ran on the embedded backend only."
	echo "=================================================================="
	echo
	[ $rc -eq 3 ] && exit 0
	exit 1
fi
echo "pgtest: the store and API suites on FerretDB over PostgreSQL ($uri)"
skip=${PGTEST_SKIP:-}
[ -n "$skip" ] && echo "pgtest: NOT RUN on PostgreSQL (PGTEST_SKIP): $skip"
# shellcheck disable=SC2086
FUHUA_TEST_MONGODB_URI="$uri" "$GO" test -race -count=1 -timeout 10m ${PGTEST_RUN:+-run "$PGTEST_RUN"} ${skip:+-skip "$skip"} \
	${PGTEST_PKGS:-./internal/mongodb/ ./internal/api/}
