#!/bin/sh
# Makes sure PostgreSQL's server programs (initdb, pg_ctl) are installed, for the tests
# that run the store on a throwaway PostgreSQL server. Installs Debian's `postgresql`
# package when they are missing and we may; else says so in one line and fails.
set -u
find_initdb() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        return 0
    fi
    command -v initdb >/dev/null 2>&1 && return 0
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if find_initdb; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_postgres: installing Debian's postgresql package for the store's tests" >&2
    if apt-get update -qq >/dev/null 2>&1 && \
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 && \
        find_initdb; then
        exit 0
    fi
fi
echo "ensure_postgres: PostgreSQL server (initdb, pg_ctl) is missing and could not be installed: apt-get install postgresql" >&2
exit 1
