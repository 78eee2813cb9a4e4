#pragma once
// The forward pass of the llama-family decoder over one batch: the tokens of
// one or more sequences, each at its own positions with its own KV cache,
// evaluated in one pass over the weights (see session.h for the formula).
// Every matrix product runs on all the batch's tokens at once; attention runs
// per sequence on that sequence's cache. Internal to the model library:
// Session and BatchEvaluator are the public entry points.
//
// Thread safety: reads the Model (immutable); writes the scratch, each
// sequence's cache rows first_pos .. first_pos + tokens.size() - 1 and its
// logits. Callers serialise calls on one scratch and on one cache.

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/kernels/kernels.h"
#include "services/inference/engine/model/model.h"

namespace fleet::engine::model {

// K and V caches of one sequence, each [n_layer][n_ctx][kv_dim].
struct KvCacheView {
  absl::Span<float> k = {};
  absl::Span<float> v = {};
  int64_t n_ctx = 0;
};

// One sequence's part of a batch.
struct SequenceSlice {
  KvCacheView cache;
  int64_t first_pos = 0;                  // tokens go to positions first_pos..
  absl::Span<const int32_t> tokens = {};  // ids already checked against n_vocab
  bool all_positions = false;
  // [tokens.size()][n_vocab] when all_positions, else [n_vocab].
  absl::Span<float> logits = {};
};

// The activation buffers of a forward pass, allocated once for batches of up
// to max_tokens tokens from up to max_sequences sequences (the token path
// then allocates nothing).
class ForwardScratch {
 public:
  // INVALID_ARGUMENT unless max_tokens >= 1 and 1 <= max_sequences <=
  // max_tokens; RESOURCE_EXHAUSTED when the buffers would not fit size_t.
  static absl::StatusOr<ForwardScratch> Create(const ModelConfig& config, int64_t max_tokens,
                                               int64_t max_sequences);

  int64_t max_tokens() const { return max_tokens_; }
  int64_t max_sequences() const { return max_sequences_; }

 private:
  friend absl::Status Forward(const Model&, const kernels::Kernels&, ForwardScratch&,
                              absl::Span<const SequenceSlice>);
  int64_t max_tokens_ = 0;
  int64_t max_sequences_ = 0;
  std::vector<float> x_, xn_, q_, k_, v_, attn_, proj_, gate_, up_;  // [max_tokens][...]
  std::vector<float> last_logits_;                                   // [max_sequences][n_vocab]
  std::vector<int32_t> positions_;                                   // [max_tokens]
};

// Evaluates every slice in one pass. Errors (INVALID_ARGUMENT, nothing
// written): no slices, an empty slice, more tokens or sequences than the
// scratch holds, a slice that does not fit its cache, wrong cache or logits
// sizes. Kernel errors are passed through (caches and logits may then hold
// partial results, at positions the caller has not committed).
absl::Status Forward(const Model& model, const kernels::Kernels& kernels, ForwardScratch& scratch,
                     absl::Span<const SequenceSlice> slices);

}  // namespace fleet::engine::model
