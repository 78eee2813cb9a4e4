#include "services/inference/engine/tokenizer/stream_decoder.h"

#include <utility>

#include "services/inference/engine/tokenizer/utf8.h"

namespace fleet::engine::tokenizer {

absl::StatusOr<std::string> StreamDecoder::Push(int32_t id) {
  absl::StatusOr<std::string> piece = tokenizer_.TokenBytes(id);
  if (!piece.ok()) return piece.status();
  if (skip_special_ && tokenizer_.IsSkippedSpecial(id)) return std::string();
  tokenizer_.AppendDecodedPiece(*std::move(piece), tokenizer_.IsControl(id), first_, pending_);
  const size_t hold = IncompleteUtf8TailLength(pending_);
  std::string out = SanitizeUtf8(absl::string_view(pending_).substr(0, pending_.size() - hold));
  pending_.erase(0, pending_.size() - hold);
  return out;
}

std::string StreamDecoder::Finish() {
  std::string out = SanitizeUtf8(pending_);
  pending_.clear();
  first_ = true;
  return out;
}

}  // namespace fleet::engine::tokenizer
