#pragma once
// Block encoders of the K-quants (Q4_K, Q5_K, Q6_K) used by QuantizeRow.
// Each takes `n_blocks` super-blocks of 256 finite floats at `x` and writes
// n_blocks whole blocks to `out`. Internal to the quant library.
//
// Thread safety: pure functions.

#include <cstddef>
#include <cstdint>

namespace fleet::engine::quant::internal {

void EncodeQ4_K(const float* x, size_t n_blocks, uint8_t* out);
void EncodeQ5_K(const float* x, size_t n_blocks, uint8_t* out);
void EncodeQ6_K(const float* x, size_t n_blocks, uint8_t* out);

}  // namespace fleet::engine::quant::internal
