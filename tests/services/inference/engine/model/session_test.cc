// The forward pass on tiny models: predictable logits, incremental equals
// batched evaluation, prefix reuse, and the Eval/Create errors.
#include "services/inference/engine/model/session.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/kernels/cpu/cpu_kernels.h"
#include "tests/services/inference/engine/model/tiny_model.h"

namespace fleet::engine::model {
namespace {

using gguf::GgmlType;
using ::testing::HasSubstr;
using testing::LoadedModel;
using testing::LoadTiny;
using testing::TinyModel;
using testing::TinyOptions;

LoadedModel MustLoad(const TinyModel& tiny) {
  absl::StatusOr<LoadedModel> loaded = LoadTiny(tiny);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return loaded.ok() ? *std::move(loaded) : LoadedModel{};
}

std::unique_ptr<Session> MustCreate(const Model& model, SessionOptions options = {}) {
  absl::StatusOr<std::unique_ptr<Session>> session = Session::Create(model, options);
  EXPECT_TRUE(session.ok()) << session.status();
  return session.ok() ? *std::move(session) : nullptr;
}

// Logits of all positions of `tokens`, evaluated in one batch.
std::vector<float> EvalAll(Session& session, const std::vector<int32_t>& tokens) {
  std::vector<float> logits(tokens.size() * session.model().config().n_vocab);
  absl::Status s = session.Eval(tokens, absl::MakeSpan(logits), true);
  EXPECT_TRUE(s.ok()) << s;
  return logits;
}

void SetIdentity(testing::TinyTensor& t) {  // rows o, columns i: 1 where o == i
  for (uint64_t o = 0; o < t.dims[1]; ++o) {
    for (uint64_t i = 0; i < t.dims[0]; ++i) t.values[o * t.dims[0] + i] = o == i ? 1.0f : 0.0f;
  }
}

void Fill(testing::TinyTensor& t, float value) {
  for (float& v : t.values) v = value;
}

// Embeddings are one-hot rows, both blocks write zeros into the residual
// stream, output is tied: the logits after token t are
// rmsnorm(e_t) . e_j = [t == j] / sqrt(1/n_embd + eps) (output_norm = 1).
TEST(SessionTest, OneHotModelWithZeroBlocksPredictsItsInput) {
  TinyOptions o;
  o.n_vocab = 32;
  o.n_embd = 32;
  o.tied_output = true;
  TinyModel tiny(o);
  SetIdentity(tiny.tensor("token_embd.weight"));
  Fill(tiny.tensor("output_norm.weight"), 1.0f);
  for (int l = 0; l < 2; ++l) {
    Fill(tiny.tensor("blk." + std::to_string(l) + ".attn_output.weight"), 0.0f);
    Fill(tiny.tensor("blk." + std::to_string(l) + ".ffn_down.weight"), 0.0f);
  }
  LoadedModel loaded = MustLoad(tiny);
  ASSERT_NE(loaded.model, nullptr);
  std::unique_ptr<Session> session = MustCreate(*loaded.model);
  const std::vector<int32_t> tokens = {3, 17, 0, 31, 17};
  const std::vector<float> logits = EvalAll(*session, tokens);
  const double peak = 1.0 / std::sqrt(1.0 / 32 + 1e-5);
  for (size_t t = 0; t < tokens.size(); ++t) {
    for (int j = 0; j < 32; ++j) {
      EXPECT_NEAR(logits[t * 32 + j], j == tokens[t] ? peak : 0.0, 1e-5)
          << "position " << t << " logit " << j;
    }
  }
  EXPECT_EQ(session->n_past(), 5);
}

// One head attending with q = 0 averages the values of every position seen
// so far (causal mean); with Wv = Wo = identity and no FFN the logits are
// predictable: x_p = e_p + mean_{j<=p}(s e_j + bv), logits = rmsnorm(x_p).
void CheckCausalMean(const std::string& arch) {
  SCOPED_TRACE(arch);
  TinyOptions o;
  o.arch = arch;
  o.qkv_bias = arch == "qwen2";
  o.n_vocab = 16;
  o.n_embd = 16;
  o.n_head = 1;
  o.n_head_kv = 1;
  o.n_layer = 1;
  o.tied_output = true;
  TinyModel tiny(o);
  SetIdentity(tiny.tensor("token_embd.weight"));
  Fill(tiny.tensor("output_norm.weight"), 1.0f);
  Fill(tiny.tensor("blk.0.attn_norm.weight"), 1.0f);
  Fill(tiny.tensor("blk.0.attn_q.weight"), 0.0f);
  SetIdentity(tiny.tensor("blk.0.attn_v.weight"));
  SetIdentity(tiny.tensor("blk.0.attn_output.weight"));
  Fill(tiny.tensor("blk.0.ffn_down.weight"), 0.0f);
  std::vector<float> bv(16, 0.0f);
  if (o.qkv_bias) {
    Fill(tiny.tensor("blk.0.attn_q.bias"), 0.0f);  // keeps q = 0; bk stays random
    bv = tiny.tensor("blk.0.attn_v.bias").values;
  }
  LoadedModel loaded = MustLoad(tiny);
  ASSERT_NE(loaded.model, nullptr);
  std::unique_ptr<Session> session = MustCreate(*loaded.model);
  const std::vector<int32_t> tokens = {2, 9, 9, 14, 0, 5};
  const std::vector<float> logits = EvalAll(*session, tokens);

  const double eps = 1e-5;
  const double s = 1.0 / std::sqrt(1.0 / 16 + eps);  // rmsnorm of a one-hot row
  std::vector<double> sum(16, 0.0);
  for (size_t p = 0; p < tokens.size(); ++p) {
    sum[tokens[p]] += s;
    std::vector<double> x(16);
    double sq = 0;
    for (int i = 0; i < 16; ++i) {
      x[i] = (i == tokens[p] ? 1.0 : 0.0) + sum[i] / (p + 1) + bv[i];
      sq += x[i] * x[i];
    }
    const double norm = 1.0 / std::sqrt(sq / 16 + eps);
    for (int j = 0; j < 16; ++j) {
      EXPECT_NEAR(logits[p * 16 + j], x[j] * norm, 1e-5) << "position " << p << " logit " << j;
    }
  }
}

TEST(SessionTest, UniformAttentionAveragesThePrefixLlama) { CheckCausalMean("llama"); }
TEST(SessionTest, UniformAttentionAveragesThePrefixQwen2) { CheckCausalMean("qwen2"); }

struct Variant {
  std::string name;
  TinyOptions options;
};

std::vector<Variant> Variants() {
  std::vector<Variant> v;
  v.push_back({"llama f32 gqa rope_freqs", {}});
  v.back().options.rope_freqs = true;
  v.push_back({"qwen2 biases tied", {}});
  v.back().options.arch = "qwen2";
  v.back().options.qkv_bias = true;
  v.back().options.tied_output = true;
  v.push_back({"llama q8_0", {}});
  v.back().options.matrix_type = GgmlType::kQ8_0;
  v.back().options.n_embd = 64;
  v.back().options.n_ff = 96;
  v.push_back({"qwen2 q4_k", {}});
  v.back().options.arch = "qwen2";
  v.back().options.qkv_bias = true;
  v.back().options.matrix_type = GgmlType::kQ4_K;
  v.back().options.n_embd = 256;
  v.back().options.n_ff = 256;
  v.back().options.n_layer = 1;
  return v;
}

const std::vector<int32_t> kPrompt = {1, 7, 7, 30, 2, 39, 0, 12, 5};

TEST(SessionTest, IncrementalEvalEqualsBatchedEval) {
  for (const Variant& variant : Variants()) {
    SCOPED_TRACE(variant.name);
    LoadedModel loaded = MustLoad(TinyModel(variant.options));
    ASSERT_NE(loaded.model, nullptr);
    const int64_t n_vocab = loaded.model->config().n_vocab;
    std::unique_ptr<Session> batched = MustCreate(*loaded.model);
    const std::vector<float> all = EvalAll(*batched, kPrompt);

    std::unique_ptr<Session> incremental = MustCreate(*loaded.model);
    std::vector<float> row(n_vocab);
    for (size_t t = 0; t < kPrompt.size(); ++t) {
      ASSERT_TRUE(incremental->Eval({kPrompt[t]}, absl::MakeSpan(row), false).ok());
      for (int64_t j = 0; j < n_vocab; ++j) {
        ASSERT_NEAR(row[j], all[t * n_vocab + j], 1e-5) << "position " << t << " logit " << j;
      }
    }
    EXPECT_EQ(incremental->n_past(), static_cast<int64_t>(kPrompt.size()));

    // Two chunks (4 + 5 tokens) equal the single batch too.
    std::unique_ptr<Session> chunked = MustCreate(*loaded.model);
    std::vector<float> first = EvalAll(*chunked, {kPrompt.begin(), kPrompt.begin() + 4});
    std::vector<float> second = EvalAll(*chunked, {kPrompt.begin() + 4, kPrompt.end()});
    first.insert(first.end(), second.begin(), second.end());
    ASSERT_EQ(first.size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) ASSERT_NEAR(first[i], all[i], 1e-5) << i;

    // Rows differ across positions (the model is not degenerate).
    EXPECT_NE(all[1 * n_vocab], all[2 * n_vocab]);  // same token 7, different context
  }
}

TEST(SessionTest, LastRowOnlyEqualsTheLastRowOfAllPositions) {
  LoadedModel loaded = MustLoad(TinyModel(TinyOptions{}));
  ASSERT_NE(loaded.model, nullptr);
  std::unique_ptr<Session> a = MustCreate(*loaded.model);
  const std::vector<float> all = EvalAll(*a, kPrompt);
  std::unique_ptr<Session> b = MustCreate(*loaded.model);
  std::vector<float> last(40, -1.0f);
  ASSERT_TRUE(b->Eval(kPrompt, absl::MakeSpan(last), false).ok());
  // Equal up to float rounding: the output product of one row and of all
  // rows may take different tile kernels (different summation orders).
  const size_t offset = (kPrompt.size() - 1) * 40;
  for (size_t j = 0; j < 40; ++j) {
    EXPECT_NEAR(last[j], all[offset + j], 1e-5 * (1 + std::abs(all[offset + j]))) << j;
  }
}

TEST(SessionTest, TruncateReusesThePrefixAndResetStartsOver) {
  LoadedModel loaded = MustLoad(TinyModel(TinyOptions{.rope_freqs = true}));
  ASSERT_NE(loaded.model, nullptr);
  std::unique_ptr<Session> fresh = MustCreate(*loaded.model);
  const std::vector<int32_t> other = {1, 7, 7, 3, 3, 3};
  const std::vector<float> want = EvalAll(*fresh, other);

  std::unique_ptr<Session> reused = MustCreate(*loaded.model);
  EvalAll(*reused, kPrompt);
  ASSERT_TRUE(reused->Truncate(3).ok());  // keep {1, 7, 7}
  EXPECT_EQ(reused->n_past(), 3);
  const std::vector<float> suffix = EvalAll(*reused, {3, 3, 3});
  for (size_t i = 0; i < suffix.size(); ++i) EXPECT_NEAR(suffix[i], want[3 * 40 + i], 1e-5) << i;

  EXPECT_EQ(reused->Truncate(7).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reused->Truncate(-1).code(), absl::StatusCode::kInvalidArgument);
  reused->Reset();
  EXPECT_EQ(reused->n_past(), 0);
  const std::vector<float> again = EvalAll(*reused, other);
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i], want[i]) << i;
}

TEST(SessionTest, EvalErrorsLeaveTheSessionUnchanged) {
  LoadedModel loaded = MustLoad(TinyModel(TinyOptions{}));
  ASSERT_NE(loaded.model, nullptr);
  std::unique_ptr<Session> session = MustCreate(*loaded.model, {.n_ctx = 8});
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->n_ctx(), 8);
  std::vector<float> logits(8 * 40);
  ASSERT_TRUE(session->Eval({1, 2, 3, 4, 5}, absl::MakeSpan(logits), false).ok());

  absl::Status s = session->Eval({6, 7, 8, 9}, absl::MakeSpan(logits), false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "prompt of 9 tokens exceeds the context of 8");
  EXPECT_EQ(session->n_past(), 5);

  s = session->Eval({1, 40}, absl::MakeSpan(logits), false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "token #1 has id 40, outside the vocabulary of 40");
  s = session->Eval({-1}, absl::MakeSpan(logits), false);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("has id -1"));
  EXPECT_EQ(session->Eval({}, absl::MakeSpan(logits), false).code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<float> small(40 * 2 - 1);
  s = session->Eval({1, 2}, absl::MakeSpan(small), true);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("logits buffer"));
  EXPECT_EQ(session->n_past(), 5);

  // Exactly filling the context works.
  ASSERT_TRUE(session->Eval({6, 7, 8}, absl::MakeSpan(logits), false).ok());
  EXPECT_EQ(session->n_past(), 8);
  s = session->Eval({1}, absl::MakeSpan(logits), false);
  EXPECT_EQ(s.message(), "prompt of 9 tokens exceeds the context of 8");
}

TEST(SessionTest, CreateChecksTheContextLength) {
  LoadedModel loaded = MustLoad(TinyModel(TinyOptions{}));  // n_ctx_train 64
  ASSERT_NE(loaded.model, nullptr);
  std::unique_ptr<Session> by_default = MustCreate(*loaded.model);
  EXPECT_EQ(by_default->n_ctx(), 64);
  absl::StatusOr<std::unique_ptr<Session>> too_long = Session::Create(*loaded.model, {.n_ctx = 65});
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.status().message(), HasSubstr("exceeds the model's training context 64"));
  std::unique_ptr<Session> forced =
      MustCreate(*loaded.model, {.n_ctx = 100, .allow_exceeding_train_context = true});
  EXPECT_EQ(forced->n_ctx(), 100);
  EXPECT_EQ(Session::Create(*loaded.model, {.n_ctx = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Session::Create(*loaded.model, {.threads = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A backend given in SessionOptions is the one the forward pass uses.
class CountingKernels final : public kernels::Kernels {
 public:
  absl::string_view name() const override { return "counting"; }
  absl::Status MatMul(const kernels::WeightView& w, absl::Span<const float> x, int64_t n_batch,
                      absl::Span<float> out) const override {
    ++matmuls;
    return cpu.MatMul(w, x, n_batch, out);
  }
  absl::Status GetRow(const kernels::WeightView& w, int64_t row,
                      absl::Span<float> out) const override {
    return cpu.GetRow(w, row, out);
  }
  absl::Status RmsNorm(absl::Span<const float> x, absl::Span<const float> weight, float eps,
                       int64_t n_rows, absl::Span<float> out) const override {
    return cpu.RmsNorm(x, weight, eps, n_rows, out);
  }
  absl::Status Rope(absl::Span<float> x, int64_t n_tokens, int64_t n_heads, int64_t head_dim,
                    absl::Span<const int32_t> positions,
                    const kernels::RopeParams& params) const override {
    ropes.push_back({n_heads,
                     head_dim,
                     {positions.begin(), positions.end()},
                     params.style,
                     params.n_rot,
                     params.freq_base,
                     params.freq_scale,
                     {params.freq_factors.begin(), params.freq_factors.end()}});
    return cpu.Rope(x, n_tokens, n_heads, head_dim, positions, params);
  }
  absl::Status Softmax(absl::Span<float> x) const override { return cpu.Softmax(x); }
  absl::Status Silu(absl::Span<float> x) const override { return cpu.Silu(x); }
  absl::Status Add(absl::Span<float> x, absl::Span<const float> y) const override {
    return cpu.Add(x, y);
  }
  absl::Status Mul(absl::Span<float> x, absl::Span<const float> y) const override {
    return cpu.Mul(x, y);
  }
  absl::Status Attention(absl::Span<const float> q, absl::Span<const float> k,
                         absl::Span<const float> v, const kernels::AttentionShape& shape,
                         absl::Span<float> out) const override {
    ++attentions;
    return cpu.Attention(q, k, v, shape, out);
  }

  struct RopeCall {
    int64_t n_heads, head_dim;
    std::vector<int32_t> positions;
    kernels::RopeStyle style;
    int64_t n_rot;
    float freq_base, freq_scale;
    std::vector<float> freq_factors;
  };

  kernels::CpuKernels cpu;
  mutable std::vector<RopeCall> ropes;
  mutable int matmuls = 0;
  mutable int attentions = 0;
};

TEST(SessionTest, UsesTheKernelsItIsGiven) {
  LoadedModel loaded = MustLoad(TinyModel(TinyOptions{}));
  ASSERT_NE(loaded.model, nullptr);
  CountingKernels counting;
  std::unique_ptr<Session> session = MustCreate(*loaded.model, {.kernels = &counting});
  std::vector<float> logits(40);
  ASSERT_TRUE(session->Eval({1, 2}, absl::MakeSpan(logits), false).ok());
  EXPECT_EQ(counting.matmuls, 2 * 7 + 1);  // q k v o gate up down per layer, output
  EXPECT_EQ(counting.attentions, 2);
}

// Rope gets the model's parameters and absolute positions, on Q (n_head
// heads) and K (n_head_kv heads) of every layer.
TEST(SessionTest, RopeGetsTheModelsParametersAndAbsolutePositions) {
  for (const std::string arch : {"llama", "qwen2"}) {
    SCOPED_TRACE(arch);
    TinyOptions o;
    o.arch = arch;
    o.qkv_bias = arch == "qwen2";
    o.rope_freqs = arch == "llama";
    o.freq_base = 500000.0f;
    TinyModel tiny(o);
    ASSERT_TRUE(
        tiny.metadata().Set(arch + ".rope.scaling.factor", gguf::GgufValue::Float32(2.0f)).ok());
    LoadedModel loaded = MustLoad(tiny);
    ASSERT_NE(loaded.model, nullptr);
    CountingKernels counting;
    std::unique_ptr<Session> session = MustCreate(*loaded.model, {.kernels = &counting});
    EvalAll(*session, {1, 2, 3});
    counting.ropes.clear();
    EvalAll(*session, {4, 5});
    ASSERT_EQ(counting.ropes.size(), 4u);  // (q, k) x 2 layers
    for (size_t i = 0; i < counting.ropes.size(); ++i) {
      const CountingKernels::RopeCall& call = counting.ropes[i];
      EXPECT_EQ(call.n_heads, i % 2 == 0 ? 4 : 2);
      EXPECT_EQ(call.head_dim, 8);
      EXPECT_EQ(call.positions, (std::vector<int32_t>{3, 4}));
      EXPECT_EQ(call.style,
                arch == "llama" ? kernels::RopeStyle::kNormal : kernels::RopeStyle::kNeox);
      EXPECT_EQ(call.n_rot, 8);
      EXPECT_FLOAT_EQ(call.freq_base, 500000.0f);
      EXPECT_FLOAT_EQ(call.freq_scale, 0.5f);
      const std::vector<float> factors =
          arch == "llama" ? std::vector<float>{1, 2, 3, 4} : std::vector<float>{};
      EXPECT_EQ(call.freq_factors, factors);
    }
  }
}

}  // namespace
}  // namespace fleet::engine::model
