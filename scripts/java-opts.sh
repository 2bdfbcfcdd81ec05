# Sourced by ./herald and bench/hub/run.sh: Herald's default JVM options (HERALD_JAVA_OPTS adds to or overrides them).
# Connections are long-lived and small (about 4 KB of heap each): a small young generation that promotes survivors at
# once keeps young pauses short and RSS close to the live data (docs/operations.md, "Memory and GC").
HERALD_DEFAULT_GC="-XX:+UseParallelGC"
HERALD_DEFAULT_MEMORY="-Xmx512m -Xmn64m -XX:MaxTenuringThreshold=1"
