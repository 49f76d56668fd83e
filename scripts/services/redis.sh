#!/usr/bin/env bash
# Start Debian's redis-server on loopback for tests/CI (the job broker, the throttling store).
#
# Usage:
#   scripts/services/redis.sh         # install if needed + start; prints the URL last
#   scripts/services/redis.sh stop    # stop it
#
# Environment:
#   REDIS_PORT   port on 127.0.0.1 (default 56379)
#
# Files (all under <repo>/.cache/redis/):
#   redis.conf    written on each start
#   data/         its working directory (no snapshots, no AOF: test data only)
#   redis.pid     pid of the running server
#   redis.log     its log
#
# Last line on stdout: redis://127.0.0.1:$REDIS_PORT/0
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
RUN_DIR="$REPO_ROOT/.cache/redis"
PORT="${REDIS_PORT:-56379}"
URL="redis://127.0.0.1:${PORT}/0"
CONF="$RUN_DIR/redis.conf"
PID_FILE="$RUN_DIR/redis.pid"
LOG_FILE="$RUN_DIR/redis.log"

log() { printf '[redis] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "REDIS_PORT must be a number"

find_server() {
    if command -v redis-server >/dev/null 2>&1; then command -v redis-server; return 0; fi
    [[ -x /usr/bin/redis-server ]] && { echo /usr/bin/redis-server; return 0; }
    return 1
}

# Does a Redis answer PING on the port? Spoken with bash's /dev/tcp, so no client is needed.
is_up() {
    local reply
    reply="$( { exec 3<>"/dev/tcp/127.0.0.1/$PORT" || exit 1
        printf 'PING\r\n' >&3
        timeout 2 head -c 7 <&3; } 2>/dev/null)" || return 1
    [[ "$reply" == "+PONG"* ]]
}

NAME="redis"
EXE_GLOB="*redis*"
# shellcheck source=scripts/services/lib.sh
. "$SCRIPT_DIR/lib.sh"

install_redis() {
    find_server >/dev/null && return 0
    [[ "$(id -u)" -eq 0 ]] || die "redis-server not found (apt-get install redis-server)"
    log "redis-server not found; installing Debian package redis-server"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >&2
    find_server >/dev/null || die "redis-server still missing after apt-get install"
}

start_redis() {
    mkdir -p "$RUN_DIR/data"
    port_in_use "$PORT" && die "port 127.0.0.1:$PORT is already in use by something that is not Redis"
    cat >"$CONF" <<CONF
bind 127.0.0.1
port $PORT
protected-mode yes
daemonize yes
pidfile $PID_FILE
logfile $LOG_FILE
dir $RUN_DIR/data
save ""
appendonly no
CONF
    log "starting redis-server on 127.0.0.1:$PORT; log: $LOG_FILE"
    "$(find_server)" "$CONF" >&2 || die "redis-server failed to start (see $LOG_FILE)"
    for _ in $(seq 1 100); do
        if is_up; then
            log "ready: $URL"
            return 0
        fi
        sleep 0.1
    done
    tail -n 20 "$LOG_FILE" >&2 || true
    die "redis did not answer on port $PORT within 10s"
}

service_main install_redis start_redis "$@"
