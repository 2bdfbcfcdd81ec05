#!/usr/bin/env bash
# Start-up time and idle memory of `herald serve`: the time from exec to the first 200 of GET /health/ready (polled
# every 5 ms over a raw socket from this shell, no process forked while polling), and VmRSS of the server after it
# has been idle for a while. Runs N starts on fresh data dirs (first start: schema created) and N restarts on an
# existing one, and reports the medians.
#
#   bench/startup.sh [--db h2|pg] [--runs 5] [--idle 10] [common options]
. "$(dirname "$0")/lib.sh"

DB=h2
RUNS=5
IDLE=10

usage() {
  cat <<EOF
Usage: bench/startup.sh [options]
  --db h2|pg      database (default h2; pg: a fresh database per first start, dropped at the end)
  --runs N        starts of each kind, first starts and restarts (default $RUNS)
  --idle S        seconds idle after ready before VmRSS is read (default $IDLE)
$COMMON_USAGE
EOF
}

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  parse_common "$@"
  if [ "$COMMON_SHIFT" -gt 0 ]; then shift "$COMMON_SHIFT"; continue; fi
  case "$1" in
    --db) [ $# -ge 2 ] || die "--db needs h2 or pg"; DB=$2; shift 2 ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a number"; RUNS=$(need_int "$1" "$2"); shift 2 ;;
    --idle) [ $# -ge 2 ] || die "--idle needs seconds"; IDLE=$(need_int "$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
case "$DB" in h2|pg) ;; *) die "--db must be h2 or pg" ;; esac
[ "$RUNS" -ge 1 ] || die "--runs must be at least 1"

bench_setup startup
CMD=$(command_line "$0" "${ORIG_ARGS[@]}")
[ "$DB" = pg ] && pg_ready
mkfifo "$WORK/never"
exec {NEVER}<>"$WORK/never"   # reading it with a timeout is a sleep without forking

# ready_at: polls /health/ready until 200; prints EPOCHREALTIME of that answer. Dies when the server exits.
ready_at() {
  local h line
  while :; do
    if { exec {h}<>"/dev/tcp/127.0.0.1/$OPT_PORT"; } 2>/dev/null; then
      printf 'GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$h"
      line=""
      read -r -t 5 -u "$h" line 2>/dev/null || true
      exec {h}>&-
      if [[ "$line" == "HTTP/1."?" 200"* ]]; then echo "$EPOCHREALTIME"; return 0; fi
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      tail -n 30 "$SERVER_LOG" >&2; SERVER_PID=""; die "server exited during start-up"
    fi
    read -r -t 0.005 -u "$NEVER" _ || true
  done
}

# one_start KIND DATA_DIR [env...]: appends "ms self_ms rss_mb" to $WORK/KIND.txt
one_start() {
  local kind=$1 data=$2 t1 ms self rss; shift 2
  start_server "$kind" "$data" "$@"
  t1=$(ready_at)
  ms=$(awk -v a="$SERVER_T0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  sleep "$IDLE"
  rss=$(( $(rss_kb "$SERVER_PID") / 1024 ))
  self=$(sed -n 's/.*Herald ready on port [0-9]* in \([0-9]*\) ms.*/\1/p' "$SERVER_LOG" | head -n1)
  stop_server
  echo "$ms ${self:-?} $rss" >>"$WORK/$kind.txt"
  log "$kind: ready after $ms ms (Herald's own count: ${self:-?} ms), RSS after ${IDLE}s idle: $rss MB"
}

db_env() { # db_env RUN: the environment that points the server at its database
  if [ "$DB" = pg ]; then
    echo "HERALD_DB_URL=jdbc:postgresql://$OPT_PG_HOST:$OPT_PG_PORT/herald_start_$$_$1"
    echo "HERALD_DB_USER=$OPT_PG_USER"
  fi
}

: >"$WORK/first.txt"; : >"$WORK/restart.txt"
for i in $(seq 1 "$RUNS"); do
  [ "$DB" = pg ] && pg_create_db "herald_start_$$_$i"
  mapfile -t envs < <(db_env "$i")
  one_start first "$WORK/data-$i" "${envs[@]}"
done
mapfile -t envs < <(db_env "$RUNS")
for i in $(seq 1 "$RUNS"); do
  one_start restart "$WORK/data-$RUNS" "${envs[@]}"
done
LOAD_END=$(loadavg)
if [ "$DB" = pg ]; then for i in $(seq 1 "$RUNS"); do pg_drop_db "herald_start_$$_$i"; done; fi

row() { # row KIND LABEL
  local f="$WORK/$1.txt"
  local all; all=$(cut -d' ' -f1 "$f" | paste -sd' ')
  echo "| $2 | **$(cut -d' ' -f1 "$f" | median) ms** | $all | $(cut -d' ' -f2 "$f" | median) ms | **$(cut -d' ' -f3 "$f" | median) MB** | $(cut -d' ' -f3 "$f" | paste -sd' ') |"
}
DBNAME="H2 (embedded)"
[ "$DB" = pg ] && DBNAME="PostgreSQL"

emit_result startup <<EOF
### Start-up time and idle RSS — $RUN_DATE

- Command: $CMD
- Machine: $(machine_line)
- Build: $(build_line); server JVM options: \`$OPT_JAVA_OPTS\` (heap size: JVM default)
- Pinning: $(pin_line)
- Method: \`java -jar herald.jar serve\` on $DBNAME; time from exec to the first 200 of /health/ready (5 ms polling);
  VmRSS from /proc/<pid>/status after ${IDLE} s idle. First start = fresh data dir$( [ "$DB" = pg ] && echo " and fresh database") (schema created); restart = existing one.
- Load average before: $LOAD_BEFORE; after: $LOAD_END (1/5/15 min).

| start | exec → ready (median) | each run (ms) | Herald's own "ready in" (median) | RSS idle (median) | each run (MB) |
|---|---|---|---|---|---|
$(row first "first start ($RUNS runs)")
$(row restart "restart ($RUNS runs)")
EOF
