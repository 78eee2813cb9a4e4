#pragma once
// Chat templates: turn a conversation into the prompt text a model was trained on.
//
// Each kind renders exactly what that model family's official Jinja chat template produces for
// conversations of system/user/assistant messages (tests compare against goldens rendered from
// the real templates, tests/services/inference/engine/chat/make_golden.mjs). No Jinja engine is
// involved: the templates are few and fixed, and hand-written renderers cannot run untrusted
// template code.
//
//   deepseek-v3   bos + system texts joined by "\n\n", then "<｜User｜>" + content and
//                 "<｜Assistant｜>" + content + "<｜end▁of▁sentence｜>"; prompt "<｜Assistant｜>".
//   deepseek-r1   as deepseek-v3, but an assistant turn keeps only the text after its last
//                 "</think>" (earlier reasoning is not fed back), and the prompt is
//                 "<｜Assistant｜><think>\n" (the newer R1 template: the answer starts inside the
//                 reasoning block; see GenerationStartsInReasoning).
//   deepseek-llm  DeepSeek-LLM-7B-chat: bos + "User: " + u + "\n\n", "Assistant: " + a + eos,
//                 system text + "\n\n"; prompt "Assistant:".
//   chatml        Qwen2.5: "<|im_start|>" + role + "\n" + content + "<|im_end|>\n"; when the first
//                 message is not a system message, Qwen2.5's default one is inserted ("You are
//                 Qwen, created by Alibaba Cloud. You are a helpful assistant."); prompt
//                 "<|im_start|>assistant\n". Alias "qwen".
//   llama3        bos + "<|start_header_id|>" + role + "<|end_header_id|>\n\n" + trimmed content +
//                 "<|eot_id|>"; prompt "<|start_header_id|>assistant<|end_header_id|>\n\n"
//                 (Meta's updated template: honours add_generation_prompt).
//
// The rendered text contains special-token text (e.g. "<|im_end|>") that the caller's tokenizer
// must map to the special ids; bos is included only as given in RenderOptions (the caller must
// not add a second one when tokenizing).
//
// Thread safety: every function is pure; safe from any number of threads.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fleet::engine::chat {

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant" ("tool" is not supported yet)
  std::string content;
};

enum class ChatTemplateKind { kDeepSeekV3, kDeepSeekR1, kDeepSeekLlm, kChatMl, kLlama3 };

// "deepseek-v3", "deepseek-r1", "deepseek-llm", "chatml" (alias "qwen"), "llama3".
// INVALID_ARGUMENT listing the known names otherwise.
absl::StatusOr<ChatTemplateKind> ChatTemplateByName(absl::string_view name);

// The canonical name of a kind (ChatTemplateByName(TemplateName(k)) == k).
std::string TemplateName(ChatTemplateKind kind);

// Recognises a GGUF/HF "chat_template" Jinja source by distinctive markers:
//   "<｜Assistant｜>" with "<think>" or "</think>" -> deepseek-r1; "<｜Assistant｜>" ->
//   deepseek-v3;
//   "<|start_header_id|>" -> llama3; "<|im_start|>" -> chatml;
//   "User: " and "Assistant:" -> deepseek-llm.
// NOT_FOUND if none matches.
absl::StatusOr<ChatTemplateKind> DetectChatTemplate(absl::string_view jinja_source);

struct RenderOptions {
  bool add_generation_prompt = true;  // end with the assistant's turn opener
  std::string bos_token;              // the vocabulary's BOS text, "" for none
  std::string eos_token;              // the vocabulary's EOS text (deepseek-llm uses it)
};

// The prompt text for `messages`. INVALID_ARGUMENT if the list is empty, a role is not one of
// system/user/assistant (the message index and role are named), or a system message follows a
// user or assistant message (system messages must lead the conversation).
absl::StatusOr<std::string> RenderChat(ChatTemplateKind kind,
                                       absl::Span<const ChatMessage> messages,
                                       const RenderOptions& options);

// True if the generation prompt of `kind` opens a reasoning block (deepseek-r1 ends with
// "<think>\n"): the model's output then starts inside the reasoning (ReasoningSplitter's
// starts_in_reasoning).
bool GenerationStartsInReasoning(ChatTemplateKind kind);

// The text that ends an assistant turn for `kind` (a natural stop): "<｜end▁of▁sentence｜>" for
// the DeepSeek kinds, "<|im_end|>" for chatml, "<|eot_id|>" for llama3. For deepseek-llm it is
// the eos token, so this returns options.eos_token.
std::string EndOfTurnText(ChatTemplateKind kind, const RenderOptions& options);

}  // namespace fleet::engine::chat
