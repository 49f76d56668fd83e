# Shared by the service scripts that run a program of ours in the background
# (stripe-mock.sh, mailpit.sh, redis.sh, versitygw.sh). Source it after defining:
#   log, die        the script's own messages
#   is_up           does the service answer? (used by stop_service)
#   NAME            what the messages call it ("stripe-mock")
#   PID_FILE        where its pid is kept
#   EXE_GLOB        a glob its /proc/<pid>/exe must match (our binary, or *redis*)
#   URL             where it answers (for messages)
#   LOG_FILE        its log (its end is shown when it fails to start: wait_until_up)
# and, for go_install_pinned: MODULE, VERSION, BIN, BIN_DIR, STAMP, CACHE_DIR.

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

# pid from the pid file if that process is alive and is ours.
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid exe
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    exe="$(readlink -f "/proc/$pid/exe" 2>/dev/null || true)"
    # shellcheck disable=SC2053  # EXE_GLOB is a pattern on purpose
    [[ -n "$exe" && "$exe" == $EXE_GLOB ]] || return 1
    echo "$pid"
}

# Stop the process of the pid file (TERM, then KILL after 5 s); a service answering
# without a valid pid file was not started here and is left alone.
stop_service() {
    local pid
    if pid="$(running_pid)"; then
        log "stopping $NAME (pid $pid)"
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
            log "a $NAME answers on $URL but was not started by this script (no valid pid file); leaving it alone"
        else
            log "$NAME is not running"
        fi
    fi
}

find_go() {
    if command -v go >/dev/null 2>&1; then command -v go; return 0; fi
    if [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go; return 0; fi
    return 1
}

# `go install MODULE@VERSION` into BIN_DIR once; the stamp file remembers the version,
# so a changed pin rebuilds and an unchanged one costs nothing.
go_install_pinned() {
    if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSION" ]]; then
        return 0
    fi
    local go
    if ! go="$(find_go)"; then
        [[ "$(id -u)" -eq 0 ]] || die "Go toolchain not found (needed once to build $NAME)"
        log "Go toolchain not found; installing Debian package golang-go"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-go >&2
        go="$(find_go)" || die "Go still missing after apt-get install golang-go"
    fi
    log "building $MODULE@$VERSION with $("$go" version) (one-off) ..."
    mkdir -p "$BIN_DIR"
    local start=$SECONDS
    # The module and build caches are Go's own (`go env GOMODCACHE GOCACHE`, under the
    # user's home unless set): every checkout on a machine shares them, as pip's cache, so a
    # fresh clone builds in seconds where a first build takes minutes (mailpit and versitygw
    # about 2 min each on 2 cores). On a new machine they start empty and fill here.
    # -modcacherw keeps the module cache deletable with a plain `rm -rf`.
    # GOTOOLCHAIN=auto lets an older Go fetch the toolchain the module asks
    # for from the module proxy.
    if ! env GOBIN="$BIN_DIR" \
            GOFLAGS="-buildvcs=false -modcacherw" \
            GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
            CGO_ENABLED=0 \
            "$go" install "$MODULE@$VERSION" >&2; then
        die "go install $MODULE@$VERSION failed"
    fi
    [[ -x "$BIN" ]] || die "go install succeeded but $BIN is missing"
    echo "$VERSION" >"$STAMP"
    log "built $BIN in $((SECONDS - start))s"
}

# Wait up to 30 s for the process $1, just started in the background, to answer (is_up);
# if it exits or never answers, show the end of LOG_FILE and stop the script.
wait_until_up() {
    local pid=$1 start=$SECONDS
    for _ in $(seq 1 150); do
        if is_up; then
            log "ready (pid $pid) in $((SECONDS - start))s: $URL"
            return 0
        fi
        if ! alive "$pid"; then
            tail -n 20 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE"
            die "$NAME exited during startup"
        fi
        sleep 0.2
    done
    tail -n 20 "$LOG_FILE" >&2 || true
    die "$NAME did not answer on $URL within 30s"
}

# What the Go tools need before they start: curl (is_up) and their pinned build.
install_go_tool() {
    command -v curl >/dev/null 2>&1 || die "curl is required"
    go_install_pinned
}

# The command line every service script has: `start` (the default) or `stop`.
# Start: nothing to do when it answers already; otherwise install ($1), replace a stale
# process of ours that stopped answering, start ($2). The URL is printed last.
service_main() {
    local install=$1 start=$2 cmd=${3:-start} pid
    case "$cmd" in
        stop) stop_service; exit 0 ;;
        start|"") ;;
        *) die "unknown argument '$cmd' (expected: start | stop)" ;;
    esac
    if is_up; then
        log "already running: $URL"
        echo "$URL"
        exit 0
    fi
    "$install"
    if pid="$(running_pid)"; then
        log "pid $pid is alive but not answering; restarting it"
        stop_service
    fi
    "$start"
    echo "$URL"
}
