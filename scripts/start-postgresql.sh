#!/usr/bin/env bash
# Starts Debian's PostgreSQL (installing it if need be) with a role that may create the tests' databases,
# and prints the URL the push storage tests use. Fails loudly: the PostgreSQL tests must never quietly vanish.
set -euo pipefail
fail() { echo "start-postgresql: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root to install and start Debian's PostgreSQL (or set WAYMARK_TEST_POSTGRESQL_URL)"
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2 \
    || fail "could not install postgresql with apt-get"
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >&2
pg_lsclusters -h | grep -q "^$version main .* online" || pg_ctlcluster "$version" main start >&2 \
  || fail "could not start the PostgreSQL $version cluster"
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
psql() { su postgres -c "psql -p $port -qtAc \"$1\""; }
psql "SELECT 1 FROM pg_roles WHERE rolname = 'waymark'" | grep -q 1 \
  || psql "CREATE ROLE waymark LOGIN CREATEDB PASSWORD 'waymark'" >&2 || fail "could not create the role waymark"
psql "ALTER ROLE waymark CREATEDB" >&2
psql "SELECT 1 FROM pg_database WHERE datname = 'waymark_test'" | grep -q 1 \
  || su postgres -c "createdb -p $port -O waymark waymark_test" >&2 || fail "could not create the database waymark_test"
echo "postgresql+psycopg://waymark:waymark@127.0.0.1:$port/waymark_test"
