#include "services/inference/engine/gguf/ggml_types.h"

#include <array>
#include <limits>

#include "absl/strings/str_cat.h"

namespace fleet::engine::gguf {
namespace {

struct NamedId {
  uint32_t id;
  const char* name;
};

// Every id ggml defines, supported or not (ggml.h, enum ggml_type).
constexpr std::array<NamedId, 32> kAllTypes = {{
    {0, "F32"},     {1, "F16"},    {2, "Q4_0"},     {3, "Q4_1"},    {6, "Q5_0"},     {7, "Q5_1"},
    {8, "Q8_0"},    {9, "Q8_1"},   {10, "Q2_K"},    {11, "Q3_K"},   {12, "Q4_K"},    {13, "Q5_K"},
    {14, "Q6_K"},   {15, "Q8_K"},  {16, "IQ2_XXS"}, {17, "IQ2_XS"}, {18, "IQ3_XXS"}, {19, "IQ1_S"},
    {20, "IQ4_NL"}, {21, "IQ3_S"}, {22, "IQ2_S"},   {23, "IQ4_XS"}, {24, "I8"},      {25, "I16"},
    {26, "I32"},    {27, "I64"},   {28, "F64"},     {29, "IQ1_M"},  {30, "BF16"},    {34, "TQ1_0"},
    {35, "TQ2_0"},  {39, "MXFP4"},
}};

// The types this engine reads, with ggml's block sizes and bytes per block.
constexpr std::array<GgmlTypeTraits, 8> kSupported = {{
    {GgmlType::kF32, "F32", 1, 4},
    {GgmlType::kF16, "F16", 1, 2},
    {GgmlType::kQ4_0, "Q4_0", 32, 18},    // f16 scale + 16 bytes of nibbles
    {GgmlType::kQ8_0, "Q8_0", 32, 34},    // f16 scale + 32 int8
    {GgmlType::kQ4_K, "Q4_K", 256, 144},  // 2 f16 + 12 scale bytes + 128 nibble bytes
    {GgmlType::kQ5_K, "Q5_K", 256, 176},  // 2 f16 + 12 scales + 32 high bits + 128 nibbles
    {GgmlType::kQ6_K, "Q6_K", 256, 210},  // 128 low + 64 high + 16 int8 scales + f16
    {GgmlType::kBF16, "BF16", 1, 2},
}};

}  // namespace

std::string GgmlTypeName(uint32_t id) {
  for (const NamedId& t : kAllTypes) {
    if (t.id == id) return t.name;
  }
  return absl::StrCat("unknown type id ", id);
}

bool IsKnownGgmlType(uint32_t id) {
  for (const NamedId& t : kAllTypes) {
    if (t.id == id) return true;
  }
  return false;
}

const GgmlTypeTraits* FindSupportedGgmlType(uint32_t id) {
  for (const GgmlTypeTraits& t : kSupported) {
    if (static_cast<uint32_t>(t.type) == id) return &t;
  }
  return nullptr;
}

absl::Span<const GgmlTypeTraits> SupportedGgmlTypes() { return kSupported; }

absl::StatusOr<uint64_t> GgmlTensorBytes(GgmlType type, absl::Span<const uint64_t> dims) {
  const GgmlTypeTraits* traits = FindSupportedGgmlType(type);
  if (traits == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("type ", GgmlTypeName(type), " is not supported by this engine"));
  }
  if (dims.empty()) return absl::InvalidArgumentError("tensor has no dimensions");
  constexpr uint64_t kMaxElements = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  uint64_t elements = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0) return absl::InvalidArgumentError(absl::StrCat("dim ", i, " is 0"));
    if (__builtin_mul_overflow(elements, dims[i], &elements) || elements > kMaxElements) {
      return absl::InvalidArgumentError(
          absl::StrCat("element count (product of dims up to dim ", i, ") overflows int64"));
    }
  }
  if (dims[0] % traits->block_size != 0) {
    return absl::InvalidArgumentError(absl::StrCat("row length dims[0] = ", dims[0],
                                                   " is not a multiple of the ", traits->name,
                                                   " block size ", traits->block_size));
  }
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(elements / traits->block_size,
                             static_cast<uint64_t>(traits->bytes_per_block), &bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("byte size of ", elements, " ", traits->name, " elements overflows uint64"));
  }
  return bytes;
}

}  // namespace fleet::engine::gguf
