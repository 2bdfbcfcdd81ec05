#!/usr/bin/env bash
# Dispatch rate: deliveries/s from queued to delivered on the inbox channel, on H2 and on PostgreSQL.
#
# How: N deliveries are accepted up front as notifications of R recipients each, all with the same send_at a little
# in the future, so none is due while they are being accepted. From send_at on, the dispatcher finds all N due at
# once; the run ends when no delivery is queued or sending any more (GET /api/v1/deliveries?status=…&limit=1). The
# Prometheus counter herald_delivery_attempt_seconds_count{channel="inbox"} is sampled every 500 ms for the curve.
# A small warm-up batch (due at once) is dispatched first so the JIT has seen the path.
#
#   bench/dispatch.sh [--db h2|pg|all] [--deliveries 20000] [--per-notification 100] [common options]
. "$(dirname "$0")/lib.sh"

DB=all
DELIVERIES=20000
PER=100
PARALLEL=8
LEAD=0
WARMUP=2000
TIMEOUT=900

usage() {
  cat <<EOF
Usage: bench/dispatch.sh [options]
  --db h2|pg|all          database(s) to measure (default all)
  --deliveries N          deliveries to dispatch (default $DELIVERIES)
  --per-notification R    recipients per notification, 1..1000 (default $PER)
  --parallel P            concurrent POSTs while accepting (default $PARALLEL)
  --lead S                seconds from the start of accepting to send_at (default: the warm-up batch's accept
                          time scaled to N, plus 10, at least 15); a run whose accepting ends after send_at is
                          flagged "overlapped" in the result
  --warmup N              deliveries dispatched once before the measurement (default $WARMUP; 0: none)
  --timeout S             give up when not drained after S seconds (default $TIMEOUT)
$COMMON_USAGE
EOF
}

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  parse_common "$@"
  if [ "$COMMON_SHIFT" -gt 0 ]; then shift "$COMMON_SHIFT"; continue; fi
  case "$1" in
    --db) [ $# -ge 2 ] || die "--db needs h2, pg or all"; DB=$2; shift 2 ;;
    --deliveries) [ $# -ge 2 ] || die "--deliveries needs a number"; DELIVERIES=$(need_int "$1" "$2"); shift 2 ;;
    --per-notification) [ $# -ge 2 ] || die "--per-notification needs a number"; PER=$(need_int "$1" "$2"); shift 2 ;;
    --parallel) [ $# -ge 2 ] || die "--parallel needs a number"; PARALLEL=$(need_int "$1" "$2"); shift 2 ;;
    --lead) [ $# -ge 2 ] || die "--lead needs seconds"; LEAD=$(need_int "$1" "$2"); shift 2 ;;
    --warmup) [ $# -ge 2 ] || die "--warmup needs a number"; WARMUP=$(need_int "$1" "$2"); shift 2 ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; TIMEOUT=$(need_int "$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
case "$DB" in h2|pg|all) ;; *) die "--db must be h2, pg or all" ;; esac
[ "$PER" -ge 1 ] && [ "$PER" -le 1000 ] || die "--per-notification must be 1..1000"
[ "$DELIVERIES" -ge "$PER" ] || die "--deliveries must be at least --per-notification"
[ "$PARALLEL" -ge 1 ] || die "--parallel must be at least 1"

bench_setup dispatch
CMD=$(command_line "$0" "${ORIG_ARGS[@]}")
NOTIFS=$(( (DELIVERIES + PER - 1) / PER ))
N=$((NOTIFS * PER))
WARM_NOTIFS=$(( WARMUP > 0 ? (WARMUP + PER - 1) / PER : 0 ))

# make_batch DIR PREFIX COUNT [SEND_AT]: COUNT bodies of PER recipients each and a curl config POSTing them.
make_batch() {
  local dir=$1 prefix=$2 count=$3 send_at=${4:-}
  mkdir -p "$dir"
  awk -v dir="$dir" -v prefix="$prefix" -v count="$count" -v per="$PER" -v send_at="$send_at" \
      -v url="http://127.0.0.1:$OPT_PORT/api/v1/notifications" -v key="$BENCH_API_KEY" 'BEGIN {
    cfg = dir "/curl.cfg"
    for (i = 1; i <= count; i++) {
      f = dir "/body-" i ".json"
      printf "{\"to\":[" > f
      for (r = 1; r <= per; r++) printf "%s\"user:%s%d-%d\"", (r > 1 ? "," : ""), prefix, i, r > f
      printf "],\"channels\":[\"inbox\"],\"type\":\"bench.dispatch\",\"title\":\"Benchmark\",\"text\":\"Dispatch benchmark %d\"", i > f
      if (send_at != "") printf ",\"send_at\":\"%s\"", send_at > f
      printf "}" > f
      close(f)
      printf "url = \"%s\"\nrequest = \"POST\"\nheader = \"Authorization: Bearer %s\"\nheader = \"Content-Type: application/json\"\n", url, key > cfg
      printf "data-binary = \"@%s\"\noutput = \"%s/answer-%d.json\"\nwrite-out = \"%%{http_code}\\n\"\n", f, dir, i > cfg
      if (i < count) print "next" > cfg
    }
  }'
}

# post_batch DIR: POSTs the batch; dies unless every answer is 202 with PER queued deliveries. Sets POST_SECONDS.
post_batch() {
  local dir=$1 t0 codes bad queued expected
  t0=$EPOCHREALTIME
  "${LOAD_PIN[@]}" curl -sS --no-progress-meter --parallel --parallel-max "$PARALLEL" -K "$dir/curl.cfg" \
    >"$dir/codes.txt" 2>"$dir/curl.err" || { cat "$dir/curl.err" >&2; die "curl failed"; }
  POST_SECONDS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
  codes=$(wc -l <"$dir/codes.txt")
  bad=$(grep -vc '^202$' "$dir/codes.txt" || true)
  [ "$bad" = 0 ] || { sort "$dir/codes.txt" | uniq -c >&2; head -c 400 "$(ls "$dir"/answer-*.json | head -n1)" >&2; die "$bad of $codes POSTs were not 202"; }
  queued=$(cat "$dir"/answer-*.json | grep -o '"status":"queued"' | wc -l)
  expected=$(( $(ls "$dir"/body-*.json | wc -l) * PER ))
  [ "$queued" = "$expected" ] || die "expected $expected queued deliveries in the answers, got $queued"
}

pending() { # prints how many of {queued, sending} deliveries exist (0, or 1+ meaning "some")
  local q s
  q=$(api GET "/api/v1/deliveries?status=queued&limit=1" | grep -o '"id"' | wc -l)
  s=$(api GET "/api/v1/deliveries?status=sending&limit=1" | grep -o '"id"' | wc -l)
  echo $((q + s))
}

attempts_total() { metric_sum herald_delivery_attempt_seconds_count 'channel="inbox"'; }

wait_drained() { # wait_drained LIMIT_SECONDS
  local start=$SECONDS
  until [ "$(pending)" = 0 ]; do
    [ $((SECONDS - start)) -lt "$1" ] || die "deliveries still pending after $1 s"
    sleep 0.2
  done
}

# measure LABEL: on the running server; sets D_* variables.
measure() {
  local label=$1 c0 now t_send t_end samples a b lead
  local dir="$WORK/$label"
  if [ "$WARM_NOTIFS" -gt 0 ]; then
    log "$label: warm-up: $((WARM_NOTIFS * PER)) deliveries due at once"
    make_batch "$dir/warmup" w "$WARM_NOTIFS"
    post_batch "$dir/warmup"
    wait_drained "$TIMEOUT"
    log "$label: warm-up accepted in ${POST_SECONDS}s and drained"
    lead=$(awk -v s="$POST_SECONDS" -v w="$WARM_NOTIFS" -v n="$NOTIFS" 'BEGIN { l = s * n / w + 10; if (l < 15) l = 15; printf "%d", l }')
  else
    lead=30
  fi
  [ "$LEAD" -gt 0 ] && lead=$LEAD
  t_send=$(( ${EPOCHREALTIME%.*} + lead + 1 ))
  local send_at; send_at=$(date -u -d "@$t_send" +%Y-%m-%dT%H:%M:%SZ)
  make_batch "$dir/main" m "$NOTIFS" "$send_at"
  log "$label: accepting $N deliveries ($NOTIFS notifications x $PER recipients), send_at $send_at (in ${lead}s)"
  c0=$(attempts_total)   # nothing is due between here and send_at: the warm-up has drained
  post_batch "$dir/main"
  D_ACCEPT_S=$POST_SECONDS
  now=$EPOCHREALTIME
  D_OVERLAP=""
  if awk -v n="$now" -v t="$t_send" 'BEGIN { exit !(n >= t) }'; then
    D_OVERLAP=$(awk -v n="$now" -v t="$t_send" 'BEGIN { printf "%.1f", n - t }')
    log "$label: WARNING: accepting ended ${D_OVERLAP}s after send_at, so dispatching overlapped accepting (raise --lead)"
  fi
  log "$label: accepted in ${POST_SECONDS}s; waiting for send_at"
  while awk -v n="$EPOCHREALTIME" -v t="$t_send" 'BEGIN { exit !(n < t - 0.3) }'; do sleep 0.1; done
  a=$(cpu_sample "$SERVER_PID")
  [ -n "${PG_DB:-}" ] && PGC0=$(pg_counters "$PG_DB")
  jfr_start 15 "dispatch-$label"
  samples="$dir/samples.txt"
  : >"$samples"
  local done_at="" c
  while :; do
    c=$(attempts_total)
    now=$EPOCHREALTIME
    echo "$now $((c - c0))" >>"$samples"
    if [ $((c - c0)) -ge "$N" ] && [ "$(pending)" = 0 ]; then done_at=$EPOCHREALTIME; break; fi
    awk -v n="$now" -v t="$t_send" -v lim="$TIMEOUT" 'BEGIN { exit !(n - t > lim) }' && die "not drained after $TIMEOUT s"
    sleep 0.5
  done
  b=$(cpu_sample "$SERVER_PID")
  if [ -n "${PG_DB:-}" ]; then
    sleep 1.2   # let the backends flush their statistics
    D_PG_PER=$(pg_per_op "$PGC0" "$(pg_counters "$PG_DB")" "$N")
    D_PG_SCANS=$(psql_db "$PG_DB" -c "SELECT string_agg(relname || ': ' || coalesce(seq_scan, 0) || ' seq scans reading '
        || coalesce(seq_tup_read, 0) || ' rows, ' || coalesce(idx_scan, 0) || ' index scans fetching ' || coalesce(idx_tup_fetch, 0)
        || ' rows', '; ' ORDER BY coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) DESC)
        FROM pg_stat_user_tables WHERE coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) > 0")
    D_PG_INDEXES=$(psql_db "$PG_DB" -c "SELECT string_agg(indexrelname || ': ' || idx_scan || ' scans reading ' || idx_tup_read
        || ' entries, fetching ' || idx_tup_fetch || ' rows', '; ' ORDER BY idx_tup_read DESC)
        FROM pg_stat_user_indexes WHERE relname = 'deliveries' AND idx_scan > 0")
  fi
  D_LOAD=$(loadavg)
  jfr_report "dispatch-$label"
  D_TOTAL_S=$(awk -v a="$t_send" -v b="$done_at" 'BEGIN { printf "%.2f", b - a }')
  D_FOREIGN=$(cpu_foreign "$a" "$b")
  D_CPU="$(cpu_per_op "$a" "$b" "$N" first) ms"
  [ "$label" = pg ] && D_CPU+=" + PostgreSQL $(cpu_per_op "$a" "$b" "$N" pg) ms"
  D_RATE=$(awk -v n="$N" -v s="$D_TOTAL_S" 'BEGIN { printf "%.0f", n / s }')
  # steady rate: between 10 % and 90 % of the attempts; peak: best 1 s window; first attempt latency after send_at
  read -r D_STEADY D_PEAK D_FIRST < <(awk -v n="$N" -v t="$t_send" '
    { ts[NR] = $1; c[NR] = $2 }
    END {
      for (i = 1; i <= NR; i++) {
        if (t10 == "" && c[i] >= 0.1 * n) t10 = ts[i]
        if (t90 == "" && c[i] >= 0.9 * n) t90 = ts[i]
        if (first == "" && c[i] > 0) first = ts[i] - t
        for (j = i; j <= NR && ts[j] - ts[i] < 1.0; j++) ;
        if (j <= NR && ts[j] - ts[i] > 0) { r = (c[j] - c[i]) / (ts[j] - ts[i]); if (r > peak) peak = r }
      }
      steady = (t90 > t10) ? 0.8 * n / (t90 - t10) : 0
      printf "%.0f %.0f %.2f\n", steady, peak, first
    }' "$samples")
  D_RSS=$(( $(rss_kb "$SERVER_PID") / 1024 ))
  [ -z "$D_OVERLAP" ] || D_ACCEPT_S+=" (**overlapped dispatch by ${D_OVERLAP} s**)"
  log "$label: $N deliveries in ${D_TOTAL_S}s after send_at: $D_RATE/s overall, $D_STEADY/s steady, peak $D_PEAK/s"
}

ROWS=()
NOTES=()
D_PG_PER="n/a"
D_PG_SCANS=""

if [ "$DB" = h2 ] || [ "$DB" = all ]; then
  data="$WORK/h2-data"
  start_server h2 "$data"
  wait_ready 120
  measure h2
  stop_server
  states=$("$JAVA" -cp "$(ls "$WORK"/app/lib/h2-*.jar)" org.h2.tools.Shell -url "jdbc:h2:file:$data/herald" -user "" -password "" \
    -sql "SELECT status || '=' || COUNT(*) FROM deliveries GROUP BY status ORDER BY status" 2>/dev/null | sed -n '2,$p' | tr -d ' ' | grep -v '^(' | paste -sd' ' || true)
  ROWS+=("| Herald, H2 (fresh data dir) | **$D_RATE** | $D_STEADY | $D_PEAK | $D_TOTAL_S s | $D_FIRST s | $D_ACCEPT_S s | $D_CPU | ${states:-?} | $D_RSS MB | $D_FOREIGN | $D_LOAD |")
fi

if [ "$DB" = pg ] || [ "$DB" = all ]; then
  pg_ready
  hdb="herald_bench_$$"
  pg_create_db "$hdb"
  PG_DB=$hdb
  start_server pg "$WORK/pg-data" HERALD_DB_URL="jdbc:postgresql://$OPT_PG_HOST:$OPT_PG_PORT/$hdb" HERALD_DB_USER="$OPT_PG_USER"
  wait_ready 120
  measure pg
  stop_server
  states=$(psql_db "$hdb" -c "SELECT status || '=' || COUNT(*) FROM deliveries GROUP BY status ORDER BY status" | paste -sd' ')
  ROWS+=("| Herald, PostgreSQL (fresh database) | **$D_RATE** | $D_STEADY | $D_PEAK | $D_TOTAL_S s | $D_FIRST s | $D_ACCEPT_S s | $D_CPU | $states | $D_RSS MB | $D_FOREIGN | $D_LOAD |")
  pg_drop_db "$hdb"
  NOTES+=("- PostgreSQL per delivery (pg_stat_database, send_at to drained): $D_PG_PER.")
  NOTES+=("- PostgreSQL table statistics for the whole run, warm-up included (pg_stat_user_tables): ${D_PG_SCANS:-n/a}.")
  NOTES+=("- The deliveries table's indexes (pg_stat_user_indexes, same window): ${D_PG_INDEXES:-n/a}.")
  NOTES+=("- $(pg_settings_line)")
  PG_DB=""
fi

emit_result dispatch <<EOF
### Dispatch rate — $RUN_DATE

- Command: $CMD
- Machine: $(machine_line)
- Build: $(build_line); server JVM options: \`$OPT_JAVA_OPTS\`; queue settings: Herald's defaults (concurrency 64, batch 32, poll 500 ms) unless set in the extra environment
- Pinning: $(pin_line)
- Work: $N inbox deliveries ($NOTIFS notifications x $PER recipients) accepted with one send_at, $PARALLEL POSTs at a time, after a warm-up of $((WARM_NOTIFS * PER)) deliveries; timed from send_at until none is queued or sending.
- *CPU per delivery*: CPU time of the server (and of PostgreSQL for the database) from send_at to drained, divided by the deliveries; other load hardly changes it.
- Load average before the run: $LOAD_BEFORE (1/5/15 min). "Other CPU" = share of all cores used by processes outside the benchmark while dispatching.

| target | deliveries/s (send_at → drained) | steady (10–90 %) | best 1 s | drain time | first attempt after send_at | accept time | CPU per delivery | deliveries after (by status) | server RSS | other CPU | load avg at end |
|---|---|---|---|---|---|---|---|---|---|---|---|
$(printf '%s\n' "${ROWS[@]}")
$( [ ${#NOTES[@]} -gt 0 ] && { echo; printf '%s\n' "${NOTES[@]}"; } )
EOF
