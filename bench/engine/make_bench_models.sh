#!/usr/bin/env bash
# Generates the engine benchmark models (random weights, real DeepSeek-V3
# vocabulary) into DIR: Qwen2.5-0.5B shape in Q8_0, Llama-3.2-1B shape in Q8_0
# and Q4_K_M, Qwen2.5-1.5B shape in Q4_K_M. (Qwen2.5-0.5B's width 896 is not a
# multiple of the K-quant block of 256, so it has no Q4_K_M here.) Existing
# files are kept. About 8 minutes on 2 cores (K-quant encoding dominates).
# Usage: bench/engine/make_bench_models.sh [DIR=/tmp/fleet-bench-models]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR=${1:-/tmp/fleet-bench-models}
BIN=${FLEET_ENGINE:-$ROOT/build/release/bin/fleet-engine}
TOK=${FLEET_TOKENIZER_DIR:-$ROOT/.cache/testdata/tokenizers/deepseek-v3}
[ -x "$BIN" ] || { echo "make_bench_models: $BIN not built (./fleet build)" >&2; exit 1; }
[ -f "$TOK/tokenizer.json" ] || { echo "make_bench_models: no $TOK/tokenizer.json (./fleet deps)" >&2; exit 1; }
mkdir -p "$DIR"
qwen05="--arch qwen2 --n-embd 896 --n-layer 24 --n-head 14 --n-head-kv 2 --n-ff 4864 --tied-output --rope-theta 1000000"
llama1b="--arch llama --n-embd 2048 --n-layer 16 --n-head 32 --n-head-kv 8 --n-ff 8192 --tied-output --rope-theta 500000"
qwen15="--arch qwen2 --n-embd 1536 --n-layer 28 --n-head 12 --n-head-kv 2 --n-ff 8960 --tied-output --rope-theta 1000000"
for spec in "qwen2-0.5b:Q8_0:$qwen05" "llama-1b:Q8_0 Q4_K_M:$llama1b" "qwen2-1.5b:Q4_K_M:$qwen15"; do
  name=${spec%%:*}; rest=${spec#*:}; types=${rest%%:*}; shape=${rest#*:}
  for type in $types; do
    out="$DIR/$name-$type.gguf"
    [ -f "$out" ] && continue
    # shellcheck disable=SC2086
    "$BIN" make-test-model --out "$out.tmp" --tokenizer-json "$TOK/tokenizer.json" \
      --tokenizer-config "$TOK/tokenizer_config.json" $shape --n-ctx 4096 --type "$type" \
      --name "$name-$type" >/dev/null
    mv "$out.tmp" "$out"
    echo "$out"
  done
done
