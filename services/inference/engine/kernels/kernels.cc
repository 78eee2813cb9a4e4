#include "services/inference/engine/kernels/kernels.h"

#include <limits>

#include "absl/strings/str_cat.h"

namespace fleet::engine::kernels {

absl::StatusOr<uint64_t> RowBytes(gguf::GgmlType type, int64_t n) {
  const gguf::GgmlTypeTraits* traits = gguf::FindSupportedGgmlType(type);
  if (traits == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("type ", gguf::GgmlTypeName(type), " is not supported"));
  }
  if (n <= 0 || n % traits->block_size != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("row length ", n, " is not a positive multiple of the ", traits->name,
                     " block size ", traits->block_size));
  }
  return static_cast<uint64_t>(n) / traits->block_size * traits->bytes_per_block;
}

absl::Status ValidateWeightView(const WeightView& w, absl::string_view what) {
  absl::StatusOr<uint64_t> row_bytes = RowBytes(w.type, w.n_in);
  if (!row_bytes.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", row_bytes.status().message()));
  }
  if (w.n_out <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": row count ", w.n_out, " <= 0"));
  }
  if (static_cast<uint64_t>(w.n_out) > std::numeric_limits<uint64_t>::max() / *row_bytes ||
      w.data.size() != static_cast<uint64_t>(w.n_out) * *row_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", w.data.size(),
                                                   " bytes of data do not hold ", w.n_out,
                                                   " rows of ", *row_bytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status Kernels::SwiGlu(absl::Span<float> gate, absl::Span<const float> up) const {
  if (gate.size() != up.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SwiGlu: up has ", up.size(), " elements, expected ", gate.size()));
  }
  absl::Status status = Silu(gate);
  if (!status.ok()) return status;
  return Mul(gate, up);
}

absl::string_view RopeStyleName(RopeStyle style) {
  switch (style) {
    case RopeStyle::kNormal:
      return "normal";
    case RopeStyle::kNeox:
      return "neox";
  }
  return "unknown";
}

}  // namespace fleet::engine::kernels
