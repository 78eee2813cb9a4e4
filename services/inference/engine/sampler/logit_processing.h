#pragma once
// The steps of the sampling chain that rewrite logits in place, before any probability is
// computed: sanitizing, logit bias, and repetition/frequency/presence penalties.
// Each is a pure function of its inputs (plus caller-owned scratch); thread-compatible.

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "services/inference/engine/sampler/sampling_params.h"

namespace fleet::engine::sampler {

// Copies `in` into `out` (same size) with NaN -> -infinity and +infinity -> the largest finite
// float, so that every later step sees ordered values and softmax stays finite.
void SanitizeLogits(absl::Span<const float> in, absl::Span<float> out);

// For each (id, bias) in order: a bias <= kBanBias sets the logit to -infinity (banned);
// otherwise the bias is added. Ids outside [0, logits.size()) are ignored (ValidateSamplingParams
// rejects them earlier).
void ApplyLogitBias(absl::Span<const std::pair<int32_t, float>> bias, absl::Span<float> logits);

// Reusable per-token occurrence counts for ApplyPenalties (one int32 per vocabulary entry).
class PenaltyScratch {
 public:
  explicit PenaltyScratch(int32_t n_vocab) : counts_(static_cast<size_t>(n_vocab), 0) {}

 private:
  friend void ApplyPenalties(const SamplingParams&, absl::Span<const int32_t>, absl::Span<float>,
                             PenaltyScratch*);
  std::vector<int32_t> counts_;   // all zero between calls
  std::vector<int32_t> touched_;  // distinct ids seen in the current call
};

// Counts the ids among the last params.penalty_last_n entries of `history` (-1: all of it;
// 0: none) and, for each distinct id with count c > 0:
//   repetition: logit = logit > 0 ? logit / repetition_penalty : logit * repetition_penalty
//   then:       logit -= c * frequency_penalty + presence_penalty
// History ids outside [0, logits.size()) are skipped. -infinity logits stay -infinity.
// `scratch` must have been built for at least logits.size() tokens.
void ApplyPenalties(const SamplingParams& params, absl::Span<const int32_t> history,
                    absl::Span<float> logits, PenaltyScratch* scratch);

}  // namespace fleet::engine::sampler
