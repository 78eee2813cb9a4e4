// Hand-built blocks: the bytes are assembled here bit by bit from the format
// description (docs/engine.md, "Tensor types: encodings and decoders"), independently of the
// library's packing code, and the expected floats come from the format formulas with ggml's order
// of float operations.

#include "services/inference/engine/quant/dequantize.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "services/inference/engine/quant/fp16.h"

namespace fleet::engine::quant {
namespace {

using gguf::GgmlType;
using ::testing::HasSubstr;

// Writes the `n_bits` low bits of `value` at bit `bit` (LSB first) of byte `byte`.
void PutBits(std::vector<uint8_t>& bytes, size_t byte, int bit, int n_bits, uint32_t value) {
  for (int i = 0; i < n_bits; ++i) {
    const uint8_t mask = static_cast<uint8_t>(1u << (bit + i));
    if ((value >> i) & 1u) {
      bytes[byte] |= mask;
    } else {
      bytes[byte] &= static_cast<uint8_t>(~mask);
    }
  }
}

void PutLe16(std::vector<uint8_t>& bytes, size_t at, uint16_t v) {
  bytes[at] = static_cast<uint8_t>(v & 0xFF);
  bytes[at + 1] = static_cast<uint8_t>(v >> 8);
}

// A finite fp16 of magnitude within [2^-10, 2^2) with a random mantissa, so
// that float rounding in the formulas actually happens.
uint16_t RandomScale(std::mt19937& rng, bool allow_negative) {
  const uint16_t exponent = static_cast<uint16_t>(5 + rng() % 12);  // 2^-10 .. 2^1
  uint16_t h = static_cast<uint16_t>((exponent << 10) | (rng() & 0x3FF));
  if (allow_negative && (rng() & 1)) h |= 0x8000;
  return h;
}

std::vector<float> Decode(GgmlType type, const std::vector<uint8_t>& bytes, size_t n) {
  std::vector<float> out(n, -12345.0f);
  absl::Status status = DequantizeRow(type, bytes, absl::MakeSpan(out));
  EXPECT_TRUE(status.ok()) << status;
  return out;
}

void ExpectBitEqual(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &want[i], 4);
    ASSERT_EQ(a, b) << "element " << i << ": got " << got[i] << " want " << want[i];
  }
}

TEST(DequantizeTest, F32F16BF16AreLittleEndian) {
  std::vector<uint8_t> f32 = {0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC1};  // 1, -10
  ExpectBitEqual(Decode(GgmlType::kF32, f32, 2), {1.0f, -10.0f});
  std::vector<uint8_t> f16 = {0x00, 0x3C, 0x00, 0xC5, 0x01, 0x00, 0x00, 0x7C};  // 1, -5, 2^-24, inf
  ExpectBitEqual(Decode(GgmlType::kF16, f16, 4), {1.0f, -5.0f, std::ldexp(1.0f, -24), HUGE_VALF});
  std::vector<uint8_t> bf16 = {0x80, 0x3F, 0x20, 0xC1};  // 1, -10
  ExpectBitEqual(Decode(GgmlType::kBF16, bf16, 2), {1.0f, -10.0f});
}

TEST(DequantizeTest, Q8_0HandBuilt) {
  std::mt19937 rng(1);
  constexpr int kBlocks = 5;
  std::vector<uint8_t> bytes(kBlocks * 34);
  std::vector<float> want(kBlocks * 32);
  for (int b = 0; b < kBlocks; ++b) {
    const uint16_t d = RandomScale(rng, true);
    PutLe16(bytes, b * 34, d);
    for (int j = 0; j < 32; ++j) {
      const int q = static_cast<int>(rng() % 256) - 128;  // int8, -128 included
      bytes[b * 34 + 2 + j] = static_cast<uint8_t>(q & 0xFF);
      want[b * 32 + j] = static_cast<float>(q) * HalfToFloat(d);
    }
  }
  ExpectBitEqual(Decode(GgmlType::kQ8_0, bytes, want.size()), want);
}

TEST(DequantizeTest, Q8_0LiteralValues) {
  std::vector<uint8_t> bytes(34, 0);
  PutLe16(bytes, 0, 0x3800);  // d = 0.5
  bytes[2] = 0x80;            // -128
  bytes[3] = 0x7F;            // 127
  bytes[4] = 0xFF;            // -1
  const std::vector<float> out = Decode(GgmlType::kQ8_0, bytes, 32);
  EXPECT_EQ(out[0], -64.0f);
  EXPECT_EQ(out[1], 63.5f);
  EXPECT_EQ(out[2], -0.5f);
  EXPECT_EQ(out[3], 0.0f);
}

TEST(DequantizeTest, Q4_0HandBuilt) {
  std::mt19937 rng(2);
  constexpr int kBlocks = 4;
  std::vector<uint8_t> bytes(kBlocks * 18, 0);
  std::vector<float> want(kBlocks * 32);
  for (int b = 0; b < kBlocks; ++b) {
    const uint16_t d = RandomScale(rng, true);
    PutLe16(bytes, b * 18, d);
    for (int j = 0; j < 32; ++j) {
      const uint32_t q = rng() % 16;
      // Element j < 16: low nibble of byte j; element j >= 16: high nibble of byte j - 16.
      PutBits(bytes, b * 18 + 2 + (j % 16), j < 16 ? 0 : 4, 4, q);
      want[b * 32 + j] = static_cast<float>(static_cast<int>(q) - 8) * HalfToFloat(d);
    }
  }
  ExpectBitEqual(Decode(GgmlType::kQ4_0, bytes, want.size()), want);
}

TEST(DequantizeTest, Q4_0LiteralValues) {
  std::vector<uint8_t> bytes(18, 0x88);  // all quants 8 -> 0
  PutLe16(bytes, 0, 0x4000);             // d = 2
  bytes[2] = 0xF0;                       // element 0: q=0 -> -16; element 16: q=15 -> 14
  bytes[17] = 0x39;                      // element 15: q=9 -> 2; element 31: q=3 -> -10
  const std::vector<float> out = Decode(GgmlType::kQ4_0, bytes, 32);
  EXPECT_EQ(out[0], -16.0f);
  EXPECT_EQ(out[16], 14.0f);
  EXPECT_EQ(out[15], 2.0f);
  EXPECT_EQ(out[31], -10.0f);
  EXPECT_EQ(out[1], 0.0f);
}

// Q4_K / Q5_K scale packing, stated bit by bit: for j < 4, scale j is bits
// 0..5 of byte j and min j bits 0..5 of byte j+4; for j >= 4, the low 4 bits
// of scale j are bits 0..3 of byte j+4 (= 8 + (j-4)), the low 4 bits of min j
// bits 4..7 of that byte, the top 2 bits of scale j bits 6..7 of byte j-4 and
// the top 2 bits of min j bits 6..7 of byte j.
void PutKScales(std::vector<uint8_t>& bytes, size_t at, const int sc[8], const int m[8]) {
  for (int j = 0; j < 4; ++j) {
    PutBits(bytes, at + j, 0, 6, sc[j]);
    PutBits(bytes, at + j + 4, 0, 6, m[j]);
  }
  for (int j = 4; j < 8; ++j) {
    PutBits(bytes, at + j + 4, 0, 4, sc[j] & 0xF);
    PutBits(bytes, at + j + 4, 4, 4, m[j] & 0xF);
    PutBits(bytes, at + j - 4, 6, 2, sc[j] >> 4);
    PutBits(bytes, at + j, 6, 2, m[j] >> 4);
  }
}

struct KBlock {
  uint16_t d, dmin;
  int sc[8], m[8];
  int q[256];
};

KBlock RandomKBlock(std::mt19937& rng, int q_max) {
  KBlock k;
  k.d = RandomScale(rng, false);
  k.dmin = RandomScale(rng, false);
  for (int j = 0; j < 8; ++j) {
    k.sc[j] = static_cast<int>(rng() % 64);
    k.m[j] = static_cast<int>(rng() % 64);
  }
  k.sc[5] = 63;  // make sure the top bits are exercised
  k.m[6] = 48;
  for (int& q : k.q) q = static_cast<int>(rng() % (q_max + 1));
  return k;
}

// x = (d*sc)*q - (dmin*m), with the products formed first, in float.
float KValue(const KBlock& k, int e) {
  const int s = e / 32;
  const float d1 = HalfToFloat(k.d) * static_cast<float>(k.sc[s]);
  const float m1 = HalfToFloat(k.dmin) * static_cast<float>(k.m[s]);
  return d1 * static_cast<float>(k.q[e]) - m1;
}

TEST(DequantizeTest, Q4_KHandBuilt) {
  std::mt19937 rng(3);
  constexpr int kBlocks = 3;
  std::vector<uint8_t> bytes(kBlocks * 144, 0);
  std::vector<float> want(kBlocks * 256);
  for (int b = 0; b < kBlocks; ++b) {
    const KBlock k = RandomKBlock(rng, 15);
    const size_t base = b * 144;
    PutLe16(bytes, base, k.d);
    PutLe16(bytes, base + 2, k.dmin);
    PutKScales(bytes, base + 4, k.sc, k.m);
    for (int e = 0; e < 256; ++e) {
      // Per 64 elements, 32 bytes: the first 32 elements in the low nibbles,
      // the next 32 in the high nibbles.
      const int chunk = e / 64, within = e % 64;
      PutBits(bytes, base + 16 + 32 * chunk + within % 32, within < 32 ? 0 : 4, 4, k.q[e]);
      want[b * 256 + e] = KValue(k, e);
    }
  }
  ExpectBitEqual(Decode(GgmlType::kQ4_K, bytes, want.size()), want);
}

TEST(DequantizeTest, Q4_KLiteralValue) {
  // d = 1, dmin = 0.5; sub-block 5 (elements 160..191, the high nibbles of
  // bytes 64..95 of qs) has scale 37 and min 50: q = 9 -> 37*9 - 25 = 308.
  std::vector<uint8_t> bytes(144, 0);
  PutLe16(bytes, 0, 0x3C00);
  PutLe16(bytes, 2, 0x3800);
  // scale 5 = 37 = 0b10'0101: low 4 bits 0101 -> byte 4+9=13 bits 0..3,
  // top 2 bits 10 -> byte 1 bits 6..7. min 5 = 50 = 0b11'0010: low 0010 ->
  // byte 13 bits 4..7, top 11 -> byte 5 bits 6..7.
  bytes[4 + 9] = 0x25;
  bytes[4 + 1] = 0x80;
  bytes[4 + 5] = 0xC0;
  bytes[16 + 64 + 5] = 0x90;  // element 165 = 9 (high nibble), element 133 = 0 (low)
  const std::vector<float> out = Decode(GgmlType::kQ4_K, bytes, 256);
  EXPECT_EQ(out[165], 308.0f);
  EXPECT_EQ(out[160], -25.0f);
  EXPECT_EQ(out[133], 0.0f);  // sub-block 4: scale 0, min 0
  EXPECT_EQ(out[0], 0.0f);
}

TEST(DequantizeTest, Q5_KHandBuilt) {
  std::mt19937 rng(4);
  constexpr int kBlocks = 3;
  std::vector<uint8_t> bytes(kBlocks * 176, 0);
  std::vector<float> want(kBlocks * 256);
  for (int b = 0; b < kBlocks; ++b) {
    const KBlock k = RandomKBlock(rng, 31);
    const size_t base = b * 176;
    PutLe16(bytes, base, k.d);
    PutLe16(bytes, base + 2, k.dmin);
    PutKScales(bytes, base + 4, k.sc, k.m);
    for (int e = 0; e < 256; ++e) {
      const int chunk = e / 64, within = e % 64, l = within % 32;
      const bool high_nibble = within >= 32;
      // Low 4 bits: qs (at 48) like Q4_K; 5th bit: qh[l] (at 16), bit
      // 2*chunk for the low-nibble sub-block, 2*chunk+1 for the high one.
      PutBits(bytes, base + 48 + 32 * chunk + l, high_nibble ? 4 : 0, 4, k.q[e] & 0xF);
      PutBits(bytes, base + 16 + l, 2 * chunk + (high_nibble ? 1 : 0), 1, k.q[e] >> 4);
      want[b * 256 + e] = KValue(k, e);
    }
  }
  ExpectBitEqual(Decode(GgmlType::kQ5_K, bytes, want.size()), want);
}

TEST(DequantizeTest, Q5_KLiteralValue) {
  // d = 2, dmin = 1, scale 0 = 3, min 0 = 4 (bytes 0 and 4); element 3 has
  // q = 16 + 5 = 21 (qh[3] bit 0, qs[3] low nibble): 2*3*21 - 4 = 122.
  // Element 232 (chunk 3, high-nibble sub-block 7, l = 8): qh[8] bit 7.
  std::vector<uint8_t> bytes(176, 0);
  PutLe16(bytes, 0, 0x4000);
  PutLe16(bytes, 2, 0x3C00);
  bytes[4 + 0] = 3;
  bytes[4 + 4] = 4;
  bytes[16 + 3] = 0x01;
  bytes[48 + 3] = 0x05;
  // sub-block 7: scale 1 (byte 4+11 low nibble), min 0; qh[8] bit 7 -> q = 16.
  bytes[4 + 11] = 0x01;
  bytes[16 + 8] = 0x80;
  const std::vector<float> out = Decode(GgmlType::kQ5_K, bytes, 256);
  EXPECT_EQ(out[3], 122.0f);
  EXPECT_EQ(out[2], -4.0f);
  EXPECT_EQ(out[232], 32.0f);
  EXPECT_EQ(out[233], 0.0f);
  EXPECT_EQ(out[200], 0.0f);  // sub-block 6 (low nibbles of chunk 3): scale 0
}

TEST(DequantizeTest, Q6_KHandBuilt) {
  std::mt19937 rng(5);
  constexpr int kBlocks = 3;
  std::vector<uint8_t> bytes(kBlocks * 210, 0);
  std::vector<float> want(kBlocks * 256);
  for (int b = 0; b < kBlocks; ++b) {
    const size_t base = b * 210;
    const uint16_t d = RandomScale(rng, true);
    PutLe16(bytes, base + 208, d);
    int sc[16];
    for (int s = 0; s < 16; ++s) {
      sc[s] = static_cast<int>(rng() % 256) - 128;
      bytes[base + 192 + s] = static_cast<uint8_t>(sc[s] & 0xFF);
    }
    for (int e = 0; e < 256; ++e) {
      const int q = static_cast<int>(rng() % 64);
      // Halves of 128: 64 bytes of ql, 32 of qh. Quarter r (32 elements) of a
      // half: low 4 bits in ql[l + 32*(r&1)], nibble r>>1; top 2 bits in
      // qh[l] bits 2r..2r+1.
      const int half = e / 128, r = (e % 128) / 32, l = e % 32;
      PutBits(bytes, base + 64 * half + l + 32 * (r & 1), 4 * (r >> 1), 4, q & 0xF);
      PutBits(bytes, base + 128 + 32 * half + l, 2 * r, 2, q >> 4);
      want[b * 256 + e] =
          HalfToFloat(d) * static_cast<float>(sc[e / 16]) * static_cast<float>(q - 32);
    }
  }
  ExpectBitEqual(Decode(GgmlType::kQ6_K, bytes, want.size()), want);
}

TEST(DequantizeTest, Q6_KLiteralValue) {
  // d = 0.5; sub-block 14 (elements 224..239) scale -3; element 230 is in
  // half 1, quarter 3, l = 6: low bits in ql[64 + 6 + 32] high nibble, top
  // bits in qh[32 + 6] bits 6..7. q = 0b10'1101 = 45 -> 0.5*-3*(45-32) = -19.5.
  std::vector<uint8_t> bytes(210, 0);
  PutLe16(bytes, 208, 0x3800);
  bytes[192 + 14] = static_cast<uint8_t>(-3);
  bytes[64 + 38] = 0xD0;
  bytes[128 + 38] = 0x80;
  const std::vector<float> out = Decode(GgmlType::kQ6_K, bytes, 256);
  EXPECT_EQ(out[230], -19.5f);
  EXPECT_EQ(out[166], 0.0f);   // same bytes' other elements: scale 0
  EXPECT_EQ(out[231], 48.0f);  // q = 0 -> 0.5*-3*(-32) = 48
}

TEST(DequantizeTest, InfAndNanScalesPropagate) {
  std::vector<uint8_t> bytes(34, 0);
  PutLe16(bytes, 0, 0x7C00);  // d = inf
  bytes[2] = 1;
  const std::vector<float> out = Decode(GgmlType::kQ8_0, bytes, 32);
  EXPECT_EQ(out[0], HUGE_VALF);
  EXPECT_TRUE(std::isnan(out[1]));  // 0 * inf
}

TEST(DequantizeTest, SizeErrors) {
  std::vector<float> out(256);
  std::vector<uint8_t> bytes(144);
  // Not a whole number of blocks.
  absl::Status s = DequantizeRow(GgmlType::kQ4_K, bytes, absl::MakeSpan(out).subspan(0, 255));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("block size 256"));
  // Wrong byte count.
  s = DequantizeRow(GgmlType::kQ4_K, absl::MakeSpan(bytes).subspan(0, 143), absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("144 bytes, got 143"));
  s = DequantizeRow(GgmlType::kQ8_0, bytes, absl::MakeSpan(out).subspan(0, 64));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  // Unsupported and unknown types are named.
  s = DequantizeRow(GgmlType::kQ2_K, bytes, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("Q2_K"));
  s = DequantizeRow(static_cast<GgmlType>(99), bytes, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("99"));
  // dst is untouched on error.
  std::vector<float> guard(32, 7.0f);
  std::vector<uint8_t> short_bytes(33);
  EXPECT_FALSE(DequantizeRow(GgmlType::kQ8_0, short_bytes, absl::MakeSpan(guard)).ok());
  EXPECT_EQ(guard[0], 7.0f);
  // Empty is fine.
  EXPECT_TRUE(DequantizeRow(GgmlType::kQ6_K, {}, {}).ok());
}

TEST(DequantizeTest, TensorFromFile) {
  // A 2-row Q8_0 tensor [64 x 2] and an F16 vector, decoded whole.
  std::vector<uint8_t> q8(4 * 34, 0);
  std::vector<float> want(128);
  for (int b = 0; b < 4; ++b) {
    PutLe16(q8, b * 34, static_cast<uint16_t>(0x3C00 + b));  // 1, 1+2^-10, ...
    for (int j = 0; j < 32; ++j) {
      const int q = (b * 32 + j) % 200 - 100;
      q8[b * 34 + 2 + j] = static_cast<uint8_t>(q & 0xFF);
      want[b * 32 + j] = static_cast<float>(q) * HalfToFloat(static_cast<uint16_t>(0x3C00 + b));
    }
  }
  gguf::GgufWriter writer;
  ASSERT_TRUE(writer.AddTensor("w", GgmlType::kQ8_0, {64, 2}, q8).ok());
  ASSERT_TRUE(writer.AddTensor("v", GgmlType::kF16, {2}, {0x00, 0x3C, 0x00, 0xC0}).ok());
  absl::StatusOr<std::vector<uint8_t>> bytes = writer.Serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto file = gguf::GgufFile::Parse(*bytes);
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<std::vector<float>> w = DequantizeTensor(**file, *(*file)->FindTensor("w"));
  ASSERT_TRUE(w.ok()) << w.status();
  ExpectBitEqual(*w, want);
  absl::StatusOr<std::vector<float>> v = DequantizeTensor(**file, *(*file)->FindTensor("v"));
  ASSERT_TRUE(v.ok()) << v.status();
  ExpectBitEqual(*v, {1.0f, -2.0f});
  // An info that does not belong to the file.
  gguf::GgufTensorInfo foreign = *(*file)->FindTensor("w");
  foreign.offset = 1u << 30;
  absl::StatusOr<std::vector<float>> bad = DequantizeTensor(**file, foreign);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fleet::engine::quant
