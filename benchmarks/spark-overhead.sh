#!/usr/bin/env bash
# Spark's overhead over the engine: STS-B test pairs on the distilroberta-base-shaped model through
# Spark local[N] and through CrossEncoder with N threads, alternately, in one JVM (SparkOverhead).
#   benchmarks/spark-overhead.sh [--rounds R] [--partitions P] [--cores N] [--pairs N]   (defaults 3, 2N, 2, all 1,379)
# About 20-40 s per round and side on two cores. Writes the synthetic model to
# benchmarks/target/spark-model once. Not part of the tests or CI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/env.sh"

echo "== building"
mvn -B -q -DskipTests package -pl benchmarks,spark -am

"$java" @spark/conf/java-options -Xmx6g -Dlog4j2.configurationFile=spark/conf/log4j2.properties \
  -cp "benchmarks/target/benchmarks.jar:$(cat spark/target/classpath.txt)" \
  dev.rerank.benchmarks.SparkOverhead "$@" 2>&1 | grep --line-buffered -v '^WARNING: Using incubator modules'
exit "${PIPESTATUS[0]}"
