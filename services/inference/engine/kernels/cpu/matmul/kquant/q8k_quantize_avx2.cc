// AVX2 Q8_K activation encoder: the same bytes as QuantizeQ8KPortable (rule
// in kquant_kernels.h) for every input. Compiled with -mavx2 -mfma -mf16c.
#include <immintrin.h>

#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"

namespace fleet::engine::kernels::cpu::kquant_detail {
namespace {

float HorizontalMax(__m256 v) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_movehdup_ps(m));
  return _mm_cvtss_f32(m);
}

// bsums of the 8 vectors of 32 quants: vector v's low 128 bits are group 2v,
// its high 128 bits group 2v + 1. Three rounds of hadd leave, per 128-bit
// lane L, the totals [v0 L, v1 L, ..., v7 L]; interleaving the lanes gives
// groups 0..15 in order.
void StoreBsums(const __m256i q[8], int16_t* bsums) {
  const __m256i ones = _mm256_set1_epi8(1);
  __m256i p[8];
  for (int v = 0; v < 8; ++v) p[v] = _mm256_maddubs_epi16(ones, q[v]);
  const __m256i h01 = _mm256_hadd_epi16(p[0], p[1]);
  const __m256i h23 = _mm256_hadd_epi16(p[2], p[3]);
  const __m256i h45 = _mm256_hadd_epi16(p[4], p[5]);
  const __m256i h67 = _mm256_hadd_epi16(p[6], p[7]);
  const __m256i h0123 = _mm256_hadd_epi16(h01, h23);
  const __m256i h4567 = _mm256_hadd_epi16(h45, h67);
  const __m256i all = _mm256_hadd_epi16(h0123, h4567);
  const __m128i even = _mm256_castsi256_si128(all);      // groups 0, 2, ..., 14
  const __m128i odd = _mm256_extracti128_si256(all, 1);  // groups 1, 3, ..., 15
  _mm_storeu_si128(reinterpret_cast<__m128i*>(bsums), _mm_unpacklo_epi16(even, odd));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(bsums + 8), _mm_unpackhi_epi16(even, odd));
}

void QuantizeBlock(const float* x, uint8_t* out) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 vmax = _mm256_setzero_ps();
  __m256 unordered = _mm256_setzero_ps();
  for (int i = 0; i < 32; ++i) {
    const __m256 v = _mm256_loadu_ps(x + 8 * i);
    // max_ps returns its second operand when the first is NaN: NaN never wins.
    vmax = _mm256_max_ps(_mm256_andnot_ps(sign, v), vmax);
    unordered = _mm256_or_ps(unordered, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  }
  const bool has_nan = _mm256_movemask_ps(unordered) != 0;
  const float amax = HorizontalMax(vmax);
  float d;
  int8_t* qs = reinterpret_cast<int8_t*>(out + offsetof(ActQ8_KBlock, qs));
  int16_t bsums[16];
  if (amax == 0.0f) {
    d = 0.0f;
    std::memset(qs, 0, kQK);
    std::memset(bsums, 0, sizeof(bsums));
  } else {
    // The first element whose magnitude is amax (ggml's strict '>' scan).
    const __m256 target = _mm256_set1_ps(amax);
    float value = amax;
    for (int i = 0; i < 32; ++i) {
      const __m256 ax = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8 * i));
      const int mask = _mm256_movemask_ps(_mm256_cmp_ps(ax, target, _CMP_EQ_OQ));
      if (mask != 0) {
        value = x[8 * i + __builtin_ctz(static_cast<unsigned>(mask))];
        break;
      }
    }
    const float iscale = -127.0f / value;
    d = 1.0f / iscale;
    const __m256 vscale = _mm256_set1_ps(iscale);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i q[8];
    for (int v = 0; v < 8; ++v) {
      const float* p = x + 32 * v;
      const __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(p), vscale));
      const __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(p + 8), vscale));
      const __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(p + 16), vscale));
      const __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(p + 24), vscale));
      // Saturating packs clamp to [-128, 127]; they interleave 128-bit lanes,
      // which the dword permutation undoes.
      const __m256i packed =
          _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
      q[v] = _mm256_permutevar8x32_epi32(packed, order);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs + 32 * v), q[v]);
    }
    StoreBsums(q, bsums);
  }
  if (has_nan) {
    const uint32_t nan_bits = kQ8KNanBits;
    std::memcpy(&d, &nan_bits, sizeof(d));
  }
  std::memcpy(out + offsetof(ActQ8_KBlock, d), &d, sizeof(d));
  std::memcpy(out + offsetof(ActQ8_KBlock, bsums), bsums, sizeof(bsums));
}

}  // namespace

void QuantizeQ8KAvx2(const float* x, int64_t n, uint8_t* out) {
  for (int64_t b = 0; b < n / kQK; ++b) {
    QuantizeBlock(x + b * kQK, out + b * sizeof(ActQ8_KBlock));
  }
}

}  // namespace fleet::engine::kernels::cpu::kquant_detail
