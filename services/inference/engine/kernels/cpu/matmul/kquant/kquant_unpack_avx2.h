#pragma once
// AVX2 building blocks of the K-quant kernels: decoding a weight block's
// quants, scales and mins into registers or into an UnpackedBlock scratch.
// Include ONLY from *_avx2.cc files (compiled with -mavx2 -mfma -mf16c).
//
// Register form of one 256-element block: 8 chunks of 32 unsigned quants
// (element order, as the Q8_K activation qs), each multiplied against 32
// activation bytes with maddubs (16 int16 lanes: lanes 0..7 from elements
// 0..15, lanes 8..15 from 16..31) and then by a vector of 16 int16 sub-block
// scales with madd. Q4_K/Q5_K sub-blocks are 32 long (one scale per chunk),
// Q6_K's 16 long (lanes 0..7 scale 2k, lanes 8..15 scale 2k+1).
//
// Value ranges (why nothing overflows): quants <= 63, activations in
// [-128, 127], so maddubs pairs stay within +-16128 (no saturation); scales
// |sc| <= 128 and at most 8 chunks per block keep every int32 lane below 2^26.
//
// Thread safety: pure functions.

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/quant/block_layout.h"

namespace fleet::engine::kernels::cpu::kquant_detail::avx2 {

inline constexpr size_t kActQsOffset = offsetof(ActQ8_KBlock, qs);
inline constexpr size_t kActBsumsOffset = offsetof(ActQ8_KBlock, bsums);

inline float LoadHalf(const uint8_t* p) { return _cvtsh_ss(quant::LoadU16(p)); }

inline float LoadFloat(const uint8_t* p) {
  float f;
  std::memcpy(&f, p, sizeof(f));
  return f;
}

inline __m256i Load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float HorizontalSum(__m128 s) {
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// The 8 six-bit scales and 8 mins of a Q4_K/Q5_K block (its 12 packed bytes;
// the same unpacking as quant::UnpackScaleMinK4), as int16.
struct ScalesMins {
  __m128i scales;
  __m128i mins;
};
inline ScalesMins LoadScalesMinsK4(const uint8_t* packed) {
  uint32_t u[3];
  std::memcpy(u, packed, sizeof(u));
  const uint32_t sc_lo = u[0] & 0x3F3F3F3Fu;
  const uint32_t m_lo = u[1] & 0x3F3F3F3Fu;
  const uint32_t sc_hi = (u[2] & 0x0F0F0F0Fu) | (((u[0] >> 6) & 0x03030303u) << 4);
  const uint32_t m_hi = ((u[2] >> 4) & 0x0F0F0F0Fu) | (((u[1] >> 6) & 0x03030303u) << 4);
  const __m128i bytes = _mm_setr_epi32(static_cast<int>(sc_lo), static_cast<int>(sc_hi),
                                       static_cast<int>(m_lo), static_cast<int>(m_hi));
  return {_mm_cvtepu8_epi16(bytes), _mm_cvtepu8_epi16(_mm_srli_si128(bytes, 8))};
}

// Shuffle control broadcasting int16 lane `k` (0..7) of each 128-bit half.
inline __m256i BroadcastLaneMask(int k) {
  return _mm256_set1_epi16(static_cast<int16_t>(((2 * k + 1) << 8) | (2 * k)));
}

// Shuffle control for Q6_K chunk k (0..3) of a half: low 128 bits take lane
// 2k, high 128 bits lane 2k + 1 (scales of sub-blocks 2k and 2k + 1).
inline __m256i Q6ScaleMask(int k) {
  return _mm256_setr_m128i(_mm_set1_epi16(static_cast<int16_t>(((4 * k + 1) << 8) | (4 * k))),
                           _mm_set1_epi16(static_cast<int16_t>(((4 * k + 3) << 8) | (4 * k + 2))));
}

// Q4_K: the 32 bytes of chunk pair j hold elements 64j.. (low nibbles) and
// 64j + 32.. (high nibbles).
inline void DecodeQ4Pair(const uint8_t* qs32, __m256i* lo, __m256i* hi) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  const __m256i x = Load256(qs32);
  *lo = _mm256_and_si256(x, m4);
  *hi = _mm256_and_si256(_mm256_srli_epi16(x, 4), m4);
}

// Q5_K: as Q4_K plus a fifth bit from qh; `qh_shifted` is qh >> 2j (per
// byte; the caller shifts 16-bit lanes, only bits 0 and 1 are read).
inline void AddQ5HighBits(__m256i qh_shifted, __m256i* lo, __m256i* hi) {
  const __m256i bit4 = _mm256_set1_epi8(0x10);
  *lo = _mm256_or_si256(*lo, _mm256_and_si256(_mm256_slli_epi16(qh_shifted, 4), bit4));
  *hi = _mm256_or_si256(*hi, _mm256_and_si256(_mm256_slli_epi16(qh_shifted, 3), bit4));
}

// Q6_K: the four chunks (elements 0..31, 32..63, 64..95, 96..127) of half
// `half` of a block, as unsigned 6-bit values (the -32 is applied via bsums).
inline void DecodeQ6Half(const uint8_t* blk, int half, __m256i q[4]) {
  const __m256i m4 = _mm256_set1_epi8(0x0F);
  const __m256i ql0 = Load256(blk + 64 * half);
  const __m256i ql1 = Load256(blk + 64 * half + 32);
  const __m256i qh = Load256(blk + quant::kQ6_KQhOffset + 32 * half);
  // Each qh pair is masked before the 16-bit shift, so no bit crosses a byte.
  const __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(0x03)), 4);
  const __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(0x0C)), 2);
  const __m256i h2 = _mm256_and_si256(qh, _mm256_set1_epi8(0x30));
  const __m256i h3 =
      _mm256_srli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(static_cast<char>(0xC0))), 2);
  q[0] = _mm256_or_si256(_mm256_and_si256(ql0, m4), h0);
  q[1] = _mm256_or_si256(_mm256_and_si256(ql1, m4), h1);
  q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), h2);
  q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4), h3);
}

// One weight block decoded for the tile path (see kquant_gemm_avx2.cc): the
// dot with an activation block is
//   kFoldMin = false:  d*da * sum(madd(maddubs(q_k, a_k), scales_k)) -
//                      dmin*da * sum(madd(mins, bsums))
//   kFoldMin = true:   d*da * (sum(...) - 32 * sum(madd(mins, bsums)))
struct alignas(32) UnpackedBlock {
  uint8_t q[kQK];
  int16_t scales[8][16];
  int16_t mins[16];  // coefficient of bsums[g]
  float d;
  float dmin;
};

inline void StoreQ4Q5Scales(const ScalesMins& sm, UnpackedBlock* u) {
  const __m256i sc = _mm256_broadcastsi128_si256(sm.scales);
  for (int k = 0; k < 8; ++k) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(u->scales[k]),
                       _mm256_shuffle_epi8(sc, BroadcastLaneMask(k)));
  }
  // Sub-block s covers bsums groups 2s and 2s + 1.
  _mm_store_si128(reinterpret_cast<__m128i*>(u->mins), _mm_unpacklo_epi16(sm.mins, sm.mins));
  _mm_store_si128(reinterpret_cast<__m128i*>(u->mins + 8), _mm_unpackhi_epi16(sm.mins, sm.mins));
}

inline void UnpackQ4K(const uint8_t* blk, UnpackedBlock* u) {
  u->d = LoadHalf(blk);
  u->dmin = LoadHalf(blk + 2);
  StoreQ4Q5Scales(LoadScalesMinsK4(blk + quant::kQ4_KScalesOffset), u);
  for (int j = 0; j < 4; ++j) {
    __m256i lo, hi;
    DecodeQ4Pair(blk + quant::kQ4_KQsOffset + 32 * j, &lo, &hi);
    _mm256_store_si256(reinterpret_cast<__m256i*>(u->q + 64 * j), lo);
    _mm256_store_si256(reinterpret_cast<__m256i*>(u->q + 64 * j + 32), hi);
  }
}

inline void UnpackQ5K(const uint8_t* blk, UnpackedBlock* u) {
  u->d = LoadHalf(blk);
  u->dmin = LoadHalf(blk + 2);
  StoreQ4Q5Scales(LoadScalesMinsK4(blk + quant::kQ5_KScalesOffset), u);
  __m256i qh = Load256(blk + quant::kQ5_KQhOffset);
  for (int j = 0; j < 4; ++j) {
    __m256i lo, hi;
    DecodeQ4Pair(blk + quant::kQ5_KQsOffset + 32 * j, &lo, &hi);
    AddQ5HighBits(qh, &lo, &hi);
    qh = _mm256_srli_epi16(qh, 2);
    _mm256_store_si256(reinterpret_cast<__m256i*>(u->q + 64 * j), lo);
    _mm256_store_si256(reinterpret_cast<__m256i*>(u->q + 64 * j + 32), hi);
  }
}

inline void UnpackQ6K(const uint8_t* blk, UnpackedBlock* u) {
  u->d = LoadHalf(blk + quant::kQ6_KDOffset);
  u->dmin = 0.0f;
  const __m256i sc16 = _mm256_cvtepi8_epi16(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + quant::kQ6_KScalesOffset)));
  _mm256_store_si256(reinterpret_cast<__m256i*>(u->mins), sc16);
  for (int half = 0; half < 2; ++half) {
    const __m256i sc = _mm256_broadcastsi128_si256(half == 0 ? _mm256_castsi256_si128(sc16)
                                                             : _mm256_extracti128_si256(sc16, 1));
    __m256i q[4];
    DecodeQ6Half(blk, half, q);
    for (int k = 0; k < 4; ++k) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(u->q + 128 * half + 32 * k), q[k]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(u->scales[4 * half + k]),
                         _mm256_shuffle_epi8(sc, Q6ScaleMask(k)));
    }
  }
}

}  // namespace fleet::engine::kernels::cpu::kquant_detail::avx2
