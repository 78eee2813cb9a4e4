#include "services/inference/engine/sampler/stop_matcher.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"

namespace fleet::engine::sampler {
namespace {

bool IsContinuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<uint8_t>(text[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if (!IsContinuation(text[i + k])) return false;
      cp = (cp << 6) | (static_cast<uint8_t>(text[i + k]) & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

absl::Status StopMatcher::Validate(const std::vector<std::string>& stops) {
  for (size_t i = 0; i < stops.size(); ++i) {
    if (stops[i].empty()) {
      return absl::InvalidArgumentError(absl::StrCat("stop[", i, "] is empty"));
    }
    if (!IsValidUtf8(stops[i])) {
      return absl::InvalidArgumentError(absl::StrCat("stop[", i, "] is not valid UTF-8"));
    }
  }
  return absl::OkStatus();
}

StopMatcher::StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {
  std::erase_if(stops_, [](const std::string& s) { return s.empty(); });
}

size_t StopMatcher::HeldSuffixLength() const {
  size_t longest = 0;
  for (const std::string& stop : stops_) {
    // Proper prefixes only: a whole stop would have been matched already.
    const size_t max_len = std::min(stop.size() - 1, pending_.size());
    for (size_t len = max_len; len > longest; --len) {
      if (absl::string_view(pending_).substr(pending_.size() - len) ==
          absl::string_view(stop).substr(0, len)) {
        longest = len;
        break;
      }
    }
  }
  return longest;
}

StopMatcher::Result StopMatcher::Push(absl::string_view text) {
  Result result;
  if (stopped_) {
    result.stopped = true;
    return result;
  }
  pending_.append(text.data(), text.size());
  size_t earliest = std::string::npos;
  for (const std::string& stop : stops_) {
    const size_t at = pending_.find(stop);
    if (at < earliest) {
      earliest = at;
      matched_stop_ = stop;
    }
  }
  if (earliest != std::string::npos) {
    stopped_ = true;
    result.stopped = true;
    result.emit = pending_.substr(0, earliest);
    pending_.clear();
    return result;
  }
  size_t cut = pending_.size() - HeldSuffixLength();
  // Never split a character: back up to the start of the one the cut falls in. (With valid
  // UTF-8 stops the held suffix already starts on a boundary; this guards the rest.)
  while (cut > 0 && cut < pending_.size() && IsContinuation(pending_[cut])) --cut;
  result.emit = pending_.substr(0, cut);
  pending_.erase(0, cut);
  return result;
}

std::string StopMatcher::Flush() {
  if (stopped_) return "";
  return std::exchange(pending_, std::string());
}

}  // namespace fleet::engine::sampler
