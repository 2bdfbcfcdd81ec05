#!/usr/bin/env bash
# BLF panel benchmark: latency from an AMI ExtensionStatus event to the WebSocket frame (and, with --browser, to the
# tile in headless Chromium), and the cost of a 1,000-extension snapshot, against a real Herald process
# (java -jar target/herald.jar serve, pinned to core 0). The load tool (bench/blf, Java: Herald's AmiTestServer
# compiled in, JDK WebSocket clients) runs pinned to core 1 and starts Herald itself. See docs/benchmarks.md
# "BLF panel".
#
# Needs target/herald.jar and target/lib/ (./mvnw -B -q -DskipTests package). Nothing here evaluates its input:
# options are checked and passed as arguments. Every process it starts (load tool, Herald, Chromium) is stopped by
# its EXIT trap, by the pids it recorded; the temporary directory is removed unless --keep.
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$DIR/../.." && pwd)
ORIG_ARGS=("$@")

EXTENSIONS=1000
CHANGES=2000
RATE=200
WARMUP=1000
SUBSCRIBERS=1,50
BURST=2000
GET_REQUESTS=500
SNAPSHOT_REPS=5
RECONCILE=1s
CPU_WINDOW=30
RECONCILE_WARMUP=30
QUIET_PCT=""
QUIET_MAX=1800
HERALD_JVM="-Xmx512m -XX:+UseParallelGC"
PROFILE=0
BROWSER=0
BROWSER_CHANGES=300
BROWSER_RATES=10,200
KEEP=0

usage() {
  cat <<EOF
usage: bench/blf/run.sh [options]

  --quick                 short run: --changes 500 --warmup 200 --burst 500 --get-requests 200 --snapshot-reps 3
                          --cpu-window 15 --reconcile-warmup 15 --browser-changes 100
  --extensions N          hints on the AMI server (default $EXTENSIONS)
  --changes N             state changes per paced latency run (default $CHANGES)
  --rate R                changes per second of the paced runs (default $RATE)
  --warmup N              unmeasured paced changes before each subscriber count (default $WARMUP)
  --subscribers LIST      WebSocket subscribers per run, e.g. 1,50 (default $SUBSCRIBERS)
  --burst N               changes of the burst run, written back to back; 0: none (default $BURST)
  --get-requests N        sequential GET /api/v1/blf for the latency figure (default $GET_REQUESTS)
  --snapshot-reps N       reconnects with every extension changed, after the cold login (default $SNAPSHOT_REPS)
  --reconcile D           reconcile_interval of the CPU-per-snapshot run (default $RECONCILE)
  --cpu-window S          seconds of the idle and the reconcile CPU windows (default $CPU_WINDOW)
  --reconcile-warmup S    seconds of snapshots before the reconcile window, for the JIT (default $RECONCILE_WARMUP)
  --wait-quiet PCT        first wait until the machine's CPU use (all processes, over 5 s) is below PCT %
                          (at most --wait-max S seconds, default $QUIET_MAX; then run anyway and say so)
  --herald-jvm 'OPTS'     Herald's JVM options (default '$HERALD_JVM')
  --profile               after the measured parts: JFR on Herald (jcmd JFR.start settings=profile) during extra
                          GETs, an extra paced run and an extra reconcile window (the figures stay JFR-free),
                          printing the hottest frames; with --browser a CDP CPU profile of the page's first run
  --browser               also measure to the tile's DOM change in headless Chromium (/usr/bin/chromium)
  --browser-changes N     changes per browser run (default $BROWSER_CHANGES); --browser-rates LIST (default $BROWSER_RATES)
  --keep                  keep the temporary directory (Herald logs, JFR files)
  -h, --help              this text

Results: printed, and written to bench/blf/results/<UTC stamp>.md (git ignores it).
EOF
}
die() { echo "blf bench: $*" >&2; exit 2; }
need_int() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 needs a number, got '$2'"; echo "$2"; }
need_list() { [[ "$2" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "$1 needs numbers separated by commas, got '$2'"; echo "$2"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) CHANGES=500; WARMUP=200; BURST=500; GET_REQUESTS=200; SNAPSHOT_REPS=3; CPU_WINDOW=15; RECONCILE_WARMUP=15; BROWSER_CHANGES=100; shift ;;
    --extensions) EXTENSIONS=$(need_int "$1" "${2-}"); shift 2 ;;
    --changes) CHANGES=$(need_int "$1" "${2-}"); shift 2 ;;
    --rate) RATE=$(need_int "$1" "${2-}"); shift 2 ;;
    --warmup) WARMUP=$(need_int "$1" "${2-}"); shift 2 ;;
    --subscribers) SUBSCRIBERS=$(need_list "$1" "${2-}"); shift 2 ;;
    --burst) BURST=$(need_int "$1" "${2-}"); shift 2 ;;
    --get-requests) GET_REQUESTS=$(need_int "$1" "${2-}"); shift 2 ;;
    --snapshot-reps) SNAPSHOT_REPS=$(need_int "$1" "${2-}"); shift 2 ;;
    --reconcile) [[ "${2-}" =~ ^[0-9]+(ms|s)$ ]] || die "--reconcile takes e.g. 1s or 500ms"; RECONCILE=$2; shift 2 ;;
    --cpu-window) CPU_WINDOW=$(need_int "$1" "${2-}"); shift 2 ;;
    --reconcile-warmup) RECONCILE_WARMUP=$(need_int "$1" "${2-}"); shift 2 ;;
    --wait-quiet) QUIET_PCT=$(need_int "$1" "${2-}"); shift 2 ;;
    --wait-max) QUIET_MAX=$(need_int "$1" "${2-}"); shift 2 ;;
    --herald-jvm) [[ "${2-}" =~ ^(-X[A-Za-z:+=0-9._-]+( |$))+$ ]] || die "--herald-jvm takes options like '-Xmx512m -XX:+UseParallelGC'"; HERALD_JVM=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --browser) BROWSER=1; shift ;;
    --browser-changes) BROWSER_CHANGES=$(need_int "$1" "${2-}"); shift 2 ;;
    --browser-rates) BROWSER_RATES=$(need_list "$1" "${2-}"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[ "$EXTENSIONS" -ge 1 ] && [ "$EXTENSIONS" -le 90000 ] || die "--extensions must be 1..90000"

for c in taskset curl git getconf; do command -v "$c" >/dev/null || die "$c is required"; done
[ "$(nproc --all)" -ge 2 ] || die "needs at least 2 cores (Herald on core 0, load tool on core 1)"
[ "$BROWSER" = 0 ] || [ -x /usr/bin/chromium ] || die "--browser needs /usr/bin/chromium"
# shellcheck source=../../scripts/java-home.sh
. "$ROOT/scripts/java-home.sh"
[ -f "$ROOT/target/herald.jar" ] && [ -d "$ROOT/target/lib" ] || die "build Herald first: ./mvnw -B -q -DskipTests package"
(cd "$DIR" && "$ROOT/mvnw" -B -q package) >/dev/null

cpu_busy_pct() { # the machine's CPU use over 5 s, all cores, in %
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 5
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local total=0 idle i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  idle=$((b[4] - a[4] + b[5] - a[5]))
  echo $(((total - idle) * 100 / (total > 0 ? total : 1)))
}
QUIET_NOTE=""
if [ -n "$QUIET_PCT" ]; then
  waited=0
  while busy=$(cpu_busy_pct); [ "$busy" -ge "$QUIET_PCT" ]; do
    waited=$((waited + 5))
    if [ "$waited" -ge "$QUIET_MAX" ]; then QUIET_NOTE="machine still ${busy} % busy after ${QUIET_MAX} s of waiting; ran anyway"; break; fi
    [ $((waited % 60)) = 0 ] && echo "waiting for a quiet machine: ${busy} % busy" >&2
  done
  [ -n "$QUIET_NOTE" ] || QUIET_NOTE="waited ${waited} s for CPU use below ${QUIET_PCT} % (last 5 s: ${busy} %)"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/herald-blf-bench.XXXXXX)
RESULTS_DIR="$DIR/results"
mkdir -p "$RESULTS_DIR"
RESULT="$RESULTS_DIR/$STAMP.md"
TOOL_PID=""

cleanup() {
  local rc=$? f p
  [ -n "$TOOL_PID" ] && kill "$TOOL_PID" 2>/dev/null && wait "$TOOL_PID" 2>/dev/null
  for f in "$WORK"/*.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    [[ "$p" =~ ^[0-9]+$ ]] && kill "$p" 2>/dev/null || true
  done
  if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

COMMIT=$(git -C "$ROOT" rev-parse --short HEAD)
git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || COMMIT="$COMMIT (src/ or pom.xml modified)"
{
  echo "## BLF bench — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- command: \`bench/blf/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}\`"
  echo "- commit: $COMMIT (herald.jar built $(date -u -r "$ROOT/target/herald.jar" +%Y-%m-%dT%H:%M:%SZ))"
  echo "- machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GB RAM", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
  echo "- JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)"
  echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)${QUIET_NOTE:+ ($QUIET_NOTE)}"
  echo "- Herald: \`taskset -c 0 java $HERALD_JVM -jar target/herald.jar serve\` (H2 in a fresh data dir); load tool on core 1"
  echo "- settings: $EXTENSIONS extensions; paced runs $CHANGES changes at $RATE/s after $WARMUP unmeasured; subscribers $SUBSCRIBERS; burst $BURST; $GET_REQUESTS GETs; $SNAPSHOT_REPS reconnects; reconcile $RECONCILE after ${RECONCILE_WARMUP} s; CPU windows ${CPU_WINDOW} s"
  echo
} | tee "$RESULT"

ARGS=(--java "$JAVA_HOME/bin/java" --jcmd "$JAVA_HOME/bin/jcmd" --herald-jar "$ROOT/target/herald.jar" --work "$WORK"
      --herald-cpu 0 --herald-jvm "$HERALD_JVM" --extensions "$EXTENSIONS" --changes "$CHANGES" --rate "$RATE"
      --warmup "$WARMUP" --subscribers "$SUBSCRIBERS" --burst "$BURST" --get-requests "$GET_REQUESTS"
      --snapshot-reps "$SNAPSHOT_REPS" --reconcile "$RECONCILE" --cpu-window "$CPU_WINDOW" --reconcile-warmup "$RECONCILE_WARMUP"
      --browser-changes "$BROWSER_CHANGES" --browser-rates "$BROWSER_RATES" --browser-cpu 1)
[ "$PROFILE" = 1 ] && ARGS+=(--profile)
[ "$BROWSER" = 1 ] && ARGS+=(--browser)
CP="$DIR/target/blf-bench.jar:$ROOT/target/lib/*"
taskset -c 1 "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC -cp "$CP" org.herald.bench.blf.BlfBench "${ARGS[@]}" \
  >"$WORK/result.md" 2> >(tee "$WORK/tool.log" >&2) &
TOOL_PID=$!
wait "$TOOL_PID" || { rc=$?; TOOL_PID=""; cat "$WORK/result.md"; die "the load tool failed ($rc); Herald's logs: rerun with --keep"; }
TOOL_PID=""
tee -a "$RESULT" <"$WORK/result.md"
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULT"
grep -h -E ' (WARN|ERROR) ' "$WORK"/herald-*.log 2>/dev/null | sed -E 's/^[^ ]+ //' | sort | uniq -c | sort -rn | head -5 \
  | sed 's/^/    /' >"$WORK/warns.txt" || true
if [ -s "$WORK/warns.txt" ]; then
  { echo "- Herald's WARN/ERROR log lines (count, first 5 kinds):"; cat "$WORK/warns.txt"; } | tee -a "$RESULT"
fi

if [ "$PROFILE" = 1 ]; then
  set +o pipefail # head closes the pipes early
  for name in get latency reconcile; do
    f="$WORK/herald-$name.jfr"
    [ -s "$f" ] || continue
    cp "$f" "$RESULTS_DIR/$STAMP-herald-$name.jfr"
    {
      echo
      case $name in
        get) what="1,000 extra sequential GET /api/v1/blf";;
        latency) what="an extra paced latency run";;
        reconcile) what="extra reconcile snapshots";;
      esac
      echo "### JFR of Herald during $what (bench/blf/results/$STAMP-herald-$name.jfr)"
      for ev in jdk.CPUTimeSample jdk.ExecutionSample; do
        "$JAVA_HOME/bin/jfr" print --stack-depth 64 --events "$ev" "$f" >"$WORK/samples.txt" 2>/dev/null || continue
        n=$(grep -c 'stackTrace = \[' "$WORK/samples.txt" || true)
        [ "${n:-0}" -gt 0 ] || continue
        echo
        echo "$ev: $n samples; by thread:"
        echo '```'
        awk -v what=threads -f "$ROOT/bench/hub/top-frames.awk" "$WORK/samples.txt" | head -8
        echo '```'
        echo "top frames (self):"
        echo '```'
        awk -f "$ROOT/bench/hub/top-frames.awk" "$WORK/samples.txt" | head -25
        echo '```'
        echo "frames anywhere on the stack (inclusive):"
        echo '```'
        grep 'line:' "$WORK/samples.txt" | sed -E 's/^[ \t]+//; s/[ \t]+line:.*$//' | sort | uniq -c | sort -rn | head -30
        echo '```'
      done
    } | tee -a "$RESULT"
  done
fi
echo "(written to $RESULT)" >&2
