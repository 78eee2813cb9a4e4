#pragma once
// Picks the next token from a row of logits: the sampling chain of one sequence.
//
// Chain, in order (details in sampling_params.h and docs/engine-sampling-chat.md):
//   sanitize (NaN -> -inf, +inf -> FLT_MAX) -> logit bias -> penalties
//   -> [logprobs are taken here: log-softmax of these logits, before temperature/truncation]
//   -> temperature == 0: greedy argmax, ties -> lowest id
//      otherwise: top-k -> softmax with temperature -> top-p -> min-p -> seeded draw.
//
// Determinism: the PRNG is a std::mt19937_64 seeded from SamplingParams::seed and advanced by
// exactly one draw per non-greedy Sample call, so the same seed and the same sequence of
// (logits, history) inputs give the same tokens on every platform.
//
// Degenerate input: if no token has a logit above -infinity after bias and penalties (all NaN,
// all -inf), Sample returns the lowest id not banned by logit_bias, with logprob -infinity.
//
// Thread safety: a Sampler is owned by one sequence; calls need exclusive access. Buffers are
// sized at Create and reused, so Sample does not allocate after the first few calls.

#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/sampler/logit_processing.h"
#include "services/inference/engine/sampler/sampling_params.h"
#include "services/inference/engine/sampler/truncation.h"

namespace fleet::engine::sampler {

struct SampledToken {
  int32_t id = 0;
  // Log-probability of `id` under the log-softmax of the biased, penalized logits (no
  // temperature, no truncation), like OpenAI's logprobs. -infinity for a banned token.
  float logprob = 0.0f;
  // The top_logprobs most likely tokens under the same distribution, most likely first (ties ->
  // lower id); only tokens with a finite logprob, so it may be shorter than top_logprobs.
  std::vector<std::pair<int32_t, float>> top;
};

class Sampler {
 public:
  // INVALID_ARGUMENT as ValidateSamplingParams.
  static absl::StatusOr<std::unique_ptr<Sampler>> Create(const SamplingParams& params,
                                                         int32_t n_vocab);

  // logits: the n_vocab logits of the next position (entries past n_vocab are ignored, missing
  // ones read as -infinity); history: prompt + generated ids so far (for the penalties).
  SampledToken Sample(absl::Span<const float> logits, absl::Span<const int32_t> history);

  // The candidate set the draw would choose from for these inputs (after min-p, probabilities
  // summing to 1), in draw order; for temperature 0 the single argmax with p = 1; empty if no
  // token has a finite logit. Does not advance the PRNG. The reference is valid until the next
  // call on this Sampler. For tests and diagnostics.
  const std::vector<Candidate>& Candidates(absl::Span<const float> logits,
                                           absl::Span<const int32_t> history);

  const SamplingParams& params() const { return params_; }
  int32_t n_vocab() const { return n_vocab_; }

 private:
  Sampler(const SamplingParams& params, int32_t n_vocab);

  // Steps up to the logprobs point: fills processed_.
  void Process(absl::Span<const float> logits, absl::Span<const int32_t> history);
  // Greedy pick over processed_ (ties -> lowest id); -1 if nothing is finite.
  int32_t Argmax() const;
  // The non-greedy steps over processed_: fills candidates_.
  void Truncate();
  void FillLogprobs(int32_t id, SampledToken* out) const;

  SamplingParams params_;
  int32_t n_vocab_;
  int32_t fallback_id_;  // lowest id not banned by logit_bias
  std::mt19937_64 rng_;
  std::vector<float> processed_;
  std::vector<Candidate> candidates_;
  PenaltyScratch penalty_scratch_;
};

}  // namespace fleet::engine::sampler
