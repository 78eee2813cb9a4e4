// fleet-engine tokenize / detokenize.
#include <memory>

#include "lib/status/status_macros.h"
#include "tools/fleet-engine/commands.h"
#include "tools/fleet-engine/common.h"

namespace fleet::tools {

namespace tok = engine::tokenizer;

absl::Status RunTokenize(const std::vector<std::string>& argv) {
  const Args args =
      ParseOrExit("tokenize", argv, {"model", "tokenizer-json", "tokenizer-config", "text", "file"},
                  {"no-special", "no-parse-special", "pieces"});
  if (args.Has("text") == args.Has("file")) {
    ExitUsage("tokenize", "give exactly one of --text and --file");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<tok::Tokenizer> tokenizer, TokenizerFromArgs(args));
  std::string text;
  if (args.Has("text")) {
    text = *args.Get("text");
  } else {
    ASSIGN_OR_RETURN(text, ReadWholeFile(*args.Get("file")));
  }
  tok::EncodeOptions options;
  options.add_special = !args.Switch("no-special");
  options.parse_special = !args.Switch("no-parse-special");
  ASSIGN_OR_RETURN(const std::vector<int32_t> ids, tokenizer->Encode(text, options));
  nlohmann::json doc = {{"ids", ids}};
  if (args.Switch("pieces")) {
    nlohmann::json pieces = nlohmann::json::array();
    for (int32_t id : ids) pieces.push_back(tokenizer->TokenText(id));
    doc["pieces"] = pieces;
  }
  PrintJson(doc);
  return absl::OkStatus();
}

absl::Status RunDetokenize(const std::vector<std::string>& argv) {
  const Args args = ParseOrExit(
      "detokenize", argv, {"model", "tokenizer-json", "tokenizer-config", "ids"}, {"skip-special"});
  ASSIGN_OR_RETURN(const std::string id_text, args.Required("ids"));
  ASSIGN_OR_RETURN(const std::vector<int32_t> ids, ParseIdList(id_text, "--ids"));
  ASSIGN_OR_RETURN(std::unique_ptr<tok::Tokenizer> tokenizer, TokenizerFromArgs(args));
  ASSIGN_OR_RETURN(const std::string text, tokenizer->Decode(ids, args.Switch("skip-special")));
  PrintJson({{"text", text}});
  return absl::OkStatus();
}

}  // namespace fleet::tools
