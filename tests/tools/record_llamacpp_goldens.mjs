#!/usr/bin/env node
// Records llama.cpp's answers on the generated golden models (run by hand, not
// by the tests; needs ../shared/peers/llamacpp installed, see its README):
//
//   tests/tools/make_golden_models.sh build/release/bin/fleet-engine \
//       .cache/testdata/tokenizers/deepseek-v3 build/golden-models
//   node tests/tools/record_llamacpp_goldens.mjs build/golden-models [PEERS_DIR]
//
// For every model of tests/data/goldens/models.txt and every prompt of
// prompts.txt it stores the 32-token greedy continuation and the top-10
// [id, logit] pairs at every position of prompt + continuation (f32 KV cache,
// no flash attention) into tests/data/goldens/llamacpp/<model>.json.
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const data = path.join(here, "..", "data", "goldens");
const modelDir = process.argv[2];
const peers = process.argv[3] ?? path.join(here, "..", "..", "..", "shared", "peers", "llamacpp");
if (!modelDir) {
  console.error("usage: record_llamacpp_goldens.mjs MODEL_DIR [PEERS_DIR]");
  process.exit(2);
}
const lines = (f) => fs.readFileSync(path.join(data, f), "utf8").split("\n")
    .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
const prompts = lines("prompts.txt").map((l) => l.split(",").map(Number));
const run = (...args) => execFileSync("node", [path.join(peers, "run.mjs"), ...args, "--quiet-log"],
    {encoding: "utf8", maxBuffer: 1 << 28}).trim().split("\n").map((l) => JSON.parse(l));

fs.mkdirSync(path.join(data, "llamacpp"), {recursive: true});
for (const line of lines("models.txt")) {
  const [name, ...options] = line.split(/\s+/);
  const model = path.join(modelDir, `${name}.gguf`);
  const golden = {model: name, options: options.join(" "), prompts: []};
  for (const ids of prompts) {
    const [gen] = run("generate", "-m", model, "--ids", ids.join(","), "-n", "32", "-t", "2");
    // Logits over prompt + continuation, so that every greedy step's margin is known.
    const all = ids.concat(gen.generated_ids);
    const logits = run("logits", "-m", model, "--ids", all.join(","), "--top", "10", "--all-positions", "-t", "2");
    const done = logits.find((o) => o.done);
    golden.llama_cpp = `${done.llama_cpp_release} (node-llama-cpp ${done.node_llama_cpp}, ${done.cpu_backend})`;
    const positions = logits.filter((o) => o.top).map((o) => o.top.map((t) => [t.id, t.logit]));
    golden.prompts.push({ids, greedy: gen.generated_ids, positions});
  }
  const out = path.join(data, "llamacpp", `${name}.json`);
  fs.writeFileSync(out, JSON.stringify(golden) + "\n");
  console.log(`${name}: ${golden.prompts.length} prompts -> ${path.relative(process.cwd(), out)}`);
}
