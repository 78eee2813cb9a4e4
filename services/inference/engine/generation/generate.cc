#include "services/inference/engine/generation/generate.h"

#include <memory>
#include <utility>

#include "absl/strings/str_format.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/chat/reasoning_splitter.h"
#include "services/inference/engine/sampler/sampler.h"
#include "services/inference/engine/sampler/stop_matcher.h"
#include "services/inference/engine/tokenizer/stream_decoder.h"

namespace fleet::engine::generation {
namespace {

absl::Status ValidateRequest(const model::Session& session, const GenerateRequest& request) {
  if (request.prompt.empty()) return absl::InvalidArgumentError("the prompt has no tokens");
  if (request.max_tokens < 1) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_tokens must be at least 1, got %d", request.max_tokens));
  }
  const int64_t needed = static_cast<int64_t>(request.prompt.size()) + request.max_tokens;
  if (needed > session.n_ctx()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("prompt of %d tokens plus max_tokens %d exceeds the context of %d",
                        request.prompt.size(), request.max_tokens, session.n_ctx()));
  }
  return sampler::StopMatcher::Validate(request.stop);
}

// The text pipeline after detokenization: stop strings, then the reasoning split.
class TextPipeline {
 public:
  explicit TextPipeline(const GenerateRequest& request)
      : stops_(request.stop),
        split_(request.split_reasoning),
        splitter_(request.starts_in_reasoning) {}

  // Feeds detokenized text; returns the final delta and whether a stop string matched.
  GenerateDelta Push(const std::string& text, bool* stopped) {
    sampler::StopMatcher::Result r = stops_.Push(text);
    *stopped = r.stopped;
    return Split(r.emit, /*flush=*/r.stopped);
  }
  GenerateDelta Flush() { return Split(stops_.Flush(), /*flush=*/true); }

 private:
  GenerateDelta Split(const std::string& text, bool flush) {
    GenerateDelta delta;
    if (!split_) {
      delta.content = text;
      return delta;
    }
    chat::ReasoningSplitter::Delta d = splitter_.Push(text);
    delta.content = std::move(d.content);
    delta.reasoning = std::move(d.reasoning);
    if (flush) {
      chat::ReasoningSplitter::Delta rest = splitter_.Flush();
      delta.content += rest.content;
      delta.reasoning += rest.reasoning;
    }
    return delta;
  }

  sampler::StopMatcher stops_;
  bool split_;
  chat::ReasoningSplitter splitter_;
};

}  // namespace

absl::StatusOr<GenerateResult> Generate(model::Session& session,
                                        const tokenizer::Tokenizer& tokenizer,
                                        const GenerateRequest& request,
                                        const DeltaCallback& on_delta) {
  RETURN_IF_ERROR(ValidateRequest(session, request));
  const int64_t n_vocab = session.model().config().n_vocab;
  ASSIGN_OR_RETURN(std::unique_ptr<sampler::Sampler> sampler,
                   sampler::Sampler::Create(request.sampling, static_cast<int32_t>(n_vocab)));

  GenerateResult result;
  result.prompt_tokens = static_cast<int64_t>(request.prompt.size());
  std::vector<int32_t> history = request.prompt;
  std::vector<float> logits(n_vocab);
  session.Reset();
  RETURN_IF_ERROR(session.Eval(request.prompt, absl::MakeSpan(logits)));

  tokenizer::StreamDecoder decoder(tokenizer, /*skip_special=*/true);
  TextPipeline text(request);
  auto emit = [&](GenerateDelta delta) {
    result.content += delta.content;
    result.reasoning += delta.reasoning;
    if (on_delta && (!delta.content.empty() || !delta.reasoning.empty() || delta.token >= 0)) {
      on_delta(delta);
    }
  };

  result.stop_cause = "max_tokens";
  while (true) {
    sampler::SampledToken picked = sampler->Sample(logits, history);
    result.completion_tokens++;
    result.logprobs.push_back({picked.id, picked.logprob, std::move(picked.top)});
    if (tokenizer.IsEndOfGeneration(picked.id)) {
      result.stop_cause = "eos";
      break;
    }
    result.tokens.push_back(picked.id);
    history.push_back(picked.id);
    ASSIGN_OR_RETURN(const std::string piece, decoder.Push(picked.id));
    bool stopped = false;
    GenerateDelta delta = text.Push(piece, &stopped);
    delta.token = picked.id;
    emit(std::move(delta));
    if (stopped) {
      result.stop_cause = "stop_string";
      break;
    }
    if (result.completion_tokens >= request.max_tokens) break;
    RETURN_IF_ERROR(session.Eval(absl::MakeConstSpan(&picked.id, 1), absl::MakeSpan(logits)));
  }
  if (result.stop_cause != "stop_string") {
    // Bytes the decoder held back (an incomplete character at the end) go
    // through the stop matcher too; then everything it held is final.
    bool stopped = false;
    emit(text.Push(decoder.Finish(), &stopped));
    if (stopped) {
      result.stop_cause = "stop_string";
    } else {
      emit(text.Flush());
    }
  }
  result.finish_reason = result.stop_cause == "max_tokens" ? "length" : "stop";
  return result;
}

}  // namespace fleet::engine::generation
