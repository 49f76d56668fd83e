#!/usr/bin/env bash
# Fetch Mustangproject's Factur-X validator once (the library org.mustangproject:validator,
# shaded jar, from Maven Central, pinned by version and SHA-256) into .cache/mustang/, find a
# JDK in /usr/lib/jvm, and print "JAVA JAR" as the last line on stdout. The tests
# (tests/payments/test_facturx.py) run it through tests/payments/mustang/Validate.java: the
# jar is a library without a command line of its own. It checks the PDF/A-3 container
# (veraPDF), the Factur-X XSD and the EN 16931 schematron.
#
# Usage: scripts/services/mustang.sh        # fetch if missing, print "JAVA JAR"
#        scripts/services/mustang.sh stop   # no-op: a tool, not a service
set -euo pipefail
cd "$(dirname "$0")/../.."

MUSTANG_VERSION=2.16.2
MUSTANG_SHA256=0a4fa85d1e274da2b294232bab8b96e0c542baef9891c394d595feb03a8fa55d
COORD="org.mustangproject:validator:${MUSTANG_VERSION}:jar:shaded"
CACHE_DIR=.cache/mustang
JAR="$CACHE_DIR/validator-${MUSTANG_VERSION}-shaded.jar"

log() { printf '[mustang] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ "${1:-}" == stop ]] && { log "nothing to stop (a tool, not a service)"; exit 0; }

find_java() {
    local cand
    for cand in "${MUSTANG_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-*-jdk* \
                /usr/lib/jvm/java-*-openjdk* /usr/lib/jvm/*; do
        # javac too: Validate.java is launched as a single source file (JDK 11+).
        if [[ -n "$cand" && -x "$cand/bin/java" && -x "$cand/bin/javac" ]]; then
            printf '%s' "$cand/bin/java"
            return 0
        fi
    done
    return 1
}

checksum_ok() { [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$MUSTANG_SHA256" ]]; }

if [[ ! -s "$JAR" ]] || ! checksum_ok "$JAR"; then
    command -v mvn >/dev/null || die "mvn is needed to fetch $COORD (apt-get install maven)"
    log "fetching $COORD from Maven Central (mvn dependency:copy, ~60 MB) ..."
    mkdir -p "$CACHE_DIR"
    stage="$CACHE_DIR/download.$$"
    rm -rf "$stage"
    mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="$COORD" -DoutputDirectory="$stage" >&2 || die "mvn dependency:copy of $COORD failed"
    checksum_ok "$stage/validator-${MUSTANG_VERSION}-shaded.jar" \
        || { rm -rf "$stage"; die "SHA-256 of the fetched jar is not the pinned one"; }
    mv "$stage/validator-${MUSTANG_VERSION}-shaded.jar" "$JAR"
    rm -rf "$stage"
fi

java="$(find_java)" || die "no JDK (java + javac) in /usr/lib/jvm"
log "validator $MUSTANG_VERSION at $JAR, run with $java"
echo "$java $(pwd)/$JAR"
