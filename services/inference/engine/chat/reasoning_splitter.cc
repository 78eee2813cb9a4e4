#include "services/inference/engine/chat/reasoning_splitter.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace fleet::engine::chat {
namespace {

// std::string_view (not absl's, a distinct type in this abseil) so std::string::find takes them.
constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";
constexpr std::string_view kWhitespace = " \t\r\n";

// Length of the longest suffix of `text` that is a proper prefix of `tag`.
size_t PartialTagSuffix(std::string_view text, std::string_view tag) {
  for (size_t len = std::min(text.size(), tag.size() - 1); len > 0; --len) {
    if (text.substr(text.size() - len) == tag.substr(0, len)) return len;
  }
  return 0;
}

}  // namespace

ReasoningSplitter::ReasoningSplitter(bool starts_in_reasoning)
    : state_(State::kStart), starts_in_reasoning_(starts_in_reasoning) {}

ReasoningSplitter::Delta ReasoningSplitter::Push(absl::string_view text) {
  Delta out;
  pending_.append(text.data(), text.size());
  // Each pass either consumes pending_ or changes state; at most four state changes happen.
  while (!pending_.empty()) {
    switch (state_) {
      case State::kStart: {
        const size_t ws = std::min(pending_.find_first_not_of(kWhitespace), pending_.size());
        const std::string_view rest = std::string_view(pending_).substr(ws);
        if (rest.empty()) return out;  // only whitespace so far: undecided
        if (rest.size() >= kOpen.size()) {
          if (rest.substr(0, kOpen.size()) == kOpen) {
            pending_.erase(0, ws + kOpen.size());
            state_ = State::kReasoning;
          } else {
            state_ = starts_in_reasoning_ ? State::kReasoning : State::kContent;
          }
          continue;
        }
        if (kOpen.substr(0, rest.size()) == rest) return out;  // "<thi": undecided
        state_ = starts_in_reasoning_ ? State::kReasoning : State::kContent;
        continue;
      }
      case State::kReasoning: {
        const size_t at = pending_.find(kClose);
        if (at != std::string::npos) {
          out.reasoning.append(pending_, 0, at);
          pending_.erase(0, at + kClose.size());
          state_ = State::kAfterThink;
          continue;
        }
        const size_t hold = PartialTagSuffix(pending_, kClose);
        out.reasoning.append(pending_, 0, pending_.size() - hold);
        pending_.erase(0, pending_.size() - hold);
        return out;
      }
      case State::kAfterThink: {
        const size_t keep = pending_.find_first_not_of(kWhitespace);
        if (keep == std::string::npos) {
          pending_.clear();
          return out;
        }
        pending_.erase(0, keep);
        state_ = State::kContent;
        continue;
      }
      case State::kContent:
        out.content.append(pending_);
        pending_.clear();
        return out;
    }
  }
  return out;
}

ReasoningSplitter::Delta ReasoningSplitter::Flush() {
  Delta out;
  std::string rest = std::exchange(pending_, std::string());
  switch (state_) {
    case State::kStart:
      (starts_in_reasoning_ ? out.reasoning : out.content) = std::move(rest);
      break;
    case State::kReasoning:
      out.reasoning = std::move(rest);
      break;
    case State::kAfterThink:
    case State::kContent:
      out.content = std::move(rest);
      break;
  }
  return out;
}

}  // namespace fleet::engine::chat
