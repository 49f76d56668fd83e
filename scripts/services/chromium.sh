#!/usr/bin/env bash
# Ensure Debian's Chromium + chromedriver are installed (for headless browser
# tests) and print the browser path as the last line on stdout.
#
# Usage:
#   scripts/services/chromium.sh          # install if missing, print /usr/bin/chromium
#   scripts/services/chromium.sh check    # same, then run a headless smoke test
#   scripts/services/chromium.sh stop     # no-op: Chromium is not a daemon
#
# Chromium comes from Debian's packages (a system package, so it lives outside
# .cache/). No browser build is downloaded from anywhere else.
set -euo pipefail

CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
CHROMEDRIVER_BIN="${CHROMEDRIVER_BIN:-/usr/bin/chromedriver}"

log() { printf '[chromium] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

smoke_test() {
    local profile out
    profile="$(mktemp -d "${TMPDIR:-/tmp}/chromium-smoke.XXXXXX")"
    # --no-sandbox: required when running as root (CI runs as root).
    if ! out="$(timeout 60 "$CHROMIUM_BIN" --headless --no-sandbox --disable-gpu \
            --disable-quic --no-first-run --disable-background-networking \
            --disable-component-update --disable-sync \
            --user-data-dir="$profile" --dump-dom about:blank 2>/dev/null)"; then
        rm -rf "$profile"
        die "headless smoke test failed (chromium --headless --dump-dom about:blank)"
    fi
    rm -rf "$profile"
    case "$out" in
        *"<html"*) log "headless smoke test OK" ;;
        *) die "headless smoke test printed unexpected output: ${out:0:200}" ;;
    esac
}

cmd="${1:-start}"
case "$cmd" in
    stop)
        log "nothing to stop (Chromium is launched per test, not as a service)"
        exit 0
        ;;
    start|check|"") ;;
    *) die "unknown argument '$cmd' (expected: start | check | stop)" ;;
esac

if [[ -x "$CHROMIUM_BIN" && -x "$CHROMEDRIVER_BIN" ]]; then
    log "already installed: $("$CHROMIUM_BIN" --version 2>/dev/null || echo chromium)"
    [[ "$cmd" == check ]] && smoke_test
    echo "$CHROMIUM_BIN"
    exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "chromium is missing and we are not root (and no sudo) - run: apt-get install -y chromium chromium-driver"
    SUDO=(sudo)
fi

log "installing Debian packages chromium + chromium-driver (apt-get) ..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q >&2
"${SUDO[@]}" apt-get install -y -q chromium chromium-driver >&2

[[ -x "$CHROMIUM_BIN" ]] || die "$CHROMIUM_BIN still missing after apt-get install"
[[ -x "$CHROMEDRIVER_BIN" ]] || die "$CHROMEDRIVER_BIN still missing after apt-get install"
log "installed: $("$CHROMIUM_BIN" --version 2>/dev/null || echo chromium); $("$CHROMEDRIVER_BIN" --version 2>/dev/null | head -n1 || true)"

# Freshly installed: always prove headless mode works once.
smoke_test
echo "$CHROMIUM_BIN"
