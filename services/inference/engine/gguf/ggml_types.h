#pragma once
// The ggml tensor element types: their ids as stored in GGUF files, their
// names, and, for the types this engine supports, their block layout.
//
// A ggml type packs `block_size` consecutive elements of a row into
// `bytes_per_block` bytes; a row's length (dims[0]) must be a multiple of the
// block size. The ids are ggml's (ggml.h, enum ggml_type); ids that ggml has
// retired (4, 5, 31..33, 36..38) or never assigned are "unknown".
//
// Thread safety: everything here is immutable and safe to call concurrently.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace fleet::engine::gguf {

enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kIQ2_XXS = 16,
  kIQ2_XS = 17,
  kIQ3_XXS = 18,
  kIQ1_S = 19,
  kIQ4_NL = 20,
  kIQ3_S = 21,
  kIQ2_S = 22,
  kIQ4_XS = 23,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kIQ1_M = 29,
  kBF16 = 30,
  kTQ1_0 = 34,
  kTQ2_0 = 35,
  kMXFP4 = 39,
};

// Block layout of a type the engine supports.
struct GgmlTypeTraits {
  GgmlType type;
  const char* name;          // ggml's name, e.g. "Q4_K"
  uint32_t block_size;       // elements per block
  uint32_t bytes_per_block;  // bytes per block
};

// ggml's name of a type id ("Q2_K"), or "unknown type id 99" for an id ggml
// does not define. Never fails.
std::string GgmlTypeName(uint32_t id);
inline std::string GgmlTypeName(GgmlType type) { return GgmlTypeName(static_cast<uint32_t>(type)); }

// True for an id ggml defines (supported by this engine or not).
bool IsKnownGgmlType(uint32_t id);

// The traits of a type this engine supports (F32, F16, BF16, Q4_0, Q8_0,
// Q4_K, Q5_K, Q6_K), or nullptr for any other id.
const GgmlTypeTraits* FindSupportedGgmlType(uint32_t id);
inline const GgmlTypeTraits* FindSupportedGgmlType(GgmlType type) {
  return FindSupportedGgmlType(static_cast<uint32_t>(type));
}

// All supported types, in id order.
absl::Span<const GgmlTypeTraits> SupportedGgmlTypes();

// The number of bytes a tensor of `type` and shape `dims` (ggml order: dims[0]
// is the row length) occupies. Every step is overflow-checked.
// Errors (INVALID_ARGUMENT): unsupported or unknown type, no dims, a zero
// dim, dims[0] not a multiple of the block size, element count above
// INT64_MAX, byte size overflowing uint64. The message does not name the
// tensor: callers prefix it.
absl::StatusOr<uint64_t> GgmlTensorBytes(GgmlType type, absl::Span<const uint64_t> dims);

}  // namespace fleet::engine::gguf
