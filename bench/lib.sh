# Shared helpers of the Herald benchmark scripts (sourced, not run). Bash 5.
#
# Nothing here evaluates user input: options are parsed into variables, commands are built as arrays.
# Every server, database and temporary directory a script creates is removed by its EXIT trap.

set -Eeuo pipefail
trap 'echo "bench: command failed (status $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HERALD_ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS_DIR="$BENCH_DIR/results"
DOC_FILE="$HERALD_ROOT/docs/benchmarks.md"

# ---- defaults of the options every script understands ------------------------------------------------------------
OPT_JAR="$HERALD_ROOT/target/herald.jar"
OPT_BUILD=0
OPT_PIN=0
OPT_PORT=28080
OPT_PORT_SET=0
OPT_RECORD=0
OPT_KEEP=0
OPT_PROFILE=0
OPT_JAVA_OPTS="-XX:+UseG1GC"
OPT_PG_HOST=127.0.0.1
OPT_PG_PORT=5432
OPT_PG_USER=postgres
OPT_H2_SUFFIX=""
OPT_ENV=()

BENCH_API_KEY="bench-api-key-0123456789abcdef"
BENCH_CLIENT_SECRET="bench-client-secret-0123456789abcdef0123456789"

COMMON_USAGE="Common options:
  --jar PATH          Herald jar to run (default target/herald.jar; its lib/ must sit next to it). The jar and
                      lib/ are copied to a temporary directory first, so a rebuild during the run changes nothing.
  --build             build the committed HEAD first (git archive HEAD into the temporary directory, then
                      ./mvnw -B -q -DskipTests package there) and run that jar; target/ is left alone
  --pin               pin the server to core 0 (taskset -c 0) and the load tool to core 1 (taskset -c 1);
                      PostgreSQL itself is never pinned
  --java-opts 'OPTS'  JVM options of the server, split on spaces (default '$OPT_JAVA_OPTS'; set the GC
                      explicitly: pinned to one core the JVM would otherwise pick Serial GC)
  --env NAME=VALUE    extra server environment, repeatable; NAME must be HERALD_* (e.g. HERALD_DB_POOL_SIZE=32,
                      HERALD_QUEUE_CONCURRENCY=128, HERALD_QUEUE_BATCH_SIZE=64)
  --h2-url-suffix S   H2 runs: use HERALD_DB_URL=jdbc:h2:file:<data dir>/herald<S> instead of Herald's default URL
                      (which ends ;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE), e.g. ';WRITE_DELAY=100;DB_CLOSE_ON_EXIT=FALSE'
  --port N            HTTP port of the server on 127.0.0.1 (default: the first free one from $OPT_PORT)
  --pg-host H --pg-port N --pg-user U   PostgreSQL to use (default 127.0.0.1:5432, postgres, trust auth)
  --record            append the result block to docs/benchmarks.md (it is always written to bench/results/)
  --profile           record a JFR profile of the server during the measurement; prints the hottest frames
  --keep              keep the temporary directory (server logs, data dirs) for inspection
  -h, --help          this text"

die() { echo "bench: $*" >&2; exit 2; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Parses one common option at "$1" (with its value in "$2"); sets COMMON_SHIFT to the words consumed (0: not common).
COMMON_SHIFT=0
parse_common() {
  COMMON_SHIFT=0
  case "$1" in
    --jar) [ $# -ge 2 ] || die "--jar needs a path"; OPT_JAR=$2; COMMON_SHIFT=2 ;;
    --build) OPT_BUILD=1; COMMON_SHIFT=1 ;;
    --pin) OPT_PIN=1; COMMON_SHIFT=1 ;;
    --java-opts) [ $# -ge 2 ] || die "--java-opts needs a value"; OPT_JAVA_OPTS=$2; COMMON_SHIFT=2 ;;
    --port) [ $# -ge 2 ] || die "--port needs a number"; OPT_PORT=$(need_int "$1" "$2"); OPT_PORT_SET=1; COMMON_SHIFT=2 ;;
    --pg-host) [ $# -ge 2 ] || die "--pg-host needs a value"; OPT_PG_HOST=$2; COMMON_SHIFT=2 ;;
    --pg-port) [ $# -ge 2 ] || die "--pg-port needs a number"; OPT_PG_PORT=$(need_int "$1" "$2"); COMMON_SHIFT=2 ;;
    --pg-user) [ $# -ge 2 ] || die "--pg-user needs a value"; OPT_PG_USER=$2; COMMON_SHIFT=2 ;;
    --env) [ $# -ge 2 ] || die "--env needs NAME=VALUE"
      [[ "$2" =~ ^HERALD_[A-Z0-9_]+=.*$ ]] || die "--env takes HERALD_NAME=VALUE, got '$2'"
      OPT_ENV+=("$2"); COMMON_SHIFT=2 ;;
    --h2-url-suffix) [ $# -ge 2 ] || die "--h2-url-suffix needs a value"
      [[ "$2" =~ ^(\;[A-Z_]+=[A-Za-z0-9_]+)*$ ]] || die "--h2-url-suffix takes ;KEY=VALUE settings, got '$2'"
      OPT_H2_SUFFIX=$2; COMMON_SHIFT=2 ;;
    --record) OPT_RECORD=1; COMMON_SHIFT=1 ;;
    --keep) OPT_KEEP=1; COMMON_SHIFT=1 ;;
    --profile) OPT_PROFILE=1; COMMON_SHIFT=1 ;;
  esac
}

need_int() {
  [[ "$2" =~ ^[0-9]+$ ]] || die "$1 needs a whole number, got '$2'"
  echo "$2"
}

# The command line as typed, quoted so that it can be pasted back into a shell (relative to the repository root).
command_line() {
  local script=$1; shift
  local out="bench/$(basename "$script")" a
  for a in "$@"; do out+=" $(printf '%q' "$a")"; done
  if [ -n "${HERALD_BENCH_COMMAND:-}" ]; then
    echo "\`${HERALD_BENCH_COMMAND}\` (this part: \`$out\`)"
  else
    echo "\`$out\`"
  fi
}

# ---- set-up ------------------------------------------------------------------------------------------------------
# Selects a JDK >= 21 (scripts/java-home.sh), optionally builds, snapshots the jar, makes the work directory.
bench_setup() {
  local name=$1
  [ -r /proc/loadavg ] || die "needs Linux /proc"
  # shellcheck source=../scripts/java-home.sh
  . "$HERALD_ROOT/scripts/java-home.sh"
  JAVA="$JAVA_HOME/bin/java"
  JCMD="$JAVA_HOME/bin/jcmd"
  JFR="$JAVA_HOME/bin/jfr"
  read -r -a JAVA_OPTS_ARR <<<"$OPT_JAVA_OPTS"
  command -v curl >/dev/null || die "curl is required"
  if [ "$OPT_PIN" = 1 ]; then
    command -v taskset >/dev/null || die "--pin needs taskset (util-linux)"
    [ "$(nproc)" -ge 2 ] || die "--pin needs at least 2 cores"
    SERVER_PIN=(taskset -c 0)
    LOAD_PIN=(taskset -c 1)
  else
    SERVER_PIN=()
    LOAD_PIN=()
  fi
  WORK=$(mktemp -d "/tmp/herald-bench-$name.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  GIT_REV=${HERALD_BENCH_JAR_COMMIT:-$(git -C "$HERALD_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}
  GIT_DIRTY=$(git -C "$HERALD_ROOT" status --porcelain -- src/main pom.xml 2>/dev/null | wc -l)
  if [ "$OPT_BUILD" = 1 ]; then
    log "building commit $GIT_REV (git archive $GIT_REV) in $WORK/src: ./mvnw -B -q -DskipTests package"
    mkdir -p "$WORK/src"
    git -C "$HERALD_ROOT" archive "$GIT_REV" | tar -x -C "$WORK/src"
    (cd "$WORK/src" && ./mvnw -B -q -DskipTests package) >&2
    OPT_JAR="$WORK/src/target/herald.jar"
    GIT_DIRTY=0
  fi
  [ -f "$OPT_JAR" ] || die "no jar at $OPT_JAR (build it: cd $HERALD_ROOT && . scripts/java-home.sh && ./mvnw -B -q -DskipTests package)"
  [ -d "$(dirname "$OPT_JAR")/lib" ] || die "no lib/ next to $OPT_JAR"
  mkdir -p "$WORK/app"
  cp "$OPT_JAR" "$WORK/app/herald.jar"
  cp -r "$(dirname "$OPT_JAR")/lib" "$WORK/app/lib"
  JAR="$WORK/app/herald.jar"
  JAR_SHA=$(sha256sum "$JAR" | cut -c1-12)
  JAR_TIME=$(date -u -r "$OPT_JAR" +%Y-%m-%dT%H:%M:%SZ)
  RUN_STAMP=$(date -u +%Y%m%dT%H%M%SZ)
  RUN_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  SERVER_PID=""
  CREATED_DBS=()
  mkdir -p "$RESULTS_DIR"
  LOAD_BEFORE=$(loadavg)
  log "work directory $WORK; load average $LOAD_BEFORE"
}

bench_cleanup() {
  local rc=$?
  set +e
  [ -n "${SERVER_PID:-}" ] && stop_server
  local db
  for db in "${CREATED_DBS[@]:-}"; do
    [ -n "$db" ] && dropdb -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" --if-exists --force "$db" 2>/dev/null
  done
  if [ "${OPT_KEEP:-0}" = 1 ]; then
    log "kept $WORK"
  elif [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    rm -rf "$WORK"
  fi
  exit "$rc"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

machine_line() {
  local cpu jdk mem
  cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*:[[:space:]]*//')
  jdk=$("$JAVA" -version 2>&1 | sed -n '2p')
  mem=$(awk '/^MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)
  echo "nproc $(nproc), CPU \"$cpu\", $mem RAM, $(uname -sr); JDK: $jdk"
}

build_line() {
  local dirty="working tree: src/main and pom.xml as committed"
  [ "$GIT_DIRTY" -gt 0 ] && dirty="working tree: $GIT_DIRTY uncommitted change(s) in src/main or pom.xml, the jar may include them"
  { [ "$OPT_BUILD" = 1 ] || [ "${HERALD_BENCH_JAR_FROM_HEAD:-0}" = 1 ]; } && dirty="built from git archive HEAD by --build"
  local extra=""
  [ ${#OPT_ENV[@]} -gt 0 ] && extra="; extra server environment: \`${OPT_ENV[*]}\`"
  [ -n "$OPT_H2_SUFFIX" ] && extra+="; H2 URL suffix \`$OPT_H2_SUFFIX\`"
  echo "commit $GIT_REV ($dirty); jar built $JAR_TIME, sha256 $JAR_SHA$extra"
}

pin_line() {
  if [ "$OPT_PIN" = 1 ]; then echo "server on core 0, load tool on core 1 (taskset); PostgreSQL unpinned"
  else echo "none (server, load tool and PostgreSQL share all cores)"; fi
}

# ---- PostgreSQL --------------------------------------------------------------------------------------------------
pg_ready() {
  command -v psql >/dev/null || die "psql is required for PostgreSQL runs"
  psql -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" -d postgres -Atqc 'SELECT 1' >/dev/null \
    || die "PostgreSQL not reachable at $OPT_PG_HOST:$OPT_PG_PORT as $OPT_PG_USER"
}

# Creates a fresh database, dropped again on exit. Names are made here (never from input).
pg_create_db() {
  local name=$1
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name $name"
  dropdb -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" --if-exists --force "$name" 2>/dev/null || true
  createdb -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" "$name"
  CREATED_DBS+=("$name")
}

pg_drop_db() {
  local name=$1 i
  dropdb -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" --if-exists --force "$name"
  for i in "${!CREATED_DBS[@]}"; do [ "${CREATED_DBS[$i]}" = "$name" ] && unset 'CREATED_DBS[$i]'; done
  CREATED_DBS=("${CREATED_DBS[@]:-}")
}

psql_db() {
  local db=$1; shift
  psql -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" -d "$db" -v ON_ERROR_STOP=1 -Atq "$@"
}

# pg_counters DB -> "xact_commit tup_returned tup_fetched tup_inserted tup_updated" of the database (pg_stat_database;
# other backends flush their counts within about a second)
pg_counters() {
  psql_db "$1" -F' ' -c "SELECT xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated FROM pg_stat_database
    WHERE datname = current_database()"
}

# pg_per_op "BEFORE" "AFTER" OPS -> what PostgreSQL did per operation between two pg_counters readings
pg_per_op() {
  local b=($1) a=($2)
  awk -v ops="$3" -v c=$((a[0] - b[0])) -v r=$((a[1] - b[1])) -v f=$((a[2] - b[2])) -v i=$((a[3] - b[3])) -v u=$((a[4] - b[4])) \
    'BEGIN { if (ops <= 0) { print "n/a"; exit }
             printf "%.2f commits, %.1f rows scanned (tup_returned), %.1f rows fetched, %.2f inserted, %.2f updated\n",
               c / ops, r / ops, f / ops, i / ops, u / ops }'
}

pg_settings_line() {
  psql_db postgres -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync','synchronous_commit','shared_buffers','max_connections','commit_delay','wal_level')" 2>/dev/null \
    | sed "s/^/PostgreSQL $(psql_db postgres -c 'SHOW server_version' 2>/dev/null | cut -d' ' -f1): /"
}

# ---- the server --------------------------------------------------------------------------------------------------
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_server LABEL DATA_DIR [NAME=VALUE ...]: starts `java -jar herald.jar serve` in the background with the
# benchmark environment (plus the given variables); sets SERVER_PID, SERVER_LOG, SERVER_T0 (EPOCHREALTIME at exec).
start_server() {
  local label=$1 data=$2; shift 2
  if [ "$OPT_PORT_SET" = 0 ]; then
    while ! port_free "$OPT_PORT"; do OPT_PORT=$((OPT_PORT + 1)); done
  fi
  port_free "$OPT_PORT" || die "port $OPT_PORT is in use (choose another with --port)"
  SERVER_LOG="$WORK/server-$label.log"
  local envs=(HERALD_HTTP_HOST=127.0.0.1 HERALD_PORT="$OPT_PORT" HERALD_DATA_DIR="$data"
    HERALD_API_KEY="$BENCH_API_KEY" HERALD_CLIENT_SECRET="$BENCH_CLIENT_SECRET" HERALD_QUEUE_SHUTDOWN_GRACE=5s)
  [ -n "$OPT_H2_SUFFIX" ] && envs+=(HERALD_DB_URL="jdbc:h2:file:$data/herald$OPT_H2_SUFFIX")
  envs+=("$@" "${OPT_ENV[@]}")
  SERVER_T0=$EPOCHREALTIME
  ( exec env "${envs[@]}" "${SERVER_PIN[@]}" "$JAVA" "${JAVA_OPTS_ARR[@]}" -jar "$JAR" serve >"$SERVER_LOG" 2>&1 ) &
  SERVER_PID=$!
}

# Waits until GET /health/ready answers 200; dies (with the log tail) when the server exits or after $1 seconds.
wait_ready() {
  local limit=${1:-60} start=$SECONDS
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$OPT_PORT/health/ready")" = 200 ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -n 30 "$SERVER_LOG" >&2; SERVER_PID=""; die "server exited during start-up"
    fi
    [ $((SECONDS - start)) -lt "$limit" ] || { tail -n 30 "$SERVER_LOG" >&2; die "server not ready after ${limit}s"; }
    sleep 0.05
  done
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  local i
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for i in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    log "server $SERVER_PID did not stop in 30 s; killing it"
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

api() { # api METHOD PATH [curl args...] -> body on stdout
  local method=$1 path=$2; shift 2
  curl -sS -X "$method" -H "Authorization: Bearer $BENCH_API_KEY" "$@" "http://127.0.0.1:$OPT_PORT$path"
}

# Value of a Prometheus counter/gauge (sum over series whose line contains every given filter), 0 when absent.
metric_sum() {
  local name=$1; shift
  api GET /metrics | awk -v name="$name" -v filters="$*" '
    BEGIN { n = split(filters, f, " ") }
    $0 !~ /^#/ && (index($0, name "{") == 1 || index($0, name " ") == 1) {
      ok = 1; for (i = 1; i <= n; i++) if (index($0, f[i]) == 0) ok = 0
      if (ok) s += $NF
    }
    END { printf "%.0f\n", s }'
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---- CPU accounting: how much of the machine other people's work took during a measurement ------------------------
# cpu_sample PID... -> "epoch_seconds busy_jiffies_total ours_jiffies first_pid_jiffies postgres_jiffies" where ours =
# the given processes plus PostgreSQL's processes serving one of our databases and its WAL writer, background writer
# and checkpointer. One pgrep per kind and one awk over the stat files: fast enough to take mid-run.
cpu_sample() {
  local dbs="" d pg=() p files=()
  for d in ${CREATED_DBS[*]:-}; do dbs+="${dbs:+|}$d"; done
  mapfile -t pg < <(pgrep -f '^postgres: .*(walwriter|background writer|checkpointer)' 2>/dev/null
                    [ -n "$dbs" ] && pgrep -f "^postgres: .* ($dbs) " 2>/dev/null)
  for p in "$@" "${pg[@]}"; do files+=("/proc/$p/stat"); done
  { head -n1 /proc/stat; cat "${files[@]}" 2>/dev/null || true; } | awk -v t="$EPOCHREALTIME" -v first="${1:-0}" -v given=" $* " '
    NR == 1 { total = $2 + $3 + $4 + $7 + $8 + $9; next }
    { pid = $1; sub(/^.*\) /, ""); j = $12 + $13
      if (index(given, " " pid " ")) { ours += j; if (pid == first) f = j } else pg += j }
    END { printf "%s %d %d %d %d\n", t, total, ours + pg, f, pg }'
}

cpu_window() { # seconds between two samples
  awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { printf "%.3f\n", b - a }'
}

# cpu_foreign "SAMPLE_BEFORE" "SAMPLE_AFTER" -> percent of all cores used by processes not in the benchmark
cpu_foreign() {
  local b=($1) a=($2)
  awk -v s="$(cpu_window "$1" "$2")" -v t=$((a[1] - b[1])) -v o=$((a[2] - b[2])) -v n="$(nproc)" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { f = (t - o) / (s * n * hz) * 100; if (f < 0) f = 0; printf "%.0f%%\n", f }'
}

# cpu_per_op "SAMPLE_BEFORE" "SAMPLE_AFTER" OPS WHAT -> CPU milliseconds per operation of the first given process
# (WHAT=first) or of PostgreSQL (WHAT=pg) between the samples: a figure that other load on the machine hardly changes.
cpu_per_op() {
  local b=($1) a=($2) i=3
  [ "$4" = pg ] && i=4
  awk -v d=$((a[i] - b[i])) -v ops="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (ops <= 0) print "n/a"; else printf "%.2f\n", d / hz * 1000 / ops }'
}

# ---- profiling ---------------------------------------------------------------------------------------------------
jfr_start() { # jfr_start SECONDS LABEL
  [ "$OPT_PROFILE" = 1 ] || return 0
  JFR_FILE="$WORK/$2.jfr"
  "$JCMD" "$SERVER_PID" JFR.start name=bench settings=profile duration="${1}s" filename="$JFR_FILE" >/dev/null
}

jfr_report() { # jfr_report LABEL: where the server's CPU samples fall, into bench/results/<stamp>-LABEL-profile.txt
  [ "$OPT_PROFILE" = 1 ] || return 0
  local out="$RESULTS_DIR/$RUN_STAMP-$1-profile.txt" txt="$WORK/$1-samples.txt" i
  for i in $(seq 1 100); do [ -s "$JFR_FILE" ] && break; sleep 0.2; done
  [ -s "$JFR_FILE" ] || { "$JCMD" "$SERVER_PID" JFR.dump name=bench filename="$JFR_FILE" >/dev/null 2>&1 || true; }
  cp "$JFR_FILE" "$RESULTS_DIR/$RUN_STAMP-$1.jfr" 2>/dev/null || true
  "$JFR" print --stack-depth 96 --events jdk.ExecutionSample "$JFR_FILE" >"$txt" || true
  {
    echo "# JFR execution samples of the server during $1 ($RUN_DATE); jfr file: $RUN_STAMP-$1.jfr"
    echo
    awk -f "$BENCH_DIR/jfr-summary.awk" "$txt" || true
    echo
    echo "## top-of-stack frames (self time), top 40"
    awk '/stackTrace = \[/ {getline; print}' "$txt" | sed 's/line:.*//; s/^[[:space:]]*//' \
      | sort | uniq -c | sort -rn | head -40 || true
    echo
    echo "## frames anywhere on the stack (inclusive): Herald, drivers, Jdbi, Hikari, Jackson, Vert.x; top 80"
    grep -E '^[[:space:]]+(org\.herald|org\.h2|org\.postgresql|org\.jdbi|com\.zaxxer|com\.fasterxml|io\.vertx|io\.micrometer)' "$txt" \
      | sed 's/line:.*//; s/^[[:space:]]*//' | sort | uniq -c | sort -rn | head -80 || true
  } >"$out"
  log "profile summary: $out"
}

# ---- results -----------------------------------------------------------------------------------------------------
# emit_result NAME: reads the markdown block on stdin, writes it to bench/results and, with --record, appends it to
# docs/benchmarks.md (before the end marker when there is one).
emit_result() {
  local name=$1 file="$RESULTS_DIR/$RUN_STAMP-$1.md"
  cat >"$file"
  cat "$file"
  if [ "$OPT_RECORD" = 1 ]; then
    [ -f "$DOC_FILE" ] || die "no $DOC_FILE to record into"
    { echo; cat "$file"; } >>"$DOC_FILE"
    log "recorded in docs/benchmarks.md"
  fi
  log "result: $file"
}

median() { sort -n | awk '{a[NR] = $1} END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
