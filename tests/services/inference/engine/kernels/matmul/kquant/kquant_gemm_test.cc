// The K-quant gemm kernels (Q4_K, Q5_K, Q6_K on every supported ISA) against
// exact double-precision dot products, against each other, with padded
// strides, non-finite activations and arbitrary weight bytes.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <ostream>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"
#include "tests/services/inference/engine/kernels/matmul/kquant/kquant_test_data.h"

namespace fleet::engine::gguf {
// Readable parameter values in test output ("Q4_K" rather than bytes).
void PrintTo(GgmlType type, std::ostream* os) { *os << GgmlTypeName(type); }
}  // namespace fleet::engine::gguf

namespace fleet::engine::kernels::cpu {
namespace {

using gguf::GgmlType;
using testing::DecodeQ8K;
using testing::EncodeActivations;
using testing::Q8KScales;
using testing::WeightRowBytes;

constexpr GgmlType kTypes[] = {GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K};
constexpr int64_t kSizes[] = {256, 512, 2816};
constexpr int64_t kRowCounts[] = {1, 3, 17};
constexpr int64_t kColCounts[] = {1, 2, 3, 5, 8, 13, 64};
constexpr double kEps = 0x1p-24;

std::vector<float> RunGemm(const MatMulKernel& k, int64_t n, const std::vector<uint8_t>& w,
                           int64_t rows, const std::vector<uint8_t>& act, size_t act_stride,
                           int64_t cols) {
  std::vector<float> out(static_cast<size_t>(rows * cols), std::nanf(""));
  const GemmArgs args{.n = n,
                      .w = w.data(),
                      .w_stride = WeightRowBytes(k.weight_type, n),
                      .n_rows = rows,
                      .act = act.data(),
                      .act_stride = act_stride,
                      .n_cols = cols,
                      .out = out.data(),
                      .out_stride = static_cast<size_t>(rows)};
  k.gemm(args);
  return out;
}

TEST(KQuantKernelTableTest, EveryKQuantHasPortableAndAvx2) {
  for (GgmlType type : kTypes) {
    for (Isa isa : {Isa::kPortable, Isa::kAvx2}) {
      const MatMulKernel* k = FindKQuantKernel(type, isa);
      ASSERT_NE(k, nullptr) << gguf::GgmlTypeName(type) << " " << IsaName(isa);
      EXPECT_EQ(k->weight_type, type);
      EXPECT_EQ(k->isa, isa);
      EXPECT_EQ(k->act, ActivationFormat::kQ8_K);
      EXPECT_EQ(k->act_row_bytes(512), 2 * sizeof(ActQ8_KBlock));
      EXPECT_NE(k->quantize_act, nullptr);
      EXPECT_NE(k->gemm, nullptr);
    }
  }
  for (GgmlType other :
       {GgmlType::kF32, GgmlType::kQ8_0, GgmlType::kQ4_0, GgmlType::kQ2_K, GgmlType::kQ8_K}) {
    EXPECT_EQ(FindKQuantKernel(other, Isa::kPortable), nullptr) << gguf::GgmlTypeName(other);
    EXPECT_EQ(FindKQuantKernel(other, Isa::kAvx2), nullptr) << gguf::GgmlTypeName(other);
  }
}

class KQuantGemmTest : public ::testing::TestWithParam<GgmlType> {};

// Per output: the exact dot with the float activations (error bound of
// matmul_kernel.h: per block d/2 * sum|w|, plus float rounding) and the exact
// dot with the kernel's own 8-bit activations (float rounding only).
TEST_P(KQuantGemmTest, MatchesExactDotsWithinBounds) {
  const GgmlType type = GetParam();
  constexpr int64_t kCols = 64;
  for (int64_t n : kSizes) {
    for (int64_t rows : kRowCounts) {
      SCOPED_TRACE(absl::StrCat(gguf::GgmlTypeName(type), " n=", n, " rows=", rows));
      const int64_t nb = n / 256;
      const std::vector<uint8_t> wbytes = testing::EncodeWeights(
          type, testing::RandomWeights(n, rows, static_cast<uint32_t>(n + rows)), n);
      const std::vector<float> w = testing::DecodeWeights(type, wbytes, n);
      const std::vector<float> mins = testing::SubBlockMins(type, wbytes, n);
      const std::vector<float> x =
          testing::RandomActivations(n, kCols, static_cast<uint32_t>(3 * n + rows));
      std::vector<std::vector<float>> outs_by_isa;  // cols = 64, per ISA
      for (Isa isa : SupportedIsas()) {
        SCOPED_TRACE(IsaName(isa));
        const MatMulKernel* k = FindKQuantKernel(type, isa);
        ASSERT_NE(k, nullptr);
        const size_t stride = k->act_row_bytes(n);
        const std::vector<uint8_t> act = EncodeActivations(*k, x, n, kCols, stride);
        const std::vector<double> xq = DecodeQ8K(act, n, kCols, stride);
        const std::vector<double> da = Q8KScales(act, n, kCols, stride);
        for (int64_t cols : kColCounts) {
          const std::vector<float> out = RunGemm(*k, n, wbytes, rows, act, stride, cols);
          for (int64_t c = 0; c < cols; ++c) {
            for (int64_t r = 0; r < rows; ++r) {
              double exact = 0, exact_q = 0, quant_err = 0, magnitude = 0;
              for (int64_t b = 0; b < nb; ++b) {
                double sum_abs_w = 0;
                for (int64_t i = b * 256; i < (b + 1) * 256; ++i) {
                  const double wi = w[r * n + i];
                  const double xi = x[c * n + i];
                  const double xqi = xq[c * n + i];
                  exact += wi * xi;
                  exact_q += wi * xqi;
                  sum_abs_w += std::fabs(wi);
                  magnitude += (std::fabs(wi) + 2.0 * mins[r * n + i]) *
                               std::max(std::fabs(xi), std::fabs(xqi));
                }
                quant_err += da[c * nb + b] / 2 * (1 + 0x1p-16) * sum_abs_w;
              }
              const double float_err = static_cast<double>(nb + 12) * kEps * magnitude;
              const float got = out[c * rows + r];
              ASSERT_NEAR(got, exact, quant_err + float_err)
                  << "cols=" << cols << " r=" << r << " c=" << c;
              ASSERT_NEAR(got, exact_q, float_err) << "cols=" << cols << " r=" << r << " c=" << c;
            }
          }
          if (cols == kCols) outs_by_isa.push_back(out);
        }
      }
      // The ISAs differ only in float summation order.
      for (size_t i = 1; i < outs_by_isa.size(); ++i) {
        for (int64_t c = 0; c < kCols; ++c) {
          for (int64_t r = 0; r < rows; ++r) {
            double sum_abs = 0;
            for (int64_t e = 0; e < n; ++e) sum_abs += std::fabs(w[r * n + e] * x[c * n + e]);
            ASSERT_NEAR(outs_by_isa[i][c * rows + r], outs_by_isa[0][c * rows + r], 1e-5 * sum_abs)
                << "r=" << r << " c=" << c;
          }
        }
      }
    }
  }
}

// Padding in the output and activation rows (an odd activation stride, so
// blocks are unaligned) is neither read into results nor written.
TEST_P(KQuantGemmTest, PaddedStrides) {
  const GgmlType type = GetParam();
  constexpr int64_t kN = 512, kRows = 5;
  const std::vector<uint8_t> wbytes =
      testing::EncodeWeights(type, testing::RandomWeights(kN, kRows, 11), kN);
  for (Isa isa : SupportedIsas()) {
    for (int64_t cols : {1, 7}) {
      SCOPED_TRACE(absl::StrCat(IsaName(isa), " cols=", cols));
      const MatMulKernel* k = FindKQuantKernel(type, isa);
      ASSERT_NE(k, nullptr);
      const std::vector<float> x = testing::RandomActivations(kN, cols, 12);
      const size_t tight = k->act_row_bytes(kN);
      const std::vector<float> expected =
          RunGemm(*k, kN, wbytes, kRows, EncodeActivations(*k, x, kN, cols, tight), tight, cols);
      const size_t padded = tight + 37;
      const std::vector<uint8_t> act = EncodeActivations(*k, x, kN, cols, padded);
      constexpr size_t kOutStride = kRows + 3;
      constexpr float kSentinel = -777.0f;
      std::vector<float> out(kOutStride * cols + 5, kSentinel);
      k->gemm(GemmArgs{.n = kN,
                       .w = wbytes.data(),
                       .w_stride = WeightRowBytes(type, kN),
                       .n_rows = kRows,
                       .act = act.data(),
                       .act_stride = padded,
                       .n_cols = cols,
                       .out = out.data(),
                       .out_stride = kOutStride});
      for (size_t i = 0; i < out.size(); ++i) {
        const int64_t c = static_cast<int64_t>(i / kOutStride);
        const int64_t r = static_cast<int64_t>(i % kOutStride);
        if (c < cols && r < kRows) {
          EXPECT_EQ(out[i], expected[c * kRows + r]) << "r=" << r << " c=" << c;
        } else {
          EXPECT_EQ(out[i], kSentinel) << "padding at " << i;
        }
      }
    }
  }
}

// A NaN or Inf activation makes that column's outputs non-finite.
TEST_P(KQuantGemmTest, NonFiniteActivationsPropagate) {
  const GgmlType type = GetParam();
  constexpr int64_t kN = 512, kRows = 3, kCols = 3;
  const std::vector<uint8_t> wbytes =
      testing::EncodeWeights(type, testing::RandomWeights(kN, kRows, 21), kN);
  std::vector<float> x = testing::RandomActivations(kN, kCols, 22);
  x[0 * kN + 300] = std::numeric_limits<float>::quiet_NaN();
  x[1 * kN + 10] = std::numeric_limits<float>::infinity();
  for (Isa isa : SupportedIsas()) {
    SCOPED_TRACE(IsaName(isa));
    const MatMulKernel* k = FindKQuantKernel(type, isa);
    ASSERT_NE(k, nullptr);
    const size_t stride = k->act_row_bytes(kN);
    for (int64_t cols : {int64_t{1}, kCols}) {
      const std::vector<float> out =
          RunGemm(*k, kN, wbytes, kRows, EncodeActivations(*k, x, kN, kCols, stride), stride, cols);
      for (int64_t r = 0; r < kRows; ++r) {
        EXPECT_TRUE(std::isnan(out[r])) << "r=" << r;
        if (cols > 1) {
          EXPECT_FALSE(std::isfinite(out[kRows + r])) << "r=" << r;
          EXPECT_TRUE(std::isfinite(out[2 * kRows + r])) << "r=" << r;
        }
      }
    }
  }
}

// Weight bytes are untrusted: any pattern (NaN/Inf fp16 scales, every 6-bit
// scale code) runs, and the ISAs agree.
TEST_P(KQuantGemmTest, ArbitraryWeightBytes) {
  const GgmlType type = GetParam();
  constexpr int64_t kN = 768, kRows = 9, kCols = 6;
  std::mt19937 rng(31);
  std::vector<uint8_t> wbytes(WeightRowBytes(type, kN) * kRows);
  for (uint8_t& byte : wbytes) byte = static_cast<uint8_t>(rng());
  // Even rows get finite fp16 scales (|d|, |dmin| < 4), odd rows keep any.
  const size_t block_bytes = WeightRowBytes(type, 256);
  for (int64_t r = 0; r < kRows; r += 2) {
    for (int64_t b = 0; b < kN / 256; ++b) {
      uint8_t* blk = &wbytes[r * WeightRowBytes(type, kN) + b * block_bytes];
      if (type == GgmlType::kQ6_K) {
        blk[209] &= 0xBF;
      } else {
        blk[1] &= 0xBF;
        blk[3] &= 0xBF;
      }
    }
  }
  const std::vector<float> w = testing::DecodeWeights(type, wbytes, kN);
  const std::vector<float> x = testing::RandomActivations(kN, kCols, 32);
  std::vector<std::vector<float>> outs;
  for (Isa isa : SupportedIsas()) {
    const MatMulKernel* k = FindKQuantKernel(type, isa);
    ASSERT_NE(k, nullptr);
    const size_t stride = k->act_row_bytes(kN);
    const std::vector<uint8_t> act = EncodeActivations(*k, x, kN, kCols, stride);
    outs.push_back(RunGemm(*k, kN, wbytes, kRows, act, stride, kCols));
    // The single-column path too.
    const std::vector<float> one = RunGemm(*k, kN, wbytes, kRows, act, stride, 1);
    for (int64_t r = 0; r < kRows; ++r) outs.back().push_back(one[r]);
  }
  for (size_t i = 1; i < outs.size(); ++i) {
    for (size_t j = 0; j < outs[0].size(); ++j) {
      const int64_t c = j < kRows * kCols ? static_cast<int64_t>(j) / kRows : 0;
      const int64_t r = static_cast<int64_t>(j) % kRows;
      double sum_abs = 0;
      for (int64_t e = 0; e < kN; ++e) sum_abs += std::fabs(w[r * kN + e] * x[c * kN + e]);
      const float a = outs[0][j], b = outs[i][j];
      ASSERT_EQ(std::isfinite(a), std::isfinite(b)) << j << ": " << a << " vs " << b;
      if (std::isfinite(a)) {
        ASSERT_NEAR(a, b, 1e-5 * sum_abs + 1e-30) << j;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(KQuants, KQuantGemmTest, ::testing::ValuesIn(kTypes),
                         [](const ::testing::TestParamInfo<GgmlType>& info) {
                           return gguf::GgmlTypeName(info.param);
                         });

}  // namespace
}  // namespace fleet::engine::kernels::cpu
