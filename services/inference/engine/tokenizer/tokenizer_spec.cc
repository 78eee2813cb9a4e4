#include "services/inference/engine/tokenizer/tokenizer_spec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/tokenizer/pre_tokenizer.h"
#include "services/inference/engine/tokenizer/utf8.h"

namespace fleet::engine::tokenizer {
namespace {

using gguf::GgufArray;
using gguf::GgufMetadata;
using gguf::GgufValue;

constexpr char kModel[] = "tokenizer.ggml.model";
constexpr char kPre[] = "tokenizer.ggml.pre";
constexpr char kTokens[] = "tokenizer.ggml.tokens";
constexpr char kScores[] = "tokenizer.ggml.scores";
constexpr char kTokenType[] = "tokenizer.ggml.token_type";
constexpr char kMerges[] = "tokenizer.ggml.merges";
constexpr char kBos[] = "tokenizer.ggml.bos_token_id";
constexpr char kEos[] = "tokenizer.ggml.eos_token_id";
constexpr char kEot[] = "tokenizer.ggml.eot_token_id";
constexpr char kUnk[] = "tokenizer.ggml.unknown_token_id";
constexpr char kPad[] = "tokenizer.ggml.padding_token_id";
constexpr char kAddBos[] = "tokenizer.ggml.add_bos_token";
constexpr char kAddEos[] = "tokenizer.ggml.add_eos_token";
constexpr char kAddSpacePrefix[] = "tokenizer.ggml.add_space_prefix";

// Pre-tokenizer names for which llama.cpp sets ignore_merges and add_bos.
bool IsLlama3Pre(absl::string_view pre) {
  return pre == "llama-bpe" || pre == "llama3" || pre == "llama-v3";
}

absl::Status ReadId(const GgufMetadata& metadata, const char* key, size_t n_tokens, int32_t& out) {
  if (!metadata.Contains(key)) return absl::OkStatus();
  ASSIGN_OR_RETURN(uint64_t id, metadata.GetUnsigned(key));
  if (id >= n_tokens) {
    return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "': token id ", id,
                                                   " is outside the vocabulary (", n_tokens,
                                                   " tokens)"));
  }
  out = static_cast<int32_t>(id);
  return absl::OkStatus();
}

absl::Status ReadBool(const GgufMetadata& metadata, const char* key, bool& out) {
  if (!metadata.Contains(key)) return absl::OkStatus();
  ASSIGN_OR_RETURN(out, metadata.GetBool(key));
  return absl::OkStatus();
}

absl::Status TooShort(const char* key, size_t got, size_t n_tokens) {
  return absl::InvalidArgumentError(absl::StrCat(
      "metadata key '", key, "' has ", got, " elements, fewer than the ", n_tokens, " tokens"));
}

}  // namespace

const char* TokenizerModelGgufName(TokenizerModel model) {
  return model == TokenizerModel::kSentencePiece ? "llama" : "gpt2";
}

absl::StatusOr<TokenizerSpec> TokenizerSpecFromGguf(const GgufMetadata& metadata) {
  TokenizerSpec spec;
  ASSIGN_OR_RETURN(absl::string_view model, metadata.GetString(kModel));
  if (model == "gpt2") {
    spec.model = TokenizerModel::kByteLevelBpe;
  } else if (model == "llama") {
    spec.model = TokenizerModel::kSentencePiece;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("metadata key '", kModel,
                                                   "': unsupported tokenizer model '", model,
                                                   "' (supported: gpt2, llama)"));
  }

  ASSIGN_OR_RETURN(const std::vector<std::string>* tokens,
                   metadata.GetArrayOf<std::string>(kTokens));
  const size_t n = tokens->size();
  if (n == 0)
    return absl::InvalidArgumentError(absl::StrCat("metadata key '", kTokens, "' is empty"));
  if (n > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata key '", kTokens, "' has too many tokens"));
  }
  for (size_t i = 0; i < n; ++i) {
    absl::Status valid = ValidateUtf8((*tokens)[i]);
    if (!valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata key '", kTokens, "': token ", i, ": ", valid.message()));
    }
  }
  spec.tokens = *tokens;

  if (metadata.Contains(kScores)) {
    ASSIGN_OR_RETURN(const GgufArray* scores, metadata.GetArray(kScores));
    if (const auto* f = scores->As<float>()) {
      if (f->size() < n) return TooShort(kScores, f->size(), n);
      spec.scores.assign(f->begin(), f->begin() + n);
    } else if (const auto* i = scores->As<int32_t>()) {  // llama.cpp accepts int32 scores too
      if (i->size() < n) return TooShort(kScores, i->size(), n);
      for (size_t k = 0; k < n; ++k) spec.scores.push_back(static_cast<float>((*i)[k]));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "metadata key '", kScores, "' has element type ",
          gguf::GgufValueTypeName(scores->element_type()), ", expected float32 or int32"));
    }
  }

  spec.types.assign(n, TokenType::kNormal);
  if (metadata.Contains(kTokenType)) {
    ASSIGN_OR_RETURN(const std::vector<int32_t>* types, metadata.GetArrayOf<int32_t>(kTokenType));
    if (types->size() < n) return TooShort(kTokenType, types->size(), n);
    for (size_t i = 0; i < n; ++i) {
      const int32_t t = (*types)[i];
      if (t < 0 || t > static_cast<int32_t>(TokenType::kByte)) {
        return absl::InvalidArgumentError(absl::StrCat("metadata key '", kTokenType, "': token ", i,
                                                       " has type ", t, ", expected 0..6"));
      }
      spec.types[i] = static_cast<TokenType>(t);
    }
  }

  if (spec.model == TokenizerModel::kByteLevelBpe) {
    spec.pre = "default";  // llama.cpp's fallback when the key is missing
    if (metadata.Contains(kPre)) {
      ASSIGN_OR_RETURN(absl::string_view pre, metadata.GetString(kPre));
      spec.pre = std::string(pre);
    }
    ASSIGN_OR_RETURN(spec.pre_regexes, PreTokenizerRegexes(spec.pre));
    ASSIGN_OR_RETURN(const std::vector<std::string>* merges,
                     metadata.GetArrayOf<std::string>(kMerges));
    spec.merges = *merges;
    spec.ignore_merges = IsLlama3Pre(spec.pre);
    // Qwen2 vocabularies come with an NFC normalizer in tokenizer.json; HF
    // applies it (llama.cpp does not), so we do.
    spec.normalize_nfc = spec.pre == "qwen2" || spec.pre == "deepseek-r1-qwen";
    spec.add_bos = IsLlama3Pre(spec.pre);
    spec.add_space_prefix = false;
  } else {
    if (metadata.Contains(kMerges)) {
      ASSIGN_OR_RETURN(const std::vector<std::string>* merges,
                       metadata.GetArrayOf<std::string>(kMerges));
      spec.merges = *merges;
    }
    spec.add_bos = true;
    spec.add_space_prefix = true;
  }

  RETURN_IF_ERROR(ReadId(metadata, kBos, n, spec.bos_id));
  RETURN_IF_ERROR(ReadId(metadata, kEos, n, spec.eos_id));
  RETURN_IF_ERROR(ReadId(metadata, kEot, n, spec.eot_id));
  RETURN_IF_ERROR(ReadId(metadata, kUnk, n, spec.unk_id));
  RETURN_IF_ERROR(ReadId(metadata, kPad, n, spec.pad_id));
  RETURN_IF_ERROR(ReadBool(metadata, kAddBos, spec.add_bos));
  RETURN_IF_ERROR(ReadBool(metadata, kAddEos, spec.add_eos));
  RETURN_IF_ERROR(ReadBool(metadata, kAddSpacePrefix, spec.add_space_prefix));
  return spec;
}

absl::Status WriteTokenizerSpec(const TokenizerSpec& spec, gguf::GgufWriter& writer) {
  const size_t n = spec.tokens.size();
  if (!spec.scores.empty() && spec.scores.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokenizer spec has ", spec.scores.size(), " scores for ", n, " tokens"));
  }
  if (spec.types.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("tokenizer spec has ", spec.types.size(), " token types for ", n, " tokens"));
  }
  GgufMetadata& m = writer.metadata();
  RETURN_IF_ERROR(m.Set(kModel, GgufValue::String(TokenizerModelGgufName(spec.model))));
  if (spec.model == TokenizerModel::kByteLevelBpe) {
    absl::StatusOr<std::vector<std::string>> named = PreTokenizerRegexes(spec.pre);
    if (!named.ok() || *named != spec.pre_regexes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tokenizer spec: pre-tokenizer '", spec.pre,
          "' is not a tokenizer.ggml.pre name whose regexes are the spec's pre_regexes; GGUF "
          "cannot store other regexes"));
    }
    const std::string pre = spec.pre == "gpt2" ? "gpt-2" : spec.pre;
    RETURN_IF_ERROR(m.Set(kPre, GgufValue::String(pre)));
  }
  RETURN_IF_ERROR(m.Set(kTokens, GgufValue::Array(GgufArray(spec.tokens))));
  if (!spec.scores.empty()) {
    RETURN_IF_ERROR(m.Set(kScores, GgufValue::Array(GgufArray(spec.scores))));
  }
  std::vector<int32_t> types;
  types.reserve(n);
  for (TokenType t : spec.types) types.push_back(static_cast<int32_t>(t));
  RETURN_IF_ERROR(m.Set(kTokenType, GgufValue::Array(GgufArray(std::move(types)))));
  if (!spec.merges.empty() || spec.model == TokenizerModel::kByteLevelBpe) {
    RETURN_IF_ERROR(m.Set(kMerges, GgufValue::Array(GgufArray(spec.merges))));
  }
  const std::pair<const char*, int32_t> ids[] = {{kBos, spec.bos_id},
                                                 {kEos, spec.eos_id},
                                                 {kEot, spec.eot_id},
                                                 {kUnk, spec.unk_id},
                                                 {kPad, spec.pad_id}};
  for (const auto& [key, id] : ids) {
    if (id >= 0) RETURN_IF_ERROR(m.Set(key, GgufValue::Uint32(static_cast<uint32_t>(id))));
  }
  RETURN_IF_ERROR(m.Set(kAddBos, GgufValue::Bool(spec.add_bos)));
  RETURN_IF_ERROR(m.Set(kAddEos, GgufValue::Bool(spec.add_eos)));
  RETURN_IF_ERROR(m.Set(kAddSpacePrefix, GgufValue::Bool(spec.add_space_prefix)));
  return absl::OkStatus();
}

}  // namespace fleet::engine::tokenizer
