#pragma once
// LoadedModel: everything one GGUF file provides for generation: the model
// weights (model::Model), the tokenizer built from the file's vocabulary, and
// the chat template the file declares (tokenizer.chat_template), optionally
// overridden by name.
//
// What OK from Open means: the model and its tokenizer loaded (see
// Model::Open and TokenizerSpecFromGguf for their checks) and the vocabulary
// size of the tokenizer equals the model's n_vocab. A file whose chat
// template we do not recognise still loads: chat_template() is then empty and
// RenderChat answers FAILED_PRECONDITION naming the override option.
//
// Errors: those of Model::Open and the tokenizer (INVALID_ARGUMENT, NOT_FOUND
// ...), INVALID_ARGUMENT for a vocabulary/model size mismatch or an unknown
// template name. Messages start with the path.
//
// Thread safety: immutable after Open; const methods are safe from any
// number of threads.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/chat/chat_template.h"
#include "services/inference/engine/model/model.h"
#include "services/inference/engine/tokenizer/tokenizer.h"

namespace fleet::engine::generation {

struct LoadOptions {
  // A template name (chat::ChatTemplateByName) that replaces the file's.
  std::string chat_template;
};

class LoadedModel {
 public:
  static absl::StatusOr<std::unique_ptr<LoadedModel>> Open(const std::string& path,
                                                           const LoadOptions& options = {});

  const model::Model& model() const { return *model_; }
  const tokenizer::Tokenizer& tokenizer() const { return *tokenizer_; }
  // The chat template in use, if the file's was recognised or one was named.
  const std::optional<chat::ChatTemplateKind>& chat_template() const { return chat_template_; }

  // Renders `messages` with the chat template and tokenizes the result (the
  // template writes BOS itself, so no special tokens are added; special-token
  // text is parsed). FAILED_PRECONDITION without a template; the template's
  // and the tokenizer's INVALID_ARGUMENT errors otherwise.
  absl::StatusOr<std::vector<int32_t>> EncodeChat(absl::Span<const chat::ChatMessage> messages,
                                                  bool add_generation_prompt = true) const;
  // The rendered text itself (same errors).
  absl::StatusOr<std::string> RenderChat(absl::Span<const chat::ChatMessage> messages,
                                         bool add_generation_prompt = true) const;

  // Whether the template's generation prompt opens a reasoning block
  // (chat::GenerationStartsInReasoning; false without a template).
  bool GenerationStartsInReasoning() const;

 private:
  LoadedModel() = default;

  std::unique_ptr<model::Model> model_;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
  std::optional<chat::ChatTemplateKind> chat_template_;
};

}  // namespace fleet::engine::generation
