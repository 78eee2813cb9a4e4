#include "services/inference/engine/tokenizer/tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <queue>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/tokenizer/byte_level.h"
#include "services/inference/engine/tokenizer/nfc.h"
#include "services/inference/engine/tokenizer/piece_cache.h"
#include "services/inference/engine/tokenizer/utf8.h"

namespace fleet::engine::tokenizer {
namespace {

constexpr char kSpmSpace[] = "\xE2\x96\x81";  // U+2581

// Control tokens that end a turn, by name (llama.cpp recognises the same).
constexpr const char* kEndOfGenerationNames[] = {
    "<|eot_id|>",      "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
    "<|end_of_text|>", "<EOT>",      "_<EOT>",  "<|eom_id|>",    "<｜end▁of▁sentence｜>",
    "<|end_of_turn|>",
};

bool IsSpecialType(TokenType t) {
  return t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown;
}

// Parses "<0xAB>"; -1 if `text` is not of that form.
int ParseByteToken(absl::string_view text) {
  if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
  int value = 0;
  for (size_t i = 3; i < 5; ++i) {
    const char c = text[i];
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return -1;
    }
    value = value * 16 + digit;
  }
  return value;
}

// Splits text into its UTF-8 characters (text is valid UTF-8).
std::vector<absl::string_view> Characters(absl::string_view text) {
  std::vector<absl::string_view> chars;
  chars.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t len = Utf8SequenceLength(text, pos);
    if (len == 0) len = 1;
    chars.push_back(text.substr(pos, len));
    pos += len;
  }
  return chars;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Create(TokenizerSpec spec) {
  auto tokenizer = std::unique_ptr<Tokenizer>(new Tokenizer(std::move(spec)));
  RETURN_IF_ERROR(tokenizer->Init());
  return tokenizer;
}

absl::Status Tokenizer::Init() {
  const size_t n = spec_.tokens.size();
  if (n == 0) return absl::InvalidArgumentError("tokenizer vocabulary is empty");
  if (n > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError("tokenizer vocabulary is too large");
  }
  if (spec_.types.empty()) spec_.types.assign(n, TokenType::kNormal);
  if (spec_.types.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokenizer has ", spec_.types.size(), " token types for ", n, " tokens"));
  }
  if (!spec_.scores.empty() && spec_.scores.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokenizer has ", spec_.scores.size(), " scores for ", n, " tokens"));
  }
  const std::pair<const char*, int32_t> ids[] = {{"bos", spec_.bos_id},
                                                 {"eos", spec_.eos_id},
                                                 {"eot", spec_.eot_id},
                                                 {"unk", spec_.unk_id},
                                                 {"pad", spec_.pad_id}};
  for (const auto& [name, id] : ids) {
    if (id < -1 || id >= static_cast<int64_t>(n)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tokenizer ", name, " id ", id, " is outside the vocabulary (", n, " tokens)"));
    }
  }
  if (spec_.add_bos && spec_.bos_id < 0) {
    return absl::InvalidArgumentError("tokenizer adds BOS but has no bos id");
  }
  if (spec_.add_eos && spec_.eos_id < 0) {
    return absl::InvalidArgumentError("tokenizer adds EOS but has no eos id");
  }

  token_to_id_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string& text = spec_.tokens[i];
    absl::Status valid = ValidateUtf8(text);
    if (!valid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("token ", i, ": ", valid.message()));
    }
    token_to_id_[text] = static_cast<int32_t>(i);  // the last of duplicates wins, as in llama.cpp
  }

  for (size_t rank = 0; rank < spec_.merges.size(); ++rank) {
    const std::string& merge = spec_.merges[rank];
    const size_t space = merge.find(' ', 1);
    if (space == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("merge ", rank, " '", merge, "' is not of the form 'left right'"));
    }
    const absl::string_view left = absl::string_view(merge).substr(0, space);
    const absl::string_view right = absl::string_view(merge).substr(space + 1);
    const int32_t l = Find(left), r = Find(right);
    const int32_t merged = Find(absl::StrCat(left, right));
    if (l < 0 || r < 0 || merged < 0) continue;
    merges_.try_emplace(MergeKey(l, r), Merge{static_cast<int32_t>(rank), merged});
  }

  for (bool& b : special_first_byte_) b = false;
  special_nodes_.assign(1, SpecialNode{});
  end_of_generation_.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    const TokenType type = spec_.types[i];
    const std::string& text = spec_.tokens[i];
    if (IsSpecialType(type) && !text.empty()) {
      special_first_byte_[static_cast<uint8_t>(text[0])] = true;
      int32_t node = 0;
      for (char c : text) {
        const uint64_t edge = (static_cast<uint64_t>(node) << 8) | static_cast<uint8_t>(c);
        auto [it, inserted] =
            special_edges_.try_emplace(edge, static_cast<int32_t>(special_nodes_.size()));
        if (inserted) special_nodes_.push_back(SpecialNode{});
        node = it->second;
      }
      // Ids ascend, so the first one seen wins among duplicates (as the
      // stable longest-first order did before).
      SpecialNode& end = special_nodes_[node];
      if (end.any_id < 0) end.any_id = static_cast<int32_t>(i);
      if (type == TokenType::kUserDefined && end.user_id < 0) end.user_id = static_cast<int32_t>(i);
    }
    if (type == TokenType::kControl || type == TokenType::kUserDefined) {
      special_text_to_id_.try_emplace(text, static_cast<int32_t>(i));
    }
    if (type == TokenType::kControl) {
      for (const char* name : kEndOfGenerationNames) {
        if (text == name) end_of_generation_[i] = true;
      }
    }
  }
  if (spec_.eos_id >= 0) end_of_generation_[spec_.eos_id] = true;
  if (spec_.eot_id >= 0) end_of_generation_[spec_.eot_id] = true;

  for (int b = 0; b < 256; ++b) byte_tokens_[b] = byte_symbols_[b] = -1;
  if (spec_.model == TokenizerModel::kSentencePiece) {
    for (int b = 0; b < 256; ++b) byte_tokens_[b] = Find(absl::StrFormat("<0x%02X>", b));
  } else {
    for (int b = 0; b < 256; ++b) byte_symbols_[b] = Find(ByteToUnicode(static_cast<uint8_t>(b)));
    ASSIGN_OR_RETURN(pre_tokenizer_, PreTokenizer::Create(spec_.pre_regexes));
  }
  cache_serial_ = NewPieceCacheSerial();
  return absl::OkStatus();
}

int32_t Tokenizer::Find(absl::string_view text) const {
  auto it = token_to_id_.find(text);
  return it == token_to_id_.end() ? -1 : it->second;
}

int32_t Tokenizer::MatchSpecial(absl::string_view text, size_t pos, bool parse_special,
                                size_t* length) const {
  int32_t match = -1;
  int32_t node = 0;
  for (size_t k = pos; k < text.size(); ++k) {
    const uint64_t edge = (static_cast<uint64_t>(node) << 8) | static_cast<uint8_t>(text[k]);
    auto it = special_edges_.find(edge);
    if (it == special_edges_.end()) break;
    node = it->second;
    const SpecialNode& here = special_nodes_[node];
    const int32_t id = parse_special ? here.any_id : here.user_id;
    if (id >= 0) {
      match = id;
      *length = k + 1 - pos;
    }
  }
  return match;
}

std::vector<Tokenizer::Fragment> Tokenizer::SplitSpecial(absl::string_view text,
                                                         bool parse_special) const {
  std::vector<Fragment> fragments;
  size_t text_start = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (!special_first_byte_[static_cast<uint8_t>(text[pos])]) {
      ++pos;
      continue;
    }
    size_t length = 0;
    const int32_t match = MatchSpecial(text, pos, parse_special, &length);
    if (match < 0) {
      ++pos;
      continue;
    }
    if (pos > text_start) fragments.push_back({text.substr(text_start, pos - text_start), -1});
    fragments.push_back({absl::string_view(), match});
    pos += length;
    text_start = pos;
  }
  if (text_start < text.size()) fragments.push_back({text.substr(text_start), -1});
  return fragments;
}

absl::StatusOr<std::vector<int32_t>> Tokenizer::Encode(absl::string_view text,
                                                       const EncodeOptions& options) const {
  RETURN_IF_ERROR(ValidateUtf8(text));
  std::vector<int32_t> out;
  out.reserve(text.size() / 3 + 2);
  if (options.add_special && spec_.add_bos) out.push_back(spec_.bos_id);
  bool prev_special = true;  // the SentencePiece prefix goes at the start and after specials
  for (const Fragment& fragment : SplitSpecial(text, options.parse_special)) {
    if (fragment.special_id >= 0) {
      out.push_back(fragment.special_id);
      prev_special = true;
      continue;
    }
    std::string normalized;
    absl::string_view piece = fragment.text;
    if (spec_.normalize_nfc && !IsNfc(piece)) {
      normalized = NfcNormalize(piece);
      piece = normalized;
    }
    if (spec_.model == TokenizerModel::kByteLevelBpe) {
      RETURN_IF_ERROR(EncodeByteLevel(piece, options.use_piece_cache, out));
    } else {
      EncodeSentencePiece(piece, spec_.add_space_prefix && prev_special, out);
    }
    prev_special = false;
  }
  if (options.add_special && spec_.add_eos) out.push_back(spec_.eos_id);
  return out;
}

absl::Status Tokenizer::EncodeByteLevel(absl::string_view text, bool use_cache,
                                        std::vector<int32_t>& out) const {
  PieceCache* cache = use_cache ? &ThreadPieceCache(cache_serial_) : nullptr;
  std::vector<int32_t> symbols;
  std::string encoded;
  return pre_tokenizer_->ForEachPiece(text, [&](absl::string_view piece) {
    if (cache == nullptr) {
      EncodeBytePiece(piece, symbols, encoded, out);
      return;
    }
    absl::Span<const int32_t> cached;
    if (cache->Lookup(piece, cached)) {
      out.insert(out.end(), cached.begin(), cached.end());
      return;
    }
    const size_t before = out.size();
    EncodeBytePiece(piece, symbols, encoded, out);
    cache->Insert(piece, absl::MakeConstSpan(out).subspan(before));
  });
}

void Tokenizer::EncodeBytePiece(absl::string_view piece, std::vector<int32_t>& symbols,
                                std::string& encoded, std::vector<int32_t>& out) const {
  if (spec_.ignore_merges) {
    encoded.clear();
    AppendByteLevelEncoded(piece, encoded);
    const int32_t whole = Find(encoded);
    if (whole >= 0) {
      out.push_back(whole);
      return;
    }
  }
  // Each byte is one symbol: the token of its byte-level code point.
  symbols.clear();
  for (char c : piece) symbols.push_back(byte_symbols_[static_cast<uint8_t>(c)]);
  MergeByRank(symbols);
  for (int32_t id : symbols) {
    if (id >= 0) {
      out.push_back(id);
    } else if (spec_.unk_id >= 0) {
      out.push_back(spec_.unk_id);
    }
  }
}

void Tokenizer::EncodeSentencePiece(absl::string_view text, bool prefix_space,
                                    std::vector<int32_t>& out) const {
  std::string escaped = absl::StrReplaceAll(text, {{" ", kSpmSpace}});
  if (prefix_space) escaped.insert(0, kSpmSpace);
  if (escaped.empty()) return;
  if (spec_.merges.empty()) {
    MergeByScore(escaped, out);
    return;
  }
  // HF BPE with byte_fallback: characters outside the vocabulary become byte
  // tokens (which never merge), then merges apply by rank.
  std::vector<int32_t> symbols;
  for (absl::string_view ch : Characters(escaped)) {
    const int32_t id = Find(ch);
    if (id >= 0) {
      symbols.push_back(id);
    } else {
      AppendByteFallback(ch, symbols);
    }
  }
  MergeByRank(symbols);
  for (int32_t id : symbols) {
    if (id >= 0) out.push_back(id);
  }
}

void Tokenizer::AppendByteFallback(absl::string_view bytes, std::vector<int32_t>& out) const {
  bool all = true;
  for (char c : bytes) all = all && byte_tokens_[static_cast<uint8_t>(c)] >= 0;
  if (all) {
    for (char c : bytes) out.push_back(byte_tokens_[static_cast<uint8_t>(c)]);
  } else if (spec_.unk_id >= 0) {
    out.push_back(spec_.unk_id);
  }
}

namespace {
// Sequences up to this length merge by rescanning (O(n^2), no allocation);
// longer ones (SentencePiece fragments, long CJK runs) use a heap.
constexpr size_t kSmallMerge = 32;
constexpr int32_t kNoMerge = INT32_MAX;
}  // namespace

void Tokenizer::MergeByRankSmall(std::vector<int32_t>& symbols) const {
  // rank[i], merged[i]: the merge of the pair (symbols[i], symbols[i + 1]).
  int32_t rank[kSmallMerge];
  int32_t merged[kSmallMerge];
  size_t n = symbols.size();
  const auto update = [&](size_t i) {
    rank[i] = kNoMerge;
    merged[i] = -1;
    if (symbols[i] < 0 || symbols[i + 1] < 0) return;
    const Merge* m = FindMerge(symbols[i], symbols[i + 1]);
    if (m == nullptr) return;
    rank[i] = m->rank;
    merged[i] = m->merged_id;
  };
  for (size_t i = 0; i + 1 < n; ++i) update(i);
  while (n > 1) {
    // The lowest rank, leftmost among equals (as the heap of MergeByRank).
    size_t best = 0;
    for (size_t i = 1; i + 1 < n; ++i) {
      if (rank[i] < rank[best]) best = i;
    }
    if (rank[best] == kNoMerge) break;
    symbols[best] = merged[best];
    // Drop symbol best + 1; the pairs right of it move one to the left.
    for (size_t i = best + 1; i + 1 < n; ++i) symbols[i] = symbols[i + 1];
    for (size_t i = best + 1; i + 2 < n; ++i) {
      rank[i] = rank[i + 1];
      merged[i] = merged[i + 1];
    }
    --n;
    if (best + 1 < n) update(best);
    if (best > 0) update(best - 1);
  }
  symbols.resize(n);
}

void Tokenizer::MergeByRank(std::vector<int32_t>& symbols) const {
  const size_t n = symbols.size();
  if (n < 2 || merges_.empty()) return;
  if (n <= kSmallMerge) {
    MergeByRankSmall(symbols);
    return;
  }
  std::vector<int32_t> prev(n), next(n);
  for (size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<int32_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
  }
  struct Candidate {
    int32_t rank;
    int32_t left;  // position of the left symbol
    int32_t left_id, right_id, merged_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : left > o.left;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  const auto push = [&](int32_t left) {
    if (left < 0) return;
    const int32_t right = next[left];
    if (right < 0 || symbols[left] < 0 || symbols[right] < 0) return;
    const Merge* m = FindMerge(symbols[left], symbols[right]);
    if (m == nullptr) return;
    queue.push({m->rank, left, symbols[left], symbols[right], m->merged_id});
  };
  for (size_t i = 0; i + 1 < n; ++i) push(static_cast<int32_t>(i));
  std::vector<bool> removed(n, false);
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    const int32_t right = next[c.left];
    if (removed[c.left] || right < 0 || symbols[c.left] != c.left_id ||
        symbols[right] != c.right_id) {
      continue;  // stale
    }
    symbols[c.left] = c.merged_id;
    removed[right] = true;
    next[c.left] = next[right];
    if (next[right] >= 0) prev[next[right]] = c.left;
    push(prev[c.left]);
    push(c.left);
  }
  size_t w = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!removed[i]) symbols[w++] = symbols[i];
  }
  symbols.resize(w);
}

void Tokenizer::MergeByScore(absl::string_view text, std::vector<int32_t>& out) const {
  std::vector<absl::string_view> sym = Characters(text);
  const size_t n = sym.size();
  std::vector<int32_t> next(n), prev(n);
  for (size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<int32_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
  }
  struct Bigram {
    float score;
    int32_t left;
    size_t size;  // bytes of the merged text, to detect stale entries
    bool operator<(const Bigram& o) const {
      return score != o.score ? score < o.score : left > o.left;
    }
  };
  std::priority_queue<Bigram> queue;
  const auto push = [&](int32_t left) {
    if (left < 0 || next[left] < 0) return;
    const int32_t right = next[left];
    const absl::string_view merged(sym[left].data(), sym[left].size() + sym[right].size());
    const int32_t id = Find(merged);
    if (id < 0) return;
    const float score = spec_.scores.empty() ? 0.0f : spec_.scores[id];
    queue.push({score, left, merged.size()});
  };
  for (size_t i = 0; i + 1 < n; ++i) push(static_cast<int32_t>(i));
  while (!queue.empty()) {
    const Bigram b = queue.top();
    queue.pop();
    const int32_t right = next[b.left];
    if (sym[b.left].empty() || right < 0 || sym[b.left].size() + sym[right].size() != b.size) {
      continue;  // stale
    }
    sym[b.left] = absl::string_view(sym[b.left].data(), b.size);
    sym[right] = absl::string_view();
    next[b.left] = next[right];
    if (next[right] >= 0) prev[next[right]] = b.left;
    push(prev[b.left]);
    push(b.left);
  }
  for (int32_t i = 0; i >= 0 && static_cast<size_t>(i) < n; i = next[i]) {
    const int32_t id = Find(sym[i]);
    if (id >= 0) {
      out.push_back(id);
    } else {
      AppendByteFallback(sym[i], out);
    }
  }
}

absl::StatusOr<std::string> Tokenizer::TokenBytes(int32_t id) const {
  if (id < 0 || id >= n_vocab()) {
    return absl::InvalidArgumentError(
        absl::StrCat("token id ", id, " is outside the vocabulary [0, ", n_vocab(), ")"));
  }
  const std::string& text = spec_.tokens[id];
  const TokenType type = spec_.types[id];
  if (IsSpecialType(type)) return text;
  if (spec_.model == TokenizerModel::kByteLevelBpe) return ByteLevelDecode(text);
  if (type == TokenType::kByte) {
    const int byte = ParseByteToken(text);
    if (byte >= 0) return std::string(1, static_cast<char>(byte));
  }
  return absl::StrReplaceAll(text, {{kSpmSpace, " "}});
}

absl::StatusOr<std::string> Tokenizer::Decode(absl::Span<const int32_t> ids,
                                              bool skip_special) const {
  std::string bytes;
  bool first = true;
  for (int32_t id : ids) {
    ASSIGN_OR_RETURN(std::string piece, TokenBytes(id));
    if (skip_special && IsSkippedSpecial(id)) continue;
    AppendDecodedPiece(std::move(piece), IsControl(id), first, bytes);
  }
  return SanitizeUtf8(bytes);
}

bool Tokenizer::IsSkippedSpecial(int32_t id) const {
  return id >= 0 && id < n_vocab() &&
         (spec_.types[id] == TokenType::kControl || spec_.types[id] == TokenType::kUnknown);
}

void Tokenizer::AppendDecodedPiece(std::string piece, bool control, bool& first,
                                   std::string& out) const {
  // HF's Strip decoder removes one leading space of the whole text: the
  // first token that yields anything (a rendered control token included).
  if (!first) {
    out += piece;
    return;
  }
  if (piece.empty() && !control) return;
  first = false;
  if (StripsLeadingSpace() && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
  out += piece;
}

bool Tokenizer::IsEndOfGeneration(int32_t id) const {
  return id >= 0 && id < n_vocab() && end_of_generation_[id];
}

bool Tokenizer::IsControl(int32_t id) const {
  return id >= 0 && id < n_vocab() && spec_.types[id] == TokenType::kControl;
}

absl::StatusOr<int32_t> Tokenizer::SpecialTokenId(absl::string_view text) const {
  auto it = special_text_to_id_.find(text);
  if (it == special_text_to_id_.end()) {
    return absl::NotFoundError(absl::StrCat("no special token '", text, "'"));
  }
  return it->second;
}

}  // namespace fleet::engine::tokenizer
