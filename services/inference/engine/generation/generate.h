#pragma once
// Generate: runs one sequence from a prompt to a finish on a model::Session:
// prompt evaluation, then sample -> detokenize -> stop strings -> reasoning
// split, one token at a time, reporting each piece of text as it becomes
// final. This is the single-sequence path (the CLI and tests); the inference
// service's scheduler batches many sequences but applies the same per-token
// pipeline.
//
// Per token, in order:
//   1. the sampler picks an id from the last logits (history = prompt + output);
//   2. an end-of-generation id (Tokenizer::IsEndOfGeneration) finishes with
//      finish_reason "stop" and is not part of the output text;
//   3. the id is detokenized incrementally (never a partial UTF-8 sequence;
//      control tokens are dropped from the text);
//   4. the stop-string matcher holds back text that may begin a stop string;
//      a match finishes with "stop" (the stop string is not emitted);
//   5. with split_reasoning, "<think>...</think>" text goes to `reasoning`;
//   6. max_tokens reached finishes with "length".
//
// Errors (INVALID_ARGUMENT): an empty prompt; max_tokens < 1; prompt plus
// max_tokens beyond the session's context ("prompt of N tokens plus
// max_tokens M exceeds the context of C"); bad sampling parameters
// (sampler::ValidateSamplingParams); empty stop strings. Session errors pass
// through. The session is reset first and left holding the sequence.
//
// Thread safety: one call per session at a time; `on_delta` runs on the
// calling thread.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/inference/engine/model/session.h"
#include "services/inference/engine/sampler/sampling_params.h"
#include "services/inference/engine/tokenizer/tokenizer.h"

namespace fleet::engine::generation {

struct GenerateRequest {
  std::vector<int32_t> prompt;
  sampler::SamplingParams sampling;
  int32_t max_tokens = 16;
  std::vector<std::string> stop;
  // Separate "<think>...</think>" text into GenerateDelta::reasoning.
  bool split_reasoning = false;
  // The prompt already opened the reasoning block (R1's generation prompt).
  bool starts_in_reasoning = false;
};

struct TokenLogprob {
  int32_t id = 0;
  float logprob = 0;
  std::vector<std::pair<int32_t, float>> top;  // sampling.top_logprobs entries
};

// Text that became final after one token (either part may be empty).
struct GenerateDelta {
  std::string content;
  std::string reasoning;
  int32_t token = -1;  // the id sampled in this step, -1 in the final flush
};

struct GenerateResult {
  std::vector<int32_t> tokens;         // generated ids, without a final end-of-generation id
  std::vector<TokenLogprob> logprobs;  // one per generated id (and the end id if sampled)
  std::string content;
  std::string reasoning;
  std::string finish_reason;  // "stop" or "length"
  std::string stop_cause;     // "eos", "stop_string" or "max_tokens"
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;  // sampled ids, the end-of-generation id included
};

using DeltaCallback = std::function<void(const GenerateDelta&)>;

absl::StatusOr<GenerateResult> Generate(model::Session& session,
                                        const tokenizer::Tokenizer& tokenizer,
                                        const GenerateRequest& request,
                                        const DeltaCallback& on_delta = nullptr);

}  // namespace fleet::engine::generation
