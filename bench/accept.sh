#!/usr/bin/env bash
# Accept rate: notifications/s through POST /api/v1/notifications (1 recipient, "channels":["inbox"], server key),
# on embedded H2 (a fresh data dir) and on PostgreSQL (a fresh database), with wrk at a fixed concurrency for a fixed
# time after a warm-up. On PostgreSQL the same run also measures pgbench inserting rows shaped like Herald's
# notification row, at the same concurrency, and reports Herald's rate as a ratio of it.
#
#   bench/accept.sh [--db h2|pg|all] [--connections 32] [--threads 2] [--duration 20] [--warmup 10]
#                   [--deferred] [--no-tx-ceiling] [common options]
. "$(dirname "$0")/lib.sh"

DB=all
CONNECTIONS=32
THREADS=2
DURATION=20
WARMUP=10
DEFERRED=0
TX_CEILING=1

usage() {
  cat <<EOF
Usage: bench/accept.sh [options]
  --db h2|pg|all      database(s) to measure (default all: H2, then PostgreSQL + pgbench)
  --connections N     wrk connections and pgbench clients (default $CONNECTIONS)
  --threads N         wrk and pgbench threads (default $THREADS)
  --duration S        measured seconds (default $DURATION)
  --warmup S          wrk warm-up seconds before the measurement, same server (default $WARMUP)
  --deferred          notifications carry send_at one hour ahead, so the dispatcher stays idle and only the
                      accept path is measured (default: due at once, the dispatcher works alongside as in production)
  --no-tx-ceiling     skip the second pgbench script (Herald's accept transaction in plain SQL)
$COMMON_USAGE
EOF
}

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  parse_common "$@"
  if [ "$COMMON_SHIFT" -gt 0 ]; then shift "$COMMON_SHIFT"; continue; fi
  case "$1" in
    --db) [ $# -ge 2 ] || die "--db needs h2, pg or all"; DB=$2; shift 2 ;;
    --connections) [ $# -ge 2 ] || die "--connections needs a number"; CONNECTIONS=$(need_int "$1" "$2"); shift 2 ;;
    --threads) [ $# -ge 2 ] || die "--threads needs a number"; THREADS=$(need_int "$1" "$2"); shift 2 ;;
    --duration) [ $# -ge 2 ] || die "--duration needs seconds"; DURATION=$(need_int "$1" "$2"); shift 2 ;;
    --warmup) [ $# -ge 2 ] || die "--warmup needs seconds"; WARMUP=$(need_int "$1" "$2"); shift 2 ;;
    --deferred) DEFERRED=1; shift ;;
    --no-tx-ceiling) TX_CEILING=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
case "$DB" in h2|pg|all) ;; *) die "--db must be h2, pg or all" ;; esac
[ "$DURATION" -ge 5 ] || die "--duration must be at least 5 s"
[ "$CONNECTIONS" -ge "$THREADS" ] && [ "$THREADS" -ge 1 ] || die "need 1 <= threads <= connections"

ensure_wrk() {
  command -v wrk >/dev/null && return 0
  log "wrk not found; installing it with apt-get"
  [ "$(id -u)" = 0 ] || die "wrk is missing and installing it needs root: apt-get install wrk"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  command -v wrk >/dev/null || die "could not install wrk"
}
ensure_wrk
bench_setup accept
CMD=$(command_line "$0" "${ORIG_ARGS[@]}")
SEND_AT=""
[ "$DEFERRED" = 1 ] && SEND_AT=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)

# wrk_run SECONDS OUTFILE: wrk against the server; measures foreign CPU between second 1 and second S-1.
wrk_run() {
  local secs=$1 out=$2 label=${3:-} a b
  local cmd=("${LOAD_PIN[@]}" wrk -c "$CONNECTIONS" -t "$THREADS" -d "${secs}s" --timeout 10s
    -s "$BENCH_DIR/wrk/notify.lua" "http://127.0.0.1:$OPT_PORT" -- "$BENCH_API_KEY" "$SEND_AT")
  "${cmd[@]}" >"$out" 2>&1 &
  local wrk_pid=$!
  sleep 1
  local m0 m1
  m0=$(metric_sum herald_notifications_accepted_total)
  [ -n "${PG_DB:-}" ] && PGC0=$(pg_counters "$PG_DB")
  a=$(cpu_sample "$SERVER_PID" "$wrk_pid")
  [ -n "$label" ] && jfr_start $((secs - 3)) "$label"
  sleep $((secs - 3))
  b=$(cpu_sample "$SERVER_PID" "$wrk_pid")
  m1=$(metric_sum herald_notifications_accepted_total)
  [ -n "${PG_DB:-}" ] && PG_PER=$(pg_per_op "$PGC0" "$(pg_counters "$PG_DB")" $((m1 - m0)))
  FOREIGN=$(cpu_foreign "$a" "$b")
  CPU_SERVER=$(cpu_per_op "$a" "$b" $((m1 - m0)) first)
  CPU_PG=$(cpu_per_op "$a" "$b" $((m1 - m0)) pg)
  LOAD_END=$(loadavg)
  wait "$wrk_pid" || { cat "$out" >&2; die "wrk failed"; }
  grep -q '^BENCH ' "$out" || { cat "$out" >&2; die "wrk printed no result"; }
}

field() { sed -n "s/.*[ ]$1=\([0-9]*\).*/\1/p" "$2" | head -n1; }

# measure_herald LABEL: warm-up + measurement against the running server; sets R_* variables.
measure_herald() {
  local label=$1
  log "$label: warm-up ${WARMUP}s"
  if [ "$WARMUP" -gt 0 ]; then
    wrk_run "$((WARMUP < 3 ? 3 : WARMUP))" "$WORK/wrk-$label-warmup.txt"
    R_WARM_REQ=$(field requests "$WORK/wrk-$label-warmup.txt")
  else
    R_WARM_REQ=0
  fi
  log "$label: measuring ${DURATION}s at $CONNECTIONS connections, $THREADS threads"
  local out="$WORK/wrk-$label.txt"
  wrk_run "$DURATION" "$out" "accept-$label"
  jfr_report "accept-$label"
  R_REQ=$(field requests "$out")
  local dur; dur=$(field duration_us "$out")
  R_RATE=$(awk -v r="$R_REQ" -v d="$dur" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
  R_NON202=$(field non202 "$out")
  R_SOCKERR=$(( $(field connect "$out") + $(field read "$out") + $(field write "$out") + $(field timeout "$out") ))
  R_P50=$(awk -v v="$(field p50_us "$out")" 'BEGIN { printf "%.1f", v / 1000 }')
  R_P99=$(awk -v v="$(field p99_us "$out")" 'BEGIN { printf "%.1f", v / 1000 }')
  R_SAMPLE=$(sed -n 's/^BENCH_SAMPLE //p' "$out")
  R_FOREIGN=$FOREIGN
  R_CPU="$CPU_SERVER ms"
  [ "$label" = pg ] && R_CPU+=" + PostgreSQL $CPU_PG ms"
  R_LOAD=$LOAD_END
  R_RSS=$(( $(rss_kb "$SERVER_PID") / 1024 ))
  log "$label: $R_RATE accepted/s, non-202 $R_NON202, socket errors $R_SOCKERR, p99 ${R_P99} ms"
  [ -z "$R_SAMPLE" ] || log "$label: first non-202 answer: $R_SAMPLE"
}

# pgbench_run DB SCRIPT OUTFILE: pgbench at the same concurrency; sets P_TPS, P_FOREIGN, P_LOAD.
pgbench_run() {
  local db=$1 script=$2 out=$3 a b
  local cmd=("${LOAD_PIN[@]}" pgbench -h "$OPT_PG_HOST" -p "$OPT_PG_PORT" -U "$OPT_PG_USER" -n
    -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" -f "$script" "$db")
  "${cmd[@]}" >"$out" 2>&1 &
  local pid=$!
  sleep 1
  a=$(cpu_sample "$pid")
  sleep $((DURATION - 3))
  b=$(cpu_sample "$pid")
  P_FOREIGN=$(cpu_foreign "$a" "$b")
  P_AB=("$a" "$b")
  P_LOAD=$(loadavg)
  wait "$pid" || { cat "$out" >&2; die "pgbench failed"; }
  P_TPS=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$out" | awk '{printf "%.0f", $1}')
  P_FAILED=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out")
  [ -n "$P_TPS" ] || { cat "$out" >&2; die "no tps in pgbench output"; }
  P_CPU_PG=$(cpu_per_op "${P_AB[0]}" "${P_AB[1]}" "$(awk -v r="$P_TPS" -v w="$(cpu_window "${P_AB[0]}" "${P_AB[1]}")" 'BEGIN { printf "%.0f", r * w }')" pg)
}

# rows_check COUNT: the rows found, and whether every answered request (warm-up + measured) is among them
rows_check() {
  local want=$((R_WARM_REQ + R_REQ))
  if [ -z "$1" ]; then echo "? (could not count)"
  elif [ "$1" -ge "$want" ]; then echo "$1 (>= $want answered: ok)"
  else echo "$1 (< $want answered: **LOST**)"; fi
}

ROWS=()
PG_PER="n/a"
NOTES=()
H2_RATE=""
PG_RATE=""

if [ "$DB" = h2 ] || [ "$DB" = all ]; then
  data="$WORK/h2-data"
  start_server h2 "$data"
  wait_ready 120
  measure_herald h2
  stop_server
  # Nothing lost: every answered request (warm-up + measurement) is a row. Read the H2 file with the server stopped.
  h2_rows=$("$JAVA" -cp "$(ls "$WORK"/app/lib/h2-*.jar)" org.h2.tools.Shell -url "jdbc:h2:file:$data/herald" \
    -user "" -password "" -sql "SELECT COUNT(*) FROM notifications" 2>/dev/null | sed -n '2p' | tr -d ' ' || true)
  H2_RATE=$R_RATE
  ROWS+=("| Herald, H2 (fresh data dir) | **$R_RATE** | $R_REQ | $R_NON202 | $R_SOCKERR | $R_P50 / $R_P99 | $R_CPU | $R_RSS MB | $(rows_check "${h2_rows:-}") | $R_FOREIGN | $R_LOAD |")
fi

if [ "$DB" = pg ] || [ "$DB" = all ]; then
  pg_ready
  hdb="herald_bench_$$"
  pdb="herald_pgbench_$$"
  pg_create_db "$hdb"
  PG_DB=$hdb
  start_server pg "$WORK/pg-data" HERALD_DB_URL="jdbc:postgresql://$OPT_PG_HOST:$OPT_PG_PORT/$hdb" HERALD_DB_USER="$OPT_PG_USER"
  wait_ready 120
  measure_herald pg
  stop_server
  PG_DB=""
  NOTES+=("- PostgreSQL per accepted notification (pg_stat_database, measured window): $PG_PER.")
  pg_rows=$(psql_db "$hdb" -c "SELECT COUNT(*) FROM notifications")
  pg_size=$(psql_db "$hdb" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
  PG_RATE=$R_RATE
  ROWS+=("| Herald, PostgreSQL (fresh database) | **$R_RATE** | $R_REQ | $R_NON202 | $R_SOCKERR | $R_P50 / $R_P99 | $R_CPU | $R_RSS MB | $(rows_check "$pg_rows") | $R_FOREIGN | $R_LOAD |")
  pg_drop_db "$hdb"

  pg_create_db "$pdb"
  psql_db "$pdb" -f "$BENCH_DIR/pgbench/schema.sql" >/dev/null
  log "pgbench insert.sql: ${DURATION}s at $CONNECTIONS clients, $THREADS threads"
  pgbench_run "$pdb" "$BENCH_DIR/pgbench/insert.sql" "$WORK/pgbench-insert.txt"
  PGB_TPS=$P_TPS
  log "pgbench insert: $P_TPS tps"
  ROWS+=("| pgbench \`-n -c $CONNECTIONS -j $THREADS -T $DURATION -f bench/pgbench/insert.sql\` (1 INSERT/tx) | **$P_TPS** | | ${P_FAILED:-0} failed | | | PostgreSQL $P_CPU_PG ms | | | $P_FOREIGN | $P_LOAD |")
  if [ "$TX_CEILING" = 1 ]; then
    log "pgbench herald-tx.sql: ${DURATION}s"
    pgbench_run "$pdb" "$BENCH_DIR/pgbench/herald-tx.sql" "$WORK/pgbench-tx.txt"
    TX_TPS=$P_TPS
    log "pgbench Herald-shaped transaction: $P_TPS tps"
    ROWS+=("| pgbench \`… -f bench/pgbench/herald-tx.sql\` (Herald's accept SQL: 2 SELECTs + BEGIN/2 INSERTs/COMMIT) | $P_TPS | | ${P_FAILED:-0} failed | | | PostgreSQL $P_CPU_PG ms | | | $P_FOREIGN | $P_LOAD |")
  fi
  pg_drop_db "$pdb"
  RATIO=$(awk -v a="$PG_RATE" -v b="$PGB_TPS" 'BEGIN { printf "%.2f", a / b }')
  NOTES+=("- Herald on PostgreSQL / pgbench single-row insert = $PG_RATE / $PGB_TPS = **$RATIO** (goal >= 0.5: $(awk -v r="$RATIO" 'BEGIN { print (r >= 0.5 ? "met" : "NOT met") }')).")
  [ -n "${TX_TPS:-}" ] && NOTES+=("- Herald on PostgreSQL / pgbench Herald-shaped transaction = $(awk -v a="$PG_RATE" -v b="$TX_TPS" 'BEGIN { printf "%.2f", a / b }').")
  NOTES+=("- $(pg_settings_line)")
fi
[ -n "$H2_RATE" ] && NOTES=("- H2 goal >= 5,000 accepted/s: $(awk -v r="$H2_RATE" 'BEGIN { print (r >= 5000 ? "met" : "NOT met") }') ($H2_RATE/s)." "${NOTES[@]}")

MODE="due at once (the dispatcher delivers to the inbox alongside, as in production)"
[ "$DEFERRED" = 1 ] && MODE="deferred (send_at one hour ahead: the dispatcher stays idle, the accept path alone)"

emit_result accept <<EOF
### Accept rate — $RUN_DATE

- Command: $CMD
- Machine: $(machine_line)
- Build: $(build_line); server JVM options: \`$OPT_JAVA_OPTS\`
- Pinning: $(pin_line)
- Load: wrk $CONNECTIONS connections, $THREADS threads, ${WARMUP} s warm-up then ${DURATION} s measured; body: 1 recipient (a new one per request), \`"channels":["inbox"]\`, server API key; notifications $MODE.
- *CPU per notification*: CPU time of the server (and of PostgreSQL's processes for the database) divided by the notifications accepted in the measured window; unlike the rates, other load on the machine hardly changes it. 2 cores / that = the most this machine could accept with nothing else running.
- Load average before the run: $LOAD_BEFORE (1/5/15 min, /proc/loadavg). "Other CPU" = share of all cores used by processes outside the benchmark during the measurement (Herald, wrk/pgbench and PostgreSQL's work for our databases excluded).

| target | accepted/s | requests | non-2xx | socket errors | latency p50 / p99 ms | CPU per notification | server RSS | rows in DB after | other CPU | load avg at end |
|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${ROWS[@]}")

$(printf '%s\n' "${NOTES[@]}")
EOF
