#!/bin/sh
# Regenerates the table of keys in docs/configuration.md from the configuration tree (ConfigDocsTest checks it).
set -eu
cd "$(dirname "$0")/.."
. scripts/java-home.sh
./mvnw -B -q -DskipTests package
"$JAVA_HOME/bin/java" -jar target/herald.jar config docs > target/config-table.md
python3 - <<'PY'
import re
doc = open("docs/configuration.md").read()
table = open("target/config-table.md").read()
begin, end = "<!-- BEGIN GENERATED KEYS (herald config docs) -->", "<!-- END GENERATED KEYS -->"
i, j = doc.index(begin) + len(begin), doc.index(end)
open("docs/configuration.md", "w").write(doc[:i] + "\n" + table + doc[j:])
PY
