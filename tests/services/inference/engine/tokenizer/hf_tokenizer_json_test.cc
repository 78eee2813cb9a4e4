#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/tokenizer/pre_tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::tokenizer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A Qwen2-style byte-level tokenizer.json: NFC, Split(regex) + ByteLevel.
constexpr char kByteLevelJson[] = R"({
  "added_tokens": [
    {"id": 7, "content": "<|im_end|>", "special": true, "lstrip": false, "rstrip": false,
     "single_word": false, "normalized": false},
    {"id": 8, "content": "<tool>", "special": false}
  ],
  "normalizer": {"type": "NFC"},
  "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
    {"type": "Split", "pattern": {"Regex": "\\p{N}| ?\\p{L}+|\\s+"}, "behavior": "Isolated",
     "invert": false},
    {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]},
  "post_processor": {"type": "ByteLevel"},
  "decoder": {"type": "ByteLevel"},
  "model": {"type": "BPE", "dropout": null, "unk_token": null, "byte_fallback": false,
    "vocab": {"a": 0, "b": 1, "Ġ": 2, "ab": 3, "Ġab": 4, "1": 5, "Ã©": 6, "Ã": 9, "©": 10},
    "merges": ["a b", ["Ġ", "ab"], "Ã ©"]}
})";

constexpr char kLlama2Json[] = R"({
  "added_tokens": [
    {"id": 0, "content": "<unk>", "special": true},
    {"id": 1, "content": "<s>", "special": true},
    {"id": 2, "content": "</s>", "special": true}],
  "normalizer": {"type": "Sequence", "normalizers": [
    {"type": "Prepend", "prepend": "▁"},
    {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
  "pre_tokenizer": null,
  "post_processor": {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]},
  "decoder": {"type": "Sequence", "decoders": [
    {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
    {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
  "model": {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true, "fuse_unk": true,
    "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0xC3>": 3, "<0xA9>": 4, "▁": 5, "h": 6, "i": 7,
              "▁h": 8, "▁hi": 9},
    "merges": ["▁ h", "▁h i"]}
})";

TEST(HfJson, ByteLevelModel) {
  auto spec = TokenizerSpecFromHfJson(kByteLevelJson, R"({"eos_token": "<|im_end|>"})");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->model, TokenizerModel::kByteLevelBpe);
  EXPECT_TRUE(spec->normalize_nfc);
  EXPECT_THAT(spec->pre_regexes, ElementsAre("\\p{N}| ?\\p{L}+|\\s+"));
  EXPECT_EQ(spec->pre, "");  // no GGUF name for this list
  EXPECT_THAT(spec->merges, ElementsAre("a b", "Ġ ab", "Ã ©"));
  EXPECT_EQ(spec->types[7], TokenType::kControl);
  EXPECT_EQ(spec->types[8], TokenType::kUserDefined);
  EXPECT_EQ(spec->eos_id, 7);
  EXPECT_EQ(spec->eot_id, 7);
  EXPECT_FALSE(spec->add_bos);
  auto tok = Tokenizer::Create(*spec);
  ASSERT_TRUE(tok.ok()) << tok.status();
  EXPECT_THAT(*(*tok)->Encode("ab ab1<|im_end|>"), ElementsAre(3, 4, 5, 7));
  // NFC: e + U+0301 becomes é (bytes C3 A9 -> "Ã©").
  EXPECT_THAT(*(*tok)->Encode("e\xCC\x81"), ElementsAre(6));
  EXPECT_TRUE((*tok)->IsEndOfGeneration(7));
}

TEST(HfJson, Llama2StyleIsSentencePiece) {
  auto spec = TokenizerSpecFromHfJson(kLlama2Json, "");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->model, TokenizerModel::kSentencePiece);
  EXPECT_TRUE(spec->add_space_prefix);
  EXPECT_TRUE(spec->add_bos);  // from the TemplateProcessing post-processor
  EXPECT_EQ(spec->bos_id, 1);
  EXPECT_EQ(spec->unk_id, 0);
  EXPECT_EQ(spec->types[0], TokenType::kUnknown);
  EXPECT_EQ(spec->types[3], TokenType::kByte);
  ASSERT_EQ(spec->scores.size(), spec->tokens.size());
  EXPECT_GT(spec->scores[8], spec->scores[9]);  // "▁h" merges before "▁hi"
  auto tok = Tokenizer::Create(*spec);
  ASSERT_TRUE(tok.ok()) << tok.status();
  EXPECT_THAT(*(*tok)->Encode("hi é"), ElementsAre(1, 9, 5, 3, 4));
  EXPECT_THAT(*(*tok)->Encode("hi</s>hi", {.add_special = false}), ElementsAre(9, 2, 9));
  EXPECT_EQ(*(*tok)->Decode({1, 9, 5, 3, 4}, /*skip_special=*/true), "hi é");
  // The config overrides the post-processor.
  auto no_bos = TokenizerSpecFromHfJson(kLlama2Json, R"({"add_bos_token": false})");
  ASSERT_TRUE(no_bos.ok());
  EXPECT_FALSE(no_bos->add_bos);
}

TEST(HfJson, UnsupportedPartsAreNamed) {
  const auto error = [](const std::string& json) {
    return std::string(TokenizerSpecFromHfJson(json, "").status().message());
  };
  EXPECT_THAT(error("not json"), HasSubstr("not a JSON object"));
  EXPECT_THAT(error(R"({"model": {"type": "Unigram", "vocab": []}})"),
              HasSubstr("model type 'Unigram'"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                       "normalizer": {"type": "Lowercase"}})"),
              HasSubstr("normalizer type 'Lowercase'"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                       "pre_tokenizer": {"type": "Whitespace"}})"),
              HasSubstr("pre_tokenizer type 'Whitespace'"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                       "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "a"},
                                         "behavior": "Removed"}})"),
              HasSubstr("Split behavior 'Removed'"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": true}})"),
              HasSubstr("add_prefix_space=true"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})"),
              HasSubstr("without a ByteLevel"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [3]},
                       "decoder": {"type": "ByteLevel"}})"),
              HasSubstr("merges[0]"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                       "decoder": {"type": "WordPiece"}})"),
              HasSubstr("decoder type 'WordPiece'"));
  EXPECT_THAT(error(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []},
                       "decoder": {"type": "ByteLevel"},
                       "added_tokens": [{"id": 1, "content": "<m>", "lstrip": true}]})"),
              HasSubstr("'<m>' with lstrip=true"));
}

TEST(HfJson, HolesAreFilledAndGpt2RegexAdded) {
  auto spec = TokenizerSpecFromHfJson(
      R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 2}, "merges": []},
          "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}})",
      "");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(spec->tokens, ElementsAre("a", "[PAD1]", "b"));
  EXPECT_EQ(spec->types[1], TokenType::kUnused);
  EXPECT_THAT(spec->pre_regexes, ElementsAre(Gpt2Regex()));
  EXPECT_EQ(spec->pre, "gpt2");  // the GGUF name of that regex list
}

}  // namespace
}  // namespace fleet::engine::tokenizer
