// FastCpuKernels against the reference CpuKernels, op by op, on every ISA
// this CPU has and several thread counts: odd shapes (not multiples of the
// SIMD width), batches that span several column tiles, attention over more
// keys than one online-softmax block. Also: results do not depend on the
// thread count, and bad arguments get the reference's errors.
#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "services/inference/engine/kernels/cpu/cpu_kernels.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::kernels {
namespace {

using gguf::GgmlType;

std::vector<float> RandomFloats(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// A weight matrix of `type`, n_out rows of n_in, from random floats.
struct Weight {
  std::vector<uint8_t> bytes;
  WeightView view;
};
Weight MakeWeight(GgmlType type, int64_t n_in, int64_t n_out, uint32_t seed) {
  Weight w;
  const std::vector<float> values = RandomFloats(static_cast<size_t>(n_in * n_out), seed);
  const uint64_t row_bytes = *RowBytes(type, n_in);
  w.bytes.resize(static_cast<size_t>(row_bytes * n_out));
  for (int64_t r = 0; r < n_out; ++r) {
    EXPECT_TRUE(quant::QuantizeRow(type, absl::MakeConstSpan(values).subspan(r * n_in, n_in),
                                   absl::MakeSpan(w.bytes).subspan(r * row_bytes, row_bytes))
                    .ok());
  }
  w.view = {.type = type, .n_in = n_in, .n_out = n_out, .data = w.bytes};
  return w;
}

std::unique_ptr<FastCpuKernels> MakeFast(cpu::Isa isa, int threads) {
  absl::StatusOr<std::unique_ptr<FastCpuKernels>> k =
      FastCpuKernels::Create({.threads = threads, .isa = isa});
  EXPECT_TRUE(k.ok()) << k.status();
  return k.ok() ? *std::move(k) : nullptr;
}

void ExpectClose(absl::Span<const float> got, absl::Span<const float> want, double rel,
                 const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double scale = 1e-30;
  for (float w : want) scale = std::max(scale, static_cast<double>(std::abs(w)));
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_LE(std::abs(static_cast<double>(got[i]) - want[i]), rel * scale)
        << what << " element " << i << ": " << got[i] << " vs " << want[i];
  }
}

// Each output of a product against the reference's, within
//   float weights:     1e-5 * sum_i |w_i x_i|  (float rounding)
//   quantized weights: sum_i |w_i| * max|x| / 250 + 1e-5 * sum_i |w_i x_i|
// (activations rounded to 8 bits: each within half a step, max|x_block|/254,
// of its value, with a little room for the fp16 rounding of the step).
void ExpectWithinProductBound(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                              absl::Span<const float> got, absl::Span<const float> want,
                              bool float_type, const std::string& what) {
  const uint64_t row_bytes = *RowBytes(w.type, w.n_in);
  std::vector<float> row(static_cast<size_t>(w.n_in));
  for (int64_t o = 0; o < w.n_out; ++o) {
    ASSERT_TRUE(
        quant::DequantizeRow(w.type, w.data.subspan(o * row_bytes, row_bytes), absl::MakeSpan(row))
            .ok());
    for (int64_t b = 0; b < n_batch; ++b) {
      const float* xb = x.data() + b * w.n_in;
      double abs_products = 0, abs_weights = 0, max_x = 0;
      for (int64_t i = 0; i < w.n_in; ++i) {
        abs_products += std::abs(static_cast<double>(row[i]) * xb[i]);
        abs_weights += std::abs(row[i]);
        max_x = std::max(max_x, static_cast<double>(std::abs(xb[i])));
      }
      const double bound = 1e-5 * abs_products + (float_type ? 0.0 : abs_weights * max_x / 250.0);
      const size_t at = static_cast<size_t>(b * w.n_out + o);
      ASSERT_LE(std::abs(static_cast<double>(got[at]) - want[at]), bound)
          << what << " row " << o << " column " << b << ": " << got[at] << " vs " << want[at];
    }
  }
}

class FastKernelsTest : public ::testing::TestWithParam<std::tuple<cpu::Isa, int>> {
 protected:
  void SetUp() override {
    fast_ = MakeFast(std::get<0>(GetParam()), std::get<1>(GetParam()));
    ASSERT_NE(fast_, nullptr);
  }
  std::unique_ptr<FastCpuKernels> fast_;
  CpuKernels reference_;
};

TEST_P(FastKernelsTest, MatMulMatchesReferenceForEveryTypeAndOddShapes) {
  struct Shape {
    GgmlType type;
    int64_t n_in;
  };
  const std::vector<Shape> shapes = {
      {GgmlType::kF32, 37},   {GgmlType::kF32, 100},  {GgmlType::kF16, 33},
      {GgmlType::kBF16, 71},  {GgmlType::kQ8_0, 96},  {GgmlType::kQ4_0, 160},
      {GgmlType::kQ4_K, 512}, {GgmlType::kQ5_K, 256}, {GgmlType::kQ6_K, 768}};
  for (const Shape& s : shapes) {
    for (int64_t n_out : {1, 13, 70}) {
      for (int64_t n_batch : {1, 3, 65, 130}) {
        const Weight w = MakeWeight(s.type, s.n_in, n_out, 11);
        const std::vector<float> x =
            RandomFloats(static_cast<size_t>(n_batch * s.n_in), 5 + static_cast<uint32_t>(n_batch));
        std::vector<float> want(static_cast<size_t>(n_batch * n_out));
        std::vector<float> got(want.size());
        ASSERT_TRUE(reference_.MatMul(w.view, x, n_batch, absl::MakeSpan(want)).ok());
        ASSERT_TRUE(fast_->MatMul(w.view, x, n_batch, absl::MakeSpan(got)).ok());
        const bool float_type =
            s.type == GgmlType::kF32 || s.type == GgmlType::kF16 || s.type == GgmlType::kBF16;
        ExpectWithinProductBound(w.view, x, n_batch, got, want, float_type,
                                 std::string(gguf::GgmlTypeName(s.type)) + " n_in " +
                                     std::to_string(s.n_in) + " n_out " + std::to_string(n_out) +
                                     " n_batch " + std::to_string(n_batch));

        // A column's result does not depend on the batch it is in.
        std::vector<float> alone(static_cast<size_t>(n_out));
        const int64_t col = n_batch - 1;
        ASSERT_TRUE(fast_
                        ->MatMul(w.view, absl::MakeConstSpan(x).subspan(col * s.n_in, s.n_in), 1,
                                 absl::MakeSpan(alone))
                        .ok());
        ExpectClose(absl::MakeConstSpan(got).subspan(col * n_out, n_out), alone, 1e-6,
                    "column alone vs in batch");
      }
    }
  }
}

TEST_P(FastKernelsTest, ResultsDoNotDependOnTheThreadCount) {
  std::unique_ptr<FastCpuKernels> one = MakeFast(std::get<0>(GetParam()), 1);
  ASSERT_NE(one, nullptr);
  const Weight w = MakeWeight(GgmlType::kQ4_K, 256, 203, 3);
  const std::vector<float> x = RandomFloats(256 * 9, 4);
  std::vector<float> a(203 * 9), b(203 * 9);
  ASSERT_TRUE(one->MatMul(w.view, x, 9, absl::MakeSpan(a)).ok());
  ASSERT_TRUE(fast_->MatMul(w.view, x, 9, absl::MakeSpan(b)).ok());
  EXPECT_EQ(a, b);
}

TEST_P(FastKernelsTest, NormRopeSwiGluAddMulMatchReference) {
  const std::vector<float> x = RandomFloats(7 * 45, 1, 3.0f);
  const std::vector<float> weight = RandomFloats(45, 2);
  std::vector<float> want(x.size()), got(x.size());
  ASSERT_TRUE(reference_.RmsNorm(x, weight, 1e-5f, 7, absl::MakeSpan(want)).ok());
  ASSERT_TRUE(fast_->RmsNorm(x, weight, 1e-5f, 7, absl::MakeSpan(got)).ok());
  ExpectClose(got, want, 1e-6, "RmsNorm");

  const std::vector<float> factors = {1.0f, 2.0f, 4.0f, 8.0f, 1.5f, 1.0f};
  for (RopeStyle style : {RopeStyle::kNormal, RopeStyle::kNeox}) {
    for (bool with_factors : {false, true}) {
      const RopeParams p{
          .style = style,
          .n_rot = 12,
          .freq_base = 10000.0f,
          .freq_scale = 0.5f,
          .freq_factors = with_factors ? absl::MakeConstSpan(factors) : absl::Span<const float>()};
      std::vector<float> a = RandomFloats(3 * 2 * 16, 9), b = a;
      const std::vector<int32_t> positions = {0, 17, 4095};
      ASSERT_TRUE(reference_.Rope(absl::MakeSpan(a), 3, 2, 16, positions, p).ok());
      ASSERT_TRUE(fast_->Rope(absl::MakeSpan(b), 3, 2, 16, positions, p).ok());
      EXPECT_EQ(a, b) << "rope style " << RopeStyleName(style);
    }
  }

  std::vector<float> gate_a = RandomFloats(4099, 5, 8.0f), gate_b = gate_a;
  const std::vector<float> up = RandomFloats(4099, 6);
  ASSERT_TRUE(reference_.SwiGlu(absl::MakeSpan(gate_a), up).ok());
  ASSERT_TRUE(fast_->SwiGlu(absl::MakeSpan(gate_b), up).ok());
  ExpectClose(gate_b, gate_a, 1e-6, "SwiGlu");
  std::vector<float> s_a = RandomFloats(9000, 8, 8.0f), s_b = s_a;
  ASSERT_TRUE(reference_.Silu(absl::MakeSpan(s_a)).ok());
  ASSERT_TRUE(fast_->Silu(absl::MakeSpan(s_b)).ok());
  EXPECT_EQ(s_a, s_b);
  std::vector<float> add_a = RandomFloats(9001, 10), add_b = add_a;
  ASSERT_TRUE(reference_.Add(absl::MakeSpan(add_a), RandomFloats(9001, 12)).ok());
  ASSERT_TRUE(fast_->Add(absl::MakeSpan(add_b), RandomFloats(9001, 12)).ok());
  EXPECT_EQ(add_a, add_b);
  ASSERT_TRUE(reference_.Mul(absl::MakeSpan(add_a), RandomFloats(9001, 13)).ok());
  ASSERT_TRUE(fast_->Mul(absl::MakeSpan(add_b), RandomFloats(9001, 13)).ok());
  EXPECT_EQ(add_a, add_b);
}

TEST_P(FastKernelsTest, AttentionMatchesReferenceAcrossSoftmaxBlocks) {
  // 6 query heads over 2 kv heads, head_dim 20, 150 cached positions + 5 new
  // queries: the online softmax crosses three 64-key blocks.
  const AttentionShape s{.n_tokens = 5,
                         .n_head = 6,
                         .n_head_kv = 2,
                         .head_dim = 20,
                         .n_kv = 155,
                         .first_pos = 150,
                         .scale = 0.3f};
  const std::vector<float> q = RandomFloats(5 * 6 * 20, 1, 2.0f);
  const std::vector<float> k = RandomFloats(160 * 2 * 20, 2, 2.0f);
  const std::vector<float> v = RandomFloats(160 * 2 * 20, 3);
  std::vector<float> want(q.size()), got(q.size());
  ASSERT_TRUE(reference_.Attention(q, k, v, s, absl::MakeSpan(want)).ok());
  ASSERT_TRUE(fast_->Attention(q, k, v, s, absl::MakeSpan(got)).ok());
  ExpectClose(got, want, 1e-5, "Attention");
  // Large scores (a later block has a far larger max) stay finite and right.
  std::vector<float> k_big = k;
  for (size_t i = 130 * 40; i < 131 * 40; ++i) k_big[i] *= 40.0f;
  ASSERT_TRUE(reference_.Attention(q, k_big, v, s, absl::MakeSpan(want)).ok());
  ASSERT_TRUE(fast_->Attention(q, k_big, v, s, absl::MakeSpan(got)).ok());
  ExpectClose(got, want, 1e-5, "Attention with a dominant key");
}

TEST_P(FastKernelsTest, BadArgumentsGetTheReferenceErrors) {
  const Weight w = MakeWeight(GgmlType::kQ8_0, 64, 4, 1);
  std::vector<float> x(64), out(3);
  const absl::Status want = reference_.MatMul(w.view, x, 1, absl::MakeSpan(out));
  const absl::Status got = fast_->MatMul(w.view, x, 1, absl::MakeSpan(out));
  EXPECT_EQ(got.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got, want);
  EXPECT_EQ(fast_->Add(absl::MakeSpan(x), out).code(), absl::StatusCode::kInvalidArgument);
  const AttentionShape bad{.n_tokens = 2,
                           .n_head = 1,
                           .n_head_kv = 1,
                           .head_dim = 4,
                           .n_kv = 2,
                           .first_pos = 1,
                           .scale = 1};
  std::vector<float> q(8), o(8), kv(8);
  EXPECT_EQ(fast_->Attention(q, kv, kv, bad, absl::MakeSpan(o)),
            reference_.Attention(q, kv, kv, bad, absl::MakeSpan(o)));
}

std::vector<std::tuple<cpu::Isa, int>> Params() {
  std::vector<std::tuple<cpu::Isa, int>> params;
  for (cpu::Isa isa : cpu::SupportedIsas()) {
    for (int threads : {1, 3}) params.emplace_back(isa, threads);
  }
  return params;
}

INSTANTIATE_TEST_SUITE_P(IsasAndThreads, FastKernelsTest, ::testing::ValuesIn(Params()),
                         [](const ::testing::TestParamInfo<std::tuple<cpu::Isa, int>>& info) {
                           return std::string(cpu::IsaName(std::get<0>(info.param))) + "_" +
                                  std::to_string(std::get<1>(info.param)) + "threads";
                         });

TEST(FastKernelsCreate, RejectsBadOptions) {
  EXPECT_EQ(FastCpuKernels::Create({.threads = -1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::unique_ptr<FastCpuKernels>> k = FastCpuKernels::Create({});
  ASSERT_TRUE(k.ok());
  EXPECT_GE((*k)->threads(), 1);
  EXPECT_EQ((*k)->isa(), cpu::DetectIsa());
}

}  // namespace
}  // namespace fleet::engine::kernels
