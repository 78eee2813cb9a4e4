// The portable (plain C++) tile kernels and activation encoders. Simple loops
// the compiler may vectorise for the baseline x86-64 ISA; the AVX2 files are
// the fast path.

#include <algorithm>
#include <cmath>
#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/float_q0/float_q0_kernels.h"
#include "services/inference/engine/quant/block_layout.h"
#include "services/inference/engine/quant/fp16.h"

namespace fleet::engine::kernels::cpu::float_q0 {
namespace {

constexpr int64_t kBlock = 32;
constexpr size_t kQ8Bytes = quant::kQ8_0BlockBytes;
constexpr size_t kQ4Bytes = quant::kQ4_0BlockBytes;

// The largest finite fp16 (bits 0x7BFF = 65504).
constexpr uint16_t kHalfMax = 0x7BFF;

// Element i of a float-type weight row, decoded to float.
struct F32Weights {
  static float Get(const uint8_t* row, int64_t i) {
    float v;
    std::memcpy(&v, row + 4 * i, sizeof(v));
    return v;
  }
};
struct F16Weights {
  static float Get(const uint8_t* row, int64_t i) { return quant::LoadHalf(row + 2 * i); }
};
struct BF16Weights {
  static float Get(const uint8_t* row, int64_t i) {
    return quant::BF16ToFloat(quant::LoadU16(row + 2 * i));
  }
};

// Per row, chunks of kChunk decoded weights are multiplied with every
// column; float accumulation in four interleaved partial sums per column
// (lane i % 4), combined pairwise at the end.
constexpr int64_t kChunk = 256;

template <typename W>
void GemmFloat(const GemmArgs& a) {
  float wf[kChunk];
  float s[kMaxTileCols][4];
  for (int64_t r = 0; r < a.n_rows; ++r) {
    const uint8_t* row = a.w + static_cast<size_t>(r) * a.w_stride;
    for (int64_t c0 = 0; c0 < a.n_cols; c0 += kMaxTileCols) {
      const int64_t cols = std::min(kMaxTileCols, a.n_cols - c0);
      for (int64_t c = 0; c < cols; ++c) s[c][0] = s[c][1] = s[c][2] = s[c][3] = 0.0f;
      for (int64_t k0 = 0; k0 < a.n; k0 += kChunk) {
        const int64_t k = std::min(kChunk, a.n - k0);
        for (int64_t i = 0; i < k; ++i) wf[i] = W::Get(row, k0 + i);
        for (int64_t c = 0; c < cols; ++c) {
          const uint8_t* xb = a.act + static_cast<size_t>(c0 + c) * a.act_stride + 4 * k0;
          float x[kChunk];
          std::memcpy(x, xb, static_cast<size_t>(k) * sizeof(float));
          // k0 is a multiple of 4, so lane i % 4 is lane (k0 + i) % 4.
          float s0 = s[c][0], s1 = s[c][1], s2 = s[c][2], s3 = s[c][3];
          int64_t i = 0;
          for (; i + 4 <= k; i += 4) {
            s0 += wf[i] * x[i];
            s1 += wf[i + 1] * x[i + 1];
            s2 += wf[i + 2] * x[i + 2];
            s3 += wf[i + 3] * x[i + 3];
          }
          for (; i < k; ++i) {
            float& lane = (i & 3) == 0 ? s0 : (i & 3) == 1 ? s1 : s2;
            lane += wf[i] * x[i];
          }
          s[c][0] = s0;
          s[c][1] = s1;
          s[c][2] = s2;
          s[c][3] = s3;
        }
      }
      for (int64_t c = 0; c < cols; ++c) {
        a.out[static_cast<size_t>(c0 + c) * a.out_stride + r] =
            (s[c][0] + s[c][1]) + (s[c][2] + s[c][3]);
      }
    }
  }
}

// Integer dot of one weight block with one Q8_0 activation block's quants.
struct Q8_0Weights {
  static constexpr size_t kBytes = kQ8Bytes;
  static int32_t Dot(const uint8_t* wb, const int8_t* xq) {
    int32_t sum = 0;
    for (int64_t j = 0; j < kBlock; ++j) sum += static_cast<int8_t>(wb[2 + j]) * xq[j];
    return sum;
  }
};
struct Q4_0Weights {
  static constexpr size_t kBytes = kQ4Bytes;
  static int32_t Dot(const uint8_t* wb, const int8_t* xq) {
    int32_t sum = 0;
    for (int64_t j = 0; j < kBlock / 2; ++j) {
      const int32_t lo = (wb[2 + j] & 0x0F) - 8;
      const int32_t hi = (wb[2 + j] >> 4) - 8;
      sum += lo * xq[j] + hi * xq[j + kBlock / 2];
    }
    return sum;
  }
};

template <typename W>
void GemmQ(const GemmArgs& a) {
  const int64_t nb = a.n / kBlock;
  for (int64_t c = 0; c < a.n_cols; ++c) {
    const uint8_t* xb = a.act + static_cast<size_t>(c) * a.act_stride;
    float* out = a.out + static_cast<size_t>(c) * a.out_stride;
    for (int64_t r = 0; r < a.n_rows; ++r) {
      const uint8_t* row = a.w + static_cast<size_t>(r) * a.w_stride;
      float s[2] = {0.0f, 0.0f};
      for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* wb = row + static_cast<size_t>(b) * W::kBytes;
        const uint8_t* ab = xb + static_cast<size_t>(b) * kQ8Bytes;
        const int32_t dot = W::Dot(wb, reinterpret_cast<const int8_t*>(ab + 2));
        const float scale = quant::LoadHalf(wb) * quant::LoadHalf(ab);
        s[b & 1] += scale * static_cast<float>(dot);
      }
      out[r] = s[0] + s[1];
    }
  }
}

}  // namespace

size_t F32ActRowBytes(int64_t n) { return static_cast<size_t>(n) * sizeof(float); }

size_t Q8_0ActRowBytes(int64_t n) { return static_cast<size_t>(n / kBlock) * kQ8Bytes; }

void CopyActF32(const float* x, int64_t n, uint8_t* out) {
  std::memcpy(out, x, static_cast<size_t>(n) * sizeof(float));
}

void QuantizeActQ8_0Portable(const float* x, int64_t n, uint8_t* out) {
  for (int64_t b = 0; b < n / kBlock; ++b, x += kBlock, out += kQ8Bytes) {
    float amax = 0.0f;
    for (int64_t j = 0; j < kBlock; ++j) amax = std::fmax(amax, std::fabs(x[j]));
    uint16_t d_half = quant::FloatToHalf(amax / 127.0f);
    float inv;
    if ((d_half & 0x7FFF) >= 0x7C00) {  // overflow (or NaN): clamp the scale
      d_half = kHalfMax;
      inv = 1.0f / quant::HalfToFloat(kHalfMax);
    } else if (d_half == 0) {
      inv = 0.0f;
    } else {
      inv = 1.0f / quant::HalfToFloat(d_half);
    }
    quant::StoreU16(out, d_half);
    for (int64_t j = 0; j < kBlock; ++j) {
      float q = std::nearbyint(x[j] * inv);  // default rounding: half to even
      if (!(q >= -127.0f)) q = -127.0f;      // also NaN (as the AVX2 path)
      if (q > 127.0f) q = 127.0f;
      out[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(q));
    }
  }
}

void GemmF32Portable(const GemmArgs& args) { GemmFloat<F32Weights>(args); }
void GemmF16Portable(const GemmArgs& args) { GemmFloat<F16Weights>(args); }
void GemmBF16Portable(const GemmArgs& args) { GemmFloat<BF16Weights>(args); }
void GemmQ8_0Portable(const GemmArgs& args) { GemmQ<Q8_0Weights>(args); }
void GemmQ4_0Portable(const GemmArgs& args) { GemmQ<Q4_0Weights>(args); }

}  // namespace fleet::engine::kernels::cpu::float_q0
