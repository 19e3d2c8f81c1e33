#!/usr/bin/env bash
# Load test of `rerank serve` (POST /rerank, 8 documents per request) on loopback at 1, 8 and 32
# concurrent clients, on the tiny model and on the distilroberta-shaped synthetic model, small
# requests beside a stream of large ones, plus a 60 s run that samples resident memory and 30 s
# idle after it. The JVM runs G1 with the periodic collection `rerank serve` switches on.
# Bounded: it stops by itself (about 4 minutes).
# Writes benchmarks/target/load.md, which benchmarks/run.sh puts into RESULTS.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/env.sh"
mvn -B -q -DskipTests package -pl benchmarks -am
if [ ! -f "$out/model/model.safetensors" ]; then
  echo "error: run benchmarks/run.sh first (it writes the synthetic model to $out/model)" >&2
  exit 1
fi
run() { "$java" --add-modules jdk.incubator.vector -Xmx4g -XX:+UseG1GC -XX:G1PeriodicGCInterval=10000 -cp benchmarks/target/benchmarks.jar \
  dev.rerank.benchmarks.ServerLoadTest "$@" 2> >(grep -v '^WARNING' >&2); }
{
  run "tiny model (testdata/models/tiny-roberta)" testdata/models/tiny-roberta 10 60 30
  run "distilroberta-shaped synthetic model" "$out/model" 10 0
} | tee "$out/load.md"
