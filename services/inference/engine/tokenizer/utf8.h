#pragma once
// UTF-8 helpers used by the tokenizer: validation (with the offset of the
// first bad byte), code point iteration and encoding.
//
// "Valid" is RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), no
// code point above U+10FFFF, no truncated sequence.
//
// Thread safety: pure functions.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fleet::engine::tokenizer {

// OK, or INVALID_ARGUMENT "invalid UTF-8 at byte offset N".
absl::Status ValidateUtf8(absl::string_view text);

// The length of the valid UTF-8 sequence starting at text[pos], or 0 if the
// bytes there are not one (bad lead byte, bad continuation, overlong,
// surrogate, > U+10FFFF, truncated). pos must be < text.size().
size_t Utf8SequenceLength(absl::string_view text, size_t pos);

// Decodes the sequence of `len` bytes at text[pos] (as returned by
// Utf8SequenceLength, so known valid).
uint32_t DecodeUtf8(absl::string_view text, size_t pos, size_t len);

// Appends the UTF-8 encoding of `cp` (must be a valid scalar value).
void AppendUtf8(uint32_t cp, std::string& out);

// The number of bytes at the end of `bytes` that form an incomplete (but so
// far valid) prefix of a UTF-8 sequence: 0..3. Used by the stream decoder to
// hold back a tail that later bytes may complete.
size_t IncompleteUtf8TailLength(absl::string_view bytes);

// Replaces every invalid sequence in `bytes` by U+FFFD (one per maximal
// invalid subpart, as the Unicode standard recommends).
std::string SanitizeUtf8(absl::string_view bytes);

}  // namespace fleet::engine::tokenizer
