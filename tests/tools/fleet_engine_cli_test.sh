#!/usr/bin/env bash
# Integration test of the fleet-engine command on a generated model with the
# real DeepSeek-V3 vocabulary: every subcommand's JSON, determinism, and the
# precise errors for bad input (truncated file, invalid UTF-8, a prompt longer
# than the context, out-of-range ids, bad options).
#   fleet_engine_cli_test.sh FLEET_ENGINE TOKENIZER_DIR
set -uo pipefail
engine="$1" tokdir="$2"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
for f in "$tokdir/tokenizer.json" "$tokdir/tokenizer_config.json"; do
  [[ -f "$f" ]] || { echo "FAIL: missing $f: run tools/setup/fetch-test-data.sh" >&2; exit 1; }
done
command -v jq >/dev/null || { echo "FAIL: jq is missing (tools/setup/install-deps.sh)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
m="$tmp/m.gguf"

# expect_error NAME EXIT_CODE PATTERN -- command...: the command fails with that
# exit code and its stderr matches PATTERN.
expect_error() {
  local name="$1" code="$2" pattern="$3"
  shift 4
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [[ $rc == "$code" ]] || fail "$name: exit $rc, want $code ($(cat "$tmp/err"))"
  grep -Eq "$pattern" "$tmp/err" || fail "$name: stderr '$(cat "$tmp/err")' does not match /$pattern/"
}

"$engine" make-test-model --out "$m" --tokenizer-json "$tokdir/tokenizer.json" \
  --tokenizer-config "$tokdir/tokenizer_config.json" --arch llama --n-ctx 64 --seed 3 >"$tmp/make.json" ||
  { fail "make-test-model"; exit 1; }
jq -e '.n_vocab > 128000 and .pre == "deepseek-v3"' "$tmp/make.json" >/dev/null || fail "make-test-model JSON: $(cat "$tmp/make.json")"

info="$("$engine" info --model "$m")" || fail "info"
jq -e '.architecture == "llama" and .context_length == 64 and .chat_template == "deepseek-v3" and .tokenizer.bos_id == 0' <<<"$info" >/dev/null ||
  fail "info JSON: $info"

text='Hello world! 你好，世界 🙂 x=1234567'
ids="$("$engine" tokenize --model "$m" --text "$text" | jq -c .ids)" || fail "tokenize"
[[ "$(jq '.[0]' <<<"$ids")" == 0 ]] || fail "tokenize: no BOS first: $ids"
same="$("$engine" tokenize --tokenizer-json "$tokdir/tokenizer.json" --tokenizer-config "$tokdir/tokenizer_config.json" --text "$text" | jq -c .ids)"
[[ "$same" == "$ids" ]] || fail "tokenize: GGUF vocabulary $ids != tokenizer.json $same"
csv="$(jq -r 'join(",")' <<<"$ids")"
back="$("$engine" detokenize --model "$m" --ids "$csv" --skip-special | jq -r .text)"
[[ "$back" == "$text" ]] || fail "detokenize(tokenize(x)) = '$back'"

logits="$("$engine" logits --model "$m" --ids "$csv" --top 3 --all-positions)" || fail "logits"
jq -e --argjson n "$(jq length <<<"$ids")" '(.positions | length) == $n and (.top | length) == 3 and (.top[0][1] >= .top[1][1])' <<<"$logits" >/dev/null ||
  fail "logits JSON: $(head -c 300 <<<"$logits")"

gen() { "$engine" generate --model "$m" --chat "Tell me a story" --max-tokens 12 --temperature 0.9 "$@"; }
a="$(gen --seed 7 | jq -c .tokens)" b="$(gen --seed 7 | jq -c .tokens)" c="$(gen --seed 8 | jq -c .tokens)"
[[ -n "$a" && "$a" == "$b" ]] || fail "generate: same seed, different tokens: $a vs $b"
[[ "$a" != "$c" ]] || fail "generate: seeds 7 and 8 gave the same 12 tokens"
out="$(gen --seed 7)"
jq -e '.finish_reason == "length" and .usage.completion_tokens == 12 and (.tokens | length) == 12' <<<"$out" >/dev/null || fail "generate JSON: $out"
streamed="$(gen --seed 7 --stream | head -n -1 | jq -rj .content)"
[[ "$streamed" == "$(jq -rj .text <<<"$out")" ]] || fail "streamed deltas != final text"
greedy1="$("$engine" generate --model "$m" --prompt "The capital of France is" --max-tokens 8 | jq -c .tokens)"
greedy2="$("$engine" generate --model "$m" --prompt "The capital of France is" --max-tokens 8 | jq -c .tokens)"
[[ "$greedy1" == "$greedy2" ]] || fail "greedy is not deterministic"
# A stop string made of the greedy text's first word ends it there.
first="$("$engine" generate --model "$m" --prompt "The capital of France is" --max-tokens 8 | jq -r .text)"
stop="${first:3:4}"
if [[ -n "$stop" ]]; then
  stopped="$("$engine" generate --model "$m" --prompt "The capital of France is" --max-tokens 8 --stop "$stop")"
  jq -e --arg s "$stop" '.finish_reason == "stop" and .stop_cause == "stop_string" and (.text | contains($s) | not)' <<<"$stopped" >/dev/null ||
    fail "stop string '$stop': $stopped"
fi

# Bad input: each error is precise.
head -c 100000 "$m" >"$tmp/truncated.gguf"
expect_error truncated 1 "truncated.gguf'?: .*tokenizer.ggml.tokens.*exceeds remaining" -- "$engine" info --model "$tmp/truncated.gguf"
expect_error missing 1 "nope.gguf" -- "$engine" info --model "$tmp/nope.gguf"
printf 'ok \xff\xfe bad' >"$tmp/bad.txt"
expect_error invalid-utf8 1 "UTF-8.*(offset|byte) 3" -- "$engine" tokenize --model "$m" --file "$tmp/bad.txt"
long="$(printf 'word %.0s' $(seq 1 80))"
expect_error too-long 1 "exceeds the context of 64" -- "$engine" generate --model "$m" --prompt "$long" --max-tokens 4
expect_error bad-id 1 "outside the vocabulary" -- "$engine" logits --model "$m" --ids 0,999999999
expect_error bad-detok 1 "999999999" -- "$engine" detokenize --model "$m" --ids 5,999999999
expect_error bad-temperature 1 "temperature" -- "$engine" generate --model "$m" --prompt hi --temperature -1
expect_error empty-stop 1 "stop\[0\] is empty" -- "$engine" generate --model "$m" --prompt hi --stop ""
expect_error unknown-option 2 "unknown option --bogus" -- "$engine" info --model "$m" --bogus 1
expect_error unknown-command 2 "unknown command" -- "$engine" frobnicate
expect_error bad-template 1 "deepseek-v3" -- "$engine" generate --model "$m" --chat hi --chat-template nonsense
expect_error bad-type 1 "Q3_K.*not supported" -- "$engine" make-test-model --out "$tmp/x.gguf" \
  --tokenizer-json "$tokdir/tokenizer.json" --type Q3_K

if ((failures)); then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "fleet-engine CLI: all checks passed"
