#pragma once
// The test-model generator: writes a GGUF file of a supported architecture
// (llama, qwen2) with any shape and tensor type, seeded random weights and a
// real tokenizer vocabulary. Tests, benchmarks and the local demo run on its
// output; nothing is downloaded. llama.cpp loads the files too (the keys and
// tensor names are the ones its converter writes), which is how the committed
// llama.cpp goldens were made.
//
// Weights: every matrix is N(0, 1/n_in) (so activations keep unit scale
// through the layers and the logits have real margins, unlike N(0, 0.02)),
// embeddings N(0, 1), norm weights 1 + N(0, 0.1^2), biases N(0, 0.1^2). The
// same options and seed give the same bytes on every machine (our own
// generator and Box-Muller, not std::normal_distribution).
//
// Tensor types: `weight_type` applies to every 2-D weight; 1-D tensors (norms,
// biases, rope_freqs) are F32, as llama.cpp's quantizer leaves them. The mixes
// "Q4_K_M" and "Q5_K_M" use Q6_K for output.weight, attn_v and ffn_down and
// Q4_K (Q5_K) for the rest, the shape of llama.cpp's mix without its per-layer
// refinements. K-quant types need n_embd and n_ff to be multiples of 256.
//
// Errors: INVALID_ARGUMENT naming the option (unknown architecture or type,
// a head count that does not divide, a row length that is not a multiple of
// the type's block size, an empty vocabulary); WriteTestModel adds the
// writer's I/O errors.
//
// Thread safety: pure functions.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "services/inference/engine/tokenizer/tokenizer_spec.h"

namespace fleet::engine::testmodel {

struct TestModelOptions {
  std::string arch = "qwen2";  // "llama" or "qwen2"
  std::string name = "fleet-test-model";
  uint32_t n_embd = 64;
  uint32_t n_layer = 2;
  uint32_t n_head = 4;
  uint32_t n_head_kv = 2;
  uint32_t n_ff = 128;
  uint32_t n_ctx = 4096;  // <arch>.context_length
  float rope_theta = 10000.0f;
  float rms_eps = 1e-6f;
  std::string rope_scaling = "none";  // "none" or "linear" (written as metadata)
  float rope_scaling_factor = 1.0f;
  bool rope_freqs = false;          // llama only: a Llama-3.1-style rope_freqs.weight tensor
  bool tied_output = false;         // no output.weight: the output reuses token_embd
  std::string weight_type = "F32";  // ggml type name (F32, F16, BF16, Q8_0, Q4_0, Q4_K,
                                    // Q5_K, Q6_K; any case) or Q4_K_M / Q5_K_M
  uint64_t seed = 1;
  std::string chat_template;  // written as tokenizer.chat_template when non-empty
};

// Builds the whole file in memory.
absl::StatusOr<gguf::GgufWriter> BuildTestModel(const TestModelOptions& options,
                                                const tokenizer::TokenizerSpec& vocabulary);

// Builds and writes it to `path`.
absl::Status WriteTestModel(const TestModelOptions& options,
                            const tokenizer::TokenizerSpec& vocabulary, const std::string& path);

}  // namespace fleet::engine::testmodel
