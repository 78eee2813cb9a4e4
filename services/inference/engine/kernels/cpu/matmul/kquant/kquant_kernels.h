#pragma once
// The functions behind the K-quant MatMulKernel tables (FindKQuantKernel in
// matmul_kernel.h is the public entry point; this header is for the tables,
// the tests and the benchmark).
//
// Activations: ActivationFormat::kQ8_K, n/256 ActQ8_KBlock per row, encoded
// like ggml's quantize_row_q8_K_ref: per block of 256, v = the element of
// largest magnitude (the first one on ties), iscale = -127 / v, d = 1 /
// iscale, qs[i] = min(127, nearest-even(iscale * x[i])), bsums[j] = sum of
// qs[16j .. 16j+15]. An all-zero block stores d = 0 and zero quants.
// Non-finite inputs (ggml leaves them undefined) are made deterministic: a
// block holding a NaN stores d = NaN (so every dot with it is NaN), and an
// element whose scaled value is not a finite int32 (an Inf, or a NaN) stores
// -128. The portable and AVX2 encoders write identical bytes for every input.
//
// Weights: rows of ggml blocks (quant/block_layout.h). Each gemm computes,
// per 256-block and activation column, the integer dot products of the
// unsigned quants with qs per sub-block, weights them by the sub-block scales
// (integers), and applies the float factors once per block:
//   Q4_K, Q5_K  d_a * (d * sum_s sc_s * dot_s  -  dmin * sum_s m_s * bsum_s)
//   Q6_K        d_a * d * (sum_s sc_s * dot_s  -  32 * sum_s sc_s * bsum_s)
// (ggml_vec_dot_q{4,5,6}_K_q8_K's algebra). Integer parts are exact (no
// overflow for any input bytes); only the float products and the float sum
// over blocks round. Arbitrary weight bytes never crash (a non-finite fp16
// scale gives a non-finite output).
//
// Preconditions: those of GemmArgs (matmul_kernel.h); the *Avx2 functions
// additionally need a CPU with AVX2, FMA and F16C.
//
// Thread safety: pure functions of their arguments.

#include <cstddef>
#include <cstdint>

#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"

namespace fleet::engine::kernels::cpu::kquant_detail {

inline constexpr int64_t kQK = 256;  // elements per K-quant block and per Q8_K block

// The d stored for a Q8_K block that holds a NaN (a quiet NaN).
inline constexpr uint32_t kQ8KNanBits = 0x7FC00000u;

// Bytes of an encoded Q8_K activation row of n elements (n a multiple of 256).
size_t Q8KRowBytes(int64_t n);

void QuantizeQ8KPortable(const float* x, int64_t n, uint8_t* out);
void QuantizeQ8KAvx2(const float* x, int64_t n, uint8_t* out);

void GemmQ4KPortable(const GemmArgs& args);
void GemmQ5KPortable(const GemmArgs& args);
void GemmQ6KPortable(const GemmArgs& args);

// Dispatch on n_cols: 1 goes to the Gemv* (weights streamed once, decoded in
// registers), more to the tile path (a few rows' blocks decoded to an L1
// scratch once, reused across every column).
void GemmQ4KAvx2(const GemmArgs& args);
void GemmQ5KAvx2(const GemmArgs& args);
void GemmQ6KAvx2(const GemmArgs& args);

// Single-column paths (args.n_cols is ignored; column 0 is computed).
void GemvQ4KAvx2(const GemmArgs& args);
void GemvQ5KAvx2(const GemmArgs& args);
void GemvQ6KAvx2(const GemmArgs& args);

}  // namespace fleet::engine::kernels::cpu::kquant_detail
