// The engine's logits against the independent double-precision reference
// forward pass (tests/.../model/reference), at every position of several
// prompts, for both architectures and every supported weight type. The
// reference decodes quantized weights with the same DequantizeRow, so for
// every type this compares the engine with an exact computation on the
// dequantized weights; the bound is the 1e-4 relative error.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/model/model.h"
#include "services/inference/engine/model/session.h"
#include "tests/services/inference/engine/model/reference/reference_model.h"
#include "tests/services/inference/engine/model/reference/tiny_models.h"

namespace fleet::engine {
namespace {

using gguf::GgmlType;

struct Case {
  std::string arch;
  GgmlType type;
  bool tied = false;
  bool rope_freqs = false;
};

std::string Name(const Case& c) {
  std::string name = c.arch + "_" + gguf::GgmlTypeName(c.type);
  if (c.tied) name += "_tied";
  if (c.rope_freqs) name += "_ropefreqs";
  return name;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return Name(info.param); }

class EngineVsReference : public ::testing::TestWithParam<Case> {};

TEST_P(EngineVsReference, LogitsAtEveryPositionAgree) {
  const Case& c = GetParam();
  testing::TinyModelSpec spec;
  spec.arch = c.arch;
  spec.weight_type = c.type;
  spec.tied_output = c.tied;
  spec.with_rope_freqs = c.rope_freqs;
  spec.n_vocab = 96;
  const bool k_quant =
      c.type == GgmlType::kQ4_K || c.type == GgmlType::kQ5_K || c.type == GgmlType::kQ6_K;
  spec.n_embd = k_quant ? 256 : 64;
  spec.n_ff = k_quant ? 256 : 96;
  spec.n_head = 4;
  spec.n_head_kv = c.arch == "llama" ? 1 : 2;
  spec.n_layer = 2;
  spec.seed = 7;
  absl::StatusOr<std::vector<uint8_t>> bytes = testing::BuildTinyModelBytes(spec);
  ASSERT_TRUE(bytes.ok()) << bytes.status();

  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> ref_file = gguf::GgufFile::Parse(*bytes);
  ASSERT_TRUE(ref_file.ok()) << ref_file.status();
  absl::StatusOr<std::unique_ptr<testing::ReferenceModel>> reference =
      testing::ReferenceModel::Load(**ref_file);
  ASSERT_TRUE(reference.ok()) << reference.status();

  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(*bytes);
  ASSERT_TRUE(file.ok()) << file.status();
  absl::StatusOr<std::unique_ptr<model::Model>> model = model::Model::Load(*std::move(file));
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<std::unique_ptr<model::Session>> session = model::Session::Create(**model);
  ASSERT_TRUE(session.ok()) << session.status();

  const std::vector<std::vector<int32_t>> prompts = {
      {1},
      {5, 17, 3, 88, 42, 42, 42, 0},
      {95, 94, 93, 1, 2, 3, 60, 61, 62, 63, 10, 20, 30, 40, 50, 11, 12, 13, 14, 15, 16, 17, 18, 19},
  };
  const int64_t n_vocab = (*model)->config().n_vocab;
  for (const std::vector<int32_t>& prompt : prompts) {
    absl::StatusOr<std::vector<std::vector<double>>> want = (*reference)->Forward(prompt);
    ASSERT_TRUE(want.ok()) << want.status();
    std::vector<float> got(prompt.size() * n_vocab);
    (*session)->Reset();
    ASSERT_TRUE((*session)->Eval(prompt, absl::MakeSpan(got), /*all_positions=*/true).ok());
    double worst = 0;
    for (size_t pos = 0; pos < prompt.size(); ++pos) {
      const double err = testing::MaxRelativeError(
          absl::MakeConstSpan(got).subspan(pos * n_vocab, n_vocab), (*want)[pos]);
      worst = std::max(worst, err);
      EXPECT_LT(err, 1e-4) << "prompt of " << prompt.size() << " tokens, position " << pos;
    }
    // The measured figure, for the closing note (ctest --verbose shows it).
    std::printf("agreement %s prompt_len=%zu max_rel_err=%.3g\n", Name(c).c_str(), prompt.size(),
                worst);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, EngineVsReference,
    ::testing::Values(Case{"llama", GgmlType::kF32}, Case{"qwen2", GgmlType::kF32},
                      Case{"llama", GgmlType::kF32, /*tied=*/true, /*rope_freqs=*/true},
                      Case{"qwen2", GgmlType::kF32, /*tied=*/true}, Case{"llama", GgmlType::kF16},
                      Case{"qwen2", GgmlType::kBF16}, Case{"llama", GgmlType::kQ8_0},
                      Case{"qwen2", GgmlType::kQ4_0}, Case{"llama", GgmlType::kQ4_K},
                      Case{"qwen2", GgmlType::kQ5_K}, Case{"llama", GgmlType::kQ6_K}),
    CaseName);

}  // namespace
}  // namespace fleet::engine
