#pragma once
// The size rule shared by DequantizeRow and QuantizeRow: `n_elements` floats
// of `type` occupy exactly n_elements / block_size * bytes_per_block bytes,
// with n_elements a whole number of blocks.
//
// Thread safety: pure function.

#include <cstddef>

#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/ggml_types.h"

namespace fleet::engine::quant {

// The traits of `type` when it is supported and the sizes agree.
// Errors (INVALID_ARGUMENT): unsupported type (named), n_elements not a
// multiple of the block size, n_bytes not the matching byte count.
absl::StatusOr<const gguf::GgmlTypeTraits*> CheckRowSizes(gguf::GgmlType type, size_t n_elements,
                                                          size_t n_bytes);

}  // namespace fleet::engine::quant
