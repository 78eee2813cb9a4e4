#include "services/inference/engine/chat/chat_template.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fleet::engine::chat {
namespace {

// DeepSeek's special tokens use U+FF5C (full-width vertical bar) and U+2581 (lower one-eighth
// block) — written as escapes so that the bytes are unambiguous.
constexpr absl::string_view kDsUser = "<\xef\xbd\x9cUser\xef\xbd\x9c>";
constexpr absl::string_view kDsAssistant =
    "<\xef\xbd\x9c"
    "Assistant\xef\xbd\x9c>";
constexpr absl::string_view kDsEos =
    "<\xef\xbd\x9c"
    "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>";
constexpr absl::string_view kQwenDefaultSystem =
    "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

constexpr absl::string_view kKnownNames =
    "deepseek-v3, deepseek-r1, deepseek-llm, chatml (alias qwen), llama3";

absl::Status ValidateMessages(absl::Span<const ChatMessage> messages) {
  if (messages.empty()) return absl::InvalidArgumentError("messages is empty");
  bool seen_turn = false;
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string& role = messages[i].role;
    if (role == "system") {
      if (seen_turn) {
        return absl::InvalidArgumentError(absl::StrCat(
            "messages[", i, "]: a system message must come before any user or assistant message"));
      }
    } else if (role == "user" || role == "assistant") {
      seen_turn = true;
    } else if (role == "tool") {
      return absl::InvalidArgumentError(
          absl::StrCat("messages[", i, "]: role 'tool' is not supported yet"));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("messages[", i, "]: unknown role '", role,
                                                     "' (expected system, user or assistant)"));
    }
  }
  return absl::OkStatus();
}

// Python's str.strip() for ASCII whitespace (the Jinja `trim` filter on ASCII text).
absl::string_view TrimAsciiWhitespace(absl::string_view s) {
  constexpr absl::string_view kSpace = " \t\n\r\f\v";
  const size_t begin = s.find_first_not_of(kSpace);
  if (begin == absl::string_view::npos) return absl::string_view();
  const size_t end = s.find_last_not_of(kSpace);
  return s.substr(begin, end - begin + 1);
}

// Text after the last "</think>" (the whole text if there is none).
absl::string_view AfterReasoning(absl::string_view content) {
  constexpr absl::string_view kClose = "</think>";
  const size_t at = content.rfind(kClose);
  if (at == absl::string_view::npos) return content;
  return content.substr(at + kClose.size());
}

std::string RenderDeepSeek(absl::Span<const ChatMessage> messages, const RenderOptions& options,
                           bool r1) {
  std::vector<absl::string_view> systems;
  for (const ChatMessage& m : messages) {
    if (m.role == "system") systems.push_back(m.content);
  }
  std::string out = absl::StrCat(options.bos_token, absl::StrJoin(systems, "\n\n"));
  for (const ChatMessage& m : messages) {
    if (m.role == "user") {
      absl::StrAppend(&out, kDsUser, m.content);
    } else if (m.role == "assistant") {
      absl::StrAppend(&out, kDsAssistant, r1 ? AfterReasoning(m.content) : m.content, kDsEos);
    }
  }
  if (options.add_generation_prompt) absl::StrAppend(&out, kDsAssistant, r1 ? "<think>\n" : "");
  return out;
}

std::string RenderDeepSeekLlm(absl::Span<const ChatMessage> messages,
                              const RenderOptions& options) {
  std::string out = options.bos_token;
  for (const ChatMessage& m : messages) {
    if (m.role == "user") {
      absl::StrAppend(&out, "User: ", m.content, "\n\n");
    } else if (m.role == "assistant") {
      absl::StrAppend(&out, "Assistant: ", m.content, options.eos_token);
    } else {
      absl::StrAppend(&out, m.content, "\n\n");
    }
  }
  if (options.add_generation_prompt) out += "Assistant:";
  return out;
}

std::string RenderChatMl(absl::Span<const ChatMessage> messages, const RenderOptions& options) {
  std::string out;
  size_t first = 0;
  if (messages[0].role == "system") {
    absl::StrAppend(&out, "<|im_start|>system\n", messages[0].content, "<|im_end|>\n");
    first = 1;
  } else {
    absl::StrAppend(&out, "<|im_start|>system\n", kQwenDefaultSystem, "<|im_end|>\n");
  }
  for (size_t i = first; i < messages.size(); ++i) {
    absl::StrAppend(&out, "<|im_start|>", messages[i].role, "\n", messages[i].content,
                    "<|im_end|>\n");
  }
  if (options.add_generation_prompt) out += "<|im_start|>assistant\n";
  return out;
}

std::string RenderLlama3(absl::Span<const ChatMessage> messages, const RenderOptions& options) {
  std::string out = options.bos_token;
  for (const ChatMessage& m : messages) {
    absl::StrAppend(&out, "<|start_header_id|>", m.role, "<|end_header_id|>\n\n",
                    TrimAsciiWhitespace(m.content), "<|eot_id|>");
  }
  if (options.add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

}  // namespace

absl::StatusOr<ChatTemplateKind> ChatTemplateByName(absl::string_view name) {
  if (name == "deepseek-v3") return ChatTemplateKind::kDeepSeekV3;
  if (name == "deepseek-r1") return ChatTemplateKind::kDeepSeekR1;
  if (name == "deepseek-llm") return ChatTemplateKind::kDeepSeekLlm;
  if (name == "chatml" || name == "qwen") return ChatTemplateKind::kChatMl;
  if (name == "llama3") return ChatTemplateKind::kLlama3;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown chat template '", name, "' (known: ", kKnownNames, ")"));
}

std::string TemplateName(ChatTemplateKind kind) {
  switch (kind) {
    case ChatTemplateKind::kDeepSeekV3:
      return "deepseek-v3";
    case ChatTemplateKind::kDeepSeekR1:
      return "deepseek-r1";
    case ChatTemplateKind::kDeepSeekLlm:
      return "deepseek-llm";
    case ChatTemplateKind::kChatMl:
      return "chatml";
    case ChatTemplateKind::kLlama3:
      return "llama3";
  }
  return "unknown";
}

absl::StatusOr<ChatTemplateKind> DetectChatTemplate(absl::string_view jinja_source) {
  if (absl::StrContains(jinja_source, kDsAssistant)) {
    if (absl::StrContains(jinja_source, "<think>") || absl::StrContains(jinja_source, "</think>")) {
      return ChatTemplateKind::kDeepSeekR1;
    }
    return ChatTemplateKind::kDeepSeekV3;
  }
  if (absl::StrContains(jinja_source, "<|start_header_id|>")) return ChatTemplateKind::kLlama3;
  if (absl::StrContains(jinja_source, "<|im_start|>")) return ChatTemplateKind::kChatMl;
  if (absl::StrContains(jinja_source, "User: ") && absl::StrContains(jinja_source, "Assistant:")) {
    return ChatTemplateKind::kDeepSeekLlm;
  }
  return absl::NotFoundError(
      absl::StrCat("chat template not recognised (known: ", kKnownNames, ")"));
}

absl::StatusOr<std::string> RenderChat(ChatTemplateKind kind,
                                       absl::Span<const ChatMessage> messages,
                                       const RenderOptions& options) {
  if (absl::Status s = ValidateMessages(messages); !s.ok()) return s;
  switch (kind) {
    case ChatTemplateKind::kDeepSeekV3:
      return RenderDeepSeek(messages, options, /*r1=*/false);
    case ChatTemplateKind::kDeepSeekR1:
      return RenderDeepSeek(messages, options, /*r1=*/true);
    case ChatTemplateKind::kDeepSeekLlm:
      return RenderDeepSeekLlm(messages, options);
    case ChatTemplateKind::kChatMl:
      return RenderChatMl(messages, options);
    case ChatTemplateKind::kLlama3:
      return RenderLlama3(messages, options);
  }
  return absl::InvalidArgumentError("unknown chat template kind");
}

bool GenerationStartsInReasoning(ChatTemplateKind kind) {
  return kind == ChatTemplateKind::kDeepSeekR1;
}

std::string EndOfTurnText(ChatTemplateKind kind, const RenderOptions& options) {
  switch (kind) {
    case ChatTemplateKind::kDeepSeekV3:
    case ChatTemplateKind::kDeepSeekR1:
      return std::string(kDsEos);
    case ChatTemplateKind::kDeepSeekLlm:
      return options.eos_token;
    case ChatTemplateKind::kChatMl:
      return "<|im_end|>";
    case ChatTemplateKind::kLlama3:
      return "<|eot_id|>";
  }
  return "";
}

}  // namespace fleet::engine::chat
