#!/usr/bin/env bash
# -----------------------------------------------------------------------------
# scripts/services/elasticsearch.sh -- single-node Elasticsearch for dev and CI
#
#   scripts/services/elasticsearch.sh [start]   provision (once) + start, wait for yellow
#   scripts/services/elasticsearch.sh stop      stop the node started by this script
#   scripts/services/elasticsearch.sh status    exit 0 if healthy, 1 otherwise
#   scripts/services/elasticsearch.sh restart
#
# The last line printed on stdout by `start` is the URL (http://127.0.0.1:9200).
# Everything else goes to stderr. Idempotent: a healthy node on the port => exit 0.
#
# Source: Maven Central artifact
#   org.elasticsearch.distribution.integ-test-zip:elasticsearch:9.5.4 (zip, ~130 MB)
# (the only ES server build reachable: this machine/CI only reach package
# registries, Elastic's own download site is not one). 9.5.4 is
# the newest 9.x zip actually present on Central (maven-metadata.xml only lists
# up to 8.19.21, 9.5.5/9.5.6 are 404; there is no .pom/.sha1 for 9.x, only the zip).
# It has no bundled JDK: it runs on Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64);
# ES 9 needs Java 21+, the Debian OpenJDK 17 is too old.
#
# Layout (all under <repo>/.cache/elasticsearch/, ignored by git):
#   elasticsearch-9.5.4.zip  cached download      elasticsearch-9.5.4/  unpacked dist
#   config/  generated config  data/  logs/  tmp/  elasticsearch.pid
# As root (CI) the node runs as the system user `elasticsearch` (created if
# missing; ES refuses to run as root) and the cache dir is chowned to it.
#
# FINDINGS about this minimal "integ-test" distribution (verified on 9.5.4, details
# in docs/elasticsearch.md). Modules: transport-netty4, x-pack-core, x-pack-security,
# apm -- nothing else (GET /_nodes/plugins).
#   WORKS : index/get/partial _update (doc), _bulk, _msearch, _count, PIT, aliases,
#     index templates, match/multi_match/fuzzy/term/bool/range, highlight, terms/
#     avg/geo_distance aggs, completion suggester, dense_vector + knn, geo_point +
#     geo_distance / geo_bounding_box query + _geo_distance sort, function_score
#     with gauss decay on a geo_point (and on a date) + field_value_factor.
#     Analysis: analyzers standard, simple, whitespace, keyword, stop; tokenizer
#     standard only; token filters lowercase, stop (incl. "_french_" list),
#     shingle; no char filters. Custom normalizer with lowercase works.
#   MISSING (no analysis-common module): the `french` analyzer and all language
#     analyzers, `asciifolding`, `elision`, `stemmer` (light_french/french_light),
#     snowball, ngram/edge_ngram, synonym, word_delimiter, html_strip, mapping,
#     keyword/whitespace/pattern tokenizers...; no analysis-icu (icu_*).
#     No mapper-extras: rank_feature, rank_features, scaled_float,
#     search_as_you_type, match_only_text mappings fail. No geo_shape, join,
#     painless (script_score, scripted _update), reindex/_update_by_query/
#     _delete_by_query, ingest processors, ML.
#     No rest-root module: GET / answers 405, so the Python client's es.info()
#     raises and es.ping() returns False -- use es.cluster.health() instead.
#   A production cluster (default distribution / Elastic Cloud) bundles all of
#   these modules; analysis-icu is an official plugin to install there. Code must
#   feature-detect (GET /_nodes/plugins, or a 400 from _analyze) and fall back to
#   standard+lowercase(+stop _french_) analyzers here.
#   Unknown settings (xpack.ml.enabled, ingest.geoip.*) make this node refuse to
#   start, so they are not set. Single node: create indices with
#   number_of_replicas: 0 to get "green" (default 1 replica => "yellow").
#   Python client: elasticsearch==9.5.1 (newest 9.x on PyPI).
# -----------------------------------------------------------------------------
set -euo pipefail

ES_VERSION="9.5.4"
ES_GROUP_PATH="org/elasticsearch/distribution/integ-test-zip/elasticsearch"
ES_MAVEN_COORD="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
MAVEN_CENTRAL="${MAVEN_CENTRAL_URL:-https://repo1.maven.org/maven2}"

ES_PORT="${ES_PORT:-9200}"
ES_HOST="127.0.0.1"
ES_HEAP="${ES_HEAP:-512m}"
ES_CLUSTER_NAME="${ES_CLUSTER_NAME:-dev}"
ES_RUN_USER="${ES_RUN_USER:-elasticsearch}"   # only used when invoked as root
ES_START_TIMEOUT="${ES_START_TIMEOUT:-120}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CACHE_DIR="${ES_CACHE_DIR:-$REPO_ROOT/.cache/elasticsearch}"
ZIP_FILE="$CACHE_DIR/elasticsearch-${ES_VERSION}.zip"
ES_HOME="$CACHE_DIR/elasticsearch-${ES_VERSION}"
CONF_DIR="$CACHE_DIR/config"
DATA_DIR="$CACHE_DIR/data"
LOGS_DIR="$CACHE_DIR/logs"
TMP_DIR="$CACHE_DIR/tmp"
PID_FILE="$CACHE_DIR/elasticsearch.pid"
LOG_FILE="$LOGS_DIR/${ES_CLUSTER_NAME}.log"
URL="http://${ES_HOST}:${ES_PORT}"

log() { printf '[elasticsearch.sh] %s\n' "$*" >&2; }
die() { printf '[elasticsearch.sh] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# --- health ---------------------------------------------------------------------
healthy() {  # $1 = seconds the server may wait for yellow
  local t="${1:-1}"
  curl -fsS -m $((t + 5)) \
    "${URL}/_cluster/health?wait_for_status=yellow&timeout=${t}s" 2>/dev/null \
    | grep -Eq '"status":"(yellow|green)"'
}

port_in_use() {
  (exec 3<>"/dev/tcp/${ES_HOST}/${ES_PORT}") 2>/dev/null
}

read_pid() {
  local pid=""
  [ -r "$PID_FILE" ] && pid="$(tr -dc '0-9' <"$PID_FILE" || true)"
  printf '%s' "$pid"
}

pid_alive() {  # works even if the process belongs to another user
  [ -n "${1:-}" ] && [ -d "/proc/$1" ] && grep -qa 'elasticsearch' "/proc/$1/cmdline" 2>/dev/null
}

tail_log() {
  if [ -r "$LOG_FILE" ]; then
    log "---- last 60 lines of $LOG_FILE ----"
    tail -n 60 "$LOG_FILE" >&2 || true
    log "------------------------------------"
  fi
  [ -r "$TMP_DIR/startup.out" ] && { log "---- startup output ----"; tail -n 30 "$TMP_DIR/startup.out" >&2 || true; }
  return 0
}

# --- java -----------------------------------------------------------------------
java_major() {  # $1 = java home
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

find_java() {
  local cand m
  for cand in "${ES_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2*-jdk* \
              /usr/lib/jvm/java-2*-openjdk* /usr/lib/jvm/*; do
    if [ -z "$cand" ] || [ ! -x "$cand/bin/java" ]; then continue; fi
    m="$(java_major "$cand" || true)"
    if [ -n "$m" ] && [ "$m" -ge 21 ]; then printf '%s' "$cand"; return 0; fi
  done
  return 1
}

# --- provisioning ---------------------------------------------------------------
download_zip() {
  [ -s "$ZIP_FILE" ] && return 0
  mkdir -p "$CACHE_DIR"
  local part="$ZIP_FILE.part" m2="${HOME:-/root}/.m2/repository/${ES_GROUP_PATH}/${ES_VERSION}/elasticsearch-${ES_VERSION}.zip"
  rm -f "$part"
  if [ -s "$m2" ]; then
    log "using $m2 from the local Maven repository"
    cp "$m2" "$part"
  else
    log "downloading Elasticsearch ${ES_VERSION} (integ-test-zip, ~130 MB) from Maven Central ..."
    if ! curl -fsSL --retry 3 --connect-timeout 20 -m 900 -o "$part" \
         "${MAVEN_CENTRAL}/${ES_GROUP_PATH}/${ES_VERSION}/elasticsearch-${ES_VERSION}.zip"; then
      log "plain HTTPS download failed, trying mvn dependency:copy ..."
      rm -f "$part"
      command -v mvn >/dev/null || die "cannot download $ES_MAVEN_COORD: curl failed and mvn is not installed"
      local mdir="$CACHE_DIR/mvn-download"
      rm -rf "$mdir"
      mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
          -Dartifact="$ES_MAVEN_COORD" -DoutputDirectory="$mdir" >&2 \
        || die "mvn dependency:copy of $ES_MAVEN_COORD failed"
      mv "$mdir/elasticsearch-${ES_VERSION}.zip" "$part"
      rm -rf "$mdir"
    fi
  fi
  unzip -tqq "$part" >/dev/null || { rm -f "$part"; die "downloaded zip is corrupt: $part"; }
  mv "$part" "$ZIP_FILE"
}

unpack() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && [ -f "$ES_HOME/.unpacked" ] && return 0
  log "unpacking $ZIP_FILE ..."
  local stage="$CACHE_DIR/.unpack.$$"
  rm -rf "$stage" "$ES_HOME"
  mkdir -p "$stage"
  unzip -q "$ZIP_FILE" -d "$stage"
  mv "$stage/elasticsearch-${ES_VERSION}" "$ES_HOME"
  rm -rf "$stage"
  touch "$ES_HOME/.unpacked"
}

write_config() {
  mkdir -p "$CONF_DIR" "$DATA_DIR" "$LOGS_DIR" "$TMP_DIR"
  # jvm.options, log4j2.properties, ... from the distribution (never overwrite the keystore)
  local f
  for f in jvm.options log4j2.properties role_mapping.yml roles.yml users users_roles; do
    [ -e "$ES_HOME/config/$f" ] && cp -f "$ES_HOME/config/$f" "$CONF_DIR/$f"
  done
  mkdir -p "$CONF_DIR/jvm.options.d"
  # Regenerated on every start so a changed ES_PORT is honoured.
  cat >"$CONF_DIR/elasticsearch.yml" <<EOF
# Generated by scripts/services/elasticsearch.sh -- do not edit, edit the script.
cluster.name: ${ES_CLUSTER_NAME}
node.name: ${ES_CLUSTER_NAME}-node-1
path.data: ${DATA_DIR}
path.logs: ${LOGS_DIR}
network.host: ${ES_HOST}
http.port: ${ES_PORT}
transport.port: 0
discovery.type: single-node
# dev/CI only: no TLS, no auth
xpack.security.enabled: false
# never flip indices to read-only because the disk is "full"
cluster.routing.allocation.disk.threshold_enabled: false
# let tests delete indices with wildcards
action.destructive_requires_name: false
EOF
}

ensure_run_user() {
  # prints the user to run ES as ("" = current user)
  if ! is_root; then printf ''; return 0; fi
  if ! id -u "$ES_RUN_USER" >/dev/null 2>&1; then
    log "creating system user '$ES_RUN_USER' (Elasticsearch refuses to run as root)"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      --user-group "$ES_RUN_USER" >&2 2>/dev/null \
      || useradd --system -M -d /nonexistent -s /bin/false "$ES_RUN_USER" >&2 \
      || die "could not create user '$ES_RUN_USER'; set ES_RUN_USER to an existing unprivileged user"
  fi
  [ "$(id -u "$ES_RUN_USER")" -ne 0 ] || die "ES_RUN_USER='$ES_RUN_USER' is root; Elasticsearch refuses to run as root"
  printf '%s' "$ES_RUN_USER"
}

ensure_traversable() {  # root only: the run user needs +x on every ancestor of the cache
  local user="$1" d="$CACHE_DIR"
  runuser -u "$user" -- test -x "$CACHE_DIR" 2>/dev/null && return 0
  while [ "$d" != "/" ]; do
    d="$(dirname "$d")"
    if ! runuser -u "$user" -- test -x "$d" 2>/dev/null; then
      log "granting o+x (traverse only) on $d so that '$user' can reach $CACHE_DIR"
      chmod o+x "$d"
    fi
  done
  runuser -u "$user" -- test -x "$CACHE_DIR" || die "user '$user' cannot access $CACHE_DIR"
}

# --- commands -------------------------------------------------------------------
cmd_start() {
  if healthy 2; then
    log "already running and healthy at $URL"
    printf '%s\n' "$URL"
    return 0
  fi
  local oldpid; oldpid="$(read_pid)"
  if pid_alive "$oldpid"; then
    local oldport
    oldport="$(sed -n 's/^http\.port: *//p' "$CONF_DIR/elasticsearch.yml" 2>/dev/null || true)"
    if [ -n "$oldport" ] && [ "$oldport" != "$ES_PORT" ]; then
      die "a node from $CACHE_DIR is already running on port $oldport (pid $oldpid); run '$0 stop' first"
    fi
    log "pid $oldpid is running but not (yet) healthy; waiting for it ..."
  else
    if port_in_use; then
      die "port ${ES_PORT} on ${ES_HOST} is in use by something that is not a healthy Elasticsearch (set ES_PORT?)"
    fi
    command -v curl >/dev/null || die "curl is required"
    command -v unzip >/dev/null || die "unzip is required (apt-get install -y unzip)"
    local java_home
    java_home="$(find_java)" || die "no JDK >= 21 found (Elasticsearch ${ES_VERSION} needs one). Install Temurin 21+/25 or set ES_JAVA_HOME. Found in /usr/lib/jvm: $(cd /usr/lib/jvm 2>/dev/null && echo * || echo none)"

    if ! is_root && [ -e "$CACHE_DIR" ] && [ ! -w "$CACHE_DIR" ]; then
      die "$CACHE_DIR is not writable by $(id -un) (was it provisioned by root for user '$ES_RUN_USER'?). Run as root, or as '$ES_RUN_USER', or set ES_CACHE_DIR"
    fi
    download_zip
    unpack
    write_config
    rm -f "$PID_FILE" "$TMP_DIR/startup.out"

    local user; user="$(ensure_run_user)"
    if [ -n "$user" ]; then
      chown -R "$user:" "$CACHE_DIR"
      ensure_traversable "$user"
    fi

    log "starting Elasticsearch ${ES_VERSION} on ${URL} (JDK: ${java_home}, heap ${ES_HEAP}${user:+, user $user})"
    local -a envs=(
      env -u JAVA_HOME -u JAVA_TOOL_OPTIONS -u _JAVA_OPTIONS -u JAVA_OPTS
      HOME="$CACHE_DIR"
      ES_JAVA_HOME="$java_home"
      ES_PATH_CONF="$CONF_DIR"
      ES_TMPDIR="$TMP_DIR"
      ES_JAVA_OPTS="-Xms${ES_HEAP} -Xmx${ES_HEAP} ${ES_EXTRA_JAVA_OPTS:-}"
    )
    local -a run=()
    [ -n "$user" ] && run=(runuser -u "$user" --)
    # `bin/elasticsearch -d` returns once the node is started (or failed); bound it.
    local rc=0
    ( cd "$CACHE_DIR" && exec timeout -k 10 "$ES_START_TIMEOUT" "${run[@]}" "${envs[@]}" \
        "$ES_HOME/bin/elasticsearch" -d -p "$PID_FILE" ) >"$TMP_DIR/startup.out" 2>&1 </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
      tail_log
      local pid; pid="$(read_pid)"
      if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; rm -f "$PID_FILE"; fi
      [ "$rc" -eq 124 ] && die "Elasticsearch did not start within ${ES_START_TIMEOUT}s (killed it); see $LOG_FILE"
      die "bin/elasticsearch -d exited with status $rc; see $LOG_FILE and $TMP_DIR/startup.out"
    fi
  fi

  local deadline=$((SECONDS + ES_START_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if healthy 2; then
      log "Elasticsearch is up (pid $(read_pid)) after ${SECONDS}s"
      printf '%s\n' "$URL"
      return 0
    fi
    local pid; pid="$(read_pid)"
    if [ -n "$pid" ] && ! pid_alive "$pid"; then
      tail_log
      die "Elasticsearch (pid $pid) died during startup"
    fi
    sleep 1
  done
  tail_log
  die "Elasticsearch did not reach yellow at ${URL} within ${ES_START_TIMEOUT}s (pid file: $PID_FILE)"
}

cmd_stop() {
  local pid; pid="$(read_pid)"
  if ! pid_alive "$pid"; then
    rm -f "$PID_FILE" 2>/dev/null || true
    if healthy 1; then
      log "an Elasticsearch answers at $URL but it was not started by this script (no live pid in $PID_FILE); not touching it"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping Elasticsearch (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || die "cannot signal pid $pid (started by another user? run as root)"
  local _
  for _ in $(seq 1 60); do
    pid_alive "$pid" || { rm -f "$PID_FILE" 2>/dev/null || true; log "stopped"; return 0; }
    sleep 1
  done
  log "still alive after 60s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
  rm -f "$PID_FILE" 2>/dev/null || true
  log "killed"
}

cmd_status() {
  if healthy 1; then
    log "healthy at $URL (pid $(read_pid))"
    printf '%s\n' "$URL"
    return 0
  fi
  log "not healthy/not running at $URL"
  return 1
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  *) die "usage: $0 [start|stop|restart|status]" ;;
esac
