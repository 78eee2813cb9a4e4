// fleet-engine make-test-model: the test-model generator from the command line.
#include <filesystem>

#include "lib/status/status_macros.h"
#include "nlohmann/json.hpp"
#include "services/inference/engine/testmodel/test_model.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"
#include "tools/fleet-engine/commands.h"
#include "tools/fleet-engine/common.h"

namespace fleet::tools {

absl::Status RunMakeTestModel(const std::vector<std::string>& argv) {
  const Args args = ParseOrExit(
      "make-test-model", argv,
      {"out", "tokenizer-json", "tokenizer-config", "arch", "type", "n-embd", "n-layer", "n-head",
       "n-head-kv", "n-ff", "n-ctx", "rope-theta", "seed", "name", "chat-template-file"},
      {"rope-freqs", "tied-output"});
  ASSIGN_OR_RETURN(const std::string out, args.Required("out"));
  ASSIGN_OR_RETURN(const HfTokenizerFiles files, ReadHfTokenizerFiles(args));
  engine::testmodel::TestModelOptions o;
  // The chat template ships in tokenizer_config.json.
  const nlohmann::json config =
      nlohmann::json::parse(files.config, nullptr, /*allow_exceptions=*/false);
  if (config.is_object() && config.contains("chat_template") &&
      config["chat_template"].is_string()) {
    o.chat_template = config["chat_template"].get<std::string>();
  }
  if (args.Has("chat-template-file")) {
    ASSIGN_OR_RETURN(o.chat_template, ReadWholeFile(*args.Get("chat-template-file")));
  }
  ASSIGN_OR_RETURN(const engine::tokenizer::TokenizerSpec vocabulary,
                   engine::tokenizer::TokenizerSpecFromHfJson(files.json, files.config));

  auto u32 = [&](const char* name, uint32_t fallback) -> absl::StatusOr<uint32_t> {
    ASSIGN_OR_RETURN(const uint64_t v, args.Uint(name, fallback));
    if (v > UINT32_MAX)
      return absl::InvalidArgumentError(std::string("--") + name + " is too large");
    return static_cast<uint32_t>(v);
  };
  o.arch = args.Get("arch").value_or(o.arch);
  o.weight_type = args.Get("type").value_or(o.weight_type);
  o.name = args.Get("name").value_or(o.name);
  ASSIGN_OR_RETURN(o.n_embd, u32("n-embd", o.n_embd));
  ASSIGN_OR_RETURN(o.n_layer, u32("n-layer", o.n_layer));
  ASSIGN_OR_RETURN(o.n_head, u32("n-head", o.n_head));
  ASSIGN_OR_RETURN(o.n_head_kv, u32("n-head-kv", o.n_head_kv));
  ASSIGN_OR_RETURN(o.n_ff, u32("n-ff", o.n_ff));
  ASSIGN_OR_RETURN(o.n_ctx, u32("n-ctx", o.n_ctx));
  ASSIGN_OR_RETURN(const double theta, args.Double("rope-theta", o.rope_theta));
  o.rope_theta = static_cast<float>(theta);
  ASSIGN_OR_RETURN(o.seed, args.Uint("seed", o.seed));
  o.rope_freqs = args.Switch("rope-freqs");
  o.tied_output = args.Switch("tied-output");

  RETURN_IF_ERROR(engine::testmodel::WriteTestModel(o, vocabulary, out));
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(out, ec);
  PrintJson({{"path", out},
             {"bytes", ec ? 0 : bytes},
             {"arch", o.arch},
             {"type", o.weight_type},
             {"n_vocab", vocabulary.tokens.size()},
             {"pre", vocabulary.pre}});
  return absl::OkStatus();
}

}  // namespace fleet::tools
