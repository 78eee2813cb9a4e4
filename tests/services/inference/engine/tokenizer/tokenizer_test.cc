#include "services/inference/engine/tokenizer/tokenizer.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "services/inference/engine/tokenizer/stream_decoder.h"
#include "services/inference/engine/tokenizer/utf8.h"
#include "tests/services/inference/engine/tokenizer/test_vocabs.h"

namespace fleet::engine::tokenizer {
namespace {

using testing::ByteLevelSpec;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::SentencePieceSpec;

int32_t Id(const TokenizerSpec& spec, const std::string& text) {
  auto it = std::find(spec.tokens.begin(), spec.tokens.end(), text);
  EXPECT_NE(it, spec.tokens.end()) << text;
  return static_cast<int32_t>(it - spec.tokens.begin());
}

std::unique_ptr<Tokenizer> Make(TokenizerSpec spec) {
  if (spec.model == TokenizerModel::kByteLevelBpe && spec.pre_regexes.empty()) {
    spec.pre_regexes = *PreTokenizerRegexes(spec.pre);
  }
  auto t = Tokenizer::Create(std::move(spec));
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(*t) : nullptr;
}

const std::vector<std::string> kHelloMerges = {"h e", "l l", "he ll", "hell o",
                                               "Ġ w", "o r", "Ġw or"};

TEST(ByteLevelBpe, MergesByRank) {
  auto tok = Make(ByteLevelSpec(kHelloMerges));
  const TokenizerSpec& s = tok->spec();
  auto ids = tok->Encode("hello world", {.add_special = false});
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre(Id(s, "hello"), Id(s, "Ġwor"), 'l', 'd'));
  EXPECT_EQ(*tok->Decode(*ids), "hello world");
}

TEST(ByteLevelBpe, LowerRankWinsRegardlessOfPosition) {
  auto a = Make(ByteLevelSpec({"b c", "a b"}));
  EXPECT_THAT(*a->Encode("abc", {.add_special = false}), ElementsAre('a', Id(a->spec(), "bc")));
  auto b = Make(ByteLevelSpec({"a b", "b c"}));
  EXPECT_THAT(*b->Encode("abc", {.add_special = false}), ElementsAre(Id(b->spec(), "ab"), 'c'));
  // Equal pairs merge left to right: "aaa" -> "aa" "a".
  auto c = Make(ByteLevelSpec({"a a"}));
  EXPECT_THAT(*c->Encode("aaa", {.add_special = false}), ElementsAre(Id(c->spec(), "aa"), 'a'));
}

TEST(ByteLevelBpe, IgnoreMergesTakesWholeVocabularyWords) {
  // "abc" is in the vocabulary but unreachable through the merges.
  TokenizerSpec spec = ByteLevelSpec({"a b"});
  spec.tokens.push_back("abc");
  spec.types.push_back(TokenType::kNormal);
  auto plain = Make(spec);
  EXPECT_THAT(*plain->Encode("abc", {.add_special = false}), ElementsAre(Id(spec, "ab"), 'c'));
  spec.ignore_merges = true;
  auto ignoring = Make(spec);
  EXPECT_THAT(*ignoring->Encode("abc", {.add_special = false}), ElementsAre(Id(spec, "abc")));
}

TEST(ByteLevelBpe, BytesOfMultiByteCharacters) {
  auto tok = Make(ByteLevelSpec({}));
  // No merges: one token per byte; 你 is E4 BD A0.
  EXPECT_THAT(*tok->Encode("你", {.add_special = false}), ElementsAre(0xE4, 0xBD, 0xA0));
  EXPECT_EQ(*tok->TokenBytes(0xE4), "\xE4");
  EXPECT_EQ(tok->TokenText(' '), "Ġ");
}

TEST(ByteLevelBpe, SpecialTokensAreSplitOutFirst) {
  TokenizerSpec spec = ByteLevelSpec(kHelloMerges);
  spec.add_bos = true;
  auto tok = Make(spec);
  const int32_t bos = Id(spec, "<s>"), im_end = Id(spec, "<|im_end|>"), tool = Id(spec, "<tool>");
  auto ids = tok->Encode("hello<|im_end|><tool>hello");
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre(bos, Id(spec, "hello"), im_end, tool, Id(spec, "hello")));
  EXPECT_EQ(*tok->Decode(*ids), "<s>hello<|im_end|><tool>hello");
  EXPECT_EQ(*tok->Decode(*ids, /*skip_special=*/true), "hello<tool>hello");

  // parse_special=false: control text is plain text, user-defined still matches.
  auto plain = tok->Encode("<|im_end|><tool>", {.add_special = false, .parse_special = false});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(std::count(plain->begin(), plain->end(), im_end), 0);
  EXPECT_EQ(plain->back(), tool);
  EXPECT_EQ(*tok->Decode(*plain), "<|im_end|><tool>");
}

TEST(ByteLevelBpe, LongestSpecialTokenWins) {
  TokenizerSpec spec = ByteLevelSpec({});
  for (const char* t : {"<a>", "<a><b>"}) {
    spec.tokens.push_back(t);
    spec.types.push_back(TokenType::kControl);
  }
  auto tok = Make(spec);
  EXPECT_THAT(*tok->Encode("<a><b><a>", {.add_special = false}),
              ElementsAre(Id(spec, "<a><b>"), Id(spec, "<a>")));
}

TEST(ByteLevelBpe, RoundTripsArbitraryText) {
  auto tok = Make(ByteLevelSpec(kHelloMerges, "llama-bpe"));
  for (const char* text :
       {"", " ", "hello world", "  leading and trailing  ", "tabs\tand\nnewlines\r\n",
        "数字 12345 和 emoji 😀👍🏽", "I'm can't we'LL", "<s> not special?"}) {
    auto ids = tok->Encode(text, {.add_special = false});
    ASSERT_TRUE(ids.ok()) << text;
    EXPECT_EQ(*tok->Decode(*ids), text);
  }
}

TEST(Tokenizer, InvalidUtf8IsInvalidArgumentWithOffset) {
  auto tok = Make(ByteLevelSpec({}));
  auto ids = tok->Encode("abc\xC3");
  ASSERT_EQ(ids.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ids.status().message()), HasSubstr("byte offset 3"));
}

TEST(Tokenizer, OutOfRangeIds) {
  auto tok = Make(ByteLevelSpec({}));
  EXPECT_EQ(tok->Decode({1, tok->n_vocab()}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tok->Decode({-1}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tok->TokenBytes(tok->n_vocab()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(tok->IsControl(-5));
  EXPECT_FALSE(tok->IsEndOfGeneration(tok->n_vocab()));
}

TEST(Tokenizer, SpecialIdsAndEndOfGeneration) {
  auto tok = Make(ByteLevelSpec({}));
  const TokenizerSpec& s = tok->spec();
  EXPECT_EQ(*tok->SpecialTokenId("<|im_end|>"), Id(s, "<|im_end|>"));
  EXPECT_EQ(*tok->SpecialTokenId("<tool>"), Id(s, "<tool>"));
  EXPECT_EQ(tok->SpecialTokenId("a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(tok->IsEndOfGeneration(Id(s, "<|im_end|>")));
  EXPECT_FALSE(tok->IsEndOfGeneration(Id(s, "<s>")));
  EXPECT_TRUE(tok->IsControl(Id(s, "<s>")));
  EXPECT_FALSE(tok->IsControl(Id(s, "<tool>")));
}

TEST(Tokenizer, CreateValidates) {
  TokenizerSpec empty;
  EXPECT_EQ(Tokenizer::Create(empty).status().code(), absl::StatusCode::kInvalidArgument);
  TokenizerSpec spec = ByteLevelSpec({});
  spec.pre_regexes = {"("};
  EXPECT_EQ(Tokenizer::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = ByteLevelSpec({});
  spec.merges = {"ab"};  // no space
  EXPECT_THAT(std::string(Tokenizer::Create(spec).status().message()), HasSubstr("merge 0"));
  spec = ByteLevelSpec({});
  spec.bos_id = spec.tokens.size();
  EXPECT_EQ(Tokenizer::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = ByteLevelSpec({});
  spec.bos_id = -1;
  spec.add_bos = true;
  EXPECT_EQ(Tokenizer::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = ByteLevelSpec({});
  spec.tokens[300 - 256] = "\xFF";
  EXPECT_EQ(Tokenizer::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SentencePiece, MergesByScoreWithPrefixAndByteFallback) {
  auto tok = Make(SentencePieceSpec());
  const TokenizerSpec& s = tok->spec();
  auto ids = tok->Encode("hello é");
  ASSERT_TRUE(ids.ok()) << ids.status();
  // <s> ▁hello ▁ <0xC3> <0xA9>
  EXPECT_THAT(*ids, ElementsAre(1, Id(s, "▁hello"), Id(s, "▁"), Id(s, "<0xC3>"), Id(s, "<0xA9>")));
  // As HF's Strip decoder: only a leading space of the whole text goes.
  EXPECT_EQ(*tok->Decode(*ids), "<s> hello é");
  EXPECT_EQ(*tok->Decode(*ids, /*skip_special=*/true), "hello é");
  // The space prefix comes back after a special token.
  EXPECT_THAT(*tok->Encode("</s>he", {.add_special = false}), ElementsAre(2, Id(s, "▁he")));
  // Without the prefix.
  TokenizerSpec no_prefix = SentencePieceSpec();
  no_prefix.add_space_prefix = false;
  auto np = Make(no_prefix);
  EXPECT_THAT(*np->Encode("hello", {.add_special = false}),
              ElementsAre(Id(s, "he"), Id(s, "ll"), Id(s, "o")));
  EXPECT_EQ(*np->Decode(*np->Encode("hello", {.add_special = false})), "hello");
}

TEST(SentencePiece, OnlyOneLeadingSpaceIsStripped) {
  auto tok = Make(SentencePieceSpec());
  const TokenizerSpec& s = tok->spec();
  // " hello" encodes as "▁" "▁hello"; only the prefix space goes.
  auto ids = tok->Encode(" hello", {.add_special = false});
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre(Id(s, "▁"), Id(s, "▁hello")));
  EXPECT_EQ(*tok->Decode(*ids), " hello");
  StreamDecoder d(*tok);
  std::string streamed;
  for (int32_t id : *ids) streamed += *d.Push(id);
  EXPECT_EQ(streamed + d.Finish(), " hello");
  // skip_special drops the unknown-type token too (an HF special token).
  EXPECT_EQ(*tok->Decode({0, Id(s, "▁hello")}), "<unk> hello");
  EXPECT_EQ(*tok->Decode({0, Id(s, "▁hello")}, /*skip_special=*/true), "hello");
}

TEST(SentencePiece, UnknownWithoutByteTokens) {
  TokenizerSpec spec = SentencePieceSpec();
  spec.tokens[3 + 0xC3] = "<byte-c3-missing>";
  auto tok = Make(spec);
  EXPECT_THAT(*tok->Encode("é", {.add_special = false}), ElementsAre(Id(spec, "▁"), 0));
}

TEST(SentencePiece, MergesByRankWhenTheSpecHasMerges) {
  TokenizerSpec spec = SentencePieceSpec();
  // Ranks contradict the scores: "▁ h" first, then "▁h e"... (needs ▁h e -> ▁he).
  spec.merges = {"▁ h", "▁h e", "l l", "▁he ll", "▁hell o"};
  auto tok = Make(spec);
  EXPECT_THAT(*tok->Encode("hello", {.add_special = false}), ElementsAre(Id(spec, "▁hello")));
  spec.merges = {"▁ h", "l l"};
  auto partial = Make(spec);
  EXPECT_THAT(*partial->Encode("hello", {.add_special = false}),
              ElementsAre(Id(spec, "▁h"), Id(spec, "e"), Id(spec, "ll"), Id(spec, "o")));
}

TEST(StreamDecoder, HoldsBackSplitCharacters) {
  auto tok = Make(SentencePieceSpec());
  const TokenizerSpec& s = tok->spec();
  StreamDecoder d(*tok, /*skip_special=*/true);
  EXPECT_EQ(*d.Push(1), "");
  EXPECT_EQ(*d.Push(Id(s, "▁hello")), "hello");  // the prefix space is dropped
  EXPECT_EQ(*d.Push(Id(s, "▁")), " ");
  EXPECT_EQ(*d.Push(Id(s, "<0xE4>")), "");
  EXPECT_EQ(*d.Push(Id(s, "<0xBD>")), "");
  EXPECT_EQ(*d.Push(Id(s, "<0xA0>")), "你");
  EXPECT_EQ(*d.Push(Id(s, "<0xF0>")), "");
  EXPECT_EQ(d.Push(tok->n_vocab()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.Finish(), "\xEF\xBF\xBD");
  EXPECT_EQ(d.Finish(), "");
}

TEST(StreamDecoder, MatchesDecodeForByteLevel) {
  auto tok = Make(ByteLevelSpec(kHelloMerges));
  const std::string text = "hello 😀 world 你好<|im_end|>";
  auto ids = *tok->Encode(text);
  StreamDecoder d(*tok);
  std::string streamed;
  for (int32_t id : ids) {
    auto piece = d.Push(id);
    ASSERT_TRUE(piece.ok());
    EXPECT_TRUE(ValidateUtf8(*piece).ok());
    streamed += *piece;
  }
  streamed += d.Finish();
  EXPECT_EQ(streamed, text);
  // An invalid byte in the middle is replaced at once, not held.
  StreamDecoder bad(*tok);
  EXPECT_EQ(*bad.Push(0xFF), "\xEF\xBF\xBD");
}

TEST(GgufRoundTrip, ByteLevelAndSentencePiece) {
  TokenizerSpec bpe = ByteLevelSpec(kHelloMerges, "qwen2");
  bpe.pre_regexes = *PreTokenizerRegexes("qwen2");
  bpe.eot_id = Id(bpe, "<|im_end|>");
  bpe.add_eos = true;
  bpe.normalize_nfc = true;  // derived from "qwen2" on read
  TokenizerSpec spm = SentencePieceSpec();
  spm.pad_id = 0;
  for (const TokenizerSpec& spec : {bpe, spm}) {
    gguf::GgufWriter writer;
    ASSERT_TRUE(WriteTokenizerSpec(spec, writer).ok());
    auto bytes = writer.Serialize();
    ASSERT_TRUE(bytes.ok());
    auto file = gguf::GgufFile::Parse(*bytes);
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_EQ(*(*file)->metadata().GetString("tokenizer.ggml.model"),
              spec.model == TokenizerModel::kByteLevelBpe ? "gpt2" : "llama");
    auto back = TokenizerSpecFromGguf((*file)->metadata());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(*back == spec);
    EXPECT_EQ(back->tokens, spec.tokens);
    EXPECT_EQ(back->merges, spec.merges);
    EXPECT_EQ(back->pre_regexes, spec.pre_regexes);
  }
}

TEST(GgufWrite, RejectsRegexesWithoutAGgufName) {
  TokenizerSpec spec = ByteLevelSpec({}, "qwen2");
  spec.pre_regexes = {"\\p{N}+"};
  gguf::GgufWriter writer;
  EXPECT_THAT(std::string(WriteTokenizerSpec(spec, writer).message()),
              HasSubstr("GGUF cannot store other regexes"));
  spec.pre = "gpt2";
  spec.pre_regexes = {Gpt2Regex()};
  ASSERT_TRUE(WriteTokenizerSpec(spec, writer).ok());
  EXPECT_EQ(*writer.metadata().GetString("tokenizer.ggml.pre"), "gpt-2");  // llama.cpp's name
}

TEST(GgufRead, DefaultsAndErrors) {
  gguf::GgufMetadata m;
  ASSERT_TRUE(m.Add("tokenizer.ggml.model", gguf::GgufValue::String("gpt2")).ok());
  ASSERT_TRUE(m.Add("tokenizer.ggml.tokens",
                    gguf::GgufValue::Array(gguf::GgufArray(std::vector<std::string>{"a", "b"})))
                  .ok());
  // gpt2 needs merges.
  EXPECT_EQ(TokenizerSpecFromGguf(m).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(m.Add("tokenizer.ggml.merges",
                    gguf::GgufValue::Array(gguf::GgufArray(std::vector<std::string>{"a b"})))
                  .ok());
  auto spec = TokenizerSpecFromGguf(m);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->pre, "default");
  EXPECT_FALSE(spec->add_bos);
  EXPECT_THAT(spec->types, ElementsAre(TokenType::kNormal, TokenType::kNormal));

  ASSERT_TRUE(m.Set("tokenizer.ggml.pre", gguf::GgufValue::String("llama-bpe")).ok());
  spec = TokenizerSpecFromGguf(m);
  ASSERT_TRUE(spec.ok());
  EXPECT_TRUE(spec->ignore_merges);
  EXPECT_TRUE(spec->add_bos);  // llama.cpp's default for llama-bpe

  ASSERT_TRUE(m.Set("tokenizer.ggml.pre", gguf::GgufValue::String("no-such-pre")).ok());
  EXPECT_THAT(std::string(TokenizerSpecFromGguf(m).status().message()),
              HasSubstr("supported: default"));
  ASSERT_TRUE(m.Set("tokenizer.ggml.pre", gguf::GgufValue::String("gpt-2")).ok());
  ASSERT_TRUE(m.Set("tokenizer.ggml.bos_token_id", gguf::GgufValue::Uint32(2)).ok());
  EXPECT_THAT(std::string(TokenizerSpecFromGguf(m).status().message()),
              HasSubstr("tokenizer.ggml.bos_token_id"));
  ASSERT_TRUE(m.Set("tokenizer.ggml.bos_token_id", gguf::GgufValue::Uint32(1)).ok());
  ASSERT_TRUE(m.Set("tokenizer.ggml.token_type",
                    gguf::GgufValue::Array(gguf::GgufArray(std::vector<int32_t>{1, 9})))
                  .ok());
  EXPECT_THAT(std::string(TokenizerSpecFromGguf(m).status().message()), HasSubstr("type 9"));
  ASSERT_TRUE(m.Set("tokenizer.ggml.model", gguf::GgufValue::String("bert")).ok());
  EXPECT_THAT(std::string(TokenizerSpecFromGguf(m).status().message()),
              HasSubstr("unsupported tokenizer model 'bert'"));
}

}  // namespace
}  // namespace fleet::engine::tokenizer
