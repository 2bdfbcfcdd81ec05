#!/usr/bin/env bash
# Cost of one claim of 32 due deliveries (the dispatcher's DeliveryStore.claim) with N deliveries queued, on H2 and on
# PostgreSQL: Herald's V1 query and index, and the alternative described in docs/benchmarks.md. No server involved:
# bench/probe/ClaimProbe.java talks JDBC to a scratch H2 file / a scratch PostgreSQL database.
#
#   bench/claim-probe.sh [--db h2|pg|all] [--rows 20000] [--rounds 9] [common options]
. "$(dirname "$0")/lib.sh"

DB=all
ROWS=20000
ROUNDS=9

usage() {
  cat <<EOF
Usage: bench/claim-probe.sh [options]
  --db h2|pg|all   database(s) (default all)
  --rows N         queued deliveries in the table (default $ROWS)
  --rounds N       claims timed per variant; medians are reported (default $ROUNDS)
$COMMON_USAGE
EOF
}

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
  parse_common "$@"
  if [ "$COMMON_SHIFT" -gt 0 ]; then shift "$COMMON_SHIFT"; continue; fi
  case "$1" in
    --db) [ $# -ge 2 ] || die "--db needs h2, pg or all"; DB=$2; shift 2 ;;
    --rows) [ $# -ge 2 ] || die "--rows needs a number"; ROWS=$(need_int "$1" "$2"); shift 2 ;;
    --rounds) [ $# -ge 2 ] || die "--rounds needs a number"; ROUNDS=$(need_int "$1" "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
case "$DB" in h2|pg|all) ;; *) die "--db must be h2, pg or all" ;; esac
[ "$ROUNDS" -ge 1 ] || die "--rounds must be at least 1"

bench_setup claim
CMD=$(command_line "$0" "${ORIG_ARGS[@]}")
LINES=()
probe() { # probe DRIVER_JAR URL USER
  "$JAVA" -cp "$1" "$BENCH_DIR/probe/ClaimProbe.java" "$2" "$3" "$ROWS" "$ROUNDS" >"$WORK/probe.out" 2>&1 \
    || { cat "$WORK/probe.out" >&2; die "probe failed"; }
  grep '^  plan:' "$WORK/probe.out" | sed 's/^  plan: /  - plan: /' >&2 || true
  mapfile -t -O "${#LINES[@]}" LINES < <(grep '^|' "$WORK/probe.out")
}

if [ "$DB" = h2 ] || [ "$DB" = all ]; then
  log "H2: $ROWS queued deliveries"
  suffix=${OPT_H2_SUFFIX:-;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE}
  probe "$(ls "$WORK"/app/lib/h2-*.jar)" "jdbc:h2:file:$WORK/h2/probe$suffix" ""
  for i in "${!LINES[@]}"; do LINES[$i]="| H2 ${LINES[$i]#| }"; done
fi
if [ "$DB" = pg ] || [ "$DB" = all ]; then
  pg_ready
  db="herald_claim_$$"
  pg_create_db "$db"
  log "PostgreSQL: $ROWS queued deliveries"
  n=${#LINES[@]}
  probe "$(ls "$WORK"/app/lib/postgresql-*.jar)" "jdbc:postgresql://$OPT_PG_HOST:$OPT_PG_PORT/$db" "$OPT_PG_USER"
  for ((i = n; i < ${#LINES[@]}; i++)); do LINES[$i]="| PostgreSQL ${LINES[$i]#| }"; done
  pg_drop_db "$db"
fi

emit_result claim-probe <<EOF
### Claim query probe — $RUN_DATE

- Command: $CMD
- Machine: $(machine_line)
- Build: $(build_line) (only its JDBC drivers are used)
- Work: a deliveries table with Herald's V1 columns and indexes holding $ROWS queued, due deliveries; each round claims 32 like \`DeliveryStore.claim\` (select ids, UPDATE them to sending, commit); medians of $ROUNDS rounds, one connection, no server.
- Load average before: $LOAD_BEFORE; at the end: $(loadavg) (1/5/15 min).

| database, variant | select ms | update ms | commit ms | claim total ms | rows claimed |
|---|---|---|---|---|---|
$(printf '%s\n' "${LINES[@]}")
EOF
