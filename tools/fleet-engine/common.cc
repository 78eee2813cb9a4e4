#include "tools/fleet-engine/common.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"
#include "tools/fleet-engine/commands.h"

namespace fleet::tools {

void ExitUsage(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "fleet-engine %s: %s (see fleet-engine --help)\n", command.c_str(),
               message.c_str());
  std::exit(2);
}

Args ParseOrExit(const std::string& command, const std::vector<std::string>& argv,
                 const std::set<std::string>& options, const std::set<std::string>& switches) {
  absl::StatusOr<Args> args = Args::Parse(argv, options, switches);
  if (!args.ok()) ExitUsage(command, std::string(args.status().message()));
  return *std::move(args);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string what = absl::StrCat(path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(what);
    if (err == EACCES) return absl::PermissionDeniedError(what);
    return absl::InternalError(what);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat(path, ": read failed"));
  return buffer.str();
}

absl::StatusOr<std::unique_ptr<engine::tokenizer::Tokenizer>> TokenizerFromArgs(const Args& args) {
  namespace tok = engine::tokenizer;
  if (args.Has("model") == args.Has("tokenizer-json")) {
    return absl::InvalidArgumentError("give exactly one of --model and --tokenizer-json");
  }
  if (args.Has("model")) {
    const std::string path = *args.Get("model");
    ASSIGN_OR_RETURN(std::unique_ptr<engine::gguf::GgufFile> file,
                     engine::gguf::GgufFile::Open(path));
    ASSIGN_OR_RETURN(tok::TokenizerSpec spec, tok::TokenizerSpecFromGguf(file->metadata()));
    return tok::Tokenizer::Create(std::move(spec));
  }
  ASSIGN_OR_RETURN(HfTokenizerFiles files, ReadHfTokenizerFiles(args));
  ASSIGN_OR_RETURN(tok::TokenizerSpec spec, tok::TokenizerSpecFromHfJson(files.json, files.config));
  return tok::Tokenizer::Create(std::move(spec));
}

absl::StatusOr<HfTokenizerFiles> ReadHfTokenizerFiles(const Args& args) {
  HfTokenizerFiles files;
  ASSIGN_OR_RETURN(const std::string json_path, args.Required("tokenizer-json"));
  ASSIGN_OR_RETURN(files.json, ReadWholeFile(json_path));
  if (args.Has("tokenizer-config")) {
    ASSIGN_OR_RETURN(files.config, ReadWholeFile(*args.Get("tokenizer-config")));
  }
  return files;
}

void PrintJson(const nlohmann::json& doc) {
  const std::string text = doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace fleet::tools
