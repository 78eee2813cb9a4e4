// The engine against llama.cpp's committed answers (tests/data/goldens/
// llamacpp/*.json, recorded by tests/tools/record_llamacpp_goldens.mjs) on the
// generated models of tests/data/goldens/models.txt, which the CTest fixture
// engine_golden_models builds into FLEET_GOLDEN_MODEL_DIR.
//
// Per model and prompt (positions = prompt + llama.cpp's continuation):
//   - logits: at every position, every [id, logit] of llama.cpp's top 10 is
//     matched within a tolerance relative to that position's logit range.
//     llama.cpp computes F16/BF16 products with activations rounded to F16
//     and quantized products with activations rounded to 8 bits, so the
//     tolerance depends on the type (Tolerance below; the measured worst
//     case is printed);
//   - greedy: the 32-token greedy continuation through the full generation
//     path (Generate at temperature 0). For F32 and F16 it must be identical
//     (the bar).
//     For the other types the tokens must agree up to the first step where
//     llama.cpp's own top-2 logits are closer than the tolerance (a near-tie
//     either engine may break either way); the agreement is printed.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "services/inference/engine/generation/generate.h"
#include "services/inference/engine/generation/loaded_model.h"
#include "services/inference/engine/model/session.h"

namespace fleet::engine {
namespace {

namespace fs = std::filesystem;

// The weight type of a golden model: the second field of its name
// ("qwen2-f16-tied" -> "f16").
std::string WeightType(const std::string& model_name) {
  const size_t first = model_name.find('-');
  const size_t second = model_name.find('-', first + 1);
  return model_name.substr(first + 1,
                           second == std::string::npos ? std::string::npos : second - first - 1);
}

// Tolerance on |ours - llama.cpp| / (max logit - min logit of the top 10 at
// that position, at least 1): about twice the worst error measured when the
// goldens were recorded (docs/engine.md, "Evidence").
double Tolerance(const std::string& type) {
  if (type == "f32") return 1e-4;
  if (type == "f16" || type == "bf16") return 3e-2;  // activations rounded to 16 bits
  return 1e-1;  // Q8_0, Q4_0, K-quants: 8-bit activations inside llama.cpp's dot products
}

bool ExactGreedyExpected(const std::string& type) { return type == "f32" || type == "f16"; }

std::vector<fs::path> GoldenFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(FLEET_GOLDEN_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class LlamaCppGolden : public ::testing::TestWithParam<fs::path> {};

TEST_P(LlamaCppGolden, LogitsAndGreedyContinuationsMatch) {
  std::ifstream in(GetParam());
  const nlohmann::json golden = nlohmann::json::parse(in);
  const std::string name = golden.at("model").get<std::string>();
  const char* model_dir = std::getenv("FLEET_GOLDEN_MODEL_DIR");
  ASSERT_NE(model_dir, nullptr) << "FLEET_GOLDEN_MODEL_DIR is not set (the ctest fixture sets it)";
  const std::string path = std::string(model_dir) + "/" + name + ".gguf";
  absl::StatusOr<std::unique_ptr<generation::LoadedModel>> loaded =
      generation::LoadedModel::Open(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status()
                           << " (the engine_golden_models fixture builds the models)";
  const model::Model& model = (*loaded)->model();
  const int64_t n_vocab = model.config().n_vocab;
  model::SessionOptions options;
  options.n_ctx = 128;
  absl::StatusOr<std::unique_ptr<model::Session>> session = model::Session::Create(model, options);
  ASSERT_TRUE(session.ok()) << session.status();

  const std::string type = WeightType(name);
  const double tolerance = Tolerance(type);
  double worst = 0;
  int greedy_agree = 0, greedy_total = 0;
  for (const nlohmann::json& prompt : golden.at("prompts")) {
    const std::vector<int32_t> ids = prompt.at("ids").get<std::vector<int32_t>>();
    const std::vector<int32_t> want = prompt.at("greedy").get<std::vector<int32_t>>();
    std::vector<int32_t> sequence = ids;
    sequence.insert(sequence.end(), want.begin(), want.end());
    const nlohmann::json& positions = prompt.at("positions");
    ASSERT_EQ(positions.size(), sequence.size());

    std::vector<float> logits(sequence.size() * n_vocab);
    (*session)->Reset();
    ASSERT_TRUE((*session)->Eval(sequence, absl::MakeSpan(logits), /*all_positions=*/true).ok());
    std::vector<double> margin(sequence.size());  // llama.cpp's top1 - top2, relative to the range
    for (size_t pos = 0; pos < sequence.size(); ++pos) {
      double lo = 1e300, hi = -1e300;
      for (const nlohmann::json& pair : positions[pos]) {
        lo = std::min(lo, pair[1].get<double>());
        hi = std::max(hi, pair[1].get<double>());
      }
      const double scale = std::max(1.0, hi - lo);
      margin[pos] =
          (positions[pos][0][1].get<double>() - positions[pos][1][1].get<double>()) / scale;
      for (const nlohmann::json& pair : positions[pos]) {
        const int32_t id = pair[0].get<int32_t>();
        const double err = std::abs(logits[pos * n_vocab + id] - pair[1].get<double>()) / scale;
        worst = std::max(worst, err);
        EXPECT_LE(err, tolerance) << name << " position " << pos << " token " << id;
      }
    }

    // Greedy continuation through the whole generation path.
    if (want.empty()) continue;
    generation::GenerateRequest request;
    request.prompt = ids;
    request.sampling.temperature = 0;
    request.max_tokens = static_cast<int32_t>(want.size());
    absl::StatusOr<generation::GenerateResult> result =
        generation::Generate(**session, (*loaded)->tokenizer(), request);
    ASSERT_TRUE(result.ok()) << result.status();
    std::vector<int32_t> got = result->tokens;
    if (result->stop_cause == "eos") got.push_back(result->logprobs.back().id);
    size_t agree = 0;
    while (agree < got.size() && agree < want.size() && got[agree] == want[agree]) ++agree;
    greedy_agree += static_cast<int>(agree);
    greedy_total += static_cast<int>(want.size());
    if (ExactGreedyExpected(type)) {
      EXPECT_EQ(got, want) << name << ": greedy continuation differs from llama.cpp's";
    } else if (agree < want.size()) {
      const size_t pos = ids.size() - 1 + agree;  // the position whose logits chose want[agree]
      EXPECT_LT(margin[pos], tolerance)
          << name << ": greedy step " << agree << " differs from llama.cpp's although its margin "
          << margin[pos] << " is above the tolerance";
    }
  }
  std::printf(
      "golden %s: max logit error %.3g of range (tolerance %.0e), greedy %d/%d tokens "
      "identical\n",
      name.c_str(), worst, tolerance, greedy_agree, greedy_total);
}

INSTANTIATE_TEST_SUITE_P(Models, LlamaCppGolden, ::testing::ValuesIn(GoldenFiles()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string stem = info.param.stem().string();
                           for (char& c : stem) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return stem;
                         });

}  // namespace
}  // namespace fleet::engine
