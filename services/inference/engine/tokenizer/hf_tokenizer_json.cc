// TokenizerSpecFromHfJson: reads a Hugging Face tokenizer.json (+ config).
// The contract is in tokenizer_spec.h.

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/tokenizer/pre_tokenizer.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"
#include "services/inference/engine/tokenizer/utf8.h"

namespace fleet::engine::tokenizer {
namespace {

using Json = nlohmann::json;

constexpr char kSpmSpace[] = "\xE2\x96\x81";  // U+2581
constexpr const char* kEotNames[] = {"<|eot_id|>",    "<|im_end|>", "<|end_of_turn|>",
                                     "<end_of_turn>", "<|end|>",    "<EOT>"};

absl::Status Unsupported(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("tokenizer.json: unsupported ", what));
}
absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("tokenizer.json: ", what));
}

std::string TypeOf(const Json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return "";
  return j["type"].get<std::string>();
}

bool IsTrue(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_boolean() && j[key].get<bool>();
}

// A literal string as a PCRE2 pattern.
std::string QuoteRegex(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

struct PreState {
  std::vector<std::string> regexes;
  bool byte_level = false;
};

absl::Status ReadPreTokenizer(const Json& p, PreState& state) {
  if (p.is_null()) return absl::OkStatus();
  const std::string type = TypeOf(p);
  if (type == "Sequence") {
    if (!p.contains("pretokenizers") || !p["pretokenizers"].is_array()) {
      return Malformed("pre_tokenizer Sequence without 'pretokenizers'");
    }
    for (const Json& inner : p["pretokenizers"]) RETURN_IF_ERROR(ReadPreTokenizer(inner, state));
    return absl::OkStatus();
  }
  if (type == "Split") {
    const std::string behavior = p.value("behavior", "");
    if (behavior != "Isolated") {
      return Unsupported(absl::StrCat("Split behavior '", behavior, "' (only Isolated)"));
    }
    if (IsTrue(p, "invert")) return Unsupported("Split with invert=true");
    const Json& pattern = p.contains("pattern") ? p["pattern"] : Json();
    if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string()) {
      state.regexes.push_back(pattern["Regex"].get<std::string>());
    } else if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string()) {
      state.regexes.push_back(QuoteRegex(pattern["String"].get<std::string>()));
    } else {
      return Malformed("Split pattern must be {\"Regex\": ...} or {\"String\": ...}");
    }
    return absl::OkStatus();
  }
  if (type == "ByteLevel") {
    if (IsTrue(p, "add_prefix_space")) return Unsupported("ByteLevel add_prefix_space=true");
    if (!p.contains("use_regex") || IsTrue(p, "use_regex")) state.regexes.push_back(Gpt2Regex());
    state.byte_level = true;
    return absl::OkStatus();
  }
  if (type == "Digits") {
    state.regexes.push_back(IsTrue(p, "individual_digits") ? "\\p{N}" : "\\p{N}+");
    return absl::OkStatus();
  }
  return Unsupported(absl::StrCat("pre_tokenizer type '", type, "'"));
}

struct NormState {
  bool nfc = false;
  bool prepend = false;
  bool replace_space = false;
};

absl::Status ReadNormalizer(const Json& n, NormState& state) {
  if (n.is_null()) return absl::OkStatus();
  const std::string type = TypeOf(n);
  if (type == "Sequence") {
    if (!n.contains("normalizers") || !n["normalizers"].is_array()) {
      return Malformed("normalizer Sequence without 'normalizers'");
    }
    for (const Json& inner : n["normalizers"]) RETURN_IF_ERROR(ReadNormalizer(inner, state));
    return absl::OkStatus();
  }
  if (type == "NFC") {
    state.nfc = true;
    return absl::OkStatus();
  }
  if (type == "Prepend") {
    if (n.value("prepend", "") != kSpmSpace || state.replace_space) {
      return Unsupported("Prepend normalizer other than a leading \"\\u2581\" Prepend");
    }
    state.prepend = true;
    return absl::OkStatus();
  }
  if (type == "Replace") {
    const Json& pattern = n.contains("pattern") ? n["pattern"] : Json();
    if (!(pattern.is_object() && pattern.value("String", "") == " " &&
          n.value("content", "") == kSpmSpace)) {
      return Unsupported("Replace normalizer other than \" \" -> \"\\u2581\"");
    }
    state.replace_space = true;
    return absl::OkStatus();
  }
  return Unsupported(absl::StrCat("normalizer type '", type, "'"));
}

absl::Status CheckDecoder(const Json& d) {
  if (d.is_null()) return absl::OkStatus();
  const std::string type = TypeOf(d);
  if (type == "Sequence") {
    if (!d.contains("decoders") || !d["decoders"].is_array()) {
      return Malformed("decoder Sequence without 'decoders'");
    }
    for (const Json& inner : d["decoders"]) RETURN_IF_ERROR(CheckDecoder(inner));
    return absl::OkStatus();
  }
  if (type == "ByteLevel" || type == "Replace" || type == "ByteFallback" || type == "Fuse" ||
      type == "Strip") {
    return absl::OkStatus();
  }
  return Unsupported(absl::StrCat("decoder type '", type, "'"));
}

// The content of a token entry of tokenizer_config.json: a string or an
// AddedToken object; "" when absent or null.
std::string TokenName(const Json& config, const char* key) {
  if (!config.is_object() || !config.contains(key)) return "";
  const Json& v = config[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) {
    return v["content"].get<std::string>();
  }
  return "";
}

absl::Status ReadMerges(const Json& merges, std::vector<std::string>& out) {
  if (merges.is_null()) return absl::OkStatus();
  if (!merges.is_array()) return Malformed("model.merges is not an array");
  out.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const Json& m = merges[i];
    if (m.is_string()) {
      out.push_back(m.get<std::string>());
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      out.push_back(absl::StrCat(m[0].get<std::string>(), " ", m[1].get<std::string>()));
    } else {
      return Malformed(absl::StrCat("model.merges[", i, "] is neither \"a b\" nor [a, b]"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TokenizerSpec> TokenizerSpecFromHfJson(absl::string_view tokenizer_json,
                                                      absl::string_view tokenizer_config_json) {
  const Json root = Json::parse(tokenizer_json.begin(), tokenizer_json.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError("tokenizer.json is not a JSON object");
  }
  Json config = Json::object();
  if (!tokenizer_config_json.empty()) {
    config =
        Json::parse(tokenizer_config_json.begin(), tokenizer_config_json.end(), nullptr, false);
    if (config.is_discarded() || !config.is_object()) {
      return absl::InvalidArgumentError("tokenizer_config.json is not a JSON object");
    }
  }

  const Json& model = root.contains("model") ? root["model"] : Json();
  const std::string model_type = model.is_object() ? model.value("type", "BPE") : "";
  if (!model.is_object()) return Malformed("no 'model' object");
  if (model_type != "BPE") return Unsupported(absl::StrCat("model type '", model_type, "'"));
  if (model.contains("dropout") && !model["dropout"].is_null() &&
      !(model["dropout"].is_number() && model["dropout"].get<double>() == 0.0)) {
    return Unsupported("BPE dropout");
  }
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (model.contains(key) && !model[key].is_null() &&
        !(model[key].is_string() && model[key].get<std::string>().empty())) {
      return Unsupported(absl::StrCat("BPE ", key));
    }
  }
  if (!model.contains("vocab") || !model["vocab"].is_object()) {
    return Malformed("model.vocab is not an object");
  }

  TokenizerSpec spec;
  // Vocabulary: model.vocab plus added_tokens; holes become "[PAD<id>]".
  std::map<int64_t, std::string> by_id;
  for (const auto& [text, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= INT32_MAX) {
      return Malformed(absl::StrCat("vocab entry '", text, "' has an invalid id"));
    }
    by_id[id.get<int64_t>()] = text;
  }
  struct Added {
    int64_t id;
    std::string content;
    bool special;
  };
  std::vector<Added> added;
  if (root.contains("added_tokens") && !root["added_tokens"].is_null()) {
    if (!root["added_tokens"].is_array()) return Malformed("added_tokens is not an array");
    for (const Json& a : root["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() ||
          !a.contains("content") || !a["content"].is_string()) {
        return Malformed("an added_tokens entry lacks an integer id or a string content");
      }
      const int64_t id = a["id"].get<int64_t>();
      const std::string content = a["content"].get<std::string>();
      if (id < 0 || id >= INT32_MAX) return Malformed(absl::StrCat("added token id ", id));
      for (const char* flag : {"lstrip", "rstrip", "single_word"}) {
        if (IsTrue(a, flag)) {
          return Unsupported(absl::StrCat("added token '", content, "' with ", flag, "=true"));
        }
      }
      added.push_back({id, content, IsTrue(a, "special")});
      by_id[id] = content;
    }
  }
  if (by_id.empty()) return Malformed("the vocabulary is empty");
  const int64_t n = by_id.rbegin()->first + 1;
  spec.tokens.resize(n);
  spec.types.assign(n, TokenType::kNormal);
  for (int64_t i = 0; i < n; ++i) {
    auto it = by_id.find(i);
    if (it == by_id.end()) {
      spec.tokens[i] = absl::StrCat("[PAD", i, "]");
      spec.types[i] = TokenType::kUnused;
    } else {
      spec.tokens[i] = it->second;
    }
    absl::Status valid = ValidateUtf8(spec.tokens[i]);
    if (!valid.ok()) return Malformed(absl::StrCat("token ", i, ": ", valid.message()));
  }
  for (const Added& a : added) {
    spec.types[a.id] = a.special ? TokenType::kControl : TokenType::kUserDefined;
  }
  RETURN_IF_ERROR(ReadMerges(model.contains("merges") ? model["merges"] : Json(), spec.merges));
  spec.ignore_merges = IsTrue(model, "ignore_merges");

  NormState norm;
  RETURN_IF_ERROR(ReadNormalizer(root.contains("normalizer") ? root["normalizer"] : Json(), norm));
  PreState pre;
  RETURN_IF_ERROR(
      ReadPreTokenizer(root.contains("pre_tokenizer") ? root["pre_tokenizer"] : Json(), pre));
  const Json& decoder = root.contains("decoder") ? root["decoder"] : Json();
  RETURN_IF_ERROR(CheckDecoder(decoder));
  if (TypeOf(decoder) == "ByteLevel") pre.byte_level = true;

  spec.normalize_nfc = norm.nfc;
  if (norm.replace_space) {
    if (pre.byte_level || !pre.regexes.empty()) {
      return Unsupported("a SentencePiece-style normalizer combined with a pre_tokenizer");
    }
    spec.model = TokenizerModel::kSentencePiece;
    spec.add_space_prefix = norm.prepend;
    // Byte-fallback tokens and merge-rank scores for llama.cpp.
    for (int64_t i = 0; i < n; ++i) {
      const std::string& t = spec.tokens[i];
      if (spec.types[i] == TokenType::kNormal && t.size() == 6 && t.rfind("<0x", 0) == 0 &&
          t[5] == '>') {
        spec.types[i] = TokenType::kByte;
      }
    }
    absl::flat_hash_map<std::string, int32_t> index;
    for (int64_t i = 0; i < n; ++i) index.try_emplace(spec.tokens[i], static_cast<int32_t>(i));
    const float unset = -static_cast<float>(spec.merges.size() + n + 1);
    spec.scores.assign(n, unset);
    for (int64_t i = 0; i < n; ++i) {
      if (spec.types[i] != TokenType::kNormal) spec.scores[i] = 0.0f;
    }
    for (size_t rank = 0; rank < spec.merges.size(); ++rank) {
      const std::string& m = spec.merges[rank];
      const size_t space = m.find(' ', 1);
      if (space == std::string::npos) continue;
      auto it = index.find(m.substr(0, space) + m.substr(space + 1));
      if (it == index.end()) continue;
      float& score = spec.scores[it->second];
      score = std::max(score, -static_cast<float>(rank));
    }
  } else if (norm.prepend) {
    return Unsupported("a Prepend normalizer without Replace \" \" -> \"\\u2581\"");
  } else if (pre.byte_level) {
    spec.model = TokenizerModel::kByteLevelBpe;
    spec.pre_regexes = pre.regexes;
    // The GGUF name of this regex list, when llama.cpp knows it.
    for (const std::string& name : SupportedPreTokenizerNames()) {
      absl::StatusOr<std::vector<std::string>> known = PreTokenizerRegexes(name);
      if (known.ok() && *known == spec.pre_regexes) {
        spec.pre = name;
        break;
      }
    }
  } else {
    return Unsupported(
        "BPE without a ByteLevel pre-tokenizer/decoder or a SentencePiece-style normalizer");
  }
  if (IsTrue(model, "byte_fallback") && spec.model != TokenizerModel::kSentencePiece) {
    return Unsupported("byte_fallback in a byte-level BPE");
  }

  // Special ids.
  absl::flat_hash_map<std::string, int32_t> index;
  for (const Added& a : added) index.try_emplace(a.content, static_cast<int32_t>(a.id));
  for (int64_t i = 0; i < n; ++i) index.try_emplace(spec.tokens[i], static_cast<int32_t>(i));
  const auto lookup = [&](const std::string& name) -> int32_t {
    if (name.empty()) return -1;
    auto it = index.find(name);
    return it == index.end() ? -1 : it->second;
  };
  if (model.contains("unk_token") && model["unk_token"].is_string()) {
    spec.unk_id = lookup(model["unk_token"].get<std::string>());
  }
  if (spec.unk_id < 0) spec.unk_id = lookup(TokenName(config, "unk_token"));
  if (spec.unk_id >= 0 && spec.types[spec.unk_id] == TokenType::kControl &&
      spec.model == TokenizerModel::kSentencePiece) {
    spec.types[spec.unk_id] = TokenType::kUnknown;
  }
  spec.bos_id = lookup(TokenName(config, "bos_token"));
  spec.eos_id = lookup(TokenName(config, "eos_token"));
  spec.pad_id = lookup(TokenName(config, "pad_token"));
  for (const char* name : kEotNames) {
    const int32_t id = lookup(name);
    if (id >= 0 && spec.types[id] == TokenType::kControl) {
      spec.eot_id = id;
      break;
    }
  }

  // add_bos / add_eos: the config wins; else the TemplateProcessing post-processor.
  const Json& post = root.contains("post_processor") ? root["post_processor"] : Json();
  std::vector<const Json*> processors;
  if (TypeOf(post) == "Sequence" && post.contains("processors") && post["processors"].is_array()) {
    for (const Json& p : post["processors"]) processors.push_back(&p);
  } else if (!post.is_null()) {
    processors.push_back(&post);
  }
  bool template_bos = false, template_eos = false;
  for (const Json* p : processors) {
    const std::string type = TypeOf(*p);
    if (type == "ByteLevel") continue;
    if (type != "TemplateProcessing") {
      return Unsupported(absl::StrCat("post_processor type '", type, "'"));
    }
    const Json& single = p->contains("single") ? (*p)["single"] : Json();
    if (!single.is_array() || single.empty()) continue;
    const auto special_of = [&](const Json& item) -> int32_t {
      if (!item.is_object() || !item.contains("SpecialToken")) return -1;
      return lookup(item["SpecialToken"].value("id", ""));
    };
    const int32_t first = special_of(single.front());
    const int32_t last = special_of(single.back());
    if (first >= 0) {
      template_bos = true;
      if (spec.bos_id < 0) spec.bos_id = first;
    }
    if (last >= 0 && single.size() > 1) {
      template_eos = true;
      if (spec.eos_id < 0) spec.eos_id = last;
    }
  }
  spec.add_bos = config.contains("add_bos_token") && config["add_bos_token"].is_boolean()
                     ? config["add_bos_token"].get<bool>()
                     : template_bos;
  spec.add_eos = config.contains("add_eos_token") && config["add_eos_token"].is_boolean()
                     ? config["add_eos_token"].get<bool>()
                     : template_eos;
  if (spec.add_bos && spec.bos_id < 0) spec.add_bos = false;
  if (spec.add_eos && spec.eos_id < 0) spec.add_eos = false;
  return spec;
}

}  // namespace fleet::engine::tokenizer
