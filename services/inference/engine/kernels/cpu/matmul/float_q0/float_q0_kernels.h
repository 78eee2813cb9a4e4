#pragma once
// Internal to fleet_engine_matmul_float_q0: the tile kernels behind
// FindFloatQ0Kernel (float_q0_kernels.cc builds the MatMulKernel tables from
// them). Each gemm computes the tile described by GemmArgs (matmul_kernel.h)
// under its preconditions; none of them checks its arguments.
//
// Activations: float weight types (F32, F16, BF16) read float activations
// (ActivationFormat::kF32, copied unchanged). Q8_0 and Q4_0 weights read
// ActQ8_0Block activations, encoded per 32-block as ggml's quantize_row_q8_0:
// d = max|x| / 127 stored as fp16 (round to nearest even), and
// q = clamp(round_half_even(x / fp16(d)), -127, 127). Unlike ggml, x is
// divided by the stored scale rather than the float d, so every unclamped
// element has |x - fp16(d) * q| <= fp16(d) / 2 exactly. A scale that
// overflows fp16 is stored as 65504 (elements saturate at +-127); one that
// rounds to 0 stores all-zero quants. For finite inputs the portable and
// AVX2 encoders write identical bytes (NaN inputs give unspecified quants).
//
// The *Avx2 functions live in *_avx2.cc files compiled with -mavx2 -mfma
// -mf16c; call them only when DetectIsa()/SupportedIsas() says the CPU runs
// AVX2. Those files define everything else they use with internal linkage
// (no shared inline or template code), so no AVX2 instruction leaks into a
// function the portable path links.
//
// Thread safety: pure functions; concurrent calls on disjoint outputs are
// safe.

#include <cstddef>
#include <cstdint>

#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"

namespace fleet::engine::kernels::cpu::float_q0 {

// Activation encoders and sizes shared by both ISAs.
size_t F32ActRowBytes(int64_t n);   // 4n
size_t Q8_0ActRowBytes(int64_t n);  // n / 32 * 34
void CopyActF32(const float* x, int64_t n, uint8_t* out);

void QuantizeActQ8_0Portable(const float* x, int64_t n, uint8_t* out);
void QuantizeActQ8_0Avx2(const float* x, int64_t n, uint8_t* out);

void GemmF32Portable(const GemmArgs& args);
void GemmF16Portable(const GemmArgs& args);
void GemmBF16Portable(const GemmArgs& args);
void GemmQ8_0Portable(const GemmArgs& args);
void GemmQ4_0Portable(const GemmArgs& args);

void GemmF32Avx2(const GemmArgs& args);
void GemmF16Avx2(const GemmArgs& args);
void GemmBF16Avx2(const GemmArgs& args);
void GemmQ8_0Avx2(const GemmArgs& args);
void GemmQ4_0Avx2(const GemmArgs& args);

}  // namespace fleet::engine::kernels::cpu::float_q0
