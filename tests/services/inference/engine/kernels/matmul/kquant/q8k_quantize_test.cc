// The Q8_K activation encoders: ggml's quantize_row_q8_K rule (checked by
// hand and against an independent scalar oracle), and byte-identical output
// from the portable and AVX2 encoders for ordinary and non-finite inputs.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"
#include "tests/services/inference/engine/kernels/matmul/kquant/kquant_test_data.h"

namespace fleet::engine::kernels::cpu {
namespace {

using kquant_detail::QuantizeQ8KAvx2;
using kquant_detail::QuantizeQ8KPortable;

bool HaveAvx2() {
  for (Isa isa : SupportedIsas()) {
    if (isa == Isa::kAvx2) return true;
  }
  return false;
}

ActQ8_KBlock BlockAt(const std::vector<uint8_t>& bytes, size_t b) {
  ActQ8_KBlock block;
  std::memcpy(&block, bytes.data() + b * sizeof(block), sizeof(block));
  return block;
}

// ggml's rule for finite inputs, written out directly: the first element of
// largest magnitude v, iscale = -127 / v, q = min(127, round-half-even).
std::vector<uint8_t> OracleQ8K(const std::vector<float>& x) {
  std::vector<uint8_t> out(x.size() / 256 * sizeof(ActQ8_KBlock));
  for (size_t b = 0; b < x.size() / 256; ++b) {
    const float* xb = x.data() + 256 * b;
    ActQ8_KBlock block{};
    float v = 0.0f;
    for (int i = 0; i < 256; ++i) {
      if (std::fabs(xb[i]) > std::fabs(v)) v = xb[i];
    }
    if (v != 0.0f) {
      const float iscale = -127.0f / v;
      for (int i = 0; i < 256; ++i) {
        const long q = std::lrint(iscale * xb[i]);  // default mode: ties to even
        block.qs[i] = static_cast<int8_t>(q > 127 ? 127 : q);
      }
      for (int g = 0; g < 16; ++g) {
        int sum = 0;
        for (int i = 0; i < 16; ++i) sum += block.qs[16 * g + i];
        block.bsums[g] = static_cast<int16_t>(sum);
      }
      block.d = 1.0f / iscale;
    }
    std::memcpy(out.data() + b * sizeof(block), &block, sizeof(block));
  }
  return out;
}

std::vector<uint8_t> Encode(void (*quantize)(const float*, int64_t, uint8_t*),
                            const std::vector<float>& x) {
  std::vector<uint8_t> out(kquant_detail::Q8KRowBytes(static_cast<int64_t>(x.size())), 0xCC);
  quantize(x.data(), static_cast<int64_t>(x.size()), out.data());
  return out;
}

TEST(Q8KQuantizeTest, RowBytes) {
  EXPECT_EQ(kquant_detail::Q8KRowBytes(256), 292u);
  EXPECT_EQ(kquant_detail::Q8KRowBytes(2816), 11u * 292u);
}

TEST(Q8KQuantizeTest, ByHand) {
  // Largest magnitude -1.0 (at index 1): iscale = 127, d = 1/127. 0.5 ->
  // 63.5 -> 64 (tie to even), -0.5 -> -64, 0.25 -> 31.75 -> 32. The second
  // block's largest is +2 (the first of +2, -2): iscale = -63.5, 2 -> -127.
  std::vector<float> x(512, 0.0f);
  x[0] = 0.5f;
  x[1] = -1.0f;
  x[2] = 0.25f;
  x[3] = -0.5f;
  x[16] = 1.0f;  // group 1
  x[256] = 2.0f;
  x[257] = -2.0f;
  x[258] = 1.0f;  // -63.5 -> -64
  for (Isa isa : SupportedIsas()) {
    SCOPED_TRACE(IsaName(isa));
    const auto quantize = isa == Isa::kAvx2 ? &QuantizeQ8KAvx2 : &QuantizeQ8KPortable;
    const std::vector<uint8_t> bytes = Encode(quantize, x);
    const ActQ8_KBlock b0 = BlockAt(bytes, 0);
    EXPECT_EQ(b0.d, 1.0f / 127.0f);
    EXPECT_EQ(b0.qs[0], 64);
    EXPECT_EQ(b0.qs[1], -127);
    EXPECT_EQ(b0.qs[2], 32);
    EXPECT_EQ(b0.qs[3], -64);
    EXPECT_EQ(b0.qs[4], 0);
    EXPECT_EQ(b0.qs[16], 127);
    EXPECT_EQ(b0.bsums[0], 64 - 127 + 32 - 64);
    EXPECT_EQ(b0.bsums[1], 127);
    EXPECT_EQ(b0.bsums[2], 0);
    const ActQ8_KBlock b1 = BlockAt(bytes, 1);
    EXPECT_EQ(b1.d, 1.0f / (-127.0f / 2.0f));
    EXPECT_EQ(b1.qs[0], -127);
    EXPECT_EQ(b1.qs[1], 127);
    EXPECT_EQ(b1.qs[2], -64);
    EXPECT_EQ(b1.bsums[0], -64);
  }
}

TEST(Q8KQuantizeTest, AllZeroBlock) {
  const std::vector<float> x(256, 0.0f);
  const std::vector<float> neg_zero(256, -0.0f);
  for (auto quantize : {&QuantizeQ8KPortable, &QuantizeQ8KAvx2}) {
    if (quantize == &QuantizeQ8KAvx2 && !HaveAvx2()) continue;
    for (const std::vector<float>* input : {&x, &neg_zero}) {
      const ActQ8_KBlock b = BlockAt(Encode(quantize, *input), 0);
      EXPECT_EQ(b.d, 0.0f);
      for (int i = 0; i < 256; ++i) ASSERT_EQ(b.qs[i], 0);
      for (int g = 0; g < 16; ++g) ASSERT_EQ(b.bsums[g], 0);
    }
  }
}

TEST(Q8KQuantizeTest, MatchesGgmlRuleOnRandomRows) {
  for (int64_t n : {256, 512, 2816}) {
    const std::vector<float> x = testing::RandomActivations(n, 8, static_cast<uint32_t>(n));
    const std::vector<uint8_t> oracle = OracleQ8K(x);
    EXPECT_EQ(Encode(&QuantizeQ8KPortable, x), oracle) << "n=" << n;
    if (HaveAvx2()) {
      EXPECT_EQ(Encode(&QuantizeQ8KAvx2, x), oracle) << "n=" << n;
    }
  }
}

// Portable and AVX2 must agree byte for byte, whatever the floats.
TEST(Q8KQuantizeTest, PortableAndAvx2Identical) {
  if (!HaveAvx2()) GTEST_SKIP() << "no AVX2 on this CPU";
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<std::vector<float>> blocks;
  auto random_block = [&](float scale) {
    std::vector<float> b(256);
    for (float& v : b) v = uniform(rng) * scale;
    return b;
  };
  blocks.push_back(random_block(1.0f));
  blocks.push_back(random_block(1e30f));
  blocks.push_back(random_block(1e-30f));
  blocks.push_back(random_block(1e-42f));  // subnormals: 127 / max overflows
  {
    std::vector<float> b = random_block(1.0f);  // ties of magnitude, sign first seen wins
    b[40] = 3.0f;
    b[41] = -3.0f;
    b[200] = -3.0f;
    blocks.push_back(b);
    b[40] = -3.0f;
    b[41] = 3.0f;
    blocks.push_back(b);
  }
  {
    std::vector<float> b(256);  // exact halves: every rounding tie
    for (int i = 0; i < 256; ++i) b[i] = static_cast<float>(i - 128) / 127.0f * 0.5f;
    b[0] = -1.0f;
    blocks.push_back(b);
  }
  for (float special : {nan, inf, -inf}) {
    std::vector<float> b = random_block(1.0f);
    b[77] = special;
    blocks.push_back(b);
    std::vector<float> lone(256, 0.0f);
    lone[3] = special;
    blocks.push_back(lone);
  }
  {
    std::vector<float> b = random_block(1.0f);
    b[5] = inf;
    b[6] = nan;
    blocks.push_back(b);
  }
  blocks.push_back(std::vector<float>(256, nan));
  std::vector<float> x;
  for (const auto& b : blocks) x.insert(x.end(), b.begin(), b.end());
  const std::vector<uint8_t> portable = Encode(&QuantizeQ8KPortable, x);
  const std::vector<uint8_t> avx2 = Encode(&QuantizeQ8KAvx2, x);
  for (size_t b = 0; b < blocks.size(); ++b) {
    EXPECT_EQ(std::memcmp(&portable[b * 292], &avx2[b * 292], 292), 0) << "block " << b;
  }
}

TEST(Q8KQuantizeTest, NaNBlockStoresNaNScale) {
  std::vector<float> x(512, 1.0f);
  x[300] = std::numeric_limits<float>::quiet_NaN();
  for (auto quantize : {&QuantizeQ8KPortable, &QuantizeQ8KAvx2}) {
    if (quantize == &QuantizeQ8KAvx2 && !HaveAvx2()) continue;
    const std::vector<uint8_t> bytes = Encode(quantize, x);
    EXPECT_EQ(BlockAt(bytes, 0).d, 1.0f / -127.0f);
    EXPECT_TRUE(std::isnan(BlockAt(bytes, 1).d));
  }
}

}  // namespace
}  // namespace fleet::engine::kernels::cpu
