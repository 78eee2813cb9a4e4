#pragma once
// Incremental detokenization for streaming: turns token ids, one at a time,
// into text that never contains a partial UTF-8 sequence.
//
// Push appends a token's bytes and returns every complete character so far;
// a trailing incomplete sequence (e.g. the first byte token of a 3-byte
// character) is held back until later tokens complete it. Bytes that can
// never become valid are replaced by U+FFFD as soon as that is certain.
// Finish flushes what is held (an incomplete tail becomes U+FFFD) and resets.
// The concatenation of all Push results and Finish equals
// Tokenizer::Decode of the same ids with the same skip_special.
//
// Thread safety: none; one decoder per stream. The tokenizer must outlive it.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/inference/engine/tokenizer/tokenizer.h"

namespace fleet::engine::tokenizer {

class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tokenizer, bool skip_special = false)
      : tokenizer_(tokenizer), skip_special_(skip_special) {}

  // Complete UTF-8 only; holds back an incomplete tail. INVALID_ARGUMENT for
  // an id outside the vocabulary (the decoder's state is unchanged).
  absl::StatusOr<std::string> Push(int32_t id);
  // Flushes; an incomplete tail becomes U+FFFD. The decoder starts afresh.
  std::string Finish();

 private:
  const Tokenizer& tokenizer_;
  bool skip_special_;
  bool first_ = true;    // no text emitted yet (SentencePiece prefix space)
  std::string pending_;  // bytes of an incomplete UTF-8 sequence
};

}  // namespace fleet::engine::tokenizer
