#!/usr/bin/env bash
# Install (once) and start Stripe's stripe-mock on loopback for tests/CI.
#
# Usage:
#   scripts/services/stripe-mock.sh         # install if needed + start; prints the URL last
#   scripts/services/stripe-mock.sh stop    # stop it
#
# Environment:
#   STRIPE_MOCK_HTTP_PORT    HTTP port on 127.0.0.1  (default 12111)
#   STRIPE_MOCK_HTTPS_PORT   HTTPS port on 127.0.0.1 (default 12112)
#
# Files (all under <repo>/.cache/):
#   bin/stripe-mock                 the binary (go install, GOBIN=.cache/bin)
#   bin/stripe-mock.version         stamp: the version that binary was built from
#   (Go's own module and build caches, `go env GOMODCACHE GOCACHE`, shared by checkouts)
#   stripe-mock/stripe-mock.pid     pid of the running server
#   stripe-mock/stripe-mock.log     its log
#
# stripe-mock is stateless: it validates requests against Stripe's OpenAPI
# spec and answers with fixture objects (created objects are not stored, ids
# in responses are fixed fixture ids, amounts etc. echo the request).
#
# Last line on stdout: http://127.0.0.1:$STRIPE_MOCK_HTTP_PORT
set -euo pipefail

# Newest version served by the Go module proxy when this was written
# (`go list -m -versions github.com/stripe/stripe-mock`).
STRIPE_MOCK_VERSION="v0.203.0"
STRIPE_MOCK_MODULE="github.com/stripe/stripe-mock"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"

HTTP_PORT="${STRIPE_MOCK_HTTP_PORT:-12111}"
HTTPS_PORT="${STRIPE_MOCK_HTTPS_PORT:-12112}"
URL="http://127.0.0.1:${HTTP_PORT}"

BIN_DIR="$CACHE_DIR/bin"
BIN="$BIN_DIR/stripe-mock"
STAMP="$BIN_DIR/stripe-mock.version"
RUN_DIR="$CACHE_DIR/stripe-mock"
PID_FILE="$RUN_DIR/stripe-mock.pid"
LOG_FILE="$RUN_DIR/stripe-mock.log"

log() { printf '[stripe-mock] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$HTTP_PORT" =~ ^[0-9]+$ && "$HTTPS_PORT" =~ ^[0-9]+$ ]] \
    || die "STRIPE_MOCK_HTTP_PORT/STRIPE_MOCK_HTTPS_PORT must be numbers"

# Does a stripe-mock answer on the HTTP port? (stripe-mock accepts any
# sk_test_ key; a 200 with a list object means it's really stripe-mock.)
is_up() {
    local body
    body="$(curl -fsS --max-time 2 -H "Authorization: Bearer sk_test_123" \
        "$URL/v1/customers?limit=1" 2>/dev/null)" || return 1
    [[ "$body" == *'"object"'*'"list"'* ]]
}

NAME="stripe-mock"
MODULE="$STRIPE_MOCK_MODULE"
VERSION="$STRIPE_MOCK_VERSION"
EXE_GLOB="$(readlink -f "$BIN" 2>/dev/null || echo "$BIN")"
# shellcheck source=scripts/services/lib.sh
. "$SCRIPT_DIR/lib.sh"

start_stripe_mock() {
    mkdir -p "$RUN_DIR"
    local p
    for p in "$HTTP_PORT" "$HTTPS_PORT"; do
        port_in_use "$p" && die "port 127.0.0.1:$p is already in use by something that is not a healthy stripe-mock"
    done
    log "starting stripe-mock on 127.0.0.1:$HTTP_PORT (http) and 127.0.0.1:$HTTPS_PORT (https); log: $LOG_FILE"
    # -http-addr/-https-addr with an explicit IP bind to loopback only.
    # setsid + nohup detach it from this shell; stdin/stdout/stderr are
    # redirected so callers capturing our stdout don't wait on it. With job
    # control off (set +m) the background child is not a process-group
    # leader, so setsid execs in place and $! is stripe-mock's own pid.
    set +m
    nohup setsid "$BIN" \
        -http-addr "127.0.0.1:$HTTP_PORT" \
        -https-addr "127.0.0.1:$HTTPS_PORT" \
        </dev/null >>"$LOG_FILE" 2>&1 &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    wait_until_up "$pid"
}

service_main install_go_tool start_stripe_mock "$@"
