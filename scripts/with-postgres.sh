#!/usr/bin/env bash
# Run a command with a throw-away local PostgreSQL server, and stop the server after.
# Installs Debian's PostgreSQL when it is missing (as root). Exports
# UNCC_TEST_DATABASE_URL for the tests. If no server can be started, the command runs
# without it (the PostgreSQL tests then skip, saying why) unless UNCC_REQUIRE_POSTGRES=1.
# The tests' server runs with fsync=off (throw-away data); UNCC_PG_FSYNC=on (make bench)
# keeps PostgreSQL's default, so that benchmarks compare it with SQLite's synchronous=FULL.
set -uo pipefail

PORT="${UNCC_PG_PORT:-54329}"
FSYNC="${UNCC_PG_FSYNC:-off}"
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

BIN="$(find_bin)"
if [ -z "$BIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "with-postgres: installing Debian's postgresql" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || \
    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; }
  BIN="$(find_bin)"
fi

started=""
if [ -n "$BIN" ]; then
  DIR="$(mktemp -d /tmp/uncc-pg.XXXXXX)"
  RUN=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; RUN=(runuser -u postgres --); fi
  if "${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -A trust >/dev/null 2>&1 && \
     "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=$FSYNC" start >/dev/null 2>&1; then
    started=1
    export UNCC_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
    echo "with-postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (fsync=$FSYNC)" >&2
  else
    echo "with-postgres: could not start PostgreSQL (see $DIR/log)" >&2
  fi
fi
if [ -z "$started" ] && [ "${UNCC_REQUIRE_POSTGRES:-0}" = 1 ]; then
  echo "with-postgres: PostgreSQL is required (UNCC_REQUIRE_POSTGRES=1) but not available" >&2
  exit 1
fi

"$@"
status=$?
if [ -n "$started" ]; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$DIR"
fi
exit $status
