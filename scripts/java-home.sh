# Sourced by ./herald, ./test and .ci/run: exports JAVA_HOME pointing at a JDK of 21 or newer.
# Order: $JAVA_HOME if it is new enough, then the JDKs under /usr/lib/jvm (newest first), then `java` on PATH.
herald_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
herald_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    v=$(herald_java_major "$JAVA_HOME"); [ "${v:-0}" -ge 21 ] && { echo "$JAVA_HOME"; return 0; }
  fi
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    v=$(herald_java_major "$d"); [ "${v:-0}" -ge 21 ] && { echo "$d"; return 0; }
  done
  if command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(herald_java_major "$d"); [ "${v:-0}" -ge 21 ] && { echo "$d"; return 0; }
  fi
  return 1
}
if ! JAVA_HOME=$(herald_find_jdk); then
  echo "herald: no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm/*, PATH). Install one, e.g. apt-get install openjdk-21-jdk" >&2
  exit 1
fi
export JAVA_HOME
