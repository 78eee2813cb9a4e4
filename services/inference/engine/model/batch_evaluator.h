#pragma once
// BatchEvaluator: evaluates several Sessions' new tokens in ONE forward pass
// (each weight matrix is read once for the whole batch), which is where CPU
// throughput comes from and what continuous batching calls each step. A
// batch mixes prefill chunks and single decode tokens freely.
//
// Each item behaves as session->Eval(tokens, logits, all_positions) would:
// its tokens are appended at the session's n_past() and its logits written;
// greedy decoding gives the same tokens as evaluating each session alone
// (the products do not depend on the batch composition: each output element
// is one dot product of one weight row and one activation row).
//
// Thread safety: Eval is not reentrant (one thread at a time per
// evaluator); the sessions of a batch must not be used elsewhere meanwhile.
// The Model (and kernels, if given) must outlive the evaluator.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/kernels/kernels.h"
#include "services/inference/engine/model/forward.h"
#include "services/inference/engine/model/model.h"
#include "services/inference/engine/model/session.h"

namespace fleet::engine::model {

struct BatchEvaluatorOptions {
  int64_t max_tokens = 512;                   // tokens per Eval, all items together
  int64_t max_sequences = 64;                 // items per Eval
  int threads = 0;                            // of the evaluator's own kernels; 0 = every core
  const kernels::Kernels* kernels = nullptr;  // nullptr = own FastCpuKernels
};

struct BatchItem {
  Session* session = nullptr;  // created on the evaluator's Model
  absl::Span<const int32_t> tokens = {};
  // [tokens.size()][n_vocab] when all_positions, else at least [n_vocab].
  absl::Span<float> logits = {};
  bool all_positions = false;
};

class BatchEvaluator {
 public:
  // INVALID_ARGUMENT for limits < 1, max_sequences > max_tokens, threads < 0.
  static absl::StatusOr<std::unique_ptr<BatchEvaluator>> Create(const Model& model,
                                                                BatchEvaluatorOptions options = {});

  // Evaluates every item. Every item is checked first (Session::Eval's
  // errors, prefixed "item N: "; also a null session, one of another model,
  // the same session twice, more tokens or items than the limits): on any
  // error nothing changes. Kernel errors are passed through; the sessions'
  // n_past() then stay unchanged.
  absl::Status Eval(absl::Span<const BatchItem> items);

  int64_t max_tokens() const { return scratch_.max_tokens(); }
  int64_t max_sequences() const { return scratch_.max_sequences(); }

  BatchEvaluator(const Model& model, std::unique_ptr<kernels::Kernels> own_kernels,
                 const kernels::Kernels* kernels, ForwardScratch scratch);

 private:
  const Model& model_;
  std::unique_ptr<kernels::Kernels> own_kernels_;
  const kernels::Kernels* kernels_;
  ForwardScratch scratch_;
  std::vector<SequenceSlice> slices_;  // reused across calls
};

}  // namespace fleet::engine::model
