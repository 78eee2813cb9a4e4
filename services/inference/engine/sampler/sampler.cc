#include "services/inference/engine/sampler/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "lib/status/status_macros.h"

namespace fleet::engine::sampler {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

}  // namespace

absl::StatusOr<std::unique_ptr<Sampler>> Sampler::Create(const SamplingParams& params,
                                                         int32_t n_vocab) {
  RETURN_IF_ERROR(ValidateSamplingParams(params, n_vocab));
  return std::unique_ptr<Sampler>(new Sampler(params, n_vocab));
}

Sampler::Sampler(const SamplingParams& params, int32_t n_vocab)
    : params_(params),
      n_vocab_(n_vocab),
      fallback_id_(0),
      rng_(params.seed),
      processed_(static_cast<size_t>(n_vocab)),
      penalty_scratch_(n_vocab) {
  absl::flat_hash_set<int32_t> banned;
  for (const auto& [id, bias] : params_.logit_bias) {
    if (bias <= kBanBias) banned.insert(id);
  }
  while (banned.contains(fallback_id_)) ++fallback_id_;  // Validate: not every id is banned
  candidates_.reserve(static_cast<size_t>(n_vocab));
}

void Sampler::Process(absl::Span<const float> logits, absl::Span<const int32_t> history) {
  const size_t n = std::min(logits.size(), processed_.size());
  SanitizeLogits(logits.subspan(0, n), absl::MakeSpan(processed_).subspan(0, n));
  std::fill(processed_.begin() + static_cast<ptrdiff_t>(n), processed_.end(), kNegInf);
  ApplyLogitBias(params_.logit_bias, absl::MakeSpan(processed_));
  ApplyPenalties(params_, history, absl::MakeSpan(processed_), &penalty_scratch_);
}

int32_t Sampler::Argmax() const {
  int32_t best = -1;
  float best_logit = kNegInf;
  for (size_t i = 0; i < processed_.size(); ++i) {
    if (processed_[i] > best_logit) {  // strict: ties keep the lower id
      best_logit = processed_[i];
      best = static_cast<int32_t>(i);
    }
  }
  return best;
}

void Sampler::Truncate() {
  CollectCandidates(processed_, &candidates_);
  if (candidates_.empty()) return;
  TopK(params_.top_k, &candidates_);
  SoftmaxWithTemperature(params_.temperature, &candidates_);
  TopP(params_.top_p, &candidates_);
  MinP(params_.min_p, &candidates_);
}

const std::vector<Candidate>& Sampler::Candidates(absl::Span<const float> logits,
                                                  absl::Span<const int32_t> history) {
  Process(logits, history);
  if (params_.temperature == 0.0f) {
    candidates_.clear();
    const int32_t best = Argmax();
    if (best >= 0) candidates_.push_back({best, processed_[best], 1.0f});
    return candidates_;
  }
  Truncate();
  return candidates_;
}

void Sampler::FillLogprobs(int32_t id, SampledToken* out) const {
  float max_logit = kNegInf;
  for (float v : processed_) max_logit = std::max(max_logit, v);
  out->top.clear();
  if (max_logit == kNegInf) {
    out->logprob = kNegInf;
    return;
  }
  double sum = 0.0;
  for (float v : processed_) sum += std::exp(static_cast<double>(v) - max_logit);
  const double log_z = max_logit + std::log(sum);
  out->logprob = static_cast<float>(processed_[id] - log_z);

  const auto n_top = static_cast<size_t>(params_.top_logprobs);
  if (n_top == 0) return;
  // A small sorted insertion list: O(n_vocab * top_logprobs) worst case, O(n_vocab) typically.
  std::vector<std::pair<int32_t, float>>& top = out->top;
  top.reserve(n_top);
  for (size_t i = 0; i < processed_.size(); ++i) {
    const float v = processed_[i];
    if (v == kNegInf) continue;
    if (top.size() == n_top && v <= top.back().second) continue;  // ties keep the lower id
    auto pos = std::upper_bound(
        top.begin(), top.end(), v,
        [](float value, const std::pair<int32_t, float>& e) { return value > e.second; });
    if (top.size() == n_top) top.pop_back();
    top.insert(pos, {static_cast<int32_t>(i), v});
  }
  for (auto& [tid, value] : top) value = static_cast<float>(value - log_z);
}

SampledToken Sampler::Sample(absl::Span<const float> logits, absl::Span<const int32_t> history) {
  Process(logits, history);
  SampledToken out;
  int32_t chosen = -1;
  if (params_.temperature == 0.0f) {
    chosen = Argmax();
  } else {
    Truncate();
    const double u = UniformUnit(rng_);  // one draw per call, whatever the candidates
    if (!candidates_.empty()) chosen = candidates_[DrawIndex(candidates_, u)].id;
  }
  if (chosen < 0) chosen = fallback_id_;
  out.id = chosen;
  FillLogprobs(chosen, &out);
  return out;
}

}  // namespace fleet::engine::sampler
