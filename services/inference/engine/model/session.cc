#include "services/inference/engine/model/session.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"

namespace fleet::engine::model {

Session::Session(PrivateTag, const Model& model, const SessionOptions& options, int64_t n_ctx)
    : model_(model), options_(options), n_ctx_(n_ctx), kernels_(options.kernels) {}

Session::~Session() = default;

absl::StatusOr<std::unique_ptr<Session>> Session::Create(const Model& model,
                                                         SessionOptions options) {
  const ModelConfig& c = model.config();
  int64_t n_ctx = options.n_ctx;
  if (n_ctx < 0 || n_ctx > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("context length ", n_ctx, " is outside 0..",
                                                   std::numeric_limits<int32_t>::max()));
  }
  if (n_ctx == 0) n_ctx = std::min(c.n_ctx_train, kDefaultContext);
  if (n_ctx > c.n_ctx_train && !options.allow_exceeding_train_context) {
    return absl::InvalidArgumentError(absl::StrCat(
        "context length ", n_ctx, " exceeds the model's training context ", c.n_ctx_train));
  }
  if (options.threads < 0) {
    return absl::InvalidArgumentError(absl::StrCat("threads ", options.threads, " < 0"));
  }
  if (options.max_batch_tokens < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_batch_tokens ", options.max_batch_tokens, " < 1"));
  }
  const uint64_t per_layer = static_cast<uint64_t>(n_ctx) * static_cast<uint64_t>(c.kv_dim());
  if (per_layer >
      std::numeric_limits<size_t>::max() / sizeof(float) / static_cast<uint64_t>(c.n_layer)) {
    return absl::ResourceExhaustedError(absl::StrCat("a KV cache of ", n_ctx, " positions x ",
                                                     c.n_layer, " layers x ", c.kv_dim(),
                                                     " floats is too large"));
  }
  auto session = std::make_unique<Session>(PrivateTag(), model, options, n_ctx);
  const size_t cache_floats = static_cast<size_t>(per_layer * static_cast<uint64_t>(c.n_layer));
  session->k_cache_.resize(cache_floats);
  session->v_cache_.resize(cache_floats);
  return session;
}

absl::Status Session::CheckEval(absl::Span<const int32_t> tokens, size_t logits_size,
                                bool all_positions) const {
  const ModelConfig& c = model_.config();
  if (tokens.empty()) return absl::InvalidArgumentError("Eval: no tokens to evaluate");
  for (size_t t = 0; t < tokens.size(); ++t) {
    if (tokens[t] < 0 || tokens[t] >= c.n_vocab) {
      return absl::InvalidArgumentError(absl::StrCat("token #", t, " has id ", tokens[t],
                                                     ", outside the vocabulary of ", c.n_vocab));
    }
  }
  const int64_t n_tokens = static_cast<int64_t>(tokens.size());
  if (n_tokens > n_ctx_ - n_past_) {
    return absl::InvalidArgumentError(
        absl::StrCat("prompt of ", n_past_ + n_tokens, " tokens exceeds the context of ", n_ctx_));
  }
  const int64_t rows = all_positions ? n_tokens : 1;
  if (logits_size < static_cast<uint64_t>(rows * c.n_vocab)) {
    return absl::InvalidArgumentError(absl::StrCat("Eval: logits buffer of ", logits_size,
                                                   " floats is smaller than ", rows, " x ",
                                                   c.n_vocab));
  }
  return absl::OkStatus();
}

KvCacheView Session::CacheView() {
  return KvCacheView{.k = absl::MakeSpan(k_cache_), .v = absl::MakeSpan(v_cache_), .n_ctx = n_ctx_};
}

absl::Status Session::EnsureEvaluator() {
  if (kernels_ == nullptr) {
    ASSIGN_OR_RETURN(own_kernels_, kernels::FastCpuKernels::Create({.threads = options_.threads}));
    kernels_ = own_kernels_.get();
  }
  if (scratch_ == nullptr) {
    ASSIGN_OR_RETURN(
        ForwardScratch scratch,
        ForwardScratch::Create(model_.config(), std::min(options_.max_batch_tokens, n_ctx_), 1));
    scratch_ = std::make_unique<ForwardScratch>(std::move(scratch));
  }
  return absl::OkStatus();
}

absl::Status Session::Eval(absl::Span<const int32_t> tokens, absl::Span<float> logits,
                           bool all_positions) {
  RETURN_IF_ERROR(CheckEval(tokens, logits.size(), all_positions));
  RETURN_IF_ERROR(EnsureEvaluator());
  const size_t n_vocab = static_cast<size_t>(model_.config().n_vocab);
  const size_t chunk = static_cast<size_t>(scratch_->max_tokens());
  for (size_t begin = 0; begin < tokens.size(); begin += chunk) {
    const size_t count = std::min(chunk, tokens.size() - begin);
    // Without all_positions every chunk writes the one logits row; the last
    // chunk's is the answer.
    const SequenceSlice slice{.cache = CacheView(),
                              .first_pos = n_past_,
                              .tokens = tokens.subspan(begin, count),
                              .all_positions = all_positions,
                              .logits = all_positions
                                            ? logits.subspan(begin * n_vocab, count * n_vocab)
                                            : logits.subspan(0, n_vocab)};
    RETURN_IF_ERROR(Forward(model_, *kernels_, *scratch_, absl::MakeConstSpan(&slice, 1)));
    n_past_ += static_cast<int64_t>(count);
  }
  return absl::OkStatus();
}

absl::Status Session::Truncate(int64_t n_past) {
  if (n_past < 0 || n_past > n_past_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot truncate to ", n_past, " positions: the session holds ", n_past_));
  }
  n_past_ = n_past;
  return absl::OkStatus();
}

}  // namespace fleet::engine::model
