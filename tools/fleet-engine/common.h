#pragma once
// Helpers shared by the fleet-engine subcommands.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "services/inference/engine/tokenizer/tokenizer.h"
#include "tools/fleet-engine/args.h"

namespace fleet::tools {

// Parses argv for `command` or exits 2 naming the bad argument.
Args ParseOrExit(const std::string& command, const std::vector<std::string>& argv,
                 const std::set<std::string>& options, const std::set<std::string>& switches);

// The whole file. NOT_FOUND / PERMISSION_DENIED / INTERNAL naming the path.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// The text of --tokenizer-json F and of --tokenizer-config F (empty when not
// given). INVALID_ARGUMENT without --tokenizer-json; ReadWholeFile's errors.
struct HfTokenizerFiles {
  std::string json;
  std::string config;
};
absl::StatusOr<HfTokenizerFiles> ReadHfTokenizerFiles(const Args& args);

// A tokenizer from --model M (its GGUF vocabulary) or --tokenizer-json F
// (+ optional --tokenizer-config F). INVALID_ARGUMENT when neither or both.
absl::StatusOr<std::unique_ptr<engine::tokenizer::Tokenizer>> TokenizerFromArgs(const Args& args);

// Prints `doc` on stdout as one line (invalid UTF-8 in strings is replaced
// by U+FFFD rather than failing).
void PrintJson(const nlohmann::json& doc);

}  // namespace fleet::tools
