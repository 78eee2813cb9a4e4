#pragma once
// The forward pass of the llama-family decoder over one batch of tokens of
// one sequence (see session.h for the formula). Internal to the model
// library: Session is the public entry point.
//
// Thread safety: reads the Model (immutable); writes only `cache` rows
// first_pos .. first_pos + tokens.size() - 1 and `logits`. Callers serialise
// calls on one cache.

#include <cstdint>

#include "absl/status/status.h"
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

// Evaluates `tokens` (ids already checked to be in the vocabulary) at
// positions first_pos.. (first_pos + tokens.size() <= cache.n_ctx), reading
// cache rows 0..first_pos-1 and writing the new ones.
//   logits: [tokens.size()][n_vocab] when all_positions, else [n_vocab].
// Errors: INVALID_ARGUMENT for inconsistent sizes; kernel errors.
absl::Status Forward(const Model& model, const kernels::Kernels& kernels, const KvCacheView& cache,
                     int64_t first_pos, absl::Span<const int32_t> tokens, bool all_positions,
                     absl::Span<float> logits);

}  // namespace fleet::engine::model
