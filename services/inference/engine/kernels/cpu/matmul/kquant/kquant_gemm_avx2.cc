// AVX2 K-quant tile kernels (prompt processing: many columns, compute
// bound). For kRowBlock weight rows and a slice of kSliceBlocks blocks, each
// block is decoded ONCE into an UnpackedBlock scratch (unsigned int8 quants,
// per-chunk int16 scale vectors, bsums coefficients; 18 KiB, in L1) and then
// reused by every column: a microkernel of up to 2 rows x 4 columns keeps 8
// int32 vector sums in registers over the 8 chunks of a block (maddubs, then
// madd by the scale vector), reduces them to exact per-column integers and
// weights those with the block's d and the columns' d. llama.cpp's AVX2 path
// instead re-decodes every block for every column (ggml_vec_dot_*_q8_K per
// row and column). Compiled with -mavx2 -mfma -mf16c.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>

#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_unpack_avx2.h"

namespace fleet::engine::kernels::cpu::kquant_detail {
namespace {

using namespace avx2;  // NOLINT(build/namespaces): this file's building blocks

// Microkernel: kTileRows weight rows x kTileCols activation columns, 8 int32
// vector accumulators (16 ymm registers in all with the operands).
constexpr int kTileRows = 2;
constexpr int kTileCols = 4;  // at most 4 (one ReduceColumns)
// Rows decoded together per slice: the row tiles of a block reuse each
// column group's activation blocks from L1 (halving L2 traffic against
// kRowBlock = 2). Blocks per slice: the scratch (kRowBlock x kSliceBlocks x
// 576 bytes = 18 KiB) and a column group's slice (4 x 8 x 292 bytes) share
// the 32 KiB L1.
constexpr int kRowBlock = 4;
constexpr int64_t kSliceBlocks = 8;

struct TileArgs {
  const UnpackedBlock* w[kTileRows];  // per row: the slice's decoded blocks
  const uint8_t* act[kTileCols];      // per column: the slice's first Q8_K block
  int64_t n_blocks;                   // blocks in the slice
  float* sums[kTileRows];             // per row: += dot for columns 0..C-1
};

// An empty asm that takes `v` in a vector register: the compiler can neither
// fold the load that produced it into each use nor merge the additions that
// produced it with later ones.
inline void PinToRegister(__m256i& v) { asm("" : "+x"(v)); }

// The totals of four int32 vectors, exactly: lane c = sum of v[c]'s lanes.
inline __m128i ReduceColumns(const __m256i v[4]) {
  const __m256i h01 = _mm256_hadd_epi32(v[0], v[1]);
  const __m256i h23 = _mm256_hadd_epi32(v[2], v[3]);
  const __m256i h = _mm256_hadd_epi32(h01, h23);  // per 128-bit half: v0, v1, v2, v3
  return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// R rows x C columns over t.n_blocks blocks. Per block, the 8 int32 lanes of
// each (row, column) sum are reduced to one exact integer per column (four
// columns share the reduction), so float rounding happens once per block and
// column on the block's net value, as in the portable kernel.
// Every loop over rows and columns is fully unrolled (#pragma GCC unroll) so
// that the accumulators are registers, not stack arrays.
template <int R, int C, bool kFoldMin>
void Tile(const TileArgs& t) {
  __m128 facc[R];
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) facc[r] = _mm_setzero_ps();
  for (int64_t b = 0; b < t.n_blocks; ++b) {
    const size_t act_off = static_cast<size_t>(b) * sizeof(ActQ8_KBlock);
    __m256i isum[R][4];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
#pragma GCC unroll 4
      for (int c = 0; c < 4; ++c) isum[r][c] = _mm256_setzero_si256();
    }
#pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) {
      // Register discipline (PinToRegister), measured ~25% faster: every
      // operand is loaded once (GCC otherwise folds the loads into each use,
      // 18 loads per step instead of 8), and each accumulator stays one
      // sequential chain in its register (otherwise GCC re-associates the
      // fully unrolled sums and spills partial products).
      __m256i w[R], scale[R];
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) {
        w[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.w[r][b].q + 32 * k));
        scale[r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(t.w[r][b].scales[k]));
        PinToRegister(w[r]);
        PinToRegister(scale[r]);
      }
#pragma GCC unroll 4
      for (int c = 0; c < C; ++c) {
        __m256i a = Load256(t.act[c] + act_off + kActQsOffset + 32 * k);
        PinToRegister(a);
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) {
          isum[r][c] = _mm256_add_epi32(isum[r][c],
                                        _mm256_madd_epi16(_mm256_maddubs_epi16(w[r], a), scale[r]));
          PinToRegister(isum[r][c]);
        }
      }
    }
    float da[4] = {};
    __m256i bsums[4];
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) {
      da[c] = LoadFloat(t.act[c] + act_off);
      bsums[c] = Load256(t.act[c] + act_off + kActBsumsOffset);
    }
    const __m128 da4 = _mm_loadu_ps(da);
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) {
      const UnpackedBlock& u = t.w[r][b];
      const __m256i mins = _mm256_load_si256(reinterpret_cast<const __m256i*>(u.mins));
      __m256i min_dot[4];
#pragma GCC unroll 4
      for (int c = 0; c < 4; ++c) {
        min_dot[c] = c < C ? _mm256_madd_epi16(mins, bsums[c]) : _mm256_setzero_si256();
      }
      if constexpr (kFoldMin) {
#pragma GCC unroll 4
        for (int c = 0; c < C; ++c) {
          isum[r][c] = _mm256_sub_epi32(isum[r][c], _mm256_slli_epi32(min_dot[c], 5));
        }
        facc[r] = _mm_fmadd_ps(_mm_mul_ps(_mm_set1_ps(u.d), da4),
                               _mm_cvtepi32_ps(ReduceColumns(isum[r])), facc[r]);
      } else {
        facc[r] = _mm_fmadd_ps(_mm_mul_ps(_mm_set1_ps(u.d), da4),
                               _mm_cvtepi32_ps(ReduceColumns(isum[r])), facc[r]);
        facc[r] = _mm_fnmadd_ps(_mm_mul_ps(_mm_set1_ps(u.dmin), da4),
                                _mm_cvtepi32_ps(ReduceColumns(min_dot)), facc[r]);
      }
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < R; ++r) {
    float f[4];
    _mm_storeu_ps(f, facc[r]);
#pragma GCC unroll 4
    for (int c = 0; c < C; ++c) t.sums[r][c] += f[c];
  }
}

using TileFn = void (*)(const TileArgs&);

// Tile<rows, cols> at index (rows - 1) * kTileCols + cols - 1.
template <bool kFoldMin, int... kIndex>
constexpr std::array<TileFn, kTileRows * kTileCols> MakeTiles(
    std::integer_sequence<int, kIndex...>) {
  return {&Tile<kIndex / kTileCols + 1, kIndex % kTileCols + 1, kFoldMin>...};
}
template <bool kFoldMin>
constexpr std::array<TileFn, kTileRows * kTileCols> kTiles =
    MakeTiles<kFoldMin>(std::make_integer_sequence<int, kTileRows * kTileCols>());

template <size_t kBlockBytes, void (*kUnpack)(const uint8_t*, UnpackedBlock*), bool kFoldMin>
void GemmTiles(const GemmArgs& args) {
  const int64_t nb = args.n / kQK;
  UnpackedBlock scratch[kRowBlock][kSliceBlocks];
  float sums[kRowBlock][kMaxTileCols];
  for (int64_t r0 = 0; r0 < args.n_rows; r0 += kRowBlock) {
    const int rows = static_cast<int>(std::min<int64_t>(kRowBlock, args.n_rows - r0));
    for (int r = 0; r < rows; ++r) std::fill_n(sums[r], args.n_cols, 0.0f);
    for (int64_t b0 = 0; b0 < nb; b0 += kSliceBlocks) {
      const int64_t n_blocks = std::min(kSliceBlocks, nb - b0);
      for (int r = 0; r < rows; ++r) {
        const uint8_t* row = args.w + (r0 + r) * args.w_stride + b0 * kBlockBytes;
        for (int64_t b = 0; b < n_blocks; ++b) kUnpack(row + b * kBlockBytes, &scratch[r][b]);
      }
      TileArgs t;
      t.n_blocks = n_blocks;
      for (int64_t c0 = 0; c0 < args.n_cols; c0 += kTileCols) {
        const int cols = static_cast<int>(std::min<int64_t>(kTileCols, args.n_cols - c0));
        for (int c = 0; c < cols; ++c) {
          t.act[c] = args.act + (c0 + c) * args.act_stride + b0 * sizeof(ActQ8_KBlock);
        }
        // The row tiles of this row block reuse the columns' blocks from L1.
        for (int rt = 0; rt < rows; rt += kTileRows) {
          const int tile_rows = std::min(kTileRows, rows - rt);
          for (int r = 0; r < tile_rows; ++r) {
            t.w[r] = scratch[rt + r];
            t.sums[r] = sums[rt + r] + c0;
          }
          kTiles<kFoldMin>[(tile_rows - 1) * kTileCols + cols - 1](t);
        }
      }
    }
    for (int r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < args.n_cols; ++c) args.out[c * args.out_stride + r0 + r] = sums[r][c];
    }
  }
}

}  // namespace

void GemmQ4KAvx2(const GemmArgs& args) {
  if (args.n_cols == 1) return GemvQ4KAvx2(args);
  GemmTiles<quant::kQ4_KBlockBytes, &UnpackQ4K, false>(args);
}

void GemmQ5KAvx2(const GemmArgs& args) {
  if (args.n_cols == 1) return GemvQ5KAvx2(args);
  GemmTiles<quant::kQ5_KBlockBytes, &UnpackQ5K, false>(args);
}

void GemmQ6KAvx2(const GemmArgs& args) {
  if (args.n_cols == 1) return GemvQ6KAvx2(args);
  GemmTiles<quant::kQ6_KBlockBytes, &UnpackQ6K, true>(args);
}

}  // namespace fleet::engine::kernels::cpu::kquant_detail
