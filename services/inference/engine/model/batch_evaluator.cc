#include "services/inference/engine/model/batch_evaluator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"

namespace fleet::engine::model {

BatchEvaluator::BatchEvaluator(const Model& model, std::unique_ptr<kernels::Kernels> own_kernels,
                               const kernels::Kernels* kernels, ForwardScratch scratch)
    : model_(model),
      own_kernels_(std::move(own_kernels)),
      kernels_(kernels),
      scratch_(std::move(scratch)) {
  slices_.reserve(static_cast<size_t>(scratch_.max_sequences()));
}

absl::StatusOr<std::unique_ptr<BatchEvaluator>> BatchEvaluator::Create(
    const Model& model, BatchEvaluatorOptions options) {
  if (options.threads < 0) {
    return absl::InvalidArgumentError(absl::StrCat("threads ", options.threads, " < 0"));
  }
  ASSIGN_OR_RETURN(
      ForwardScratch scratch,
      ForwardScratch::Create(model.config(), options.max_tokens, options.max_sequences));
  std::unique_ptr<kernels::Kernels> own;
  const kernels::Kernels* kernels = options.kernels;
  if (kernels == nullptr) {
    ASSIGN_OR_RETURN(own, kernels::FastCpuKernels::Create({.threads = options.threads}));
    kernels = own.get();
  }
  return std::make_unique<BatchEvaluator>(model, std::move(own), kernels, std::move(scratch));
}

absl::Status BatchEvaluator::Eval(absl::Span<const BatchItem> items) {
  if (items.empty()) return absl::InvalidArgumentError("batch: no items");
  if (static_cast<int64_t>(items.size()) > max_sequences()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch: ", items.size(), " items exceed the limit of ", max_sequences(), " sequences"));
  }
  int64_t total = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const BatchItem& item = items[i];
    if (item.session == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("batch: item ", i, " has no session"));
    }
    if (&item.session->model() != &model_) {
      return absl::InvalidArgumentError(
          absl::StrCat("batch: item ", i, "'s session belongs to another model"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (items[j].session == item.session) {
        return absl::InvalidArgumentError(
            absl::StrCat("batch: items ", j, " and ", i, " share a session"));
      }
    }
    absl::Status status =
        item.session->CheckEval(item.tokens, item.logits.size(), item.all_positions);
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat("item ", i, ": ", status.message()));
    }
    total += static_cast<int64_t>(item.tokens.size());
  }
  if (total > max_tokens()) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch: ", total, " tokens exceed the limit of ", max_tokens()));
  }
  const size_t n_vocab = static_cast<size_t>(model_.config().n_vocab);
  slices_.clear();
  for (const BatchItem& item : items) {
    const size_t rows = item.all_positions ? item.tokens.size() : 1;
    slices_.push_back(SequenceSlice{.cache = item.session->CacheView(),
                                    .first_pos = item.session->n_past(),
                                    .tokens = item.tokens,
                                    .all_positions = item.all_positions,
                                    .logits = item.logits.subspan(0, rows * n_vocab)});
  }
  RETURN_IF_ERROR(Forward(model_, *kernels_, scratch_, slices_));
  for (const BatchItem& item : items) {
    item.session->n_past_ += static_cast<int64_t>(item.tokens.size());
  }
  return absl::OkStatus();
}

}  // namespace fleet::engine::model
