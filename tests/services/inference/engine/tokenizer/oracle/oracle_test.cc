// Our tokenizer against the reference ids of @lenml/tokenizers (a JS port of
// Hugging Face tokenizers), written by the fixture set-up tests
// engine_tokenizer_oracle_ids_<name> (tests/tools/tokenizer_oracle.mjs) for
// every string of tests/data/tokenizer/corpus.txt (one per line) and
// tests/data/tokenizer/multiline.json.
//
// Per tokenizer, loaded with TokenizerSpecFromHfJson from
// $FLEET_TESTDATA_DIR/tokenizers/<name>/ and for every string x:
//   ids            Encode(x) == oracle "ids" (special tokens added as the
//                  tokenizer_config says: BOS for DeepSeek and Llama 2)
//   ids_no_special Encode(x, add_special=false) == oracle "ids_no_special"
//   decode         Decode(Encode(x, add_special=false)) == oracle "decoded", the
//                  reference's decode of those ids (without HF's
//                  clean_up_tokenization_spaces). For byte-level BPE that is x
//                  itself, or NFC(x) for Qwen2.5 (checked here too: "== x" for
//                  every byte-level tokenizer without NFC). For Llama 2
//                  (SentencePiece) it is x with the leading-space rule: the
//                  U+2581 its normalizer prepends to every piece between added
//                  tokens decodes to a space, and only the first one (at the
//                  start of the text) is dropped, so "a <s> b" decodes to
//                  "a <s>  b"; an U+2581 in x itself decodes to a space.
//   decode_skip    Decode(Encode(x), skip_special=true) == oracle
//                  "decoded_skip_special"
//   stream         StreamDecoder over Encode(x), id by id, with and without
//                  skip_special: every chunk valid UTF-8, concatenation ==
//                  Decode(ids, same skip_special)
//   gguf           WriteTokenizerSpec -> GgufWriter::Serialize -> GgufFile::Parse
//                  -> TokenizerSpecFromGguf -> Create: Encode(x) == oracle "ids"
// Each check prints "<name>: <n>/<total> lines identical" (the ids check) and
// the first 20 mismatching strings with both id lists and their token texts.
// Missing test data fails with "run tools/setup/fetch-test-data.sh".

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "services/inference/engine/tokenizer/stream_decoder.h"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::tokenizer {
namespace {

constexpr absl::string_view kFetchHint = "run tools/setup/fetch-test-data.sh";
constexpr int kMaxReported = 20;

struct Case {
  std::string text;
  std::vector<int32_t> ids;
  std::vector<int32_t> ids_no_special;
  std::string decoded;
  std::string decoded_skip_special;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, " cannot be read"));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Printable form of a test string: control characters escaped, the rest as is.
std::string Printable(absl::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          absl::StrAppendFormat(&out, "\\x%02x", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string IdList(absl::Span<const int32_t> ids) {
  return absl::StrCat("[", absl::StrJoin(ids, ","), "]");
}

std::string TokenList(const Tokenizer& tok, absl::Span<const int32_t> ids) {
  std::vector<std::string> texts;
  texts.reserve(ids.size());
  for (int32_t id : ids) {
    texts.push_back(id >= 0 && id < tok.n_vocab() ? Printable(tok.TokenText(id))
                                                  : "<out of range>");
  }
  return absl::StrCat("[", absl::StrJoin(texts, " "), "]");
}

// One check over all strings: the agreement count and the first mismatches.
class Tally {
 public:
  Tally(std::string tokenizer, std::string check)
      : tokenizer_(std::move(tokenizer)), check_(std::move(check)) {}

  void Pass() { ++total_, ++agree_; }
  void Fail(std::string detail) {
    ++total_;
    if (reported_.size() < kMaxReported) reported_.push_back(std::move(detail));
  }
  int agree() const { return agree_; }
  int total() const { return total_; }

  // Prints the summary line (and the mismatches) and fails the test on any.
  void Report() const {
    std::cout << absl::StrFormat("%s: %d/%d lines identical (%s)\n", tokenizer_, agree_, total_,
                                 check_);
    for (const std::string& r : reported_) std::cout << r;
    EXPECT_EQ(agree_, total_) << tokenizer_ << " " << check_ << ": " << (total_ - agree_)
                              << " mismatching strings (the first " << reported_.size()
                              << " are printed above)";
  }

 private:
  std::string tokenizer_, check_;
  int agree_ = 0, total_ = 0;
  std::vector<std::string> reported_;
};

void CompareIds(const Tokenizer& tok, const Case& c, size_t index,
                const absl::StatusOr<std::vector<int32_t>>& got,
                const std::vector<int32_t>& expected, Tally& tally) {
  if (got.ok() && *got == expected) {
    tally.Pass();
    return;
  }
  std::string detail = absl::StrCat("  #", index, " ", Printable(c.text), "\n    expected ",
                                    IdList(expected), " ", TokenList(tok, expected), "\n");
  if (got.ok()) {
    absl::StrAppend(&detail, "    got      ", IdList(*got), " ", TokenList(tok, *got), "\n");
  } else {
    absl::StrAppend(&detail, "    got error ", got.status().ToString(), "\n");
  }
  tally.Fail(std::move(detail));
}

void CompareText(const Case& c, size_t index, const absl::StatusOr<std::string>& got,
                 absl::string_view expected, Tally& tally) {
  if (got.ok() && *got == expected) {
    tally.Pass();
    return;
  }
  tally.Fail(absl::StrCat("  #", index, " ", Printable(c.text), "\n    expected ",
                          Printable(expected), "\n    got      ",
                          got.ok() ? Printable(*got) : got.status().ToString(), "\n"));
}

// Streams `ids` through a StreamDecoder: OK when every chunk is valid UTF-8 and
// the concatenation equals Decode(ids, skip_special).
void CheckStream(const Tokenizer& tok, const Case& c, size_t index, const std::vector<int32_t>& ids,
                 bool skip_special, Tally& tally) {
  absl::StatusOr<std::string> whole = tok.Decode(ids, skip_special);
  StreamDecoder stream(tok, skip_special);
  std::string joined;
  std::string problem;
  for (size_t i = 0; i < ids.size() && problem.empty(); ++i) {
    absl::StatusOr<std::string> chunk = stream.Push(ids[i]);
    if (!chunk.ok()) {
      problem = absl::StrCat("Push(", ids[i], ") at position ", i, ": ", chunk.status().ToString());
    } else if (!IsValidUtf8(*chunk)) {
      problem = absl::StrCat("Push(", ids[i], ") at position ", i,
                             " returned invalid UTF-8: ", Printable(*chunk));
    } else {
      joined += *chunk;
    }
  }
  if (problem.empty()) {
    std::string tail = stream.Finish();
    if (!IsValidUtf8(tail)) problem = absl::StrCat("Finish() returned invalid UTF-8");
    joined += tail;
  }
  if (problem.empty() && !whole.ok()) problem = absl::StrCat("Decode: ", whole.status().ToString());
  if (problem.empty() && joined != *whole) {
    problem = absl::StrCat("stream ", Printable(joined), " != Decode ", Printable(*whole));
  }
  if (problem.empty()) {
    tally.Pass();
  } else {
    tally.Fail(absl::StrCat("  #", index, " ", Printable(c.text), " ids ", IdList(ids), "\n    ",
                            problem, "\n"));
  }
}

absl::StatusOr<std::vector<int32_t>> ParseIds(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat("no array '", key, "'"));
  }
  std::vector<int32_t> ids;
  for (const auto& v : *it) {
    if (!v.is_number_integer()) return absl::InvalidArgumentError("a non-integer id");
    ids.push_back(v.get<int32_t>());
  }
  return ids;
}

absl::StatusOr<std::string> ParseString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("no string '", key, "'"));
  }
  return it->get<std::string>();
}

// The test strings: corpus.txt lines (split on "\n"; a final "\n" ends the
// last line), then the strings of multiline.json.
absl::StatusOr<std::vector<std::string>> LoadTexts(size_t* n_corpus_lines) {
  absl::StatusOr<std::string> corpus = ReadFile(FLEET_TOKENIZER_CORPUS);
  if (!corpus.ok()) return corpus.status();
  std::vector<std::string> texts = absl::StrSplit(*corpus, '\n');
  if (!texts.empty() && texts.back().empty()) texts.pop_back();
  *n_corpus_lines = texts.size();
  absl::StatusOr<std::string> multiline = ReadFile(FLEET_TOKENIZER_MULTILINE);
  if (!multiline.ok()) return multiline.status();
  const nlohmann::json array =
      nlohmann::json::parse(*multiline, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(FLEET_TOKENIZER_MULTILINE, " is not a JSON array"));
  }
  for (const auto& s : array) {
    if (!s.is_string()) return absl::InvalidArgumentError("multiline.json holds a non-string");
    texts.push_back(s.get<std::string>());
  }
  return texts;
}

// Reads <oracle dir>/<name>.{corpus,multiline}.jsonl beside the texts.
absl::StatusOr<std::vector<Case>> LoadCases(const std::string& name) {
  size_t n_corpus = 0;
  absl::StatusOr<std::vector<std::string>> texts = LoadTexts(&n_corpus);
  if (!texts.ok()) return texts.status();
  std::vector<std::string> lines;
  for (const char* kind : {"corpus", "multiline"}) {
    const std::string path =
        absl::StrCat(FLEET_TOKENIZER_ORACLE_DIR, "/", name, ".", kind, ".jsonl");
    absl::StatusOr<std::string> content = ReadFile(path);
    if (!content.ok()) {
      return absl::NotFoundError(absl::StrCat(
          "the reference ids ", path, " are missing: they are written by the ctest fixture ",
          "engine_tokenizer_oracle_ids_", name, " (run this test through ctest; if that fails, ",
          kFetchHint, ")"));
    }
    std::vector<std::string> part = absl::StrSplit(*content, '\n', absl::SkipEmpty());
    lines.insert(lines.end(), part.begin(), part.end());
  }
  if (lines.size() != texts->size()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: %d reference lines for %d test strings (stale reference ids? rerun through ctest)",
        name, lines.size(), texts->size()));
  }
  std::vector<Case> cases;
  cases.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const nlohmann::json j = nlohmann::json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    Case c;
    c.text = std::move((*texts)[i]);
    absl::StatusOr<std::vector<int32_t>> ids = ParseIds(j, "ids");
    absl::StatusOr<std::vector<int32_t>> ids_ns = ParseIds(j, "ids_no_special");
    absl::StatusOr<std::string> decoded = ParseString(j, "decoded");
    absl::StatusOr<std::string> decoded_skip = ParseString(j, "decoded_skip_special");
    for (const absl::Status& s :
         {ids.status(), ids_ns.status(), decoded.status(), decoded_skip.status()}) {
      if (!s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " reference line ", i + 1, ": ", s.message()));
      }
    }
    c.ids = *std::move(ids);
    c.ids_no_special = *std::move(ids_ns);
    c.decoded = *std::move(decoded);
    c.decoded_skip_special = *std::move(decoded_skip);
    cases.push_back(std::move(c));
  }
  return cases;
}

absl::StatusOr<TokenizerSpec> LoadHfSpec(const std::string& name) {
  const std::string dir = absl::StrCat(FLEET_TESTDATA_DIR, "/tokenizers/", name);
  absl::StatusOr<std::string> json = ReadFile(dir + "/tokenizer.json");
  absl::StatusOr<std::string> config = ReadFile(dir + "/tokenizer_config.json");
  if (!json.ok() || !config.ok()) {
    return absl::NotFoundError(
        absl::StrCat(dir, "/tokenizer.json or tokenizer_config.json is missing: ", kFetchHint));
  }
  return TokenizerSpecFromHfJson(*json, *config);
}

// The spec through a GGUF file and back.
absl::StatusOr<TokenizerSpec> ThroughGguf(const TokenizerSpec& spec) {
  gguf::GgufWriter writer;
  absl::Status written = WriteTokenizerSpec(spec, writer);
  if (!written.ok()) return written;
  absl::StatusOr<std::vector<uint8_t>> bytes = writer.Serialize();
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(*bytes);
  if (!file.ok()) return file.status();
  return TokenizerSpecFromGguf((*file)->metadata());
}

EncodeOptions NoSpecial() {
  EncodeOptions options;
  options.add_special = false;
  return options;
}

std::vector<std::string> Names() { return absl::StrSplit(FLEET_TOKENIZER_ORACLE_NAMES, ','); }

class OracleTest : public testing::TestWithParam<std::string> {};

TEST_P(OracleTest, AgreesWithReference) {
  const std::string& name = GetParam();
  absl::StatusOr<std::vector<Case>> cases = LoadCases(name);
  ASSERT_TRUE(cases.ok()) << cases.status();
  absl::StatusOr<TokenizerSpec> spec = LoadHfSpec(name);
  ASSERT_TRUE(spec.ok()) << name << ": " << spec.status();
  absl::StatusOr<std::unique_ptr<Tokenizer>> made = Tokenizer::Create(*spec);
  ASSERT_TRUE(made.ok()) << name << ": " << made.status();
  const Tokenizer& tok = **made;
  const bool byte_level = spec->model == TokenizerModel::kByteLevelBpe;
  const bool text_roundtrip = byte_level && !spec->normalize_nfc;

  Tally ids(name, "ids, special tokens added");
  Tally ids_ns(name, "ids_no_special");
  Tally decode(name, "Decode(ids_no_special) == reference decode");
  Tally roundtrip(name, "Decode(Encode(x, add_special=false)) == x");
  Tally decode_skip(name, "Decode(ids, skip_special) == reference decode");
  Tally stream(name, "StreamDecoder == Decode, chunks valid UTF-8");
  for (size_t i = 0; i < cases->size(); ++i) {
    const Case& c = (*cases)[i];
    CompareIds(tok, c, i, tok.Encode(c.text), c.ids, ids);
    const absl::StatusOr<std::vector<int32_t>> got_ns = tok.Encode(c.text, NoSpecial());
    CompareIds(tok, c, i, got_ns, c.ids_no_special, ids_ns);
    // Decode our own ids, so that an encoding mismatch is not counted twice.
    const std::vector<int32_t>& ns = got_ns.ok() ? *got_ns : c.ids_no_special;
    const absl::StatusOr<std::string> text = tok.Decode(ns);
    CompareText(c, i, text, c.decoded, decode);
    if (text_roundtrip) CompareText(c, i, text, c.text, roundtrip);
    CompareText(c, i, tok.Decode(c.ids, /*skip_special=*/true), c.decoded_skip_special,
                decode_skip);
    CheckStream(tok, c, i, c.ids, /*skip_special=*/false, stream);
    CheckStream(tok, c, i, c.ids, /*skip_special=*/true, stream);
  }
  ids.Report();
  ids_ns.Report();
  decode.Report();
  if (text_roundtrip) roundtrip.Report();
  decode_skip.Report();
  stream.Report();

  absl::StatusOr<TokenizerSpec> from_gguf = ThroughGguf(*spec);
  ASSERT_TRUE(from_gguf.ok()) << name << " through GGUF: " << from_gguf.status();
  absl::StatusOr<std::unique_ptr<Tokenizer>> gguf_made = Tokenizer::Create(*from_gguf);
  ASSERT_TRUE(gguf_made.ok()) << name << " through GGUF: " << gguf_made.status();
  Tally gguf_ids(name, "GGUF round trip: ids, special tokens added");
  for (size_t i = 0; i < cases->size(); ++i) {
    const Case& c = (*cases)[i];
    CompareIds(**gguf_made, c, i, (*gguf_made)->Encode(c.text), c.ids, gguf_ids);
  }
  gguf_ids.Report();
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, OracleTest, testing::ValuesIn(Names()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& ch : n) {
                             if (!absl::ascii_isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

// The UTF-8 check the stream test relies on must reject what it should.
TEST(OracleHelpersTest, Utf8Validator) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe4\xb8"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
}

}  // namespace
}  // namespace fleet::engine::tokenizer
