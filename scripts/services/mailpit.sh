#!/usr/bin/env bash
# Install (once) and start Mailpit on loopback for tests/CI: a real SMTP server whose
# received messages the tests read back through its HTTP API.
#
# Usage:
#   scripts/services/mailpit.sh         # install if needed + start; prints the HTTP URL last
#   scripts/services/mailpit.sh stop    # stop it
#
# Environment:
#   MAILPIT_SMTP_PORT   SMTP port on 127.0.0.1      (default 51025)
#   MAILPIT_HTTP_PORT   HTTP API/UI on 127.0.0.1    (default 58025)
#
# Files (all under <repo>/.cache/):
#   bin/mailpit                 the binary (go install, GOBIN=.cache/bin)
#   bin/mailpit.version         stamp: the version that binary was built from
#   (Go's own module and build caches, `go env GOMODCACHE GOCACHE`, shared by checkouts)
#   mailpit/mailpit.pid         pid of the running server
#   mailpit/mailpit.log         its log
#
# Messages are kept in memory only (no --database): a restart starts empty. SMTP accepts
# any AUTH login, also without TLS (test only), so smtp://user:pass@ URLs work against it.
# HTTP API: GET /api/v1/messages, GET /api/v1/message/{ID}, DELETE /api/v1/messages.
#
# Last line on stdout: http://127.0.0.1:$MAILPIT_HTTP_PORT
set -euo pipefail

# Newest version served by the Go module proxy when this was written
# (`go list -m -versions github.com/axllent/mailpit`).
MAILPIT_VERSION="v1.33.1"
MAILPIT_MODULE="github.com/axllent/mailpit"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"

SMTP_PORT="${MAILPIT_SMTP_PORT:-51025}"
HTTP_PORT="${MAILPIT_HTTP_PORT:-58025}"
URL="http://127.0.0.1:${HTTP_PORT}"

BIN_DIR="$CACHE_DIR/bin"
BIN="$BIN_DIR/mailpit"
STAMP="$BIN_DIR/mailpit.version"
RUN_DIR="$CACHE_DIR/mailpit"
PID_FILE="$RUN_DIR/mailpit.pid"
LOG_FILE="$RUN_DIR/mailpit.log"

log() { printf '[mailpit] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$HTTP_PORT" =~ ^[0-9]+$ && "$SMTP_PORT" =~ ^[0-9]+$ ]] \
    || die "MAILPIT_HTTP_PORT/MAILPIT_SMTP_PORT must be numbers"

# Does a Mailpit answer on the HTTP port? (its info endpoint names the version and the
# SMTP port must accept connections too.)
is_up() {
    local body
    body="$(curl -fsS --max-time 2 "$URL/api/v1/info" 2>/dev/null)" || return 1
    [[ "$body" == *'"Version"'* ]] || return 1
    port_in_use "$SMTP_PORT"
}

NAME="mailpit"
MODULE="$MAILPIT_MODULE"
VERSION="$MAILPIT_VERSION"
EXE_GLOB="$(readlink -f "$BIN" 2>/dev/null || echo "$BIN")"
# shellcheck source=scripts/services/lib.sh
. "$SCRIPT_DIR/lib.sh"

start_mailpit() {
    mkdir -p "$RUN_DIR"
    local p
    for p in "$HTTP_PORT" "$SMTP_PORT"; do
        port_in_use "$p" && die "port 127.0.0.1:$p is already in use by something that is not a healthy mailpit"
    done
    log "starting mailpit: SMTP 127.0.0.1:$SMTP_PORT, HTTP 127.0.0.1:$HTTP_PORT; log: $LOG_FILE"
    # -http-addr/-https-addr with an explicit IP bind to loopback only.
    # setsid + nohup detach it from this shell; stdin/stdout/stderr are
    # redirected so callers capturing our stdout don't wait on it. With job
    # control off (set +m) the background child is not a process-group
    # leader, so setsid execs in place and $! is mailpit's own pid.
    set +m
    nohup setsid "$BIN" \
        --listen "127.0.0.1:$HTTP_PORT" \
        --smtp "127.0.0.1:$SMTP_PORT" \
        --smtp-auth-accept-any --smtp-auth-allow-insecure \
        --max 5000 --disable-version-check \
        </dev/null >>"$LOG_FILE" 2>&1 &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    wait_until_up "$pid"
}

service_main install_go_tool start_mailpit "$@"
