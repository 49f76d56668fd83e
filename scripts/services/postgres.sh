#!/usr/bin/env bash
# Provision and start a throw-away PostgreSQL cluster on loopback for tests/CI.
#
# Usage:
#   scripts/services/postgres.sh         # init (first time) + start; prints the DSN last
#   scripts/services/postgres.sh stop    # stop the cluster (data is kept)
#
# Environment:
#   PG_PORT   TCP port on 127.0.0.1 (default 55432)
#   PG_BIN    server binaries (default /usr/lib/postgresql/15/bin, else newest installed)
#
# Data lives in <repo>/.cache/postgres/{data,run,postgres.log}. The cluster
# is TEST-ONLY: it listens on 127.0.0.1 only, uses trust auth for local and
# loopback connections, and runs with fsync/synchronous_commit/full_page_writes
# off (a crash may corrupt it; delete .cache/postgres to start over).
#
# Postgres refuses to run as root. When this script runs as root (CI does), the
# cluster is owned by and run as the `postgres` system user (created if it does
# not exist). When run as an ordinary user, the cluster runs as that user.
#
# Last line on stdout:
#   postgresql+psycopg://marketplace:marketplace@127.0.0.1:$PG_PORT/marketplace
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"

PG_PORT="${PG_PORT:-55432}"
PG_VERSION_WANTED=15
DB_NAME=marketplace
DB_USER=marketplace
DB_PASSWORD=marketplace
DSN="postgresql+psycopg://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${PG_PORT}/${DB_NAME}"

log() { printf '[postgres] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "PG_PORT must be a number, got '$PG_PORT'"

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------------------
# Binaries
# ---------------------------------------------------------------------------
find_pg_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/postgres" ]] && { echo "$PG_BIN"; return 0; }
        return 1
    fi
    if [[ -x "/usr/lib/postgresql/$PG_VERSION_WANTED/bin/postgres" ]]; then
        echo "/usr/lib/postgresql/$PG_VERSION_WANTED/bin"; return 0
    fi
    # Any other installed major version (newest first).
    local d
    for d in $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -t/ -k5 -rn); do
        [[ -x "$d/postgres" ]] && { echo "$d"; return 0; }
    done
    return 1
}

ensure_binaries() {
    if PG_BIN="$(find_pg_bin)"; then
        return 0
    fi
    [[ $IS_ROOT -eq 1 ]] || die "PostgreSQL server binaries not found and not root: apt-get install postgresql"
    log "PostgreSQL server binaries not found; installing Debian package 'postgresql' ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
    unset PG_BIN
    PG_BIN="$(find_pg_bin)" || die "postgres binaries still missing after apt-get install postgresql"
}

# ---------------------------------------------------------------------------
# Helpers that run a command as the cluster owner
# ---------------------------------------------------------------------------
PG_OWNER="$(id -un)"
as_owner() {
    if [[ $IS_ROOT -eq 1 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_postgres_user() {
    [[ $IS_ROOT -eq 1 ]] || return 0
    PG_OWNER=postgres
    if ! getent passwd postgres >/dev/null; then
        log "system user 'postgres' does not exist; creating it"
        getent group postgres >/dev/null || groupadd --system postgres
        useradd --system --gid postgres --home-dir /var/lib/postgresql \
            --no-create-home --shell /bin/bash \
            --comment "PostgreSQL administrator" postgres
    fi
}

# Can the cluster owner reach (traverse) directory $1?
owner_can_enter() {
    # shellcheck disable=SC2016  # $1 is expanded by the inner sh
    as_owner sh -c 'cd "$1"' _ "$1" 2>/dev/null
}

# ---------------------------------------------------------------------------
# Where the cluster lives
# ---------------------------------------------------------------------------
# Preferred: <repo>/.cache/postgres. When running as root the cluster is owned
# by `postgres`, which needs execute (traverse) permission on every ancestor
# directory. We only ever loosen permissions on .cache itself (chmod o+x: it
# only lets other users traverse into paths they know, nothing is listable or
# writable), never on the repo or its parents, which are not ours to change.
# If some ancestor above .cache is still not traversable (e.g. a checkout in a
# private home directory), fall back to /var/tmp/marketplace-pg-$PG_PORT, a
# machine-local scratch area outside the repo.
choose_pg_root() {
    PG_ROOT="$CACHE_DIR/postgres"
    mkdir -p "$CACHE_DIR"
    if [[ $IS_ROOT -eq 1 ]]; then
        if ! owner_can_enter "$CACHE_DIR"; then
            chmod o+x "$CACHE_DIR" 2>/dev/null || true
        fi
        if ! owner_can_enter "$CACHE_DIR"; then
            PG_ROOT="/var/tmp/marketplace-pg-$PG_PORT"
            log "user 'postgres' cannot traverse $CACHE_DIR (a parent directory is not o+x);"
            log "using fallback location $PG_ROOT instead"
        fi
    fi
    PG_DATA="$PG_ROOT/data"
    PG_SOCKET_DIR="$PG_ROOT/run"
    PG_LOG="$PG_ROOT/postgres.log"
    # Unix socket paths are limited to 107 bytes; very deep checkouts would
    # make postgres fail to start, so use a short socket dir in that case.
    if (( ${#PG_SOCKET_DIR} + 20 > 100 )); then
        PG_SOCKET_DIR="/tmp/marketplace-pg-$PG_PORT"
        log "checkout path too long for a unix socket; socket dir is $PG_SOCKET_DIR"
    fi
}

prepare_dirs() {
    mkdir -p "$PG_ROOT" "$PG_SOCKET_DIR"
    if [[ $IS_ROOT -eq 1 ]]; then
        # Postgres insists that the data dir is owned by the user running it;
        # also fixes up a cluster that was initialised by another user.
        chown -R postgres: "$PG_ROOT" "$PG_SOCKET_DIR"
    fi
    # The data dir itself is 0700 (initdb); the parent and the socket dir are
    # world-traversable so other local users can use the unix socket too.
    chmod 755 "$PG_ROOT" "$PG_SOCKET_DIR"
}

is_ready() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2 >/dev/null 2>&1
}

psql_admin() {
    # Superuser created by initdb is `postgres` (see -U below); trust auth.
    PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

init_cluster() {
    if [[ -f "$PG_DATA/PG_VERSION" ]]; then
        return 0
    fi
    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
        locale_args=(--locale=C.UTF-8)
    fi
    log "initialising new cluster in $PG_DATA (owner: $PG_OWNER)"
    rm -rf "$PG_DATA"
    as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust \
        --encoding=UTF8 "${locale_args[@]}" --no-sync >"$PG_ROOT/initdb.log" 2>&1 \
        || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
}

write_config() {
    # Rewritten on every start so changes (e.g. PG_PORT) always apply.
    local conf="$PG_DATA/marketplace-test.conf"
    as_owner tee "$conf" >/dev/null <<EOF
# Managed by scripts/services/postgres.sh - TEST-ONLY settings, do not use in production.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if ! grep -q "^include_if_exists = 'marketplace-test.conf'" "$PG_DATA/postgresql.conf"; then
        printf "\n# Added by scripts/services/postgres.sh\ninclude_if_exists = 'marketplace-test.conf'\n" \
            | as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null
    fi
    as_owner tee "$PG_DATA/pg_hba.conf" >/dev/null <<'EOF'
# Managed by scripts/services/postgres.sh - TEST-ONLY loopback cluster: trust.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
EOF
}

start_cluster() {
    log "starting postgres on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    as_owner touch "$PG_LOG"
    local attempt=1
    # Retries cover a server that was just killed hard: its postmaster.pid and
    # shared memory stay "in use" until the old processes are fully gone.
    until as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s start >&2; do
        if (( attempt >= 5 )); then
            tail -n 30 "$PG_LOG" >&2 || true
            die "pg_ctl start failed (is port $PG_PORT taken by something else?)"
        fi
        log "start attempt $attempt failed; retrying in 2s"
        attempt=$((attempt + 1))
        sleep 2
    done
    for _ in $(seq 1 120); do
        is_ready && return 0
        sleep 0.5
    done
    tail -n 30 "$PG_LOG" >&2 || true
    die "postgres did not become ready on 127.0.0.1:$PG_PORT"
}

ensure_role_and_db() {
    psql_admin <<EOF >&2
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB_USER}') THEN
        CREATE ROLE ${DB_USER} LOGIN SUPERUSER PASSWORD '${DB_PASSWORD}';
    ELSE
        ALTER ROLE ${DB_USER} LOGIN SUPERUSER PASSWORD '${DB_PASSWORD}';
    END IF;
END
\$\$;
EOF
    if [[ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'")" != 1 ]]; then
        log "creating database ${DB_NAME}"
        psql_admin -c "CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}" >&2
    fi
}

stop_cluster() {
    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        log "no cluster at $PG_DATA; nothing to stop"
        return 0
    fi
    if as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        log "stopping postgres ($PG_DATA)"
        as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop >&2
        log "stopped"
    else
        log "postgres is not running ($PG_DATA)"
    fi
}

# ---------------------------------------------------------------------------
cmd="${1:-start}"
case "$cmd" in
    start|"") ;;
    stop) ;;
    *) die "unknown argument '$cmd' (expected: start | stop)" ;;
esac

ensure_binaries
ensure_postgres_user
choose_pg_root

if [[ "$cmd" == stop ]]; then
    stop_cluster
    exit 0
fi

if is_ready; then
    log "already running on 127.0.0.1:$PG_PORT"
    # Cheap and idempotent; makes sure the role/db exist even if an earlier
    # run was interrupted right after starting the server.
    if ! ensure_role_and_db 2>/dev/null; then
        # Not our cluster (no trust for `postgres`)? Accept it if the
        # marketplace credentials work.
        PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q \
            -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$DB_NAME" -c 'SELECT 1' >/dev/null 2>&1 \
            || die "something is listening on 127.0.0.1:$PG_PORT but it is not usable as $DSN"
    fi
    echo "$DSN"
    exit 0
fi

prepare_dirs
init_cluster
write_config
start_cluster
ensure_role_and_db
log "ready: $DSN"
echo "$DSN"
