// Tokenizer oracle: the reference token ids of a Hugging Face tokenizer for every
// string of a corpus, computed with @lenml/tokenizers (a JS port of Hugging Face
// tokenizers / transformers.js) from the npm test data.
//
//   node tokenizer_oracle.mjs --dir <tokenizer dir> --corpus <file> [--json-array]
//        --out <ids.jsonl or -> [--npm-dir <dir with node_modules/@lenml/tokenizers>]
//
// <tokenizer dir> holds tokenizer.json and tokenizer_config.json. The corpus is
// UTF-8; without --json-array each line (split on "\n" only; a final "\n" ends
// the last line) is one string, taken exactly as stored (no unescaping: a "\r",
// tab or form feed in a line is part of the string); with --json-array the file
// is a JSON array of strings. --npm-dir defaults to $FLEET_TESTDATA_DIR/npm, else
// <repo>/.cache/testdata/npm (where tools/setup/fetch-test-data.sh puts it).
//
// Output: one JSON object per input string, one per line, in corpus order:
//   {"ids":[...],"ids_no_special":[...],"decoded":"...","decoded_skip_special":"..."}
// ids             encode(text) with the special tokens the tokenizer adds by
//                 default (what HF transformers' AutoTokenizer does):
//                 - tokenizer_class LlamaTokenizer[Fast] / CodeLlamaTokenizer[Fast]:
//                   transformers rebuilds the post-processor from
//                   tokenizer_config.json's add_bos_token (default true) and
//                   add_eos_token (default false), so ids = [bos] + ids_no_special
//                   (+ [eos]). @lenml/tokenizers ignores these two keys (it only
//                   runs tokenizer.json's post_processor, which for DeepSeek-V3 is
//                   a plain ByteLevel), so this script adds them; where
//                   tokenizer.json's post_processor also adds them (Llama 2's
//                   TemplateProcessing) both are computed and must agree.
//                 - every other class: tokenizer.json's post_processor
//                   (encode(text, {add_special_tokens: true})).
// ids_no_special  encode(text, {add_special_tokens: false}). Special-token text
//                 inside the string ("<|im_start|>") is still matched as the
//                 added token in both (there is no "parse_special=false" here).
// decoded         decode(ids_no_special) keeping special tokens, without
//                 clean_up_tokenization_spaces: the text those ids stand for
//                 (= the input for byte-level BPE without a normalizer; NFC of it
//                 for Qwen2.5; for Llama 2 the "▁" its normalizer prepends to each
//                 piece between added tokens becomes a space, except the first,
//                 which the decoder's Strip removes).
// decoded_skip_special  decode(ids) skipping special tokens, no clean-up.
//
// Exit status 0 on success; 1 with a message naming the problem otherwise (a
// missing tokenizer or npm package says "run tools/setup/fetch-test-data.sh").
// Node 18 compatible (Debian bookworm's nodejs).
import fs from "node:fs";
import path from "node:path";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";

const FETCH_HINT = "run tools/setup/fetch-test-data.sh";

function fail(message) {
  process.stderr.write(`tokenizer_oracle: ${message}\n`);
  process.exit(1);
}

function usage(message) {
  process.stderr.write(`tokenizer_oracle: ${message}\n` +
      "usage: node tokenizer_oracle.mjs --dir <tokenizer dir> --corpus <file> [--json-array] " +
      "--out <ids.jsonl> [--npm-dir <dir>]\n");
  process.exit(2);
}

function parseArgs(argv) {
  const args = {jsonArray: false};
  const valued = {"--dir": "dir", "--corpus": "corpus", "--out": "out", "--npm-dir": "npmDir"};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json-array") {
      args.jsonArray = true;
    } else if (a in valued) {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      args[valued[a]] = argv[++i];
    } else {
      usage(`unknown argument '${a}'`);
    }
  }
  for (const k of ["dir", "corpus", "out"]) {
    if (!args[k]) usage(`--${k} is required`);
  }
  if (!args.npmDir) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const testdata = process.env.FLEET_TESTDATA_DIR || path.join(here, "..", "..", ".cache", "testdata");
    args.npmDir = path.join(testdata, "npm");
  }
  return args;
}

function readJson(file) {
  if (!fs.existsSync(file)) fail(`${file} is missing; ${FETCH_HINT}`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    fail(`${file}: ${e.message}`);
  }
}

function loadLibrary(npmDir) {
  const require = createRequire(path.join(path.resolve(npmDir), "package.json"));
  try {
    return require("@lenml/tokenizers");
  } catch (e) {
    fail(`cannot load @lenml/tokenizers from ${npmDir}/node_modules (${e.message}); ${FETCH_HINT}`);
  }
}

function readCorpus(file, jsonArray) {
  if (!fs.existsSync(file)) fail(`corpus ${file} is missing`);
  let text;
  try {
    text = new TextDecoder("utf-8", {fatal: true}).decode(fs.readFileSync(file));
  } catch (e) {
    fail(`corpus ${file} is not valid UTF-8`);
  }
  if (jsonArray) {
    let strings;
    try {
      strings = JSON.parse(text);
    } catch (e) {
      fail(`corpus ${file}: ${e.message}`);
    }
    if (!Array.isArray(strings) || strings.some((s) => typeof s !== "string")) {
      fail(`corpus ${file} is not a JSON array of strings`);
    }
    return strings;
  }
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

// The content of a tokenizer_config.json token entry (a string or an AddedToken object).
function tokenContent(entry) {
  if (entry === null || entry === undefined) return null;
  return typeof entry === "string" ? entry : entry.content;
}

function makeEncoder(tok, tokenizerJson, config) {
  const cls = (config.tokenizer_class || "").replace(/Fast$/, "");
  const llamaStyle = cls === "LlamaTokenizer" || cls === "CodeLlamaTokenizer";
  if (!llamaStyle) {
    return (text) => tok.encode(text, {add_special_tokens: true});
  }
  const idOf = (entry) => {
    const content = tokenContent(entry);
    if (content === null) return undefined;
    const added = (tokenizerJson.added_tokens || []).find((a) => a.content === content);
    return added ? added.id : tok.model.tokens_to_ids.get(content);
  };
  const addBos = config.add_bos_token === undefined ? true : config.add_bos_token === true;
  const addEos = config.add_eos_token === true;
  const bos = idOf(config.bos_token);
  const eos = idOf(config.eos_token);
  if (addBos && bos === undefined) fail("add_bos_token is set but bos_token is not in the vocabulary");
  if (addEos && eos === undefined) fail("add_eos_token is set but eos_token is not in the vocabulary");
  const post = tokenizerJson.post_processor;
  const crossCheck = post && post.type === "TemplateProcessing";
  return (text) => {
    const ids = tok.encode(text, {add_special_tokens: false});
    if (addBos) ids.unshift(bos);
    if (addEos) ids.push(eos);
    if (crossCheck) {
      const viaPost = tok.encode(text, {add_special_tokens: true});
      if (JSON.stringify(viaPost) !== JSON.stringify(ids)) {
        fail(`tokenizer.json's post_processor and tokenizer_config.json's add_bos_token/add_eos_token ` +
            `disagree on ${JSON.stringify(text)}: ${JSON.stringify(viaPost)} vs ${JSON.stringify(ids)}`);
      }
    }
    return ids;
  };
}

function decode(tok, ids, skipSpecial) {
  if (ids.length === 0) return "";
  return tok.decode(ids, {skip_special_tokens: skipSpecial, clean_up_tokenization_spaces: false});
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const tokenizerJson = readJson(path.join(args.dir, "tokenizer.json"));
  const config = readJson(path.join(args.dir, "tokenizer_config.json"));
  const strings = readCorpus(args.corpus, args.jsonArray);
  const {TokenizerLoader} = loadLibrary(args.npmDir);
  let tok;
  try {
    tok = TokenizerLoader.fromPreTrained({tokenizerJSON: tokenizerJson, tokenizerConfig: config});
  } catch (e) {
    fail(`cannot build the tokenizer of ${args.dir}: ${e.message}`);
  }
  const encode = makeEncoder(tok, tokenizerJson, config);
  const out = [];
  for (const text of strings) {
    const ids = encode(text);
    const idsNoSpecial = tok.encode(text, {add_special_tokens: false});
    out.push(JSON.stringify({
      ids,
      ids_no_special: idsNoSpecial,
      decoded: decode(tok, idsNoSpecial, false),
      decoded_skip_special: decode(tok, ids, true),
    }));
  }
  const content = out.length > 0 ? out.join("\n") + "\n" : "";
  if (args.out === "-") {
    process.stdout.write(content);
    return;
  }
  let existing = null;
  try {
    existing = fs.lstatSync(args.out);
  } catch (e) {
    // absent: written below
  }
  if (existing !== null && !existing.isFile()) {
    fs.writeFileSync(args.out, content);  // a device or a link (/dev/stdout): write through it
    return;
  }
  // A regular file is replaced atomically, so a half-written one never looks complete.
  fs.mkdirSync(path.dirname(path.resolve(args.out)), {recursive: true});
  const tmp = `${args.out}.tmp.${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, args.out);
}

main();
