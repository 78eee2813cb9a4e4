#include "services/inference/engine/quant/fp16.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>

#include "gtest/gtest.h"

namespace fleet::engine::quant {
namespace {

uint32_t Bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float FromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// binary16 value computed from its definition, in double.
double HalfValue(uint16_t h) {
  const int sign = (h & 0x8000) ? -1 : 1;
  const int exponent = (h >> 10) & 0x1F;
  const int mantissa = h & 0x3FF;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa == 0 ? sign * HUGE_VAL : NAN;
  return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

TEST(Fp16Test, HalfToFloatExhaustiveMatchesDefinition) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = HalfToFloat(static_cast<uint16_t>(h));
    const double want = HalfValue(static_cast<uint16_t>(h));
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(f)) << h;
      // Sign and payload survive.
      EXPECT_EQ(Bits(f) >> 31, h >> 15) << h;
      EXPECT_EQ((Bits(f) >> 13) & 0x3FF, h & 0x3FF) << h;
    } else {
      ASSERT_EQ(static_cast<double>(f), want) << h;
      EXPECT_EQ(std::signbit(f), (h & 0x8000) != 0) << h;  // -0 stays -0
    }
  }
}

TEST(Fp16Test, AllHalvesRoundTripThroughFloat) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const uint16_t back = FloatToHalf(HalfToFloat(static_cast<uint16_t>(h)));
    const bool is_nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
    if (is_nan) {
      EXPECT_EQ(back & 0x7C00, 0x7C00) << h;
      EXPECT_NE(back & 0x3FF, 0) << h;
      EXPECT_NE(back & 0x200, 0) << h;  // quiet
      EXPECT_EQ(back & 0x8000, h & 0x8000) << h;
      if (h & 0x200) {
        EXPECT_EQ(back, h) << h;  // quiet NaNs are kept as they are
      }
    } else {
      ASSERT_EQ(back, h) << h;
    }
  }
}

TEST(Fp16Test, FloatToHalfKnownValues) {
  EXPECT_EQ(FloatToHalf(0.0f), 0x0000);
  EXPECT_EQ(FloatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(FloatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(FloatToHalf(0.1f), 0x2E66);  // 0.0999755859375
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65519.99f), 0x7BFF);  // below the midpoint to 65536
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7C00);   // midpoint, ties to even = inf
  EXPECT_EQ(FloatToHalf(1e10f), 0x7C00);
  EXPECT_EQ(FloatToHalf(-1e10f), 0xFC00);
  EXPECT_EQ(FloatToHalf(HUGE_VALF), 0x7C00);
  EXPECT_EQ(FloatToHalf(-HUGE_VALF), 0xFC00);
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -14)), 0x0400);  // smallest normal
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -25)), 0x0000);  // midpoint to 0: even
  EXPECT_EQ(FloatToHalf(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(FloatToHalf(std::ldexp(3.0f, -25)), 0x0002);  // 1.5 ulp: tie to even (2)
  EXPECT_EQ(FloatToHalf(std::ldexp(5.0f, -25)), 0x0002);  // 2.5 ulp: tie to even (2)
  EXPECT_EQ(FloatToHalf(-std::ldexp(1.0f, -30)), 0x8000);
  EXPECT_EQ(FloatToHalf(1e-45f), 0x0000);  // float subnormal
  // 1 + 2^-11 is the midpoint between 1 and 1 + 2^-10: ties to even (1).
  EXPECT_EQ(FloatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  EXPECT_EQ(FloatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Largest subnormal rounding up into the smallest normal.
  EXPECT_EQ(FloatToHalf(std::ldexp(1023.75f, -24)), 0x0400);
  const uint16_t nan = FloatToHalf(std::nanf(""));
  EXPECT_EQ(nan & 0x7E00, 0x7E00);
  EXPECT_EQ(FloatToHalf(FromBits(0x7F800001)) & 0x7E00, 0x7E00);  // signalling -> quiet NaN
  EXPECT_EQ(FloatToHalf(FromBits(0xFF800001)) & 0xFE00, 0xFE00);
}

// Independent of the implementation: the result is one of the two halves
// around f, the nearer one, and the even one on a tie.
void ExpectNearestEven(float f) {
  const uint16_t h = FloatToHalf(f);
  const double v = f;
  const double got = HalfValue(h);
  ASSERT_FALSE(std::isnan(got)) << f;
  if (std::fabs(v) >= 65520.0) {
    ASSERT_EQ(got, std::copysign(HUGE_VAL, v)) << f;
    return;
  }
  ASSERT_TRUE(std::isfinite(got)) << f;
  const uint16_t mag = h & 0x7FFF;
  const double err = std::fabs(got - v);
  // Neighbours of h in magnitude.
  if (mag < 0x7BFF) {
    const double up = HalfValue(static_cast<uint16_t>((h & 0x8000) | (mag + 1)));
    ASSERT_TRUE(err < std::fabs(up - v) || (err == std::fabs(up - v) && (h & 1) == 0))
        << f << " -> " << h;
  }
  if (mag > 0) {
    const double down = HalfValue(static_cast<uint16_t>((h & 0x8000) | (mag - 1)));
    ASSERT_TRUE(err < std::fabs(down - v) || (err == std::fabs(down - v) && (h & 1) == 0))
        << f << " -> " << h;
  }
}

TEST(Fp16Test, FloatToHalfRoundsToNearestEven) {
  // Every midpoint between adjacent finite halves, and its float neighbours.
  for (uint32_t h = 0; h < 0x7BFF; ++h) {
    const double mid =
        (HalfValue(static_cast<uint16_t>(h)) + HalfValue(static_cast<uint16_t>(h + 1))) / 2;
    const float m = static_cast<float>(mid);
    ASSERT_EQ(static_cast<double>(m), mid);  // exact in float
    for (float f : {m, std::nextafter(m, 0.0f), std::nextafter(m, HUGE_VALF)}) {
      ExpectNearestEven(f);
      ExpectNearestEven(-f);
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const float f = FromBits(static_cast<uint32_t>(rng()));
    if (std::isnan(f)) continue;
    ExpectNearestEven(f);
  }
}

#if defined(__FLT16_MAX__)
// The compiler's own _Float16 conversion (libgcc soft-float or F16C) as an
// oracle, when the platform has it.
TEST(Fp16Test, FloatToHalfMatchesCompilerFloat16) {
  std::mt19937 rng(11);
  for (int i = 0; i < 500000; ++i) {
    // Mostly floats near the half range, some fully random bit patterns.
    uint32_t bits = static_cast<uint32_t>(rng());
    if (i % 4 != 0) bits = (bits & 0x807FFFFFu) | ((100u + (bits >> 23) % 45u) << 23);
    const float f = FromBits(bits);
    if (std::isnan(f)) continue;
    const volatile float vf = f;
    const _Float16 oracle = static_cast<_Float16>(vf);
    uint16_t want;
    std::memcpy(&want, &oracle, 2);
    ASSERT_EQ(FloatToHalf(f), want) << "bits 0x" << std::hex << bits;
  }
}
#endif

TEST(Bf16Test, AllBf16RoundTripThroughFloat) {
  for (uint32_t b = 0; b < 65536; ++b) {
    const float f = BF16ToFloat(static_cast<uint16_t>(b));
    ASSERT_EQ(Bits(f), b << 16) << b;  // exact: the top half of a float
    const uint16_t back = FloatToBF16(f);
    const bool is_nan = (b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0;
    if (is_nan) {
      EXPECT_EQ(back, b | 0x40) << b;  // quiet
    } else {
      ASSERT_EQ(back, b) << b;
    }
  }
}

TEST(Bf16Test, FloatToBF16RoundsToNearestEven) {
  EXPECT_EQ(FloatToBF16(1.0f), 0x3F80);
  EXPECT_EQ(FloatToBF16(FromBits(0x3F808000)), 0x3F80);  // tie, even stays
  EXPECT_EQ(FloatToBF16(FromBits(0x3F818000)), 0x3F82);  // tie, odd rounds up
  EXPECT_EQ(FloatToBF16(FromBits(0x3F808001)), 0x3F81);  // above the tie
  EXPECT_EQ(FloatToBF16(FromBits(0x3F807FFF)), 0x3F80);
  EXPECT_EQ(FloatToBF16(FromBits(0x7F7FFFFF)), 0x7F80);  // overflow to inf
  EXPECT_EQ(FloatToBF16(FromBits(0xFF7FFFFF)), 0xFF80);
  EXPECT_EQ(FloatToBF16(FromBits(0x00018000)), 0x0002);  // subnormals are kept
  EXPECT_EQ(FloatToBF16(FromBits(0x7F800001)), 0x7FC0);  // signalling NaN -> quiet
  EXPECT_EQ(FloatToBF16(HUGE_VALF), 0x7F80);
  std::mt19937 rng(3);
  for (int i = 0; i < 200000; ++i) {
    const uint32_t bits = static_cast<uint32_t>(rng());
    const float f = FromBits(bits);
    if (std::isnan(f)) continue;
    const uint16_t b = FloatToBF16(f);
    const uint32_t lower = bits & 0xFFFF0000u;
    const uint32_t rest = bits & 0xFFFFu;
    const uint32_t want_hi = (rest > 0x8000u || (rest == 0x8000u && (lower & 0x10000u)))
                                 ? (lower >> 16) + 1
                                 : lower >> 16;
    ASSERT_EQ(b, want_hi) << std::hex << bits;
  }
}

}  // namespace
}  // namespace fleet::engine::quant
