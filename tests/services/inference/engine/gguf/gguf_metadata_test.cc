#include "services/inference/engine/gguf/gguf_metadata.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fleet::engine::gguf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

GgufMetadata Sample() {
  GgufMetadata m;
  EXPECT_TRUE(m.Add("a.u32", GgufValue::Uint32(7)).ok());
  EXPECT_TRUE(m.Add("a.i8", GgufValue::Int8(-3)).ok());
  EXPECT_TRUE(m.Add("a.u16", GgufValue::Uint16(9)).ok());
  EXPECT_TRUE(m.Add("a.str", GgufValue::String("llama")).ok());
  EXPECT_TRUE(m.Add("a.f32", GgufValue::Float32(0.5f)).ok());
  EXPECT_TRUE(
      m.Add("a.tokens", GgufValue::Array(GgufArray(std::vector<std::string>{"x", "y"}))).ok());
  return m;
}

TEST(GgufMetadata, TypedAccessors) {
  GgufMetadata m = Sample();
  EXPECT_EQ(*m.GetUint32("a.u32"), 7u);
  EXPECT_EQ(*m.GetInt8("a.i8"), -3);
  EXPECT_EQ(*m.GetString("a.str"), "llama");
  EXPECT_EQ(*m.GetFloat("a.f32"), 0.5f);
  EXPECT_THAT(**m.GetArrayOf<std::string>("a.tokens"), ElementsAre("x", "y"));
  EXPECT_EQ((*m.GetArray("a.tokens"))->element_type(), GgufValueType::kString);
  EXPECT_EQ(m.size(), 6u);
  EXPECT_EQ(m.entries()[3].key, "a.str");
  EXPECT_TRUE(m.Contains("a.f32"));
  EXPECT_EQ(m.Find("nope"), nullptr);
}

TEST(GgufMetadata, NotFoundNamesTheKey) {
  GgufMetadata m = Sample();
  absl::Status s = m.GetUint32("llama.context_length").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "metadata key 'llama.context_length' not found");
  EXPECT_EQ(m.GetArrayOf<float>("x").status().code(), absl::StatusCode::kNotFound);
}

TEST(GgufMetadata, WrongTypeNamesKeyAndTypes) {
  GgufMetadata m = Sample();
  absl::Status s = m.GetString("a.u32").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "metadata key 'a.u32' has type uint32, expected string");
  EXPECT_EQ(m.GetUint64("a.u32").status().message(),
            "metadata key 'a.u32' has type uint32, expected uint64");
  EXPECT_EQ(m.GetArray("a.str").status().message(),
            "metadata key 'a.str' has type string, expected array");
  EXPECT_EQ(m.GetArrayOf<float>("a.tokens").status().message(),
            "metadata key 'a.tokens' is an array of string, expected an array of float32");
}

TEST(GgufMetadata, GetUnsignedWidensNonNegativeIntegers) {
  GgufMetadata m = Sample();
  EXPECT_EQ(*m.GetUnsigned("a.u32"), 7u);
  EXPECT_EQ(*m.GetUnsigned("a.u16"), 9u);
  EXPECT_THAT(m.GetUnsigned("a.i8").status().message(), HasSubstr("'a.i8' is negative (-3)"));
  EXPECT_THAT(m.GetUnsigned("a.f32").status().message(),
              HasSubstr("has type float32, expected an integer type"));
}

TEST(GgufMetadata, AddRejectsDuplicatesAndEmptyKeysSetReplaces) {
  GgufMetadata m = Sample();
  EXPECT_EQ(m.Add("a.u32", GgufValue::Uint32(1)).message(), "duplicate metadata key 'a.u32'");
  EXPECT_EQ(m.Add("", GgufValue::Uint32(1)).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(m.Set("a.u32", GgufValue::String("now a string")).ok());
  EXPECT_EQ(*m.GetString("a.u32"), "now a string");
  EXPECT_EQ(m.entries()[0].key, "a.u32");
  ASSERT_TRUE(m.Set("b.new", GgufValue::Bool(false)).ok());
  EXPECT_EQ(*m.GetBool("b.new"), false);
  EXPECT_EQ(m.size(), 7u);
}

TEST(GgufValue, ToString) {
  EXPECT_EQ(GgufValue::Int8(-5).ToString(), "-5");
  EXPECT_EQ(GgufValue::Uint8(65).ToString(), "65");
  EXPECT_EQ(GgufValue::Bool(true).ToString(), "true");
  EXPECT_EQ(GgufValue::String("a\"b").ToString(), "\"a\\\"b\"");
  EXPECT_EQ(GgufValue::Float32(1.5f).ToString(), "1.5");
  EXPECT_EQ(GgufValue::Array(GgufArray(std::vector<uint32_t>{1, 2, 3})).ToString(2),
            "[1, 2, ... (3 elements)]");
  EXPECT_EQ(GgufValue::Array(GgufArray(std::vector<GgufArray>{GgufArray(std::vector<bool>{false})}))
                .ToString(),
            "[[false]]");
  EXPECT_EQ(GgufValueTypeName(13), "invalid type id 13");
}

}  // namespace
}  // namespace fleet::engine::gguf
