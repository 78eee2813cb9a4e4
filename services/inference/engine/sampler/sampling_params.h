#pragma once
// The knobs of one request's sampler, and their validation.
//
// The chain a Sampler runs for every token, in this order (docs/engine-sampling-chat.md):
//   1. sanitize: NaN logits read as -inf, +inf as the largest finite float;
//   2. logit_bias: each (id, bias) is added to the logit; a bias <= -100 bans the token (-inf);
//   3. penalties over the last penalty_last_n ids of the history (prompt + generated):
//      repetition (logit > 0 ? logit / p : logit * p, once per distinct id), then
//      logit -= count * frequency_penalty + (count > 0) * presence_penalty;
//   4. logprobs are taken here: log-softmax of these logits (no temperature, no truncation);
//   5. temperature == 0: greedy argmax (ties -> lowest id); the steps below are skipped;
//   6. top-k, 7. softmax with temperature, 8. top-p, 9. min-p, 10. a seeded draw.

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace fleet::engine::sampler {

struct SamplingParams {
  // Divides the logits before the softmax. 0 => greedy (argmax, ties -> lowest id).
  // Valid: [0, 100].
  float temperature = 1.0f;
  // Keep the k most likely tokens (ties at the boundary -> lower ids). 0 = off; a value
  // >= n_vocab keeps everything. Valid: >= 0.
  int32_t top_k = 0;
  // Keep the smallest most-likely set whose probability reaches top_p. 1 = off.
  // Valid: (0, 1].
  float top_p = 1.0f;
  // Drop tokens whose probability is below min_p times the most likely one's. 0 = off.
  // Valid: [0, 1].
  float min_p = 0.0f;
  // llama.cpp/CTRL style: logit > 0 ? logit / p : logit * p, for each distinct id among the
  // last penalty_last_n tokens. 1 = off. Valid: (0, 10].
  float repetition_penalty = 1.0f;
  // OpenAI style: logit -= count * frequency_penalty + (count > 0) * presence_penalty, with
  // count = occurrences among the last penalty_last_n tokens. 0 = off. Valid: [-2, 2] each.
  float frequency_penalty = 0.0f;
  float presence_penalty = 0.0f;
  // How many of the most recent history ids the penalties look at; -1 = the whole history,
  // 0 = none. Valid: >= -1.
  int32_t penalty_last_n = 64;
  // (token id, bias) pairs added to the logits; a bias <= -100 bans the token. The same id
  // may appear more than once (the biases add up). Valid: id in [0, n_vocab), bias finite
  // in [-100, 100] or -infinity; not every token of the vocabulary banned.
  std::vector<std::pair<int32_t, float>> logit_bias;
  // The same seed and the same sequence of Sample inputs give the same tokens.
  uint64_t seed = 0;
  // Report the N most likely tokens with their logprobs. Valid: [0, 20].
  int32_t top_logprobs = 0;
};

// Biases at or below this value ban a token (OpenAI's -100 means "never").
inline constexpr float kBanBias = -100.0f;
inline constexpr int32_t kMaxTopLogprobs = 20;

// OK if every field is in its range for a vocabulary of n_vocab tokens. INVALID_ARGUMENT
// otherwise, naming the field, its range and the value, e.g.
//   "top_p must be in (0, 1], got 1.5"
//   "logit_bias token id 70000 is out of range [0, 32000)"
// INVALID_ARGUMENT also if n_vocab <= 0. Thread-safe (pure function).
absl::Status ValidateSamplingParams(const SamplingParams& params, int32_t n_vocab);

}  // namespace fleet::engine::sampler
