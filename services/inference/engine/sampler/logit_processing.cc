#include "services/inference/engine/sampler/logit_processing.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fleet::engine::sampler {

void SanitizeLogits(absl::Span<const float> in, absl::Span<float> out) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  constexpr float kMax = std::numeric_limits<float>::max();
  for (size_t i = 0; i < in.size() && i < out.size(); ++i) {
    const float v = in[i];
    if (std::isnan(v)) {
      out[i] = kNegInf;
    } else if (v == std::numeric_limits<float>::infinity()) {
      out[i] = kMax;
    } else {
      out[i] = v;
    }
  }
}

void ApplyLogitBias(absl::Span<const std::pair<int32_t, float>> bias, absl::Span<float> logits) {
  const auto n = static_cast<int64_t>(logits.size());
  for (const auto& [id, b] : bias) {
    if (id < 0 || id >= n) continue;
    if (b <= kBanBias) {
      logits[id] = -std::numeric_limits<float>::infinity();
    } else {
      logits[id] += b;
    }
  }
}

void ApplyPenalties(const SamplingParams& params, absl::Span<const int32_t> history,
                    absl::Span<float> logits, PenaltyScratch* scratch) {
  const bool active = params.repetition_penalty != 1.0f || params.frequency_penalty != 0.0f ||
                      params.presence_penalty != 0.0f;
  if (!active || params.penalty_last_n == 0 || history.empty()) return;
  size_t window = history.size();
  if (params.penalty_last_n > 0) {
    window = std::min(window, static_cast<size_t>(params.penalty_last_n));
  }
  const auto n = static_cast<int64_t>(logits.size());
  std::vector<int32_t>& counts = scratch->counts_;
  std::vector<int32_t>& touched = scratch->touched_;
  touched.clear();
  for (int32_t id : history.subspan(history.size() - window)) {
    if (id < 0 || id >= n || static_cast<size_t>(id) >= counts.size()) continue;
    if (counts[id]++ == 0) touched.push_back(id);
  }
  for (int32_t id : touched) {
    float& logit = logits[id];
    const int32_t count = counts[id];
    counts[id] = 0;
    if (logit == -std::numeric_limits<float>::infinity()) continue;
    if (params.repetition_penalty != 1.0f) {
      logit = logit > 0.0f ? logit / params.repetition_penalty : logit * params.repetition_penalty;
    }
    logit -= static_cast<float>(count) * params.frequency_penalty + params.presence_penalty;
    // A huge logit divided by a penalty < 1 may overflow; keep it finite (see SanitizeLogits).
    if (logit == std::numeric_limits<float>::infinity()) logit = std::numeric_limits<float>::max();
  }
  touched.clear();
}

}  // namespace fleet::engine::sampler
