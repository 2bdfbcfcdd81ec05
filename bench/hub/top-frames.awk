# Summarises `jfr print --events jdk.ExecutionSample` output. what=frames (default): the top frame of every sample
# (self time; method without line number), "count share% method", most frequent first. what=threads: samples by
# thread name (trailing numbers folded to N).
/stackTrace = \[/ { want = 1; next }
want == 1 {
  f = $0
  sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*$/, "", f)
  if (f != "" && f != "]") { top[f]++; total++ }
  want = 0
}
/(sampledThread|eventThread) = / {
  t = $0; sub(/.*(sampledThread|eventThread) = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+$/, "N", t); if (t == "") t = "(virtual thread)"; thread[t]++
}
END {
  if (total == 0) exit
  if (what == "threads") { for (t in thread) printf "%7d %5.1f%%  %s\n", thread[t], 100 * thread[t] / total, t | "sort -rn" }
  else { for (f in top) printf "%7d %5.1f%%  %s\n", top[f], 100 * top[f] / total, f | "sort -rn" }
}
