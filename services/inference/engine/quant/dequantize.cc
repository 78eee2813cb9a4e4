#include "services/inference/engine/quant/dequantize.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/quant/block_layout.h"
#include "services/inference/engine/quant/fp16.h"
#include "services/inference/engine/quant/row_size.h"

namespace fleet::engine::quant {
namespace {

// Each decoder takes `n_blocks` whole blocks at `src` and writes
// n_blocks * block_size floats to `dst`. The arithmetic mirrors ggml's
// reference decoders operation by operation (see dequantize.h).

void DecodeF32(const uint8_t* src, size_t n, float* dst) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t bits = static_cast<uint32_t>(src[4 * i]) |
                          (static_cast<uint32_t>(src[4 * i + 1]) << 8) |
                          (static_cast<uint32_t>(src[4 * i + 2]) << 16) |
                          (static_cast<uint32_t>(src[4 * i + 3]) << 24);
    dst[i] = BitsToFloat(bits);
  }
}

void DecodeF16(const uint8_t* src, size_t n, float* dst) {
  for (size_t i = 0; i < n; ++i) dst[i] = LoadHalf(src + 2 * i);
}

void DecodeBF16(const uint8_t* src, size_t n, float* dst) {
  for (size_t i = 0; i < n; ++i) dst[i] = BF16ToFloat(LoadU16(src + 2 * i));
}

void DecodeQ8_0(const uint8_t* src, size_t n_blocks, float* dst) {
  for (size_t b = 0; b < n_blocks; ++b, src += kQ8_0BlockBytes, dst += kQ8_0BlockSize) {
    const float d = LoadHalf(src);
    const uint8_t* qs = src + 2;
    for (size_t j = 0; j < kQ8_0BlockSize; ++j) {
      dst[j] = static_cast<float>(static_cast<int8_t>(qs[j])) * d;
    }
  }
}

void DecodeQ4_0(const uint8_t* src, size_t n_blocks, float* dst) {
  constexpr size_t kHalf = kQ4_0BlockSize / 2;
  for (size_t b = 0; b < n_blocks; ++b, src += kQ4_0BlockBytes, dst += kQ4_0BlockSize) {
    const float d = LoadHalf(src);
    const uint8_t* qs = src + 2;
    for (size_t j = 0; j < kHalf; ++j) {
      const int lo = (qs[j] & 0x0F) - 8;
      const int hi = (qs[j] >> 4) - 8;
      dst[j] = static_cast<float>(lo) * d;
      dst[j + kHalf] = static_cast<float>(hi) * d;
    }
  }
}

// Sub-block j's effective scale and min of a Q4_K/Q5_K super-block:
// d * sc and dmin * m, each one float product, as ggml computes them.
struct ScaleMin {
  float scale;
  float min;
};
ScaleMin SubBlockScaleMin(float d, float dmin, int j, const uint8_t* scales) {
  uint8_t sc, m;
  UnpackScaleMinK4(j, scales, &sc, &m);
  return {d * static_cast<float>(sc), dmin * static_cast<float>(m)};
}

void DecodeQ4_K(const uint8_t* src, size_t n_blocks, float* dst) {
  for (size_t b = 0; b < n_blocks; ++b, src += kQ4_KBlockBytes) {
    const float d = LoadHalf(src);
    const float dmin = LoadHalf(src + 2);
    const uint8_t* scales = src + kQ4_KScalesOffset;
    const uint8_t* qs = src + kQ4_KQsOffset;
    for (int chunk = 0; chunk < 4; ++chunk, qs += 32) {
      const auto [d1, m1] = SubBlockScaleMin(d, dmin, 2 * chunk, scales);
      const auto [d2, m2] = SubBlockScaleMin(d, dmin, 2 * chunk + 1, scales);
      for (int l = 0; l < 32; ++l) *dst++ = d1 * static_cast<float>(qs[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) *dst++ = d2 * static_cast<float>(qs[l] >> 4) - m2;
    }
  }
}

void DecodeQ5_K(const uint8_t* src, size_t n_blocks, float* dst) {
  for (size_t b = 0; b < n_blocks; ++b, src += kQ5_KBlockBytes) {
    const float d = LoadHalf(src);
    const float dmin = LoadHalf(src + 2);
    const uint8_t* scales = src + kQ5_KScalesOffset;
    const uint8_t* qh = src + kQ5_KQhOffset;
    const uint8_t* qs = src + kQ5_KQsOffset;
    for (int chunk = 0; chunk < 4; ++chunk, qs += 32) {
      const uint8_t lo_bit = static_cast<uint8_t>(1u << (2 * chunk));
      const uint8_t hi_bit = static_cast<uint8_t>(2u << (2 * chunk));
      const auto [d1, m1] = SubBlockScaleMin(d, dmin, 2 * chunk, scales);
      const auto [d2, m2] = SubBlockScaleMin(d, dmin, 2 * chunk + 1, scales);
      for (int l = 0; l < 32; ++l) {
        const int q = (qs[l] & 0xF) + ((qh[l] & lo_bit) != 0 ? 16 : 0);
        *dst++ = d1 * static_cast<float>(q) - m1;
      }
      for (int l = 0; l < 32; ++l) {
        const int q = (qs[l] >> 4) + ((qh[l] & hi_bit) != 0 ? 16 : 0);
        *dst++ = d2 * static_cast<float>(q) - m2;
      }
    }
  }
}

void DecodeQ6_K(const uint8_t* src, size_t n_blocks, float* dst) {
  for (size_t b = 0; b < n_blocks; ++b, src += kQ6_KBlockBytes) {
    const float d = LoadHalf(src + kQ6_KDOffset);
    const uint8_t* ql = src;
    const uint8_t* qh = src + kQ6_KQhOffset;
    const int8_t* sc = reinterpret_cast<const int8_t*>(src + kQ6_KScalesOffset);
    // Two halves of 128 elements: 64 bytes of ql, 32 of qh, 8 scales each.
    for (int half = 0; half < 2; ++half, dst += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int s = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        dst[l] = d * static_cast<float>(sc[s]) * static_cast<float>(q1);
        dst[l + 32] = d * static_cast<float>(sc[s + 2]) * static_cast<float>(q2);
        dst[l + 64] = d * static_cast<float>(sc[s + 4]) * static_cast<float>(q3);
        dst[l + 96] = d * static_cast<float>(sc[s + 6]) * static_cast<float>(q4);
      }
    }
  }
}

}  // namespace

absl::Status DequantizeRow(gguf::GgmlType type, absl::Span<const uint8_t> src,
                           absl::Span<float> dst) {
  ASSIGN_OR_RETURN(const gguf::GgmlTypeTraits* traits, CheckRowSizes(type, dst.size(), src.size()));
  const size_t n_blocks = dst.size() / traits->block_size;
  const uint8_t* in = src.data();
  float* out = dst.data();
  switch (type) {
    case gguf::GgmlType::kF32:
      DecodeF32(in, n_blocks, out);
      break;
    case gguf::GgmlType::kF16:
      DecodeF16(in, n_blocks, out);
      break;
    case gguf::GgmlType::kBF16:
      DecodeBF16(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ8_0:
      DecodeQ8_0(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ4_0:
      DecodeQ4_0(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ4_K:
      DecodeQ4_K(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ5_K:
      DecodeQ5_K(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ6_K:
      DecodeQ6_K(in, n_blocks, out);
      break;
    default:
      // Supported by the type table but not by this decoder: keep them in step.
      return absl::InvalidArgumentError(
          absl::StrCat("tensor type ", gguf::GgmlTypeName(type), " has no decoder"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<float>> DequantizeTensor(const gguf::GgufFile& file,
                                                    const gguf::GgufTensorInfo& info) {
  const absl::Span<const uint8_t> data = file.TensorData(info);
  if (data.size() != info.size_bytes || (data.empty() && info.n_elements != 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", info.name, "' does not lie inside this file's data section"));
  }
  if (info.n_elements > std::numeric_limits<size_t>::max() / sizeof(float)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("tensor '", info.name, "' has too many elements (", info.n_elements, ")"));
  }
  std::vector<float> out(static_cast<size_t>(info.n_elements));
  absl::Status status = DequantizeRow(info.type, data, absl::MakeSpan(out));
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", info.name, "': ", status.message()));
  }
  return out;
}

}  // namespace fleet::engine::quant
