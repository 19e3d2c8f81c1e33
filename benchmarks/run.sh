#!/usr/bin/env bash
# Runs the whole benchmark race and regenerates benchmarks/RESULTS.md from its JSON.
#   benchmarks/run.sh            everything (about 15-20 minutes on 2 cores)
#   benchmarks/run.sh Race       only benchmarks whose name matches
# Set-up it needs once: Debian's python3-torch (apt-get install -y python3-torch) to export the
# ONNX model for ONNX Runtime. Nothing here is part of the tests or CI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/env.sh"
model="$out/model"

echo "== building"
mvn -B -q -DskipTests package -pl benchmarks,cli -am

if [ ! -f "$model/model.onnx" ]; then
  echo "== writing the synthetic distilroberta-shaped model and its ONNX export to $model"
  if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "error: the ONNX export needs Debian's python3-torch: apt-get install -y python3-torch" >&2
    exit 1
  fi
  mkdir -p "$model"
  cp benchmarks/scripts/distilroberta-config.json "$model/config.json"
  cp testdata/roberta-base-tokenizer/tokenizer.json testdata/roberta-base-tokenizer/tokenizer_config.json "$model/"
  ./rerank synth --config "$model/config.json" --salt golden-768 --out "$model" >/dev/null
  /usr/bin/python3 benchmarks/scripts/export_onnx.py "$model" "$model/model.onnx"
fi

echo "== JMH (fails on the first error, including an engine disagreement)"
"$java" --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar -foe true \
  -rf json -rff "$out/jmh.json" "${1:-.*}" 2>&1 | grep -v '^WARNING: Using incubator modules' | tee "$out/jmh.log" | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)|agreement|tokens per'

echo "== resident memory after loading"
: > "$out/footprint.txt"
for engine in engine onnxruntime; do
  "$java" --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.rerank.benchmarks.Footprint \
    "$engine" "$model" 2>/dev/null | tee -a "$out/footprint.txt"
done

# The server load test is its own script (benchmarks/load-test.sh); its last table is included.
python3 benchmarks/scripts/results.py "$out/jmh.json" "$out/footprint.txt" "$out/jmh.log" "$out/load.md" > benchmarks/RESULTS.md
echo "== wrote benchmarks/RESULTS.md"
