// AVX2 kernels for Q8_0 and Q4_0 weights against Q8_0 activations, and the
// AVX2 Q8_0 activation encoder. Compiled with -mavx2 -mfma -mf16c; every
// helper has internal linkage (see float_q0_kernels.h).
//
// Per weight block and activation block the integer dot is exact (maddubs
// pair sums, madd to 8 int32 lanes), converted to float and accumulated with
// fp16(d_w) * fp16(d_x) by one FMA into an 8-lane accumulator.
//
// Decode (n_cols == 1, memory bound): kDecodeRows rows at a time share each
// activation block; their fp16 scales are packed in a general-purpose
// register and converted together.
// Prompts (n_cols > 1, compute bound): the row is split into chunks of blocks
// whose decoded scales fit stack buffers; per chunk, every group of kRows rows
// meets every group of kCols columns in a register tile, so each weight block
// is unpacked once per kCols columns, each activation block loaded once per
// kRows rows, and the scale products come precomputed (4 per vector multiply).

#include <immintrin.h>

#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/float_q0/float_q0_kernels.h"

namespace fleet::engine::kernels::cpu::float_q0 {
namespace {

constexpr int64_t kBlock = 32;
constexpr size_t kActBytes = 34;  // ActQ8_0Block

// Register tiles (measured on Zen 3 against 1x8, 2x5, 3x3 and 4x2 for
// prompts, 2 rows for decode): prompt processing (n_cols > 1) uses 2 weight
// rows x 4 activation columns (8 accumulators, no spills); decode (n_cols ==
// 1) 4 rows sharing each activation block.
constexpr int kRows = 2;
constexpr int kCols = 4;
constexpr int kDecodeRows = 4;

// Decoded scales of one chunk: columns x blocks (and rows x blocks).
constexpr int64_t kScaleFloats = 4096;
constexpr int64_t kMaxChunkBlocks = 512;

inline uint16_t LoadHalfBits(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof(v));  // little-endian host
  return v;
}
inline float LoadHalfF16c(const uint8_t* p) { return _cvtsh_ss(LoadHalfBits(p)); }

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Weight blocks and their integer dot with an activation block:
//  Q8_0: any int8 (-128 included), so |w| is the unsigned operand of
//        maddubs: maddubs(|w|, sign(x, w)); |x| <= 127 keeps every pair sum
//        inside int16.
//  Q4_0: the nibbles q in [0, 15] are the unsigned operand as they are:
//        maddubs(q, x) - maddubs(8, x) = pair sums of (q - 8) * x, where the
//        correction maddubs(8, x) depends on the activation block only and is
//        shared by every row.
// Then madd with ones gives 8 int32 lane sums (exact).
struct Q8_0Block {
  static constexpr size_t kBytes = 34;
  static __m256i Load(const uint8_t* b) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 2));
  }
  static __m256i PrepWeights(__m256i w) { return _mm256_sign_epi8(w, w); }
  static __m256i PrepAct(__m256i x) { return x; }
  static __m256i PairSums(__m256i w, __m256i w_prep, __m256i x, __m256i /*x_prep*/) {
    return _mm256_maddubs_epi16(w_prep, _mm256_sign_epi8(x, w));
  }
};
struct Q4_0Block {
  static constexpr size_t kBytes = 18;
  static __m256i Load(const uint8_t* b) {
    // The 16 bytes in both halves; the upper half shifted right by 4, so
    // elements 0..15 are the low nibbles and 16..31 the high ones.
    const __m256i q =
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 2)));
    const __m256i shifted = _mm256_srlv_epi64(q, _mm256_setr_epi64x(0, 0, 4, 4));
    return _mm256_and_si256(shifted, _mm256_set1_epi8(0x0F));
  }
  static __m256i PrepWeights(__m256i w) { return w; }
  static __m256i PrepAct(__m256i x) { return _mm256_maddubs_epi16(_mm256_set1_epi8(8), x); }
  static __m256i PairSums(__m256i w, __m256i /*w_prep*/, __m256i x, __m256i x_prep) {
    return _mm256_sub_epi16(_mm256_maddubs_epi16(w, x), x_prep);
  }
};

struct TileArgs {
  const uint8_t* w;  // row 0, first block of the chunk
  size_t w_stride;
  const uint8_t* x;  // column 0, first block of the chunk
  size_t x_stride;
  const float* scales;  // scales[(b * R + r) * C + c] = d_w(r, b) * d_x(c, b)
  int64_t kb;           // blocks in the chunk
  float* sums;          // sums[r * C + c]
};
using TileFn = void (*)(const TileArgs&);

// The register tile: R rows x C columns of 8-lane accumulators. Each weight
// block is loaded (and unpacked) once and used C times; each activation
// block once per R rows. The scales come premultiplied, so the only values
// live across the column loop are the accumulators and the R weight blocks.
template <typename W, int R, int C>
void Tile(const TileArgs& t) {
  __m256 acc[R][C];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) acc[r][c] = _mm256_setzero_ps();
  }
  const __m256i ones = _mm256_set1_epi16(1);
  const int64_t kb = t.kb;
  const float* scale = t.scales;
  for (int64_t b = 0; b < kb; ++b, scale += R * C) {
    __m256i w[R];
    __m256i wp[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      w[r] = W::Load(t.w + r * t.w_stride + b * W::kBytes);
      wp[r] = W::PrepWeights(w[r]);
    }
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) {
      const __m256i x = _mm256_loadu_si256(
          reinterpret_cast<const __m256i*>(t.x + c * t.x_stride + b * kActBytes + 2));
      const __m256i xp = W::PrepAct(x);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const __m256i v = _mm256_madd_epi16(W::PairSums(w[r], wp[r], x, xp), ones);
        acc[r][c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), _mm256_broadcast_ss(scale + r * C + c),
                                    acc[r][c]);
      }
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) t.sums[r * C + c] = HorizontalSum(acc[r][c]);
  }
}

// Decode (one column): R rows share each activation block (and |x|); the
// scale products are formed in the loop from the fp16 scales.
struct DecodeArgs {
  const uint8_t* w;  // row 0, first block of the chunk
  size_t w_stride;
  const uint8_t* x;  // first block of the chunk
  const float* dx;   // dx[b]
  int64_t kb;
  float* sums;  // sums[r]
};
using DecodeFn = void (*)(const DecodeArgs&);

template <typename W, int R>
void DecodeTile(const DecodeArgs& t) {
  static_assert(R <= 4);
  __m256 acc[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
  const __m256i ones = _mm256_set1_epi16(1);
  const uint8_t* rows[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) rows[r] = t.w + r * t.w_stride;
  alignas(16) float scale[4];
  // The next tile's R rows (R * kb blocks, contiguous when the chunk is the
  // whole row) are prefetched evenly while this one is computed: R blocks'
  // worth of bytes per block step. The hardware prefetchers alone keep too
  // few lines in flight for DRAM (measured: 26 -> 42 tokens/s on a Q8_0
  // Qwen2.5-0.5B shape). Prefetches past the matrix are harmless hints.
  const char* ahead = reinterpret_cast<const char*>(t.w + R * t.w_stride);
  for (int64_t b = 0; b < t.kb; ++b) {
    for (size_t line = 0; line < R * W::kBytes; line += 64) {
      _mm_prefetch(ahead + b * R * W::kBytes + line, _MM_HINT_T0);
    }
    // The R weight scales, packed in a general-purpose register and
    // converted together: dw(r) * dx for every row in one vector, read back
    // by broadcast loads (keeps the shuffles off the vector ports).
    uint64_t halves = 0;
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      halves |= static_cast<uint64_t>(LoadHalfBits(rows[r] + b * W::kBytes)) << (16 * r);
    }
    const __m128 dw = _mm_cvtph_ps(_mm_cvtsi64_si128(static_cast<int64_t>(halves)));
    _mm_store_ps(scale, _mm_mul_ps(dw, _mm_broadcast_ss(t.dx + b)));
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.x + b * kActBytes + 2));
    const __m256i xp = W::PrepAct(x);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m256i w = W::Load(rows[r] + b * W::kBytes);
      const __m256i v = _mm256_madd_epi16(W::PairSums(w, W::PrepWeights(w), x, xp), ones);
      acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(v), _mm256_broadcast_ss(scale + r), acc[r]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) t.sums[r] = HorizontalSum(acc[r]);
}

template <typename W, int R>
DecodeFn PickDecode(int rows) {
  if constexpr (R == 0) {
    return nullptr;
  } else {
    return rows == R ? &DecodeTile<W, R> : PickDecode<W, R - 1>(rows);
  }
}

template <typename W, int R, int C>
TileFn PickCols(int cols) {
  if constexpr (C == 0) {
    return nullptr;
  } else {
    return cols == C ? &Tile<W, R, C> : PickCols<W, R, C - 1>(cols);
  }
}
template <typename W, int R, int C>
TileFn PickTile(int rows, int cols) {
  if constexpr (R == 0) {
    return nullptr;
  } else {
    return rows == R ? PickCols<W, R, C>(cols) : PickTile<W, R - 1, C>(rows, cols);
  }
}

inline int64_t Min(int64_t a, int64_t b) { return a < b ? a : b; }

// Fills scales[(b * R + r) * C + c] = dw(r, b) * dx(c, b) for one row group
// and one column group (see TileArgs); dw[b * rows + r], dx[b * n_cols + c].
void FillScales(const float* dw, int rows, const float* dx, int64_t n_cols, int cols, int64_t kb,
                float* scales) {
  if (cols == 4) {
    for (int64_t b = 0; b < kb; ++b) {
      const __m128 x4 = _mm_loadu_ps(dx + b * n_cols);
      for (int r = 0; r < rows; ++r, scales += 4) {
        _mm_storeu_ps(scales, _mm_mul_ps(_mm_set1_ps(dw[b * rows + r]), x4));
      }
    }
    return;
  }
  for (int64_t b = 0; b < kb; ++b) {
    for (int r = 0; r < rows; ++r) {
      const float d = dw[b * rows + r];
      for (int c = 0; c < cols; ++c) *scales++ = d * dx[b * n_cols + c];
    }
  }
}

template <typename W>
void GemmDecode(const GemmArgs& a) {
  const int64_t nb = a.n / kBlock;
  alignas(32) float dx[kMaxChunkBlocks];
  float sums[kDecodeRows];
  for (int64_t k0 = 0; k0 < nb; k0 += kMaxChunkBlocks) {
    const int64_t kb = Min(kMaxChunkBlocks, nb - k0);
    const uint8_t* x = a.act + k0 * kActBytes;
    for (int64_t b = 0; b < kb; ++b) dx[b] = LoadHalfF16c(x + b * kActBytes);
    for (int64_t r0 = 0; r0 < a.n_rows; r0 += kDecodeRows) {
      const int rows = static_cast<int>(Min(kDecodeRows, a.n_rows - r0));
      const DecodeArgs t{a.w + r0 * a.w_stride + k0 * W::kBytes, a.w_stride, x, dx, kb, sums};
      PickDecode<W, kDecodeRows>(rows)(t);
      float* out = a.out + r0;
      for (int r = 0; r < rows; ++r) out[r] = k0 == 0 ? sums[r] : out[r] + sums[r];
    }
  }
}

template <typename W>
void GemmQ(const GemmArgs& a) {
  if (a.n_cols == 1) {
    GemmDecode<W>(a);
    return;
  }
  const int64_t nb = a.n / kBlock;
  const int64_t n_cols = a.n_cols;
  const int64_t chunk = Min(kMaxChunkBlocks, kScaleFloats / n_cols);
  alignas(32) float dx[kScaleFloats];                         // dx[b * n_cols + c]
  alignas(32) float dw[kRows * kMaxChunkBlocks];              // dw[b * rows + r]
  alignas(32) float scales[kRows * kCols * kMaxChunkBlocks];  // see TileArgs
  float sums[kRows * kCols];
  for (int64_t k0 = 0; k0 < nb; k0 += chunk) {
    const int64_t kb = Min(chunk, nb - k0);
    for (int64_t c = 0; c < n_cols; ++c) {
      const uint8_t* p = a.act + c * a.act_stride + k0 * kActBytes;
      for (int64_t b = 0; b < kb; ++b) dx[b * n_cols + c] = LoadHalfF16c(p + b * kActBytes);
    }
    for (int64_t r0 = 0; r0 < a.n_rows; r0 += kRows) {
      const int rows = static_cast<int>(Min(kRows, a.n_rows - r0));
      const uint8_t* w = a.w + r0 * a.w_stride + k0 * W::kBytes;
      for (int r = 0; r < rows; ++r) {
        const uint8_t* p = w + r * a.w_stride;
        for (int64_t b = 0; b < kb; ++b) dw[b * rows + r] = LoadHalfF16c(p + b * W::kBytes);
      }
      for (int64_t c0 = 0; c0 < n_cols; c0 += kCols) {
        const int cols = static_cast<int>(Min(kCols, n_cols - c0));
        FillScales(dw, rows, dx + c0, n_cols, cols, kb, scales);
        const TileArgs t{
            w,  a.w_stride, a.act + c0 * a.act_stride + k0 * kActBytes, a.act_stride, scales,
            kb, sums};
        PickTile<W, kRows, kCols>(rows, cols)(t);
        for (int c = 0; c < cols; ++c) {
          float* out = a.out + (c0 + c) * a.out_stride + r0;
          for (int r = 0; r < rows; ++r) {
            out[r] = k0 == 0 ? sums[r * cols + c] : out[r] + sums[r * cols + c];
          }
        }
      }
    }
  }
}

}  // namespace

void QuantizeActQ8_0Avx2(const float* x, int64_t n, uint8_t* out) {
  const __m256 sign_mask = _mm256_set1_ps(-0.0f);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  const __m256 lo = _mm256_set1_ps(-127.0f);
  const __m256 hi = _mm256_set1_ps(127.0f);
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += kActBytes) {
    const __m256 v0 = _mm256_loadu_ps(x);
    const __m256 v1 = _mm256_loadu_ps(x + 8);
    const __m256 v2 = _mm256_loadu_ps(x + 16);
    const __m256 v3 = _mm256_loadu_ps(x + 24);
    __m256 m = _mm256_max_ps(
        _mm256_max_ps(_mm256_andnot_ps(sign_mask, v0), _mm256_andnot_ps(sign_mask, v1)),
        _mm256_max_ps(_mm256_andnot_ps(sign_mask, v2), _mm256_andnot_ps(sign_mask, v3)));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float amax = _mm_cvtss_f32(m4);
    uint16_t d_half = _cvtss_sh(amax / 127.0f, _MM_FROUND_TO_NEAREST_INT);
    float inv;
    if ((d_half & 0x7FFF) >= 0x7C00) {  // overflow (or NaN): clamp the scale
      d_half = 0x7BFF;
      inv = 1.0f / _cvtsh_ss(0x7BFF);
    } else if (d_half == 0) {
      inv = 0.0f;
    } else {
      inv = 1.0f / _cvtsh_ss(d_half);
    }
    std::memcpy(out, &d_half, sizeof(d_half));
    const __m256 mul = _mm256_set1_ps(inv);
    // Clamp to [-127, 127] first (max_ps returns its second operand for a
    // NaN, so NaN becomes -127 as on the portable path; clamping to integer
    // bounds commutes with rounding), then round half to even (the default
    // MXCSR mode).
    auto quantize8 = [&](__m256 v) {
      const __m256 p = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(v, mul), lo), hi);
      return _mm256_cvtps_epi32(p);
    };
    const __m256i s01 = _mm256_packs_epi32(quantize8(v0), quantize8(v1));
    const __m256i s23 = _mm256_packs_epi32(quantize8(v2), quantize8(v3));
    // The packs interleave 128-bit lanes; restore element order.
    const __m256i q = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(s01, s23), order);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2), q);
  }
}

void GemmQ8_0Avx2(const GemmArgs& args) { GemmQ<Q8_0Block>(args); }
void GemmQ4_0Avx2(const GemmArgs& args) { GemmQ<Q4_0Block>(args); }

}  // namespace fleet::engine::kernels::cpu::float_q0
