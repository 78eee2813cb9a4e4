#include "services/inference/engine/model/session.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/kernels/cpu/cpu_kernels.h"
#include "services/inference/engine/model/forward.h"

namespace fleet::engine::model {

Session::Session(PrivateTag, const Model& model, const kernels::Kernels& kernels, int64_t n_ctx)
    : model_(model), kernels_(kernels), n_ctx_(n_ctx) {}

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
  if (options.threads < 1) {
    return absl::InvalidArgumentError(absl::StrCat("threads ", options.threads, " < 1"));
  }
  const uint64_t per_layer = static_cast<uint64_t>(n_ctx) * static_cast<uint64_t>(c.kv_dim());
  if (per_layer >
      std::numeric_limits<size_t>::max() / sizeof(float) / static_cast<uint64_t>(c.n_layer)) {
    return absl::ResourceExhaustedError(absl::StrCat("a KV cache of ", n_ctx, " positions x ",
                                                     c.n_layer, " layers x ", c.kv_dim(),
                                                     " floats is too large"));
  }
  const kernels::Kernels& kernels =
      options.kernels != nullptr ? *options.kernels : kernels::DefaultKernels();
  auto session = std::make_unique<Session>(PrivateTag(), model, kernels, n_ctx);
  const size_t cache_floats = static_cast<size_t>(per_layer * static_cast<uint64_t>(c.n_layer));
  session->k_cache_.resize(cache_floats);
  session->v_cache_.resize(cache_floats);
  return session;
}

absl::Status Session::Eval(absl::Span<const int32_t> tokens, absl::Span<float> logits,
                           bool all_positions) {
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
  if (logits.size() < static_cast<uint64_t>(rows * c.n_vocab)) {
    return absl::InvalidArgumentError(absl::StrCat("Eval: logits buffer of ", logits.size(),
                                                   " floats is smaller than ", rows, " x ",
                                                   c.n_vocab));
  }
  const KvCacheView cache{
      .k = absl::MakeSpan(k_cache_), .v = absl::MakeSpan(v_cache_), .n_ctx = n_ctx_};
  RETURN_IF_ERROR(Forward(model_, kernels_, cache, n_past_, tokens, all_positions,
                          logits.subspan(0, static_cast<size_t>(rows * c.n_vocab))));
  n_past_ += n_tokens;
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
