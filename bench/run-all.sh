#!/usr/bin/env bash
# Runs every Herald benchmark in turn with default parameters: start-up/RSS, accept rate (H2, PostgreSQL + pgbench),
# dispatch rate (H2, PostgreSQL). Takes the common options of the scripts (see bench/accept.sh --help) and passes
# them on; --build builds the committed HEAD once and runs all three against that jar.
#
#   bench/run-all.sh [--record] [--pin] [--build] [--profile] [...]
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
HERALD_ROOT=$(cd "$BENCH_DIR/.." && pwd)

ORIG=("$@")
pass=()
build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=1; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    --jar|--java-opts|--port|--pg-host|--pg-port|--pg-user|--env|--h2-url-suffix)
      [ $# -ge 2 ] || { echo "bench: $1 needs a value" >&2; exit 2; }
      pass+=("$1" "$2"); shift 2 ;;
    --pin|--record|--keep|--profile) pass+=("$1"); shift ;;
    *) echo "bench: run-all takes only the common options; unknown: $1" >&2; exit 2 ;;
  esac
done

if [ "$build" = 1 ]; then
  src=$(mktemp -d /tmp/herald-bench-build.XXXXXX)
  trap 'rm -rf "$src"' EXIT
  . "$HERALD_ROOT/scripts/java-home.sh"
  rev=$(git -C "$HERALD_ROOT" rev-parse --short HEAD)
  echo "bench: building commit $rev (git archive $rev) in $src" >&2
  git -C "$HERALD_ROOT" archive "$rev" | tar -x -C "$src"
  (cd "$src" && ./mvnw -B -q -DskipTests package) >&2
  pass+=(--jar "$src/target/herald.jar")
  export HERALD_BENCH_JAR_FROM_HEAD=1 HERALD_BENCH_JAR_COMMIT=$rev   # HEAD may move while the benchmarks run
fi

# the sub-scripts record this command line as the one that produced their figures
HERALD_BENCH_COMMAND="bench/run-all.sh"
for a in "${ORIG[@]}"; do HERALD_BENCH_COMMAND+=" $(printf '%q' "$a")"; done
export HERALD_BENCH_COMMAND

"$BENCH_DIR/startup.sh" "${pass[@]}"
"$BENCH_DIR/accept.sh" "${pass[@]}"
"$BENCH_DIR/dispatch.sh" "${pass[@]}"
