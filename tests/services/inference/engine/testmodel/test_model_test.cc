// The test-model generator: files that the engine loads, with the requested
// shapes, types and vocabulary, byte-identical for the same options, and
// clear errors for options it cannot honour.
#include "services/inference/engine/testmodel/test_model.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/model/model.h"
#include "services/inference/engine/model/session.h"
#include "services/inference/engine/testmodel/seeded_normal.h"
#include "services/inference/engine/tokenizer/pre_tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "tests/services/inference/engine/tokenizer/test_vocabs.h"

namespace fleet::engine::testmodel {
namespace {

using ::testing::HasSubstr;

tokenizer::TokenizerSpec Vocabulary() {
  tokenizer::TokenizerSpec spec =
      tokenizer::testing::ByteLevelSpec({"h e", "l l", "he ll"}, "deepseek-v3");
  spec.pre_regexes = *tokenizer::PreTokenizerRegexes("deepseek-v3");
  return spec;
}

std::vector<uint8_t> Build(const TestModelOptions& options) {
  absl::StatusOr<gguf::GgufWriter> writer = BuildTestModel(options, Vocabulary());
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return {};
  absl::StatusOr<std::vector<uint8_t>> bytes = writer->Serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

TEST(TestModelTest, LoadsWithTheRequestedShapeTypeAndVocabulary) {
  for (const char* arch : {"llama", "qwen2"}) {
    for (const char* type : {"F32", "f16", "BF16", "Q8_0", "Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K"}) {
      SCOPED_TRACE(std::string(arch) + " " + type);
      TestModelOptions o;
      o.arch = arch;
      o.weight_type = type;
      o.n_embd = 256;
      o.n_ff = 512;
      o.n_head = 8;
      o.n_head_kv = 2;
      o.n_layer = 1;
      o.n_ctx = 32;
      const std::vector<uint8_t> bytes = Build(o);
      absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(bytes);
      ASSERT_TRUE(file.ok()) << file.status();
      absl::StatusOr<std::unique_ptr<model::Model>> model = model::Model::Load(*std::move(file));
      ASSERT_TRUE(model.ok()) << model.status();
      const model::ModelConfig& c = (*model)->config();
      EXPECT_EQ(c.arch, arch);
      EXPECT_EQ(c.n_vocab, static_cast<int64_t>(Vocabulary().tokens.size()));
      EXPECT_EQ(c.n_embd, 256);
      EXPECT_EQ(c.n_head_kv, 2);
      EXPECT_EQ(c.n_ctx_train, 32);
      EXPECT_EQ(c.qkv_bias, std::string(arch) == "qwen2");
      const std::string upper = type == std::string("f16") ? "F16" : type;
      const gguf::GgufTensorInfo* q = (*model)->gguf().FindTensor("blk.0.attn_q.weight");
      const gguf::GgufTensorInfo* v = (*model)->gguf().FindTensor("blk.0.attn_v.weight");
      ASSERT_NE(q, nullptr);
      ASSERT_NE(v, nullptr);
      if (upper == "Q4_K_M") {
        EXPECT_EQ(q->type, gguf::GgmlType::kQ4_K);
        EXPECT_EQ(v->type, gguf::GgmlType::kQ6_K);
      } else if (upper == "Q5_K_M") {
        EXPECT_EQ(q->type, gguf::GgmlType::kQ5_K);
        EXPECT_EQ(v->type, gguf::GgmlType::kQ6_K);
      } else {
        EXPECT_EQ(gguf::GgmlTypeName(q->type), upper);
      }
      EXPECT_EQ((*model)->gguf().FindTensor("blk.0.attn_norm.weight")->type, gguf::GgmlType::kF32);

      // The vocabulary round-trips and the model evaluates to finite logits.
      absl::StatusOr<tokenizer::TokenizerSpec> spec =
          tokenizer::TokenizerSpecFromGguf((*model)->gguf().metadata());
      ASSERT_TRUE(spec.ok()) << spec.status();
      EXPECT_EQ(spec->tokens, Vocabulary().tokens);
      EXPECT_EQ(spec->pre, "deepseek-v3");
      absl::StatusOr<std::unique_ptr<model::Session>> session = model::Session::Create(**model);
      ASSERT_TRUE(session.ok()) << session.status();
      std::vector<float> logits(c.n_vocab);
      const std::vector<int32_t> prompt = {256, 257, 3};
      ASSERT_TRUE((*session)->Eval(prompt, absl::MakeSpan(logits)).ok());
      for (float l : logits) ASSERT_TRUE(std::isfinite(l));
    }
  }
}

TEST(TestModelTest, SameOptionsSameBytesOtherSeedOtherWeights) {
  TestModelOptions o;
  const std::vector<uint8_t> a = Build(o);
  const std::vector<uint8_t> b = Build(o);
  EXPECT_EQ(a, b);
  o.seed = 2;
  const std::vector<uint8_t> c = Build(o);
  ASSERT_EQ(a.size(), c.size());
  EXPECT_NE(a, c);
}

TEST(TestModelTest, TiedOutputAndRopeFreqs) {
  TestModelOptions o;
  o.arch = "llama";
  o.tied_output = true;
  o.rope_freqs = true;
  const std::vector<uint8_t> bytes = Build(o);
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(bytes);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->FindTensor("output.weight"), nullptr);
  const gguf::GgufTensorInfo* freqs = (*file)->FindTensor("rope_freqs.weight");
  ASSERT_NE(freqs, nullptr);
  EXPECT_EQ(freqs->dims, std::vector<uint64_t>{o.n_embd / o.n_head / 2});
  absl::StatusOr<std::unique_ptr<model::Model>> model = model::Model::Load(*std::move(file));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_TRUE((*model)->config().tied_output);
  EXPECT_TRUE((*model)->config().has_rope_freqs);
}

TEST(TestModelTest, ChatTemplateIsWritten) {
  TestModelOptions o;
  o.chat_template = "{{ bos_token }}<|im_start|>";
  const std::vector<uint8_t> bytes = Build(o);
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(bytes);
  ASSERT_TRUE(file.ok());
  absl::StatusOr<absl::string_view> tmpl = (*file)->metadata().GetString("tokenizer.chat_template");
  ASSERT_TRUE(tmpl.ok());
  EXPECT_EQ(*tmpl, o.chat_template);
}

TEST(TestModelTest, OptionErrorsNameTheOption) {
  struct Bad {
    void (*edit)(TestModelOptions&);
    const char* message;
  };
  const Bad cases[] = {
      {[](TestModelOptions& o) { o.arch = "gpt-neox"; }, "architecture 'gpt-neox'"},
      {[](TestModelOptions& o) { o.weight_type = "Q3_K"; }, "weight type 'Q3_K'"},
      {[](TestModelOptions& o) { o.weight_type = "Q4_K"; }, "multiple of Q4_K's block size 256"},
      {[](TestModelOptions& o) { o.n_head = 3; }, "n_head 3"},
      {[](TestModelOptions& o) { o.n_head_kv = 3; }, "not a multiple of n_head_kv 3"},
      {[](TestModelOptions& o) { o.n_layer = 0; }, "must be > 0"},
      {[](TestModelOptions& o) { o.rope_scaling = "yarn"; }, "rope_scaling 'yarn'"},
      {[](TestModelOptions& o) { o.rope_freqs = true; }, "rope_freqs is a llama option"},
  };
  for (const Bad& bad : cases) {
    TestModelOptions o;
    bad.edit(o);
    absl::StatusOr<gguf::GgufWriter> writer = BuildTestModel(o, Vocabulary());
    ASSERT_FALSE(writer.ok()) << bad.message;
    EXPECT_EQ(writer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(writer.status().message(), HasSubstr(bad.message));
  }
  EXPECT_THAT(BuildTestModel({}, tokenizer::TokenizerSpec{}).status().message(),
              HasSubstr("no tokens"));
}

TEST(SeededNormalTest, KnownMomentsAndRepeatable) {
  SeededNormal a(42), b(42);
  double sum = 0, sum_sq = 0;
  constexpr int kN = 200000;
  for (int i = 0; i < kN; ++i) {
    const double x = a.Next();
    ASSERT_EQ(x, b.Next());
    sum += x;
    sum_sq += x * x;
  }
  EXPECT_NEAR(sum / kN, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / kN, 1.0, 0.02);
}

}  // namespace
}  // namespace fleet::engine::testmodel
