#include "tests/services/inference/engine/model/reference/tiny_models.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/inference/engine/model/reference/reference_model.h"

namespace fleet::engine::testing {
namespace {

using ::testing::HasSubstr;

TEST(TinyModelsTest, SameSeedSameBytesOtherSeedOtherBytes) {
  TinyModelSpec spec;
  absl::StatusOr<std::vector<uint8_t>> a = BuildTinyModelBytes(spec);
  absl::StatusOr<std::vector<uint8_t>> b = BuildTinyModelBytes(spec);
  spec.seed = 2;
  absl::StatusOr<std::vector<uint8_t>> c = BuildTinyModelBytes(spec);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  EXPECT_EQ(a->size(), c->size());
}

TEST(TinyModelsTest, ShapesAndKeysFollowTheSpec) {
  TinyModelSpec spec;
  spec.arch = "qwen2";
  spec.n_vocab = 50;
  spec.n_embd = 24;
  spec.n_layer = 3;
  spec.n_head = 6;
  spec.n_head_kv = 2;
  spec.n_ff = 40;
  spec.tied_output = true;
  spec.with_rope_freqs = true;
  absl::StatusOr<std::unique_ptr<TinyModel>> tiny = BuildTinyModel(spec);
  ASSERT_TRUE(tiny.ok()) << tiny.status();
  const gguf::GgufFile& f = *(*tiny)->file;
  EXPECT_EQ(*f.metadata().GetString("general.architecture"), "qwen2");
  EXPECT_EQ(*f.metadata().GetUint32("qwen2.attention.head_count_kv"), 2u);
  EXPECT_EQ(*f.metadata().GetUint32("qwen2.rope.dimension_count"), 4u);
  EXPECT_EQ(f.FindTensor("output.weight"), nullptr);
  ASSERT_NE(f.FindTensor("blk.2.attn_k.bias"), nullptr);
  EXPECT_EQ(f.FindTensor("blk.2.attn_k.bias")->dims, (std::vector<uint64_t>{8}));
  EXPECT_EQ(f.FindTensor("blk.1.attn_q.weight")->dims, (std::vector<uint64_t>{24, 24}));
  EXPECT_EQ(f.FindTensor("blk.0.ffn_down.weight")->dims, (std::vector<uint64_t>{40, 24}));
  EXPECT_EQ(f.FindTensor("token_embd.weight")->dims, (std::vector<uint64_t>{24, 50}));
  EXPECT_EQ(f.FindTensor("rope_freqs.weight")->dims, (std::vector<uint64_t>{2}));

  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = ReferenceModel::Load(f);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->n_vocab(), 50);
  EXPECT_EQ((*model)->hparams().n_layer, 3);
  EXPECT_EQ((*model)->hparams().rope_style, RopeStyle::kNeox);
}

TEST(TinyModelsTest, LlamaLoadsAndWritesToFile) {
  TinyModelSpec spec;
  const std::string path = ::testing::TempDir() + "/tiny_llama.gguf";
  ASSERT_TRUE(WriteTinyModelFile(spec, path).ok());
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<std::vector<uint8_t>> bytes = BuildTinyModelBytes(spec);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::vector<uint8_t>((*file)->bytes().begin(), (*file)->bytes().end()), *bytes);
  absl::StatusOr<std::unique_ptr<ReferenceModel>> model = ReferenceModel::Load(**file);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->hparams().rope_style, RopeStyle::kNormal);
  EXPECT_EQ((*model)->hparams().head_dim_k, 8);
  std::remove(path.c_str());
}

// Quantized matrices decode (through the reference) to values close to the
// F32 model of the same seed; norms and biases stay F32.
TEST(TinyModelsTest, QuantizedWeightsStayCloseToF32) {
  TinyModelSpec spec;
  spec.arch = "qwen2";
  spec.n_embd = 256;
  spec.n_head = 4;
  spec.n_head_kv = 2;
  spec.n_ff = 512;
  spec.n_layer = 1;
  const std::vector<int32_t> tokens = {1, 2, 3};
  absl::StatusOr<std::unique_ptr<TinyModel>> f32 = BuildTinyModel(spec);
  ASSERT_TRUE(f32.ok()) << f32.status();
  absl::StatusOr<std::unique_ptr<ReferenceModel>> ref32 = ReferenceModel::Load(*(*f32)->file);
  ASSERT_TRUE(ref32.ok()) << ref32.status();
  absl::StatusOr<std::vector<std::vector<double>>> want = (*ref32)->Forward(tokens);
  ASSERT_TRUE(want.ok());
  // Bounds on the logits' relative error: about 4x what each type gave here.
  const std::vector<std::pair<gguf::GgmlType, double>> cases = {
      {gguf::GgmlType::kF16, 0.002}, {gguf::GgmlType::kBF16, 0.02}, {gguf::GgmlType::kQ8_0, 0.03},
      {gguf::GgmlType::kQ6_K, 0.05}, {gguf::GgmlType::kQ5_K, 0.15}, {gguf::GgmlType::kQ4_K, 0.3},
      {gguf::GgmlType::kQ4_0, 0.3}};
  for (const auto& [type, bound] : cases) {
    spec.weight_type = type;
    absl::StatusOr<std::unique_ptr<TinyModel>> tiny = BuildTinyModel(spec);
    ASSERT_TRUE(tiny.ok()) << tiny.status();
    const gguf::GgufFile& f = *(*tiny)->file;
    EXPECT_EQ(f.FindTensor("blk.0.ffn_down.weight")->type, type);
    EXPECT_EQ(f.FindTensor("token_embd.weight")->type, type);
    EXPECT_EQ(f.FindTensor("blk.0.attn_norm.weight")->type, gguf::GgmlType::kF32);
    EXPECT_EQ(f.FindTensor("blk.0.attn_q.bias")->type, gguf::GgmlType::kF32);
    absl::StatusOr<std::unique_ptr<ReferenceModel>> model = ReferenceModel::Load(f);
    ASSERT_TRUE(model.ok()) << model.status();
    absl::StatusOr<std::vector<std::vector<double>>> got = (*model)->Forward(tokens);
    ASSERT_TRUE(got.ok());
    for (size_t p = 0; p < tokens.size(); ++p) {
      const std::vector<float> got_f((*got)[p].begin(), (*got)[p].end());
      const double err = MaxRelativeError(got_f, (*want)[p]);
      EXPECT_GT(err, 0) << gguf::GgmlTypeName(type);  // quantization changed something
      EXPECT_LT(err, bound) << gguf::GgmlTypeName(type);
    }
  }
}

TEST(TinyModelsTest, BadSpecsAreRejected) {
  TinyModelSpec spec;
  spec.arch = "gpt2";
  EXPECT_THAT(BuildTinyModelBytes(spec).status().message(), HasSubstr("'gpt2'"));
  spec = TinyModelSpec();
  spec.n_head_kv = 3;
  EXPECT_THAT(BuildTinyModelBytes(spec).status().message(), HasSubstr("multiple of n_head_kv"));
  spec = TinyModelSpec();
  spec.n_embd = 36;  // head size 9
  EXPECT_THAT(BuildTinyModelBytes(spec).status().message(), HasSubstr("even head size"));
  spec = TinyModelSpec();
  spec.n_ff = 0;
  EXPECT_THAT(BuildTinyModelBytes(spec).status().message(), HasSubstr("positive"));
  spec = TinyModelSpec();
  spec.weight_type = gguf::GgmlType::kQ4_K;  // n_embd 32 < 256
  EXPECT_THAT(BuildTinyModelBytes(spec).status().message(), HasSubstr("Q4_K block size 256"));
  spec.weight_type = gguf::GgmlType::kQ2_K;
  EXPECT_THAT(BuildTinyModelBytes(spec).status().message(), HasSubstr("Q2_K is not supported"));
}

}  // namespace
}  // namespace fleet::engine::testing
