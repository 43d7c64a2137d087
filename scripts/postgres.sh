#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests: a cluster in a temp directory, on a free loopback port, run as a non-root user.
#
#   eval "$(scripts/postgres.sh start)"   # starts (or finds the running one), prints: export EGOV_TEST_POSTGRES='...'
#   scripts/postgres.sh stop              # stops it and removes the temp directory
#   scripts/postgres.sh status            # exit 0 when it runs
#   scripts/postgres.sh halt              # fault tests: pg_ctl stop -m fast, the data kept (resume starts it again)
#   scripts/postgres.sh crash             # fault tests: kill -9 of the postmaster, the data kept
#   scripts/postgres.sh resume            # fault tests: starts the halted or crashed cluster again, same port and data
#
# The fault tests (tests/EGov.Workflows.Reliability.Tests) set EGOV_PG_STATE and EGOV_PG_ENV to files of their own, so
# halt and crash only ever reach the cluster that test started.
#
# start also writes the export line to $EGOV_PG_ENV (default /tmp/egov-pg.env) for callers that prefer `source`.
# Idempotent: a second start reuses the running cluster; stop without one does nothing. Quiet: tool output goes to
# the cluster's log; errors go to stderr. As root, the cluster runs as the system user $EGOV_PG_USER (default egovpg,
# created when missing); PostgreSQL is installed with apt-get when /usr/lib/postgresql/15/bin is missing. fsync stays on.
set -euo pipefail

bin="${EGOV_PG_BIN:-/usr/lib/postgresql/15/bin}"
state="${EGOV_PG_STATE:-/tmp/egov-pg.state}"
envfile="${EGOV_PG_ENV:-/tmp/egov-pg.env}"
pguser="${EGOV_PG_USER:-egovpg}"
database="${EGOV_PG_DATABASE:-egov_test}"

die() { echo "postgres.sh: $*" >&2; exit 1; }

# Runs a command as the cluster's owner (the non-root user when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u "$pguser" -- "$@"
    else su -s /bin/sh "$pguser" -c "$(printf '%q ' "$@")"; fi
  else "$@"; fi
}

install_postgres() {
  [ -x "$bin/pg_ctl" ] && return 0
  [ "$(id -u)" -eq 0 ] || die "$bin/pg_ctl is missing and installing needs root: apt-get install postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq postgresql-15 >/dev/null 2>&1 || apt-get install -y -qq postgresql >/dev/null 2>&1 \
    || die "apt-get install postgresql failed"
  [ -x "$bin/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $bin after installing"
}

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id -u "$pguser" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pguser" >/dev/null 2>&1 \
    || id -u "$pguser" >/dev/null 2>&1 || die "could not create user $pguser"
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port found"
}

connection() { echo "Host=127.0.0.1;Port=$1;Database=$database;Username=postgres;Pooling=true"; }

running() {
  [ -f "$state" ] || return 1
  # shellcheck disable=SC1090
  . "$state"
  [ -d "${PGDIR:-}/data" ] && as_owner "$bin/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1
}

start() {
  if running; then
    line="export EGOV_TEST_POSTGRES='$(connection "$PGPORT")'"
    echo "$line" >"$envfile"; echo "$line"; return 0
  fi
  [ -f "$state" ] && stop_quietly
  install_postgres
  ensure_user
  local dir port
  dir=$(mktemp -d /tmp/egov-pg.XXXXXX)
  chmod 700 "$dir"
  [ "$(id -u)" -eq 0 ] && chown "$pguser" "$dir"
  port=$(free_port)
  printf 'PGDIR=%q\nPGPORT=%q\n' "$dir" "$port" >"$state"
  if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
     && ! as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2; die "initdb failed"
  fi
  # Loopback only, socket in the temp dir, fsync on (the default, said out loud).
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" start >/dev/null 2>&1; then
    tail -20 "$dir/postgres.log" >&2 2>/dev/null || true; die "PostgreSQL did not start"
  fi
  for _ in $(seq 1 60); do
    as_owner "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  as_owner "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || die "PostgreSQL is not ready on port $port"
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database" >/dev/null 2>&1 || die "createdb $database failed"
  line="export EGOV_TEST_POSTGRES='$(connection "$port")'"
  echo "$line" >"$envfile"
  echo "$line"
}

stop_quietly() {
  [ -f "$state" ] || return 0
  # shellcheck disable=SC1090
  . "$state"
  if [ -n "${PGDIR:-}" ] && [ -d "$PGDIR/data" ]; then
    as_owner "$bin/pg_ctl" -D "$PGDIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
  case "${PGDIR:-}" in /tmp/egov-pg.*) rm -rf "$PGDIR" ;; esac
  rm -f "$state" "$envfile"
}

# The cluster of $state (a fault test's own), or die.
own_cluster() {
  [ -f "$state" ] || die "no cluster in $state"
  # shellcheck disable=SC1090
  . "$state"
  case "${PGDIR:-}" in /tmp/egov-pg.*) ;; *) die "$state does not name a cluster this script started" ;; esac
  [ -d "$PGDIR/data" ] || die "no data directory in $PGDIR"
}

halt() {
  own_cluster
  as_owner "$bin/pg_ctl" -D "$PGDIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 || die "pg_ctl stop -m fast failed"
}

crash() {
  own_cluster
  local pid
  pid=$(head -1 "$PGDIR/data/postmaster.pid" 2>/dev/null) || die "no postmaster.pid: the cluster does not run"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "postmaster $pid does not run"
  kill -9 "$pid"
  # Its backends notice the postmaster's death and exit by themselves; resume retries while they still hold shared memory.
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
}

resume() {
  own_cluster
  local i
  for i in $(seq 1 30); do
    if as_owner "$bin/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=on -c max_connections=200" start >/dev/null 2>&1; then
      return 0
    fi
    sleep 1 # after a crash: the old backends may still hold the shared memory for a moment
  done
  tail -20 "$PGDIR/postgres.log" >&2 2>/dev/null || true
  die "PostgreSQL did not start again"
}

case "${1:-}" in
  start) start ;;
  stop) stop_quietly ;;
  status) running ;;
  halt) halt ;;
  crash) crash ;;
  resume) resume ;;
  *) echo "usage: $0 start|stop|status|halt|crash|resume" >&2; exit 2 ;;
esac
