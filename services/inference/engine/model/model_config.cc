#include "services/inference/engine/model/model_config.h"

#include <cmath>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"

namespace fleet::engine::model {
namespace {

// Bounds that keep every product of two of them inside int64 and reject
// absurd values before anything is sized by them.
constexpr int64_t kMaxCount = int64_t{1} << 24;    // layers, heads, widths
constexpr int64_t kMaxContext = int64_t{1} << 31;  // positions are int32

class Reader {
 public:
  Reader(const gguf::GgufMetadata& metadata, absl::string_view arch)
      : metadata_(metadata), arch_(arch) {}

  std::string Key(absl::string_view suffix) const { return absl::StrCat(arch_, ".", suffix); }

  // An integer hyper-parameter in 1..max; nullopt when absent and optional.
  absl::StatusOr<std::optional<int64_t>> Int(absl::string_view suffix, bool required,
                                             int64_t max = kMaxCount) const {
    const std::string key = Key(suffix);
    if (!metadata_.Contains(key)) {
      if (required) return Missing(key);
      return std::nullopt;
    }
    ASSIGN_OR_RETURN(const uint64_t value, metadata_.GetUnsigned(key));
    if (value == 0 || value > static_cast<uint64_t>(max)) {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata key '", key, "': ", value, " is out of range 1..", max));
    }
    return static_cast<int64_t>(value);
  }

  // A float32 or float64 hyper-parameter; nullopt when absent and optional.
  absl::StatusOr<std::optional<double>> Float(absl::string_view suffix, bool required) const {
    const std::string key = Key(suffix);
    const gguf::GgufValue* value = metadata_.Find(key);
    if (value == nullptr) {
      if (required) return Missing(key);
      return std::nullopt;
    }
    double result;
    if (const float* f = value->As<float>()) {
      result = *f;
    } else if (const double* d = value->As<double>()) {
      result = *d;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' has type ",
                                                     gguf::GgufValueTypeName(value->type()),
                                                     ", expected float32 or float64"));
    }
    if (!std::isfinite(result)) {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata key '", key, "': ", result, " is not finite"));
    }
    return result;
  }

  absl::StatusOr<std::optional<std::string>> String(absl::string_view suffix) const {
    const std::string key = Key(suffix);
    if (!metadata_.Contains(key)) return std::nullopt;
    ASSIGN_OR_RETURN(const absl::string_view value, metadata_.GetString(key));
    return std::string(value);
  }

 private:
  static absl::Status Missing(absl::string_view key) {
    return absl::InvalidArgumentError(
        absl::StrCat("model metadata is missing the required key '", key, "'"));
  }

  const gguf::GgufMetadata& metadata_;
  absl::string_view arch_;
};

absl::Status OutOfRange(absl::string_view what) { return absl::InvalidArgumentError(what); }

// Sets config->rope_freq_scale from the rope scaling keys (llama.cpp's rules:
// the type defaults to linear; the factor comes from rope.scaling.factor or
// the older rope.scale_linear, and 0 or absent means no scaling).
absl::Status ReadRopeScaling(const Reader& r, ModelConfig* config) {
  ASSIGN_OR_RETURN(std::optional<std::string> type, r.String("rope.scaling.type"));
  const std::string type_key = r.Key("rope.scaling.type");
  const std::string name = type.value_or("linear");
  if (name == "yarn" || name == "longrope" || name == "llama3" || name == "su") {
    return absl::UnimplementedError(
        absl::StrCat("rope scaling type '", name, "' (", type_key,
                     ") is not supported by this engine (supported: none, linear)"));
  }
  if (name != "none" && name != "linear") {
    return absl::InvalidArgumentError(absl::StrCat("unknown rope scaling type '", name, "' (",
                                                   type_key, "; supported: none, linear)"));
  }
  ASSIGN_OR_RETURN(std::optional<double> factor, r.Float("rope.scaling.factor", false));
  if (!factor.has_value()) {
    ASSIGN_OR_RETURN(factor, r.Float("rope.scale_linear", false));
  }
  config->rope_freq_scale = 1.0f;
  if (name == "linear" && factor.has_value() && *factor != 0.0) {
    if (*factor < 0.0) {
      return OutOfRange(absl::StrCat("rope scaling factor ", *factor, " is negative"));
    }
    config->rope_freq_scale = static_cast<float>(1.0 / *factor);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelConfig> ReadModelConfig(const gguf::GgufMetadata& metadata,
                                            const ArchSpec& spec) {
  const Reader r(metadata, spec.name);
  ModelConfig c;
  c.arch = std::string(spec.name);
  c.rope_style = spec.rope_style;

  ASSIGN_OR_RETURN(std::optional<int64_t> n_ctx_train, r.Int("context_length", true, kMaxContext));
  ASSIGN_OR_RETURN(std::optional<int64_t> n_embd, r.Int("embedding_length", true));
  ASSIGN_OR_RETURN(std::optional<int64_t> n_layer, r.Int("block_count", true));
  ASSIGN_OR_RETURN(std::optional<int64_t> n_ff, r.Int("feed_forward_length", true));
  ASSIGN_OR_RETURN(std::optional<int64_t> n_head, r.Int("attention.head_count", true));
  ASSIGN_OR_RETURN(std::optional<double> eps, r.Float("attention.layer_norm_rms_epsilon", true));
  ASSIGN_OR_RETURN(std::optional<int64_t> n_head_kv, r.Int("attention.head_count_kv", false));
  ASSIGN_OR_RETURN(std::optional<int64_t> key_length, r.Int("attention.key_length", false));
  ASSIGN_OR_RETURN(std::optional<int64_t> value_length, r.Int("attention.value_length", false));
  ASSIGN_OR_RETURN(std::optional<int64_t> n_rot, r.Int("rope.dimension_count", false));
  ASSIGN_OR_RETURN(std::optional<double> freq_base, r.Float("rope.freq_base", false));

  c.n_ctx_train = *n_ctx_train;
  c.n_embd = *n_embd;
  c.n_layer = *n_layer;
  c.n_ff = *n_ff;
  c.n_head = *n_head;
  c.n_head_kv = n_head_kv.value_or(c.n_head);
  if (c.n_head % c.n_head_kv != 0) {
    return OutOfRange(absl::StrCat(r.Key("attention.head_count"), " ", c.n_head,
                                   " is not a multiple of ", r.Key("attention.head_count_kv"), " ",
                                   c.n_head_kv));
  }
  if (key_length.has_value()) {
    c.head_dim = *key_length;
  } else {
    if (c.n_embd % c.n_head != 0) {
      return OutOfRange(absl::StrCat(r.Key("embedding_length"), " ", c.n_embd,
                                     " is not a multiple of ", r.Key("attention.head_count"), " ",
                                     c.n_head, " (and there is no ", r.Key("attention.key_length"),
                                     ")"));
    }
    c.head_dim = c.n_embd / c.n_head;
  }
  if (value_length.has_value() && *value_length != c.head_dim) {
    return absl::UnimplementedError(absl::StrCat(
        r.Key("attention.value_length"), " ", *value_length, " differs from the key length ",
        c.head_dim, ", which this engine does not support"));
  }
  if (c.n_head * c.head_dim > kMaxCount) {
    return OutOfRange(
        absl::StrCat("attention width ", c.n_head, " heads x ", c.head_dim, " is too large"));
  }
  c.n_rot = n_rot.value_or(c.head_dim);
  if (c.n_rot % 2 != 0 || c.n_rot > c.head_dim) {
    return OutOfRange(absl::StrCat(r.Key("rope.dimension_count"), " ", c.n_rot,
                                   " must be even and at most the head dimension ", c.head_dim));
  }
  if (!(*eps > 0.0) || *eps >= 1.0) {
    return OutOfRange(
        absl::StrCat(r.Key("attention.layer_norm_rms_epsilon"), " ", *eps, " is outside (0, 1)"));
  }
  c.rms_eps = static_cast<float>(*eps);
  c.rope_freq_base = static_cast<float>(freq_base.value_or(10000.0));
  if (!(c.rope_freq_base > 0.0f)) {
    return OutOfRange(absl::StrCat(r.Key("rope.freq_base"), " ", c.rope_freq_base, " is not > 0"));
  }
  RETURN_IF_ERROR(ReadRopeScaling(r, &c));
  return c;
}

}  // namespace fleet::engine::model
