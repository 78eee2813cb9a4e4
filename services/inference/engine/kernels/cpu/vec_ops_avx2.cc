// AVX2 + FMA versions of vec_ops.h (compiled with -mavx2 -mfma -mf16c).
#include <immintrin.h>

#include "services/inference/engine/kernels/cpu/vec_ops.h"

namespace fleet::engine::kernels::cpu {
namespace {

inline float HorizontalSum(__m256 v) {
  __m128 lo = _mm256_castps256_ps128(v);
  __m128 hi = _mm256_extractf128_ps(v, 1);
  lo = _mm_add_ps(lo, hi);
  lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
  lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
  return _mm_cvtss_f32(lo);
}

float Dot(const float* a, const float* b, int64_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  }
  float s = HorizontalSum(_mm256_add_ps(s0, s1));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

void Axpy(float a, const float* x, float* y, int64_t n) {
  const __m256 va = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  }
  for (; i < n; ++i) y[i] += a * x[i];
}

void Scale(float a, float* y, int64_t n) {
  const __m256 va = _mm256_set1_ps(a);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(va, _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] *= a;
}

float SumSquares(const float* x, int64_t n) { return Dot(x, x, n); }

void Dots(const float* a, const float* rows, int64_t stride, int64_t n_rows, int64_t d,
          float* scores) {
  for (int64_t j = 0; j < n_rows; ++j) scores[j] = Dot(a, rows + j * stride, d);
}

// out[i0 .. i0+31] stays in four registers across all rows.
void WeightedSum(const float* weights, const float* rows, int64_t stride, int64_t n_rows, int64_t d,
                 float* out) {
  int64_t i = 0;
  for (; i + 32 <= d; i += 32) {
    __m256 o0 = _mm256_loadu_ps(out + i), o1 = _mm256_loadu_ps(out + i + 8);
    __m256 o2 = _mm256_loadu_ps(out + i + 16), o3 = _mm256_loadu_ps(out + i + 24);
    for (int64_t j = 0; j < n_rows; ++j) {
      const __m256 w = _mm256_set1_ps(weights[j]);
      const float* r = rows + j * stride + i;
      o0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(r), o0);
      o1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(r + 8), o1);
      o2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(r + 16), o2);
      o3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(r + 24), o3);
    }
    _mm256_storeu_ps(out + i, o0);
    _mm256_storeu_ps(out + i + 8, o1);
    _mm256_storeu_ps(out + i + 16, o2);
    _mm256_storeu_ps(out + i + 24, o3);
  }
  if (i < d) {
    for (int64_t j = 0; j < n_rows; ++j) Axpy(weights[j], rows + j * stride + i, out + i, d - i);
  }
}

const VecOps kAvx2Ops = {.dot = Dot,
                         .axpy = Axpy,
                         .scale = Scale,
                         .sum_squares = SumSquares,
                         .dots = Dots,
                         .weighted_sum = WeightedSum,
                         .swiglu = SwiGluScalar};

}  // namespace

const VecOps& Avx2VecOps() { return kAvx2Ops; }

}  // namespace fleet::engine::kernels::cpu
