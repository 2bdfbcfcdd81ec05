#!/usr/bin/env bash
# Web Push benchmarks (issue 4): encryptions per second per core (JMH, pinned to core 0) and pushes per second from
# Herald's sender (core 0) to a local push service (core 1, HTTP/2 cleartext). Prints the figures and the commands.
#
#   bench/webpush/run.sh [--quick] [--seconds N] [--concurrency N]
#
# Needs target/herald.jar (./mvnw -B -q -DskipTests package). Every process it starts is stopped by its EXIT trap.
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$DIR/../.." && pwd)
SECONDS_PER_RUN=10
CONCURRENCY=32
JMH_ARGS=(-f 1 -wi 3 -w 3s -i 5 -r 3s -t 1)
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) JMH_ARGS=(-f 1 -wi 2 -w 2s -i 2 -r 2s -t 1); SECONDS_PER_RUN=5; shift ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    *) echo "usage: $0 [--quick] [--seconds N] [--concurrency N]" >&2; exit 2 ;;
  esac
done
# shellcheck source=../../scripts/java-home.sh
. "$ROOT/scripts/java-home.sh"
[ -f "$ROOT/target/herald.jar" ] || { echo "build Herald first: ./mvnw -B -q -DskipTests package" >&2; exit 1; }
(cd "$DIR" && "$ROOT/mvnw" -B -q package) >/dev/null
CP="$DIR/target/webpush-bench.jar:$DIR/target/lib/*:$ROOT/target/herald.jar:$ROOT/target/lib/*"
# a young generation of 256 MB: Conscrypt frees its native keys from finalizers, and with the small default young
# generation of a one-core JVM the finalizer backlog makes the figures swing by 2x from one iteration to the next
GC=(-XX:+UseParallelGC -Xmn256m)
JAVA=("$JAVA_HOME/bin/java" "${GC[@]}" --enable-native-access=ALL-UNNAMED -cp "$CP")
SERVICE_PID=""
cleanup() { [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null || true; }
trap cleanup EXIT

echo "# $(date -u +%FT%TZ) $(git -C "$ROOT" rev-parse --short HEAD) $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## encryption (JMH, one thread, pinned to core 0)"
taskset -c 0 "${JAVA[@]}" org.openjdk.jmh.Main 'EncryptBenchmark|BouncyCastleEcdhBenchmark' -p plaintextBytes=256 \
  "${JMH_ARGS[@]}" -jvmArgs "${GC[*]} --enable-native-access=ALL-UNNAMED" 2>&1 | sed -n '/^Benchmark/,$p'

echo "## sender -> local push service (service on core 1, sender on core 0, concurrency $CONCURRENCY)"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
taskset -c 1 "${JAVA[@]}" org.herald.bench.webpush.PushLoad serve "$PORT" >/dev/null 2>&1 &
SERVICE_PID=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/stats" >/dev/null && break; sleep 0.2; done
for mode in preencrypted encrypt; do
  taskset -c 0 "${JAVA[@]}" org.herald.bench.webpush.PushLoad send "http://127.0.0.1:$PORT" "$SECONDS_PER_RUN" "$CONCURRENCY" "$mode"
done
