#pragma once
// Streaming separation of a reasoning model's "<think> ... </think>" text from its answer
// (OpenAI-style `reasoning_content` vs `content`).
//
// Rules:
//   - starts_in_reasoning = true (the prompt already opened "<think>", e.g. deepseek-r1): text is
//     reasoning until "</think>".
//   - starts_in_reasoning = false: if the output begins (after optional whitespace) with
//     "<think>", that tag opens the reasoning; otherwise all of it is content.
//   - In both modes a leading "<think>" (after optional whitespace) is swallowed, as is the
//     whitespace before it; text inside the block is passed on unchanged (including the "\n"
//     models put after "<think>").
//   - "</think>" ends the reasoning; it is not emitted, and the whitespace (space, \t, \r, \n)
//     right after it is dropped. Everything after that is content, tags included (a later
//     "<think>" or "</think>" is just text).
//   - Tags may arrive split across pushes: a suffix that might begin a tag is held back until the
//     next push decides it; Flush() releases it (to the channel of the current state).
// If pieces are whole UTF-8, so is every emitted string (tags are ASCII, so a held suffix starts
// with '<').
//
// Thread safety: one splitter per sequence; calls need exclusive access.

#include <string>

#include "absl/strings/string_view.h"

namespace fleet::engine::chat {

class ReasoningSplitter {
 public:
  struct Delta {
    std::string content;
    std::string reasoning;
  };

  explicit ReasoningSplitter(bool starts_in_reasoning);

  Delta Push(absl::string_view text);
  Delta Flush();

  bool in_reasoning() const { return state_ == State::kReasoning; }

 private:
  enum class State {
    kStart,       // nothing but whitespace seen: a "<think>" may still open the block
    kReasoning,   // inside the block: looking for "</think>"
    kAfterThink,  // just after "</think>": dropping whitespace
    kContent,     // the answer: everything passes through
  };

  State state_;
  bool starts_in_reasoning_;
  std::string pending_;  // held text (only in kStart and kReasoning)
};

}  // namespace fleet::engine::chat
