#pragma once
// Text <-> token ids for GGUF and Hugging Face vocabularies (byte-level BPE
// and SentencePiece-style BPE), matching Hugging Face tokenizers' ids.
//
// Encode:
//  1. The text must be valid UTF-8 (else INVALID_ARGUMENT with the byte offset).
//  2. Special tokens are split out first, leftmost-longest: user-defined
//     tokens always, control and unknown-type tokens only with parse_special.
//  3. Each remaining fragment is NFC-normalised if the spec says so, then
//     - byte-level BPE: cut by the pre-tokenizer regexes, each piece mapped
//       through GPT-2's byte alphabet and merged by merge rank (a piece that is
//       itself a token is taken whole when ignore_merges is set);
//     - SentencePiece: " " prepended when add_space_prefix and the fragment
//       starts the text or follows a special token, spaces -> U+2581, then
//       merged (by merge rank when the spec has merges, as HF does; else by
//       the merged token's score, as llama.cpp does); characters missing from
//       the vocabulary become <0xXX> byte tokens, else the unk token.
//  4. BOS / EOS are added when options.add_special and the spec says so.
// Decode concatenates TokenBytes (control and unknown-type tokens dropped with
// skip_special), drops one leading space of the text when the SentencePiece
// prefix is on (HF's Strip decoder), and replaces
// invalid UTF-8 by U+FFFD. For byte-level BPE, Decode(Encode(x)) == x.
//
// Thread safety: a Tokenizer is immutable after Create; every const method is
// safe from any number of threads.
//
// Speed: byte-level BPE pieces are looked up in a cache of piece -> ids
// (piece_cache.h) before being merged. The cache is per thread (thread_local,
// up to 4 tokenizers per thread, about 1.5 MB each at most), so threads never
// share or lock it; it changes only speed, never the ids
// (EncodeOptions::use_piece_cache = false bypasses it).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/inference/engine/tokenizer/pre_tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::tokenizer {

struct EncodeOptions {
  bool add_special = true;    // BOS/EOS as the spec says
  bool parse_special = true;  // control token text in the input becomes that token
  // Byte-level BPE: reuse the ids of pieces seen before by this thread (same
  // ids either way; off only to measure or test the uncached path).
  bool use_piece_cache = true;
};

class Tokenizer {
 public:
  // Validates the spec: a non-empty vocabulary of valid UTF-8 tokens; types
  // one per token (or empty: all Normal); scores empty or one per token;
  // special ids in [-1, n_vocab); a BOS/EOS id when add_bos/add_eos; every
  // merge "left right" (merges naming tokens missing from the vocabulary are
  // ignored, as they can never apply); regexes that compile.
  // INVALID_ARGUMENT naming the problem otherwise.
  static absl::StatusOr<std::unique_ptr<Tokenizer>> Create(TokenizerSpec spec);

  // INVALID_ARGUMENT on invalid UTF-8 (the message gives the byte offset).
  absl::StatusOr<std::vector<int32_t>> Encode(absl::string_view text,
                                              const EncodeOptions& options = {}) const;
  // INVALID_ARGUMENT on an id outside [0, n_vocab). skip_special drops control
  // tokens and the unknown-type token (HF "special" tokens).
  absl::StatusOr<std::string> Decode(absl::Span<const int32_t> ids,
                                     bool skip_special = false) const;
  // The raw bytes a token stands for: byte-level decoded (BPE); U+2581 -> " "
  // and <0xAB> byte tokens -> the byte (SentencePiece); control, user-defined
  // and unknown-type tokens -> their text. INVALID_ARGUMENT for a bad id.
  absl::StatusOr<std::string> TokenBytes(int32_t id) const;
  // The token's text as the vocabulary stores it. `id` must be valid.
  const std::string& TokenText(int32_t id) const { return spec_.tokens[id]; }
  int32_t n_vocab() const { return static_cast<int32_t>(spec_.tokens.size()); }
  int32_t bos_id() const { return spec_.bos_id; }
  int32_t eos_id() const { return spec_.eos_id; }
  // EOS, EOT, and control tokens that end a turn by name (<|im_end|>,
  // <|eot_id|>, <|endoftext|>, <｜end▁of▁sentence｜>, ...). False for bad ids.
  bool IsEndOfGeneration(int32_t id) const;
  bool IsControl(int32_t id) const;
  // The id of a control or user-defined token by its exact text; NOT_FOUND otherwise.
  absl::StatusOr<int32_t> SpecialTokenId(absl::string_view text) const;
  const TokenizerSpec& spec() const { return spec_; }

  // For the stream decoder: whether the first emitted text loses one leading
  // space (SentencePiece with add_space_prefix).
  bool StripsLeadingSpace() const {
    return spec_.model == TokenizerModel::kSentencePiece && spec_.add_space_prefix;
  }
  // For the stream decoder: whether skip_special drops `id` (control and
  // unknown-type tokens, which HF counts as special). False for bad ids.
  bool IsSkippedSpecial(int32_t id) const;
  // For the stream decoder: appends a token's bytes to `out` as Decode does
  // (`first`: nothing has been appended yet; updated).
  void AppendDecodedPiece(std::string piece, bool control, bool& first, std::string& out) const;

  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

 private:
  struct Merge {
    int32_t rank;
    int32_t merged_id;
  };
  struct Fragment {
    absl::string_view text;
    int32_t special_id;  // -1 for text
  };

  explicit Tokenizer(TokenizerSpec spec) : spec_(std::move(spec)) {}
  absl::Status Init();
  int32_t Find(absl::string_view text) const;
  std::vector<Fragment> SplitSpecial(absl::string_view text, bool parse_special) const;
  absl::Status EncodeByteLevel(absl::string_view text, bool use_cache,
                               std::vector<int32_t>& out) const;
  // BPE of one byte-level piece (no cache); `symbols` and `encoded` are scratch.
  void EncodeBytePiece(absl::string_view piece, std::vector<int32_t>& symbols, std::string& encoded,
                       std::vector<int32_t>& out) const;
  void EncodeSentencePiece(absl::string_view text, bool prefix_space,
                           std::vector<int32_t>& out) const;
  // Merges symbol ids by rank (id -1: a symbol outside the vocabulary, never merged).
  void MergeByRank(std::vector<int32_t>& symbols) const;
  // MergeByRank for short sequences: rescans the pair ranks (no heap, no allocation).
  void MergeByRankSmall(std::vector<int32_t>& symbols) const;
  // The merge of the pair (left, right), or nullptr.
  const Merge* FindMerge(int32_t left, int32_t right) const {
    auto it = merges_.find(MergeKey(left, right));
    return it == merges_.end() ? nullptr : &it->second;
  }
  static uint64_t MergeKey(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  // llama.cpp's SentencePiece merge by score over the characters of `text`.
  void MergeByScore(absl::string_view text, std::vector<int32_t>& out) const;
  void AppendByteFallback(absl::string_view bytes, std::vector<int32_t>& out) const;

  TokenizerSpec spec_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  absl::flat_hash_map<std::string, int32_t> token_to_id_;
  absl::flat_hash_map<uint64_t, Merge> merges_;  // by MergeKey(left, right)
  // Special tokens (control, user-defined, unknown-type) as a byte trie for
  // leftmost-longest matching: node 0 is the root; an edge is
  // edges[(node << 8) | byte] -> child. A node ending a token holds the lowest
  // id with that text: among all special tokens, and among user-defined ones.
  struct SpecialNode {
    int32_t any_id = -1;
    int32_t user_id = -1;
  };
  std::vector<SpecialNode> special_nodes_;
  absl::flat_hash_map<uint64_t, int32_t> special_edges_;
  // The longest special token starting at text[pos] (user-defined only unless
  // parse_special) and its length; -1 when none.
  int32_t MatchSpecial(absl::string_view text, size_t pos, bool parse_special,
                       size_t* length) const;
  absl::flat_hash_map<std::string, int32_t> special_text_to_id_;
  std::vector<bool> end_of_generation_;
  int32_t byte_tokens_[256];      // SentencePiece <0xXX> ids, -1 when absent
  int32_t byte_symbols_[256];     // byte-level BPE: id of the byte's code point, -1 when absent
  bool special_first_byte_[256];  // some special token starts with this byte
  uint64_t cache_serial_ = 0;     // identifies this tokenizer's thread-local piece caches
};

}  // namespace fleet::engine::tokenizer
