#pragma once
// GPT-2's byte-level alphabet: every byte 0..255 maps to one printable code
// point (bytes '!'..'~', U+00A1..U+00AC and U+00AE..U+00FF map to themselves;
// the other 68 bytes map to U+0100, U+0101, ... in byte order). Byte-level BPE
// vocabularies (GPT-2, Llama-3, Qwen2, DeepSeek) store tokens in this alphabet
// ("Ġ" is the space byte 0x20).
//
// Thread safety: pure functions over constant tables.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace fleet::engine::tokenizer {

// The UTF-8 text of the code point byte `b` maps to.
const std::string& ByteToUnicode(uint8_t b);

// Appends the byte-level encoding of `bytes` (each byte's code point).
void AppendByteLevelEncoded(absl::string_view bytes, std::string& out);

// Decodes byte-level text back to bytes. A code point outside the alphabet
// (which a well-formed vocabulary never holds) is copied through as UTF-8.
// `text` must be valid UTF-8.
std::string ByteLevelDecode(absl::string_view text);

}  // namespace fleet::engine::tokenizer
