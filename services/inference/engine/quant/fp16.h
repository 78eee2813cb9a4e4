#pragma once
// Scalar conversions between float32 and the two 16-bit float formats that
// ggml stores: IEEE 754 binary16 ("F16", also the scale type of every
// quantized block) and bfloat16 ("BF16", the top half of a float32).
//
// Contract:
//   HalfToFloat  exact for every one of the 65536 inputs: subnormals, +-0,
//                +-inf; a NaN stays a NaN with its sign and payload.
//   FloatToHalf  round to nearest, ties to even (what F16C and ggml do);
//                magnitudes that round past 65504 become +-inf; values below
//                half the smallest subnormal become +-0; NaN becomes a quiet
//                NaN (sign and the top payload bits kept).
//   BF16ToFloat  exact.
//   FloatToBF16  round to nearest, ties to even, subnormals kept, overflow to
//                +-inf; NaN becomes a quiet NaN (ggml's rule: top 16 bits
//                with the quiet bit set).
// So FloatToHalf(HalfToFloat(h)) == h for every non-NaN h, and the same for
// bf16.
//
// Thread safety: pure functions.

#include <cstdint>
#include <cstring>

namespace fleet::engine::quant {

inline uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

inline float BitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float.
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return BitsToFloat(FloatBits(magnitude) | sign);
  }
  if (exponent == 0x1F) {
    // Inf (mantissa 0) or NaN (payload moved to the top of float's mantissa).
    return BitsToFloat(sign | 0x7F800000u | (mantissa << 13));
  }
  // Normal: rebias the exponent from 15 to 127.
  return BitsToFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

inline uint16_t FloatToHalf(float f) {
  const uint32_t bits = FloatBits(f);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t abs_bits = bits & 0x7FFFFFFFu;
  if (abs_bits > 0x7F800000u) {
    // NaN: quiet bit set, top 9 payload bits kept.
    return static_cast<uint16_t>(sign | 0x7E00u | ((abs_bits >> 13) & 0x1FFu));
  }
  if (abs_bits >= 0x47800000u) return static_cast<uint16_t>(sign | 0x7C00u);  // >= 65536, inf
  if (abs_bits >= 0x38800000u) {
    // Normal half range (>= 2^-14): rebias, drop 13 mantissa bits, round to
    // nearest even. A carry out of the mantissa correctly bumps the exponent,
    // up to inf for [65520, 65536).
    uint32_t h = (abs_bits - (112u << 23)) >> 13;
    const uint32_t rest = abs_bits & 0x1FFFu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u) != 0)) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  // Subnormal half (or zero): value = m * 2^(e - 150) with the implicit bit;
  // in units of 2^-24 that is m >> (126 - e).
  const uint32_t exponent = abs_bits >> 23;
  const uint32_t shift = 126u - exponent;  // >= 14 here
  if (shift > 24u) return sign;            // below 2^-25: rounds to zero
  const uint32_t mantissa = (abs_bits & 0x7FFFFFu) | 0x800000u;
  uint32_t h = mantissa >> shift;
  const uint32_t rest = mantissa & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1u);
  if (rest > half || (rest == half && (h & 1u) != 0)) ++h;  // may become the smallest normal
  return static_cast<uint16_t>(sign | h);
}

inline float BF16ToFloat(uint16_t b) { return BitsToFloat(static_cast<uint32_t>(b) << 16); }

inline uint16_t FloatToBF16(float f) {
  const uint32_t bits = FloatBits(f);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
    return static_cast<uint16_t>((bits >> 16) | 0x40u);  // quiet NaN
  }
  const uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

}  // namespace fleet::engine::quant
