#pragma once
// Encoders of float32 into ggml tensor types: F32, F16, BF16, Q8_0, Q4_0,
// Q4_K, Q5_K, Q6_K. The bytes are valid ggml blocks (see block_layout.h and
// docs/engine.md, "Tensor types: encodings and decoders") that ggml and DequantizeRow decode
// identically.
//
// Rules:
//   F32/F16/BF16  element by element (FloatToHalf / FloatToBF16, round to
//                 nearest even; NaN and Inf are kept).
//   Q8_0, Q4_0    ggml's absmax rule (quantize_row_q8_0_ref / _q4_0_ref):
//                 Q8_0 d = amax/127, q = round-half-away(x/d); Q4_0 d = v/-8
//                 where v is the element of largest magnitude, q =
//                 min(15, trunc(x/d + 8.5)). For blocks whose scale fits fp16
//                 the bytes equal ggml's. A scale beyond fp16's range is
//                 clamped to +-65504 (elements saturate); a scale that rounds
//                 to 0 in fp16 stores all-zero quants.
//   K-quants      our own error-minimising search: per sub-block, a grid of
//                 candidate scales each refined by least squares, then the
//                 6/8-bit sub-block scales are chosen against the stored
//                 fp16 super-block scales, trying neighbouring codes and
//                 keeping the one with the smallest squared error.
// Deterministic: the same input gives the same bytes on every run and
// platform (IEEE arithmetic, no threads, no rounding-mode dependence).
//
// Thread safety: pure function; concurrent calls on distinct outputs are safe.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"

namespace fleet::engine::quant {

// Encodes `src` (a whole number of blocks) into `dst`. OK: all of dst was
// written.
// Errors (INVALID_ARGUMENT; dst contents unspecified): unsupported type (the
// message names it); src.size() not a multiple of the block size; dst.size()
// not src.size() / block_size * bytes_per_block; for the quantized types
// (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), an element that is NaN or Inf (the message
// gives its index), which no block scale can represent.
absl::Status QuantizeRow(gguf::GgmlType type, absl::Span<const float> src, absl::Span<uint8_t> dst);

}  // namespace fleet::engine::quant
