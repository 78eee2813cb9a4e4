#pragma once
// Small float vector primitives for the fast CPU kernels (attention, norms,
// element-wise ops), with a portable and an AVX2 implementation chosen by
// ISA. Sums are accumulated in float in several partial sums (not in index
// order), so results differ from a sequential loop by float rounding only.
//
// Thread safety: pure functions; the tables are immutable.

#include <cstdint>

#include "services/inference/engine/kernels/cpu/isa.h"

namespace fleet::engine::kernels::cpu {

struct VecOps {
  float (*dot)(const float* a, const float* b, int64_t n) = nullptr;     // sum a[i] b[i]
  void (*axpy)(float a, const float* x, float* y, int64_t n) = nullptr;  // y += a x
  void (*scale)(float a, float* y, int64_t n) = nullptr;                 // y *= a
  float (*sum_squares)(const float* x, int64_t n) = nullptr;             // sum x[i]^2
  // Attention's two inner loops over a block of n_rows keys/values, rows
  // `stride` floats apart, d floats each:
  //   dots:         scores[j] = a . rows[j]
  //   weighted_sum: out[i] += sum_j weights[j] * rows[j][i]
  void (*dots)(const float* a, const float* rows, int64_t stride, int64_t n_rows, int64_t d,
               float* scores) = nullptr;
  void (*weighted_sum)(const float* weights, const float* rows, int64_t stride, int64_t n_rows,
                       int64_t d, float* out) = nullptr;
  // out[i] = silu(gate[i]) * up[i] = gate[i] / (1 + exp(-gate[i])) * up[i];
  // out may alias gate.
  void (*swiglu)(const float* gate, const float* up, float* out, int64_t n) = nullptr;
};

// The ops for `isa` (kAvx2 only when the CPU has it: see DetectIsa).
const VecOps& GetVecOps(Isa isa);

// The scalar SwiGLU both tables use (libm expf, as the reference kernels).
void SwiGluScalar(const float* gate, const float* up, float* out, int64_t n);

// Defined in vec_ops_avx2.cc (compiled with AVX2 flags).
const VecOps& Avx2VecOps();

}  // namespace fleet::engine::kernels::cpu
