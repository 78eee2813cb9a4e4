// AVX2 single-column K-quant kernels (decode: one token, memory bound). Each
// weight row is streamed once; every block is decoded in registers and dotted
// with the activation block, the integer sums weighted per block into a float
// vector accumulator (one per row; rows are independent, so the CPU overlaps
// them). Compiled with -mavx2 -mfma -mf16c.
#include <immintrin.h>

#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_unpack_avx2.h"

namespace fleet::engine::kernels::cpu::kquant_detail {
namespace {

using namespace avx2;  // NOLINT(build/namespaces): this file's building blocks

// Decode streams weights from DRAM, and the hardware prefetchers alone keep
// too few lines in flight: while a row's block b is computed, block b of the
// row about kPrefetchBytes further on is prefetched (a steady stream one to a
// few rows ahead). Prefetches past the matrix are harmless hints.
constexpr size_t kPrefetchBytes = 4096;

inline size_t PrefetchRowsAhead(size_t w_stride) {
  return (kPrefetchBytes + w_stride - 1) / w_stride;
}

inline void PrefetchBlock(const uint8_t* block, size_t bytes) {
  for (size_t line = 0; line < bytes; line += 64) {
    _mm_prefetch(reinterpret_cast<const char*>(block + line), _MM_HINT_T0);
  }
}

// One Q4_K (kQ5 = false) or Q5_K block against one activation block: adds
// d*da * sum_s sc_s dot_s to `acc` and dmin*da * sum_s m_s bsum_s to `acc_min`.
template <bool kQ5>
inline void DotBlockQ4Q5(const uint8_t* blk, const uint8_t* act_block, __m256* acc,
                         __m128* acc_min) {
  const float da = LoadFloat(act_block);
  const int8_t* aq = reinterpret_cast<const int8_t*>(act_block + kActQsOffset);
  const ScalesMins sm = LoadScalesMinsK4(blk + quant::kQ4_KScalesOffset);

  // Min term: bsums of the two 16-groups of each sub-block, paired by hadd.
  const __m256i bsums = Load256(act_block + kActBsumsOffset);
  const __m128i pair_sums =
      _mm_hadd_epi16(_mm256_castsi256_si128(bsums), _mm256_extracti128_si256(bsums, 1));
  const __m128i min_dot = _mm_madd_epi16(sm.mins, pair_sums);
  *acc_min = _mm_fmadd_ps(_mm_set1_ps(LoadHalf(blk + 2) * da), _mm_cvtepi32_ps(min_dot), *acc_min);

  const __m256i scales = _mm256_broadcastsi128_si256(sm.scales);
  const uint8_t* qs = blk + (kQ5 ? quant::kQ5_KQsOffset : quant::kQ4_KQsOffset);
  __m256i qh = kQ5 ? Load256(blk + quant::kQ5_KQhOffset) : _mm256_setzero_si256();
  __m256i sum0 = _mm256_setzero_si256();
  __m256i sum1 = _mm256_setzero_si256();
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    __m256i lo, hi;
    DecodeQ4Pair(qs + 32 * j, &lo, &hi);
    if constexpr (kQ5) {
      AddQ5HighBits(qh, &lo, &hi);
      qh = _mm256_srli_epi16(qh, 2);
    }
    const __m256i p_lo = _mm256_maddubs_epi16(lo, Load256(aq + 64 * j));
    const __m256i p_hi = _mm256_maddubs_epi16(hi, Load256(aq + 64 * j + 32));
    sum0 = _mm256_add_epi32(
        sum0, _mm256_madd_epi16(p_lo, _mm256_shuffle_epi8(scales, BroadcastLaneMask(2 * j))));
    sum1 = _mm256_add_epi32(
        sum1, _mm256_madd_epi16(p_hi, _mm256_shuffle_epi8(scales, BroadcastLaneMask(2 * j + 1))));
  }
  *acc = _mm256_fmadd_ps(_mm256_set1_ps(LoadHalf(blk) * da),
                         _mm256_cvtepi32_ps(_mm256_add_epi32(sum0, sum1)), *acc);
}

template <bool kQ5>
void GemvQ4Q5(const GemmArgs& args) {
  const int64_t nb = args.n / kQK;
  const size_t block_bytes = kQ5 ? quant::kQ5_KBlockBytes : quant::kQ4_KBlockBytes;
  const size_t ahead = PrefetchRowsAhead(args.w_stride) * args.w_stride;
  for (int64_t r = 0; r < args.n_rows; ++r) {
    const uint8_t* row = args.w + r * args.w_stride;
    __m256 acc = _mm256_setzero_ps();
    __m128 acc_min = _mm_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
      PrefetchBlock(row + ahead + b * block_bytes, block_bytes);
      DotBlockQ4Q5<kQ5>(row + b * block_bytes, args.act + b * sizeof(ActQ8_KBlock), &acc, &acc_min);
    }
    args.out[r] = HorizontalSum(acc) - HorizontalSum(acc_min);
  }
}

// One Q6_K block: adds d*da * (sum_s sc_s dot_s - 32 * sum_s sc_s bsum_s) to
// lane 0 of `acc`.
inline void DotBlockQ6(const uint8_t* blk, const uint8_t* act_block, __m128* acc) {
  const float da = LoadFloat(act_block);
  const int8_t* aq = reinterpret_cast<const int8_t*>(act_block + kActQsOffset);
  const __m256i sc16 = _mm256_cvtepi8_epi16(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + quant::kQ6_KScalesOffset)));
  const __m256i min_dot = _mm256_madd_epi16(sc16, Load256(act_block + kActBsumsOffset));
  __m256i sum0 = _mm256_setzero_si256();
  __m256i sum1 = _mm256_setzero_si256();
#pragma GCC unroll 2
  for (int half = 0; half < 2; ++half) {
    const __m256i sc = _mm256_broadcastsi128_si256(half == 0 ? _mm256_castsi256_si128(sc16)
                                                             : _mm256_extracti128_si256(sc16, 1));
    __m256i q[4];
    DecodeQ6Half(blk, half, q);
    const int8_t* a = aq + 128 * half;
    sum0 = _mm256_add_epi32(sum0, _mm256_madd_epi16(_mm256_maddubs_epi16(q[0], Load256(a)),
                                                    _mm256_shuffle_epi8(sc, Q6ScaleMask(0))));
    sum1 = _mm256_add_epi32(sum1, _mm256_madd_epi16(_mm256_maddubs_epi16(q[1], Load256(a + 32)),
                                                    _mm256_shuffle_epi8(sc, Q6ScaleMask(1))));
    sum0 = _mm256_add_epi32(sum0, _mm256_madd_epi16(_mm256_maddubs_epi16(q[2], Load256(a + 64)),
                                                    _mm256_shuffle_epi8(sc, Q6ScaleMask(2))));
    sum1 = _mm256_add_epi32(sum1, _mm256_madd_epi16(_mm256_maddubs_epi16(q[3], Load256(a + 96)),
                                                    _mm256_shuffle_epi8(sc, Q6ScaleMask(3))));
  }
  // The lanes of the quant sums and of the bsums term cover different
  // elements and may be large with opposite signs: total them as integers
  // (exact) before the one float product.
  const __m256i sum = _mm256_sub_epi32(_mm256_add_epi32(sum0, sum1), _mm256_slli_epi32(min_dot, 5));
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
  s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
  *acc =
      _mm_fmadd_ss(_mm_set_ss(LoadHalf(blk + quant::kQ6_KDOffset) * da), _mm_cvtepi32_ps(s), *acc);
}

}  // namespace

void GemvQ4KAvx2(const GemmArgs& args) { GemvQ4Q5<false>(args); }
void GemvQ5KAvx2(const GemmArgs& args) { GemvQ4Q5<true>(args); }

void GemvQ6KAvx2(const GemmArgs& args) {
  const int64_t nb = args.n / kQK;
  const size_t ahead = PrefetchRowsAhead(args.w_stride) * args.w_stride;
  for (int64_t r = 0; r < args.n_rows; ++r) {
    const uint8_t* row = args.w + r * args.w_stride;
    __m128 acc = _mm_setzero_ps();  // lane 0
    for (int64_t b = 0; b < nb; ++b) {
      PrefetchBlock(row + ahead + b * quant::kQ6_KBlockBytes, quant::kQ6_KBlockBytes);
      DotBlockQ6(row + b * quant::kQ6_KBlockBytes, args.act + b * sizeof(ActQ8_KBlock), &acc);
    }
    args.out[r] = _mm_cvtss_f32(acc);
  }
}

}  // namespace fleet::engine::kernels::cpu::kquant_detail
