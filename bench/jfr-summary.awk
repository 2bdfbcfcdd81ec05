# Summarises `jfr print --stack-depth 96 --events jdk.ExecutionSample` output:
#  1. self time by library (the package group of the top frame),
#  2. each sample charged to the nearest Herald method on its stack (what Herald code caused the work),
#  3. a few known hot spots, inclusive (share of samples with such a frame anywhere on the stack).
function group(f) {
  if (f ~ /^org\.h2\./) return "H2"
  if (f ~ /^org\.postgresql\./) return "PostgreSQL JDBC driver"
  if (f ~ /^org\.jdbi\./) return "Jdbi"
  if (f ~ /^com\.zaxxer\./) return "HikariCP"
  if (f ~ /^com\.fasterxml\./) return "Jackson"
  if (f ~ /^io\.netty\./ || f ~ /^io\.vertx\./) return "Netty / Vert.x"
  if (f ~ /^io\.micrometer\./ || f ~ /^io\.prometheus\./) return "Micrometer"
  if (f ~ /^org\.herald\./) return "Herald"
  if (f ~ /^(java|javax|jdk|sun|com\.sun)\./) return "JDK"
  return "other"
}
function flush(   i, h, k) {
  if (n == 0) return
  total++
  self[group(fr[1])]++
  h = "(no Herald frame: event loop, H2 background writer, JVM)"
  for (i = 1; i <= n; i++) if (fr[i] ~ /^org\.herald\./) { h = fr[i]; break }
  herald[h]++
  for (k in pat) { for (i = 1; i <= n; i++) if (fr[i] ~ pat[k]) { hot[k]++; break } }
  n = 0
}
BEGIN {
  pat["H2 commit: MVStore.commit / FileStore.store (chunk written per commit)"] = "^org\\.h2\\.mvstore\\.(MVStore\\.commit|FileStore\\.(store|serializeAndStore|storeIt))"
  pat["H2 statement execution (Command.execute*)"] = "^org\\.h2\\.command\\.Command\\.execute"
  pat["H2 SQL parsing (Parser)"] = "^org\\.h2\\.command\\.Parser\\."
  pat["Jdbi statement set-up (ConfigRegistry / createCopy / SqlStatement.parseSql)"] = "^org\\.jdbi\\.v3\\.core\\.(config\\.ConfigRegistry|.*createCopy|statement\\.SqlStatement\\.parseSql)"
  pat["Jdbi handle open/close (Jdbi.open / Handle.close)"] = "^org\\.jdbi\\.v3\\.core\\.(Jdbi\\.open|Handle\\.close)"
  pat["HikariCP borrow/return"] = "^com\\.zaxxer\\.hikari\\.pool\\.HikariPool\\.(getConnection|recycle)"
  pat["Jackson (parse + write)"] = "^com\\.fasterxml\\.jackson\\."
  pat["SecureRandom (Ids.newId)"] = "^(java\\.security\\.SecureRandom|sun\\.security\\.provider\\.)"
  pat["SHA-256 (API key hash per request)"] = "^org\\.herald\\.http\\.auth\\.ApiKeys\\.hash"
  pat["Micrometer timers"] = "^io\\.micrometer\\."
  pat["PostgreSQL driver I/O (QueryExecutorImpl)"] = "^org\\.postgresql\\.core\\.v3\\.QueryExecutorImpl\\."
  pat["claim query (DeliveryStore.claim)"] = "^org\\.herald\\.store\\.DeliveryStore\\.claim"
  pat["completions (DeliveryStore.complete)"] = "^org\\.herald\\.store\\.DeliveryStore\\.complete"
  pat["inbox insert (InboxStore.add)"] = "^org\\.herald\\.store\\.InboxStore\\.add"
  pat["accept (NotificationService.accept)"] = "^org\\.herald\\.pipeline\\.NotificationService\\.accept"
  pat["metrics scrape / queue depth gauge"] = "^org\\.herald\\.store\\.DeliveryStore\\.countByStatusAndChannel|PrometheusMeterRegistry\\.scrape"
}
/^jdk\.ExecutionSample/ { flush(); inst = 0; next }
/stackTrace = \[/ { inst = 1; next }
inst && /^[[:space:]]*\]/ { inst = 0; next }
inst {
  line = $0; sub(/^[[:space:]]+/, "", line); sub(/[[:space:]]+line:.*/, "", line)
  if (line == "...") next
  fr[++n] = line
}
END {
  flush()
  printf "%d samples\n\n## self time by library (top frame)\n", total
  for (k in self) printf "%6.1f%%  %s\n", 100 * self[k] / total, k | "sort -rn"
  close("sort -rn")
  printf "\n## charged to the nearest Herald method on the stack (top 25)\n"
  for (k in herald) printf "%6.1f%%  %s\n", 100 * herald[k] / total, k | "sort -rn | head -25"
  close("sort -rn | head -25")
  printf "\n## known hot spots, inclusive (a sample can count in several)\n"
  for (k in hot) printf "%6.1f%%  %s\n", 100 * hot[k] / total, k | "sort -rn"
  close("sort -rn")
}
