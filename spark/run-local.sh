#!/usr/bin/env bash
# Runs the Spark scoring job locally, with the module's own dependencies (no Spark installation):
#   spark/run-local.sh --model DIR --input pairs.jsonl --output DIR [--raw] [--master local[N]]
# reads JSON Lines {"a": ..., "b": ...} and writes JSON Lines part files (part-*) to DIR. Builds the
# job jar first when it is missing or older than the sources (quietly, tests skipped). The job's
# other options: spark/run-local.sh --help.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="$root/spark/target/rerank-spark.jar"
classpath="$root/spark/target/classpath.txt"

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q '"25'; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  elif ! java -version 2>&1 | grep -q '"25'; then
    echo "error: the Spark job needs JDK 25: set JAVA_HOME to a JDK 25" >&2
    exit 1
  fi
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Stale when a source file or a pom of the modules in the jar is newer than it (build outputs in
# target/ do not count).
stale() {
  [ ! -f "$jar" ] || [ ! -f "$classpath" ] && return 0
  [ -n "$(find "$root/pom.xml" "$root/tokenizer" "$root/engine" "$root/spark" -name target -prune -o \
      \( -name pom.xml -o \( -path '*/src/*' -name '*.java' \) \) -newer "$jar" -print -quit 2>/dev/null)" ]
}
if stale; then
  echo "run-local: building the job jar (first run or sources changed)..." >&2
  if ! (cd "$root" && mvn -B -q -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
        package -pl spark -am >"$root/spark/build.log" 2>&1); then
    echo "error: build failed; see $root/spark/build.log" >&2
    exit 1
  fi
fi

flags=(
  @"$root/spark/conf/java-options"
  -Dlog4j2.configurationFile="$root/spark/conf/log4j2.properties"
  -Dspark.ui.enabled=false
)

# Show everything the job prints except the JVM's notice about the incubating Vector API module.
set +e
exec 3>&1
"$java" "${flags[@]}" -cp "$jar:$(cat "$classpath")" dev.rerank.spark.ScoreJob "$@" \
  2>&1 1>&3 3>&- | grep -v --line-buffered '^WARNING: Using incubator modules' >&2
exit "${PIPESTATUS[0]}"
