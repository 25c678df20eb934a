#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (no browser download).
# Install it when missing and we may (root with apt-get); otherwise say what is missing
# and let the browser tests fail with the same one-line message.
set -u
CHROMIUM="${STOCKGROUPS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (apt-get, for the browser tests)..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends chromium) >/dev/null 2>&1 || true
fi
if [ ! -x "$CHROMIUM" ]; then
    echo "warning: $CHROMIUM is missing: install Debian's chromium (apt-get install chromium); the browser tests will fail" >&2
fi
exit 0
