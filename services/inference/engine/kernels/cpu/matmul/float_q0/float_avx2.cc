// AVX2 kernels for F32, F16 and BF16 weights against float activations.
// Compiled with -mavx2 -mfma -mf16c; every helper has internal linkage (see
// float_q0_kernels.h).
//
// The tile loop: n is split into chunks (so that the activation columns of a
// chunk stay in L2 while every weight row passes), and inside a chunk a
// register tile of kRows weight rows x kCols activation columns keeps one
// 8-lane FMA accumulator per (row, column): each decoded 8-element weight
// vector (F16 via vcvtph2ps, BF16 by a 16-bit shift) is used kCols times.
// Elements past the last multiple of 8 are added in scalar code.

#include <immintrin.h>

#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/float_q0/float_q0_kernels.h"

namespace fleet::engine::kernels::cpu::float_q0 {
namespace {

// Register tiles: 3 rows x 4 columns for prompts (12 accumulators, 3 weight
// vectors, one activation vector); decode 4 rows with two accumulators each.
constexpr int kRows = 3;
constexpr int kCols = 4;
constexpr int kDecodeRows = 4;
constexpr int kMaxRows = kRows > kDecodeRows ? kRows : kDecodeRows;

// Elements per chunk when several columns share it (a multiple of 8).
constexpr int64_t kChunk = 1024;

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

struct F32Row {
  static constexpr size_t kBytes = 4;  // per element
  static __m256 Load8(const uint8_t* p) {
    return _mm256_loadu_ps(reinterpret_cast<const float*>(p));
  }
  static float Load1(const uint8_t* p) {
    float v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
};
struct F16Row {
  static constexpr size_t kBytes = 2;
  static __m256 Load8(const uint8_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static float Load1(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, sizeof(h));
    return _cvtsh_ss(h);
  }
};
struct BF16Row {
  static constexpr size_t kBytes = 2;
  static __m256 Load8(const uint8_t* p) {
    const __m256i wide =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
  }
  static float Load1(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, sizeof(h));
    const uint32_t bits = static_cast<uint32_t>(h) << 16;
    float v;
    std::memcpy(&v, &bits, sizeof(v));
    return v;
  }
};

struct TileArgs {
  const uint8_t* w;  // row 0 at the chunk start
  size_t w_stride;
  const uint8_t* x;  // column 0 at the chunk start (floats)
  size_t x_stride;
  int64_t k8;    // elements in the chunk, a multiple of 8
  int64_t tail;  // further elements (< 8) after k8, added in scalar code
  float* sums;   // sums[r * C + c]
};
using TileFn = void (*)(const TileArgs&);

template <typename W, int R, int C>
void Tile(const TileArgs& t) {
  __m256 acc[R][C];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) acc[r][c] = _mm256_setzero_ps();
  }
  const float* x[C];
#pragma GCC unroll 8
  for (int c = 0; c < C; ++c) x[c] = reinterpret_cast<const float*>(t.x + c * t.x_stride);
  for (int64_t i = 0; i < t.k8; i += 8) {
    __m256 w[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) w[r] = W::Load8(t.w + r * t.w_stride + i * W::kBytes);
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) {
      const __m256 xv = _mm256_loadu_ps(x[c] + i);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) acc[r][c] = _mm256_fmadd_ps(w[r], xv, acc[r][c]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) {
      float s = HorizontalSum(acc[r][c]);
      for (int64_t i = t.k8; i < t.k8 + t.tail; ++i) {
        s += W::Load1(t.w + r * t.w_stride + i * W::kBytes) * x[c][i];
      }
      t.sums[r * C + c] = s;
    }
  }
}

// Decode (one column): kDecodeRows rows with two accumulators each.
template <typename W, int R>
void DecodeTile(const TileArgs& t) {
  __m256 acc0[R];
  __m256 acc1[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) acc0[r] = acc1[r] = _mm256_setzero_ps();
  const float* x = reinterpret_cast<const float*>(t.x);
  int64_t i = 0;
  for (; i + 16 <= t.k8; i += 16) {
    const __m256 x0 = _mm256_loadu_ps(x + i);
    const __m256 x1 = _mm256_loadu_ps(x + i + 8);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const uint8_t* row = t.w + r * t.w_stride + i * W::kBytes;
      acc0[r] = _mm256_fmadd_ps(W::Load8(row), x0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(W::Load8(row + 8 * W::kBytes), x1, acc1[r]);
    }
  }
  if (i < t.k8) {
    const __m256 x0 = _mm256_loadu_ps(x + i);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      acc0[r] = _mm256_fmadd_ps(W::Load8(t.w + r * t.w_stride + i * W::kBytes), x0, acc0[r]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    float s = HorizontalSum(_mm256_add_ps(acc0[r], acc1[r]));
    for (int64_t j = t.k8; j < t.k8 + t.tail; ++j) {
      s += W::Load1(t.w + r * t.w_stride + j * W::kBytes) * x[j];
    }
    t.sums[r] = s;
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
template <typename W, int R>
TileFn PickDecode(int rows) {
  if constexpr (R == 0) {
    return nullptr;
  } else {
    return rows == R ? &DecodeTile<W, R> : PickDecode<W, R - 1>(rows);
  }
}

inline int64_t Min(int64_t a, int64_t b) { return a < b ? a : b; }

template <typename W>
void GemmFloat(const GemmArgs& a) {
  const bool decode = a.n_cols == 1;
  const int row_tile = decode ? kDecodeRows : kRows;
  const int col_tile = decode ? 1 : kCols;
  const int64_t chunk = decode ? a.n : kChunk;
  float sums[kMaxRows * kCols];
  for (int64_t k0 = 0; k0 < a.n; k0 += chunk) {
    const int64_t k = Min(chunk, a.n - k0);
    const int64_t k8 = k & ~int64_t{7};
    for (int64_t r0 = 0; r0 < a.n_rows; r0 += row_tile) {
      const int rows = static_cast<int>(Min(row_tile, a.n_rows - r0));
      const uint8_t* w = a.w + r0 * a.w_stride + k0 * W::kBytes;
      for (int64_t c0 = 0; c0 < a.n_cols; c0 += col_tile) {
        const int cols = static_cast<int>(Min(col_tile, a.n_cols - c0));
        const TileArgs t{w,      a.w_stride, a.act + c0 * a.act_stride + k0 * 4, a.act_stride, k8,
                         k - k8, sums};
        if (decode) {
          PickDecode<W, kDecodeRows>(rows)(t);
        } else {
          PickTile<W, kRows, kCols>(rows, cols)(t);
        }
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

void GemmF32Avx2(const GemmArgs& args) { GemmFloat<F32Row>(args); }
void GemmF16Avx2(const GemmArgs& args) { GemmFloat<F16Row>(args); }
void GemmBF16Avx2(const GemmArgs& args) { GemmFloat<BF16Row>(args); }

}  // namespace fleet::engine::kernels::cpu::float_q0
