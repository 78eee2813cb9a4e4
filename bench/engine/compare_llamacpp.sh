#!/usr/bin/env bash
# The engine beside llama.cpp on the same GGUF files, in one run: for each
# model, alternately (A B A B) `fleet-engine bench` and llama.cpp's native
# llama-bench, pp512 / tg128 at T threads, plus the machine's read bandwidth
# before and after. One JSON object per measurement on stdout, then a
# summary object per model with medians and ratios.
#
# llama-bench is a measuring tool, never a dependency: build it once from
# ../shared/peers (see its README: build_native.sh) or point LLAMA_BENCH at
# one. Usage:
#   bench/engine/compare_llamacpp.sh [-t THREADS=2] [-r REPS=3] [-b BATCH=8] MODEL.gguf...
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${FLEET_ENGINE:-$ROOT/build/release/bin/fleet-engine}
LLAMA_BENCH=${LLAMA_BENCH:-/tmp/llama-build/bin/llama-bench}
T=2; R=3; B=8
while getopts "t:r:b:" opt; do
  case $opt in t) T=$OPTARG ;; r) R=$OPTARG ;; b) B=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: compare_llamacpp.sh [-t T] [-r R] [-b B] MODEL.gguf..." >&2; exit 2; }
[ -x "$BIN" ] || { echo "compare_llamacpp: $BIN not built" >&2; exit 1; }
[ -x "$LLAMA_BENCH" ] || { echo "compare_llamacpp: no llama-bench at $LLAMA_BENCH (see ../shared/peers/README.md)" >&2; exit 1; }

membw() { "$BIN" bench --membw --threads "$T" | python3 -c 'import json,sys; print(json.load(sys.stdin)["membw"]["best_gb_s"])'; }

for model in "$@"; do
  bw_before=$(membw)
  ours=(); theirs=()
  for round in 1 2; do
    o=$("$BIN" bench --model "$model" --threads "$T" --pp 512 --tg 128 --reps "$R" --no-membw \
        $([ "$round" = 1 ] && echo "--batch $B"))
    echo "{\"engine\":\"fleet\",\"round\":$round,\"result\":$o}"
    ours+=("$o")
    l=$("$LLAMA_BENCH" -m "$model" -t "$T" -p 512 -n 128 -r "$R" -o jsonl 2>/dev/null | paste -sd, -)
    echo "{\"engine\":\"llama.cpp\",\"round\":$round,\"result\":[$l]}"
    theirs+=("[$l]")
  done
  bw_after=$(membw)
  python3 - "$model" "$bw_before" "$bw_after" "${ours[@]}" "${theirs[@]}" <<'PY'
import json, statistics, sys
model, bw0, bw1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ours = [json.loads(s) for s in sys.argv[4:6]]
theirs = [json.loads(s) for s in sys.argv[6:8]]
def llama(kind):
    vals = [r["avg_ts"] for run in theirs for r in run
            if (r["n_prompt"] > 0) == (kind == "pp")]
    return statistics.median(vals)
pp_o = statistics.median(o["pp"]["tokens_per_s"] for o in ours)
tg_o = statistics.median(o["tg"]["tokens_per_s"] for o in ours)
pp_l, tg_l = llama("pp"), llama("tg")
bpt = ours[0]["model"]["bytes_read_per_token"]
bw = max(bw0, bw1)
out = {"model": model.split("/")[-1], "threads": ours[0]["threads"],
       "membw_gb_s": [round(bw0, 1), round(bw1, 1)], "bytes_read_per_token": bpt,
       "pp512": {"fleet": round(pp_o, 1), "llama_cpp": round(pp_l, 1), "ratio": round(pp_o / pp_l, 2)},
       "tg128": {"fleet": round(tg_o, 1), "llama_cpp": round(tg_l, 1), "ratio": round(tg_o / tg_l, 2),
                 "roofline": round(bw * 1e9 / bpt, 1),
                 "fleet_roofline_fraction": round(tg_o / (bw * 1e9 / bpt), 2),
                 "llama_cpp_roofline_fraction": round(tg_l / (bw * 1e9 / bpt), 2)}}
if "batch" in ours[0]:
    out["batched_decode"] = {"sequences": ours[0]["batch"]["sequences"],
                             "aggregate_tokens_per_s": round(ours[0]["batch"]["aggregate_tokens_per_s"], 1),
                             "speedup_vs_single": round(ours[0]["batch"]["speedup_vs_single"], 2)}
print(json.dumps({"summary": out}))
PY
done
