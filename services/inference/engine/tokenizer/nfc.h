#pragma once
// Unicode Normalization Form C, as the Hugging Face "NFC" normalizer (used
// by Qwen2's tokenizer.json) applies it. ICU's normalizer does the work
// (Debian's libicu72: Unicode 15.0).
//
// Thread safety: safe from any number of threads (ICU's NFC instance is
// immutable and shared).

#include <string>

#include "absl/strings/string_view.h"

namespace fleet::engine::tokenizer {

// The NFC form of `text`, which must be valid UTF-8. ASCII-only text is
// returned unchanged without calling ICU.
std::string NfcNormalize(absl::string_view text);

// Whether `text` (valid UTF-8) is already in NFC, i.e. NfcNormalize(text) ==
// text. ASCII is answered without ICU; other text by ICU's check on the UTF-8
// itself (no conversion, no copy).
bool IsNfc(absl::string_view text);

}  // namespace fleet::engine::tokenizer
