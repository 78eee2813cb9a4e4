#include "services/inference/engine/sampler/truncation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fleet::engine::sampler {
namespace {

bool MoreLikely(const Candidate& a, const Candidate& b) {
  if (a.logit != b.logit) return a.logit > b.logit;
  return a.id < b.id;
}

void Renormalize(std::vector<Candidate>* c) {
  double sum = 0.0;
  for (const Candidate& x : *c) sum += x.p;
  if (sum <= 0.0) return;
  for (Candidate& x : *c) x.p = static_cast<float>(x.p / sum);
}

}  // namespace

void CollectCandidates(absl::Span<const float> logits, std::vector<Candidate>* out) {
  out->clear();
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < logits.size(); ++i) {
    if (logits[i] > kNegInf) out->push_back({static_cast<int32_t>(i), logits[i], 0.0f});
  }
}

void SortMostLikelyFirst(std::vector<Candidate>* c) {
  if (!std::is_sorted(c->begin(), c->end(), MoreLikely)) {
    std::sort(c->begin(), c->end(), MoreLikely);
  }
}

void TopK(int32_t k, std::vector<Candidate>* c) {
  if (k <= 0 || static_cast<size_t>(k) >= c->size()) return;
  std::partial_sort(c->begin(), c->begin() + k, c->end(), MoreLikely);
  c->resize(static_cast<size_t>(k));
}

void SoftmaxWithTemperature(float temperature, std::vector<Candidate>* c) {
  if (c->empty()) return;
  float max_logit = c->front().logit;
  for (const Candidate& x : *c) max_logit = std::max(max_logit, x.logit);
  double sum = 0.0;
  for (Candidate& x : *c) {
    // Subtract before dividing: both are finite, so the exponent is <= 0 and never NaN.
    const double e = std::exp((static_cast<double>(x.logit) - max_logit) / temperature);
    x.p = static_cast<float>(e);
    sum += e;
  }
  for (Candidate& x : *c) x.p = static_cast<float>(x.p / sum);
}

void TopP(float top_p, std::vector<Candidate>* c) {
  if (top_p >= 1.0f || c->empty()) return;
  // Sort only as much as needed: the nucleus is usually a small head of a large vocabulary, so
  // partially sort a growing prefix (O(n log k)) instead of the whole list.
  const bool sorted = std::is_sorted(c->begin(), c->end(), MoreLikely);
  size_t sorted_len = sorted ? c->size() : 0;
  double cumulative = 0.0;
  size_t i = 0;
  for (size_t want = std::min<size_t>(c->size(), 256);; want = std::min(c->size(), want * 4)) {
    if (sorted_len < want) {
      std::partial_sort(c->begin() + static_cast<ptrdiff_t>(sorted_len),
                        c->begin() + static_cast<ptrdiff_t>(want), c->end(), MoreLikely);
      sorted_len = want;
    }
    for (; i < want; ++i) {
      cumulative += (*c)[i].p;
      if (cumulative >= top_p) {
        c->resize(i + 1);
        Renormalize(c);
        return;
      }
    }
    if (want == c->size()) return;  // rounding: the whole list is the nucleus
  }
}

void MinP(float min_p, std::vector<Candidate>* c) {
  if (min_p <= 0.0f || c->empty()) return;
  float max_p = 0.0f;
  for (const Candidate& x : *c) max_p = std::max(max_p, x.p);
  const float threshold = min_p * max_p;
  std::erase_if(*c, [threshold](const Candidate& x) { return x.p < threshold; });
  Renormalize(c);
}

double UniformUnit(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

size_t DrawIndex(const std::vector<Candidate>& c, double u) {
  double total = 0.0;
  for (const Candidate& x : c) total += x.p;
  const double target = u * total;
  double cumulative = 0.0;
  for (size_t i = 0; i < c.size(); ++i) {
    cumulative += c[i].p;
    if (cumulative > target) return i;
  }
  // Rounding left the walk short: the last candidate that has any probability.
  for (size_t i = c.size(); i-- > 0;) {
    if (c[i].p > 0.0f) return i;
  }
  return c.size() - 1;
}

}  // namespace fleet::engine::sampler
