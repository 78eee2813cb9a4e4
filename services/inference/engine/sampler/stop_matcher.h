#pragma once
// Stop strings over streamed text: decides how much of the generated text can be sent to the
// client now, and when a stop string ends the generation.
//
// Push(piece) appends the piece (usually one detokenized token) and returns the text that can
// no longer be the start of any stop string; a suffix that might begin one is held back (stops
// may span pieces). When a stop string appears, Push returns the text before its first
// occurrence (the earliest starting one among all stops) with stopped = true; the stop string
// and anything after it are never emitted. After that every Push returns {"", true} and Flush
// returns "". Flush() at the end of the generation returns the held-back text.
//
// UTF-8: if every piece ends on a character boundary, so does every emitted string (the held
// suffix never starts inside a character).
//
// Thread safety: one matcher per sequence; calls need exclusive access.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fleet::engine::sampler {

class StopMatcher {
 public:
  struct Result {
    std::string emit;
    bool stopped = false;
  };

  // INVALID_ARGUMENT if a stop string is empty ("stop[2] is empty") or not valid UTF-8.
  static absl::Status Validate(const std::vector<std::string>& stops);

  // Empty stops are ignored (call Validate first to report them). No stops: Push emits all.
  explicit StopMatcher(std::vector<std::string> stops);

  Result Push(absl::string_view text);
  std::string Flush();

  bool stopped() const { return stopped_; }
  // The stop string that matched, or "" before a match.
  const std::string& matched_stop() const { return matched_stop_; }

 private:
  // Length of the longest suffix of pending_ that is a proper prefix of some stop.
  size_t HeldSuffixLength() const;

  std::vector<std::string> stops_;
  std::string pending_;  // text received but not emitted yet
  bool stopped_ = false;
  std::string matched_stop_;
};

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool IsValidUtf8(absl::string_view text);

}  // namespace fleet::engine::sampler
