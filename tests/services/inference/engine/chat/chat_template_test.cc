#include "services/inference/engine/chat/chat_template.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace fleet::engine::chat {
namespace {

using ::testing::HasSubstr;

// ---- goldens rendered by make_golden.mjs from the real Jinja templates ------------------------

struct GoldenCase {
  std::string name;
  std::string template_name;
  RenderOptions options;
  std::vector<ChatMessage> messages;
  std::string expected;
};

std::string Unescape(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    out += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
  }
  return out;
}

struct Goldens {
  std::vector<GoldenCase> cases;
  std::vector<std::pair<std::string, std::string>> sources;  // template name, Jinja source
};

Goldens LoadGoldens() {
  std::ifstream in(FLEET_CHAT_GOLDENS);
  EXPECT_TRUE(in.good()) << "cannot open " << FLEET_CHAT_GOLDENS;
  Goldens goldens;
  std::vector<GoldenCase>& cases = goldens.cases;
  GoldenCase current;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
    const std::string& key = kv.first;
    const std::string& value = kv.second;
    if (key == "source") {
      std::pair<std::string, std::string> ns = absl::StrSplit(value, absl::MaxSplits(' ', 1));
      goldens.sources.emplace_back(ns.first, Unescape(ns.second));
    } else if (key == "case") {
      current = GoldenCase{};
      current.name = value;
    } else if (key == "template") {
      current.template_name = value;
    } else if (key == "generation_prompt") {
      current.options.add_generation_prompt = value == "1";
    } else if (key == "bos") {
      current.options.bos_token = Unescape(value);
    } else if (key == "eos") {
      current.options.eos_token = Unescape(value);
    } else if (key == "message") {
      std::pair<std::string, std::string> rc = absl::StrSplit(value, absl::MaxSplits(' ', 1));
      current.messages.push_back({rc.first, Unescape(rc.second)});
    } else if (key == "expected") {
      current.expected = Unescape(value);
    } else if (key == "end") {
      cases.push_back(current);
    } else {
      ADD_FAILURE() << "unknown golden line: " << line;
    }
  }
  return goldens;
}

TEST(ChatTemplate, MatchesJinjaGoldens) {
  const std::vector<GoldenCase> cases = LoadGoldens().cases;
  ASSERT_GE(cases.size(), 50u);
  std::set<std::string> templates;
  for (const GoldenCase& c : cases) {
    auto kind = ChatTemplateByName(c.template_name);
    ASSERT_TRUE(kind.ok()) << c.name << ": " << kind.status();
    templates.insert(c.template_name);
    auto rendered = RenderChat(*kind, c.messages, c.options);
    ASSERT_TRUE(rendered.ok()) << c.name << ": " << rendered.status();
    EXPECT_EQ(*rendered, c.expected) << c.name;
  }
  EXPECT_EQ(templates, (std::set<std::string>{"deepseek-v3", "deepseek-r1", "deepseek-llm",
                                              "chatml", "llama3"}));
}

// ---- hand-checked facts (independent of the goldens) -------------------------------------------

TEST(ChatTemplate, DeepSeekV3Literal) {
  RenderOptions o;
  o.bos_token = "<｜begin▁of▁sentence｜>";
  std::vector<ChatMessage> m = {{"system", "S"}, {"user", "U"}, {"assistant", "A"}, {"user", "V"}};
  EXPECT_EQ(*RenderChat(ChatTemplateKind::kDeepSeekV3, m, o),
            "<｜begin▁of▁sentence｜>S<｜User｜>U<｜Assistant｜>A<｜end▁of▁sentence｜><｜User｜>V<"
            "｜Assistant｜>");
}

TEST(ChatTemplate, DeepSeekR1StripsReasoningAndOpensThink) {
  std::vector<ChatMessage> m = {
      {"user", "q"}, {"assistant", "<think>a</think>b</think>c"}, {"user", "r"}};
  RenderOptions o;
  EXPECT_EQ(*RenderChat(ChatTemplateKind::kDeepSeekR1, m, o),
            "<｜User｜>q<｜Assistant｜>c<｜end▁of▁sentence｜><｜User｜>r<｜Assistant｜><think>\n");
  EXPECT_THAT(*RenderChat(ChatTemplateKind::kDeepSeekV3, m, o), HasSubstr("<think>a</think>b"));
  EXPECT_TRUE(GenerationStartsInReasoning(ChatTemplateKind::kDeepSeekR1));
  EXPECT_FALSE(GenerationStartsInReasoning(ChatTemplateKind::kDeepSeekV3));
}

TEST(ChatTemplate, ChatMlDefaultSystemOnlyWithoutOne) {
  RenderOptions o;
  std::vector<ChatMessage> with = {{"system", "X"}, {"user", "u"}};
  std::vector<ChatMessage> without = {{"user", "u"}};
  EXPECT_EQ(*RenderChat(ChatTemplateKind::kChatMl, with, o),
            "<|im_start|>system\nX<|im_end|>\n<|im_start|>user\nu<|im_end|>\n"
            "<|im_start|>assistant\n");
  EXPECT_THAT(*RenderChat(ChatTemplateKind::kChatMl, without, o),
              HasSubstr("You are Qwen, created by Alibaba Cloud."));
}

TEST(ChatTemplate, Llama3HonoursGenerationPrompt) {
  RenderOptions o;
  o.bos_token = "<|begin_of_text|>";
  o.add_generation_prompt = false;
  std::vector<ChatMessage> m = {{"user", " hi "}};
  EXPECT_EQ(*RenderChat(ChatTemplateKind::kLlama3, m, o),
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>");
}

TEST(ChatTemplate, EndOfTurnText) {
  RenderOptions o;
  o.eos_token = "</s>";
  EXPECT_EQ(EndOfTurnText(ChatTemplateKind::kDeepSeekR1, o), "<｜end▁of▁sentence｜>");
  EXPECT_EQ(EndOfTurnText(ChatTemplateKind::kDeepSeekLlm, o), "</s>");
  EXPECT_EQ(EndOfTurnText(ChatTemplateKind::kChatMl, o), "<|im_end|>");
  EXPECT_EQ(EndOfTurnText(ChatTemplateKind::kLlama3, o), "<|eot_id|>");
}

// ---- validation -----------------------------------------------------------------------------

TEST(ChatTemplate, RejectsBadConversations) {
  RenderOptions o;
  for (ChatTemplateKind kind :
       {ChatTemplateKind::kDeepSeekV3, ChatTemplateKind::kDeepSeekR1,
        ChatTemplateKind::kDeepSeekLlm, ChatTemplateKind::kChatMl, ChatTemplateKind::kLlama3}) {
    auto empty = RenderChat(kind, {}, o);
    EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(empty.status().message(), "messages is empty");

    std::vector<ChatMessage> bad_role = {{"user", "a"}, {"robot", "b"}};
    auto r = RenderChat(kind, bad_role, o);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("messages[1]: unknown role 'robot'"));

    std::vector<ChatMessage> tool = {{"user", "a"}, {"tool", "b"}};
    EXPECT_THAT(std::string(RenderChat(kind, tool, o).status().message()),
                HasSubstr("role 'tool' is not supported"));

    std::vector<ChatMessage> late_system = {{"user", "a"}, {"system", "b"}};
    auto s = RenderChat(kind, late_system, o);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.status().message()),
                HasSubstr("messages[1]: a system message must come before"));
  }
}

// ---- names and detection --------------------------------------------------------------------

TEST(ChatTemplate, NamesRoundTripAndAliases) {
  for (ChatTemplateKind kind :
       {ChatTemplateKind::kDeepSeekV3, ChatTemplateKind::kDeepSeekR1,
        ChatTemplateKind::kDeepSeekLlm, ChatTemplateKind::kChatMl, ChatTemplateKind::kLlama3}) {
    EXPECT_EQ(*ChatTemplateByName(TemplateName(kind)), kind);
  }
  EXPECT_EQ(*ChatTemplateByName("qwen"), ChatTemplateKind::kChatMl);
  auto bad = ChatTemplateByName("vicuna");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("unknown chat template 'vicuna' (known: deepseek-v3, deepseek-r1, "
                        "deepseek-llm, chatml (alias qwen), llama3)"));
}

// Fragments of the real templates (see make_golden.mjs for where the full ones come from).
TEST(ChatTemplate, DetectsByMarkers) {
  EXPECT_EQ(*DetectChatTemplate("{{bos_token}}{{ns.system_prompt}}{{'<｜User｜>' + "
                                "message['content']}}{{'<｜Assistant｜>'}}"),
            ChatTemplateKind::kDeepSeekV3);
  EXPECT_EQ(*DetectChatTemplate("{% if '</think>' in content %}{% set content = "
                                "content.split('</think>')[-1] %}{% endif %}"
                                "{{'<｜Assistant｜><think>\\n'}}"),
            ChatTemplateKind::kDeepSeekR1);
  EXPECT_EQ(*DetectChatTemplate("{{ '<|im_start|>' + message.role + '\\n' }}"),
            ChatTemplateKind::kChatMl);
  EXPECT_EQ(*DetectChatTemplate("{% set content = '<|start_header_id|>' + message['role'] + "
                                "'<|end_header_id|>\n\n' %}"),
            ChatTemplateKind::kLlama3);
  EXPECT_EQ(*DetectChatTemplate("{{ 'User: ' + message['content'] + '\\n\\n' }}"
                                "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"),
            ChatTemplateKind::kDeepSeekLlm);
  auto none = DetectChatTemplate("{{ '[INST] ' + message['content'] + ' [/INST]' }}");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(DetectChatTemplate("").status().code(), absl::StatusCode::kNotFound);
}

TEST(ChatTemplate, DetectsTheFullRealTemplates) {
  const Goldens goldens = LoadGoldens();
  ASSERT_EQ(goldens.sources.size(), 5u);
  for (const auto& [name, source] : goldens.sources) {
    auto kind = DetectChatTemplate(source);
    ASSERT_TRUE(kind.ok()) << name << ": " << kind.status();
    EXPECT_EQ(TemplateName(*kind), name);
  }
}

}  // namespace
}  // namespace fleet::engine::chat
