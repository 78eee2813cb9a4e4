// Writes the tokenizer test corpus beside this script:
//
//   corpus.txt      one test string per line (lines split on "\n" only; every
//                   other character, "\r", tab, form feed, U+00A0, U+3000 and
//                   the rest, is stored literally and is part of the string;
//                   nothing is escaped or unescaped)
//   multiline.json  a JSON array of strings that contain "\n" (and a few other
//                   cases a line cannot hold: the empty string, U+0000)
//
//   node tests/data/tokenizer/make_corpus.mjs
//
// Deterministic: a fixed-seed PRNG, no clock, no environment. The files are
// committed; rerun this only to change them (and review the diff).
//
// Left out on purpose: U+0085 (NEL), U+FEFF (BOM) and U+180E. JavaScript's \s
// (used by the oracle, @lenml/tokenizers) and Unicode's White_Space property
// (Oniguruma, PCRE2) disagree on them, so the reference itself would be wrong
// for those characters. Invalid UTF-8 and lone surrogates are left out too:
// the oracle works on JS strings, which cannot hold them. So are characters
// assigned after Unicode 15.0: Debian bookworm's node 18 (system ICU 72) has
// Unicode 15.0 tables, newer node has more, so the reference's \p{L}, \p{S}...
// would depend on the node used. (Our pre-tokenizer runs Debian's PCRE2 10.42,
// which has Unicode 14, extended to node's Unicode by
// services/inference/engine/tokenizer/unicode_update.h; the Unicode 15.0
// emoji below check that extension.)
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

// xorshift32, fixed seed.
let state = 0x9e3779b9;
function rand() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 0x100000000;
}
const int = (n) => Math.floor(rand() * n);
const pick = (arr) => arr[int(arr.length)];
const digits = (n) => Array.from({length: n}, (_, i) => String(i === 0 ? 1 + int(9) : int(10))).join("");

// ---------------------------------------------------------------- fragments
const english = [
  "The quick brown fox jumps over the lazy dog.",
  "Hello, world!",
  "It was the best of times, it was the worst of times.",
  "Tokenizers split text into pieces before the model sees it.",
  "Please send the report by Friday; we'll review it on Monday.",
  "She sells sea shells by the sea shore.",
  "A journey of a thousand miles begins with a single step.",
  "The mitochondria is the powerhouse of the cell.",
  "To be, or not to be: that is the question.",
  "In 1969, Apollo 11 landed on the Moon.",
  "Why do programmers prefer dark mode? Because light attracts bugs.",
  "The meeting has been moved from 3 p.m. to 4:30 p.m. (EST).",
  "e.g. i.e. etc. vs. Mr. Mrs. Dr. St. Jr.",
  "UPPERCASE WORDS AND lowercase words AND MiXeD CaSe WoRdS",
  "Supercalifragilisticexpialidocious is a long word.",
  "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
  "Well... I don't know -- maybe?!",
  "\"Quoted text,\" she said, 'and single quotes too.'",
  "The price is $19.99 (or €17,50 / £15.00 / ¥2,000).",
  "Email me at first.last+tag@example.co.uk or call +1 (555) 010-9999.",
];
const contractions = [
  "It's John's book, isn't it?",
  "They're here and we're there; you're everywhere.",
  "I'LL BE THERE. YOU'LL SEE. SHE'LL KNOW.",
  "We've been told they'd come; I'd rather they hadn't.",
  "I'm sure you'Re right, but I'M not.",
  "Don't, won't, can't, shouldn't, wouldn't, couldn't.",
  "The cat's toy; the cats' toys; the boss's office.",
  "'Tis the season; 'twas the night.",
  "rock 'n' roll, o'clock, ma'am, y'all'd've",
  "He said 'S' and 'T' and 'RE' and 'VE' and 'M' and 'LL' and 'D'.",
  "she'S he'T they'RE we'VE I'M you'LL it'D",
  "It’s a curly apostrophe — not the ASCII one’s twin.",
];
const chinese = [
  "你好，世界！",
  "今天天气很好，我们去公园散步吧。",
  "深度求索是一家人工智能公司。",
  "机器学习和自然语言处理是人工智能的重要分支。",
  "北京是中华人民共和国的首都。",
  "《红楼梦》是中国古典四大名著之一。",
  "他说：“我明天会来。”",
  "这个模型有六千七百亿个参数，其中三百七十亿个是激活参数。",
  "繁體中文：臺灣、香港、澳門。",
  "一二三四五六七八九十百千万亿",
  "龘靐齉爩 — 生僻字测试",
  "中文English混合Mixed文本text。",
];
const japaneseKorean = [
  "こんにちは、世界！",
  "私は東京に住んでいます。",
  "カタカナとひらがなと漢字が混ざった文章です。",
  "ｶﾀｶﾅ半角とＦＵＬＬＷＩＤＴＨ全角の文字。",
  "日本語の句読点、例えば「」や『』や。",
  "안녕하세요, 세계!",
  "저는 서울에 살고 있습니다.",
  "한국어와 English가 섞인 문장입니다.",
  "ㄱㄴㄷㄹ ㅏㅑㅓㅕ 자모",
];
const otherScripts = [
  "مرحبا بالعالم! هذا نص عربي.",
  "العربية: ٠١٢٣٤٥٦٧٨٩ أرقام هندية",
  "שלום עולם! זהו טקסט בעברית.",
  "नमस्ते दुनिया! यह हिंदी पाठ है।",
  "संस्कृतम् क्षत्रिय ज्ञान",
  "สวัสดีชาวโลก นี่คือข้อความภาษาไทย",
  "Привет, мир! Это русский текст.",
  "Γειά σου Κόσμε! Αυτό είναι ελληνικό κείμενο.",
  "Բարեւ աշխարհ, გამარჯობა მსოფლიო",
  "ሰላም ዓለም, ᐊᐃᓐᓇᐃ, ᚠᚢᚦᚨᚱᚲ",
  "Tiếng Việt có dấu: Đường phố Hà Nội.",
  "Zażółć gęślą jaźń. Příliš žluťoučký kůň.",
  "Ærøskøbing, Øresund, Åland, straße, ŒUVRE",
  "İstanbul, ıspanak, ŞİŞLİ, ğüç",
  "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ, 𐐷𐐶𐐻𐐼 Deseret",
];
const accents = [
  "café naïve résumé coöperate façade jalapeño",
  "cafe\u0301 nai\u0308ve re\u0301sume\u0301",  // decomposed (NFD) accents
  "A\u030a vs \u00c5 vs \u212b (Angstrom sign)",
  "K vs \u212a (Kelvin sign) vs k",
  "\u1100\u1161\u11a8 (Hangul jamo, composes to \uac01 under NFC)",
  "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333",
  "ﬁ ﬂ ﬀ ligatures, ½ ¼ ¾ fractions, ² ³ ¹ superscripts, Ⅻ roman",
  "\u0915\u094d\u0937 \u0e01\u0e34\u0e19 combining vowel signs",
  "e\u0300\u0301\u0302\u0303\u0304 stacked marks",
];
const math = [
  "∀x ∈ ℝ: x² ≥ 0",
  "∑_{i=1}^{n} i = n(n+1)/2",
  "∫₀^∞ e^{-x²} dx = √π / 2",
  "a ≤ b ⇒ f(a) ≤ f(b); ¬(p ∧ q) ⇔ (¬p ∨ ¬q)",
  "E = mc², F = ma, PV = nRT, Δx·Δp ≥ ħ/2",
  "3 × 4 ÷ 2 ± 1 ≈ 6.0 ≠ 7 ∞ ∅ ∩ ∪ ⊂ ⊆ ∂ ∇",
  "𝔽𝕠𝕣𝕞𝕦𝕝𝕒 𝒂𝒏𝒅 𝐛𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 math alphanumerics",
  "x_1 + x_2 = y^3 - z**4 // 2 % 7",
];
const urls = [
  "https://www.example.com/path/to/page?query=1&lang=en#section-2",
  "http://localhost:8080/v1/chat/completions",
  "ftp://ftp.example.org/pub/file-1.2.3.tar.gz",
  "https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87",
  "mailto:someone@example.com?subject=Hi%20there",
  "git@github.com:owner/repo.git",
  "file:///home/user/My%20Documents/report.pdf",
  "https://例え.テスト/パス?キー=値",
  "www.deepseek.com/api/v1?model=deepseek-chat&stream=true",
];
const cpp = [
  "#include <iostream>",
  "int main(int argc, char** argv) { return 0; }",
  "std::vector<std::string> parts = absl::StrSplit(line, ',');",
  "template <typename T> constexpr T kMax = std::numeric_limits<T>::max();",
  "for (size_t i = 0; i < n; ++i) sum += a[i] * b[i];",
  "if (!status.ok()) return status;  // propagate",
  "auto [it, inserted] = map.try_emplace(key, std::move(value));",
  "x <<= 2; y >>= 3; z ^= ~w & 0xFF; p->q->r = nullptr;",
  "/* block comment */ static_assert(sizeof(int) == 4, \"int\");",
];
const python = [
  "def fibonacci(n: int) -> int:",
  "    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)",
  "import numpy as np; x = np.arange(10).reshape(2, 5)",
  "print(f\"{name!r:>10} = {value:.3f}\")",
  "lambda x, *args, **kwargs: (x, args, kwargs)",
  "    if __name__ == \"__main__\":",
  "@dataclass(frozen=True)",
  "result = [y for x in data if (y := f(x)) is not None]",
  "        raise ValueError('bad input: %s' % value)",
];
const javascript = [
  "const add = (a, b) => a + b;",
  "export default async function handler(req, res) { await next(); }",
  "let s = `template ${literal} with ${1 + 2}`;",
  "document.querySelectorAll('div.item > span').forEach(el => el.remove());",
  "x ??= y?.z ?? 0; a === b !== c;",
  "console.log(JSON.stringify({a: 1, b: [true, null]}, null, 2));",
];
const shell = [
  "ls -la /usr/local/bin | grep -v '^d' | wc -l",
  "for f in *.txt; do echo \"$f\"; done",
  "export PATH=\"$HOME/.local/bin:$PATH\"",
  "curl -sS -X POST -H 'Content-Type: application/json' -d '{\"a\":1}' http://localhost:8080/",
  "sudo apt-get install -y --no-install-recommends build-essential cmake",
  "git log --oneline -n 5 && git status --short",
  "tar -czf backup-$(date +%Y%m%d).tar.gz ./data 2>/dev/null || exit 1",
];
const json = [
  "{\"name\": \"DeepSeek-V3\", \"params\": 671000000000, \"moe\": true}",
  "[1, 2.5, -3e10, \"four\", null, false, {\"five\": [6]}]",
  "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi!\"}],\"stream\":true}",
  "{\"unicode\": \"\\u4f60\\u597d\", \"escaped\": \"line1\\nline2\\ttab\"}",
  "{ \"key\" : \"value\" , \"nested\" : { \"deep\" : [ ] } }",
];
const emoji = [
  "😀 😃 😄 😁 😆 😅 🤣 😂",
  "👍👍🏻👍🏼👍🏽👍🏾👍🏿",
  "👨‍👩‍👧‍👦 family, 👩‍💻 technologist, 🏳️‍🌈 rainbow flag, 🏴‍☠️ pirate flag",
  "🇺🇸 🇨🇳 🇯🇵 🇰🇷 🇩🇪 🇫🇷 🇬🇧 🇮🇳 🇧🇷 flags",
  "🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland (tag sequence)",
  "1️⃣ 2️⃣ #️⃣ *️⃣ keycaps",
  "❤️ ❤ ♥️ heart with and without VS16",
  "🧑🏽‍🤝‍🧑🏻 people holding hands with skin tones",
  "I love 🍕 and 🍣! 🎉🎉🎉",
  "👁️‍🗨️ 🐕‍🦺 🐈‍⬛ 🧔‍♀️ 🫠 🪿 🫨",
  "Unicode 13-15 emoji: 🥲 🪐 🫠 🫡 🫎 🪼 🩷 🫷🏽🫸🏿 (moose, jellyfish, pink heart, pushing hands)",
];
const specialTexts = [
  "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
  "<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>", "<｜tool▁calls▁begin｜>", "<｜▁pad▁｜>",
  "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>",
  "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>",
  "<s>", "</s>", "<unk>", "<think>", "</think>",
];
const spaces = [" ", "  ", "   ", "\t", "\t\t", " \t ", "\u00a0", "\u3000", "\u2009", "\u202f", "\u2003", "\u200b", ""];
const punct = [
  "!!!", "???", "?!?!", "...", "…", "---", "___", "***", "~~~", "###", "@@@", "$$$", "%%%",
  "^^^", "&&&", "|||", "\\\\", "//", "::", ";;", ",,", "..", "''", "\"\"", "``", "()", "[]",
  "{}", "<>", "<<", ">>", "==", "!=", "<=", ">=", "->", "=>", "::<>", "。。。", "！？", "【】",
  "「」", "、、", "——", "«»", "‹›", "¿¡", "§¶", "†‡", "•·", "′″", "©®™", "°", "‰",
];
const words = (
  "the of and to in is you that it he was for on are as with his they at be this have from " +
  "or one had by word but not what all were we when your can said there use an each which she " +
  "do how their if will up other about out many then them these so some her would make like " +
  "him into time has look two more write go see number no way could people my than first water " +
  "been call who oil its now find long down day did get come made may part tokenizer model " +
  "inference latency throughput kernel quantization embedding attention transformer gradient").split(" ");

// ---------------------------------------------------------------- generators
function numberString() {
  switch (int(14)) {
    case 0: return digits(1 + int(40));
    case 1: return `${digits(1 + int(6))}.${digits(1 + int(8))}`;
    case 2: return digits(4 + int(9)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    case 3: return `${1900 + int(200)}-${String(1 + int(12)).padStart(2, "0")}-${String(1 + int(28)).padStart(2, "0")}`;
    case 4: return `0x${Array.from({length: 2 + int(14)}, () => "0123456789abcdefABCDEF"[int(22)]).join("")}`;
    case 5: return `${digits(1 + int(3))}.${digits(1)}e${pick(["+", "-", ""])}${digits(1 + int(2))}`;
    case 6: return `v${int(10)}.${int(30)}.${int(200)}`;
    case 7: return `${String(int(24)).padStart(2, "0")}:${String(int(60)).padStart(2, "0")}:${String(int(60)).padStart(2, "0")}`;
    case 8: return `-${digits(1 + int(5))}`;
    case 9: return `${digits(1 + int(3))}%`;
    case 10: return `${int(256)}.${int(256)}.${int(256)}.${int(256)}`;
    case 11: return `${digits(3)} ${digits(3)} ${digits(4)}`;
    case 12: return `${digits(1 + int(2))}/${1 + int(12)}/${1990 + int(40)}`;
    default: return `${digits(1 + int(3))},${digits(3)},${digits(3)}.${digits(2)}`;
  }
}

function sentence() {
  const n = 3 + int(12);
  const out = [];
  for (let i = 0; i < n; i++) {
    let w = pick(words);
    const r = rand();
    if (r < 0.1) w = w[0].toUpperCase() + w.slice(1);
    else if (r < 0.13) w = w.toUpperCase();
    else if (r < 0.18) w = numberString();
    out.push(w);
  }
  return out.join(" ") + pick([".", "!", "?", "", ",", ";", ":", "..."]);
}

const pools = [english, contractions, chinese, japaneseKorean, otherScripts, accents, math, urls, cpp,
  python, javascript, shell, json, emoji];

function mixedLine() {
  const n = 2 + int(4);
  const parts = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.12) parts.push(numberString());
    else if (r < 0.2) parts.push(pick(specialTexts));
    else if (r < 0.28) parts.push(pick(punct));
    else if (r < 0.4) parts.push(sentence());
    else parts.push(pick(pick(pools)));
  }
  let line = parts[0];
  for (let i = 1; i < parts.length; i++) line += pick(spaces) + parts[i];
  return line;
}

function emojiLine() {
  const base = ["👋", "👍", "🙏", "💪", "🤷", "🧑", "👩", "👨", "🏃", "🙋"];
  const tones = ["", "\u{1f3fb}", "\u{1f3fc}", "\u{1f3fd}", "\u{1f3fe}", "\u{1f3ff}"];
  const zwj = ["\u200d\u2640\ufe0f", "\u200d\u2642\ufe0f", "\u200d\u{1f4bb}", "\u200d\u{1f52c}", ""];
  const flags = ["🇺🇸", "🇨🇳", "🇯🇵", "🇫🇷", "🇧🇷", "🇿🇦", "🇺🇳", "🇪🇺"];
  const n = 1 + int(6);
  const parts = [];
  for (let i = 0; i < n; i++) {
    if (rand() < 0.3) parts.push(pick(flags));
    else parts.push(pick(base) + pick(tones) + pick(zwj));
  }
  const glue = pick(["", " ", "  "]);
  return (rand() < 0.5 ? sentence() + " " : "") + parts.join(glue) + (rand() < 0.3 ? " " + pick(words) : "");
}

function whitespaceLine() {
  const ws = [" ", "  ", "    ", "\t", "\t\t", "\r", "\f", "\v", "\u00a0", "\u00a0\u00a0", "\u3000", "\u2028", " \r", "\u2002", "\u205f", "\u1680"];
  const n = 1 + int(5);
  let line = rand() < 0.5 ? pick(ws) : "";
  for (let i = 0; i < n; i++) {
    line += rand() < 0.7 ? pick(words) : numberString();
    line += pick(ws);
  }
  if (rand() < 0.5) line = line.trimEnd();
  return line;
}

function specialLine() {
  const n = 1 + int(4);
  let line = "";
  for (let i = 0; i < n; i++) {
    const r = rand();
    const sep = pick(["", " ", "  ", "\t"]);
    if (r < 0.45) line += pick(specialTexts) + sep;
    else if (r < 0.75) line += sentence() + sep;
    else line += pick(pick(pools)) + sep;
  }
  return line;
}

function punctLine() {
  const n = 1 + int(6);
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(rand() < 0.6 ? pick(punct) : pick(words));
  return parts.join(pick(["", " ", "  "]));
}

function contractionLine() {
  const suffixes = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'VE", "'M", "'LL", "'D", "'Ll", "'rE", "’s", "’ll"];
  const n = 2 + int(6);
  const out = [];
  for (let i = 0; i < n; i++) {
    let w = pick(words);
    if (rand() < 0.5) w += pick(suffixes);
    if (rand() < 0.15) w = w.toUpperCase();
    out.push(w);
  }
  return out.join(" ") + pick([".", "!", "", "'"]);
}

function longLine() {
  switch (int(7)) {
    case 0: return Array.from({length: 60 + int(80)}, () => pick(words)).join(" ") + ".";
    case 1: return digits(100 + int(200));
    case 2: return pick(["a", "z", "=", "-", "0", "中", "😀", " ", "\t", "ab"]).repeat(50 + int(300));
    case 3: return Array.from({length: 10 + int(20)}, () => pick(chinese)).join("");
    case 4: return "x" + " ".repeat(20 + int(100)) + "y" + " ".repeat(1 + int(50));
    case 5: return Array.from({length: 20 + int(20)}, () => pick(pick(pools))).join(pick([" ", "", "  "]));
    default: return Array.from({length: 30 + int(50)}, () => numberString()).join(pick([" ", ",", ", ", ""]));
  }
}

function codeLine() {
  const indent = pick(["", "  ", "    ", "\t", "\t\t", "        "]);
  const pool = pick([cpp, python, javascript, shell, json]);
  let line = indent + pick(pool);
  if (rand() < 0.2) line += pick(["  ", " ", "\t"]);  // trailing whitespace
  return line;
}

// ---------------------------------------------------------------- corpus
const lines = [];
const add = (s) => {
  if (s.includes("\n")) throw new Error(`corpus line with a newline: ${JSON.stringify(s)}`);
  for (const bad of ["\u0085", "\ufeff", "\u180e"]) {
    if (s.includes(bad)) throw new Error(`corpus line with U+${bad.codePointAt(0).toString(16)}`);
  }
  lines.push(s);
};

// Every fragment as it is, and a few fixed edge cases.
for (const pool of pools) pool.forEach(add);
specialTexts.forEach(add);
punct.forEach(add);
[
  " ", "  ", "\t", "a", "A", "0", "00", "000", "0000", "12345", "1234567", " 1", "  12", "x ", "x  ",
  " leading space", "  two leading spaces", "trailing space ", "trailing spaces   ", "\ttab first",
  "tab last\t", "carriage\rreturn", "ends with CR\r", "\rstarts with CR", "form\ffeed",
  "vertical\vtab", "nbsp\u00a0inside", "\u00a0leading nbsp", "ideographic\u3000space",
  "\u3000\u3000全角空格", "zero\u200bwidth\u200bspace", "soft\u00adhyphen", "word\u2060joiner",
  "left\u200eto\u200fright marks", "unit\u001fseparator", "bell\u0007char", "escape\u001b[0m",
  "del\u007fchar", "private use \ue000\uf8ff", "noncharacter-adjacent \ufffd replacement",
  "1,234,567", "1,234,567.89", "3.14159265358979323846", "0.000001", "1e-9", "2024-01-31",
  "31/12/1999", "12:34:56.789", "0xDEADBEEF", "0b101010", "0o777", "1_000_000", "١٢٣", "१२३",
  "Ⅻ ⅻ", "①②③", "𝟙𝟚𝟛", "¹²³", "½", "'s", "'S", "'ll", "'LL", "''", "'", "\"", "`",
  "a'b", "don't", "DON'T", "o'", "o'clock'", "hello'world", "x's's's",
  "<s><s></s></s>", "<s> <s>", "text<s>text", "<|im_start|><|im_end|>", "<|im_start|> <|im_end|>",
  "<|eot_id|><|eot_id|>", "<｜begin▁of▁sentence｜><｜begin▁of▁sentence｜>",
  "<｜begin▁of▁sentence｜>Hello", "Hello<｜end▁of▁sentence｜>", "<|endoftext|>Hi<|endoftext|>",
  "< s >", "<s", "s>", "<|im_start", "im_start|>", "<|im_start|", "<｜User｜>你好<｜Assistant｜>",
  "▁", "▁▁", "▁x", "x▁y", "Ġ", "Ċ", "ĠĠ", "<0x0A>", "<0xFF>", "<unk>",
].forEach(add);

const generators = [
  [mixedLine, 700], [sentence, 250], [numberString, 250], [emojiLine, 120], [whitespaceLine, 160],
  [specialLine, 180], [punctLine, 100], [contractionLine, 120], [longLine, 40], [codeLine, 120],
];
for (const [gen, count] of generators) {
  for (let i = 0; i < count; i++) add(gen());
}

// ---------------------------------------------------------------- multiline
const multiline = [
  "",
  "\n",
  "\n\n\n",
  "\r\n",
  "line one\nline two",
  "line one\r\nline two\r\n",
  "trailing newline\n",
  "\nleading newline",
  "spaces before newline   \n   spaces after",
  "tabs\t\n\tand newlines\n\n\tmixed",
  "nul\u0000byte inside",
  "def f(x):\n    if x:\n        return 1\n    return 0\n",
  "#include <cstdio>\n\nint main() {\n\tprintf(\"hi\\n\");\n\treturn 0;\n}\n",
  "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ]\n}",
  "```python\nprint('hello')\n```\n",
  "# Title\n\n- item 1\n- item 2\n\n1. first\n2. second\n",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
  "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
  "<｜begin▁of▁sentence｜>You are helpful.<｜User｜>你好\n请介绍一下你自己。<｜Assistant｜><think>\n嗯，用户问我。\n</think>\n\n我是DeepSeek。<｜end▁of▁sentence｜>",
  "<s>[INST] What is 2+2? [/INST] 4</s>\n<s>[INST] And 3+3? [/INST]",
  "第一行\n第二行\n\n第三行：中文换行。",
  "こんにちは\n世界\n",
  "emoji\n👨‍👩‍👧‍👦\n🇺🇸🇨🇳\n",
  "numbers\n123\n4567\n89012\n",
  "  indented\n    more\n      most\n",
  "a\n \nb\n  \nc",
  "\n \n  \n\t\n",
  "end with spaces and newline  \n  ",
  "CR only\rinside\rhere",
  "mixed \r\n\r\n endings \n\r",
  "paragraph one.\n\nparagraph two, it's longer; it has 'quotes' and \"more\".\n\n\nparagraph three!",
];
for (let i = 0; i < 40; i++) {
  const n = 2 + int(5);
  const parts = [];
  for (let j = 0; j < n; j++) parts.push(rand() < 0.5 ? mixedLine() : pick([sentence, codeLine, whitespaceLine, specialLine])());
  multiline.push(parts.join(pick(["\n", "\n\n", "\r\n", " \n", "\n  ", "\n\t"])));
}

fs.writeFileSync(path.join(here, "corpus.txt"), lines.join("\n") + "\n");
fs.writeFileSync(path.join(here, "multiline.json"), JSON.stringify(multiline, null, 1) + "\n");
process.stdout.write(`corpus.txt: ${lines.length} lines; multiline.json: ${multiline.length} strings\n`);
