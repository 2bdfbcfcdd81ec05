#!/usr/bin/env bash
# Gateway benchmark: emails/s into GreenMail, SMS submits/s into the test SMSC and the cost of one external-module
# run, through a real Herald process (java -jar target/herald.jar serve, pinned to --herald-cpu); the load tool
# (bench/gateways: GreenMail, Herald's TestSmsc, an HTTP client) runs pinned to core 1. See docs/benchmarks.md
# "Gateways".
#
#   bench/gateways/run.sh [--messages 2000] [--module-messages 300] [--concurrency 8] [--herald-cpu 0] [--jfr FILE]
#
# Needs target/herald.jar (./mvnw -B -q -DskipTests package). Options are passed through as arguments; nothing is
# evaluated. Herald is stopped by the EXIT trap through the pid the tool recorded; the work directory is removed.
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$DIR/../.." && pwd)
. "$ROOT/scripts/java-home.sh"
[ -f "$ROOT/target/herald.jar" ] || { echo "build Herald first: ./mvnw -B -q -DskipTests package" >&2; exit 2; }
for a in "$@"; do
  case "$a" in --messages|--module-messages|--concurrency|--herald-cpu|--jfr|[0-9]*|/*) ;; *) echo "unknown option $a" >&2; exit 2 ;; esac
done
WORK=$(mktemp -d)
cleanup() {
  if [ -f "$WORK/herald.pid" ]; then kill "$(cat "$WORK/herald.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
(cd "$DIR" && "$ROOT/mvnw" -B -q package dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt") >/dev/null
CP="$DIR/target/gateways-bench.jar:$(cat "$WORK/cp.txt")"
echo "## Gateways — $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (dirty)')"
echo "- command: bench/gateways/run.sh $*"
echo "- machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c 1 "$JAVA_HOME/bin/java" -cp "$CP" org.herald.bench.gateways.GatewayBench --java "$JAVA_HOME/bin/java" \
  --herald-jar "$ROOT/target/herald.jar" --work "$WORK" "$@"
