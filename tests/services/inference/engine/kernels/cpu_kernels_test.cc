#include "services/inference/engine/kernels/cpu/cpu_kernels.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/fp16.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::kernels {
namespace {

using gguf::GgmlType;
using ::testing::HasSubstr;

std::vector<float> RandomVector(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

std::vector<uint8_t> F32Bytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// Encodes `rows` x `n_in` floats row by row into `type`.
std::vector<uint8_t> Encode(GgmlType type, const std::vector<float>& values, int64_t n_in) {
  const uint64_t row_bytes = RowBytes(type, n_in).value();
  const size_t rows = values.size() / static_cast<size_t>(n_in);
  std::vector<uint8_t> bytes(rows * row_bytes);
  for (size_t r = 0; r < rows; ++r) {
    absl::Status s = quant::QuantizeRow(type, absl::MakeConstSpan(values).subspan(r * n_in, n_in),
                                        absl::MakeSpan(bytes).subspan(r * row_bytes, row_bytes));
    EXPECT_TRUE(s.ok()) << s;
  }
  return bytes;
}

const CpuKernels kCpu;

// ---- MatMul ----------------------------------------------------------------

TEST(CpuKernelsTest, MatMulF32ByHand) {
  // W = [[1, 2, 3], [4, 5, 6]] (ggml dims {3, 2}); x rows (1, 0, -1) and (0.5, 1, 2).
  const std::vector<uint8_t> data = F32Bytes({1, 2, 3, 4, 5, 6});
  const WeightView w{.type = GgmlType::kF32, .n_in = 3, .n_out = 2, .data = data};
  const std::vector<float> x = {1, 0, -1, 0.5f, 1, 2};
  std::vector<float> out(4, -99.0f);
  ASSERT_TRUE(kCpu.MatMul(w, x, 2, absl::MakeSpan(out)).ok());
  EXPECT_EQ(out, (std::vector<float>{-2, -2, 8.5f, 19}));
}

TEST(CpuKernelsTest, MatMulF16ByHand) {
  std::vector<uint16_t> halves;
  for (float v : {0.5f, -2.0f, 1.5f, 3.0f}) halves.push_back(quant::FloatToHalf(v));
  std::vector<uint8_t> data(halves.size() * 2);
  std::memcpy(data.data(), halves.data(), data.size());
  const WeightView w{.type = GgmlType::kF16, .n_in = 2, .n_out = 2, .data = data};
  std::vector<float> out(2);
  ASSERT_TRUE(kCpu.MatMul(w, std::vector<float>{2, 1}, 1, absl::MakeSpan(out)).ok());
  EXPECT_EQ(out, (std::vector<float>{-1, 6}));
}

// For every supported type: MatMul equals "dequantize the row, dot in double"
// for every batch row (up to float accumulation error), and stays close to
// the unquantized product (so rows and batch rows are not mixed up).
TEST(CpuKernelsTest, MatMulEveryTypeMatchesDequantizeThenDoubleDot) {
  constexpr int64_t kIn = 512;
  constexpr int64_t kOut = 5;
  constexpr int64_t kBatch = 3;
  const std::vector<float> weights = RandomVector(kIn * kOut, 7);
  const std::vector<float> x = RandomVector(kIn * kBatch, 8);
  for (const gguf::GgmlTypeTraits& traits : gguf::SupportedGgmlTypes()) {
    SCOPED_TRACE(traits.name);
    const std::vector<uint8_t> data = Encode(traits.type, weights, kIn);
    const WeightView w{.type = traits.type, .n_in = kIn, .n_out = kOut, .data = data};
    std::vector<float> out(kBatch * kOut);
    ASSERT_TRUE(kCpu.MatMul(w, x, kBatch, absl::MakeSpan(out)).ok());
    const uint64_t row_bytes = RowBytes(traits.type, kIn).value();
    std::vector<float> row(kIn);
    for (int64_t o = 0; o < kOut; ++o) {
      ASSERT_TRUE(quant::DequantizeRow(traits.type,
                                       absl::MakeConstSpan(data).subspan(o * row_bytes, row_bytes),
                                       absl::MakeSpan(row))
                      .ok());
      for (int64_t b = 0; b < kBatch; ++b) {
        double dot = 0, magnitude = 0, exact = 0;
        for (int64_t i = 0; i < kIn; ++i) {
          dot += static_cast<double>(row[i]) * x[b * kIn + i];
          magnitude += std::fabs(static_cast<double>(row[i]) * x[b * kIn + i]);
          exact += static_cast<double>(weights[o * kIn + i]) * x[b * kIn + i];
        }
        const double got = out[b * kOut + o];
        EXPECT_NEAR(got, dot, 1e-6 * magnitude) << "row " << o << " batch " << b;
        // Quantization error bound: loose, but far below the spread of the
        // random products (a mixed-up row would be off by ~magnitude / 10).
        EXPECT_NEAR(got, exact, 0.05 * magnitude) << "row " << o << " batch " << b;
      }
    }
  }
}

TEST(CpuKernelsTest, MatMulRejectsBadSizes) {
  const std::vector<uint8_t> data = F32Bytes({1, 2, 3, 4, 5, 6});
  const WeightView w{.type = GgmlType::kF32, .n_in = 3, .n_out = 2, .data = data};
  std::vector<float> out(2);
  absl::Status s = kCpu.MatMul(w, std::vector<float>{1, 2}, 1, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("x has 2 elements, expected 3"));
  std::vector<float> small_out(1);
  EXPECT_EQ(kCpu.MatMul(w, std::vector<float>{1, 2, 3}, 1, absl::MakeSpan(small_out)).code(),
            absl::StatusCode::kInvalidArgument);
  const WeightView short_data{
      .type = GgmlType::kF32, .n_in = 3, .n_out = 3, .data = data};  // 3 rows claimed, 2 present
  s = kCpu.MatMul(short_data, std::vector<float>{1, 2, 3}, 1, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("do not hold 3 rows"));
  const WeightView bad_block{.type = GgmlType::kQ8_0, .n_in = 3, .n_out = 2, .data = data};
  EXPECT_EQ(kCpu.MatMul(bad_block, std::vector<float>{1, 2, 3}, 1, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CpuKernelsTest, GetRowDecodesOneRowAndChecksTheIndex) {
  const std::vector<uint8_t> data = F32Bytes({1, 2, 3, 4, 5, 6});
  const WeightView w{.type = GgmlType::kF32, .n_in = 3, .n_out = 2, .data = data};
  std::vector<float> row(3);
  ASSERT_TRUE(kCpu.GetRow(w, 1, absl::MakeSpan(row)).ok());
  EXPECT_EQ(row, (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(kCpu.GetRow(w, 2, absl::MakeSpan(row)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kCpu.GetRow(w, -1, absl::MakeSpan(row)).code(), absl::StatusCode::kInvalidArgument);
}

// ---- RmsNorm ---------------------------------------------------------------

TEST(CpuKernelsTest, RmsNormMatchesFormula) {
  constexpr int64_t kN = 48;
  constexpr int64_t kRows = 3;
  constexpr float kEps = 1e-5f;
  const std::vector<float> x = RandomVector(kN * kRows, 11, -3.0f, 3.0f);
  const std::vector<float> weight = RandomVector(kN, 12, 0.5f, 1.5f);
  std::vector<float> out(x.size());
  ASSERT_TRUE(kCpu.RmsNorm(x, weight, kEps, kRows, absl::MakeSpan(out)).ok());
  for (int64_t r = 0; r < kRows; ++r) {
    double mean_sq = 0;
    for (int64_t i = 0; i < kN; ++i) mean_sq += double{x[r * kN + i]} * x[r * kN + i];
    mean_sq /= kN;
    for (int64_t i = 0; i < kN; ++i) {
      const double want = x[r * kN + i] / std::sqrt(mean_sq + kEps) * weight[i];
      EXPECT_NEAR(out[r * kN + i], want, 1e-6 * (1 + std::fabs(want)));
    }
  }
  // By hand: x = (3, 4), eps 0: rms = sqrt(12.5).
  std::vector<float> hand(2);
  ASSERT_TRUE(kCpu.RmsNorm(std::vector<float>{3, 4}, std::vector<float>{1, 2}, 0.0f, 1,
                           absl::MakeSpan(hand))
                  .ok());
  EXPECT_NEAR(hand[0], 3 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(hand[1], 8 / std::sqrt(12.5), 1e-6);
}

TEST(CpuKernelsTest, RmsNormInPlaceAndSizeErrors) {
  std::vector<float> x = {3, 4};
  ASSERT_TRUE(kCpu.RmsNorm(x, std::vector<float>{1, 1}, 0.0f, 1, absl::MakeSpan(x)).ok());
  EXPECT_NEAR(x[0], 3 / std::sqrt(12.5), 1e-6);
  std::vector<float> out(3);
  EXPECT_EQ(kCpu.RmsNorm(std::vector<float>{1, 2, 3}, std::vector<float>{1, 1}, 0.0f, 1,
                         absl::MakeSpan(out))
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// ---- Rope ------------------------------------------------------------------

// ggml's rope, written out naively in double.
std::vector<double> NaiveRope(const std::vector<float>& x, int64_t n_tokens, int64_t n_heads,
                              int64_t head_dim, const std::vector<int32_t>& positions,
                              RopeStyle style, int64_t n_rot, double base, double freq_scale,
                              const std::vector<float>& factors) {
  std::vector<double> y(x.begin(), x.end());
  for (int64_t t = 0; t < n_tokens; ++t) {
    for (int64_t h = 0; h < n_heads; ++h) {
      double* v = y.data() + (t * n_heads + h) * head_dim;
      for (int64_t i = 0; i < n_rot / 2; ++i) {
        double theta = positions[t] * freq_scale * std::pow(base, -2.0 * i / n_rot);
        if (!factors.empty()) theta /= factors[i];
        const int64_t a = style == RopeStyle::kNormal ? 2 * i : i;
        const int64_t b = style == RopeStyle::kNormal ? 2 * i + 1 : i + n_rot / 2;
        const double x0 = v[a], x1 = v[b];
        v[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
        v[b] = x0 * std::sin(theta) + x1 * std::cos(theta);
      }
    }
  }
  return y;
}

TEST(CpuKernelsTest, RopeNormalRotatesAdjacentPairsByHand) {
  // head_dim 4, base 10000, position 1: pair 0 turns by 1 rad, pair 1 by 0.01.
  std::vector<float> x = {1, 0, 0, 1};
  const RopeParams p{.style = RopeStyle::kNormal, .n_rot = 4, .freq_base = 10000};
  ASSERT_TRUE(kCpu.Rope(absl::MakeSpan(x), 1, 1, 4, std::vector<int32_t>{1}, p).ok());
  EXPECT_NEAR(x[0], std::cos(1.0), 1e-6);
  EXPECT_NEAR(x[1], std::sin(1.0), 1e-6);
  EXPECT_NEAR(x[2], -std::sin(0.01), 1e-6);
  EXPECT_NEAR(x[3], std::cos(0.01), 1e-6);
}

TEST(CpuKernelsTest, RopeNeoxRotatesHalvesByHand) {
  // Pairs (0, 2) and (1, 3).
  std::vector<float> x = {1, 0, 0, 1};
  const RopeParams p{.style = RopeStyle::kNeox, .n_rot = 4, .freq_base = 10000};
  ASSERT_TRUE(kCpu.Rope(absl::MakeSpan(x), 1, 1, 4, std::vector<int32_t>{1}, p).ok());
  EXPECT_NEAR(x[0], std::cos(1.0), 1e-6);
  EXPECT_NEAR(x[2], std::sin(1.0), 1e-6);
  EXPECT_NEAR(x[1], -std::sin(0.01), 1e-6);
  EXPECT_NEAR(x[3], std::cos(0.01), 1e-6);
}

TEST(CpuKernelsTest, RopePositionZeroIsIdentity) {
  std::vector<float> x = RandomVector(16, 3);
  const std::vector<float> before = x;
  const RopeParams p{.style = RopeStyle::kNeox, .n_rot = 16};
  ASSERT_TRUE(kCpu.Rope(absl::MakeSpan(x), 1, 1, 16, std::vector<int32_t>{0}, p).ok());
  EXPECT_EQ(x, before);
}

struct RopeCase {
  RopeStyle style;
  int64_t n_rot;
  float base;
  float freq_scale;
  bool factors;
};

TEST(CpuKernelsTest, RopeMatchesNaiveFormula) {
  constexpr int64_t kTokens = 3, kHeads = 2, kHeadDim = 16;
  const std::vector<int32_t> positions = {0, 7, 4093};
  const RopeCase cases[] = {
      {RopeStyle::kNormal, 16, 10000, 1, false},   {RopeStyle::kNeox, 16, 10000, 1, false},
      {RopeStyle::kNormal, 8, 500000, 1, true},    {RopeStyle::kNeox, 12, 1e6f, 0.25f, false},
      {RopeStyle::kNormal, 16, 10000, 0.5f, true}, {RopeStyle::kNeox, 16, 10000, 1, true},
  };
  for (const RopeCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(RopeStyleName(c.style), " n_rot ", c.n_rot, " base ", c.base,
                              " scale ", c.freq_scale, " factors ", c.factors));
    std::vector<float> x = RandomVector(kTokens * kHeads * kHeadDim, 21);
    std::vector<float> factors;
    if (c.factors) factors = RandomVector(c.n_rot / 2, 22, 1.0f, 8.0f);
    const std::vector<double> want = NaiveRope(x, kTokens, kHeads, kHeadDim, positions, c.style,
                                               c.n_rot, c.base, c.freq_scale, factors);
    const RopeParams p{.style = c.style,
                       .n_rot = c.n_rot,
                       .freq_base = c.base,
                       .freq_scale = c.freq_scale,
                       .freq_factors = factors};
    ASSERT_TRUE(kCpu.Rope(absl::MakeSpan(x), kTokens, kHeads, kHeadDim, positions, p).ok());
    for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], want[i], 2e-6) << "element " << i;
  }
}

TEST(CpuKernelsTest, RopeFreqFactorsDivideTheAngle) {
  // A factor of 2 on pair 0 halves its angle: position 2 with factor 2 turns
  // like position 1 without.
  std::vector<float> a = {1, 0, 1, 0};
  std::vector<float> b = a;
  const std::vector<float> factors = {2, 1};
  const RopeParams with{.style = RopeStyle::kNormal, .n_rot = 4, .freq_factors = factors};
  const RopeParams without{.style = RopeStyle::kNormal, .n_rot = 4};
  ASSERT_TRUE(kCpu.Rope(absl::MakeSpan(a), 1, 1, 4, std::vector<int32_t>{2}, with).ok());
  ASSERT_TRUE(kCpu.Rope(absl::MakeSpan(b), 1, 1, 4, std::vector<int32_t>{1}, without).ok());
  EXPECT_NEAR(a[0], b[0], 1e-6);
  EXPECT_NEAR(a[1], b[1], 1e-6);
  EXPECT_NEAR(a[0], std::cos(1.0), 1e-6);
}

TEST(CpuKernelsTest, RopeRejectsBadParameters) {
  std::vector<float> x(8);
  const std::vector<int32_t> pos = {1};
  EXPECT_EQ(kCpu.Rope(absl::MakeSpan(x), 1, 1, 8, pos, {.n_rot = 3}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kCpu.Rope(absl::MakeSpan(x), 1, 1, 8, pos, {.n_rot = 10}).code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<float> factors = {1, 1, 1};
  EXPECT_EQ(
      kCpu.Rope(absl::MakeSpan(x), 1, 1, 8, pos, {.n_rot = 8, .freq_factors = factors}).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kCpu.Rope(absl::MakeSpan(x), 2, 1, 4, pos, {.n_rot = 4}).code(),
            absl::StatusCode::kInvalidArgument);  // positions.size() != n_tokens
}

// ---- Softmax, Silu, Add, Mul -----------------------------------------------

TEST(CpuKernelsTest, SoftmaxMatchesFormulaAndSurvivesLargeInputs) {
  std::vector<float> x = {1, 2, 3, -1};
  ASSERT_TRUE(kCpu.Softmax(absl::MakeSpan(x)).ok());
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0) + std::exp(-1.0);
  EXPECT_NEAR(x[0], std::exp(1.0) / z, 1e-7);
  EXPECT_NEAR(x[2], std::exp(3.0) / z, 1e-7);
  EXPECT_NEAR(x[3], std::exp(-1.0) / z, 1e-7);
  std::vector<float> big = {1000, 1001};
  ASSERT_TRUE(kCpu.Softmax(absl::MakeSpan(big)).ok());
  EXPECT_NEAR(big[0], 1 / (1 + std::exp(1.0)), 1e-7);
  EXPECT_NEAR(big[0] + big[1], 1.0, 1e-7);
  std::vector<float> empty;
  EXPECT_TRUE(kCpu.Softmax(absl::MakeSpan(empty)).ok());
}

TEST(CpuKernelsTest, SiluAddMul) {
  std::vector<float> x = {-2, 0, 1.5f};
  ASSERT_TRUE(kCpu.Silu(absl::MakeSpan(x)).ok());
  EXPECT_NEAR(x[0], -2 / (1 + std::exp(2.0)), 1e-7);
  EXPECT_EQ(x[1], 0.0f);
  EXPECT_NEAR(x[2], 1.5 / (1 + std::exp(-1.5)), 1e-7);
  std::vector<float> a = {1, 2, 3};
  ASSERT_TRUE(kCpu.Add(absl::MakeSpan(a), std::vector<float>{1, 1, -1}).ok());
  EXPECT_EQ(a, (std::vector<float>{2, 3, 2}));
  ASSERT_TRUE(kCpu.Mul(absl::MakeSpan(a), std::vector<float>{0.5f, 2, 3}).ok());
  EXPECT_EQ(a, (std::vector<float>{1, 6, 6}));
  EXPECT_EQ(kCpu.Add(absl::MakeSpan(a), std::vector<float>{1}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(kCpu.Mul(absl::MakeSpan(a), std::vector<float>{1, 2}).code(),
            absl::StatusCode::kInvalidArgument);
}

// ---- Attention -------------------------------------------------------------

std::vector<double> NaiveAttention(const std::vector<float>& q, const std::vector<float>& k,
                                   const std::vector<float>& v, const AttentionShape& s) {
  const int64_t d = s.head_dim;
  std::vector<double> out(s.n_tokens * s.n_head * d, 0.0);
  for (int64_t t = 0; t < s.n_tokens; ++t) {
    for (int64_t h = 0; h < s.n_head; ++h) {
      const int64_t g = h / (s.n_head / s.n_head_kv);
      const int64_t n_seen = s.first_pos + t + 1;
      std::vector<double> w(n_seen);
      double max = -1e300;
      for (int64_t j = 0; j < n_seen; ++j) {
        double dot = 0;
        for (int64_t i = 0; i < d; ++i) {
          dot += double{q[(t * s.n_head + h) * d + i]} * k[(j * s.n_head_kv + g) * d + i];
        }
        w[j] = dot * s.scale;
        max = std::max(max, w[j]);
      }
      double sum = 0;
      for (double& x : w) sum += (x = std::exp(x - max));
      for (int64_t j = 0; j < n_seen; ++j) {
        for (int64_t i = 0; i < d; ++i) {
          out[(t * s.n_head + h) * d + i] += w[j] / sum * v[(j * s.n_head_kv + g) * d + i];
        }
      }
    }
  }
  return out;
}

TEST(CpuKernelsTest, AttentionMatchesNaiveGqaCausal) {
  const AttentionShape s{.n_tokens = 3,
                         .n_head = 4,
                         .n_head_kv = 2,
                         .head_dim = 8,
                         .n_kv = 6,
                         .first_pos = 2,
                         .scale = 1 / std::sqrt(8.0f)};
  const std::vector<float> q = RandomVector(3 * 4 * 8, 31, -2, 2);
  // Two extra rows beyond n_kv (a bigger cache): ignored.
  std::vector<float> k = RandomVector(8 * 2 * 8, 32, -2, 2);
  std::vector<float> v = RandomVector(8 * 2 * 8, 33, -2, 2);
  std::vector<float> out(q.size());
  ASSERT_TRUE(kCpu.Attention(q, k, v, s, absl::MakeSpan(out)).ok());
  const std::vector<double> want = NaiveAttention(q, k, v, s);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], want[i], 1e-5) << i;

  // Causality: keys and values after the last query's position (5) and the
  // second query's position (3) do not change the first rows.
  for (size_t i = 4 * 2 * 8; i < k.size(); ++i) k[i] = v[i] = 1000.0f;
  std::vector<float> out2(q.size());
  ASSERT_TRUE(kCpu.Attention(q, k, v, s, absl::MakeSpan(out2)).ok());
  for (size_t i = 0; i < 2 * 4 * 8; ++i) EXPECT_EQ(out2[i], out[i]) << i;
  EXPECT_NE(out2[2 * 4 * 8], out[2 * 4 * 8]);  // row 2 (position 4) sees position 4
}

TEST(CpuKernelsTest, AttentionSingleKeyReturnsItsValue) {
  const AttentionShape s{.n_tokens = 1,
                         .n_head = 2,
                         .n_head_kv = 1,
                         .head_dim = 2,
                         .n_kv = 1,
                         .first_pos = 0,
                         .scale = 1};
  std::vector<float> out(4);
  ASSERT_TRUE(kCpu.Attention(std::vector<float>{5, -3, 1, 1}, std::vector<float>{9, 9},
                             std::vector<float>{0.25f, -4}, s, absl::MakeSpan(out))
                  .ok());
  EXPECT_EQ(out, (std::vector<float>{0.25f, -4, 0.25f, -4}));
}

TEST(CpuKernelsTest, AttentionRejectsBadShapes) {
  std::vector<float> q(8), k(8), v(8), out(8);
  AttentionShape s{.n_tokens = 1,
                   .n_head = 2,
                   .n_head_kv = 2,
                   .head_dim = 4,
                   .n_kv = 1,
                   .first_pos = 1,
                   .scale = 1};
  absl::Status status = kCpu.Attention(q, k, v, s, absl::MakeSpan(out));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);  // position 1 needs 2 keys
  EXPECT_THAT(status.message(), HasSubstr("key/value positions"));
  s.first_pos = 0;
  s.n_head_kv = 3;  // 2 % 3 != 0
  EXPECT_EQ(kCpu.Attention(q, k, v, s, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
  s.n_head_kv = 2;
  s.n_kv = 2;  // k has 8 floats, 2 positions need 16
  EXPECT_EQ(kCpu.Attention(q, k, v, s, absl::MakeSpan(out)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CpuKernelsTest, DefaultKernelsIsTheCpuReference) {
  EXPECT_EQ(DefaultKernels().name(), "cpu-reference");
}

}  // namespace
}  // namespace fleet::engine::kernels
