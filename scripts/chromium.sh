#!/usr/bin/env bash
# make test runs this first: the browser journeys of the web pages (web/e2e_test.go)
# drive Debian's chromium. When it is missing and we run as root, install it
# (apt-get update first); otherwise say loudly that those tests will SKIP.
set -u
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing: installing Debian's chromium for the browser tests (web/e2e_test.go)"
  if apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; then
    exit 0
  fi
fi
cat >&2 <<'MSG'
##############################################################################
# WARNING: chromium is not installed and could not be installed here
# (needs root and apt-get). The browser journeys in web/e2e_test.go will SKIP.
# Install it with:  sudo apt-get update && sudo apt-get install -y chromium
##############################################################################
MSG
exit 0
