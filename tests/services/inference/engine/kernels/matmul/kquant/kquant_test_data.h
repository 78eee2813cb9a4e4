#pragma once
// Test data and oracles for the K-quant matmul kernels: random weights
// encoded with quant::QuantizeRow, random activations with outliers, zeros
// and all-zero 256-blocks, and decoders of the encoded forms.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"

namespace fleet::engine::kernels::cpu::testing {

// Bytes of one weight row of `type` with n elements.
size_t WeightRowBytes(gguf::GgmlType type, int64_t n);

// rows x n floats, row-major: Gaussian values, every ~50th an outlier (x20);
// row r % 3 == 1 is shifted by +1.5 (large sub-block mins), r % 3 == 2
// scaled by 1e-3.
std::vector<float> RandomWeights(int64_t n, int64_t rows, uint32_t seed);

// Encodes each row with QuantizeRow (rows contiguous, WeightRowBytes each).
std::vector<uint8_t> EncodeWeights(gguf::GgmlType type, const std::vector<float>& values,
                                   int64_t n);

// Decodes encoded rows with DequantizeRow.
std::vector<float> DecodeWeights(gguf::GgmlType type, const std::vector<uint8_t>& bytes, int64_t n);

// Per element, |m| of its sub-block offset (dmin * m for Q4_K/Q5_K, which a
// decoded weight d*sc*q - m hides; 0 for Q6_K). Bounds float rounding.
std::vector<float> SubBlockMins(gguf::GgmlType type, const std::vector<uint8_t>& bytes, int64_t n);

// cols x n activations: Gaussian, ~10% exact zeros, ~2% outliers (x40), and
// 256-block b of column c all zero when (b + c) % 5 == 2.
std::vector<float> RandomActivations(int64_t n, int64_t cols, uint32_t seed);

// Encodes `cols` activation rows of n with kernel.quantize_act, column c at
// c * stride; bytes between act_row_bytes and stride are filled with 0xA5.
std::vector<uint8_t> EncodeActivations(const MatMulKernel& kernel, const std::vector<float>& x,
                                       int64_t n, int64_t cols, size_t stride);

// Decodes Q8_K activation rows: d * qs[i] in double, column c at c * stride.
std::vector<double> DecodeQ8K(const std::vector<uint8_t>& bytes, int64_t n, int64_t cols,
                              size_t stride);

// |d| of every Q8_K block: entry c * (n / 256) + b.
std::vector<double> Q8KScales(const std::vector<uint8_t>& bytes, int64_t n, int64_t cols,
                              size_t stride);

}  // namespace fleet::engine::kernels::cpu::testing
