#include "services/inference/engine/quant/quantize.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/quant/block_layout.h"
#include "services/inference/engine/quant/fp16.h"
#include "services/inference/engine/quant/kquant_encode.h"
#include "services/inference/engine/quant/row_size.h"

namespace fleet::engine::quant {
namespace {

constexpr uint16_t kHalfMaxFinite = 0x7BFF;  // 65504
constexpr float kHalfMaxFiniteValue = 65504.0f;

bool IsHalfInf(uint16_t h) { return (h & 0x7FFF) == 0x7C00; }
bool IsHalfZero(uint16_t h) { return (h & 0x7FFF) == 0; }

void EncodeF32(const float* x, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t bits = FloatBits(x[i]);
    out[4 * i] = static_cast<uint8_t>(bits);
    out[4 * i + 1] = static_cast<uint8_t>(bits >> 8);
    out[4 * i + 2] = static_cast<uint8_t>(bits >> 16);
    out[4 * i + 3] = static_cast<uint8_t>(bits >> 24);
  }
}

void EncodeF16(const float* x, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) StoreU16(out + 2 * i, FloatToHalf(x[i]));
}

void EncodeBF16(const float* x, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) StoreU16(out + 2 * i, FloatToBF16(x[i]));
}

// ggml's quantize_row_q8_0_ref, plus the two fp16 edge cases of quantize.h.
void EncodeQ8_0(const float* x, size_t n_blocks, uint8_t* out) {
  for (size_t b = 0; b < n_blocks; ++b, x += kQ8_0BlockSize, out += kQ8_0BlockBytes) {
    float amax = 0.0f;
    for (size_t j = 0; j < kQ8_0BlockSize; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    uint16_t d_half = FloatToHalf(d);
    float inv = d != 0.0f ? 1.0f / d : 0.0f;
    if (IsHalfInf(d_half)) {
      d_half = kHalfMaxFinite;
      inv = 1.0f / kHalfMaxFiniteValue;
    } else if (IsHalfZero(d_half)) {
      inv = 0.0f;
    }
    StoreU16(out, d_half);
    for (size_t j = 0; j < kQ8_0BlockSize; ++j) {
      const float q = std::clamp(std::round(x[j] * inv), -127.0f, 127.0f);
      out[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(q));
    }
  }
}

// ggml's quantize_row_q4_0_ref, plus the two fp16 edge cases of quantize.h.
void EncodeQ4_0(const float* x, size_t n_blocks, uint8_t* out) {
  constexpr size_t kHalf = kQ4_0BlockSize / 2;
  for (size_t b = 0; b < n_blocks; ++b, x += kQ4_0BlockSize, out += kQ4_0BlockBytes) {
    float amax = 0.0f;
    float max = 0.0f;  // the element of largest magnitude, with its sign
    for (size_t j = 0; j < kQ4_0BlockSize; ++j) {
      if (amax < std::fabs(x[j])) {
        amax = std::fabs(x[j]);
        max = x[j];
      }
    }
    const float d = max / -8.0f;
    uint16_t d_half = FloatToHalf(d);
    float inv = d != 0.0f ? 1.0f / d : 0.0f;
    if (IsHalfInf(d_half)) {
      d_half = static_cast<uint16_t>((d_half & 0x8000) | kHalfMaxFinite);
      inv = 1.0f / HalfToFloat(d_half);
    } else if (IsHalfZero(d_half)) {
      inv = 0.0f;
    }
    StoreU16(out, d_half);
    auto code = [inv](float v) -> uint8_t {
      const float t = v * inv + 8.5f;
      if (!(t > 0.0f)) return 0;
      if (t >= 15.0f) return 15;
      return static_cast<uint8_t>(t);  // truncation, as ggml's (int8_t) cast
    };
    for (size_t j = 0; j < kHalf; ++j) {
      out[2 + j] = static_cast<uint8_t>(code(x[j]) | (code(x[j + kHalf]) << 4));
    }
  }
}

}  // namespace

absl::Status QuantizeRow(gguf::GgmlType type, absl::Span<const float> src,
                         absl::Span<uint8_t> dst) {
  ASSIGN_OR_RETURN(const gguf::GgmlTypeTraits* traits, CheckRowSizes(type, src.size(), dst.size()));
  const bool quantized = traits->block_size > 1;
  if (quantized) {
    for (size_t i = 0; i < src.size(); ++i) {
      if (!std::isfinite(src[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "element ", i, " is ", src[i], "; ", traits->name, " cannot encode non-finite values"));
      }
    }
  }
  const size_t n_blocks = src.size() / traits->block_size;
  const float* in = src.data();
  uint8_t* out = dst.data();
  switch (type) {
    case gguf::GgmlType::kF32:
      EncodeF32(in, n_blocks, out);
      break;
    case gguf::GgmlType::kF16:
      EncodeF16(in, n_blocks, out);
      break;
    case gguf::GgmlType::kBF16:
      EncodeBF16(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ8_0:
      EncodeQ8_0(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ4_0:
      EncodeQ4_0(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ4_K:
      internal::EncodeQ4_K(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ5_K:
      internal::EncodeQ5_K(in, n_blocks, out);
      break;
    case gguf::GgmlType::kQ6_K:
      internal::EncodeQ6_K(in, n_blocks, out);
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("tensor type ", gguf::GgmlTypeName(type), " has no encoder"));
  }
  return absl::OkStatus();
}

}  // namespace fleet::engine::quant
