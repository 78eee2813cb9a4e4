// BatchEvaluator: several sessions in one forward pass give what each gives
// alone (greedy tokens identical, logits equal to float rounding), mixing
// prefill chunks and decode steps; every bad batch is refused whole.
#include "services/inference/engine/model/batch_evaluator.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"
#include "services/inference/engine/model/session.h"
#include "tests/services/inference/engine/model/tiny_model.h"

namespace fleet::engine::model {
namespace {

using ::testing::HasSubstr;
using testing::LoadedModel;
using testing::LoadTiny;
using testing::TinyModel;
using testing::TinyOptions;

int32_t ArgMax(absl::Span<const float> logits) {
  return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

std::unique_ptr<Session> NewSession(const Model& model, const kernels::Kernels* k) {
  absl::StatusOr<std::unique_ptr<Session>> s = Session::Create(model, {.kernels = k});
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

// Greedy continuation of `prompt` by one session alone.
std::vector<int32_t> GreedyAlone(const Model& model, const kernels::Kernels* k,
                                 const std::vector<int32_t>& prompt, int steps,
                                 std::vector<std::vector<float>>* logits_per_step) {
  std::unique_ptr<Session> s = NewSession(model, k);
  std::vector<float> logits(static_cast<size_t>(model.config().n_vocab));
  EXPECT_TRUE(s->Eval(prompt, absl::MakeSpan(logits)).ok());
  std::vector<int32_t> out;
  for (int i = 0; i < steps; ++i) {
    logits_per_step->push_back(logits);
    out.push_back(ArgMax(logits));
    EXPECT_TRUE(s->Eval({out.back()}, absl::MakeSpan(logits)).ok());
  }
  return out;
}

class BatchEvaluatorTest : public ::testing::TestWithParam<gguf::GgmlType> {};

// Four sequences with different prompt lengths start at different steps:
// each step's batch mixes one sequence's prefill with the others' decode
// tokens, as continuous batching does.
TEST_P(BatchEvaluatorTest, MixedBatchesMatchEachSequenceAlone) {
  TinyOptions options;
  options.n_embd = GetParam() == gguf::GgmlType::kQ4_K ? 256 : 64;
  options.n_ff = options.n_embd * 2;
  options.n_vocab = 48;
  options.matrix_type = GetParam();
  absl::StatusOr<LoadedModel> loaded = LoadTiny(TinyModel(options));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Model& model = *loaded->model;
  absl::StatusOr<std::unique_ptr<kernels::FastCpuKernels>> k =
      kernels::FastCpuKernels::Create({.threads = 2});
  ASSERT_TRUE(k.ok()) << k.status();

  const std::vector<std::vector<int32_t>> prompts = {
      {1, 2, 3}, {7}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11}, {40, 41}};
  const int steps = 6;
  std::vector<std::vector<int32_t>> alone(prompts.size());
  std::vector<std::vector<std::vector<float>>> alone_logits(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) {
    alone[i] = GreedyAlone(model, k->get(), prompts[i], steps, &alone_logits[i]);
  }

  absl::StatusOr<std::unique_ptr<BatchEvaluator>> batch =
      BatchEvaluator::Create(model, {.max_tokens = 32, .max_sequences = 4, .kernels = k->get()});
  ASSERT_TRUE(batch.ok()) << batch.status();
  const size_t n_vocab = static_cast<size_t>(model.config().n_vocab);
  std::vector<std::unique_ptr<Session>> sessions;
  std::vector<std::vector<float>> logits(prompts.size(), std::vector<float>(n_vocab));
  std::vector<std::vector<int32_t>> got(prompts.size());
  std::vector<int32_t> next(prompts.size());
  for (size_t i = 0; i < prompts.size(); ++i) sessions.push_back(NewSession(model, nullptr));
  // Sequence i joins at step i (its prefill), then decodes.
  for (int step = 0; step < steps + static_cast<int>(prompts.size()); ++step) {
    std::vector<BatchItem> items;
    for (size_t i = 0; i < prompts.size(); ++i) {
      const int age = step - static_cast<int>(i);
      if (age < 0 || got[i].size() == static_cast<size_t>(steps)) continue;
      if (age == 0) {
        items.push_back({.session = sessions[i].get(),
                         .tokens = prompts[i],
                         .logits = absl::MakeSpan(logits[i])});
      } else {
        items.push_back({.session = sessions[i].get(),
                         .tokens = absl::MakeConstSpan(&next[i], 1),
                         .logits = absl::MakeSpan(logits[i])});
      }
    }
    if (items.empty()) continue;
    ASSERT_TRUE((*batch)->Eval(items).ok()) << "step " << step;
    for (const BatchItem& item : items) {
      const size_t i =
          static_cast<size_t>(std::find_if(sessions.begin(), sessions.end(),
                                           [&](const auto& s) { return s.get() == item.session; }) -
                              sessions.begin());
      const std::vector<float>& want = alone_logits[i][got[i].size()];
      for (size_t v = 0; v < n_vocab; ++v) {
        ASSERT_NEAR(logits[i][v], want[v], 1e-4 * (1 + std::abs(want[v])))
            << "sequence " << i << " step " << got[i].size() << " token " << v;
      }
      next[i] = ArgMax(logits[i]);
      got[i].push_back(next[i]);
    }
  }
  for (size_t i = 0; i < prompts.size(); ++i) {
    EXPECT_EQ(got[i], alone[i]) << "sequence " << i;
    EXPECT_EQ(sessions[i]->n_past(), static_cast<int64_t>(prompts[i].size()) + steps - 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Types, BatchEvaluatorTest,
                         ::testing::Values(gguf::GgmlType::kF32, gguf::GgmlType::kQ8_0,
                                           gguf::GgmlType::kQ4_K));

TEST(BatchEvaluatorErrors, BadBatchesChangeNothing) {
  absl::StatusOr<LoadedModel> loaded = LoadTiny(TinyModel(TinyOptions{}));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  absl::StatusOr<LoadedModel> other = LoadTiny(TinyModel(TinyOptions{}));
  ASSERT_TRUE(other.ok()) << other.status();
  const Model& model = *loaded->model;
  absl::StatusOr<std::unique_ptr<BatchEvaluator>> batch =
      BatchEvaluator::Create(model, {.max_tokens = 4, .max_sequences = 2, .threads = 1});
  ASSERT_TRUE(batch.ok()) << batch.status();
  std::unique_ptr<Session> a = NewSession(model, nullptr);
  std::unique_ptr<Session> b = NewSession(model, nullptr);
  std::unique_ptr<Session> foreign = NewSession(*other->model, nullptr);
  std::vector<float> la(40), lb(40), small(10);
  const std::vector<int32_t> one = {1}, three = {1, 2, 3}, bad_id = {1, 40};

  const auto expect_error = [&](std::vector<BatchItem> items, const std::string& message) {
    absl::Status status = (*batch)->Eval(items);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << message;
    EXPECT_THAT(status.message(), HasSubstr(message));
    EXPECT_EQ(a->n_past(), 0);
    EXPECT_EQ(b->n_past(), 0);
  };
  expect_error({}, "no items");
  expect_error({{.session = nullptr, .tokens = one, .logits = absl::MakeSpan(la)}}, "no session");
  expect_error({{.session = foreign.get(), .tokens = one, .logits = absl::MakeSpan(la)}},
               "another model");
  expect_error({{.session = a.get(), .tokens = one, .logits = absl::MakeSpan(la)},
                {.session = a.get(), .tokens = one, .logits = absl::MakeSpan(lb)}},
               "share a session");
  expect_error({{.session = a.get(), .tokens = bad_id, .logits = absl::MakeSpan(la)}},
               "item 0: token #1 has id 40, outside the vocabulary of 40");
  expect_error({{.session = a.get(), .tokens = one, .logits = absl::MakeSpan(la)},
                {.session = b.get(), .tokens = one, .logits = absl::MakeSpan(small)}},
               "item 1: Eval: logits buffer of 10 floats");
  expect_error({{.session = a.get(), .tokens = three, .logits = absl::MakeSpan(la)},
                {.session = b.get(), .tokens = three, .logits = absl::MakeSpan(lb)}},
               "6 tokens exceed the limit of 4");
  EXPECT_EQ(BatchEvaluator::Create(model, {.max_tokens = 2, .max_sequences = 3}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A good batch still works after the refusals.
  EXPECT_TRUE((*batch)
                  ->Eval({{.session = a.get(), .tokens = three, .logits = absl::MakeSpan(la)},
                          {.session = b.get(), .tokens = one, .logits = absl::MakeSpan(lb)}})
                  .ok());
  EXPECT_EQ(a->n_past(), 3);
  EXPECT_EQ(b->n_past(), 1);
}

}  // namespace
}  // namespace fleet::engine::model
