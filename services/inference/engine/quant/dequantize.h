#pragma once
// Decoders of ggml tensor types into float32: F32, F16, BF16, Q8_0, Q4_0,
// Q4_K, Q5_K, Q6_K (the types gguf::FindSupportedGgmlType accepts).
//
// Bit-exactness: every element is computed with the same float operations in
// the same order as ggml's reference dequantize_row_* (ggml-quants.c), e.g.
// Q4_K: d1 = d*sc and m1 = dmin*m in float, then x = d1*q - m1; Q6_K:
// x = (d*sc)*q. This library is compiled with -ffp-contract=off so no fused
// multiply-add changes a result. So the output equals ggml's bit for bit
// (NaN payloads aside) for any input bytes.
//
// Untrusted bytes: any byte pattern decodes without crashing; a scale that is
// Inf or NaN gives Inf/NaN outputs, which is not an error.
//
// Thread safety: pure functions; concurrent calls on distinct outputs are safe.

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_reader.h"

namespace fleet::engine::quant {

// Decodes one row (or any whole number of blocks) of `type` from `src` into
// `dst`. OK: all of dst was written.
// Errors (INVALID_ARGUMENT, dst untouched): `type` is not supported (the
// message names it, e.g. "Q2_K"); dst.size() is not a multiple of the type's
// block size; src.size() is not dst.size() / block_size * bytes_per_block.
absl::Status DequantizeRow(gguf::GgmlType type, absl::Span<const uint8_t> src,
                           absl::Span<float> dst);

// Decodes a whole tensor of `file` into info.n_elements floats (row after
// row, ggml order). `info` must be one of file.tensors().
// Errors (INVALID_ARGUMENT): `info` does not describe a tensor inside this
// file's data section, or the errors of DequantizeRow. RESOURCE_EXHAUSTED:
// n_elements does not fit in memory addressing (size_t).
absl::StatusOr<std::vector<float>> DequantizeTensor(const gguf::GgufFile& file,
                                                    const gguf::GgufTensorInfo& info);

}  // namespace fleet::engine::quant
