#pragma once
// The steps of the sampling chain that work on a candidate list (after bias and penalties):
// top-k, softmax with temperature, top-p, min-p, and the seeded draw.
//
// Order convention: "most likely first" means logit descending, ties -> lower id first. Every
// step is deterministic. Pure functions over caller-owned vectors; thread-compatible.

#include <cstdint>
#include <random>
#include <vector>

#include "absl/types/span.h"

namespace fleet::engine::sampler {

struct Candidate {
  int32_t id;
  float logit;  // after bias and penalties, before temperature
  float p;      // probability, set by SoftmaxWithTemperature and renormalized by the filters
};

// Replaces `out` with every id whose logit is > -infinity, in id order (p = 0).
void CollectCandidates(absl::Span<const float> logits, std::vector<Candidate>* out);

// Sorts most likely first. The filters below call it when they need the order.
void SortMostLikelyFirst(std::vector<Candidate>* c);

// Keeps the k most likely candidates (sorted most likely first). k <= 0 or k >= size: no-op.
void TopK(int32_t k, std::vector<Candidate>* c);

// p = exp((logit - max_logit) / temperature), normalized to sum to 1. temperature > 0;
// `c` non-empty. Leaves the order unchanged.
void SoftmaxWithTemperature(float temperature, std::vector<Candidate>* c);

// Keeps the shortest most-likely-first prefix whose probabilities add up to >= top_p (at least
// one candidate), sorted most likely first, and renormalizes. top_p >= 1: no-op. Sorts only as
// far as needed (a growing partial sort).
void TopP(float top_p, std::vector<Candidate>* c);

// Keeps the candidates with p >= min_p * (largest p) and renormalizes; order unchanged.
// min_p <= 0: no-op.
void MinP(float min_p, std::vector<Candidate>* c);

// A uniform double in [0, 1) from the top 53 bits of one draw (portable: std::mt19937_64 is
// fully specified, std::uniform_real_distribution is not).
double UniformUnit(std::mt19937_64& rng);

// Walks `c` in order and returns the index where the running sum of p first exceeds
// u * (sum of p); the last index if rounding leaves it short. `c` non-empty; u in [0, 1).
size_t DrawIndex(const std::vector<Candidate>& c, double u);

}  // namespace fleet::engine::sampler
