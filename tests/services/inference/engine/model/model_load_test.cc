// Model loading: hyper-parameters, the architecture registry, and one test
// per load error.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/inference/engine/model/arch/registry.h"
#include "services/inference/engine/model/model.h"
#include "tests/services/inference/engine/model/tiny_model.h"

namespace fleet::engine::model {
namespace {

using gguf::GgmlType;
using gguf::GgufValue;
using ::testing::HasSubstr;
using testing::LoadTiny;
using testing::TinyModel;
using testing::TinyOptions;

TEST(ArchRegistryTest, ListsAndFindsArchitectures) {
  EXPECT_EQ(SupportedArchitectureNames(), "llama, qwen2");
  absl::StatusOr<const ArchSpec*> llama = FindArchitecture("llama");
  ASSERT_TRUE(llama.ok());
  EXPECT_EQ((*llama)->rope_style, kernels::RopeStyle::kNormal);
  EXPECT_EQ((*llama)->rope_freqs, Presence::kOptional);
  absl::StatusOr<const ArchSpec*> qwen2 = FindArchitecture("qwen2");
  ASSERT_TRUE(qwen2.ok());
  EXPECT_EQ((*qwen2)->rope_style, kernels::RopeStyle::kNeox);
  EXPECT_EQ((*qwen2)->qkv_bias, Presence::kRequired);
  absl::StatusOr<const ArchSpec*> gpt2 = FindArchitecture("gpt2");
  EXPECT_EQ(gpt2.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gpt2.status().message(), HasSubstr("'gpt2' (supported: llama, qwen2)"));
}

TEST(ModelLoadTest, ReadsLlamaConfig) {
  TinyOptions o;
  o.rope_freqs = true;
  TinyModel tiny(o);
  absl::StatusOr<testing::LoadedModel> loaded = LoadTiny(tiny);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const ModelConfig& c = loaded->model->config();
  EXPECT_EQ(c.arch, "llama");
  EXPECT_EQ(c.n_vocab, 40);
  EXPECT_EQ(c.n_embd, 32);
  EXPECT_EQ(c.n_layer, 2);
  EXPECT_EQ(c.n_head, 4);
  EXPECT_EQ(c.n_head_kv, 2);
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.n_rot, 8);
  EXPECT_EQ(c.n_ff, 64);
  EXPECT_EQ(c.n_ctx_train, 64);
  EXPECT_FLOAT_EQ(c.rms_eps, 1e-5f);
  EXPECT_FLOAT_EQ(c.rope_freq_base, 10000.0f);
  EXPECT_FLOAT_EQ(c.rope_freq_scale, 1.0f);
  EXPECT_EQ(c.rope_style, kernels::RopeStyle::kNormal);
  EXPECT_TRUE(c.has_rope_freqs);
  EXPECT_FALSE(c.qkv_bias);
  EXPECT_FALSE(c.tied_output);
  EXPECT_EQ(c.q_dim(), 32);
  EXPECT_EQ(c.kv_dim(), 16);
  const ModelWeights& w = loaded->model->weights();
  EXPECT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.rope_freqs, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(w.layers[1].wk.n_in, 32);
  EXPECT_EQ(w.layers[1].wk.n_out, 16);
  EXPECT_EQ(w.layers[0].attn_norm, tiny.tensor("blk.0.attn_norm.weight").values);
  EXPECT_EQ(&loaded->model->gguf().bytes()[0], loaded->bytes->data());
}

TEST(ModelLoadTest, ReadsQwen2ConfigWithBiasesAndTiedOutput) {
  TinyOptions o;
  o.arch = "qwen2";
  o.qkv_bias = true;
  o.tied_output = true;
  TinyModel tiny(o);
  ASSERT_TRUE(tiny.metadata().Set("qwen2.attention.key_length", GgufValue::Uint32(8)).ok());
  absl::StatusOr<testing::LoadedModel> loaded = LoadTiny(tiny);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const ModelConfig& c = loaded->model->config();
  EXPECT_EQ(c.arch, "qwen2");
  EXPECT_EQ(c.rope_style, kernels::RopeStyle::kNeox);
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_TRUE(c.tied_output);
  const ModelWeights& w = loaded->model->weights();
  EXPECT_EQ(w.output.data.data(), w.token_embd.data.data());
  EXPECT_EQ(w.layers[1].bk, tiny.tensor("blk.1.attn_k.bias").values);
}

TEST(ModelLoadTest, ReadsLinearRopeScalingAndOptionalKeys) {
  TinyModel tiny{TinyOptions{}};
  ASSERT_TRUE(tiny.metadata().Set("llama.rope.scaling.type", GgufValue::String("linear")).ok());
  ASSERT_TRUE(tiny.metadata().Set("llama.rope.scaling.factor", GgufValue::Float32(4)).ok());
  ASSERT_TRUE(tiny.metadata().Set("llama.rope.dimension_count", GgufValue::Uint64(6)).ok());
  tiny.RemoveKey("llama.attention.head_count_kv");  // defaults to head_count
  tiny.RemoveKey("llama.rope.freq_base");           // defaults to 10000
  for (testing::TinyTensor& t : tiny.tensors()) {
    if (t.name.find("attn_k.weight") != std::string::npos ||
        t.name.find("attn_v.weight") != std::string::npos) {
      t.dims[1] = 32;
      t.values.resize(32 * 32, 0.1f);
    }
  }
  absl::StatusOr<testing::LoadedModel> loaded = LoadTiny(tiny);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const ModelConfig& c = loaded->model->config();
  EXPECT_FLOAT_EQ(c.rope_freq_scale, 0.25f);
  EXPECT_EQ(c.n_rot, 6);
  EXPECT_EQ(c.n_head_kv, 4);
  EXPECT_FLOAT_EQ(c.rope_freq_base, 10000.0f);
}

bool WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

TEST(ModelLoadTest, OpensAFileAndNamesThePath) {
  TinyModel tiny{TinyOptions{}};
  absl::StatusOr<std::vector<uint8_t>> bytes = tiny.Serialize();
  ASSERT_TRUE(bytes.ok());
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("model_load_test_" + std::to_string(getpid()) + ".gguf"))
                               .string();
  ASSERT_TRUE(WriteFile(path, *bytes));
  absl::StatusOr<std::unique_ptr<Model>> model = Model::Open(path);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->config().n_vocab, 40);
  std::filesystem::remove(path);

  absl::StatusOr<std::unique_ptr<Model>> missing = Model::Open(path);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(path));

  // A content error also names the path.
  tiny.Remove("output_norm.weight");
  bytes = tiny.Serialize();
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(WriteFile(path, *bytes));
  absl::StatusOr<std::unique_ptr<Model>> broken = Model::Open(path);
  std::filesystem::remove(path);
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(broken.status().message(), HasSubstr(path + ": missing tensor 'output_norm.weight'"));
}

// One load error: a change to a valid tiny model and the expected status.
struct LoadErrorCase {
  std::string name;
  std::function<void(TinyOptions&)> options;
  std::function<void(TinyModel&)> change;
  absl::StatusCode code;
  std::string message;
};

void SetKey(TinyModel& t, const std::string& key, GgufValue value) {
  ASSERT_TRUE(t.metadata().Set(key, std::move(value)).ok());
}

std::vector<LoadErrorCase> LoadErrorCases() {
  const auto none = [](TinyOptions&) {};
  const auto qwen2 = [](TinyOptions& o) {
    o.arch = "qwen2";
    o.qkv_bias = true;
  };
  const absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
  return {
      {"missing tensor", none, [](TinyModel& t) { t.Remove("blk.1.ffn_up.weight"); }, kInvalid,
       "missing tensor 'blk.1.ffn_up.weight' (expected shape [32, 64])"},
      {"missing embedding", none, [](TinyModel& t) { t.Remove("token_embd.weight"); }, kInvalid,
       "missing tensor 'token_embd.weight'"},
      {"wrong shape", none,
       [](TinyModel& t) {
         testing::TinyTensor& q = t.tensor("blk.0.attn_q.weight");
         q.dims = {32, 16};
         q.values.resize(32 * 16);
       },
       kInvalid, "tensor 'blk.0.attn_q.weight' has shape [32, 16], expected [32, 32]"},
      {"wrong norm shape", none,
       [](TinyModel& t) {
         testing::TinyTensor& n = t.tensor("output_norm.weight");
         n.dims = {16, 2};
       },
       kInvalid, "tensor 'output_norm.weight' has shape [16, 2], expected [32]"},
      {"wrong output rows", none,
       [](TinyModel& t) {
         testing::TinyTensor& o = t.tensor("output.weight");
         o.dims = {32, 41};
         o.values.resize(32 * 41);
       },
       kInvalid, "tensor 'output.weight' has shape [32, 41], expected [32, 40]"},
      {"wrong type", none,
       [](TinyModel& t) { t.tensor("blk.1.ffn_norm.weight").type = GgmlType::kF16; }, kInvalid,
       "tensor 'blk.1.ffn_norm.weight' has type F16, expected F32"},
      {"unknown arch", none,
       [](TinyModel& t) { SetKey(t, "general.architecture", GgufValue::String("gpt2")); }, kInvalid,
       "unsupported model architecture 'gpt2' (supported: llama, qwen2)"},
      {"no arch", none, [](TinyModel& t) { t.RemoveKey("general.architecture"); }, kInvalid,
       "missing the required key 'general.architecture'"},
      {"arch not a string", none,
       [](TinyModel& t) { SetKey(t, "general.architecture", GgufValue::Uint32(1)); }, kInvalid,
       "general.architecture"},
      {"yarn", none,
       [](TinyModel& t) { SetKey(t, "llama.rope.scaling.type", GgufValue::String("yarn")); },
       absl::StatusCode::kUnimplemented, "rope scaling type 'yarn'"},
      {"longrope", none,
       [](TinyModel& t) { SetKey(t, "llama.rope.scaling.type", GgufValue::String("longrope")); },
       absl::StatusCode::kUnimplemented, "rope scaling type 'longrope'"},
      {"unknown scaling", none,
       [](TinyModel& t) { SetKey(t, "llama.rope.scaling.type", GgufValue::String("warp")); },
       kInvalid, "unknown rope scaling type 'warp'"},
      {"missing hparam", none, [](TinyModel& t) { t.RemoveKey("llama.block_count"); }, kInvalid,
       "missing the required key 'llama.block_count'"},
      {"missing eps", none,
       [](TinyModel& t) { t.RemoveKey("llama.attention.layer_norm_rms_epsilon"); }, kInvalid,
       "'llama.attention.layer_norm_rms_epsilon'"},
      {"hparam type", none,
       [](TinyModel& t) { SetKey(t, "llama.embedding_length", GgufValue::Float32(32)); }, kInvalid,
       "llama.embedding_length"},
      {"zero hparam", none,
       [](TinyModel& t) { SetKey(t, "llama.attention.head_count", GgufValue::Uint32(0)); },
       kInvalid, "'llama.attention.head_count': 0 is out of range"},
      {"negative hparam", none,
       [](TinyModel& t) { SetKey(t, "llama.feed_forward_length", GgufValue::Int32(-64)); },
       kInvalid, "llama.feed_forward_length"},
      {"gqa ratio", none,
       [](TinyModel& t) { SetKey(t, "llama.attention.head_count_kv", GgufValue::Uint32(3)); },
       kInvalid, "llama.attention.head_count 4 is not a multiple of"},
      {"odd rope dims", none,
       [](TinyModel& t) { SetKey(t, "llama.rope.dimension_count", GgufValue::Uint32(7)); },
       kInvalid, "llama.rope.dimension_count 7 must be even"},
      {"bad eps", none,
       [](TinyModel& t) {
         SetKey(t, "llama.attention.layer_norm_rms_epsilon", GgufValue::Float32(-1));
       },
       kInvalid, "is outside (0, 1)"},
      {"value length", none,
       [](TinyModel& t) { SetKey(t, "llama.attention.value_length", GgufValue::Uint32(16)); },
       absl::StatusCode::kUnimplemented, "value_length 16 differs from the key length 8"},
      {"vocab size", none,
       [](TinyModel& t) { SetKey(t, "llama.vocab_size", GgufValue::Uint32(41)); }, kInvalid,
       "'llama.vocab_size' is 41 but token_embd.weight has 40 rows"},
      {"extra tensor", none,
       [](TinyModel& t) {
         t.tensors().push_back(
             {"blk.2.attn_norm.weight", GgmlType::kF32, {32}, std::vector<float>(32, 1.0f)});
       },
       kInvalid, "tensor 'blk.2.attn_norm.weight' is not used by architecture 'llama'"},
      {"rope_freqs length", [](TinyOptions& o) { o.rope_freqs = true; },
       [](TinyModel& t) {
         testing::TinyTensor& f = t.tensor("rope_freqs.weight");
         f.dims = {8};
         f.values.resize(8, 1.0f);
       },
       kInvalid, "tensor 'rope_freqs.weight' has shape [8], expected [4]"},
      {"rope_freqs zero", [](TinyOptions& o) { o.rope_freqs = true; },
       [](TinyModel& t) { t.tensor("rope_freqs.weight").values[2] = 0.0f; }, kInvalid,
       "'rope_freqs.weight': element 2 is 0"},
      {"rope_freqs in qwen2", qwen2,
       [](TinyModel& t) {
         t.tensors().push_back(
             {"rope_freqs.weight", GgmlType::kF32, {4}, std::vector<float>(4, 1.0f)});
       },
       kInvalid, "tensor 'rope_freqs.weight' is not used by architecture 'qwen2'"},
      {"qwen2 bias missing", qwen2, [](TinyModel& t) { t.Remove("blk.1.attn_v.bias"); }, kInvalid,
       "missing tensor 'blk.1.attn_v.bias' (expected shape [16])"},
      {"llama bias only in layer 1", none,
       [](TinyModel& t) {
         t.tensors().push_back(
             {"blk.1.attn_q.bias", GgmlType::kF32, {32}, std::vector<float>(32, 0.0f)});
       },
       kInvalid, "tensor 'blk.1.attn_q.bias' is not used by architecture 'llama'"},
      {"llama bias missing in layer 1", none,
       [](TinyModel& t) {
         for (const char* n : {"attn_q.bias", "attn_k.bias", "attn_v.bias"}) {
           const uint64_t dim = n[5] == 'q' ? 32 : 16;
           t.tensors().push_back(
               {std::string("blk.0.") + n, GgmlType::kF32, {dim}, std::vector<float>(dim, 0.0f)});
         }
       },
       kInvalid, "missing tensor 'blk.1.attn_q.bias'"},
  };
}

TEST(ModelLoadTest, EveryLoadErrorIsReportedClearly) {
  for (const LoadErrorCase& c : LoadErrorCases()) {
    SCOPED_TRACE(c.name);
    TinyOptions o;
    c.options(o);
    TinyModel tiny(o);
    c.change(tiny);
    absl::StatusOr<testing::LoadedModel> loaded = LoadTiny(tiny);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.status().code(), c.code) << loaded.status();
    EXPECT_THAT(loaded.status().message(), HasSubstr(c.message));
  }
}

TEST(ModelLoadTest, LlamaWithBiasesInEveryLayerLoads) {
  TinyOptions o;
  o.qkv_bias = true;
  absl::StatusOr<testing::LoadedModel> loaded = LoadTiny(TinyModel(o));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->model->config().qkv_bias);
  EXPECT_EQ(loaded->model->weights().layers[1].bq.size(), 32u);
}

TEST(ModelLoadTest, QuantizedWeightsLoad) {
  for (GgmlType type : {GgmlType::kF16, GgmlType::kBF16, GgmlType::kQ8_0, GgmlType::kQ4_0}) {
    TinyOptions o;
    o.matrix_type = type;
    absl::StatusOr<testing::LoadedModel> loaded = LoadTiny(TinyModel(o));
    ASSERT_TRUE(loaded.ok()) << gguf::GgmlTypeName(type) << ": " << loaded.status();
    EXPECT_EQ(loaded->model->weights().layers[0].w_up.type, type);
  }
}

}  // namespace
}  // namespace fleet::engine::model
