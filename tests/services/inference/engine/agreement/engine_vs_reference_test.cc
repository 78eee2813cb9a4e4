// The engine's logits against the independent double-precision reference
// forward pass (tests/.../model/reference), at every position of several
// prompts, for both architectures and every supported weight type. The
// reference decodes quantized weights with the same DequantizeRow, so for
// every type this compares the engine with an exact computation on the
// dequantized weights. Each case runs on the reference kernels and on the
// fast kernels (every ISA this CPU has, two threads). Bounds: 1e-4 relative
// error for the reference kernels and for float weights on the fast ones;
// for quantized weights the fast kernels round activations to 8 bits (as
// llama.cpp does, see matmul_kernel.h), and the bound is kQuantizedBound.
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/kernels/cpu/cpu_kernels.h"
#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"
#include "services/inference/engine/kernels/cpu/isa.h"
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

// The kernels a case runs on: "reference", or a fast ISA name.
std::vector<std::string> Backends() {
  std::vector<std::string> names = {"reference"};
  for (kernels::cpu::Isa isa : kernels::cpu::SupportedIsas()) {
    names.push_back(std::string(kernels::cpu::IsaName(isa)));
  }
  return names;
}

// Worst relative logit error allowed when activations are rounded to 8 bits
// (each product is then off by up to sum |w_i| d_b / 2, about 0.4% of its
// magnitude, compounding over the layers); the measured worst is printed.
constexpr double kQuantizedBound = 3e-2;

std::string CaseName(const ::testing::TestParamInfo<std::tuple<Case, std::string>>& info) {
  return Name(std::get<0>(info.param)) + "_" + std::get<1>(info.param);
}

class EngineVsReference : public ::testing::TestWithParam<std::tuple<Case, std::string>> {};

TEST_P(EngineVsReference, LogitsAtEveryPositionAgree) {
  const Case& c = std::get<0>(GetParam());
  const std::string& backend = std::get<1>(GetParam());
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
  std::unique_ptr<kernels::FastCpuKernels> fast;
  double bound = 1e-4;
  if (backend != "reference") {
    absl::StatusOr<kernels::cpu::Isa> isa = kernels::cpu::ParseIsa(backend);
    ASSERT_TRUE(isa.ok()) << isa.status();
    absl::StatusOr<std::unique_ptr<kernels::FastCpuKernels>> created =
        kernels::FastCpuKernels::Create({.threads = 2, .isa = *isa});
    ASSERT_TRUE(created.ok()) << created.status();
    fast = *std::move(created);
    const bool float_weights =
        c.type == GgmlType::kF32 || c.type == GgmlType::kF16 || c.type == GgmlType::kBF16;
    if (!float_weights) bound = kQuantizedBound;
  }
  const kernels::Kernels* kernels = fast != nullptr
                                        ? static_cast<const kernels::Kernels*>(fast.get())
                                        : &kernels::DefaultKernels();
  // A batch limit of 5 tokens makes the 8- and 24-token prompts run in chunks.
  absl::StatusOr<std::unique_ptr<model::Session>> session =
      model::Session::Create(**model, {.kernels = kernels, .max_batch_tokens = 5});
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
      EXPECT_LT(err, bound) << "prompt of " << prompt.size() << " tokens, position " << pos;
    }
    // The measured figure, for the closing note (ctest --verbose shows it).
    std::printf("agreement %s %s prompt_len=%zu max_rel_err=%.3g\n", Name(c).c_str(),
                backend.c_str(), prompt.size(), worst);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, EngineVsReference,
    ::testing::Combine(
        ::testing::Values(Case{"llama", GgmlType::kF32}, Case{"qwen2", GgmlType::kF32},
                          Case{"llama", GgmlType::kF32, /*tied=*/true, /*rope_freqs=*/true},
                          Case{"qwen2", GgmlType::kF32, /*tied=*/true},
                          Case{"llama", GgmlType::kF16}, Case{"qwen2", GgmlType::kBF16},
                          Case{"llama", GgmlType::kQ8_0}, Case{"qwen2", GgmlType::kQ4_0},
                          Case{"llama", GgmlType::kQ4_K}, Case{"qwen2", GgmlType::kQ5_K},
                          Case{"llama", GgmlType::kQ6_K}),
        ::testing::ValuesIn(Backends())),
    CaseName);

}  // namespace
}  // namespace fleet::engine
