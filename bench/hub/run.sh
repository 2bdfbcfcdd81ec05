#!/usr/bin/env bash
# WebSocket fan-out benchmark: Herald's hub next to a plain Node `ws` broadcast server, one run, same load client.
# Server pinned to core 0, load client (bench/hub/loadclient, Java + Vert.x) to core 1. See bench/hub/README.md.
#
# Nothing here evaluates its input: options are parsed into variables, commands are built as arrays. Every server
# and temporary directory this script creates is removed by its EXIT trap (also on Ctrl-C).
set -euo pipefail

ORIG_ARGS=("$@")
HUB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HUB_DIR/../.." && pwd)

# ---- options ----------------------------------------------------------------------------------------------------
CONNECTIONS=10000
MESSAGES=200
ROUNDS=3
PUBLISHERS=1
WARMUP=200
LATENCY_SAMPLES=100
LATENCY_WARMUP=100
SIZE=100
IDLE_CONNECTIONS=50000
IDLE_ADDRESSES="127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5"
IDLE=1
IDLE_SERIES=""
BENCH=1
TARGETS="herald,node"
BUILD=head                 # head | worktree | none
JAR=""
# Herald runs with its launcher's default JVM options unless --heap / --gc say otherwise
. "$(dirname "$0")/../../scripts/java-opts.sh"
HERALD_HEAP=$HERALD_DEFAULT_MEMORY
HERALD_GC=$HERALD_DEFAULT_GC
PROFILE=0
JFR_SECONDS=20
KEEP=0
QUIET_PCT=""
QUIET_MAX=1800
PORT_BASE=28280
SERVER_CPU=0
CLIENT_CPU=1

usage() {
  cat <<EOF
usage: bench/hub/run.sh [options]

Runs, one after the other and with the same load client and parameters, Herald (java -jar herald.jar serve) and the
Node ws peer (bench/hub/node-peer), each on a fresh start, and prints a table: deliveries/s, latency p50/p99, server
RSS per connection, RSS with many idle connections, server CPU per delivery (user/kernel).

  --connections N        WebSocket connections of the throughput/latency run (default $CONNECTIONS)
  --messages M           messages per throughput round (default $MESSAGES); --rounds R rounds (default $ROUNDS,
                         the median is reported) after an unmeasured warm-up round of --warmup W (default $WARMUP)
  --publishers K         publish chains in the throughput rounds (default 1: each POST as soon as the previous
                         one is answered; K: K POSTs in flight, a burst the server may coalesce per connection)
  --latency-samples L    single messages of the latency phase (default $LATENCY_SAMPLES), after --latency-warmup K
                         unrecorded ones (default $LATENCY_WARMUP: the JVM's JIT compiles for a minute or more
                         after the start, and a compilation on the server's one core slows fan-outs for a second)
  --size B               bytes of the published body (default $SIZE)
  --idle-connections N   connections of the idle-RSS run (default $IDLE_CONNECTIONS; capped by the open-files
                         limit: every connection is one file descriptor in the server and one in the client)
  --idle-addresses LIST  client source addresses of the idle run (default $IDLE_ADDRESSES: one source address
                         gets about 28k ephemeral ports)
  --no-idle              skip the idle run
  --idle-series LIST     also idle runs of these sizes (e.g. 2500,5000,10000,15000,19600), each on a fresh server;
                         the report fits RSS = a + b·N to them and extends the line to --idle-connections
  --no-bench             skip the throughput and latency run (with --idle-series: memory only)
  --targets LIST         herald,node (default), or one of them
  --build head|worktree|none
                         head (default): build the committed HEAD (git archive into a temporary directory, then
                         ./mvnw -B -q -DskipTests package there; src/ and target/ are left alone);
                         worktree: cd $ROOT && ./mvnw -B -q -DskipTests package (the working tree as it is);
                         none: use target/herald.jar (or --jar) as it is
  --jar PATH             Herald jar to run (its lib/ next to it); implies --build none. The jar and lib/ are copied
                         first, so a rebuild during the run changes nothing
  --heap 'OPTS'          Herald heap options (default '$HERALD_HEAP')
  --gc 'OPTS'            Herald GC option (default '$HERALD_GC'; pinned to one CPU the JVM would pick Serial GC)
  --profile              after Herald's measured rounds, record JFR on it (jcmd PID JFR.start duration=${JFR_SECONDS}s)
                         while more throughput rounds run, and print the hottest frames; --jfr-seconds S
                         sets the recording's length
  --wait-quiet PCT       before each server start, wait until the machine's CPU use (all processes, over 5 s)
                         is below PCT % (at most --wait-max S seconds, default $QUIET_MAX; then run anyway and say so)
  --port N               first port to try (default $PORT_BASE)
  --keep                 keep the temporary directory (server logs, results, JFR file)
  -h, --help             this text

Results: printed, and written to bench/hub/results/<UTC stamp>.md (git ignores it).
EOF
}

die() { echo "hub bench: $*" >&2; exit 2; }
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
need_int() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 needs a number, got '$2'"; echo "$2"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --connections) CONNECTIONS=$(need_int "$1" "${2-}"); shift 2 ;;
    --messages) MESSAGES=$(need_int "$1" "${2-}"); shift 2 ;;
    --rounds) ROUNDS=$(need_int "$1" "${2-}"); shift 2 ;;
    --publishers) PUBLISHERS=$(need_int "$1" "${2-}"); [ "$PUBLISHERS" -ge 1 ] || die "--publishers must be >= 1"; shift 2 ;;
    --warmup) WARMUP=$(need_int "$1" "${2-}"); shift 2 ;;
    --latency-samples) LATENCY_SAMPLES=$(need_int "$1" "${2-}"); shift 2 ;;
    --latency-warmup) LATENCY_WARMUP=$(need_int "$1" "${2-}"); shift 2 ;;
    --size) SIZE=$(need_int "$1" "${2-}"); shift 2 ;;
    --idle-connections) IDLE_CONNECTIONS=$(need_int "$1" "${2-}"); shift 2 ;;
    --idle-addresses) [[ "${2-}" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+(,127\.[0-9]+\.[0-9]+\.[0-9]+)*$ ]] \
        || die "--idle-addresses takes 127.x.y.z,… (loopback only)"; IDLE_ADDRESSES=$2; shift 2 ;;
    --no-idle) IDLE=0; shift ;;
    --idle-series) [[ "${2-}" =~ ^[0-9]+(,[0-9]+)+$ ]] || die "--idle-series takes two or more sizes: N,N,…"; IDLE_SERIES=$2; shift 2 ;;
    --no-bench) BENCH=0; shift ;;
    --targets) [[ "${2-}" =~ ^(herald|node)(,(herald|node))?$ ]] || die "--targets takes herald,node"; TARGETS=$2; shift 2 ;;
    --build) [[ "${2-}" =~ ^(head|worktree|none)$ ]] || die "--build takes head, worktree or none"; BUILD=$2; shift 2 ;;
    --jar) [ -n "${2-}" ] || die "--jar needs a path"; JAR=$2; BUILD=none; shift 2 ;;
    --heap) [[ "${2-}" =~ ^((-X[a-z]+[0-9]+[kmgKMG]?|-XX:[A-Za-z]+=[0-9]+[kmgKMG]?)( |$))+$ ]] || die "--heap takes options like '-Xmx512m -Xmn64m -XX:MaxTenuringThreshold=1'"; HERALD_HEAP=$2; shift 2 ;;
    --gc) [[ "${2-}" =~ ^-XX:\+Use[A-Za-z]+GC(\ -XX:[+-]?[A-Za-z0-9]+(=[A-Za-z0-9]+)?)*$ ]] || die "--gc takes e.g. -XX:+UseParallelGC, optionally followed by -XX options"; HERALD_GC=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --jfr-seconds) JFR_SECONDS=$(need_int "$1" "${2-}"); shift 2 ;;
    --wait-quiet) QUIET_PCT=$(need_int "$1" "${2-}"); shift 2 ;;
    --wait-max) QUIET_MAX=$(need_int "$1" "${2-}"); shift 2 ;;
    --port) PORT_BASE=$(need_int "$1" "${2-}"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# ---- environment ------------------------------------------------------------------------------------------------
for c in taskset node npm curl git; do command -v "$c" >/dev/null || die "$c is required"; done
[ "$(nproc --all)" -ge 2 ] || die "needs at least 2 cores (server on core $SERVER_CPU, client on core $CLIENT_CPU)"
# shellcheck source=/dev/null
. "$ROOT/scripts/java-home.sh"
JAVA="$JAVA_HOME/bin/java"
JCMD="$JAVA_HOME/bin/jcmd"
JFR="$JAVA_HOME/bin/jfr"
JDK_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)
HARD_NOFILE=$(ulimit -Hn)
[ "$HARD_NOFILE" = unlimited ] && HARD_NOFILE=1048576
ulimit -n "$HARD_NOFILE" || die "cannot raise the open-files limit to $HARD_NOFILE"
# every connection is a descriptor in the server and one in the client; keep 400 for jars, logs, epoll, H2 files
FD_CAP=$((HARD_NOFILE - 400))
[ "$CONNECTIONS" -le "$FD_CAP" ] || die "--connections $CONNECTIONS is above what the open-files limit allows ($FD_CAP; ulimit -Hn $HARD_NOFILE)"
IDLE_REQUESTED=$IDLE_CONNECTIONS
IDLE_NOTE=""
if [ "$IDLE_CONNECTIONS" -gt "$FD_CAP" ]; then
  IDLE_CONNECTIONS=$FD_CAP
  IDLE_NOTE="capped from $IDLE_REQUESTED: the hard open-files limit is $HARD_NOFILE per process (ulimit -Hn; raising it needs CAP_SYS_RESOURCE)"
  log "idle run: $IDLE_NOTE; running $IDLE_CONNECTIONS"
fi

IFS=',' read -r -a SERIES_LIST <<<"$IDLE_SERIES"
for n in "${SERIES_LIST[@]}"; do
  [ "$n" -le "$FD_CAP" ] || die "--idle-series: $n is above what the open-files limit allows ($FD_CAP)"
done

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RUN_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
WORK=$(mktemp -d /tmp/herald-hub-bench.XXXXXX)
RESULTS_DIR="$HUB_DIR/results"
mkdir -p "$RESULTS_DIR"
SERVER_PID=""

cleanup() {
  local rc=$?
  stop_server || true
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p=$PORT_BASE
  while ! port_free "$p"; do p=$((p + 1)); done
  PORT_BASE=$((p + 1))
  echo "$p"
}

wait_http() { # wait_http URL SECONDS
  local i
  for i in $(seq $(($2 * 10))); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# ---- builds -----------------------------------------------------------------------------------------------------
log "building the load client (bench/hub/loadclient)"
(cd "$HUB_DIR/loadclient" && "$ROOT/mvnw" -B -q package) >"$WORK/loadclient-build.log" 2>&1 \
  || { cat "$WORK/loadclient-build.log" >&2; die "load client build failed"; }
CLIENT_JAR="$HUB_DIR/loadclient/target/hub-loadclient.jar"

if [[ ",$TARGETS," == *",node,"* ]]; then
  if [ ! -f "$HUB_DIR/node-peer/node_modules/ws/package.json" ]; then
    log "installing the Node peer's dependencies (npm ci)"
    (cd "$HUB_DIR/node-peer" && npm ci --no-audit --no-fund) >"$WORK/npm.log" 2>&1 \
      || { cat "$WORK/npm.log" >&2; die "npm ci failed"; }
  fi
fi

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
HERALD_BUILD_NOTE=""
if [[ ",$TARGETS," == *",herald,"* ]]; then
  case "$BUILD" in
    head)
      log "building Herald at HEAD ($COMMIT) from git archive"
      mkdir -p "$WORK/src"
      git -C "$ROOT" archive HEAD | tar -x -C "$WORK/src"
      (cd "$WORK/src" && ./mvnw -B -q -DskipTests package) >"$WORK/herald-build.log" 2>&1 \
        || { tail -40 "$WORK/herald-build.log" >&2; die "Herald build failed"; }
      JAR="$WORK/src/target/herald.jar"
      HERALD_BUILD_NOTE="commit $COMMIT (built from git archive HEAD)" ;;
    worktree)
      log "building Herald from the working tree ($ROOT)"
      (cd "$ROOT" && ./mvnw -B -q -DskipTests package) >"$WORK/herald-build.log" 2>&1 \
        || { tail -40 "$WORK/herald-build.log" >&2; die "Herald build failed"; }
      JAR="$ROOT/target/herald.jar"
      HERALD_BUILD_NOTE="working tree on commit $COMMIT$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')" ;;
    none)
      [ -n "$JAR" ] || JAR="$ROOT/target/herald.jar"
      HERALD_BUILD_NOTE="jar $JAR as given (HEAD is $COMMIT)" ;;
  esac
  [ -f "$JAR" ] || die "no Herald jar at $JAR"
  mkdir -p "$WORK/app"
  cp "$JAR" "$WORK/app/herald.jar"
  [ -d "$(dirname "$JAR")/lib" ] && cp -r "$(dirname "$JAR")/lib" "$WORK/app/lib"
  JAR_SHA=$(sha256sum "$WORK/app/herald.jar" | cut -c1-12)
fi

# ---- servers ----------------------------------------------------------------------------------------------------
API_KEY="bench-hub-api-key-0123456789abcdef"
CLIENT_SECRET="bench-hub-client-secret-0123456789abcdef0123456789"

start_herald() { # start_herald LABEL
  local port data
  port=$(pick_port)
  data="$WORK/$1-data"
  mkdir -p "$data"
  local -a opts
  read -r -a opts <<<"$HERALD_GC $HERALD_HEAP"
  env HERALD_PORT="$port" HERALD_HTTP_HOST=127.0.0.1 HERALD_DATA_DIR="$data" HERALD_API_KEY="$API_KEY" \
      HERALD_CLIENT_SECRET="$CLIENT_SECRET" HERALD_HUB_MAX_CONNECTIONS_PER_IP=100000 \
      HERALD_HUB_MAX_FRAMES_PER_SECOND=1000 HERALD_HUB_PING_INTERVAL=10m \
      taskset -c "$SERVER_CPU" "$JAVA" "${opts[@]}" -jar "$WORK/app/herald.jar" serve >"$WORK/$1.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PORT=$port
  wait_http "http://127.0.0.1:$port/health/ready" 180 || { tail -30 "$WORK/$1.log" >&2; die "Herald did not become ready"; }
}

start_node() { # start_node LABEL
  local port
  port=$(pick_port)
  env PORT="$port" HOST=127.0.0.1 taskset -c "$SERVER_CPU" node "$HUB_DIR/node-peer/server.js" >"$WORK/$1.log" 2>&1 &
  SERVER_PID=$!
  SERVER_PORT=$port
  wait_http "http://127.0.0.1:$port/health" 30 || { tail -30 "$WORK/$1.log" >&2; die "the Node peer did not start"; }
}

run_client() { # run_client TARGET OUTFILE client-args...
  local target=$1 out=$2
  shift 2
  local -a args=(--target "$target" --port "$SERVER_PORT" --server-pid "$SERVER_PID" --clk-tck "$(getconf CLK_TCK)" --out "$out")
  [ "$target" = herald ] && args+=(--secret "$CLIENT_SECRET" --api-key "$API_KEY")
  taskset -c "$CLIENT_CPU" "$JAVA" -XX:+UseParallelGC -Xms1g -Xmx2g --enable-native-access=ALL-UNNAMED \
      -jar "$CLIENT_JAR" "${args[@]}" "$@" >"$out.stdout" 2> >(tee "$out.log" >&2)
}

machine_busy_pct() { # CPU use of the whole machine over 5 s, in % of all cores
  local a b
  read -r -a a < <(head -n 1 /proc/stat)
  sleep 5
  read -r -a b < <(head -n 1 /proc/stat)
  local busy=0 total=0 i d
  for i in 1 2 3 4 5 6 7 8; do
    d=$(( b[i] - a[i] ))
    total=$(( total + d ))
    [ "$i" = 4 ] || [ "$i" = 5 ] || busy=$(( busy + d ))
  done
  echo $(( total > 0 ? 100 * busy / total : 0 ))
}

QUIET_NOTES=()
wait_quiet() { # wait_quiet LABEL
  [ -n "$QUIET_PCT" ] || return 0
  local start=$SECONDS pct
  while true; do
    pct=$(machine_busy_pct)
    if [ "$pct" -lt "$QUIET_PCT" ]; then
      QUIET_NOTES+=("$1: machine $pct % busy at the start (waited $((SECONDS - start)) s for < $QUIET_PCT %)")
      return 0
    fi
    if [ $((SECONDS - start)) -ge "$QUIET_MAX" ]; then
      QUIET_NOTES+=("$1: machine still $pct % busy after waiting $QUIET_MAX s; ran anyway")
      log "$1: the machine is still $pct % busy after $QUIET_MAX s; running anyway"
      return 0
    fi
    log "$1: machine $pct % busy; waiting for < $QUIET_PCT %"
    sleep 10
  done
}

val() { sed -n "s/^$2=//p" "$1" | head -n 1; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
IFS=',' read -r -a TARGET_LIST <<<"$TARGETS"
idle_run() { # idle_run TARGET N OUTFILE
  log "== $1: $2 idle connections from $IDLE_ADDRESSES"
  wait_quiet "$1 idle"
  if [ "$1" = herald ]; then start_herald "$1-idle-$2"; else start_node "$1-idle-$2"; fi
  sleep 5
  local -a idle_extra=()
  [ "$1" = herald ] && idle_extra=(--jcmd "$JCMD")
  run_client "$1" "$3" --mode idle --connections "$2" --local-addresses "$IDLE_ADDRESSES" --settle 5 "${idle_extra[@]}" \
    || log "$1: the idle run failed (see above)"
  stop_server
}

bench_run() { # bench_run TARGET
  local t=$1
  log "== $t: $CONNECTIONS connections, warm-up $WARMUP, $ROUNDS x $MESSAGES messages, $LATENCY_WARMUP + $LATENCY_SAMPLES latency samples"
  wait_quiet "$t bench"
  if [ "$t" = herald ]; then start_herald "$t-bench"; else start_node "$t-bench"; fi
  sleep 5 # idle before the "before" RSS reading
  local -a extra=()
  if [ "$PROFILE" = 1 ] && [ "$t" = herald ]; then
    extra=(--jfr-file "$WORK/herald-hub.jfr" --jcmd "$JCMD" --jfr-seconds "$JFR_SECONDS")
    [ "$JDK_MAJOR" -ge 25 ] && extra+=(--jfr-cpu-time true)
  fi
  run_client "$t" "$WORK/$t-bench.txt" --mode bench --connections "$CONNECTIONS" --messages "$MESSAGES" \
      --rounds "$ROUNDS" --publishers "$PUBLISHERS" --warmup "$WARMUP" --latency-warmup "$LATENCY_WARMUP" --latency-samples "$LATENCY_SAMPLES" --size "$SIZE" "${extra[@]}" \
    || log "$t: the load client failed (see above)"
  stop_server
}

for t in "${TARGET_LIST[@]}"; do
  if [ "$BENCH" = 1 ]; then bench_run "$t"; fi
  if [ "$IDLE" = 1 ]; then idle_run "$t" "$IDLE_CONNECTIONS" "$WORK/$t-idle.txt"; fi
  for n in "${SERIES_LIST[@]}"; do idle_run "$t" "$n" "$WORK/$t-series-$n.txt"; done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- profile ----------------------------------------------------------------------------------------------------
PROFILE_TXT=""
if [ "$PROFILE" = 1 ] && [ -s "$WORK/herald-hub.jfr" ]; then
  cp "$WORK/herald-hub.jfr" "$RESULTS_DIR/$STAMP-herald-hub.jfr"
  PROFILE_TXT="$RESULTS_DIR/$STAMP-herald-hub-profile.txt"
  "$JFR" print --stack-depth 64 --events jdk.ExecutionSample "$WORK/herald-hub.jfr" >"$WORK/samples.txt"
  "$JFR" print --stack-depth 64 --events jdk.CPUTimeSample "$WORK/herald-hub.jfr" >"$WORK/cpu-samples.txt" 2>/dev/null || true
  {
    echo "# JFR of Herald during extra throughput rounds ($RUN_DATE, $CONNECTIONS connections)"
    for kind in samples cpu-samples; do
      f="$WORK/$kind.txt"
      [ -s "$f" ] || continue
      echo
      if [ "$kind" = samples ]; then
        echo "# jdk.ExecutionSample (threads running Java code; time inside system calls is not sampled): $(grep -c 'jdk.ExecutionSample' "$f") samples"
      else
        echo "# jdk.CPUTimeSample (JDK 25+, sampled by CPU time: system-call time included, on the Java frame that made the call): $(grep -c 'jdk.CPUTimeSample' "$f") samples"
      fi
      echo
      echo "## top frames (self time), with the share of all samples"
      awk -v what=frames -f "$HUB_DIR/top-frames.awk" "$f" | head -40 || true
      echo
      echo "## samples by thread"
      awk -v what=threads -f "$HUB_DIR/top-frames.awk" "$f" | head -20 || true
      echo
      echo "## frames anywhere on the stack (inclusive): jfr print --events … | grep 'line:' | sort | uniq -c | sort -rn | head -40"
      echo "## (JDK 25's jfr print writes frames as 'method line: N', without 'at ')"
      { grep 'line:' "$f" || true; } | sed 's/^[[:space:]]*//; s/[[:space:]]*line:.*//' | sort | uniq -c | sort -rn | head -40 || true
    done
  } >"$PROFILE_TXT"
fi

# ---- report -----------------------------------------------------------------------------------------------------
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
JDK_VERSION=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.runtime\.version = //p' | head -n 1)
NODE_VERSION=$(node --version)
WS_VERSION=$(node -p 'require(process.argv[1]).version' "$HUB_DIR/node-peer/node_modules/ws/package.json")
MB() { [ -n "$1" ] && [ "$1" -gt 0 ] 2>/dev/null && echo "$(( ($1 + 512) / 1024 )) MB" || echo "n/a"; }

REPORT="$RESULTS_DIR/$STAMP.md"
{
  echo "### WebSocket hub fan-out — $RUN_DATE"
  echo
  echo "- Command: \`bench/hub/run.sh$(printf ' %q' "${ORIG_ARGS[@]}")\`"
  echo "- Machine: nproc $(nproc --all), CPU \"$CPU_MODEL\", $(awk '/MemTotal/ {printf "%d GB", $2/1048576+0.5}' /proc/meminfo) RAM, Linux $(uname -r); JDK $JDK_VERSION; Node $NODE_VERSION, ws $WS_VERSION"
  [[ ",$TARGETS," == *",herald,"* ]] && echo "- Herald: $HERALD_BUILD_NOTE, jar sha256 $JAR_SHA; JVM \`$HERALD_GC $HERALD_HEAP\`; H2; HERALD_HUB_MAX_CONNECTIONS_PER_IP=100000, HERALD_HUB_MAX_FRAMES_PER_SECOND=1000, HERALD_HUB_PING_INTERVAL=10m"
  echo "- Pinning: server \`taskset -c $SERVER_CPU\`, load client \`taskset -c $CLIENT_CPU\` (Java $JDK_VERSION, Vert.x 5.2.0, epoll, one event loop)"
  [ "$BENCH" = 1 ] && echo "- Work: $CONNECTIONS connections; warm-up $WARMUP messages, then $ROUNDS rounds of $MESSAGES messages back to back ($([ "$PUBLISHERS" = 1 ] && echo "one POST at a time" || echo "$PUBLISHERS POSTs in flight"); body $SIZE bytes; the frame on the wire is the same for both servers); $LATENCY_WARMUP unrecorded then $LATENCY_SAMPLES recorded single messages for latency"
  echo "- Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER"
  echo
  if [ "$BENCH" = 1 ]; then
  echo "| server | deliveries/s (median of $ROUNDS) | each round | latency p50 / p99 (max) ms | RSS idle → with $CONNECTIONS conns | RSS per connection | idle run: RSS with N conns | server CPU per delivery user + kernel (deliveries per CPU-second) | server CPU busy | client CPU busy | other CPU | load avg at end |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for t in "${TARGET_LIST[@]}"; do
    b="$WORK/$t-bench.txt"; i="$WORK/$t-idle.txt"
    name=$([ "$t" = herald ] && echo "Herald (hub, topic bench)" || echo "Node ws $WS_VERSION (broadcast)")
    if [ -s "$b" ] && [ -z "$(val "$b" error)" ]; then
      row="| $name | **$(val "$b" throughput_median)** | $(val "$b" throughput_each) | $(val "$b" latency_p50_ms) / $(val "$b" latency_p99_ms) ($(val "$b" latency_max_ms)) | $(MB "$(val "$b" rss_before_kb)") → $(MB "$(val "$b" rss_with_kb)") | **$(( $(val "$b" rss_per_conn_bytes) / 1024 )) KiB** |"
    else
      row="| $name | failed: $( [ -s "$b" ] && val "$b" error || echo 'no result') | | | | |"
    fi
    if [ "$IDLE" = 1 ] && [ -s "$i" ] && [ -z "$(val "$i" error)" ]; then
      row+=" **$(MB "$(val "$i" rss_with_kb)")** with $(val "$i" connections) ($(( $(val "$i" rss_per_conn_bytes) / 1024 )) KiB each) |"
    elif [ "$IDLE" = 1 ]; then
      row+=" failed: $( [ -s "$i" ] && val "$i" error || echo 'no result') |"
    else
      row+=" (not run) |"
    fi
    if [ -s "$b" ] && [ -n "$(val "$b" server_us_per_delivery_user)" ]; then
      row+=" $(val "$b" server_us_per_delivery_user) + $(val "$b" server_us_per_delivery_sys) µs ($(awk -v u="$(val "$b" server_us_per_delivery_user)" -v k="$(val "$b" server_us_per_delivery_sys)" 'BEGIN { if (u + k > 0) printf "%d", 1e6 / (u + k) }')/CPU-s) | $(val "$b" server_cpu_share) % | $(val "$b" client_cpu_share) % | $(val "$b" other_cpu_share) % | $(val "$b" loadavg_end) |"
    else
      row+=" | | | | |"
    fi
    echo "$row"
  done
  echo
  fi
  for t in "${TARGET_LIST[@]}"; do
    b="$WORK/$t-bench.txt"
    [ -s "$b" ] || continue
    echo "- $t: connect $(val "$b" connect_seconds) s ($(val "$b" connect_retries) retries); missing $(val "$b" throughput_missing), duplicates $(val "$b" throughput_duplicates), unexpected frames $(val "$b" unexpected_frames), closed $(val "$b" closed_after_ready); latency: first / last arrival p50 $(val "$b" latency_first_arrival_p50_ms) / $(val "$b" latency_last_arrival_p50_ms) ms, $(val "$b" latency_values) receipts, server CPU per delivery of a single message $(val "$b" latency_server_us_per_delivery_user) + $(val "$b" latency_server_us_per_delivery_sys) µs, client $(val "$b" latency_client_us_per_delivery) µs; RSS after the run $(MB "$(val "$b" rss_after_kb)"); other CPU $(val "$b" other_cpu_share) % of the machine during the rounds; client CPU $(val "$b" client_us_per_delivery) µs per delivery"
  done
  if [ "$IDLE" = 1 ] && [ -s "$WORK/herald-idle.txt" ] && [ -n "$(val "$WORK/herald-idle.txt" heap_used_after_gc_kb)" ]; then
    i="$WORK/herald-idle.txt"
    echo "- herald idle run: RSS $(MB "$(val "$i" rss_before_kb)") before, $(MB "$(val "$i" rss_with_kb)") with $(val "$i" connections) connections; after a full GC (jcmd GC.run) RSS $(MB "$(val "$i" rss_after_gc_kb)"), live heap $(MB "$(val "$i" heap_used_after_gc_kb)") ($(( $(val "$i" heap_used_after_gc_kb) * 1024 / $(val "$i" connections) )) B per connection incl. the idle server's own live heap)"
  fi
  [ "$IDLE" = 1 ] && [ -n "$IDLE_NOTE" ] && echo "- Idle run: $IDLE_NOTE."
  if [ -n "$IDLE_SERIES" ]; then
    for t in "${TARGET_LIST[@]}"; do
      points=""
      line="- $t idle series (RSS with N connections, each on a fresh server):"
      for n in "${SERIES_LIST[@]}"; do
        f="$WORK/$t-series-$n.txt"
        kb=$(val "$f" rss_with_kb 2>/dev/null)
        [ -n "$kb" ] || { line+=" $n: failed;"; continue; }
        line+=" $n: $(MB "$kb") (idle $(MB "$(val "$f" rss_before_kb)"));"
        points+="$n $kb"$'\n'
      done
      echo "$line"
      # least squares RSS = a + b·N, and the line at the requested idle size
      printf '%s' "$points" | awk -v at="$IDLE_REQUESTED" '
        { n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2; syy += $2 * $2 }
        END {
          if (n < 2) exit
          b = (n * sxy - sx * sy) / (n * sxx - sx * sx); a = (sy - b * sx) / n
          r = (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))
          printf "  - fit: RSS = %.0f MB + %.2f KiB per connection (r² %.4f); at %d connections: %.0f MB\n", a / 1024, b, r * r, at, (a + b * at) / 1024
        }'
    done
  fi
  for q in "${QUIET_NOTES[@]}"; do echo "- Quiet check: $q"; done
  [ -n "$PROFILE_TXT" ] && echo "- JFR profile: $PROFILE_TXT (throughput while recording: $(val "$WORK/herald-bench.txt" profile_throughput)/s)"
  true
} >"$REPORT"
cat "$REPORT"
[ -n "$PROFILE_TXT" ] && { echo; cat "$PROFILE_TXT"; }
log "written to $REPORT"
