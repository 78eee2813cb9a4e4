#pragma once
// STABLE API: Session is the interface the rest of the engine (scheduler,
// reference-forward comparison tests, the inference service) builds on. Keep
// its declarations source-compatible; extend by adding, not by changing.
//
// Session: the state of one sequence being evaluated on a Model: its own KV
// cache and position. Eval appends tokens at the current position, runs the
// forward pass and writes logits.
//
// Forward pass (llama's order; n() is RMSNorm with the layer's weight):
//   x = token_embd[tokens]
//   per layer:  h = x + Wo . attn(rope(Wq n(x) + bq), rope(Wk n(x) + bk), Wv n(x) + bv)
//               x = h + Wdown . (silu(Wgate n(h)) * Wup n(h))
//   logits = Wout . (rmsnorm(x) * output_norm)
// with causal grouped-query attention, scale 1/sqrt(head_dim), softmax in
// float, rope at absolute positions n_past .. n_past + n_tokens - 1.
//
// KV cache: float, K and V each [n_layer][n_ctx][kv_dim], allocated at
// Create (2 * n_layer * n_ctx * kv_dim * 4 bytes). The activation buffers
// (ForwardScratch, for max_batch_tokens tokens) and, without
// SessionOptions::kernels, the session's own kernels::FastCpuKernels (and so
// its threads) are created by the first Eval and reused: a Session that is
// only evaluated through a BatchEvaluator (batch_evaluator.h) has neither.
// Eval splits a prompt longer than max_batch_tokens into chunks.
//
// Thread safety: a Session is used by one thread at a time (not internally
// synchronised). Sessions sharing one Model may run concurrently. The Model
// (and the Kernels, if given) must outlive the Session. Eval blocks for the
// whole forward pass.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/kernels/kernels.h"
#include "services/inference/engine/model/forward.h"
#include "services/inference/engine/model/model.h"

namespace fleet::engine::model {

inline constexpr int64_t kDefaultContext = 4096;

struct SessionOptions {
  // Context length (KV cache positions). 0 = min(n_ctx_train,
  // kDefaultContext): the cache is allocated up front, and a model's training
  // context (128k for Llama 3.1) is rarely what one sequence needs.
  int64_t n_ctx = 0;
  // Allow n_ctx > n_ctx_train (quality degrades past the training context).
  bool allow_exceeding_train_context = false;
  // Threads of the session's own kernels (the calling thread included);
  // 0 = every core. Ignored when `kernels` is given.
  int threads = 0;
  // The op implementation; nullptr = the session's own
  // kernels::FastCpuKernels. kernels::DefaultKernels() is the reference.
  const kernels::Kernels* kernels = nullptr;
  // Tokens per forward pass: longer prompts are evaluated in chunks. >= 1.
  int64_t max_batch_tokens = 512;
};

class Session {
 public:
  // Errors: INVALID_ARGUMENT for n_ctx < 0 or > 2^31 - 1, n_ctx >
  // n_ctx_train without allow_exceeding_train_context, threads < 0,
  // max_batch_tokens < 1;
  // RESOURCE_EXHAUSTED when the KV cache size overflows size_t.
  static absl::StatusOr<std::unique_ptr<Session>> Create(const Model& model,
                                                         SessionOptions options = {});

  // Appends `tokens` at position n_past() and evaluates them.
  //   all_positions = true:  logits: [tokens.size()][n_vocab] (row t = after token t)
  //   all_positions = false: logits: [n_vocab] (after the last token)
  // `logits` may be larger; only the leading rows are written.
  // On OK, n_past() grows by tokens.size(). On error nothing observable
  // changes (n_past() is unchanged; cache rows past it are never read),
  // except after a kernel error in a chunked prompt, where n_past() counts
  // the chunks that completed.
  // Errors (INVALID_ARGUMENT): empty `tokens`; a token id outside
  // 0..n_vocab-1 ("token #3 has id 70000, outside the vocabulary of 32000");
  // n_past() + tokens.size() > n_ctx() ("prompt of N tokens exceeds the
  // context of M", N counting the tokens already in the cache); `logits`
  // too small. Kernel errors are passed through.
  absl::Status Eval(absl::Span<const int32_t> tokens, absl::Span<float> logits,
                    bool all_positions = false);

  // Forgets every position (n_past() becomes 0). The cache is kept allocated.
  void Reset() { n_past_ = 0; }

  // Keeps positions 0..n_past-1 (a common prefix for reuse) and forgets the
  // rest. INVALID_ARGUMENT unless 0 <= n_past <= n_past().
  absl::Status Truncate(int64_t n_past);

  int64_t n_past() const { return n_past_; }
  int64_t n_ctx() const { return n_ctx_; }
  const Model& model() const { return model_; }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Only Create constructs (the tag is private); public for make_unique.
  Session(PrivateTag, const Model& model, const SessionOptions& options, int64_t n_ctx);
  ~Session();

 private:
  friend class BatchEvaluator;

  // Eval's checks (token ids, context room, logits size), also used by
  // BatchEvaluator; the errors are Eval's.
  absl::Status CheckEval(absl::Span<const int32_t> tokens, size_t logits_size,
                         bool all_positions) const;
  // The cache as a Forward input.
  KvCacheView CacheView();
  // Creates the kernels (unless given) and the scratch on first use.
  absl::Status EnsureEvaluator();

  const Model& model_;
  const SessionOptions options_;
  int64_t n_ctx_;
  int64_t n_past_ = 0;
  std::unique_ptr<kernels::Kernels> own_kernels_;
  const kernels::Kernels* kernels_ = nullptr;
  std::unique_ptr<ForwardScratch> scratch_;
  std::vector<float> k_cache_;  // [n_layer][n_ctx][kv_dim]
  std::vector<float> v_cache_;  // [n_layer][n_ctx][kv_dim]
};

}  // namespace fleet::engine::model
