// Our tokenizer's encoding speed beside the reference's, measured in the same
// run on the same corpus: engine_tokenizer_bench (BM_Encode, one thread) and
// @lenml/tokenizers (a JS port of Hugging Face tokenizers) on node, one thread.
//
//   node bench/tokenizer/compare.mjs [--bench build/<dir>/bin/engine_tokenizer_bench]
//        [--vocab deepseek-v3] [--corpus tests/data/tokenizer/corpus.txt]
//        [--corpus-bytes 4194304] [--min-seconds 1] [--repetitions 3]
//
// The corpus file is one document, encoded floor(corpus-bytes / its size)
// times (~4 MB), by both sides. Prints one JSON object:
//   {"ours_mb_s":..., "reference_mb_s":..., "corpus_bytes":..., "vocab":"..."}
// (MB = 10^6 bytes). Both figures are wall-clock, one thread each, the best of
// --repetitions runs of at least --min-seconds (and at least one pass over the
// corpus) each, so that other load on a shared machine disturbs them little.
// The tokenizer comes from $FLEET_TESTDATA_DIR/tokenizers/<vocab>
// (default <repo>/.cache/testdata), the reference from $FLEET_TESTDATA_DIR/npm,
// both put there by tools/setup/fetch-test-data.sh.
import fs from "node:fs";
import path from "node:path";
import {execFileSync} from "node:child_process";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

function fail(message) {
  process.stderr.write(`compare.mjs: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {
    bench: null,
    vocab: "deepseek-v3",
    corpus: path.join(repo, "tests", "data", "tokenizer", "corpus.txt"),
    corpusBytes: 4 << 20,
    minSeconds: 1,
    repetitions: 3,
  };
  const keys = {"--bench": "bench", "--vocab": "vocab", "--corpus": "corpus",
                "--corpus-bytes": "corpusBytes", "--min-seconds": "minSeconds",
                "--repetitions": "repetitions"};
  for (let i = 0; i < argv.length; i++) {
    const key = keys[argv[i]];
    if (!key || i + 1 >= argv.length) fail(`bad argument '${argv[i]}' (see the header of this script)`);
    args[key] = argv[++i];
  }
  args.corpusBytes = Number(args.corpusBytes);
  args.minSeconds = Number(args.minSeconds);
  args.repetitions = Math.max(1, Math.floor(Number(args.repetitions)));
  if (!args.bench) {
    const candidates = fs.readdirSync(path.join(repo, "build"), {withFileTypes: true})
        .filter((d) => d.isDirectory())
        .map((d) => path.join(repo, "build", d.name, "bin", "engine_tokenizer_bench"))
        .filter((p) => fs.existsSync(p));
    if (candidates.length === 0) fail("no build/*/bin/engine_tokenizer_bench; build it or pass --bench");
    candidates.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
    args.bench = candidates[0];
  }
  return args;
}

function measureOurs(args, testdata) {
  const out = execFileSync(args.bench, [
    `--tokenizer_dir=${path.join(testdata, "tokenizers", args.vocab)}`,
    `--corpus=${args.corpus}`, `--corpus_bytes=${args.corpusBytes}`,
    "--benchmark_filter=^BM_Encode/", "--benchmark_format=json",
    `--benchmark_min_time=${args.minSeconds}`, `--benchmark_repetitions=${args.repetitions}`,
  ], {encoding: "utf8", maxBuffer: 1 << 26});
  const runs = JSON.parse(out).benchmarks.filter(
      (b) => b.name.startsWith("BM_Encode/") && b.run_type === "iteration");
  const failed = runs.find((b) => b.error_occurred);
  if (runs.length === 0 || failed) {
    fail(`engine_tokenizer_bench failed: ${failed ? failed.error_message : out}`);
  }
  // Wall-clock time, as the reference is measured (bytes_per_second is CPU time).
  const scale = {ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1}[runs[0].time_unit];
  return Math.max(...runs.map((r) => r.corpus_bytes / (r.real_time * scale) / 1e6));
}

function measureReference(args, testdata, document, copies) {
  const dir = path.join(testdata, "tokenizers", args.vocab);
  const tokenizerJSON = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
  const tokenizerConfig = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
  const require = createRequire(path.join(testdata, "npm", "package.json"));
  const {TokenizerLoader} = require("@lenml/tokenizers");
  const tok = TokenizerLoader.fromPreTrained({tokenizerJSON, tokenizerConfig});
  const bytes = Buffer.byteLength(document, "utf8") * copies;
  tok.encode(document, {add_special_tokens: true});  // warm-up (JIT, caches), as our bench's first iteration
  let best = 0;
  for (let rep = 0; rep < args.repetitions; rep++) {
    let iterations = 0;
    let seconds = 0;
    const start = process.hrtime.bigint();
    do {
      for (let i = 0; i < copies; i++) tok.encode(document, {add_special_tokens: true});
      iterations++;
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
    } while (seconds < args.minSeconds);
    best = Math.max(best, (bytes * iterations) / seconds / 1e6);
  }
  return best;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const testdata = process.env.FLEET_TESTDATA_DIR || path.join(repo, ".cache", "testdata");
  const raw = fs.readFileSync(args.corpus);
  const document = new TextDecoder("utf-8", {fatal: true}).decode(raw);
  const copies = Math.max(1, Math.floor(args.corpusBytes / raw.length));
  const ours = measureOurs(args, testdata);
  const reference = measureReference(args, testdata, document, copies);
  process.stdout.write(JSON.stringify({
    ours_mb_s: Number(ours.toFixed(2)),
    reference_mb_s: Number(reference.toFixed(2)),
    corpus_bytes: raw.length * copies,
    vocab: args.vocab,
  }) + "\n");
}

main();
