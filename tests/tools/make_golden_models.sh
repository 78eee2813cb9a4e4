#!/usr/bin/env bash
# Builds the generated models listed in tests/data/goldens/models.txt.
#   make_golden_models.sh FLEET_ENGINE TOKENIZER_DIR OUT_DIR
# TOKENIZER_DIR holds DeepSeek-V3's tokenizer.json and tokenizer_config.json
# (tools/setup/fetch-test-data.sh puts them in .cache/testdata/tokenizers/deepseek-v3).
# A model is rebuilt only when its line in models.txt changed (a stamp file
# beside it keeps the line); the generator is deterministic.
set -euo pipefail
engine="$1" tokdir="$2" out="$3"
list="$(cd "$(dirname "${BASH_SOURCE[0]}")/../data/goldens" && pwd)/models.txt"
for f in "$tokdir/tokenizer.json" "$tokdir/tokenizer_config.json"; do
  [[ -f "$f" ]] || { echo "missing $f: run tools/setup/fetch-test-data.sh" >&2; exit 1; }
done
mkdir -p "$out"
while read -r name args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  stamp="$out/$name.args"
  if [[ -f "$out/$name.gguf" && -f "$stamp" && "$(cat "$stamp")" == "$args" ]]; then
    continue
  fi
  # shellcheck disable=SC2086  # args is a list of options
  "$engine" make-test-model --out "$out/$name.gguf" --name "$name" \
    --tokenizer-json "$tokdir/tokenizer.json" --tokenizer-config "$tokdir/tokenizer_config.json" \
    $args >/dev/null
  printf '%s' "$args" >"$stamp"
done <"$list"
