#!/usr/bin/env bash
# Install (once) and start an S3-compatible server on loopback for tests/CI: the Versity S3
# Gateway (versitygw) with its posix backend, so S3Storage is tested against a real S3 API
# (signatures, multipart uploads, NoSuchKey, ...), never a mock.
#
# Why versitygw (measured on this 2-core machine, Go 1.26, empty module cache, `go install`):
#   - versitygw v1.8.0: builds in 137-155 s (downloads included), a 61 MB binary, ready in
#     under a second; buckets are folders and objects files under one data folder;
#     Apache-2.0; tagged releases on the module proxy.
#   - SeaweedFS (`weed`): `go install` refuses it within 2 s: its go.mod carries `replace`
#     directives; the module proxy has no tagged version either (pseudo-versions only).
#   - MinIO: builds (244 s, partly sharing the cores with another build), a 150 MB binary;
#     no tagged module version (its RELEASE.* tags are not semver: pseudo-versions only).
#
# Usage:
#   scripts/services/versitygw.sh         # install if needed + start; prints the URL last
#   scripts/services/versitygw.sh stop    # stop it
#
# Environment:
#   VERSITYGW_PORT        S3 API on 127.0.0.1                     (default 59000)
#   VERSITYGW_ACCESS_KEY  the root account's access key id        (default marketplace-test)
#   VERSITYGW_SECRET_KEY  the root account's secret access key    (default marketplace-test-secret)
#   The tests use the same two values as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
#   (scripts/test exports them as TEST_S3_ACCESS_KEY_ID / TEST_S3_SECRET_ACCESS_KEY).
#
# Files (all under <repo>/.cache/):
#   bin/versitygw               the binary (go install, GOBIN=.cache/bin)
#   bin/versitygw.version       stamp: the version that binary was built from
#   (Go's own module and build caches, `go env GOMODCACHE GOCACHE`, shared by checkouts)
#   versitygw/data/             the posix backend: one folder per bucket (needs xattrs: ext4, xfs)
#   versitygw/versitygw.pid     pid of the running server
#   versitygw/versitygw.log     its log
#
# TEST ONLY: one root account with fixed keys, plain HTTP, single-account mode (no IAM).
# It accepts the x-amz-server-side-encryption header but does not encrypt the files.
# Buckets are made by the tests (tests/storage/conftest.py), not here.
#
# Last line on stdout: http://127.0.0.1:$VERSITYGW_PORT (the endpoint for STORAGE_URL)
set -euo pipefail

# The newest tagged version served by the Go module proxy when this was written
# (`go list -m -versions github.com/versity/versitygw`).
VERSITYGW_VERSION="v1.8.0"
VERSITYGW_MODULE="github.com/versity/versitygw/cmd/versitygw"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"

PORT="${VERSITYGW_PORT:-59000}"
ACCESS_KEY="${VERSITYGW_ACCESS_KEY:-marketplace-test}"
SECRET_KEY="${VERSITYGW_SECRET_KEY:-marketplace-test-secret}"
URL="http://127.0.0.1:${PORT}"

BIN_DIR="$CACHE_DIR/bin"
BIN="$BIN_DIR/versitygw"
STAMP="$BIN_DIR/versitygw.version"
RUN_DIR="$CACHE_DIR/versitygw"
DATA_DIR="$RUN_DIR/data"
PID_FILE="$RUN_DIR/versitygw.pid"
LOG_FILE="$RUN_DIR/versitygw.log"

log() { printf '[versitygw] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "VERSITYGW_PORT must be a number"

# Does a versitygw answer? Its health path says OK and its Server header names it.
is_up() {
    local headers
    headers="$(curl -fsS --max-time 2 -D - -o /dev/null "$URL/health" 2>/dev/null)" || return 1
    [[ "$headers" == *"VERSITYGW"* ]]
}

NAME="versitygw"
MODULE="$VERSITYGW_MODULE"
VERSION="$VERSITYGW_VERSION"
EXE_GLOB="$(readlink -f "$BIN" 2>/dev/null || echo "$BIN")"
# shellcheck source=scripts/services/lib.sh
. "$SCRIPT_DIR/lib.sh"

start_versitygw() {
    mkdir -p "$RUN_DIR" "$DATA_DIR"
    port_in_use "$PORT" && die "port 127.0.0.1:$PORT is already in use by something that is not a healthy versitygw"
    log "starting versitygw: S3 on $URL, data in $DATA_DIR; log: $LOG_FILE"
    # The keys go through the environment (ROOT_*), not argv: ps shows argv to everyone.
    # setsid + nohup detach it from this shell (see mailpit.sh for why $! is its pid).
    set +m
    ROOT_ACCESS_KEY_ID="$ACCESS_KEY" ROOT_SECRET_ACCESS_KEY="$SECRET_KEY" \
        nohup setsid "$BIN" \
        --port "127.0.0.1:$PORT" \
        --health /health \
        --quiet \
        posix "$DATA_DIR" \
        </dev/null >>"$LOG_FILE" 2>&1 &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    wait_until_up "$pid"
}

service_main install_go_tool start_versitygw "$@"
