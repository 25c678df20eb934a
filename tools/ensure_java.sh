#!/usr/bin/env bash
# The Spark tests need a Java 17+ runtime. Install Debian's when it is missing and we may (root with
# apt-get); otherwise say in one line what is missing and fail, so the tests never skip silently.
set -u
if command -v java >/dev/null 2>&1 || [ -x "${JAVA_HOME:-/nonexistent}/bin/java" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure_java: installing Debian's default-jre-headless for the Spark tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null 2>&1
  command -v java >/dev/null 2>&1 && exit 0
fi
echo "ensure_java: no Java runtime: the Spark tests need one (apt-get install default-jre-headless, or set JAVA_HOME)" >&2
exit 1
