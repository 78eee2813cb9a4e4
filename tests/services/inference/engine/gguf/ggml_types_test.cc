#include "services/inference/engine/gguf/ggml_types.h"

#include <cstdint>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fleet::engine::gguf {
namespace {

using ::testing::HasSubstr;

TEST(GgmlTypes, SupportedTableMatchesGgml) {
  struct Expected {
    uint32_t id;
    const char* name;
    uint32_t block;
    uint32_t bytes;
  };
  const Expected expected[] = {
      {0, "F32", 1, 4},       {1, "F16", 1, 2},       {2, "Q4_0", 32, 18},    {8, "Q8_0", 32, 34},
      {12, "Q4_K", 256, 144}, {13, "Q5_K", 256, 176}, {14, "Q6_K", 256, 210}, {30, "BF16", 1, 2}};
  ASSERT_EQ(SupportedGgmlTypes().size(), std::size(expected));
  for (const Expected& e : expected) {
    const GgmlTypeTraits* t = FindSupportedGgmlType(e.id);
    ASSERT_NE(t, nullptr) << e.name;
    EXPECT_STREQ(t->name, e.name);
    EXPECT_EQ(t->block_size, e.block);
    EXPECT_EQ(t->bytes_per_block, e.bytes);
    EXPECT_EQ(GgmlTypeName(e.id), e.name);
  }
}

TEST(GgmlTypes, UnsupportedTypesHaveNames) {
  EXPECT_EQ(GgmlTypeName(3), "Q4_1");
  EXPECT_EQ(GgmlTypeName(GgmlType::kQ2_K), "Q2_K");
  EXPECT_EQ(GgmlTypeName(11), "Q3_K");
  EXPECT_EQ(GgmlTypeName(15), "Q8_K");
  EXPECT_EQ(GgmlTypeName(16), "IQ2_XXS");
  EXPECT_EQ(GgmlTypeName(39), "MXFP4");
  EXPECT_EQ(FindSupportedGgmlType(GgmlType::kQ2_K), nullptr);
  EXPECT_TRUE(IsKnownGgmlType(10));
  EXPECT_FALSE(IsKnownGgmlType(4));  // retired Q4_2
  EXPECT_FALSE(IsKnownGgmlType(1000));
  EXPECT_EQ(GgmlTypeName(1000), "unknown type id 1000");
}

TEST(GgmlTypes, TensorBytes) {
  EXPECT_EQ(*GgmlTensorBytes(GgmlType::kF32, {4, 3}), 48u);
  EXPECT_EQ(*GgmlTensorBytes(GgmlType::kBF16, {6}), 12u);
  EXPECT_EQ(*GgmlTensorBytes(GgmlType::kQ4_0, {64, 2}), 4 * 18u);
  EXPECT_EQ(*GgmlTensorBytes(GgmlType::kQ4_K, {256, 3}), 3 * 144u);
  EXPECT_EQ(*GgmlTensorBytes(GgmlType::kQ6_K, {512, 2, 2}), 8 * 210u);
}

TEST(GgmlTypes, TensorBytesErrors) {
  EXPECT_THAT(GgmlTensorBytes(GgmlType::kQ2_K, {256}).status().message(),
              HasSubstr("type Q2_K is not supported"));
  EXPECT_THAT(GgmlTensorBytes(GgmlType::kF32, {}).status().message(), HasSubstr("no dimensions"));
  EXPECT_THAT(GgmlTensorBytes(GgmlType::kF32, {3, 0}).status().message(), HasSubstr("dim 1 is 0"));
  EXPECT_THAT(GgmlTensorBytes(GgmlType::kQ5_K, {255}).status().message(),
              HasSubstr("255 is not a multiple of the Q5_K block size 256"));
  EXPECT_THAT(GgmlTensorBytes(GgmlType::kF16, {1ull << 63}).status().message(),
              HasSubstr("overflows int64"));
  EXPECT_THAT(
      std::string(
          GgmlTensorBytes(GgmlType::kF32, {1ull << 31, 1ull << 31, 1ull << 2}).status().message()),
      HasSubstr("product of dims up to dim 2) overflows int64"));
  EXPECT_THAT(std::string(GgmlTensorBytes(GgmlType::kF32, {1ull << 61, 2}).status().message()),
              HasSubstr("byte size of 4611686018427387904 F32 elements overflows uint64"));
  EXPECT_EQ(GgmlTensorBytes(GgmlType::kF32, {0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fleet::engine::gguf
