// Derives two synthetic Hugging Face tokenizers from DeepSeek-V3's, so that the
// DeepSeek-LLM and DeepSeek-Coder pre-tokenizers get reference (oracle) coverage:
//
//   <out>/deepseek-llm/{tokenizer.json,tokenizer_config.json}
//   <out>/deepseek-coder/{tokenizer.json,tokenizer_config.json}
//
// Each is DeepSeek-V3's tokenizer.json (vocabulary, merges, added tokens,
// normalizer, post-processor, decoder unchanged) whose pre_tokenizer is replaced
// by the Split sequence of DeepSeek-LLM resp. DeepSeek-Coder, followed by the same
// ByteLevel step (no regex) that DeepSeek-V3 ends with. The regexes are the ones
// llama.cpp lists for LLAMA_VOCAB_PRE_TYPE_DEEPSEEK_LLM / _DEEPSEEK_CODER in
// src/llama-vocab.cpp (the published regex strings, character for character),
// each expressed as an HF {"type":"Split","behavior":"Isolated","invert":false}
// pre-tokenizer, applied in order (each one splits the pieces of the previous).
// These are not the real DeepSeek-LLM/Coder vocabularies: only the pre-tokenizer
// is theirs, which is what the oracle comparison needs to exercise.
//
// Usage: node derive_tokenizers.mjs --from <deepseek-v3 dir> --out <tokenizers dir>
// Files are rewritten only when their content changes. Node 18 compatible.
import fs from "node:fs";
import path from "node:path";

const PRE_TOKENIZER_REGEXES = {
  "deepseek-llm": [
    "[\r\n]",
    "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃]+",
    "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
    "\\s+$",
    "[一-龥ࠀ-一가-퟿]+",
    "\\p{N}+",
  ],
  "deepseek-coder": [
    "[\r\n]",
    "\\s?\\p{L}+",
    "\\s?\\p{P}+",
    "[一-龥ࠀ-一가-퟿]+",
    "\\p{N}",
  ],
};

function usage(message) {
  process.stderr.write(`derive_tokenizers: ${message}\n` +
      "usage: node derive_tokenizers.mjs --from <deepseek-v3 dir> --out <tokenizers dir>\n");
  process.exit(2);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--from" || a === "--out") {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      args[a.slice(2)] = argv[++i];
    } else {
      usage(`unknown argument '${a}'`);
    }
  }
  if (!args.from || !args.out) usage("--from and --out are required");
  return args;
}

function writeIfChanged(file, text) {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  const tmp = `${file}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function derive(baseJson, regexes) {
  const json = JSON.parse(JSON.stringify(baseJson));
  const base = json.pre_tokenizer;
  const steps = base && base.type === "Sequence" ? base.pretokenizers : [];
  const byteLevel = steps.find((p) => p.type === "ByteLevel");
  if (!byteLevel || byteLevel.use_regex !== false) {
    throw new Error("the base tokenizer.json does not end its pre_tokenizer with a ByteLevel step " +
        "without regex (is it DeepSeek-V3's?)");
  }
  json.pre_tokenizer = {
    type: "Sequence",
    pretokenizers: [
      ...regexes.map((r) => ({type: "Split", pattern: {Regex: r}, behavior: "Isolated", invert: false})),
      {...byteLevel},
    ],
  };
  return json;
}

function main() {
  const {from, out} = parseArgs(process.argv.slice(2));
  const jsonPath = path.join(from, "tokenizer.json");
  const configPath = path.join(from, "tokenizer_config.json");
  for (const p of [jsonPath, configPath]) {
    if (!fs.existsSync(p)) {
      process.stderr.write(`derive_tokenizers: ${p} is missing; run tools/setup/fetch-test-data.sh\n`);
      process.exit(1);
    }
  }
  const base = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
  const config = fs.readFileSync(configPath, "utf8");
  for (const [name, regexes] of Object.entries(PRE_TOKENIZER_REGEXES)) {
    const dir = path.join(out, name);
    fs.mkdirSync(dir, {recursive: true});
    writeIfChanged(path.join(dir, "tokenizer.json"), JSON.stringify(derive(base, regexes), null, 2) + "\n");
    writeIfChanged(path.join(dir, "tokenizer_config.json"), config);
  }
}

main();
