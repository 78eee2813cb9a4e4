#include "tests/services/inference/engine/model/reference/reference_weights.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/inference/engine/quant/dequantize.h"

namespace fleet::engine::testing {
namespace {

uint16_t LoadU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

float LoadF32(const uint8_t* p) {
  uint32_t bits = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                  (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// The dims a tensor must have, compared with trailing 1s removed on both sides.
absl::Status CheckShape(const gguf::GgufTensorInfo& info, std::vector<uint64_t> want) {
  std::vector<uint64_t> got = info.dims;
  while (got.size() > 1 && got.back() == 1) got.pop_back();
  while (want.size() > 1 && want.back() == 1) want.pop_back();
  if (got != want) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", info.name, "' has dims {",
                                                   absl::StrJoin(info.dims, ", "), "}, expected {",
                                                   absl::StrJoin(want, ", "), "}"));
  }
  return absl::OkStatus();
}

}  // namespace

double HalfBitsToDouble(uint16_t bits) {
  const double sign = (bits & 0x8000) ? -1.0 : 1.0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24.
    return sign * std::ldexp(static_cast<double>(mantissa), -24);
  }
  if (exponent == 31) {
    return mantissa == 0 ? sign * std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::quiet_NaN();
  }
  // Normal: (1 + mantissa / 1024) * 2^(exponent - 15).
  return sign * std::ldexp(1.0 + mantissa / 1024.0, exponent - 15);
}

double Bf16BitsToDouble(uint16_t bits) {
  const uint32_t f32_bits = static_cast<uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &f32_bits, sizeof(f));
  return static_cast<double>(f);
}

absl::Status DecodeRowToDouble(gguf::GgmlType type, absl::Span<const uint8_t> src,
                               absl::Span<double> dst) {
  if (type != gguf::GgmlType::kF32 && type != gguf::GgmlType::kF16 &&
      type != gguf::GgmlType::kBF16) {
    // Block-quantized types: the quant component's decoder (the engine runs
    // on the same dequantized values), widened to double.
    std::vector<float> decoded(dst.size());
    absl::Status s = quant::DequantizeRow(type, src, absl::MakeSpan(decoded));
    if (!s.ok()) return s;
    for (size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<double>(decoded[i]);
    return absl::OkStatus();
  }
  const size_t element_bytes = type == gguf::GgmlType::kF32 ? 4 : 2;
  if (src.size() != dst.size() * element_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("row of ", dst.size(), " ", gguf::GgmlTypeName(type), " elements needs ",
                     dst.size() * element_bytes, " bytes, got ", src.size()));
  }
  for (size_t i = 0; i < dst.size(); ++i) {
    const uint8_t* p = src.data() + i * element_bytes;
    if (type == gguf::GgmlType::kF32) {
      dst[i] = static_cast<double>(LoadF32(p));
    } else if (type == gguf::GgmlType::kF16) {
      dst[i] = HalfBitsToDouble(LoadU16(p));
    } else {
      dst[i] = Bf16BitsToDouble(LoadU16(p));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DoubleMatrix> ReadMatrix(const gguf::GgufFile& file, absl::string_view name,
                                        int64_t rows, int64_t cols) {
  const gguf::GgufTensorInfo* info = file.FindTensor(name);
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("required tensor '", name, "' is missing"));
  }
  absl::Status shape =
      CheckShape(*info, {static_cast<uint64_t>(cols), static_cast<uint64_t>(rows)});
  if (!shape.ok()) return shape;
  absl::Span<const uint8_t> bytes = file.TensorData(*info);
  // The reader guarantees size_bytes = rows * bytes_per_row.
  const size_t row_bytes = bytes.size() / static_cast<size_t>(rows);
  DoubleMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.data.resize(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    absl::Status s = DecodeRowToDouble(
        info->type, bytes.subspan(static_cast<size_t>(r) * row_bytes, row_bytes),
        absl::MakeSpan(m.data).subspan(static_cast<size_t>(r * cols), static_cast<size_t>(cols)));
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("tensor '", name, "': ", s.message()));
    }
  }
  return m;
}

absl::StatusOr<std::vector<double>> ReadVector(const gguf::GgufFile& file, absl::string_view name,
                                               int64_t n) {
  absl::StatusOr<DoubleMatrix> m = ReadMatrix(file, name, 1, n);
  if (!m.ok()) return m.status();
  return std::move(m->data);
}

}  // namespace fleet::engine::testing
