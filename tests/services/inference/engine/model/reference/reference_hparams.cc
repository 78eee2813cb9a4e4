#include "tests/services/inference/engine/model/reference/reference_hparams.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/inference/engine/gguf/gguf_value.h"

namespace fleet::engine::testing {
namespace {

constexpr int64_t kMaxSize = int64_t{1} << 24;

// An integer key in 1..kMaxSize; `fallback` when absent and fallback > 0,
// else an error.
absl::StatusOr<int64_t> GetSize(const gguf::GgufMetadata& m, const std::string& key,
                                int64_t fallback) {
  if (!m.Contains(key)) {
    if (fallback > 0) return fallback;
    return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' not found"));
  }
  absl::StatusOr<uint64_t> v = m.GetUnsigned(key);
  if (!v.ok()) return absl::InvalidArgumentError(v.status().message());
  if (*v == 0 || *v > static_cast<uint64_t>(kMaxSize)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata key '", key, "': ", *v, " is out of range 1..", kMaxSize));
  }
  return static_cast<int64_t>(*v);
}

// A float32 or float64 key; `fallback` when absent (or an error when
// required).
absl::StatusOr<double> GetReal(const gguf::GgufMetadata& m, const std::string& key, bool required,
                               double fallback) {
  const gguf::GgufValue* v = m.Find(key);
  if (v == nullptr) {
    if (!required) return fallback;
    return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' not found"));
  }
  if (const float* f = v->As<float>()) return static_cast<double>(*f);
  if (const double* d = v->As<double>()) return *d;
  return absl::InvalidArgumentError(absl::StrCat("metadata key '", key, "' has type ",
                                                 gguf::GgufValueTypeName(v->type()),
                                                 ", expected float32 or float64"));
}

absl::Status OutOfRange(const std::string& key, double value, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("metadata key '", key, "': ", value, " is not ", what));
}

}  // namespace

absl::StatusOr<ReferenceHparams> ReadReferenceHparams(const gguf::GgufMetadata& m) {
  ReferenceHparams hp;
  absl::StatusOr<absl::string_view> arch = m.GetString("general.architecture");
  if (!arch.ok()) return absl::InvalidArgumentError(arch.status().message());
  hp.arch = std::string(*arch);
  if (hp.arch == "llama") {
    hp.rope_style = RopeStyle::kNormal;
  } else if (hp.arch == "qwen2") {
    hp.rope_style = RopeStyle::kNeox;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("general.architecture '", hp.arch,
                                                   "' is not supported (expected llama or qwen2)"));
  }
  const std::string p = hp.arch + ".";

  absl::StatusOr<int64_t> v = GetSize(m, p + "embedding_length", 0);
  if (!v.ok()) return v.status();
  hp.n_embd = *v;
  if (!(v = GetSize(m, p + "block_count", 0)).ok()) return v.status();
  hp.n_layer = *v;
  if (!(v = GetSize(m, p + "feed_forward_length", 0)).ok()) return v.status();
  hp.n_ff = *v;
  if (!(v = GetSize(m, p + "context_length", 0)).ok()) return v.status();
  hp.n_ctx = *v;
  if (!(v = GetSize(m, p + "attention.head_count", 0)).ok()) return v.status();
  hp.n_head = *v;
  if (!(v = GetSize(m, p + "attention.head_count_kv", hp.n_head)).ok()) return v.status();
  hp.n_head_kv = *v;
  if (hp.n_head % hp.n_head_kv != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata key '", p, "attention.head_count': ", hp.n_head,
                     " is not a multiple of head_count_kv ", hp.n_head_kv));
  }
  const int64_t default_head_dim = hp.n_embd % hp.n_head == 0 ? hp.n_embd / hp.n_head : 0;
  for (const char* suffix : {"attention.key_length", "attention.value_length"}) {
    if (default_head_dim == 0 && !m.Contains(p + suffix)) {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata key '", p, suffix, "' not found, and embedding_length ", hp.n_embd,
                       " is not a multiple of head_count ", hp.n_head));
    }
  }
  if (!(v = GetSize(m, p + "attention.key_length", default_head_dim)).ok()) return v.status();
  hp.head_dim_k = *v;
  if (!(v = GetSize(m, p + "attention.value_length", default_head_dim)).ok()) return v.status();
  hp.head_dim_v = *v;
  if (!(v = GetSize(m, p + "rope.dimension_count", hp.head_dim_k)).ok()) return v.status();
  hp.n_rot = *v;
  if (hp.n_rot % 2 != 0 || hp.n_rot > hp.head_dim_k) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata key '", p, "rope.dimension_count': ", hp.n_rot,
                     " is not even and at most the head size ", hp.head_dim_k));
  }

  const std::string eps_key = p + "attention.layer_norm_rms_epsilon";
  absl::StatusOr<double> r = GetReal(m, eps_key, /*required=*/true, 0);
  if (!r.ok()) return r.status();
  if (!(std::isfinite(*r) && *r > 0)) return OutOfRange(eps_key, *r, "positive and finite");
  hp.rms_eps = *r;

  const std::string base_key = p + "rope.freq_base";
  if (!(r = GetReal(m, base_key, /*required=*/false, 10000.0)).ok()) return r.status();
  if (!(std::isfinite(*r) && *r > 0)) return OutOfRange(base_key, *r, "positive and finite");
  hp.rope_freq_base = *r;

  const std::string type_key = p + "rope.scaling.type";
  if (m.Contains(type_key)) {
    absl::StatusOr<absl::string_view> type = m.GetString(type_key);
    if (!type.ok()) return absl::InvalidArgumentError(type.status().message());
    if (*type != "none" && *type != "linear") {
      return absl::InvalidArgumentError(
          absl::StrCat("metadata key '", type_key, "': rope scaling type '", *type,
                       "' is not supported (expected none or linear)"));
    }
  }
  std::string factor_key = p + "rope.scaling.factor";
  if (!m.Contains(factor_key)) factor_key = p + "rope.scale_linear";
  if (!(r = GetReal(m, factor_key, /*required=*/false, 0.0)).ok()) return r.status();
  if (!(std::isfinite(*r) && *r >= 0)) return OutOfRange(factor_key, *r, "finite and >= 0");
  hp.rope_linear_factor = *r == 0 ? 1.0 : *r;
  return hp;
}

}  // namespace fleet::engine::testing
