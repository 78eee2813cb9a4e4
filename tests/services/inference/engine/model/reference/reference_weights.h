#pragma once
// Weight access for the reference forward pass (tests only): reads one GGUF
// tensor and widens every element to double.
//
// F32, F16 and BF16 are decoded here, bit by bit, independently of the
// engine. The block-quantized types (Q4_0, Q8_0, Q4_K, Q5_K, Q6_K) are
// decoded with quant::DequantizeRow (bit-exact with ggml) and widened to
// double: for them the reference runs on the dequantized weights.
//
// Shapes: a ggml tensor with dims {cols, rows} (dims[0] is the row length) is
// read as a row-major `rows x cols` matrix: element (r, c) is row r's c-th
// element, exactly as the tensor's bytes store it. Trailing dims of 1 are
// accepted, as ggml does ({n, 1} is a vector of n).
//
// Errors (INVALID_ARGUMENT, naming the tensor): a missing tensor, a shape
// other than the expected one.
//
// Thread safety: free functions over immutable inputs; safe to call
// concurrently.

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_reader.h"

namespace fleet::engine::testing {

// A row-major matrix of doubles, [rows][cols]: element (r, c) is
// data[r * cols + c].
struct DoubleMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<double> data;  // [rows * cols]

  double at(int64_t r, int64_t c) const { return data[r * cols + c]; }
};

// IEEE 754 binary16 (sign, 5-bit exponent, 10-bit mantissa; subnormals, inf
// and NaN included) to double. Exact.
double HalfBitsToDouble(uint16_t bits);
// bfloat16 (the top 16 bits of a float32) to double. Exact.
double Bf16BitsToDouble(uint16_t bits);

// Decodes `dst.size()` elements of `type` from `src` (one row's bytes).
// INVALID_ARGUMENT if src.size() is not the size of dst.size() elements (or
// dst.size() is not a whole number of blocks), or the type is unsupported.
absl::Status DecodeRowToDouble(gguf::GgmlType type, absl::Span<const uint8_t> src,
                               absl::Span<double> dst);

// Reads the 2-D tensor `name`, which must have ggml dims {cols, rows}.
absl::StatusOr<DoubleMatrix> ReadMatrix(const gguf::GgufFile& file, absl::string_view name,
                                        int64_t rows, int64_t cols);

// Reads the 1-D tensor `name`, which must have ggml dims {n}.
absl::StatusOr<std::vector<double>> ReadVector(const gguf::GgufFile& file, absl::string_view name,
                                               int64_t n);

}  // namespace fleet::engine::testing
