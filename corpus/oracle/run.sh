#!/bin/sh
# The oracle: run corpus/softfactory as written and fixed, on SQLite and on a
# throwaway PostgreSQL 15 cluster, and compare results and SQL statement
# counts service by service.
#
#   B=<abs build dir> ORMLINT=<abs path of ormlint> sh corpus/oracle/run.sh [pytest args]
#
# The cluster lives in a fresh directory of its own (mktemp -d, owned by the
# user that runs it: `postgres` when run as root), never under the checkout:
# a checkout in a directory others cannot enter (root's home, mode 0700)
# would keep `postgres` out. It listens on a Unix socket only and is stopped
# and deleted on exit. Work files (fixed copies of
# the app, per-variant results, ormlint's fix log and diff) go to $B/oracle.
# Exit status: pytest's (non-zero on any failure), or 2 when the environment
# is not usable.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3                       # Debian's: where apt puts flask_sqlalchemy & co.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${ORACLE_PG_PORT:-54329}
B=${B:-$HERE/../../build}
mkdir -p "$B" && B=$(cd "$B" && pwd)
ORMLINT=${ORMLINT:-$B/ormlint}

die() { echo "oracle: $*" >&2; exit 2; }

[ -x "$PY" ] || die "$PY not found (Debian's python3 is needed; run 'make deps')"
"$PY" -c 'import flask_sqlalchemy, sqlalchemy, psycopg2, pytest' 2>/dev/null ||
  die "$PY lacks flask_sqlalchemy/sqlalchemy/psycopg2/pytest: install python3-flask-sqlalchemy python3-sqlalchemy python3-psycopg2 python3-pytest ('make deps')"
[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] ||
  die "PostgreSQL 15 not found in $PG_BIN: install Debian's postgresql ('make deps')"

# Root may not run the server: do it as `postgres`. Anyone else runs it as themselves.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 ||
    die "there is no 'postgres' user to run the cluster as: install Debian's postgresql ('make deps')"
  as_pg() { runuser -u postgres -- "$@"; }
  PG_OWNER=postgres
else
  as_pg() { "$@"; }
  PG_OWNER=$(id -un)
fi

PG_ROOT=$(mktemp -d /tmp/ormlint-pg.XXXXXX) || die "cannot create a directory for the cluster"
PG_DATA=$PG_ROOT/data
PG_SOCK=$PG_ROOT/sock

stop_cluster() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$PG_ROOT"
}

trap stop_cluster EXIT
trap 'exit 130' INT TERM

mkdir -p "$PG_DATA" "$PG_SOCK"
chown "$PG_OWNER" "$PG_ROOT" "$PG_DATA" "$PG_SOCK"
chmod 700 "$PG_DATA"
as_pg test -w "$PG_DATA" || die "user $PG_OWNER cannot write $PG_DATA"

as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  >"$PG_ROOT/initdb.log" 2>&1 || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
# Durability off: the cluster lives for one run.
as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/server.log" -w -t 60 \
  -o "-c listen_addresses='' -k $PG_SOCK -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40 -c shared_buffers=32MB" \
  start >/dev/null 2>&1 || { tail -20 "$PG_ROOT/server.log" >&2; die "PostgreSQL did not start"; }

export ORACLE_PG_HOST="$PG_SOCK" ORACLE_PG_PORT="$PG_PORT" ORACLE_PG_USER=postgres
export ORACLE_WORK="$B/oracle" ORMLINT PYTHONDONTWRITEBYTECODE=1
rm -rf "$ORACLE_WORK" && mkdir -p "$ORACLE_WORK"

cd "$HERE" && "$PY" -m pytest -q "$@"
