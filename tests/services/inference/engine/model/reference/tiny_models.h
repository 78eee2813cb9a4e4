#pragma once
// Small random llama / qwen2 GGUF models built in memory, for tests that run
// the engine and the reference forward pass on the same weights.
//
// A model has the metadata ReferenceModel and llama.cpp read
// (general.architecture, general.name, <arch>.context_length,
// .embedding_length, .block_count, .feed_forward_length,
// .attention.head_count, .attention.head_count_kv,
// .attention.layer_norm_rms_epsilon, .rope.freq_base, .rope.dimension_count)
// and every tensor of reference_model.h: token_embd, per layer attn_norm,
// attn_q/k/v/output, ffn_norm, ffn_gate/up/down (qwen2 adds attn_q/k/v.bias),
// output_norm, output (unless tied_output), rope_freqs (if with_rope_freqs).
// No tokenizer keys. The 2-D matrices (token_embd, attn_q/k/v/output,
// ffn_gate/up/down, output) are stored as `weight_type` (encoded with
// quant::QuantizeRow); norms, biases and rope_freqs are always F32, as in
// llama.cpp's quantized files.
//
// Weights are drawn from a seeded generator (std::mt19937, mapped to doubles
// by hand, so the same spec gives the same bytes everywhere): embeddings
// uniform in [-1, 1]; matrices uniform in [-1, 1] / sqrt(n_in) (activations
// stay O(1)); norm weights uniform in [0.8, 1.2]; biases uniform in
// [-0.2, 0.2]; rope factors uniform in [1, 4].
//
// Errors: INVALID_ARGUMENT for an unknown arch, a zero size, n_head not a
// multiple of n_head_kv, n_embd not a multiple of n_head, an odd head size,
// an unsupported weight_type, or n_embd / n_ff not a multiple of its block
// size (32 for Q4_0/Q8_0, 256 for the K-quants); or whatever GgufWriter
// reports.
//
// Thread safety: pure functions; safe to call concurrently.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/gguf/gguf_writer.h"

namespace fleet::engine::testing {

struct TinyModelSpec {
  std::string arch = "llama";  // "llama" or "qwen2"
  int32_t n_vocab = 64;
  int32_t n_embd = 32;
  int32_t n_layer = 2;
  int32_t n_head = 4;
  int32_t n_head_kv = 2;  // n_head must be a multiple of it (GQA)
  int32_t n_ff = 48;
  int32_t n_ctx = 128;  // <arch>.context_length
  float rms_eps = 1e-5f;
  float rope_freq_base = 10000.0f;
  bool tied_output = false;      // true: no output.weight (token_embd is used)
  bool with_rope_freqs = false;  // true: adds rope_freqs.weight {head_dim/2}
  uint32_t seed = 1;
  // Type of the 2-D matrices: F32, F16, BF16, Q4_0, Q8_0, Q4_K, Q5_K, Q6_K.
  gguf::GgmlType weight_type = gguf::GgmlType::kF32;
};

// A writer holding the model, so a test can add or change metadata
// (metadata().Set) or add tensors before serialising it.
absl::StatusOr<gguf::GgufWriter> BuildTinyModelWriter(const TinyModelSpec& spec);

// The model as GGUF bytes.
absl::StatusOr<std::vector<uint8_t>> BuildTinyModelBytes(const TinyModelSpec& spec);

// The model as bytes plus the GgufFile parsed from them (which points into
// `bytes`; keep the struct alive, do not modify bytes).
struct TinyModel {
  std::vector<uint8_t> bytes;
  std::unique_ptr<gguf::GgufFile> file;
};
absl::StatusOr<std::unique_ptr<TinyModel>> BuildTinyModel(const TinyModelSpec& spec);

// Writes the model to `path` (for code that opens files).
absl::Status WriteTinyModelFile(const TinyModelSpec& spec, const std::string& path);

}  // namespace fleet::engine::testing
