#pragma once
// Pre-tokenization: the regexes that cut text into pieces before BPE.
//
// A pre-tokenizer is a list of regexes applied in sequence, each with
// Hugging Face "Split ... behavior Isolated" semantics: every piece produced
// so far is cut at each match of the regex, and both the matches and the gaps
// between them become pieces (nothing is dropped, order is kept). Regexes are
// PCRE2 patterns compiled with UTF + UCP (so \s, \p{L}, \p{N} are Unicode) and
// JIT-compiled when the platform allows. Before compiling, \p{L} \p{N} \p{P}
// \p{S} \p{M} are extended to the code points newer Unicode assigned to them
// (unicode_update.h), so that pieces match the reference tokenizer.
//
// Thread safety: a compiled PreTokenizer is immutable; Split and ForEachPiece
// are safe from any number of threads (match data is per call).

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace fleet::engine::tokenizer {

// The regex list of a GGUF tokenizer.ggml.pre name, as llama.cpp defines it
// (llama-vocab.cpp). Supported: "default", "gpt2" / "gpt-2", "llama-bpe"
// (aliases "llama3", "llama-v3"), "qwen2" (alias "deepseek-r1-qwen"),
// "deepseek-llm", "deepseek-coder", "deepseek-v3". Where llama.cpp rewrote a
// tokenizer.json regex for its own engine (Llama-3, Qwen2), the original
// tokenizer.json regex is returned (PCRE2 runs it as is).
// INVALID_ARGUMENT for any other name, listing the supported ones.
absl::StatusOr<std::vector<std::string>> PreTokenizerRegexes(absl::string_view pre);

// The names PreTokenizerRegexes accepts, canonical names first.
std::vector<std::string> SupportedPreTokenizerNames();

// GPT-2's regex (the HF ByteLevel pre-tokenizer with use_regex = true).
const std::string& Gpt2Regex();

class PreTokenizer {
 public:
  // Compiles the regexes. INVALID_ARGUMENT names a regex that does not
  // compile and PCRE2's message and offset. An empty list splits nothing.
  static absl::StatusOr<std::unique_ptr<PreTokenizer>> Create(
      absl::Span<const std::string> regexes);
  ~PreTokenizer();
  PreTokenizer(const PreTokenizer&) = delete;
  PreTokenizer& operator=(const PreTokenizer&) = delete;

  // Cuts `text` (valid UTF-8) into pieces; the pieces concatenate to `text`
  // and are never empty. The views point into `text`. INTERNAL only if PCRE2
  // reports a matching error (e.g. its match limit).
  absl::StatusOr<std::vector<absl::string_view>> Split(absl::string_view text) const;

  // The same pieces as Split, in order, handed to `piece` one at a time as
  // they are found (no list is built; the views point into `text`). Stops at
  // the first PCRE2 error (INTERNAL).
  absl::Status ForEachPiece(absl::string_view text,
                            absl::FunctionRef<void(absl::string_view)> piece) const;

 private:
  struct Compiled;
  struct Matcher;
  PreTokenizer() = default;
  // Cuts `piece` with regexes_[level] and passes the parts on to the next level.
  absl::Status SplitLevel(absl::Span<Matcher> matchers, size_t level, absl::string_view piece,
                          absl::FunctionRef<void(absl::string_view)> emit) const;
  std::vector<std::unique_ptr<Compiled>> regexes_;
};

}  // namespace fleet::engine::tokenizer
