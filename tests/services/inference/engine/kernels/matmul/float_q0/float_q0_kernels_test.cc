// The F32/F16/BF16/Q8_0/Q4_0 tile kernels (FindFloatQ0Kernel) on every ISA this
// CPU runs: against an exact double dot product of the decoded weights with
// the float activations, within the bound matmul_kernel.h states; the AVX2 and
// portable paths against each other; strides and padding; zero blocks.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/fp16.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::kernels::cpu {
namespace {

using gguf::GgmlType;

constexpr float kSentinel = -12345.5f;
constexpr uint8_t kByteSentinel = 0xA5;

bool IsQuantized(GgmlType type) { return type == GgmlType::kQ8_0 || type == GgmlType::kQ4_0; }

size_t RowBytes(GgmlType type, int64_t n) {
  const gguf::GgmlTypeTraits* t = gguf::FindSupportedGgmlType(type);
  return static_cast<size_t>(n) / t->block_size * t->bytes_per_block;
}

std::string Name(GgmlType type, Isa isa) {
  return absl::StrCat(gguf::GgmlTypeName(type), "/", IsaName(isa));
}

// n_rows encoded weight rows and their exact decoding.
struct Weights {
  int64_t n = 0;
  int64_t n_rows = 0;
  size_t stride = 0;
  std::vector<uint8_t> bytes;
  std::vector<float> decoded;
};

Weights MakeWeights(GgmlType type, int64_t n_rows, int64_t n, std::mt19937& rng) {
  Weights w;
  w.n = n;
  w.n_rows = n_rows;
  w.stride = RowBytes(type, n);
  w.bytes.resize(w.stride * n_rows);
  w.decoded.resize(static_cast<size_t>(n * n_rows));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> row(static_cast<size_t>(n));
  for (int64_t r = 0; r < n_rows; ++r) {
    const float scale = std::ldexp(1.0f, static_cast<int>(rng() % 7) - 3);
    for (float& v : row) v = normal(rng) * scale;
    absl::Span<uint8_t> dst(w.bytes.data() + r * w.stride, w.stride);
    EXPECT_TRUE(quant::QuantizeRow(type, row, dst).ok());
    EXPECT_TRUE(quant::DequantizeRow(type, dst, absl::MakeSpan(w.decoded.data() + r * n, n)).ok());
  }
  return w;
}

// Columns of activations: normal values with large outliers, zeros and
// negative zeros; column 1 starts with an all-zero block of 32.
std::vector<float> MakeActivations(int64_t n_cols, int64_t n, std::mt19937& rng) {
  std::vector<float> x(static_cast<size_t>(n * n_cols));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 99);
  for (float& v : x) {
    const int p = pick(rng);
    if (p < 3) {
      v = normal(rng) * 300.0f;  // outlier
    } else if (p < 8) {
      v = 0.0f;
    } else if (p < 11) {
      v = -0.0f;
    } else {
      v = normal(rng);
    }
  }
  if (n_cols > 1) {
    for (int64_t i = 0; i < n && i < 32; ++i) x[static_cast<size_t>(n + i)] = 0.0f;
  }
  return x;
}

// Encoded activation columns at `stride` bytes; the buffer ends right after
// the last column's encoded row (so an over-read is a heap overflow under
// ASan), and each padding gap holds kByteSentinel.
std::vector<uint8_t> EncodeActivations(const MatMulKernel& k, const std::vector<float>& x,
                                       int64_t n_cols, int64_t n, size_t stride) {
  const size_t row_bytes = k.act_row_bytes(n);
  std::vector<uint8_t> act((n_cols - 1) * stride + row_bytes, kByteSentinel);
  for (int64_t c = 0; c < n_cols; ++c) k.quantize_act(x.data() + c * n, n, act.data() + c * stride);
  return act;
}

// The error bound of one dot product (see matmul_kernel.h) and the magnitude
// sum |w_i| * (|x_i| + e_i) that float summation errors scale with.
struct Bound {
  double exact = 0.0;
  double bound = 0.0;
  double magnitude = 0.0;
};

Bound ExpectedDot(GgmlType type, const float* w, const float* x, int64_t n) {
  Bound b;
  double quant_error = 0.0;
  const bool quantized = IsQuantized(type);
  for (int64_t b0 = 0; b0 < n; b0 += 32) {
    const int64_t end = std::min<int64_t>(n, b0 + 32);
    double e_scale = 0.0;  // per-element error bound, unless d is 0
    bool zero_scale = false;
    if (quantized) {
      float amax = 0.0f;
      for (int64_t i = b0; i < end; ++i) amax = std::max(amax, std::fabs(x[i]));
      const double d_true = static_cast<double>(amax) / 127.0;
      const double d_half = quant::HalfToFloat(quant::FloatToHalf(amax / 127.0f));
      zero_scale = d_half == 0.0;
      // Rounding to the nearest step (with a float-product slack), or the
      // clamp at +-127 when fp16 rounded d down.
      e_scale = d_half * (0.5 + 1e-5) + 127.0 * std::fabs(d_true - d_half);
    }
    for (int64_t i = b0; i < end; ++i) {
      const double wi = w[i];
      const double xi = x[i];
      b.exact += wi * xi;
      const double ei = !quantized ? 0.0 : zero_scale ? std::fabs(xi) : e_scale;
      quant_error += std::fabs(wi) * ei;
      b.magnitude += std::fabs(wi) * (std::fabs(xi) + ei);
    }
  }
  b.bound = quant_error + b.magnitude * static_cast<double>(n) * std::ldexp(1.0, -23) + 1e-30;
  return b;
}

// Runs `k` on the tile with padded strides; checks padding and returns the
// n_cols x n_rows outputs (column-major, packed).
std::vector<float> RunGemm(const MatMulKernel& k, const Weights& w, const std::vector<uint8_t>& act,
                           size_t act_stride, int64_t n_cols) {
  const size_t out_stride = static_cast<size_t>(w.n_rows) + 3;
  std::vector<float> out(out_stride * n_cols, kSentinel);
  GemmArgs args;
  args.n = w.n;
  args.w = w.bytes.data();
  args.w_stride = w.stride;
  args.n_rows = w.n_rows;
  args.act = act.data();
  args.act_stride = act_stride;
  args.n_cols = n_cols;
  args.out = out.data();
  args.out_stride = out_stride;
  k.gemm(args);
  std::vector<float> packed;
  for (int64_t c = 0; c < n_cols; ++c) {
    for (size_t r = 0; r < out_stride; ++r) {
      const float v = out[c * out_stride + r];
      if (r < static_cast<size_t>(w.n_rows)) {
        packed.push_back(v);
      } else {
        EXPECT_EQ(v, kSentinel) << "output padding written at column " << c << " row " << r;
      }
    }
  }
  return packed;
}

struct Result {
  std::vector<uint8_t> act;
  std::vector<float> out;
};

// Checks one shape on one kernel against the exact dot products.
Result CheckShape(const MatMulKernel& k, const Weights& w, const std::vector<float>& x,
                  int64_t n_cols) {
  const int64_t n = w.n;
  const size_t act_stride = k.act_row_bytes(n) + 12;  // padded, unaligned
  Result res;
  res.act = EncodeActivations(k, x, n_cols, n, act_stride);
  for (int64_t c = 0; c + 1 < n_cols; ++c) {
    for (size_t i = k.act_row_bytes(n); i < act_stride; ++i) {
      EXPECT_EQ(res.act[c * act_stride + i], kByteSentinel) << "activation padding written";
    }
  }
  res.out = RunGemm(k, w, res.act, act_stride, n_cols);
  int failures = 0;
  for (int64_t c = 0; c < n_cols; ++c) {
    for (int64_t r = 0; r < w.n_rows; ++r) {
      const Bound e = ExpectedDot(k.weight_type, w.decoded.data() + r * n, x.data() + c * n, n);
      const float got = res.out[c * w.n_rows + r];
      if (!(std::fabs(got - e.exact) <= e.bound) && ++failures <= 3) {
        ADD_FAILURE() << "row " << r << " col " << c << ": got " << got << ", exact " << e.exact
                      << ", bound " << e.bound;
      }
    }
  }
  return res;
}

std::vector<int64_t> Lengths(GgmlType type) {
  std::vector<int64_t> ns = {32, 64, 96, 4096 + 32};
  if (!IsQuantized(type)) ns.insert(ns.end(), {1, 7, 8, 9, 31, 33, 100, 257});
  return ns;
}

// Every ISA on every shape, against the exact dot products and against the
// portable path.
void CheckShapes(GgmlType type, const std::vector<int64_t>& lengths,
                 const std::vector<int64_t>& row_counts, const std::vector<int64_t>& col_counts) {
  std::mt19937 rng(static_cast<uint32_t>(type) * 7919u + 17u);
  const std::vector<Isa> isas = SupportedIsas();
  for (int64_t n : lengths) {
    for (int64_t n_rows : row_counts) {
      const Weights w = MakeWeights(type, n_rows, n, rng);
      for (int64_t n_cols : col_counts) {
        const std::vector<float> x = MakeActivations(n_cols, n, rng);
        std::vector<Result> results;
        for (Isa isa : isas) {
          SCOPED_TRACE(absl::StrCat(Name(type, isa), " n=", n, " rows=", n_rows, " cols=", n_cols));
          const MatMulKernel* k = FindFloatQ0Kernel(type, isa);
          ASSERT_NE(k, nullptr);
          results.push_back(CheckShape(*k, w, x, n_cols));
        }
        // Every other ISA against the portable path.
        for (size_t i = 1; i < results.size(); ++i) {
          SCOPED_TRACE(absl::StrCat(Name(type, isas[i]), " vs portable n=", n, " rows=", n_rows,
                                    " cols=", n_cols));
          EXPECT_EQ(results[i].act, results[0].act) << "activation encodings differ";
          int failures = 0;
          for (int64_t c = 0; c < n_cols; ++c) {
            for (int64_t r = 0; r < n_rows; ++r) {
              const Bound e = ExpectedDot(type, w.decoded.data() + r * n, x.data() + c * n, n);
              const float a = results[i].out[c * n_rows + r];
              const float p = results[0].out[c * n_rows + r];
              if (!(std::fabs(a - p) <= 1e-5 * e.magnitude + 1e-30) && ++failures <= 3) {
                ADD_FAILURE() << "row " << r << " col " << c << ": " << a << " vs " << p;
              }
            }
          }
        }
      }
    }
  }
}

void CheckType(GgmlType type) {
  CheckShapes(type, Lengths(type), {1, 3, 17}, {1, 2, 3, 5, 8, 13, 64});
  // Rows long enough that the kernels split them into several chunks (for
  // one column too).
  CheckShapes(type, {16384 + 96}, {5}, {1, 2});
}

TEST(FloatQ0Kernels, F32) { CheckType(GgmlType::kF32); }
TEST(FloatQ0Kernels, F16) { CheckType(GgmlType::kF16); }
TEST(FloatQ0Kernels, BF16) { CheckType(GgmlType::kBF16); }
TEST(FloatQ0Kernels, Q8_0) { CheckType(GgmlType::kQ8_0); }
TEST(FloatQ0Kernels, Q4_0) { CheckType(GgmlType::kQ4_0); }

TEST(FloatQ0Kernels, TablesDescribeTheirKernels) {
  for (Isa isa : {Isa::kPortable, Isa::kAvx2}) {
    for (GgmlType type :
         {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
      const MatMulKernel* k = FindFloatQ0Kernel(type, isa);
      ASSERT_NE(k, nullptr) << Name(type, isa);
      EXPECT_EQ(k->weight_type, type);
      EXPECT_EQ(k->isa, isa);
      ASSERT_NE(k->gemm, nullptr);
      ASSERT_NE(k->quantize_act, nullptr);
      if (IsQuantized(type)) {
        EXPECT_EQ(k->act, ActivationFormat::kQ8_0);
        EXPECT_EQ(k->act_row_bytes(96), 3 * sizeof(ActQ8_0Block));
      } else {
        EXPECT_EQ(k->act, ActivationFormat::kF32);
        EXPECT_EQ(k->act_row_bytes(7), 28u);
      }
    }
    for (GgmlType type : {GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K, GgmlType::kQ4_1}) {
      EXPECT_EQ(FindFloatQ0Kernel(type, isa), nullptr) << Name(type, isa);
    }
  }
}

// ggml's block_q8_0 rule on a hand-made block: d = 127/127 = 1, ties round
// to even, and the fp16 scale is stored little-endian first.
TEST(FloatQ0Kernels, QuantizeActRoundsHalfToEven) {
  float x[32] = {127.0f, 2.5f, 3.5f, -2.5f, -3.5f, 0.49f, -0.0f, 1.5f};
  const int8_t want[8] = {127, 2, 4, -2, -4, 0, 0, 2};
  for (Isa isa : SupportedIsas()) {
    const MatMulKernel* k = FindFloatQ0Kernel(GgmlType::kQ8_0, isa);
    ActQ8_0Block block;
    k->quantize_act(x, 32, reinterpret_cast<uint8_t*>(&block));
    EXPECT_EQ(block.d, 0x3C00) << IsaName(isa);  // fp16 1.0
    for (int i = 0; i < 8; ++i) EXPECT_EQ(block.qs[i], want[i]) << IsaName(isa) << " element " << i;
    for (int i = 8; i < 32; ++i) EXPECT_EQ(block.qs[i], 0) << IsaName(isa) << " element " << i;
  }
}

// Edge inputs: zero, subnormal and tiny blocks (scale 0), huge blocks (scale
// clamped to 65504, quants saturate), outliers. Both paths, same bytes.
TEST(FloatQ0Kernels, QuantizeActEdgeValuesMatchAcrossIsas) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(32 * 8);
  for (float& v : x) v = normal(rng);
  for (int i = 0; i < 32; ++i) x[i] = 0.0f;                   // all zero
  for (int i = 32; i < 64; ++i) x[i] = 1e-40f * (i - 40);     // subnormal
  for (int i = 64; i < 96; ++i) x[i] = 1e-7f * normal(rng);   // d below fp16's range
  for (int i = 96; i < 128; ++i) x[i] = 1e30f * normal(rng);  // d above fp16's range
  x[130] = 1e9f;
  x[200] = -65504.0f * 127.0f;
  std::vector<std::vector<uint8_t>> encoded;
  for (Isa isa : SupportedIsas()) {
    const MatMulKernel* k = FindFloatQ0Kernel(GgmlType::kQ4_0, isa);
    std::vector<uint8_t> out(k->act_row_bytes(static_cast<int64_t>(x.size())));
    k->quantize_act(x.data(), static_cast<int64_t>(x.size()), out.data());
    ActQ8_0Block blocks[8];
    std::memcpy(blocks, out.data(), sizeof(blocks));
    EXPECT_EQ(blocks[0].d, 0) << IsaName(isa);
    EXPECT_EQ(blocks[1].d, 0) << IsaName(isa);
    EXPECT_EQ(blocks[3].d, 0x7BFF) << IsaName(isa);
    for (int b : {0, 1, 2}) {
      for (int i = 0; i < 32; ++i) EXPECT_EQ(blocks[b].qs[i], 0) << IsaName(isa);
    }
    for (int i = 0; i < 32; ++i) {
      EXPECT_EQ(blocks[3].qs[i], x[96 + i] > 0 ? 127 : -127) << IsaName(isa) << " element " << i;
    }
    encoded.push_back(out);
  }
  for (size_t i = 1; i < encoded.size(); ++i) EXPECT_EQ(encoded[i], encoded[0]);
}

// Zero activations (every block's d is 0) give exact zeros, never NaN, even
// against large weights.
TEST(FloatQ0Kernels, ZeroActivationsGiveExactZeros) {
  std::mt19937 rng(11);
  for (GgmlType type :
       {GgmlType::kF32, GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
    const Weights w = MakeWeights(type, 5, 96, rng);
    const std::vector<float> x(96 * 4, 0.0f);
    for (Isa isa : SupportedIsas()) {
      const MatMulKernel* k = FindFloatQ0Kernel(type, isa);
      const std::vector<uint8_t> act = EncodeActivations(*k, x, 4, 96, k->act_row_bytes(96));
      const std::vector<float> out = RunGemm(*k, w, act, k->act_row_bytes(96), 4);
      for (float v : out) EXPECT_EQ(v, 0.0f) << Name(type, isa);
    }
  }
}

}  // namespace
}  // namespace fleet::engine::kernels::cpu
