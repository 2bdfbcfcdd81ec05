#!/usr/bin/env bash
# Cluster benchmark: browser deliveries/s, latency and CPU with the same WebSocket connections on 1 Herald node and
# spread over 3 nodes that share one PostgreSQL database and one Redis (cluster mode in both, so only the node
# count changes). Redis CPU per 1,000 deliveries from /proc/<redis pid>/stat. See bench/cluster/README.md.
#
#   bench/cluster/run.sh [--connections 3000] [--notifications 3000] [--nodes 1,3] [common options]
. "$(dirname "$0")/../lib.sh"

CLUSTER_DIR="$BENCH_DIR/cluster"
LOADCLIENT_DIR="$BENCH_DIR/hub/loadclient"
CONNECTIONS=3000
NOTIFICATIONS=3000
WARMUP=500
PUBLISHERS=4
NODE_COUNTS=1,3
HEAP="-Xmx512m"
PHASE_TIMEOUT=180
REDIS_BIN=/usr/bin/redis-server
REDIS_PORT_BASE=26379

usage() {
  cat <<EOF
Usage: bench/cluster/run.sh [options]
  --connections N     browser WebSocket connections, recipient user:i each, spread evenly over the nodes
                      (connection i on node i mod nodes; default $CONNECTIONS)
  --notifications M   measured notifications, one recipient each (n to user:(n mod N)); default $NOTIFICATIONS
  --warmup W          notifications per node sent and awaited before the measurement, so that every node's JIT
                      has seen the same traffic (default $WARMUP, i.e. $WARMUP x nodes in all)
  --publishers K      concurrent POST chains (each POST after the previous answer), round-robin over the nodes
                      (default $PUBLISHERS)
  --nodes LIST        node counts to run, comma-separated (default $NODE_COUNTS)
  --heap 'OPTS'       heap options of every node, added to --java-opts (default '$HEAP')
  --phase-timeout S   give up waiting for a phase's notifications after S seconds (default $PHASE_TIMEOUT)
  --redis-server PATH redis-server binary (default $REDIS_BIN)
$COMMON_USAGE
EOF
}

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  parse_common "$@"
  if [ "$COMMON_SHIFT" -gt 0 ]; then shift "$COMMON_SHIFT"; continue; fi
  case "$1" in
    --connections) [ $# -ge 2 ] || die "--connections needs a number"; CONNECTIONS=$(need_int "$1" "$2"); shift 2 ;;
    --notifications) [ $# -ge 2 ] || die "--notifications needs a number"; NOTIFICATIONS=$(need_int "$1" "$2"); shift 2 ;;
    --warmup) [ $# -ge 2 ] || die "--warmup needs a number"; WARMUP=$(need_int "$1" "$2"); shift 2 ;;
    --publishers) [ $# -ge 2 ] || die "--publishers needs a number"; PUBLISHERS=$(need_int "$1" "$2"); shift 2 ;;
    --nodes) [ $# -ge 2 ] || die "--nodes needs a list like 1,3"
      [[ "$2" =~ ^[1-9](,[1-9])*$ ]] || die "--nodes takes counts 1..9, comma-separated, got '$2'"
      NODE_COUNTS=$2; shift 2 ;;
    --heap) [ $# -ge 2 ] || die "--heap needs JVM options"; HEAP=$2; shift 2 ;;
    --phase-timeout) [ $# -ge 2 ] || die "--phase-timeout needs seconds"; PHASE_TIMEOUT=$(need_int "$1" "$2"); shift 2 ;;
    --redis-server) [ $# -ge 2 ] || die "--redis-server needs a path"; REDIS_BIN=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
[ "$CONNECTIONS" -ge 1 ] || die "--connections must be at least 1"
[ "$NOTIFICATIONS" -ge 20 ] || die "--notifications must be at least 20"
[ "$PUBLISHERS" -ge 1 ] || die "--publishers must be at least 1"
[ -x "$REDIS_BIN" ] || die "no redis-server at $REDIS_BIN"
IFS=',' read -r -a COUNTS <<<"$NODE_COUNTS"
read -r -a HEAP_ARR <<<"$HEAP"

# ---- processes of one configuration (all stopped by the EXIT trap) -----------------------------------------------
NODE_PIDS=()
NODE_PORTS=()
REDIS_PID=""
REDIS_PORT=""
CLIENT_PID=""

stop_nodes() {
  local p i
  for p in "${NODE_PIDS[@]:-}"; do [ -n "$p" ] && { kill -TERM "$p" 2>/dev/null || true; }; done
  for p in "${NODE_PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    for i in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then log "node $p did not stop in 30 s; killing it"; kill -KILL "$p" 2>/dev/null || true; fi
    wait "$p" 2>/dev/null || true
  done
  NODE_PIDS=()
  NODE_PORTS=()
  return 0
}

stop_redis() {
  [ -n "$REDIS_PID" ] || return 0
  local i
  kill -TERM "$REDIS_PID" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  REDIS_PID=""
  return 0
}

cluster_cleanup() {
  local rc=$?
  set +e
  if [ -n "$CLIENT_PID" ]; then kill -TERM "$CLIENT_PID" 2>/dev/null; wait "$CLIENT_PID" 2>/dev/null; fi
  stop_nodes
  stop_redis
  (exit "$rc")
  bench_cleanup # drops the databases, removes $WORK, exits with rc
}

bench_setup cluster
trap cluster_cleanup EXIT
CMD="bench/cluster/run.sh"
[ ${#ORIG_ARGS[@]} -gt 0 ] && CMD+=$(printf ' %q' "${ORIG_ARGS[@]}")
CMD="\`$CMD\`"
[ -n "${HERALD_BENCH_COMMAND:-}" ] && CMD="\`${HERALD_BENCH_COMMAND}\` (this part: $CMD)"
pg_ready
command -v redis-cli >/dev/null || die "redis-cli is required"

CORES=$(nproc)
if [ "$CORES" -le 2 ]; then
  log "NOTE: this machine has $CORES cores: the nodes, Redis, PostgreSQL and the load client all share them, so more"
  log "      nodes cannot add capacity here; compare the CPU-per-delivery columns, not only deliveries/s"
fi

log "building the load client (bench/hub/loadclient)"
(cd "$LOADCLIENT_DIR" && "$HERALD_ROOT/mvnw" -B -q package) >"$WORK/loadclient-build.log" 2>&1 \
  || { cat "$WORK/loadclient-build.log" >&2; die "load client build failed"; }
mkdir -p "$WORK/loadclient"
cp "$LOADCLIENT_DIR/target/hub-loadclient.jar" "$WORK/loadclient/"
cp -r "$LOADCLIENT_DIR/target/lib" "$WORK/loadclient/lib"
CLIENT_JAR="$WORK/loadclient/hub-loadclient.jar"

start_redis() { # start_redis LABEL
  local p=$REDIS_PORT_BASE
  while ! port_free "$p"; do p=$((p + 1)); done
  REDIS_PORT=$p
  ( cd "$WORK" && exec "${SERVER_PIN[@]}" "$REDIS_BIN" --port "$p" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize no --dir "$WORK" ) >"$WORK/$1-redis.log" 2>&1 &
  REDIS_PID=$!
  local i
  for i in $(seq 1 100); do
    [ "$(redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$WORK/$1-redis.log" >&2
  die "redis-server did not start on port $p"
}

# start_node LABEL INDEX DB: one `herald serve` with only the variables below in its HERALD_* environment
start_node() {
  local label=$1 i=$2 db=$3 port data nodelog unset_args=() v
  while ! port_free "$OPT_PORT"; do OPT_PORT=$((OPT_PORT + 1)); done
  port=$OPT_PORT
  OPT_PORT=$((OPT_PORT + 1))
  data="$WORK/$label-node-$i"
  nodelog="$WORK/$label-node-$i.log"
  mkdir -p "$data"
  for v in $(compgen -e); do [[ "$v" == HERALD_* ]] && unset_args+=(-u "$v"); done
  local envs=(HERALD_HTTP_HOST=127.0.0.1 HERALD_PORT="$port" HERALD_DATA_DIR="$data"
    HERALD_API_KEY="$BENCH_API_KEY" HERALD_CLIENT_SECRET="$BENCH_CLIENT_SECRET"
    HERALD_DB_URL="jdbc:postgresql://$OPT_PG_HOST:$OPT_PG_PORT/$db" HERALD_DB_USER="$OPT_PG_USER"
    HERALD_CLUSTER_REDIS="redis://127.0.0.1:$REDIS_PORT" HERALD_QUEUE_NODE_ID="node-$i"
    HERALD_QUEUE_SHUTDOWN_GRACE=5s HERALD_HUB_MAX_CONNECTIONS_PER_IP=100000
    HERALD_HUB_MAX_FRAMES_PER_SECOND=1000 HERALD_HUB_PING_INTERVAL=10m "${OPT_ENV[@]}")
  ( cd "$data" && exec env "${unset_args[@]}" "${envs[@]}" "${SERVER_PIN[@]}" "$JAVA" "${JAVA_OPTS_ARR[@]}" \
      "${HEAP_ARR[@]}" -jar "$JAR" serve ) >"$nodelog" 2>&1 &
  NODE_PIDS+=($!)
  NODE_PORTS+=("$port")
}

wait_nodes_ready() { # wait_nodes_ready LABEL SECONDS
  local start=$SECONDS k
  for k in "${!NODE_PIDS[@]}"; do
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${NODE_PORTS[$k]}/health/ready")" = 200 ]; do
      if ! kill -0 "${NODE_PIDS[$k]}" 2>/dev/null; then
        tail -n 30 "$WORK/$1-node-$((k + 1)).log" >&2; die "node-$((k + 1)) exited during start-up"
      fi
      [ $((SECONDS - start)) -lt "$2" ] || { tail -n 30 "$WORK/$1-node-$((k + 1)).log" >&2; die "node-$((k + 1)) not ready after $2 s"; }
      sleep 0.1
    done
  done
}

val() { sed -n "s/^$2=//p" "$1" | head -n 1; }

# run_config NODES: fresh database and Redis, NODES nodes, the load client; results in $WORK/<NODES>.txt
run_config() {
  local n=$1 label="n$1" db="herald_bench_cluster_$$_n$1" k joined_ports joined_pids
  log "== $n node(s): $CONNECTIONS connections, warm-up $((WARMUP * n)), $NOTIFICATIONS notifications, $PUBLISHERS POST chains"
  pg_create_db "$db"
  start_redis "$label"
  start_node "$label" 1 "$db"   # the first node alone migrates the fresh database
  wait_nodes_ready "$label" 180
  for k in $(seq 2 "$n"); do start_node "$label" "$k" "$db"; done
  wait_nodes_ready "$label" 180
  log "nodes ready on ports ${NODE_PORTS[*]} (pids ${NODE_PIDS[*]}); Redis pid $REDIS_PID on port $REDIS_PORT"
  sleep 3
  joined_ports=$(IFS=,; echo "${NODE_PORTS[*]}")
  joined_pids=$(IFS=,; echo "${NODE_PIDS[*]}")
  local out="$WORK/$label.txt"
  "${LOAD_PIN[@]}" "$JAVA" -XX:+UseParallelGC -Xms256m -Xmx1g --enable-native-access=ALL-UNNAMED -jar "$CLIENT_JAR" \
      --target herald --mode notify --ports "$joined_ports" --server-pids "$joined_pids" --redis-pid "$REDIS_PID" \
      --pg-db "$db" --connections "$CONNECTIONS" --notifications "$NOTIFICATIONS" --warmup "$((WARMUP * n))" \
      --publishers "$PUBLISHERS" --secret "$BENCH_CLIENT_SECRET" --api-key "$BENCH_API_KEY" \
      --clk-tck "$(getconf CLK_TCK)" --phase-timeout "$PHASE_TIMEOUT" --settle 2 --out "$out" >"$out.stdout" &
  CLIENT_PID=$! # in the background: a signal to this script is handled at once, not after the client ends
  wait "$CLIENT_PID" || log "$n node(s): the load client failed (see above)"
  CLIENT_PID=""
  sleep 1 # the last acks
  psql_db "$db" -F' ' -c "SELECT status, count(*) FROM deliveries GROUP BY status ORDER BY status" 2>/dev/null \
    | tr '\n' ',' | sed 's/,$//; s/,/, /g' >"$WORK/$label.statuses" || true
  local warn
  warn=$(cat "$WORK/$label"-node-*.log | grep -E '\b(WARN|ERROR)\b' | grep -v -c 'webpush.subject is not set' || true)
  echo "$warn" >"$WORK/$label.warnings"
  stop_nodes
  stop_redis
  pg_drop_db "$db"
}

for n in "${COUNTS[@]}"; do run_config "$n"; done
LOAD_AFTER=$(loadavg)

# ---- report ------------------------------------------------------------------------------------------------------
REDIS_VERSION=$("$REDIS_BIN" --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')
BASE_RATE=""
{
  echo "### Cluster: $CONNECTIONS browser connections on ${NODE_COUNTS//,/ vs } node(s) — $RUN_DATE"
  echo
  echo "- Command: $CMD"
  echo "- Machine: $(machine_line)"
  if [ "$CORES" -le 2 ]; then
    echo "- **Only $CORES cores**: every node, Redis, PostgreSQL and the load client share them, so more nodes cannot add"
    echo "  capacity on this machine; the run shows what clustering costs (CPU per delivery, Redis per delivery, latency)."
  fi
  echo "- Herald: $(build_line); JVM \`$OPT_JAVA_OPTS $HEAP\` per node; PostgreSQL database per run, Redis $REDIS_VERSION"
  echo "  per run (\`--save '' --appendonly no\`); HERALD_HUB_MAX_CONNECTIONS_PER_IP=100000, HERALD_HUB_MAX_FRAMES_PER_SECOND=1000"
  echo "- $(pg_settings_line)"
  echo "- Pinning: $(pin_line)"
  echo "- Work: $CONNECTIONS connections (recipient user:i, connection i on node i mod nodes); warm-up $WARMUP per node, then"
  echo "  $NOTIFICATIONS notifications \`{\"to\":[\"user:(n mod $CONNECTIONS)\"],\"channels\":[\"browser\"],\"data\":{\"t\":<nanoTime>,\"i\":n}}\`"
  echo "  POSTed round-robin to the nodes by $PUBLISHERS chains (each POST after the previous answer); every frame acked"
  echo "- Load average before: $LOAD_BEFORE; after: $LOAD_AFTER"
  echo
  echo "| nodes | deliveries/s (steady: 10th→90th percentile arrival) | first POST → last arrival | accepted/s | latency p50 / p99 (max) ms | Herald CPU per delivery (all nodes) | PostgreSQL CPU per delivery | Redis CPU per 1,000 deliveries | other CPU | missing / duplicates |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for n in "${COUNTS[@]}"; do
    f="$WORK/n$n.txt"
    if [ -s "$f" ] && [ -z "$(val "$f" error)" ]; then
      rate=$(val "$f" deliveries_per_second_steady)
      [ -z "$BASE_RATE" ] && [ "$n" = 1 ] && BASE_RATE=$rate
      echo "| $n | **$rate** | $(val "$f" deliveries_per_second_overall)/s ($(val "$f" wall_seconds) s) | $(val "$f" accept_per_second) | $(val "$f" latency_p50_ms) / **$(val "$f" latency_p99_ms)** ($(val "$f" latency_max_ms)) | **$(val "$f" herald_cpu_ms_per_delivery) ms** | $(val "$f" pg_cpu_ms_per_delivery) ms | **$(val "$f" redis_cpu_ms_per_1000) ms** | $(val "$f" other_cpu_share) % | $(val "$f" missing) / $(val "$f" duplicates) |"
    else
      echo "| $n | failed: $( [ -s "$f" ] && val "$f" error || echo 'no result') | | | | | | | | |"
    fi
  done
  echo
  for n in "${COUNTS[@]}"; do
    f="$WORK/n$n.txt"
    [ -s "$f" ] || continue
    ratio=""
    if [ -n "$BASE_RATE" ] && [ "$n" != 1 ] && [ -n "$(val "$f" deliveries_per_second_steady)" ]; then
      ratio="; $(awk -v a="$(val "$f" deliveries_per_second_steady)" -v b="$BASE_RATE" 'BEGIN { if (b > 0) printf "%.2f", a / b }') × the 1-node rate"
    fi
    echo "- $n node(s): connect $(val "$f" connect_seconds) s ($(val "$f" connect_retries) retries); latency p90 $(val "$f" latency_p90_ms) ms; Herald $(val "$f" herald_cpu_ms) ms CPU ($(val "$f" herald_cpu_share_of_machine) % of the machine), PostgreSQL $(val "$f" pg_cpu_ms) ms ($(val "$f" pg_processes) processes), Redis $(val "$f" redis_cpu_ms) ms (utime+stime; by schedstat $(val "$f" redis_schedstat_ms) ms = $(val "$f" redis_schedstat_ms_per_1000) ms per 1,000), load client $(val "$f" client_cpu_ms_per_delivery) ms per delivery; machine busy $(val "$f" machine_busy_share) %; RSS per node $(val "$f" rss_mb_each) MB; deliveries in the database afterwards: $(cat "$WORK/n$n.statuses" 2>/dev/null); WARN/ERROR lines in the node logs: $(cat "$WORK/n$n.warnings" 2>/dev/null); wrong recipient $(val "$f" wrong_recipient), unexpected frames $(val "$f" unexpected_frames), closed $(val "$f" closed_after_ready)$ratio"
  done
  true
} | emit_result cluster
