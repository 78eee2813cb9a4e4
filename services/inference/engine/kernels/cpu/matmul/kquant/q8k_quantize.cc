// Portable Q8_K activation encoder (rule in kquant_kernels.h). The AVX2 one
// in q8k_quantize_avx2.cc must write the same bytes; the test compares them.
#include <cmath>
#include <cstring>

#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/quant/fp16.h"

namespace fleet::engine::kernels::cpu::kquant_detail {
namespace {

// Nearest integer, ties to even (the default rounding mode, like
// _mm256_cvtps_epi32), saturated to int8; a value that is NaN or outside
// int32 gives -128, as cvtps_epi32's 0x80000000 does after packing.
int8_t RoundToInt8(float v) {
  if (!(std::fabs(v) < 2147483648.0f)) return -128;
  const float r = std::nearbyint(v);
  if (r > 127.0f) return 127;
  if (r < -128.0f) return -128;
  return static_cast<int8_t>(r);
}

void QuantizeBlock(const float* x, ActQ8_KBlock* y) {
  float amax = 0.0f;
  float vmax = 0.0f;
  bool has_nan = false;
  for (int64_t i = 0; i < kQK; ++i) {
    const float ax = std::fabs(x[i]);
    has_nan |= std::isnan(x[i]);
    if (ax > amax) {  // the first element of largest magnitude; NaN never wins
      amax = ax;
      vmax = x[i];
    }
  }
  if (amax == 0.0f) {
    y->d = has_nan ? quant::BitsToFloat(kQ8KNanBits) : 0.0f;
    std::memset(y->qs, 0, sizeof(y->qs));
    std::memset(y->bsums, 0, sizeof(y->bsums));
    return;
  }
  const float iscale = -127.0f / vmax;
  for (int64_t i = 0; i < kQK; ++i) y->qs[i] = RoundToInt8(iscale * x[i]);
  for (int g = 0; g < 16; ++g) {
    int sum = 0;
    for (int i = 0; i < 16; ++i) sum += y->qs[16 * g + i];
    y->bsums[g] = static_cast<int16_t>(sum);
  }
  y->d = has_nan ? quant::BitsToFloat(kQ8KNanBits) : 1.0f / iscale;
}

}  // namespace

void QuantizeQ8KPortable(const float* x, int64_t n, uint8_t* out) {
  for (int64_t b = 0; b < n / kQK; ++b) {
    ActQ8_KBlock block;
    QuantizeBlock(x + b * kQK, &block);
    std::memcpy(out + b * sizeof(ActQ8_KBlock), &block, sizeof(block));
  }
}

}  // namespace fleet::engine::kernels::cpu::kquant_detail
