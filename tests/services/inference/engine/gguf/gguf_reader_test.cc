#include "services/inference/engine/gguf/gguf_reader.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "tests/services/inference/engine/gguf/gguf_samples.h"

namespace fleet::engine::gguf {
namespace {

using ::testing::ElementsAre;
using testing::FullWriter;
using testing::GgufSample;
using ::testing::HasSubstr;
using testing::PatternBytes;
using testing::SampleDims;

std::vector<uint8_t> Serialize(const GgufWriter& w) {
  absl::StatusOr<std::vector<uint8_t>> bytes = w.Serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

// Touches every tensor byte; returns false if a span leaves the file.
bool TensorSpansInsideFile(const GgufFile& file) {
  const uint8_t* begin = file.bytes().data();
  const uint8_t* end = begin + file.bytes().size();
  for (const GgufTensorInfo& t : file.tensors()) {
    absl::Span<const uint8_t> data = file.TensorData(t);
    if (data.size() != t.size_bytes) return false;
    if (data.data() < begin || data.data() + data.size() > end) return false;
  }
  return true;
}

class RoundTrip : public ::testing::TestWithParam<std::pair<uint32_t, uint32_t>> {};

TEST_P(RoundTrip, EveryMetadataTypeAndEverySupportedTensorType) {
  const auto [version, alignment] = GetParam();
  GgufWriter writer = FullWriter(version, alignment);
  std::vector<uint8_t> bytes = Serialize(writer);
  absl::StatusOr<std::unique_ptr<GgufFile>> parsed = GgufFile::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const GgufFile& file = **parsed;
  EXPECT_EQ(file.version(), version);
  EXPECT_EQ(file.alignment(), alignment);
  EXPECT_EQ(file.data_offset() % alignment, 0u);
  EXPECT_EQ(file.file_size(), bytes.size());

  // Metadata: same keys, same order, equal values.
  const GgufMetadata& m = file.metadata();
  ASSERT_EQ(m.size(), writer.metadata().size());
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(m.entries()[i].key, writer.metadata().entries()[i].key);
    EXPECT_TRUE(m.entries()[i].value == writer.metadata().entries()[i].value)
        << m.entries()[i].key << ": " << m.entries()[i].value.ToString();
  }
  EXPECT_EQ(*m.GetString("general.architecture"), "llama");
  EXPECT_EQ(*m.GetUint8("test.uint8"), 200);
  EXPECT_EQ(*m.GetInt8("test.int8"), -100);
  EXPECT_EQ(*m.GetUint16("test.uint16"), 60000);
  EXPECT_EQ(*m.GetInt16("test.int16"), -30000);
  EXPECT_EQ(*m.GetUint32("test.uint32"), 4000000000u);
  EXPECT_EQ(*m.GetInt32("test.int32"), -2000000000);
  EXPECT_EQ(*m.GetFloat("test.float32"), 1.5f);
  EXPECT_EQ(*m.GetBool("test.bool"), true);
  EXPECT_EQ(*m.GetString("test.empty_string"), "");
  EXPECT_EQ(*m.GetUint64("test.uint64"), 9223372036854775813ull);
  EXPECT_EQ(*m.GetInt64("test.int64"), -4611686018427387904ll);
  EXPECT_EQ(*m.GetDouble("test.float64"), 3.141592653589793);
  EXPECT_THAT(**m.GetArrayOf<int8_t>("test.arr.int8"), ElementsAre(-128, 0, 127));
  EXPECT_THAT(**m.GetArrayOf<bool>("test.arr.bool"), ElementsAre(true, false, true));
  EXPECT_THAT(**m.GetArrayOf<std::string>("test.arr.string"),
              ElementsAre("a", "", "\xE2\x96\x81token", std::string("\0x", 2)));
  EXPECT_THAT(**m.GetArrayOf<double>("test.arr.float64"), ElementsAre(1e300));
  EXPECT_TRUE((*m.GetArrayOf<float>("test.arr.empty"))->empty());
  const std::vector<GgufArray>& nested = **m.GetArrayOf<GgufArray>("test.arr.nested");
  ASSERT_EQ(nested.size(), 4u);
  EXPECT_THAT(*nested[0].As<int32_t>(), ElementsAre(1, 2));
  EXPECT_THAT(*nested[1].As<std::string>(), ElementsAre("x"));
  EXPECT_TRUE(nested[2].empty());
  EXPECT_EQ(nested[3].element_type(), GgufValueType::kArray);

  // Tensors: one of every supported type, data byte-identical, aligned.
  ASSERT_EQ(file.tensors().size(), SupportedGgmlTypes().size());
  uint32_t seed = 1;
  for (const GgmlTypeTraits& t : SupportedGgmlTypes()) {
    const std::string name = absl::StrCat("blk.0.", t.name, ".weight");
    const GgufTensorInfo* info = file.FindTensor(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_EQ(info->type, t.type);
    EXPECT_EQ(info->dims, SampleDims(t.type));
    uint64_t elements = 1;
    for (uint64_t d : info->dims) elements *= d;
    EXPECT_EQ(info->n_elements, elements);
    EXPECT_EQ(info->size_bytes, elements / t.block_size * t.bytes_per_block);
    EXPECT_EQ(info->offset % alignment, 0u);
    EXPECT_EQ((file.data_offset() + info->offset) % alignment, 0u);
    absl::Span<const uint8_t> data = file.TensorData(*info);
    std::vector<uint8_t> expected = PatternBytes(info->size_bytes, seed++);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), expected.begin(), expected.end())) << name;
  }
  EXPECT_EQ(file.FindTensor("missing"), nullptr);
}

INSTANTIATE_TEST_SUITE_P(VersionsAndAlignments, RoundTrip,
                         ::testing::Values(std::pair<uint32_t, uint32_t>{3, 32},
                                           std::pair<uint32_t, uint32_t>{2, 32},
                                           std::pair<uint32_t, uint32_t>{3, 64},
                                           std::pair<uint32_t, uint32_t>{2, 1},
                                           std::pair<uint32_t, uint32_t>{3, 4096}));

TEST(GgufReader, ValidSamplesParse) {
  for (const GgufSample& sample : testing::ValidSamples()) {
    absl::StatusOr<std::unique_ptr<GgufFile>> file = GgufFile::Parse(sample.bytes);
    ASSERT_TRUE(file.ok()) << sample.name << ": " << file.status();
    EXPECT_TRUE(TensorSpansInsideFile(**file)) << sample.name;
  }
}

TEST(GgufReader, TokenizerSample) {
  for (const GgufSample& sample : testing::ValidSamples()) {
    if (sample.name != "valid_tokenizer") continue;
    auto file = GgufFile::Parse(sample.bytes);
    ASSERT_TRUE(file.ok()) << file.status();
    const auto& tokens = **(*file)->metadata().GetArrayOf<std::string>("tokenizer.ggml.tokens");
    ASSERT_EQ(tokens.size(), 64u);
    EXPECT_EQ(tokens[1], "</s>");
    EXPECT_EQ(*(*file)->metadata().GetUnsigned("qwen2.context_length"), 128u);
    return;
  }
  FAIL() << "no valid_tokenizer sample";
}

TEST(GgufReader, EmptyFileHasDefaults) {
  std::vector<uint8_t> bytes = testing::RawGguf().Header(0, 0, 2).bytes();
  auto file = GgufFile::Parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->version(), 2u);
  EXPECT_EQ((*file)->alignment(), 32u);
  EXPECT_EQ((*file)->metadata().size(), 0u);
  EXPECT_TRUE((*file)->tensors().empty());
}

TEST(GgufReader, NestedArraysUpToTheDepthLimit) {
  for (const GgufSample& sample : testing::ValidSamples()) {
    if (sample.name != "valid_nested_depth8") continue;
    auto file = GgufFile::Parse(sample.bytes);
    ASSERT_TRUE(file.ok()) << file.status();
    const GgufArray* a = *(*file)->metadata().GetArray("test.deep");
    int depth = 1;
    while (a->element_type() == GgufValueType::kArray) {
      a = &(*a->As<GgufArray>())[0];
      ++depth;
    }
    EXPECT_EQ(depth, 8);
    return;
  }
  FAIL() << "no valid_nested_depth8 sample";
}

class Malformed : public ::testing::TestWithParam<GgufSample> {};

TEST_P(Malformed, GivesItsPreciseError) {
  const GgufSample& sample = GetParam();
  absl::StatusOr<std::unique_ptr<GgufFile>> file = GgufFile::Parse(sample.bytes);
  ASSERT_FALSE(file.ok()) << sample.name << " parsed";
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument) << file.status();
  EXPECT_THAT(std::string(file.status().message()), HasSubstr(sample.error));
}

INSTANTIATE_TEST_SUITE_P(Table, Malformed, ::testing::ValuesIn(testing::MalformedSamples()),
                         [](const auto& info) { return info.param.name; });

// Cutting a valid file anywhere before the end of its last tensor is an
// error (never a crash); from there on (the trailing padding) it is valid.
TEST(GgufReader, EveryPrefixOfAValidFileFailsCleanly) {
  for (const GgufSample& sample : testing::ValidSamples()) {
    auto full = GgufFile::Parse(sample.bytes);
    ASSERT_TRUE(full.ok()) << sample.name;
    uint64_t required = 0;
    for (const GgufTensorInfo& t : (*full)->tensors()) {
      required = std::max(required, (*full)->data_offset() + t.offset + t.size_bytes);
    }
    size_t first_ok = sample.bytes.size() + 1;
    for (size_t n = 0; n <= sample.bytes.size(); ++n) {
      // A copy of exactly n bytes, so that ASan catches any read past it.
      std::vector<uint8_t> prefix(sample.bytes.begin(), sample.bytes.begin() + n);
      auto file = GgufFile::Parse(prefix);
      if (file.ok()) {
        if (first_ok > n) first_ok = n;
        EXPECT_TRUE(TensorSpansInsideFile(**file));
      } else {
        EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
        EXPECT_GT(first_ok, n) << sample.name << ": prefix " << n << " failed after a shorter "
                               << first_ok << " parsed: " << file.status();
      }
    }
    if ((*full)->tensors().empty()) {
      // Only the padding after the metadata may be cut.
      EXPECT_GE(first_ok + (*full)->alignment(), sample.bytes.size() + 1) << sample.name;
    } else {
      EXPECT_EQ(first_ok, required) << sample.name;
    }
  }
}

// Overwrite each byte of a valid file with 0xFF, 0x00 and 0x80: parsing must
// either fail cleanly or give a file whose tensor spans lie inside it.
TEST(GgufReader, SingleByteCorruptionsNeverEscapeTheFile) {
  std::vector<uint8_t> bytes = Serialize(FullWriter(3, 32));
  int ok = 0;
  int failed = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t v : {0xFF, 0x00, 0x80}) {
      std::vector<uint8_t> corrupt = bytes;
      corrupt[i] = v;
      auto file = GgufFile::Parse(corrupt);
      if (file.ok()) {
        ++ok;
        EXPECT_TRUE(TensorSpansInsideFile(**file)) << "byte " << i;
      } else {
        ++failed;
        EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
      }
    }
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(ok, 0);  // tensor data bytes are free
}

TEST(GgufReader, TensorDataOfAForeignInfoIsEmpty) {
  std::vector<uint8_t> bytes = Serialize(FullWriter(3, 32));
  auto file = GgufFile::Parse(bytes);
  ASSERT_TRUE(file.ok());
  GgufTensorInfo foreign = (*file)->tensors()[0];
  foreign.offset = bytes.size();
  EXPECT_TRUE((*file)->TensorData(foreign).empty());
  foreign.offset = ~0ull;
  EXPECT_TRUE((*file)->TensorData(foreign).empty());
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("gguf_reader_test_", ::getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(absl::string_view name) const { return (dir_ / std::string(name)).string(); }
  std::filesystem::path dir_;
};

TEST_F(TempDir, OpenMapsTheFileWrittenByWriteFile) {
  GgufWriter writer = FullWriter(3, 64);
  const std::string path = Path("model.gguf");
  ASSERT_TRUE(writer.WriteFile(path).ok());
  auto file = GgufFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  std::vector<uint8_t> expected = Serialize(writer);
  EXPECT_TRUE(std::equal((*file)->bytes().begin(), (*file)->bytes().end(), expected.begin(),
                         expected.end()));
  const GgufTensorInfo* q6 = (*file)->FindTensor("blk.0.Q6_K.weight");
  ASSERT_NE(q6, nullptr);
  EXPECT_EQ((*file)->TensorData(*q6).size(), 2 * 210u);
  EXPECT_EQ(*(*file)->metadata().GetUint32("general.alignment"), 64u);
}

TEST_F(TempDir, OpenErrorsNameThePath) {
  auto missing = GgufFile::Open(Path("missing.gguf"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("missing.gguf"));

  auto dir = GgufFile::Open(dir_.string());
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kFailedPrecondition);

  const std::string empty = Path("empty.gguf");
  std::ofstream(empty).close();
  auto e = GgufFile::Open(empty);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(e.status().message()),
              HasSubstr("empty.gguf': file is 0 bytes, too small for the GGUF magic"));

  const std::string v1 = Path("v1.gguf");
  {
    std::vector<uint8_t> bytes = testing::RawGguf().Header(0, 0, 1).bytes();
    std::ofstream out(v1, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  auto old = GgufFile::Open(v1);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(old.status().message()), HasSubstr("GGUF version 1 is not supported"));
}

// The committed seed corpus: valid_* files parse, invalid_* files fail, and
// the files generated from the samples are up to date.
TEST(GgufCorpus, CommittedFilesBehaveAsNamed) {
  const std::filesystem::path dir = FLEET_GGUF_CORPUS_DIR;
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int valid = 0;
  int invalid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    auto file = GgufFile::Parse(bytes);
    const std::string name = entry.path().filename().string();
    if (name.rfind("valid_", 0) == 0) {
      EXPECT_TRUE(file.ok()) << name << ": " << file.status();
      ++valid;
    } else if (name.rfind("invalid_", 0) == 0) {
      EXPECT_FALSE(file.ok()) << name;
      ++invalid;
    }
  }
  EXPECT_GE(valid, 5);
  EXPECT_GE(invalid, 10);
  std::vector<GgufSample> samples = testing::ValidSamples();
  for (GgufSample& s : testing::MalformedSamples()) samples.push_back(std::move(s));
  for (const GgufSample& s : samples) {
    const std::string name = (s.error.empty() ? "" : "invalid_") + s.name + ".gguf";
    if (!std::filesystem::exists(dir / name)) continue;  // the corpus holds a selection
    std::ifstream in(dir / name, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes, s.bytes) << name << " is stale: rerun make_gguf_corpus";
  }
}

}  // namespace
}  // namespace fleet::engine::gguf
