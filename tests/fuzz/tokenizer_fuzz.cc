// libFuzzer target for the tokenizer: the input is (1) parsed as a
// tokenizer.json, and (2) encoded as text by a small byte-level tokenizer
// (Llama-3 regexes, a few merges, special tokens) and a small SentencePiece
// one. Valid UTF-8 must round-trip through the byte-level tokenizer, and the
// stream decoder must agree with Decode; invalid UTF-8 must be rejected.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "services/inference/engine/tokenizer/byte_level.h"
#include "services/inference/engine/tokenizer/stream_decoder.h"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "services/inference/engine/tokenizer/utf8.h"

namespace {

using namespace fleet::engine::tokenizer;  // NOLINT: fuzz target

std::unique_ptr<Tokenizer> MakeByteLevel() {
  TokenizerSpec spec;
  spec.model = TokenizerModel::kByteLevelBpe;
  spec.pre = "llama-bpe";
  spec.pre_regexes = *PreTokenizerRegexes(spec.pre);
  for (int b = 0; b < 256; ++b) spec.tokens.push_back(ByteToUnicode(static_cast<uint8_t>(b)));
  spec.merges = {"Ġ t", "h e", "Ġt he", "i n", "a n", "Ġ a", "e r"};
  for (const char* merged : {"Ġt", "he", "Ġthe", "in", "an", "Ġa", "er"})
    spec.tokens.push_back(merged);
  spec.types.assign(spec.tokens.size(), TokenType::kNormal);
  for (const char* special : {"<|begin_of_text|>", "<|eot_id|>", "<tool>"}) {
    spec.tokens.push_back(special);
    spec.types.push_back(special[1] == 't' ? TokenType::kUserDefined : TokenType::kControl);
  }
  spec.bos_id = 263;
  spec.add_bos = true;
  return std::move(*Tokenizer::Create(spec));
}

std::unique_ptr<Tokenizer> MakeSentencePiece() {
  TokenizerSpec spec;
  spec.model = TokenizerModel::kSentencePiece;
  spec.tokens = {"<unk>", "<s>", "</s>"};
  spec.types = {TokenType::kUnknown, TokenType::kControl, TokenType::kControl};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    spec.tokens.push_back(name);
    spec.types.push_back(TokenType::kByte);
  }
  for (const char* piece : {"\xE2\x96\x81", "a", "b",
                            "\xE2\x96\x81"
                            "a",
                            "ab"}) {
    spec.tokens.push_back(piece);
    spec.types.push_back(TokenType::kNormal);
  }
  spec.scores.assign(spec.tokens.size(), -1.0f);
  spec.bos_id = 1;
  spec.eos_id = 2;
  spec.unk_id = 0;
  spec.add_bos = true;
  spec.add_space_prefix = true;
  return std::move(*Tokenizer::Create(spec));
}

void CheckStream(const Tokenizer& tok, const std::vector<int32_t>& ids) {
  StreamDecoder stream(tok);
  std::string streamed;
  for (int32_t id : ids) {
    auto piece = stream.Push(id);
    if (!piece.ok() || !ValidateUtf8(*piece).ok()) __builtin_trap();
    streamed += *piece;
  }
  streamed += stream.Finish();
  if (streamed != *tok.Decode(ids)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<Tokenizer> byte_level = MakeByteLevel();
  static const std::unique_ptr<Tokenizer> spm = MakeSentencePiece();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  auto spec = TokenizerSpecFromHfJson(text, "");
  if (spec.ok()) (void)Tokenizer::Create(*std::move(spec));

  const bool valid = ValidateUtf8(text).ok();
  auto ids = byte_level->Encode(text);
  if (ids.ok() != valid) __builtin_trap();
  if (!ids.ok()) return 0;
  auto decoded = byte_level->Decode(*ids);
  if (!decoded.ok() || *decoded != "<|begin_of_text|>" + std::string(text)) __builtin_trap();
  CheckStream(*byte_level, *ids);

  auto spm_ids = spm->Encode(text, {.add_special = true, .parse_special = false});
  if (!spm_ids.ok()) __builtin_trap();
  CheckStream(*spm, *spm_ids);
  return 0;
}
