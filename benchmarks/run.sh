#!/usr/bin/env bash
# Runs the whole benchmark race (cross-encoders against ONNX Runtime on the distilroberta and
# ms-marco-MiniLM shapes, all-MiniLM-L6-v2 embeddings against langchain4j) and regenerates
# benchmarks/RESULTS.md from its JSON.
#   benchmarks/run.sh            everything (about 35-40 minutes on 2 quiet cores)
#   benchmarks/run.sh Race       only benchmarks whose name matches
# Set-up it needs once: Debian's python3-torch (apt-get install -y python3-torch) to export the
# ONNX models for ONNX Runtime. Nothing here is part of the tests or CI.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/env.sh"
model="$out/model"

echo "== building"
mvn -B -q -DskipTests package -pl benchmarks,cli -am

# A synthetic cross-encoder and its ONNX export, written once: DIR CONFIG_JSON SALT TOKENIZER_DIR.
write_model() {
  local dir="$1" config="$2" salt="$3" tokenizer="$4"
  [ -f "$dir/model.onnx" ] && return 0
  echo "== writing the synthetic model (salt $salt) and its ONNX export to $dir"
  if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "error: the ONNX export needs Debian's python3-torch: apt-get install -y python3-torch" >&2
    exit 1
  fi
  mkdir -p "$dir"
  cp "$config" "$dir/config.json"
  cp "$tokenizer/tokenizer.json" "$tokenizer/tokenizer_config.json" "$dir/"
  ./rerank synth --config "$dir/config.json" --salt "$salt" --out "$dir" >/dev/null
  /usr/bin/python3 benchmarks/scripts/export_onnx.py "$dir" "$dir/model.onnx"
}
write_model "$model" benchmarks/scripts/distilroberta-config.json golden-768 testdata/roberta-base-tokenizer
# ms-marco-MiniLM-L-6-v2's shape: the config of the golden file the engine's parity test reads.
mkdir -p "$out"
python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["config"], open(sys.argv[2], "w"), indent=2)' \
  testdata/model-minilm-shape.json "$out/minilm-config.json"
write_model "$out/model-minilm" "$out/minilm-config.json" golden-minilm testdata/bert-base-uncased-tokenizer

echo "== JMH (fails on the first error, including an engine disagreement)"
"$java" --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar -foe true \
  -rf json -rff "$out/jmh.json" "${1:-.*}" 2>&1 | grep -v '^WARNING: Using incubator modules' | tee "$out/jmh.log" | grep -E '^(Benchmark|[A-Za-z]+Benchmark\.)|agreement|tokens per'

if [ ! -d "$out/all-minilm-l6-v2" ]; then
  # Normally written by the embedding race; here when that race was filtered out.
  rm -rf "$out/all-minilm-l6-v2.partial"
  "$java" --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.rerank.convert.MiniLmArtifact "$out/all-minilm-l6-v2.partial" >/dev/null
  mv "$out/all-minilm-l6-v2.partial" "$out/all-minilm-l6-v2"
fi

echo "== resident memory after loading"
: > "$out/footprint.txt"
# The cross-encoders on the distilroberta-shaped model; the embedders on all-MiniLM-L6-v2.
for engine in engine onnxruntime sentence-encoder langchain4j; do
  "$java" --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.rerank.benchmarks.Footprint \
    "$engine" "$model" 2>/dev/null | tee -a "$out/footprint.txt"
done

# The server load test is its own script (benchmarks/load-test.sh); its last table is included.
python3 benchmarks/scripts/results.py "$out/jmh.json" "$out/footprint.txt" "$out/jmh.log" "$out/load.md" > benchmarks/RESULTS.md
echo "== wrote benchmarks/RESULTS.md"
