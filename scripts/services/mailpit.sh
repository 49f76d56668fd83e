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
#   go/mod, go/build            Go module / build caches used for the install
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

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Is $1 a live (not zombie) process? Orphans are reaped by PID 1 only
# eventually, and kill -0 succeeds on a zombie.
alive() {
    kill -0 "$1" 2>/dev/null || return 1
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z ]]
}

# pid from the pid file if that process is alive and is our mailpit.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null || true)" == "$(readlink -f "$BIN")" ]] || return 1
    echo "$pid"
}

find_go() {
    if command -v go >/dev/null 2>&1; then command -v go; return 0; fi
    if [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go; return 0; fi
    return 1
}

install_mailpit() {
    if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$MAILPIT_VERSION" ]]; then
        return 0
    fi
    local go
    if ! go="$(find_go)"; then
        [[ "$(id -u)" -eq 0 ]] || die "Go toolchain not found (needed once to build mailpit)"
        log "Go toolchain not found; installing Debian package golang-go"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go >&2
        go="$(find_go)" || die "Go still missing after apt-get install golang-go"
    fi
    log "building $MAILPIT_MODULE@$MAILPIT_VERSION with $("$go" version) (one-off, a few minutes) ..."
    mkdir -p "$BIN_DIR" "$CACHE_DIR/go"
    local start=$SECONDS
    # -modcacherw keeps the module cache deletable with plain `rm -rf .cache`.
    # GOTOOLCHAIN=auto lets an older Go fetch the toolchain the module asks
    # for (go >= 1.22) from the module proxy.
    if ! env GOBIN="$BIN_DIR" \
            GOPATH="$CACHE_DIR/go" \
            GOMODCACHE="$CACHE_DIR/go/mod" \
            GOCACHE="$CACHE_DIR/go/build" \
            GOFLAGS="-buildvcs=false -modcacherw" \
            GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
            CGO_ENABLED=0 \
            "$go" install "$MAILPIT_MODULE@$MAILPIT_VERSION" >&2; then
        die "go install $MAILPIT_MODULE@$MAILPIT_VERSION failed"
    fi
    [[ -x "$BIN" ]] || die "go install succeeded but $BIN is missing"
    # The compiled-object cache is only useful for rebuilding; the binary is
    # what we keep. Drop it to save ~120 MB.
    rm -rf "$CACHE_DIR/go/build"
    echo "$MAILPIT_VERSION" >"$STAMP"
    log "built $BIN in $((SECONDS - start))s"
}

stop_mailpit() {
    local pid
    if pid="$(running_pid)"; then
        log "stopping mailpit (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            alive "$pid" || break
            sleep 0.1
        done
        if alive "$pid"; then
            log "still alive after 5s; sending SIGKILL"
            kill -9 "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                alive "$pid" || break
                sleep 0.1
            done
        fi
        rm -f "$PID_FILE"
        log "stopped"
    else
        rm -f "$PID_FILE"
        if is_up; then
            log "a mailpit answers on $URL but was not started by this script (no valid pid file); leaving it alone"
        else
            log "mailpit is not running"
        fi
    fi
}

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
    for _ in $(seq 1 150); do
        if is_up; then
            log "ready (pid $pid): $URL"
            return 0
        fi
        if ! alive "$pid"; then
            tail -n 20 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            die "mailpit exited during startup"
        fi
        sleep 0.2
    done
    tail -n 20 "$LOG_FILE" >&2 || true
    die "mailpit did not answer on $URL within 30s"
}

cmd="${1:-start}"
case "$cmd" in
    stop) stop_mailpit; exit 0 ;;
    start|"") ;;
    *) die "unknown argument '$cmd' (expected: start | stop)" ;;
esac

if is_up; then
    log "already running: $URL"
    echo "$URL"
    exit 0
fi

command -v curl >/dev/null 2>&1 || die "curl is required"
install_mailpit
# A stale process of ours that stopped answering: replace it.
if pid="$(running_pid)"; then
    log "pid $pid is alive but not answering; restarting it"
    stop_mailpit
fi
start_mailpit
echo "$URL"
