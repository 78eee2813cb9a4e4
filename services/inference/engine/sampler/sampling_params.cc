#include "services/inference/engine/sampler/sampling_params.h"

#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace fleet::engine::sampler {
namespace {

absl::Status OutOfRange(absl::string_view field, absl::string_view range, double value) {
  return absl::InvalidArgumentError(absl::StrCat(field, " must be in ", range, ", got ", value));
}

bool InClosed(float v, float lo, float hi) { return std::isfinite(v) && v >= lo && v <= hi; }

}  // namespace

absl::Status ValidateSamplingParams(const SamplingParams& params, int32_t n_vocab) {
  if (n_vocab <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("n_vocab must be > 0, got ", n_vocab));
  }
  if (!InClosed(params.temperature, 0.0f, 100.0f)) {
    return OutOfRange("temperature", "[0, 100]", params.temperature);
  }
  if (params.top_k < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("top_k must be >= 0 (0 = off), got ", params.top_k));
  }
  if (!(std::isfinite(params.top_p) && params.top_p > 0.0f && params.top_p <= 1.0f)) {
    return OutOfRange("top_p", "(0, 1]", params.top_p);
  }
  if (!InClosed(params.min_p, 0.0f, 1.0f)) return OutOfRange("min_p", "[0, 1]", params.min_p);
  if (!(std::isfinite(params.repetition_penalty) && params.repetition_penalty > 0.0f &&
        params.repetition_penalty <= 10.0f)) {
    return OutOfRange("repetition_penalty", "(0, 10]", params.repetition_penalty);
  }
  if (!InClosed(params.frequency_penalty, -2.0f, 2.0f)) {
    return OutOfRange("frequency_penalty", "[-2, 2]", params.frequency_penalty);
  }
  if (!InClosed(params.presence_penalty, -2.0f, 2.0f)) {
    return OutOfRange("presence_penalty", "[-2, 2]", params.presence_penalty);
  }
  if (params.penalty_last_n < -1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "penalty_last_n must be >= -1 (-1 = whole history), got ", params.penalty_last_n));
  }
  if (params.top_logprobs < 0 || params.top_logprobs > kMaxTopLogprobs) {
    return absl::InvalidArgumentError(absl::StrCat("top_logprobs must be in [0, ", kMaxTopLogprobs,
                                                   "], got ", params.top_logprobs));
  }
  absl::flat_hash_set<int32_t> banned;
  for (const auto& [id, bias] : params.logit_bias) {
    if (id < 0 || id >= n_vocab) {
      return absl::InvalidArgumentError(
          absl::StrCat("logit_bias token id ", id, " is out of range [0, ", n_vocab, ")"));
    }
    const bool minus_inf = bias == -std::numeric_limits<float>::infinity();
    if (!minus_inf && !InClosed(bias, -100.0f, 100.0f)) {
      return absl::InvalidArgumentError(
          absl::StrCat("logit_bias for token ", id, " must be in [-100, 100], got ", bias));
    }
    if (bias <= kBanBias) banned.insert(id);
  }
  if (static_cast<int64_t>(banned.size()) == n_vocab) {
    return absl::InvalidArgumentError("logit_bias bans every token of the vocabulary");
  }
  return absl::OkStatus();
}

}  // namespace fleet::engine::sampler
