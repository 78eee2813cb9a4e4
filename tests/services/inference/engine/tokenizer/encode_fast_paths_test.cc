// The code paths added for encoding speed: the per-thread piece cache, the
// short-sequence merge loop beside the heap one, the special-token trie, the
// JIT-friendly form of the Unicode property extension, and IsNfc. Each is
// checked against a plain reference (uncached encoding, a naive BPE, the
// original regex form, NfcNormalize).

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/tokenizer/byte_level.h"
#include "services/inference/engine/tokenizer/nfc.h"
#include "services/inference/engine/tokenizer/piece_cache.h"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "services/inference/engine/tokenizer/unicode_update.h"
#include "tests/services/inference/engine/tokenizer/test_vocabs.h"

namespace fleet::engine::tokenizer {
namespace {

using testing::ByteLevelSpec;
using ::testing::ElementsAre;

std::unique_ptr<Tokenizer> Make(TokenizerSpec spec) {
  if (spec.pre_regexes.empty()) spec.pre_regexes = *PreTokenizerRegexes(spec.pre);
  auto t = Tokenizer::Create(std::move(spec));
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? std::move(*t) : nullptr;
}

std::vector<int32_t> Encode(const Tokenizer& tok, const std::string& text, bool cache) {
  EncodeOptions options;
  options.add_special = false;
  options.use_piece_cache = cache;
  auto ids = tok.Encode(text, options);
  EXPECT_TRUE(ids.ok()) << ids.status();
  return ids.ok() ? *ids : std::vector<int32_t>{};
}

// --- PieceCache ---

TEST(PieceCache, LookupInsertClear) {
  PieceCache cache;
  absl::Span<const int32_t> ids;
  EXPECT_FALSE(cache.Lookup("hello", ids));
  const std::vector<int32_t> hello = {1, 2, 3};
  cache.Insert("hello", hello);
  cache.Insert("", {});
  ASSERT_TRUE(cache.Lookup("hello", ids));
  EXPECT_THAT(ids, ElementsAre(1, 2, 3));
  ASSERT_TRUE(cache.Lookup("", ids));
  EXPECT_TRUE(ids.empty());
  EXPECT_FALSE(cache.Lookup("hell", ids));
  EXPECT_FALSE(cache.Lookup("hello!", ids));
  EXPECT_EQ(cache.size(), 2u);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Lookup("hello", ids));
}

TEST(PieceCache, StaysBounded) {
  PieceCache cache;
  const std::string too_long(PieceCache::kMaxPieceBytes + 1, 'x');
  const std::vector<int32_t> one = {7};
  cache.Insert(too_long, one);
  absl::Span<const int32_t> ids;
  EXPECT_FALSE(cache.Lookup(too_long, ids));
  // More distinct pieces than it holds: it empties itself and keeps working.
  for (size_t i = 0; i < PieceCache::kMaxEntries + 10; ++i) {
    const std::string key = "k" + std::to_string(i);
    const std::vector<int32_t> value = {static_cast<int32_t>(i)};
    cache.Insert(key, value);
    EXPECT_LE(cache.size(), PieceCache::kMaxEntries);
    ASSERT_TRUE(cache.Lookup(key, ids)) << key;
    ASSERT_THAT(ids, ElementsAre(static_cast<int32_t>(i)));
  }
  EXPECT_LT(cache.size(), PieceCache::kMaxEntries);
}

TEST(PieceCache, ThreadCachesAreKeyedBySerial) {
  const uint64_t a = NewPieceCacheSerial();
  const uint64_t b = NewPieceCacheSerial();
  EXPECT_NE(a, b);
  const std::vector<int32_t> ids_a = {1};
  ThreadPieceCache(a).Insert("x", ids_a);
  absl::Span<const int32_t> ids;
  EXPECT_FALSE(ThreadPieceCache(b).Lookup("x", ids));
  ASSERT_TRUE(ThreadPieceCache(a).Lookup("x", ids));
  EXPECT_THAT(ids, ElementsAre(1));
  // Another thread has its own caches.
  bool seen_elsewhere = true;
  std::thread([&] { seen_elsewhere = ThreadPieceCache(a).Lookup("x", ids); }).join();
  EXPECT_FALSE(seen_elsewhere);
  // More tokenizers than a thread keeps: the least recently used is dropped.
  for (size_t i = 0; i < kCachesPerThread; ++i) ThreadPieceCache(NewPieceCacheSerial());
  EXPECT_FALSE(ThreadPieceCache(a).Lookup("x", ids));
}

// --- Encoding: cached == uncached, and the merge loops ---

const std::vector<std::string> kHelloMerges = {"h e", "l l", "he ll", "hell o",
                                               "Ġ w", "o r", "Ġw or"};

TEST(EncodeFastPaths, CachedEqualsUncached) {
  auto tok = Make(ByteLevelSpec(kHelloMerges));
  ASSERT_NE(tok, nullptr);
  const std::string text =
      "hello world hello worlds, hello\n\nworld 123 héllo <tool> hello<|im_end|>  wor";
  const std::vector<int32_t> uncached = Encode(*tok, text, false);
  EXPECT_EQ(Encode(*tok, text, true), uncached);  // fills the cache
  EXPECT_EQ(Encode(*tok, text, true), uncached);  // hits it
  EXPECT_EQ(Encode(*tok, text, false), uncached);
  // A second tokenizer with other merges never sees the first one's entries.
  auto other = Make(ByteLevelSpec({"h e"}));
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Encode(*other, "hello", true), Encode(*other, "hello", false));
  EXPECT_NE(Encode(*other, "hello", true), Encode(*tok, "hello", true));
}

TEST(EncodeFastPaths, ConcurrentEncodesAgree) {
  auto tok = Make(ByteLevelSpec(kHelloMerges));
  ASSERT_NE(tok, nullptr);
  std::string text;
  for (int i = 0; i < 200; ++i) text += "hello world " + std::to_string(i) + " wor hel\n";
  const std::vector<int32_t> expected = Encode(*tok, text, false);
  std::vector<std::vector<int32_t>> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) results[t] = Encode(*tok, text, true);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, expected);
}

// Naive BPE: repeatedly merge the leftmost pair of lowest rank.
std::vector<std::string> NaiveBpe(const std::string& piece,
                                  const std::vector<std::string>& merges) {
  std::vector<std::string> symbols;
  for (char c : piece) symbols.push_back(ByteToUnicode(static_cast<uint8_t>(c)));
  while (symbols.size() > 1) {
    size_t best_rank = merges.size(), best = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      for (size_t r = 0; r < best_rank; ++r) {
        if (merges[r] == symbols[i] + " " + symbols[i + 1]) {
          best_rank = r;
          best = i;
          break;
        }
      }
    }
    if (best_rank == merges.size()) break;
    symbols[best] += symbols[best + 1];
    symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  return symbols;
}

TEST(EncodeFastPaths, ShortAndLongPiecesMergeAsNaiveBpe) {
  // Pieces of 1..80 bytes cover the rescanning loop (<= 32 symbols) and the
  // heap (longer); equal ranks and overlapping pairs ("a a" in "aaa") too.
  const std::vector<std::string> merges = {"a a", "b a", "aa aa", "ba b", "a b", "aaaa a"};
  TokenizerSpec spec = ByteLevelSpec(merges);
  auto tok = Make(spec);
  ASSERT_NE(tok, nullptr);
  for (size_t n = 1; n <= 80; ++n) {
    for (const std::string unit : {"a", "ab", "bab", "aab"}) {
      std::string piece;
      while (piece.size() < n) piece += unit;
      piece.resize(n);
      std::vector<int32_t> expected;
      for (const std::string& s : NaiveBpe(piece, merges)) {
        auto it = std::find(spec.tokens.begin(), spec.tokens.end(), s);
        ASSERT_NE(it, spec.tokens.end()) << s;
        expected.push_back(static_cast<int32_t>(it - spec.tokens.begin()));
      }
      EXPECT_EQ(Encode(*tok, piece, false), expected) << piece;
      EXPECT_EQ(Encode(*tok, piece, true), expected) << piece;
    }
  }
}

// --- Special tokens (trie) ---

TEST(EncodeFastPaths, SpecialTokensLeftmostLongestWithPrefixes) {
  TokenizerSpec spec = ByteLevelSpec({});
  const int32_t base = static_cast<int32_t>(spec.tokens.size());
  for (const char* s : {"<a>", "<a>b", "<ab"}) {
    spec.tokens.push_back(s);
    spec.types.push_back(TokenType::kControl);
  }
  spec.tokens.push_back("<a>");  // duplicate text, user-defined
  spec.types.push_back(TokenType::kUserDefined);
  auto tok = Make(spec);
  ASSERT_NE(tok, nullptr);
  // Ids 0..255 are the byte alphabet in byte order. "<a<a>b<ab": "<a" is
  // text, then the longest "<a>b", then "<ab".
  EXPECT_THAT(Encode(*tok, "<a<a>b<ab", true), ElementsAre('<', 'a', base + 1, base + 2));
  // Without parse_special only the user-defined "<a>" (the later id) matches.
  EncodeOptions options;
  options.add_special = false;
  options.parse_special = false;
  auto ids = tok->Encode("x<a>b", options);
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ElementsAre('x', base + 3, 'b'));
  // With it, the lowest id of the duplicates.
  EXPECT_THAT(Encode(*tok, "<a>", true), ElementsAre(base));
}

// --- Unicode property extension: the JIT form matches as the original ---

std::vector<std::pair<size_t, size_t>> AllMatches(const std::string& pattern,
                                                  const std::string& subject) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  EXPECT_NE(code, nullptr) << pattern;
  std::vector<std::pair<size_t, size_t>> out;
  if (code == nullptr) return out;
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
  size_t pos = 0;
  while (pos <= subject.size()) {
    const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                               pos, 0, data, nullptr);
    if (rc < 0) break;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data);
    out.emplace_back(ov[0], ov[1]);
    if (ov[1] > ov[0]) {
      pos = ov[1];
    } else {
      pos = ov[0] + 1;
      while (pos < subject.size() && (static_cast<uint8_t>(subject[pos]) & 0xC0) == 0x80) ++pos;
    }
  }
  pcre2_match_data_free(data);
  pcre2_code_free(code);
  return out;
}

TEST(UnicodeUpdate, JitFormMatchesLikeTheOriginalForm) {
  std::vector<std::string> regexes = {
      "[^\\s\\p{L}\\p{N}]+", "\\p{N}{1,3}",
      "[\\p{L}\\p{M}]+",     "[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+",
      "[]\\p{S}]+",          "[^]\\p{P}[:alpha:]]",
      "\\p{Han}+\\p{L}"};
  for (const char* pre :
       {"deepseek-v3", "qwen2", "llama-bpe", "gpt2", "default", "deepseek-coder", "deepseek-llm"}) {
    auto list = PreTokenizerRegexes(pre);
    ASSERT_TRUE(list.ok()) << list.status();
    regexes.insert(regexes.end(), list->begin(), list->end());
  }
  // U+1FABF goose and U+1FAE8 (Unicode 15 \p{S}), U+10D40 (Unicode 16 \p{N}),
  // U+0897 (Unicode 16 \p{M}), U+1C89 (Unicode 16 \p{L}), U+1B4E (\p{P}).
  const std::string subjects[] = {
      "a \U0001FABF \U0001FAE8b, 12345 x\U00010D40\U00010D41y \u0897a\u1C89\u1B4E!",
      "Hello, world! It's 2024.\n\n  def f(x): return x**2  # ok\r\n\t",
      "漢字かなカナ 한국어 Ελληνικά ]]] [[:alpha:]] ¹²³ é\u0301",
      "\U0001FABF\U0001FABF]\u0897\u0897 \U00010D40\U00010D40\U00010D40\U00010D40",
  };
  for (const std::string& r : regexes) {
    const std::string original = ExtendUnicodeProperties(r);
    const std::string jit = ExtendUnicodePropertiesForJit(r);
    for (const std::string& s : subjects) {
      EXPECT_EQ(AllMatches(jit, s), AllMatches(original, s)) << r << "\n" << jit;
    }
  }
  EXPECT_EQ(ExtendUnicodePropertiesForJit("\\p{Han}[]a]\\\\"), "\\p{Han}[]a]\\\\");
  const std::string outside = ExtendUnicodePropertiesForJit("a\\p{N}+");
  EXPECT_EQ(outside.rfind("a(?:\\p{N}|[\\x{", 0), 0u) << outside;
  const std::string negated = ExtendUnicodePropertiesForJit("[^\\s\\p{L}]");
  EXPECT_EQ(negated.rfind("(?:(?![\\x{", 0), 0u) << negated;
}

// --- NFC quick check ---

TEST(Nfc, IsNfcAgreesWithNormalize) {
  for (const std::string s : {"", "plain ascii", "caf\u00e9", "cafe\u0301", "\u1100\u1161",
                              "\uAC00", "A\u030A\u0301", "\u00C5", "漢字 ok"}) {
    EXPECT_EQ(IsNfc(s), NfcNormalize(s) == s) << s;
  }
  EXPECT_FALSE(IsNfc("cafe\u0301"));
  EXPECT_TRUE(IsNfc("caf\u00e9"));
}

}  // namespace
}  // namespace fleet::engine::tokenizer
