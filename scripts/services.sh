#!/usr/bin/env bash
# Usage: eval "$(scripts/services.sh)"      find or start the services, export DATABASE_URL and REDIS_URL
#        scripts/services.sh --stop         stop the private PostgreSQL cluster and redis-server it started
#
# Finds or starts the services MassaCorp needs and prints, on stdout, the environment that points at them.
# What it chose goes to stderr. Order (DESIGN §3):
#   PostgreSQL: $DATABASE_URL; else a private cluster from the local PostgreSQL binaries (fsync off: a dev/test
#               cluster); else 127.0.0.1:5432 with trust auth; else install PostgreSQL with apt, then a private cluster.
#   Redis:      $REDIS_URL; else 127.0.0.1:6379 if it answers PING; else a private redis-server if the binary
#               exists; else none (rate limits and revocation then use PostgreSQL).
# The private ones keep their data and logs in MASSACORP_STATE_DIR (default: $TMPDIR/massacorp-<uid>), on
# ports MASSACORP_PG_PORT (54329) and MASSACORP_REDIS_PORT (63799); every checkout of this user shares them.
# MASSACORP_DB_NAME names the database (default: massacorp). --stop stops them, keeping their data (remove
# the state directory to drop it); servers it did not start are left alone.
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi

say() { printf 'services: %s\n' "$*" >&2; }
state_dir="${MASSACORP_STATE_DIR:-${TMPDIR:-/tmp}/massacorp-$(id -u)}"
pg_port="${MASSACORP_PG_PORT:-54329}"
redis_port="${MASSACORP_REDIS_PORT:-63799}"
db_name="${MASSACORP_DB_NAME:-massacorp}"

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

find_pg_bindir() {
  local candidate
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  # Debian/Ubuntu keep server binaries out of PATH, one directory per major version: take the newest.
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

as_pg_user() {
  # initdb and pg_ctl refuse to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_private_cluster() {
  local bindir="$1" datadir="$state_dir/pg"
  mkdir -p "$state_dir"
  chmod 755 "$state_dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$state_dir" --shell /usr/sbin/nologin postgres
    mkdir -p "$datadir" && chown postgres: "$datadir"
  fi
  if [ ! -s "$datadir/PG_VERSION" ]; then
    as_pg_user "$bindir/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  if ! as_pg_user "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    as_pg_user "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 30 start \
      -o "-p $pg_port -k $datadir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
    say "started a private PostgreSQL cluster ($bindir) in $datadir on 127.0.0.1:$pg_port"
  else
    say "reusing the private PostgreSQL cluster in $datadir on 127.0.0.1:$pg_port"
  fi
  DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/$db_name"
}

choose_postgres() {
  local bindir
  if [ -n "${DATABASE_URL:-}" ]; then
    say "PostgreSQL: using DATABASE_URL from the environment"; return
  fi
  if bindir="$(find_pg_bindir)"; then
    start_private_cluster "$bindir"; return
  fi
  if tcp_open 127.0.0.1 5432; then
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db_name"
    say "PostgreSQL: using the server on 127.0.0.1:5432 (trust auth, user postgres)"; return
  fi
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "PostgreSQL: none found; installing it with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bindir="$(find_pg_bindir)" && { start_private_cluster "$bindir"; return; }
  fi
  say "PostgreSQL: none found and none could be installed; set DATABASE_URL"; exit 1
}

ensure_database() {
  # Create the application database if the server lets us; Python's psycopg does it (psql may be missing).
  "${PYTHON:-python3}" - "$DATABASE_URL" <<'PY' >&2 || say "could not check or create the database (is psycopg installed?)"
import sys
from urllib.parse import urlparse

import psycopg

url = urlparse(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True, connect_timeout=5) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"services: created database {name}")
PY
}

choose_redis() {
  if [ -n "${REDIS_URL:-}" ]; then say "Redis: using REDIS_URL from the environment"; return; fi
  if redis_ping 127.0.0.1 6379; then
    REDIS_URL="redis://127.0.0.1:6379/0"; say "Redis: using 127.0.0.1:6379"; return
  fi
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p "$state_dir/redis"
    if ! redis_ping 127.0.0.1 "$redis_port"; then
      redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
        --dir "$state_dir/redis" --logfile "$state_dir/redis/redis.log" --pidfile "$state_dir/redis/redis.pid" \
        >/dev/null
      for _ in $(seq 1 50); do redis_ping 127.0.0.1 "$redis_port" && break; sleep 0.1; done
      say "Redis: started a private redis-server on 127.0.0.1:$redis_port"
    fi
    REDIS_URL="redis://127.0.0.1:$redis_port/0"; return
  fi
  REDIS_URL=""; say "Redis: none (rate limits and session revocation use PostgreSQL)"
}

redis_ping() {
  local reply
  tcp_open "$1" "$2" || return 1
  reply="$( { exec 3<>"/dev/tcp/$1/$2"; printf 'PING\r\n' >&3; timeout 1 head -c 5 <&3; } 2>/dev/null || true)"
  [[ "$reply" == "+PONG"* ]]
}

stop_private_cluster() {
  local bindir datadir="$state_dir/pg"
  if [ ! -s "$datadir/postmaster.pid" ]; then say "no private PostgreSQL cluster runs in $datadir"; return; fi
  bindir="$(find_pg_bindir)" || { say "PostgreSQL binaries not found: cannot stop $datadir"; return 1; }
  as_pg_user "$bindir/pg_ctl" -D "$datadir" -m fast -w -t 30 stop >/dev/null
  say "stopped the private PostgreSQL cluster in $datadir (its data is kept)"
}

stop_private_redis() {
  local pidfile="$state_dir/redis/redis.pid" pid
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  # The pid file is ours; a pid reused by another process is not taken for it (its command line must match).
  if [ -z "$pid" ] || ! grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
    rm -f "$pidfile"
    # One started before pid files were written: recognised by its directory, which is ours.
    if command -v redis-cli >/dev/null 2>&1 &&
       [ "$(redis-cli -p "$redis_port" CONFIG GET dir 2>/dev/null | sed -n 2p)" = "$state_dir/redis" ]; then
      redis-cli -p "$redis_port" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
      say "stopped the private redis-server on 127.0.0.1:$redis_port"; return
    fi
    say "no private redis-server of $state_dir runs"; return
  fi
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  say "stopped the private redis-server (pid $pid) on 127.0.0.1:$redis_port"
}

if [ "${1:-}" = "--stop" ]; then
  stop_private_cluster
  stop_private_redis
  exit 0
fi
if [ $# -gt 0 ]; then say "unknown argument $1 (see --help)"; exit 2; fi
choose_postgres
ensure_database
choose_redis
printf 'export DATABASE_URL=%q\n' "$DATABASE_URL"
printf 'export REDIS_URL=%q\n' "$REDIS_URL"
say "DATABASE_URL=$DATABASE_URL"
say "REDIS_URL=${REDIS_URL:-<none>}"
