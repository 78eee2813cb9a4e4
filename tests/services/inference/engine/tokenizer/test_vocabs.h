#pragma once
// Small hand-built vocabularies for the tokenizer tests.

#include <cstdio>
#include <string>
#include <vector>

#include "services/inference/engine/tokenizer/byte_level.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::tokenizer::testing {

// Byte-level BPE: ids 0..255 are the byte alphabet in byte order, then the
// merged tokens in merge order, then <s> (control), <|im_end|> (control),
// <tool> (user-defined).
inline TokenizerSpec ByteLevelSpec(const std::vector<std::string>& merges,
                                   const std::string& pre = "qwen2") {
  TokenizerSpec spec;
  spec.model = TokenizerModel::kByteLevelBpe;
  spec.pre = pre;
  for (int b = 0; b < 256; ++b) spec.tokens.push_back(ByteToUnicode(static_cast<uint8_t>(b)));
  for (const std::string& m : merges) {
    std::string merged = m;
    merged.erase(merged.find(' '), 1);
    spec.tokens.push_back(merged);
  }
  spec.merges = merges;
  spec.types.assign(spec.tokens.size(), TokenType::kNormal);
  for (const char* special : {"<s>", "<|im_end|>", "<tool>"}) {
    spec.tokens.push_back(special);
    spec.types.push_back(std::string(special) == "<tool>" ? TokenType::kUserDefined
                                                          : TokenType::kControl);
  }
  spec.bos_id = static_cast<int32_t>(spec.tokens.size()) - 3;
  spec.eos_id = static_cast<int32_t>(spec.tokens.size()) - 2;
  return spec;
}

// SentencePiece: <unk>, <s>, </s>, the 256 byte tokens, then pieces with scores.
inline TokenizerSpec SentencePieceSpec() {
  TokenizerSpec spec;
  spec.model = TokenizerModel::kSentencePiece;
  const auto add = [&](std::string text, float score, TokenType type) {
    spec.tokens.push_back(std::move(text));
    spec.scores.push_back(score);
    spec.types.push_back(type);
  };
  add("<unk>", 0, TokenType::kUnknown);
  add("<s>", 0, TokenType::kControl);
  add("</s>", 0, TokenType::kControl);
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    add(name, 0, TokenType::kByte);
  }
  // Characters, then merged pieces; higher score merges first.
  for (const char* ch : {"\xE2\x96\x81", "h", "e", "l", "o", "w", "r", "d"}) {
    add(ch, -100, TokenType::kNormal);
  }
  add("ll", -1, TokenType::kNormal);
  add("he", -2, TokenType::kNormal);
  add("\xE2\x96\x81he", -3, TokenType::kNormal);
  add("\xE2\x96\x81h", -5, TokenType::kNormal);
  add("\xE2\x96\x81hell", -6, TokenType::kNormal);
  add("\xE2\x96\x81hello", -7, TokenType::kNormal);
  add("\xE2\x96\x81w", -8, TokenType::kNormal);
  spec.bos_id = 1;
  spec.eos_id = 2;
  spec.unk_id = 0;
  spec.add_bos = true;
  spec.add_space_prefix = true;
  return spec;
}

}  // namespace fleet::engine::tokenizer::testing
