#include "services/inference/engine/tokenizer/pre_tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/inference/engine/tokenizer/unicode_update.h"

namespace fleet::engine::tokenizer {
namespace {

// The regex strings below are facts taken from the models' tokenizer.json
// files and from llama.cpp's llama-vocab.cpp (its pre-tokenizer table).

const char kGpt2[] =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

const char kLlama3[] =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const char kQwen2[] =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// llama.cpp's LLAMA_VOCAB_PRE_TYPE_DEFAULT.
const char* const kDefault[] = {
    "[\\p{P}\\$\\+<=>\\^~\\|]+",
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)",
    "\\p{N}+",
    "[0-9][0-9][0-9]",
};

const char* const kDeepseekLlm[] = {
    "[\r\n]",
    "\\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-"
    "ჅᎠ-"
    "Ᏽᏸ-"
    "ᏽᲐ-"
    "ᲺᲽ-"
    "Ჿᴀ-"
    "ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-"
    "ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-"
    "𐓓𐓘-"
    "𐓻𐲀-"
    "𐲲𐳀-"
    "𐳲𑢠-"
    "𑣟𞤀-𞥃]+",
    "\\s?[!-/:-~！-／：-～‘-‟　-。]+",
    "\\s+$",
    "[一-龥ࠀ-一가-퟿]+",
    "\\p{N}+",
};

const char* const kDeepseekCoder[] = {
    "[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", "[一-龥ࠀ-一가-퟿]+", "\\p{N}",
};

const char* const kDeepseekV3[] = {
    "\\p{N}{1,3}",
    "[一-龥぀-ゟ゠-ヿ]+",
    "[!\"#$%&'()*+,\\-./"
    ":;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| "
    "?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
};

struct NamedList {
  const char* name;
  std::vector<std::string> regexes;
};

template <size_t N>
std::vector<std::string> List(const char* const (&regexes)[N]) {
  return std::vector<std::string>(regexes, regexes + N);
}

const std::vector<NamedList>& Table() {
  static const auto* const table = new std::vector<NamedList>{
      {"default", List(kDefault)},
      {"gpt2", {kGpt2}},
      {"gpt-2", {kGpt2}},
      {"llama-bpe", {kLlama3}},
      {"llama3", {kLlama3}},
      {"llama-v3", {kLlama3}},
      {"qwen2", {kQwen2}},
      {"deepseek-r1-qwen", {kQwen2}},
      {"deepseek-llm", List(kDeepseekLlm)},
      {"deepseek-coder", List(kDeepseekCoder)},
      {"deepseek-v3", List(kDeepseekV3)},
  };
  return *table;
}

}  // namespace

const std::string& Gpt2Regex() {
  static const std::string* const regex = new std::string(kGpt2);
  return *regex;
}

std::vector<std::string> SupportedPreTokenizerNames() {
  std::vector<std::string> names;
  for (const NamedList& entry : Table()) names.push_back(entry.name);
  return names;
}

absl::StatusOr<std::vector<std::string>> PreTokenizerRegexes(absl::string_view pre) {
  for (const NamedList& entry : Table()) {
    if (pre == entry.name) return entry.regexes;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unsupported pre-tokenizer '", pre,
      "' (tokenizer.ggml.pre); supported: ", absl::StrJoin(SupportedPreTokenizerNames(), ", ")));
}

struct PreTokenizer::Compiled {
  pcre2_code* code = nullptr;
  bool jit = false;  // JIT-compiled: matched with pcre2_jit_match
  ~Compiled() { pcre2_code_free(code); }
};

// One regex with its match data block, for the duration of one split.
struct PreTokenizer::Matcher {
  Matcher() = default;
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;
  const Compiled* regex = nullptr;
  pcre2_match_data* data = nullptr;
  ~Matcher() { pcre2_match_data_free(data); }
};

PreTokenizer::~PreTokenizer() = default;

absl::StatusOr<std::unique_ptr<PreTokenizer>> PreTokenizer::Create(
    absl::Span<const std::string> regexes) {
  auto result = std::unique_ptr<PreTokenizer>(new PreTokenizer());
  for (const std::string& regex : regexes) {
    int error = 0;
    PCRE2_SIZE error_offset = 0;
    auto compiled = std::make_unique<Compiled>();
    constexpr uint32_t kOptions = PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY;
    // The pattern with \p{L} etc. extended to newer Unicode (unicode_update.h),
    // in the form the JIT runs fastest.
    const std::string extended = ExtendUnicodePropertiesForJit(regex);
    compiled->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(extended.data()), extended.size(),
                                   kOptions, &error, &error_offset, nullptr);
    if (compiled->code == nullptr) {
      // Report the error against the pattern as given.
      pcre2_code* original = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                                           kOptions, &error, &error_offset, nullptr);
      pcre2_code_free(original);
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(error, message, sizeof(message));
      return absl::InvalidArgumentError(absl::StrCat("pre-tokenizer regex '", regex,
                                                     "' does not compile at offset ", error_offset,
                                                     ": ", reinterpret_cast<const char*>(message)));
    }
    // JIT is an optimisation: when it is unavailable the interpreter runs.
    compiled->jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
    result->regexes_.push_back(std::move(compiled));
  }
  return result;
}

absl::Status PreTokenizer::SplitLevel(absl::Span<Matcher> matchers, size_t level,
                                      absl::string_view piece,
                                      absl::FunctionRef<void(absl::string_view)> emit) const {
  if (level == matchers.size()) {
    emit(piece);
    return absl::OkStatus();
  }
  const Matcher& m = matchers[level];
  const auto pass_on = [&](absl::string_view part) {
    return SplitLevel(matchers, level + 1, part, emit);
  };
  const auto subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
  size_t gap_start = 0;  // start of the text not yet emitted
  size_t pos = 0;        // where the next search starts
  while (pos <= piece.size()) {
    // pcre2_jit_match skips pcre2_match's option checks; the subject is valid UTF-8.
    const int rc = m.regex->jit ? pcre2_jit_match(m.regex->code, subject, piece.size(), pos, 0,
                                                  m.data, nullptr)
                                : pcre2_match(m.regex->code, subject, piece.size(), pos,
                                              PCRE2_NO_UTF_CHECK, m.data, nullptr);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      return absl::InternalError(absl::StrCat("pre-tokenizer regex match failed: ",
                                              reinterpret_cast<const char*>(message)));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(m.data);
    const size_t start = ovector[0];
    const size_t end = ovector[1];
    if (end == start) {
      // An empty match cuts nothing; step over one code point.
      if (start >= piece.size()) break;
      size_t step = 1;
      while (start + step < piece.size() &&
             (static_cast<uint8_t>(piece[start + step]) & 0xC0) == 0x80) {
        ++step;
      }
      pos = start + step;
      continue;
    }
    if (start > gap_start) {
      absl::Status status = pass_on(piece.substr(gap_start, start - gap_start));
      if (!status.ok()) return status;
    }
    absl::Status status = pass_on(piece.substr(start, end - start));
    if (!status.ok()) return status;
    gap_start = end;
    pos = end;
  }
  if (gap_start < piece.size()) return pass_on(piece.substr(gap_start));
  return absl::OkStatus();
}

absl::Status PreTokenizer::ForEachPiece(absl::string_view text,
                                        absl::FunctionRef<void(absl::string_view)> piece) const {
  if (text.empty()) return absl::OkStatus();
  std::vector<Matcher> matchers(regexes_.size());
  for (size_t i = 0; i < regexes_.size(); ++i) {
    matchers[i].regex = regexes_[i].get();
    matchers[i].data = pcre2_match_data_create_from_pattern(regexes_[i]->code, nullptr);
    if (matchers[i].data == nullptr) {
      return absl::ResourceExhaustedError("pcre2_match_data_create failed");
    }
  }
  return SplitLevel(absl::MakeSpan(matchers), 0, text, piece);
}

absl::StatusOr<std::vector<absl::string_view>> PreTokenizer::Split(absl::string_view text) const {
  std::vector<absl::string_view> pieces;
  absl::Status status =
      ForEachPiece(text, [&](absl::string_view piece) { pieces.push_back(piece); });
  if (!status.ok()) return status;
  return pieces;
}

}  // namespace fleet::engine::tokenizer
