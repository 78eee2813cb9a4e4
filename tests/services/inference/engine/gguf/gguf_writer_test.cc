#include "services/inference/engine/gguf/gguf_writer.h"

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/gguf/gguf_reader.h"

namespace fleet::engine::gguf {
namespace {

using ::testing::HasSubstr;

TEST(GgufWriter, LayoutOfASmallFile) {
  GgufWriter w(2);
  ASSERT_TRUE(w.metadata().Add("k", GgufValue::Uint8(5)).ok());
  ASSERT_TRUE(w.AddTensor("t", GgmlType::kF32, {2}, std::vector<uint8_t>(8, 0xAB)).ok());
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  const std::vector<uint8_t>& b = *bytes;
  // 4 magic + 4 version + 8 + 8 counts; kv: 8+1 key, 4 type, 1 value = 14;
  // tensor info: 8+1 name, 4 n_dims, 8 dim, 4 type, 8 offset = 33 -> 71,
  // padded to 96; 8 data bytes padded to 32.
  ASSERT_EQ(b.size(), 96u + 32u);
  EXPECT_EQ(std::memcmp(b.data(), "GGUF", 4), 0);
  EXPECT_EQ(b[4], 2);
  EXPECT_EQ(b[8], 1);   // tensor_count
  EXPECT_EQ(b[16], 1);  // kv count
  EXPECT_EQ(b[24], 1);  // key length
  EXPECT_EQ(b[32], 'k');
  EXPECT_EQ(b[33], 0);  // type uint8
  EXPECT_EQ(b[37], 5);  // value
  EXPECT_EQ(b[96], 0xAB);
  EXPECT_EQ(b[104], 0);  // padding
}

TEST(GgufWriter, AddTensorValidates) {
  GgufWriter w;
  EXPECT_THAT(w.AddTensor("", GgmlType::kF32, {1}, std::vector<uint8_t>(4)).message(),
              HasSubstr("name is empty"));
  EXPECT_THAT(w.AddTensor("t", GgmlType::kF32, {}, {}).message(),
              HasSubstr("n_dims 0 is out of range"));
  EXPECT_THAT(w.AddTensor("t", GgmlType::kF32, {1, 1, 1, 1, 1}, std::vector<uint8_t>(4)).message(),
              HasSubstr("n_dims 5 is out of range"));
  EXPECT_THAT(w.AddTensor("t", GgmlType::kQ2_K, {256}, std::vector<uint8_t>(84)).message(),
              HasSubstr("type Q2_K is not supported"));
  EXPECT_THAT(w.AddTensor("t", GgmlType::kQ8_0, {16}, std::vector<uint8_t>(17)).message(),
              HasSubstr("not a multiple of the Q8_0 block size 32"));
  EXPECT_THAT(w.AddTensor("t", GgmlType::kF16, {3}, std::vector<uint8_t>(5)).message(),
              HasSubstr("5 bytes of data, but its type and shape take 6"));
  ASSERT_TRUE(w.AddTensor("t", GgmlType::kF16, {3}, std::vector<uint8_t>(6)).ok());
  EXPECT_THAT(w.AddTensor("t", GgmlType::kF16, {3}, std::vector<uint8_t>(6)).message(),
              HasSubstr("duplicate tensor name 't'"));
}

TEST(GgufWriter, AlignmentMustBeAPowerOfTwo) {
  GgufWriter w;
  EXPECT_EQ(w.SetAlignment(24).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w.SetAlignment(0).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(w.metadata().Set("general.alignment", GgufValue::Uint64(64)).ok());
  EXPECT_THAT(std::string(w.Serialize().status().message()),
              HasSubstr("'general.alignment' must be a uint32 non-zero power of two"));
  ASSERT_TRUE(w.SetAlignment(128).ok());
  ASSERT_TRUE(w.AddTensor("a", GgmlType::kF32, {3}, std::vector<uint8_t>(12)).ok());
  ASSERT_TRUE(w.AddTensor("b", GgmlType::kF32, {3}, std::vector<uint8_t>(12)).ok());
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  auto file = GgufFile::Parse(*bytes);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->alignment(), 128u);
  EXPECT_EQ((*file)->data_offset() % 128, 0u);
  EXPECT_EQ((*file)->tensors()[1].offset, 128u);
  EXPECT_EQ(bytes->size(), (*file)->data_offset() + 256);
}

TEST(GgufWriter, RejectsUnknownVersions) {
  EXPECT_EQ(GgufWriter(1).Serialize().status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GgufWriter(4).Serialize().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(GgufWriter, WriteFileToABadPathIsAnError) {
  GgufWriter w;
  absl::Status s = w.WriteFile("/nonexistent-dir/x.gguf");
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent-dir/x.gguf"));
}

}  // namespace
}  // namespace fleet::engine::gguf
