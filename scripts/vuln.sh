#!/usr/bin/env bash
# Runs govulncheck (golang.org/x/vuln) over the module against a vulnerability database
# built offline: the reports come from the golang.org/x/vulndb module, fetched through
# the ordinary module proxy, so no access to vuln.go.dev is needed.
#
#   1. The database is built once per vulndb version (its indexdb command, ~2 min) into
#      ${XDG_CACHE_HOME:-$HOME/.cache}/fuhua/vulndb-<version>: built in a temporary
#      directory next to it and renamed into place, so an interrupted build is never
#      taken for a finished one.
#   2. govulncheck runs with -db file://<that directory> over ./... and its exit code is
#      kept: any vulnerability the code reaches fails the run (exit 3).
#   3. If the tools or the reports cannot be fetched (module proxy unreachable, no
#      module cache), it says so loudly and exits 0, or 1 when FUHUA_VULN_REQUIRED=1
#      (.ci/run sets it). Any other failure (a database that does not build, a
#      govulncheck error) always fails.
#
# Arguments are passed to govulncheck before ./... (e.g. `scripts/vuln.sh -show verbose`
# also lists the vulnerabilities in imported packages and required modules that the
# code does not reach).
#
# Refresh to newer reports: FUHUA_VULNDB_VERSION=<pseudo-version of golang.org/x/vulndb>,
# or change the default below (see docs/security.md).
set -uo pipefail
cd "$(dirname "$0")/.."

VULNDB_VERSION="${FUHUA_VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}"
GOVULNCHECK_VERSION="v1.9.0"
GO="${GO:-go}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/fuhua"
DB="$CACHE/vulndb-$VULNDB_VERSION"

unavailable() {
  echo "=================================================================="
  echo "govulncheck NOT RUN: $1"
  echo "(the module proxy is unreachable or the module cache lacks it)"
  if [ "${FUHUA_VULN_REQUIRED:-0}" = 1 ]; then
    echo "FUHUA_VULN_REQUIRED=1: failing."
    echo "=================================================================="
    exit 1
  fi
  echo "Not failing (set FUHUA_VULN_REQUIRED=1 to fail instead)."
  echo "=================================================================="
  exit 0
}

mkdir -p "$CACHE" || { echo "vuln.sh: cannot create $CACHE" >&2; exit 1; }
# Leftovers of runs killed before their trap ran (never taken for a database: only a
# finished one is renamed to vulndb-<version>).
find "$CACHE" -maxdepth 1 -name '.tmp-vuln.*' -mmin +240 -exec rm -rf {} + 2>/dev/null
tmp="$(mktemp -d "$CACHE/.tmp-vuln.XXXXXX")" || exit 1
trap 'rm -rf "$tmp"' EXIT

# The tools, built by the toolchain in use (GOTOOLCHAIN, see the Makefile). A failure to
# install a pinned version means its modules could not be fetched.
goversion="$("$GO" env GOVERSION)" || { echo "vuln.sh: '$GO env GOVERSION' failed" >&2; exit 1; }
echo "vuln.sh: toolchain $goversion, golang.org/x/vulndb@$VULNDB_VERSION, govulncheck@$GOVULNCHECK_VERSION"
GOBIN="$tmp/bin" "$GO" install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" ||
  unavailable "could not fetch govulncheck@$GOVULNCHECK_VERSION"

if [ ! -f "$DB/index/db.json" ]; then
  echo "vuln.sh: building the vulnerability database into $DB (once per vulndb version, ~2 min)"
  dir="$("$GO" mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir/data/osv" ] ||
    unavailable "could not fetch golang.org/x/vulndb@$VULNDB_VERSION"
  GOBIN="$tmp/bin" "$GO" install "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" ||
    unavailable "could not fetch golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION"
  "$tmp/bin/indexdb" -vulns "$dir/data/osv" -out "$tmp/db" || {
    echo "vuln.sh: FAILED to build the vulnerability database from $dir/data/osv" >&2
    exit 1
  }
  [ -f "$tmp/db/index/db.json" ] || { echo "vuln.sh: indexdb wrote no index/db.json" >&2; exit 1; }
  # Atomic: rename(2) of a finished directory. If another run got there first, keep its.
  mv -T "$tmp/db" "$DB" 2>/dev/null || [ -f "$DB/index/db.json" ] || {
    echo "vuln.sh: could not move the database into $DB" >&2
    exit 1
  }
fi

echo "vuln.sh: govulncheck -db file://$DB $* ./..."
"$tmp/bin/govulncheck" -db "file://$DB" "$@" ./...
rc=$?
if [ $rc -ne 0 ]; then
  echo "vuln.sh: FAILED: govulncheck exit $rc (3 = vulnerabilities the code reaches, listed above)" >&2
fi
exit $rc
