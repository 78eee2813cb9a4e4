#include "tests/services/inference/engine/kernels/matmul/kquant/kquant_test_data.h"

#include <cmath>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "absl/types/span.h"
#include "services/inference/engine/quant/block_layout.h"
#include "services/inference/engine/quant/dequantize.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::kernels::cpu::testing {

size_t WeightRowBytes(gguf::GgmlType type, int64_t n) {
  const gguf::GgmlTypeTraits* traits = gguf::FindSupportedGgmlType(type);
  EXPECT_NE(traits, nullptr);
  if (traits == nullptr) return 0;
  return static_cast<size_t>(n / traits->block_size) * traits->bytes_per_block;
}

std::vector<float> RandomWeights(int64_t n, int64_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 49);
  std::vector<float> w(static_cast<size_t>(n * rows));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < n; ++i) {
      float v = normal(rng);
      if (pick(rng) == 0) v *= 20.0f;
      if (r % 3 == 1) v += 1.5f;
      if (r % 3 == 2) v *= 1e-3f;
      w[r * n + i] = v;
    }
  }
  return w;
}

std::vector<uint8_t> EncodeWeights(gguf::GgmlType type, const std::vector<float>& values,
                                   int64_t n) {
  const size_t row_bytes = WeightRowBytes(type, n);
  const size_t rows = values.size() / static_cast<size_t>(n);
  std::vector<uint8_t> bytes(rows * row_bytes);
  for (size_t r = 0; r < rows; ++r) {
    const absl::Status s =
        quant::QuantizeRow(type, absl::MakeConstSpan(values).subspan(r * n, n),
                           absl::MakeSpan(bytes).subspan(r * row_bytes, row_bytes));
    EXPECT_TRUE(s.ok()) << s;
  }
  return bytes;
}

std::vector<float> DecodeWeights(gguf::GgmlType type, const std::vector<uint8_t>& bytes,
                                 int64_t n) {
  const size_t row_bytes = WeightRowBytes(type, n);
  const size_t rows = bytes.size() / row_bytes;
  std::vector<float> out(rows * n);
  for (size_t r = 0; r < rows; ++r) {
    const absl::Status s =
        quant::DequantizeRow(type, absl::MakeConstSpan(bytes).subspan(r * row_bytes, row_bytes),
                             absl::MakeSpan(out).subspan(r * n, n));
    EXPECT_TRUE(s.ok()) << s;
  }
  return out;
}

std::vector<float> SubBlockMins(gguf::GgmlType type, const std::vector<uint8_t>& bytes, int64_t n) {
  const size_t row_bytes = WeightRowBytes(type, n);
  const size_t blocks = bytes.size() / row_bytes * static_cast<size_t>(n / 256);
  std::vector<float> mins(blocks * 256, 0.0f);
  if (type == gguf::GgmlType::kQ6_K) return mins;
  const size_t block_bytes =
      type == gguf::GgmlType::kQ4_K ? quant::kQ4_KBlockBytes : quant::kQ5_KBlockBytes;
  for (size_t b = 0; b < blocks; ++b) {
    const uint8_t* blk = bytes.data() + b * block_bytes;
    const float dmin = quant::LoadHalf(blk + 2);
    for (int s = 0; s < 8; ++s) {
      uint8_t sc, m;
      quant::UnpackScaleMinK4(s, blk + quant::kQ4_KScalesOffset, &sc, &m);
      for (int i = 0; i < 32; ++i) mins[b * 256 + 32 * s + i] = std::fabs(dmin * m);
    }
  }
  return mins;
}

std::vector<float> RandomActivations(int64_t n, int64_t cols, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<float> x(static_cast<size_t>(n * cols));
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t i = 0; i < n; ++i) {
      float v = normal(rng);
      const int p = pick(rng);
      if (p < 10) v = 0.0f;
      if (p >= 98) v *= 40.0f;
      if ((i / 256 + c) % 5 == 2) v = 0.0f;
      x[c * n + i] = v;
    }
  }
  return x;
}

std::vector<uint8_t> EncodeActivations(const MatMulKernel& kernel, const std::vector<float>& x,
                                       int64_t n, int64_t cols, size_t stride) {
  std::vector<uint8_t> bytes(stride * cols, 0xA5);
  for (int64_t c = 0; c < cols; ++c) kernel.quantize_act(x.data() + c * n, n, &bytes[c * stride]);
  return bytes;
}

std::vector<double> DecodeQ8K(const std::vector<uint8_t>& bytes, int64_t n, int64_t cols,
                              size_t stride) {
  std::vector<double> out(static_cast<size_t>(n * cols));
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t b = 0; b < n / 256; ++b) {
      ActQ8_KBlock block;
      std::memcpy(&block, &bytes[c * stride + b * sizeof(ActQ8_KBlock)], sizeof(block));
      for (int i = 0; i < 256; ++i) {
        out[c * n + b * 256 + i] = static_cast<double>(block.d) * block.qs[i];
      }
    }
  }
  return out;
}

std::vector<double> Q8KScales(const std::vector<uint8_t>& bytes, int64_t n, int64_t cols,
                              size_t stride) {
  std::vector<double> out;
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t b = 0; b < n / 256; ++b) {
      float d;
      std::memcpy(&d, &bytes[c * stride + b * sizeof(ActQ8_KBlock)], sizeof(d));
      out.push_back(std::fabs(static_cast<double>(d)));
    }
  }
  return out;
}

}  // namespace fleet::engine::kernels::cpu::testing
