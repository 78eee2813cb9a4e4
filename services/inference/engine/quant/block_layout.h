#pragma once
// Byte layouts of ggml's quantized blocks (ggml-common.h: block_q8_0,
// block_q4_0, block_q4_K, block_q5_K, block_q6_K), as constants and small
// helpers shared by the encoders, the decoders and the CPU kernels. Every
// multi-byte field is little-endian; blocks have no padding. See
// docs/engine.md, "Tensor types: encodings and decoders" for the full description.
//
// Thread safety: constants and pure functions.

#include <cstddef>
#include <cstdint>

#include "services/inference/engine/quant/fp16.h"

namespace fleet::engine::quant {

// Q8_0: fp16 d, int8 qs[32]; x = d * q.
inline constexpr size_t kQ8_0BlockSize = 32;
inline constexpr size_t kQ8_0BlockBytes = 34;

// Q4_0: fp16 d, uint8 qs[16]; element j (0..15) is the low nibble of qs[j],
// element j + 16 the high nibble; x = d * (q - 8).
inline constexpr size_t kQ4_0BlockSize = 32;
inline constexpr size_t kQ4_0BlockBytes = 18;

// K-quants: a super-block of 256 elements.
inline constexpr size_t kQKK = 256;

// Q4_K: fp16 d, fp16 dmin, scales[12] (8 packed 6-bit scales and 8 mins),
// qs[128]; sub-block s (32 elements) has x = (d*sc_s) * q - (dmin*m_s).
inline constexpr size_t kQ4_KBlockBytes = 144;
inline constexpr size_t kQ4_KScalesOffset = 4;
inline constexpr size_t kQ4_KQsOffset = 16;

// Q5_K: fp16 d, fp16 dmin, scales[12], qh[32], qs[128].
inline constexpr size_t kQ5_KBlockBytes = 176;
inline constexpr size_t kQ5_KScalesOffset = 4;
inline constexpr size_t kQ5_KQhOffset = 16;
inline constexpr size_t kQ5_KQsOffset = 48;

// Q6_K: ql[128], qh[64], int8 scales[16], fp16 d; x = (d*sc_s) * (q - 32).
inline constexpr size_t kQ6_KBlockBytes = 210;
inline constexpr size_t kQ6_KQhOffset = 128;
inline constexpr size_t kQ6_KScalesOffset = 192;
inline constexpr size_t kQ6_KDOffset = 208;

// Number of bytes of packed 6-bit scales/mins in Q4_K and Q5_K.
inline constexpr size_t kKScaleBytes = 12;

inline uint16_t LoadU16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (static_cast<uint16_t>(p[1]) << 8));
}
inline void StoreU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v & 0xFF);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline float LoadHalf(const uint8_t* p) { return HalfToFloat(LoadU16(p)); }

// Sub-block j's (0..7) 6-bit scale and min from the 12 packed bytes of a
// Q4_K/Q5_K block (ggml's get_scale_min_k4). Bytes 0..3 hold scales 0..3 in
// their low 6 bits, bytes 4..7 mins 0..3; bytes 8..11 hold the low 4 bits of
// scale j+4 (low nibble) and min j+4 (high nibble), whose top 2 bits sit in
// the top 2 bits of bytes j and j+4.
inline void UnpackScaleMinK4(int j, const uint8_t* q, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *sc = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

// The inverse of UnpackScaleMinK4 for all 8 sub-blocks; each value must be
// < 64 (higher bits are dropped).
inline void PackScaleMinK4(const uint8_t sc[8], const uint8_t m[8], uint8_t out[kKScaleBytes]) {
  for (int j = 0; j < 4; ++j) {
    out[j] = static_cast<uint8_t>((sc[j] & 63) | (((sc[j + 4] >> 4) & 3) << 6));
    out[j + 4] = static_cast<uint8_t>((m[j] & 63) | (((m[j + 4] >> 4) & 3) << 6));
    out[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
  }
}

}  // namespace fleet::engine::quant
