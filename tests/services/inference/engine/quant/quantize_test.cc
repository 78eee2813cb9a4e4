#include "services/inference/engine/quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/fp16.h"

namespace fleet::engine::quant {
namespace {

using gguf::GgmlType;
using ::testing::HasSubstr;

std::vector<uint8_t> Encode(GgmlType type, const std::vector<float>& x) {
  const gguf::GgmlTypeTraits* t = gguf::FindSupportedGgmlType(type);
  std::vector<uint8_t> bytes(x.size() / t->block_size * t->bytes_per_block);
  absl::Status s = QuantizeRow(type, x, absl::MakeSpan(bytes));
  EXPECT_TRUE(s.ok()) << s;
  return bytes;
}

std::vector<float> RoundTrip(GgmlType type, const std::vector<float>& x) {
  const std::vector<uint8_t> bytes = Encode(type, x);
  std::vector<float> y(x.size());
  absl::Status s = DequantizeRow(type, bytes, absl::MakeSpan(y));
  EXPECT_TRUE(s.ok()) << s;
  return y;
}

double Rms(const std::vector<float>& x) {
  double s = 0;
  for (float v : x) s += static_cast<double>(v) * v;
  return std::sqrt(s / x.size());
}

double RmsError(const std::vector<float>& x, const std::vector<float>& y) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double e = static_cast<double>(y[i]) - x[i];
    s += e * e;
  }
  return std::sqrt(s / x.size());
}

// Per-type bounds. Every element's error is at most
//   rel * (largest magnitude in its block or super-block) + abs_floor,
// where abs_floor covers fp16 scales that are subnormal for tiny data.
struct Bound {
  GgmlType type;
  size_t block;    // elements sharing one fp16 scale
  double rel;      // per-element bound, relative to the block's amax
  double rms_rel;  // RMS error / RMS of the data, Gaussian input
};
// Q8_0: half a step (amax/254) + fp16 rounding of d (127 * d * 2^-11).
// Q4_0: a full step amax/8 on the side opposite the largest element, + d rounding.
// K-quants: a step of the largest sub-block range over the code range, plus
// the 6-bit rounding of sub-block scales. Measured on Gaussian data (max /
// RMS): Q4_0 0.124/0.086, Q4_K 0.083/0.070, Q5_K 0.048/0.035, Q6_K
// 0.018/0.017, Q8_0 0.0043/0.0054.
const Bound kBounds[] = {
    {GgmlType::kQ8_0, 32, 1.0 / 254 + 1.0 / 2048 + 1e-6, 0.006},
    {GgmlType::kQ4_0, 32, 1.0 / 8 + 8.0 / 2048 + 1e-6, 0.10},
    {GgmlType::kQ4_K, 256, 0.12, 0.08},
    {GgmlType::kQ5_K, 256, 0.06, 0.04},
    {GgmlType::kQ6_K, 256, 0.03, 0.02},
};
// An fp16 scale below 2^-14 is subnormal, with absolute precision 2^-25:
// times a code of up to 128 that is 128 * 2^-25; doubled for slack.
constexpr double kAbsFloor = 128.0 * 0x1p-24;

void CheckBound(const Bound& b, const std::vector<float>& x, const std::string& what) {
  const std::vector<float> y = RoundTrip(b.type, x);
  for (size_t start = 0; start < x.size(); start += b.block) {
    double amax = 0;
    for (size_t i = start; i < start + b.block; ++i) amax = std::max(amax, std::fabs(double{x[i]}));
    for (size_t i = start; i < start + b.block; ++i) {
      ASSERT_TRUE(std::isfinite(y[i])) << gguf::GgmlTypeName(b.type) << " " << what << " @" << i;
      const double err = std::fabs(static_cast<double>(y[i]) - x[i]);
      ASSERT_LE(err, b.rel * amax + kAbsFloor)
          << gguf::GgmlTypeName(b.type) << " " << what << " element " << i << ": x=" << x[i]
          << " y=" << y[i] << " block amax=" << amax;
    }
  }
}

std::vector<float> Gaussian(size_t n, uint32_t seed, float sigma, float mean = 0.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(mean, sigma);
  std::vector<float> x(n);
  for (float& v : x) v = dist(rng);
  return x;
}

constexpr size_t kN = 256 * 8;

TEST(QuantizeTest, RoundTripWithinBoundsOnRandomAndEdgeData) {
  std::vector<std::pair<std::string, std::vector<float>>> cases;
  cases.emplace_back("gaussian", Gaussian(kN, 1, 1.0f));
  cases.emplace_back("gaussian-shifted", Gaussian(kN, 2, 0.5f, 2.0f));
  cases.emplace_back("zeros", std::vector<float>(kN, 0.0f));
  cases.emplace_back("const+", std::vector<float>(kN, 3.25f));
  cases.emplace_back("const-", std::vector<float>(kN, -0.7f));
  cases.emplace_back("huge", Gaussian(kN, 3, 2.0e4f));  // within Q4_0's 8 * 65504
  cases.emplace_back("tiny", Gaussian(kN, 4, 1.0e-4f));
  cases.emplace_back("very-tiny", Gaussian(kN, 5, 1.0e-7f));
  std::vector<float> neg = Gaussian(kN, 6, 1.0f);
  for (float& v : neg) v = -std::fabs(v) - 0.01f;
  cases.emplace_back("negative-only", neg);
  std::vector<float> pos = Gaussian(kN, 7, 1.0f);
  for (float& v : pos) v = std::fabs(v) + 5.0f;
  cases.emplace_back("positive-offset", pos);
  std::vector<float> outlier = Gaussian(kN, 8, 0.02f);
  for (size_t i = 0; i < kN; i += 97) outlier[i] = (i % 2 ? 40.0f : -40.0f);
  cases.emplace_back("outliers", outlier);
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> mixed(kN);  // magnitudes varying per 32-element sub-block
  for (size_t i = 0; i < kN; ++i) mixed[i] = uni(rng) * std::pow(10.0f, (i / 32) % 7 - 3.0f);
  cases.emplace_back("mixed-magnitudes", mixed);
  for (const Bound& b : kBounds) {
    for (const auto& [name, x] : cases) CheckBound(b, x, name);
  }
}

TEST(QuantizeTest, RmsErrorOnGaussianIsSmallAndOrdered) {
  const std::vector<float> x = Gaussian(256 * 64, 42, 1.0f);
  double prev = 1e9;
  // Ordered from coarsest to finest.
  for (GgmlType type :
       {GgmlType::kQ4_0, GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K, GgmlType::kQ8_0}) {
    const double rel = RmsError(x, RoundTrip(type, x)) / Rms(x);
    const Bound* bound = nullptr;
    for (const Bound& b : kBounds) {
      if (b.type == type) bound = &b;
    }
    EXPECT_LT(rel, bound->rms_rel) << gguf::GgmlTypeName(type);
    EXPECT_LT(rel, prev) << gguf::GgmlTypeName(type);
    prev = rel;
  }
}

TEST(QuantizeTest, KQuantSearchBeatsPlainMinMax) {
  // The error-minimising search must do better than mapping [min, max] onto
  // the code range: compare with that baseline computed here for Q4_K
  // (unquantized scales, so the baseline is even favoured).
  const std::vector<float> x = Gaussian(256 * 16, 5, 1.0f);
  double base = 0;
  for (size_t s = 0; s < x.size(); s += 32) {
    float lo = 0, hi = -HUGE_VALF;
    for (size_t i = s; i < s + 32; ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
    const double step = (hi - lo) / 15.0;
    for (size_t i = s; i < s + 32; ++i) {
      const double q = std::round((x[i] - lo) / step);
      const double e = lo + q * step - x[i];
      base += e * e;
    }
  }
  const double ours = RmsError(x, RoundTrip(GgmlType::kQ4_K, x));
  EXPECT_LT(ours, std::sqrt(base / x.size()));
}

TEST(QuantizeTest, FloatTypesAreExactOrRoundToNearest) {
  std::vector<float> x = Gaussian(64, 3, 100.0f);
  x[0] = -0.0f;
  x[1] = HUGE_VALF;
  x[2] = -HUGE_VALF;
  x[3] = std::nanf("");
  x[4] = 1e-40f;  // float subnormal
  x[5] = 1e6f;    // beyond fp16
  // F32: bit-exact, NaN and all.
  const std::vector<float> f32 = RoundTrip(GgmlType::kF32, x);
  EXPECT_EQ(std::memcmp(f32.data(), x.data(), x.size() * 4), 0);
  const std::vector<uint8_t> f16 = Encode(GgmlType::kF16, x);
  const std::vector<uint8_t> bf16 = Encode(GgmlType::kBF16, x);
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(f16[2 * i] | (f16[2 * i + 1] << 8), FloatToHalf(x[i])) << i;
    EXPECT_EQ(bf16[2 * i] | (bf16[2 * i + 1] << 8), FloatToBF16(x[i])) << i;
  }
  EXPECT_EQ(f16[1], 0x80);   // -0
  EXPECT_EQ(f16[11], 0x7C);  // 1e6 -> inf
}

// ggml's absmax rules, restated: Q8_0 d = amax/127, q = roundf(x * (1/d));
// Q4_0 d = max/-8, q = min(15, (int)(x * (1/d) + 8.5)).
TEST(QuantizeTest, Q8_0AndQ4_0FollowTheAbsmaxRule) {
  const std::vector<float> x = Gaussian(32 * 16, 21, 3.0f);
  const std::vector<uint8_t> q8 = Encode(GgmlType::kQ8_0, x);
  const std::vector<uint8_t> q4 = Encode(GgmlType::kQ4_0, x);
  for (size_t b = 0; b < x.size() / 32; ++b) {
    const float* xb = &x[b * 32];
    float amax = 0, max = 0;
    for (int j = 0; j < 32; ++j) {
      if (std::fabs(xb[j]) > amax) {
        amax = std::fabs(xb[j]);
        max = xb[j];
      }
    }
    const float d8 = amax / 127;
    ASSERT_EQ(q8[b * 34] | (q8[b * 34 + 1] << 8), FloatToHalf(d8));
    for (int j = 0; j < 32; ++j) {
      ASSERT_EQ(static_cast<int8_t>(q8[b * 34 + 2 + j]),
                static_cast<int>(roundf(xb[j] * (1 / d8))));
    }
    const float d4 = max / -8;
    ASSERT_EQ(q4[b * 18] | (q4[b * 18 + 1] << 8), FloatToHalf(d4));
    for (int j = 0; j < 32; ++j) {
      const int want = std::min(15, static_cast<int>(xb[j] * (1 / d4) + 8.5f));
      const uint8_t byte = q4[b * 18 + 2 + j % 16];
      ASSERT_EQ(j < 16 ? (byte & 0xF) : (byte >> 4), want) << b << " " << j;
    }
  }
}

TEST(QuantizeTest, ExactlyRepresentableDataRoundTripsExactly) {
  // Multiples of an fp16 step with the block's extreme at -8 (Q4_0) or +-127 (Q8_0).
  std::vector<float> x4(64), x8(64);
  for (int i = 0; i < 64; ++i) {
    x4[i] = 0.25f * static_cast<float>(i % 16 - 8);
    x8[i] = 0.5f * static_cast<float>((i * 37) % 255 - 127);
  }
  x8[0] = -63.5f;
  x8[40] = 63.5f;  // both blocks reach |q| = 127
  EXPECT_EQ(RoundTrip(GgmlType::kQ4_0, x4), x4);
  EXPECT_EQ(RoundTrip(GgmlType::kQ8_0, x8), x8);
  // K-quants: zeros decode exactly; a constant row to within the fp16
  // rounding of its super-block scale (2^-11 relative, times the code).
  for (GgmlType type : {GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K}) {
    const std::vector<float> zeros(256, 0.0f);
    EXPECT_EQ(RoundTrip(type, zeros), zeros) << gguf::GgmlTypeName(type);
    for (float c : {-2.0f, 0.37f, 1000.0f}) {
      const std::vector<float> y = RoundTrip(type, std::vector<float>(256, c));
      for (float v : y) ASSERT_NEAR(v, c, std::fabs(c) * 0x1p-10) << gguf::GgmlTypeName(type);
    }
  }
}

TEST(QuantizeTest, ScalesBeyondFp16Saturate) {
  std::vector<float> x(256, 0.0f);
  x[0] = 3e38f;
  x[1] = -3e38f;
  x[2] = 1.0f;
  for (GgmlType type :
       {GgmlType::kQ8_0, GgmlType::kQ4_0, GgmlType::kQ4_K, GgmlType::kQ5_K, GgmlType::kQ6_K}) {
    const std::vector<float> y = RoundTrip(type, x);
    for (size_t i = 0; i < y.size(); ++i) ASSERT_TRUE(std::isfinite(y[i])) << i;
    // Saturated with the right sign (Q4_0's range ends at 8 * 65504).
    EXPECT_GT(y[0], 4e5f) << gguf::GgmlTypeName(type);
    EXPECT_LT(y[1], -4e5f) << gguf::GgmlTypeName(type);
  }
}

TEST(QuantizeTest, Deterministic) {
  const std::vector<float> x = Gaussian(256 * 4, 77, 0.3f);
  for (const Bound& b : kBounds) {
    EXPECT_EQ(Encode(b.type, x), Encode(b.type, x)) << gguf::GgmlTypeName(b.type);
  }
}

TEST(QuantizeTest, Errors) {
  std::vector<float> x(256, 1.0f);
  std::vector<uint8_t> out(210);
  absl::Status s =
      QuantizeRow(GgmlType::kQ6_K, absl::MakeSpan(x).subspan(0, 128), absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("block size 256"));
  s = QuantizeRow(GgmlType::kQ6_K, x, absl::MakeSpan(out).subspan(0, 209));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("210 bytes, got 209"));
  s = QuantizeRow(GgmlType::kIQ2_XS, x, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("IQ2_XS"));
  x[5] = std::nanf("");
  s = QuantizeRow(GgmlType::kQ6_K, x, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("element 5"));
  x[5] = 1.0f;
  x[7] = -HUGE_VALF;
  std::vector<uint8_t> q8(8 * 34);
  s = QuantizeRow(GgmlType::kQ8_0, x, absl::MakeSpan(q8));
  EXPECT_THAT(std::string(s.message()), HasSubstr("element 7"));
  EXPECT_TRUE(QuantizeRow(GgmlType::kQ4_K, {}, {}).ok());
}

}  // namespace
}  // namespace fleet::engine::quant
