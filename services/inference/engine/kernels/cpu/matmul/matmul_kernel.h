#pragma once
// The tile kernels behind the fast CPU MatMul: for one weight type and one
// ISA, how activations are encoded and how a tile of weight rows times a tile
// of activation columns is computed. FastCpuKernels::MatMul (one level up)
// encodes the activations once, splits the rows over its threads and the
// columns into tiles, and calls `gemm` per piece.
//
// Numerics: quantized weight types multiply integer weights by activations
// rounded to 8 bits per element (Q8_0 blocks of 32 with an fp16 scale for
// Q8_0/Q4_0 weights; Q8_K blocks of 256 with a float scale for the K-quants),
// as llama.cpp does. The error against an exact dot product of the decoded
// weights with the float activations is bounded, per block b, by
//   sum_i |w_i| * |x_i - xq_i|,  |x_i - xq_i| <= d_b / 2 (+ the fp16 rounding
// of d_b for Q8_0), plus float summation error. Float weight types (F32, F16,
// BF16) read float activations unchanged and accumulate in float.
//
// Thread safety: the tables are immutable; kernels are pure functions of
// their arguments and may run concurrently on disjoint outputs.

#include <cstddef>
#include <cstdint>

#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/kernels/cpu/isa.h"

namespace fleet::engine::kernels::cpu {

// The encoding of an activation row that a kernel reads.
enum class ActivationFormat {
  kF32,   // float[n], unchanged (act_row_bytes = 4n; quantize_act copies)
  kQ8_0,  // n/32 blocks of ActQ8_0Block
  kQ8_K,  // n/256 blocks of ActQ8_KBlock
};

// ggml's block_q8_0: x_i ~= fp16(d) * qs[i], d = max|x| / 127. 34 bytes.
struct ActQ8_0Block {
  uint16_t d;  // fp16 bits
  int8_t qs[32];
};
static_assert(sizeof(ActQ8_0Block) == 34);

// ggml's block_q8_K: x_i ~= d * qs[i]; bsums[j] = sum of qs[16j .. 16j+15].
// 292 bytes.
struct ActQ8_KBlock {
  float d;
  int8_t qs[256];
  int16_t bsums[16];
};
static_assert(sizeof(ActQ8_KBlock) == 292);

// One tile: out[c * out_stride + r] = dot(weight row r, activation column c)
// for 0 <= r < n_rows, 0 <= c < n_cols. Weight row r starts at
// w + r * w_stride (w_stride = RowBytes(type, n)); activation column c at
// act + c * act_stride (act_stride >= act_row_bytes(n)).
// Preconditions (the caller checks them; kernels do not): n > 0 and a
// multiple of the type's block size; n_rows, n_cols >= 1; the buffers hold
// what the strides say. Callers pass n_cols <= kMaxTileCols.
struct GemmArgs {
  int64_t n = 0;
  const uint8_t* w = nullptr;
  size_t w_stride = 0;
  int64_t n_rows = 0;
  const uint8_t* act = nullptr;
  size_t act_stride = 0;
  int64_t n_cols = 0;
  float* out = nullptr;
  size_t out_stride = 0;
};

inline constexpr int64_t kMaxTileCols = 64;

struct MatMulKernel {
  gguf::GgmlType weight_type = gguf::GgmlType::kF32;
  Isa isa = Isa::kPortable;
  ActivationFormat act = ActivationFormat::kF32;
  // Bytes of one encoded activation row of n elements.
  size_t (*act_row_bytes)(int64_t n) = nullptr;
  // Encodes x[0..n) into act_row_bytes(n) bytes at `out`.
  void (*quantize_act)(const float* x, int64_t n, uint8_t* out) = nullptr;
  void (*gemm)(const GemmArgs& args) = nullptr;
};

// The kernel for `type` on `isa`, or nullptr when the type has none.
// Every type the reference decodes (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K,
// Q6_K) has a kPortable kernel; kAvx2 kernels exist for all of them too.
const MatMulKernel* FindMatMulKernel(gguf::GgmlType type, Isa isa);

// Per-family lookups behind FindMatMulKernel (each defined in its folder):
// float_q0/: F32, F16, BF16, Q8_0, Q4_0.  kquant/: Q4_K, Q5_K, Q6_K.
const MatMulKernel* FindFloatQ0Kernel(gguf::GgmlType type, Isa isa);
const MatMulKernel* FindKQuantKernel(gguf::GgmlType type, Isa isa);

}  // namespace fleet::engine::kernels::cpu
