#include "tests/services/inference/engine/model/reference/reference_weights.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "services/inference/engine/gguf/gguf_writer.h"

namespace fleet::engine::testing {
namespace {

TEST(ReferenceWeightsTest, HalfDecoding) {
  EXPECT_EQ(HalfBitsToDouble(0x0000), 0.0);
  EXPECT_TRUE(std::signbit(HalfBitsToDouble(0x8000)));
  EXPECT_EQ(HalfBitsToDouble(0x3c00), 1.0);
  EXPECT_EQ(HalfBitsToDouble(0xc000), -2.0);
  EXPECT_EQ(HalfBitsToDouble(0x3555), 0.333251953125);
  EXPECT_EQ(HalfBitsToDouble(0x7bff), 65504.0);
  EXPECT_EQ(HalfBitsToDouble(0x0400), std::ldexp(1.0, -14));  // smallest normal
  EXPECT_EQ(HalfBitsToDouble(0x0001), std::ldexp(1.0, -24));  // smallest subnormal
  EXPECT_EQ(HalfBitsToDouble(0x03ff), 1023 * std::ldexp(1.0, -24));
  EXPECT_EQ(HalfBitsToDouble(0x7c00), std::numeric_limits<double>::infinity());
  EXPECT_EQ(HalfBitsToDouble(0xfc00), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(HalfBitsToDouble(0x7e00)));
}

TEST(ReferenceWeightsTest, Bf16Decoding) {
  EXPECT_EQ(Bf16BitsToDouble(0x3f80), 1.0);
  EXPECT_EQ(Bf16BitsToDouble(0xc040), -3.0);
  EXPECT_EQ(Bf16BitsToDouble(0x3e80), 0.25);
}

TEST(ReferenceWeightsTest, DecodeRowChecksSizeAndType) {
  std::vector<double> out(2);
  const std::vector<uint8_t> f16 = {0x00, 0x3c, 0x00, 0xc0};  // 1, -2
  ASSERT_TRUE(DecodeRowToDouble(gguf::GgmlType::kF16, f16, absl::MakeSpan(out)).ok());
  EXPECT_EQ(out, (std::vector<double>{1, -2}));
  absl::Status s = DecodeRowToDouble(gguf::GgmlType::kF32, f16, absl::MakeSpan(out));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  // Q2_K is a known type the engine does not support.
  std::vector<double> block(256);
  std::vector<uint8_t> q2k(84, 0);
  s = DecodeRowToDouble(gguf::GgmlType::kQ2_K, q2k, absl::MakeSpan(block));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

// Q8_0: one block is an fp16 scale d then 32 int8 quants q; x = d * q.
TEST(ReferenceWeightsTest, Q8_0IsDequantized) {
  std::vector<uint8_t> block = {0x00, 0x38};  // d = 0.5
  for (int i = 0; i < 32; ++i) block.push_back(static_cast<uint8_t>(static_cast<int8_t>(i - 16)));
  std::vector<double> out(32);
  absl::Status s = DecodeRowToDouble(gguf::GgmlType::kQ8_0, block, absl::MakeSpan(out));
  ASSERT_TRUE(s.ok()) << s;
  for (int i = 0; i < 32; ++i) EXPECT_EQ(out[i], 0.5 * (i - 16)) << i;
  std::vector<double> too_long(64);
  s = DecodeRowToDouble(gguf::GgmlType::kQ8_0, block, absl::MakeSpan(too_long));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

std::vector<uint8_t> F32(const std::vector<float>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());  // little-endian host
  return out;
}

TEST(ReferenceWeightsTest, MatrixRowsAreGgmlRows) {
  gguf::GgufWriter w;
  // dims {3, 2}: 2 rows of 3.
  ASSERT_TRUE(w.AddTensor("m", gguf::GgmlType::kF32, {3, 2}, F32({1, 2, 3, 4, 5, 6})).ok());
  ASSERT_TRUE(w.AddTensor("v", gguf::GgmlType::kF32, {2, 1}, F32({7, 8})).ok());
  absl::StatusOr<std::vector<uint8_t>> bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(*bytes);
  ASSERT_TRUE(file.ok()) << file.status();

  absl::StatusOr<DoubleMatrix> m = ReadMatrix(**file, "m", 2, 3);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->at(0, 2), 3);
  EXPECT_EQ(m->at(1, 0), 4);
  absl::StatusOr<std::vector<double>> v = ReadVector(**file, "v", 2);  // {2, 1} is a vector
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, (std::vector<double>{7, 8}));

  absl::StatusOr<DoubleMatrix> transposed = ReadMatrix(**file, "m", 3, 2);
  EXPECT_EQ(transposed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(transposed.status().message().find("tensor 'm' has dims {3, 2}, expected {2, 3}"),
            absl::string_view::npos)
      << transposed.status();
  absl::StatusOr<DoubleMatrix> missing = ReadMatrix(**file, "nope", 1, 1);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("'nope' is missing"), absl::string_view::npos);
}

}  // namespace
}  // namespace fleet::engine::testing
