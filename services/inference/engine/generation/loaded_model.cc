#include "services/inference/engine/generation/loaded_model.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::generation {
namespace {

absl::Status WithPath(const std::string& path, const absl::Status& status) {
  if (status.ok() || absl::StrContains(status.message(), path)) return status;
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedModel>> LoadedModel::Open(const std::string& path,
                                                               const LoadOptions& options) {
  std::unique_ptr<LoadedModel> loaded(new LoadedModel());
  absl::StatusOr<std::unique_ptr<model::Model>> model = model::Model::Open(path);
  if (!model.ok()) return WithPath(path, model.status());
  loaded->model_ = *std::move(model);

  const gguf::GgufMetadata& metadata = loaded->model_->gguf().metadata();
  absl::StatusOr<tokenizer::TokenizerSpec> spec = tokenizer::TokenizerSpecFromGguf(metadata);
  if (!spec.ok()) return WithPath(path, spec.status());
  absl::StatusOr<std::unique_ptr<tokenizer::Tokenizer>> tok =
      tokenizer::Tokenizer::Create(*std::move(spec));
  if (!tok.ok()) return WithPath(path, tok.status());
  loaded->tokenizer_ = *std::move(tok);

  const int64_t n_vocab = loaded->model_->config().n_vocab;
  if (loaded->tokenizer_->n_vocab() != n_vocab) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the vocabulary has %d tokens but token_embd.weight has %d rows", path,
                        loaded->tokenizer_->n_vocab(), n_vocab));
  }

  if (!options.chat_template.empty()) {
    absl::StatusOr<chat::ChatTemplateKind> kind = chat::ChatTemplateByName(options.chat_template);
    if (!kind.ok()) return kind.status();
    loaded->chat_template_ = *kind;
  } else if (metadata.Contains("tokenizer.chat_template")) {
    absl::StatusOr<absl::string_view> text = metadata.GetString("tokenizer.chat_template");
    if (!text.ok()) return WithPath(path, text.status());
    absl::StatusOr<chat::ChatTemplateKind> kind = chat::DetectChatTemplate(*text);
    if (kind.ok()) loaded->chat_template_ = *kind;
  }
  return loaded;
}

absl::StatusOr<std::string> LoadedModel::RenderChat(absl::Span<const chat::ChatMessage> messages,
                                                    bool add_generation_prompt) const {
  if (!chat_template_.has_value()) {
    return absl::FailedPreconditionError(
        "the model's chat template (tokenizer.chat_template) is missing or not one we "
        "recognise; name one with --chat-template (deepseek-v3, deepseek-r1, deepseek-llm, "
        "chatml, llama3)");
  }
  chat::RenderOptions render;
  render.add_generation_prompt = add_generation_prompt;
  if (tokenizer_->bos_id() >= 0) render.bos_token = tokenizer_->TokenText(tokenizer_->bos_id());
  if (tokenizer_->eos_id() >= 0) render.eos_token = tokenizer_->TokenText(tokenizer_->eos_id());
  return chat::RenderChat(*chat_template_, messages, render);
}

absl::StatusOr<std::vector<int32_t>> LoadedModel::EncodeChat(
    absl::Span<const chat::ChatMessage> messages, bool add_generation_prompt) const {
  ASSIGN_OR_RETURN(const std::string text, RenderChat(messages, add_generation_prompt));
  tokenizer::EncodeOptions encode;
  encode.add_special = false;  // the template wrote BOS
  encode.parse_special = true;
  return tokenizer_->Encode(text, encode);
}

bool LoadedModel::GenerationStartsInReasoning() const {
  return chat_template_.has_value() && chat::GenerationStartsInReasoning(*chat_template_);
}

}  // namespace fleet::engine::generation
