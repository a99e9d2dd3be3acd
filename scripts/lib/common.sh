# shellcheck shell=bash disable=SC2034 # (variables are used by the scripts that source this)
# Shared helpers for scripts/setup, scripts/stack and
# temporal/test-server/temporal-test-server: paths, versions, ports, logging,
# waits. Sourcing this file only defines variables and functions; it starts
# nothing and sets no shell options (each caller sets its own).

# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

# Repo root = the directory holding scripts/. Computed from this file's own
# location, because CI runs from a fresh clone in another folder.
KV_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)"

# Tools we download or build, keyed by version: outside the clone, so every
# clone on this machine reuses them (a new machine rebuilds them).
KV_CACHE="${KV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvartirnsk}"

# Data and logs of one run of the stack. Overridable, e.g. per CI run.
KV_DATA="${KV_DATA:-$KV_ROOT/.data}"

# Unpacked Elasticsearch must be readable by its non-root user, and the cache
# may sit under a 0700 home (/root), so it lives here instead.
KV_OPT="${KV_OPT:-/opt/kvartirnsk}"

# Absolute paths only: the scripts change directory (e.g. to somewhere the
# postgres user may enter) before using them.
[[ $KV_CACHE == /* ]] || KV_CACHE="$PWD/$KV_CACHE"
[[ $KV_DATA == /* ]] || KV_DATA="$PWD/$KV_DATA"
[[ $KV_OPT == /* ]] || KV_OPT="$PWD/$KV_OPT"
KV_LOGS="$KV_DATA/logs"
KV_PIDS="$KV_DATA/pids"

# Go lives in /usr/local/go on these machines; make sure it is on PATH even
# when the caller's environment was trimmed.
if [[ -d /usr/local/go/bin && ":$PATH:" != *":/usr/local/go/bin:"* ]]; then
  PATH="/usr/local/go/bin:$PATH"
fi

# ---------------------------------------------------------------------------
# Versions (one place; setup caches by these, stack runs these)
# ---------------------------------------------------------------------------

# Newest CLI release whose go.mod has no replace directives (see TOOLCHAIN.md).
KV_TEMPORAL_VERSION=1.5.1
# Newest tag listed by `go list -m -versions github.com/stripe/stripe-mock`.
KV_STRIPE_MOCK_VERSION=0.203.0
KV_FERRETDB_VERSION=1.24.2
# SMTP catcher with a JSON API: where the stack's mail goes (its web UI needs an npm build the registry
# cannot serve today, so read mail through the API: GET /api/v1/messages).
KV_MAILPIT_VERSION=1.33.1
# Maven Central serves the integ-test-zip only up to 8.19.x (no 9.x release
# of org.elasticsearch.distribution.integ-test-zip:elasticsearch exists there).
# The JS client must therefore be @elastic/elasticsearch 8.x.
KV_ES_VERSION=8.19.21
# Newest io.temporal:temporal-test-server on Maven Central.
KV_TESTSERVER_VERSION=1.38.0
KV_PG_MAJOR=15

KV_TEMPORAL_BIN="$KV_CACHE/bin/temporal-$KV_TEMPORAL_VERSION/temporal"
KV_STRIPE_MOCK_BIN="$KV_CACHE/bin/stripe-mock-$KV_STRIPE_MOCK_VERSION/stripe-mock"
KV_FERRETDB_BIN="$KV_CACHE/bin/ferretdb-$KV_FERRETDB_VERSION/ferretdb"
KV_MAILPIT_BIN="$KV_CACHE/bin/mailpit-$KV_MAILPIT_VERSION/mailpit"
KV_ES_HOME="$KV_OPT/elasticsearch-$KV_ES_VERSION"
KV_TESTSERVER_DIR="$KV_CACHE/temporal-test-server-$KV_TESTSERVER_VERSION"
KV_TESTSERVER_CLASSPATH="$KV_TESTSERVER_DIR/classpath"
KV_TESTSERVER_CDS_ARCHIVE="$KV_TESTSERVER_DIR/classes.jsa"
KV_PG_BIN="/usr/lib/postgresql/$KV_PG_MAJOR/bin"

# Non-root system user that runs Elasticsearch (it refuses to run as root).
KV_ES_USER=kvartirnsk-es

# ---------------------------------------------------------------------------
# Ports (everything binds 127.0.0.1)
# ---------------------------------------------------------------------------

KV_TEMPORAL_PORT="${KV_TEMPORAL_PORT:-7233}"
KV_TEMPORAL_UI_PORT="${KV_TEMPORAL_UI_PORT:-8233}"
KV_PG_PORT="${KV_PG_PORT:-5432}"
KV_MONGO_PORT="${KV_MONGO_PORT:-27017}"
KV_ES_PORT="${KV_ES_PORT:-9200}"
KV_REDIS_PORT="${KV_REDIS_PORT:-6379}"
KV_RABBIT_PORT="${KV_RABBIT_PORT:-5672}"
KV_RABBIT_MGMT_PORT="${KV_RABBIT_MGMT_PORT:-15672}"
KV_STRIPE_PORT="${KV_STRIPE_PORT:-12111}"
KV_SMTP_PORT="${KV_SMTP_PORT:-1025}"
KV_MAILPIT_PORT="${KV_MAILPIT_PORT:-8025}"

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------

# One line per step, e.g. "==> temporal cli: building from Go modules".
kv_step() { printf '==> %s\n' "$*"; }
kv_info() { printf '    %s\n' "$*"; }
kv_warn() { printf 'WARNING: %s\n' "$*" >&2; }

# Print the last lines of a log file to stderr, framed.
kv_log_tail() {
  local log=$1 lines=${2:-40}
  if [[ -s $log ]]; then
    printf -- '---- last %s lines of %s ----\n' "$lines" "$log" >&2
    tail -n "$lines" "$log" >&2
    printf -- '---- end of %s ----\n' "$log" >&2
  elif [[ -n $log ]]; then
    printf '(log %s is empty or missing)\n' "$log" >&2
  fi
}

# kv_die MESSAGE [LOG]: print an error naming what failed (plus the log tail)
# and exit 1.
kv_die() {
  printf 'ERROR: %s\n' "$1" >&2
  [[ -n ${2:-} ]] && kv_log_tail "$2"
  exit 1
}

# kv_run LOG CMD...: run CMD with its output appended to LOG. Prints a
# heartbeat every minute so long builds show life in CI output. Returns CMD's
# exit code (callers decide whether to die).
kv_run() {
  local log=$1; shift
  mkdir -p "$(dirname "$log")"
  printf '\n===== %s: %s\n' "$(date -Is)" "$*" >>"$log"
  "$@" >>"$log" 2>&1 </dev/null &
  local pid=$! start=$SECONDS next=60 rc=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( SECONDS - start >= next )); then
      kv_info "... still running ($(( SECONDS - start ))s; log: $log)"
      next=$(( next + 60 ))
    fi
  done
  wait "$pid" || rc=$?
  return "$rc"
}

# ---------------------------------------------------------------------------
# Waits and probes
# ---------------------------------------------------------------------------

# True when something accepts TCP connections on 127.0.0.1:PORT.
kv_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Describe who listens on PORT (for "port busy" errors).
kv_port_owner() {
  ss -ltnpH "sport = :$1" 2>/dev/null \
    | sed -nE 's/.*users:\(\("([^"]*)",pid=([0-9]+).*/\1 (pid \2)/p' | head -n1
}

# kv_wait_until TIMEOUT_SECONDS CMD...: retry CMD (quietly) until it succeeds
# or the timeout passes. Returns 1 on timeout.
kv_wait_until() {
  local timeout=$1; shift
  local deadline=$(( SECONDS + timeout ))
  while (( SECONDS < deadline )); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  "$@" >/dev/null 2>&1
}

# True when PID (number) is a live process. A zombie counts as dead: our
# daemons are reparented to pid 1, which may reap them only seconds later.
kv_pid_alive() {
  [[ -n ${1:-} && $1 =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }" # fields after "(comm) "; the first is the state
  [[ ${stat:0:1} != Z ]]
}

# PID stored in a pid file, or nothing.
kv_pid_from() {
  if [[ -s $1 ]]; then head -n1 "$1" | tr -dc '0-9'; fi
  return 0
}

# ---------------------------------------------------------------------------
# Per-run directories for services that run as non-root users
# ---------------------------------------------------------------------------

# Postgres and Elasticsearch run as their own users, which cannot reach a
# clone under a 0700 directory such as /root. Their data lives under
# /var/tmp/kvartirnsk/<short hash of the real KV_DATA path>, one per data dir,
# and $KV_DATA/<name> is a symlink to it.
kv_shared_dir() {
  local real hash
  real="$(readlink -m "$KV_DATA")"
  hash="$(printf '%s' "$real" | sha256sum | cut -c1-12)"
  printf '%s/%s\n' "${KV_SHARED_BASE:-/var/tmp/kvartirnsk}" "$hash"
}

# Java for Elasticsearch 8.19 (needs >= 17): Temurin 25 where present, else
# the newest JDK under /usr/lib/jvm, else the default java's home.
kv_es_java_home() {
  local d
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25*; do
    [[ -x $d/bin/java ]] && { printf '%s\n' "$d"; return 0; }
  done
  for d in $(printf '%s\n' /usr/lib/jvm/*/ | sort -rV); do
    d=${d%/}
    [[ -x $d/bin/java ]] && { printf '%s\n' "$d"; return 0; }
  done
  d="$(readlink -f "$(command -v java)" 2>/dev/null)" && printf '%s\n' "${d%/bin/java}"
}
