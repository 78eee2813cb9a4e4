#include "services/inference/engine/quant/row_size.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace fleet::engine::quant {

absl::StatusOr<const gguf::GgmlTypeTraits*> CheckRowSizes(gguf::GgmlType type, size_t n_elements,
                                                          size_t n_bytes) {
  const gguf::GgmlTypeTraits* traits = gguf::FindSupportedGgmlType(type);
  if (traits == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor type ", gguf::GgmlTypeName(type), " is not supported"));
  }
  if (n_elements % traits->block_size != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(n_elements, " elements is not a multiple of the ", traits->name,
                     " block size ", traits->block_size));
  }
  const size_t blocks = n_elements / traits->block_size;
  // blocks * bytes_per_block cannot overflow for a span of floats that exists
  // (bytes_per_block <= 4 * block_size for every supported type).
  const size_t expected = blocks * traits->bytes_per_block;
  if (n_bytes != expected) {
    return absl::InvalidArgumentError(absl::StrCat(n_elements, " ", traits->name, " elements take ",
                                                   expected, " bytes, got ", n_bytes));
  }
  return traits;
}

}  // namespace fleet::engine::quant
