// fleet-engine info / logits / generate.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/generation/generate.h"
#include "services/inference/engine/generation/loaded_model.h"
#include "services/inference/engine/model/session.h"
#include "tools/fleet-engine/commands.h"
#include "tools/fleet-engine/common.h"

namespace fleet::tools {
namespace {

using engine::generation::LoadedModel;

absl::StatusOr<std::unique_ptr<LoadedModel>> OpenModel(const Args& args) {
  ASSIGN_OR_RETURN(const std::string path, args.Required("model"));
  engine::generation::LoadOptions options;
  options.chat_template = args.Get("chat-template").value_or("");
  return LoadedModel::Open(path, options);
}

// A session whose context is --ctx, else just what `needed` positions take
// (capped at the training context so that an over-long prompt gets the
// model's real limit in its error).
absl::StatusOr<std::unique_ptr<engine::model::Session>> MakeSession(const Args& args,
                                                                    const LoadedModel& loaded,
                                                                    int64_t needed) {
  engine::model::SessionOptions options;
  const int64_t train = loaded.model().config().n_ctx_train;
  ASSIGN_OR_RETURN(options.n_ctx, args.Int("ctx", std::min(train, std::max<int64_t>(needed, 1))));
  ASSIGN_OR_RETURN(const int64_t threads, args.Int("threads", 0));
  options.threads = static_cast<int>(threads);
  return engine::model::Session::Create(loaded.model(), options);
}

// The top `k` [id, logit] pairs of one row, highest first (ties: lower id).
nlohmann::json TopK(absl::Span<const float> row, int64_t k) {
  std::vector<int32_t> ids(row.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int32_t>(i);
  k = std::min<int64_t>(k, static_cast<int64_t>(ids.size()));
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(), [&](int32_t a, int32_t b) {
    return row[a] > row[b] || (row[a] == row[b] && a < b);
  });
  nlohmann::json out = nlohmann::json::array();
  for (int64_t i = 0; i < k; ++i) out.push_back({ids[i], row[ids[i]]});
  return out;
}

absl::StatusOr<std::vector<int32_t>> PromptIds(const Args& args, const LoadedModel& loaded) {
  if (args.Has("ids")) return ParseIdList(*args.Get("ids"), "--ids");
  if (args.Has("chat")) {
    std::vector<engine::chat::ChatMessage> messages;
    if (args.Has("system")) messages.push_back({"system", *args.Get("system")});
    messages.push_back({"user", *args.Get("chat")});
    return loaded.EncodeChat(messages);
  }
  engine::tokenizer::EncodeOptions options;  // BOS as the file says; special text parsed
  return loaded.tokenizer().Encode(*args.Get("prompt"), options);
}

}  // namespace

absl::Status RunInfo(const std::vector<std::string>& argv) {
  const Args args = ParseOrExit("info", argv, {"model", "chat-template"}, {});
  ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> loaded, OpenModel(args));
  const engine::model::ModelConfig& c = loaded->model().config();
  const engine::tokenizer::Tokenizer& tok = loaded->tokenizer();
  std::map<std::string, int> types;
  uint64_t weight_bytes = 0;
  for (const auto& t : loaded->model().gguf().tensors()) {
    types[engine::gguf::GgmlTypeName(t.type)]++;
    weight_bytes += t.size_bytes;
  }
  nlohmann::json doc = {
      {"architecture", c.arch},
      {"n_vocab", c.n_vocab},
      {"n_embd", c.n_embd},
      {"n_layer", c.n_layer},
      {"n_head", c.n_head},
      {"n_head_kv", c.n_head_kv},
      {"head_dim", c.head_dim},
      {"n_ff", c.n_ff},
      {"context_length", c.n_ctx_train},
      {"rms_eps", c.rms_eps},
      {"rope_freq_base", c.rope_freq_base},
      {"rope_freq_scale", c.rope_freq_scale},
      {"rope_freqs", c.has_rope_freqs},
      {"qkv_bias", c.qkv_bias},
      {"tied_output", c.tied_output},
      {"tensors", loaded->model().gguf().tensors().size()},
      {"tensor_types", types},
      {"weight_bytes", weight_bytes},
      {"file_bytes", loaded->model().gguf().file_size()},
      {"tokenizer",
       {{"model",
         tok.spec().model == engine::tokenizer::TokenizerModel::kSentencePiece ? "llama" : "gpt2"},
        {"pre", tok.spec().pre},
        {"bos_id", tok.bos_id()},
        {"eos_id", tok.eos_id()},
        {"add_bos", tok.spec().add_bos}}},
      {"chat_template", loaded->chat_template().has_value()
                            ? nlohmann::json(engine::chat::TemplateName(*loaded->chat_template()))
                            : nlohmann::json(nullptr)},
      {"reasoning", loaded->GenerationStartsInReasoning()},
  };
  PrintJson(doc);
  return absl::OkStatus();
}

absl::Status RunLogits(const std::vector<std::string>& argv) {
  const Args args = ParseOrExit(
      "logits", argv, {"model", "ids", "prompt", "top", "dump", "ctx", "threads", "chat-template"},
      {"all-positions"});
  if (args.Has("ids") == args.Has("prompt")) {
    ExitUsage("logits", "give exactly one of --ids and --prompt");
  }
  ASSIGN_OR_RETURN(const int64_t top, args.Int("top", 10));
  if (top < 1) ExitUsage("logits", "--top must be at least 1");
  ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> loaded, OpenModel(args));
  ASSIGN_OR_RETURN(const std::vector<int32_t> ids, PromptIds(args, *loaded));
  ASSIGN_OR_RETURN(std::unique_ptr<engine::model::Session> session,
                   MakeSession(args, *loaded, static_cast<int64_t>(ids.size())));
  const int64_t n_vocab = loaded->model().config().n_vocab;
  const bool all = args.Switch("all-positions") || args.Has("dump");
  std::vector<float> logits((all ? ids.size() : 1) * n_vocab);
  RETURN_IF_ERROR(session->Eval(ids, absl::MakeSpan(logits), all));
  const size_t rows = all ? ids.size() : 1;
  if (args.Has("dump")) {
    // float32 [rows][n_vocab], little-endian, as ../shared/peers run.mjs --dump writes.
    std::ofstream out(*args.Get("dump"), std::ios::binary);
    out.write(reinterpret_cast<const char*>(logits.data()),
              static_cast<std::streamsize>(logits.size() * sizeof(float)));
    if (!out) return absl::InternalError(absl::StrCat(*args.Get("dump"), ": write failed"));
  }
  auto row = [&](size_t r) { return absl::MakeConstSpan(logits).subspan(r * n_vocab, n_vocab); };
  nlohmann::json doc = {{"ids", ids}, {"n_vocab", n_vocab}, {"top", TopK(row(rows - 1), top)}};
  if (args.Switch("all-positions")) {
    nlohmann::json positions = nlohmann::json::array();
    for (size_t r = 0; r < rows; ++r) positions.push_back(TopK(row(r), top));
    doc["positions"] = positions;
  }
  PrintJson(doc);
  return absl::OkStatus();
}

absl::Status RunGenerate(const std::vector<std::string>& argv) {
  const Args args =
      ParseOrExit("generate", argv,
                  {"model", "prompt", "chat", "system", "ids", "max-tokens", "temperature", "top-k",
                   "top-p", "min-p", "seed", "repeat-penalty", "frequency-penalty",
                   "presence-penalty", "stop", "top-logprobs", "threads", "ctx", "chat-template"},
                  {"stream", "no-reasoning-split"});
  if (args.Has("prompt") + args.Has("chat") + args.Has("ids") != 1) {
    ExitUsage("generate", "give exactly one of --prompt, --chat and --ids");
  }
  engine::generation::GenerateRequest request;
  ASSIGN_OR_RETURN(const int64_t max_tokens, args.Int("max-tokens", 16));
  request.max_tokens = static_cast<int32_t>(std::clamp<int64_t>(max_tokens, -1, 1 << 30));
  engine::sampler::SamplingParams& s = request.sampling;
  ASSIGN_OR_RETURN(const double temperature, args.Double("temperature", 0.0));
  ASSIGN_OR_RETURN(const int64_t top_k, args.Int("top-k", 0));
  ASSIGN_OR_RETURN(const double top_p, args.Double("top-p", 1.0));
  ASSIGN_OR_RETURN(const double min_p, args.Double("min-p", 0.0));
  ASSIGN_OR_RETURN(const double repeat, args.Double("repeat-penalty", 1.0));
  ASSIGN_OR_RETURN(const double frequency, args.Double("frequency-penalty", 0.0));
  ASSIGN_OR_RETURN(const double presence, args.Double("presence-penalty", 0.0));
  ASSIGN_OR_RETURN(const int64_t top_logprobs, args.Int("top-logprobs", 0));
  ASSIGN_OR_RETURN(s.seed, args.Uint("seed", 0));
  s.temperature = static_cast<float>(temperature);
  s.top_k = static_cast<int32_t>(std::clamp<int64_t>(top_k, -1, 1 << 30));
  s.top_p = static_cast<float>(top_p);
  s.min_p = static_cast<float>(min_p);
  s.repetition_penalty = static_cast<float>(repeat);
  s.frequency_penalty = static_cast<float>(frequency);
  s.presence_penalty = static_cast<float>(presence);
  s.top_logprobs = static_cast<int32_t>(std::clamp<int64_t>(top_logprobs, -1, 1 << 30));
  request.stop = args.GetAll("stop");

  ASSIGN_OR_RETURN(std::unique_ptr<LoadedModel> loaded, OpenModel(args));
  ASSIGN_OR_RETURN(request.prompt, PromptIds(args, *loaded));
  if (args.Has("chat") && !args.Switch("no-reasoning-split")) {
    request.split_reasoning = true;
    request.starts_in_reasoning = loaded->GenerationStartsInReasoning();
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<engine::model::Session> session,
      MakeSession(args, *loaded, static_cast<int64_t>(request.prompt.size()) + request.max_tokens));

  engine::generation::DeltaCallback on_delta;
  if (args.Switch("stream")) {
    on_delta = [](const engine::generation::GenerateDelta& d) {
      PrintJson({{"content", d.content}, {"reasoning", d.reasoning}, {"token", d.token}});
    };
  }
  ASSIGN_OR_RETURN(const engine::generation::GenerateResult result,
                   engine::generation::Generate(*session, loaded->tokenizer(), request, on_delta));
  nlohmann::json doc = {
      {"text", result.content},
      {"reasoning", result.reasoning},
      {"prompt_ids", request.prompt},
      {"tokens", result.tokens},
      {"finish_reason", result.finish_reason},
      {"stop_cause", result.stop_cause},
      {"usage",
       {{"prompt_tokens", result.prompt_tokens},
        {"completion_tokens", result.completion_tokens},
        {"total_tokens", result.prompt_tokens + result.completion_tokens}}},
  };
  if (s.top_logprobs > 0) {
    nlohmann::json logprobs = nlohmann::json::array();
    for (const auto& lp : result.logprobs) {
      nlohmann::json top = nlohmann::json::array();
      for (const auto& [id, value] : lp.top) top.push_back({id, value});
      logprobs.push_back({{"id", lp.id}, {"logprob", lp.logprob}, {"top", top}});
    }
    doc["logprobs"] = logprobs;
  }
  PrintJson(doc);
  return absl::OkStatus();
}

}  // namespace fleet::tools
