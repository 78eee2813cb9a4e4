#include "services/inference/engine/kernels/cpu/vec_ops.h"

#include <cmath>

namespace fleet::engine::kernels::cpu {
namespace {

float Dot(const float* a, const float* b, int64_t n) {
  float s[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int k = 0; k < 4; ++k) s[k] += a[i + k] * b[i + k];
  }
  for (; i < n; ++i) s[0] += a[i] * b[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

void Axpy(float a, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void Scale(float a, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] *= a;
}

float SumSquares(const float* x, int64_t n) { return Dot(x, x, n); }

void Dots(const float* a, const float* rows, int64_t stride, int64_t n_rows, int64_t d,
          float* scores) {
  for (int64_t j = 0; j < n_rows; ++j) scores[j] = Dot(a, rows + j * stride, d);
}

void WeightedSum(const float* weights, const float* rows, int64_t stride, int64_t n_rows, int64_t d,
                 float* out) {
  for (int64_t j = 0; j < n_rows; ++j) Axpy(weights[j], rows + j * stride, out, d);
}

const VecOps kPortableOps = {.dot = Dot,
                             .axpy = Axpy,
                             .scale = Scale,
                             .sum_squares = SumSquares,
                             .dots = Dots,
                             .weighted_sum = WeightedSum,
                             .swiglu = SwiGluScalar};

}  // namespace

void SwiGluScalar(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = gate[i];
    out[i] = g / (1.0f + std::exp(-g)) * up[i];
  }
}

const VecOps& GetVecOps(Isa isa) { return isa == Isa::kAvx2 ? Avx2VecOps() : kPortableOps; }

}  // namespace fleet::engine::kernels::cpu
