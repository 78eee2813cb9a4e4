#include "services/inference/engine/tokenizer/pre_tokenizer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/tokenizer/unicode_update.h"

namespace fleet::engine::tokenizer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> SplitWith(absl::string_view pre, absl::string_view text) {
  auto regexes = PreTokenizerRegexes(pre);
  EXPECT_TRUE(regexes.ok()) << regexes.status();
  if (!regexes.ok()) return {};
  auto pt = PreTokenizer::Create(*regexes);
  EXPECT_TRUE(pt.ok()) << pt.status();
  auto pieces = (*pt)->Split(text);
  EXPECT_TRUE(pieces.ok()) << pieces.status();
  std::vector<std::string> out;
  std::string joined;
  for (absl::string_view p : *pieces) {
    EXPECT_FALSE(p.empty());
    out.emplace_back(p);
    joined.append(p.data(), p.size());
  }
  EXPECT_EQ(joined, text);  // nothing dropped
  return out;
}

TEST(PreTokenizer, UnknownNameListsTheSupportedOnes) {
  auto r = PreTokenizerRegexes("bloom");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("'bloom'"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("llama-bpe"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("deepseek-v3"));
}

TEST(PreTokenizer, BadRegexIsInvalidArgument) {
  auto pt = PreTokenizer::Create({"(unclosed"});
  EXPECT_EQ(pt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(pt.status().message()), HasSubstr("(unclosed"));
}

TEST(PreTokenizer, Gpt2) {
  EXPECT_THAT(SplitWith("gpt2", "Hello world's 12345!!  ok  "),
              ElementsAre("Hello", " world", "'s", " 12345", "!!", " ", " ok", "  "));
  EXPECT_THAT(SplitWith("gpt-2", "I'LL go"), ElementsAre("I", "'", "LL", " go"));
  EXPECT_THAT(SplitWith("gpt2", "a\n\nb"), ElementsAre("a", "\n", "\n", "b"));
}

TEST(PreTokenizer, Llama3) {
  // Case-insensitive contractions, 1-3 digit groups, punctuation with
  // trailing newlines, whitespace before a word kept apart.
  EXPECT_THAT(
      SplitWith("llama-bpe", "I'LL pay 1234567 now.\n\nOK   x"),
      ElementsAre("I", "'LL", " pay", " ", "123", "456", "7", " now", ".\n\n", "OK", "  ", " x"));
  EXPECT_THAT(SplitWith("llama-bpe", "你好世界 😀😀 end  \n"),
              ElementsAre("你好世界", " 😀😀", " end", "  \n"));
}

TEST(PreTokenizer, Qwen2SplitsEveryDigit) {
  EXPECT_THAT(SplitWith("qwen2", "abc 2024年"), ElementsAre("abc", " ", "2", "0", "2", "4", "年"));
}

TEST(PreTokenizer, DeepseekV3) {
  // Digits in groups of up to three first, then CJK/kana runs, then words.
  EXPECT_THAT(SplitWith("deepseek-v3", "价格12345元 hello,world"),
              ElementsAre("价格", "123", "45", "元", " hello", ",world"));
  EXPECT_THAT(SplitWith("deepseek-v3", "ひらがなカタカナ\r\n x"),
              ElementsAre("ひらがなカタカナ", "\r\n", " x"));
}

TEST(PreTokenizer, DeepseekLlmAndCoder) {
  EXPECT_THAT(SplitWith("deepseek-llm", "Hi there\n123"), ElementsAre("Hi", " there", "\n", "123"));
  EXPECT_THAT(SplitWith("deepseek-coder", "x=12;\n"), ElementsAre("x", "=", "1", "2", ";", "\n"));
}

TEST(PreTokenizer, DefaultIsLlamaCppsList) {
  // llama.cpp's "default": punctuation runs first, then GPT-2's pattern,
  // then digit runs, then 3-digit groups.
  EXPECT_THAT(SplitWith("default", "a, 1234"), ElementsAre("a", ",", " ", "123", "4"));
}

TEST(PreTokenizer, NewerUnicodeSymbols) {
  // U+1FABF (goose) is \p{S} since Unicode 15: " 🪿" stays one piece, as in
  // the reference, although PCRE2's own tables may predate it.
  EXPECT_THAT(SplitWith("deepseek-v3", "a \U0001FABF \U0001FAE8"),
              ElementsAre("a", " \U0001FABF", " \U0001FAE8"));
}

TEST(PreTokenizer, ExtendUnicodePropertiesKeepsClassesValid) {
  const std::string in_class = ExtendUnicodeProperties("[^\\s\\p{L}]");
  EXPECT_EQ(in_class.rfind("[^\\s\\p{L}\\x{", 0), 0u);
  EXPECT_EQ(in_class.back(), ']');
  const std::string outside = ExtendUnicodeProperties("a\\p{N}+");
  EXPECT_EQ(outside.rfind("a[\\p{N}\\x{", 0), 0u);
  EXPECT_EQ(outside.substr(outside.size() - 2), "]+");
  EXPECT_EQ(ExtendUnicodeProperties("\\p{Han}[]a]\\\\"), "\\p{Han}[]a]\\\\");
  auto pt = PreTokenizer::Create({"[\\p{L}\\p{N}]+", "\\p{P}"});
  EXPECT_TRUE(pt.ok()) << pt.status();
}

TEST(PreTokenizer, EmptyListAndEmptyText) {
  auto pt = PreTokenizer::Create({});
  ASSERT_TRUE(pt.ok());
  auto pieces = (*pt)->Split("a b");
  ASSERT_TRUE(pieces.ok());
  EXPECT_THAT(*pieces, ElementsAre("a b"));
  EXPECT_TRUE((*pt)->Split("")->empty());
}

}  // namespace
}  // namespace fleet::engine::tokenizer
