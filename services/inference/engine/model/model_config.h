#pragma once
// ModelConfig: the hyper-parameters of a model, read from GGUF metadata with
// llama.cpp's key names ("<arch>.embedding_length", ...).
//
// Keys read ("<arch>." prefix omitted):
//   required: context_length, embedding_length, block_count,
//             feed_forward_length, attention.head_count,
//             attention.layer_norm_rms_epsilon
//   optional: attention.head_count_kv (default head_count),
//             attention.key_length (default embedding_length / head_count),
//             attention.value_length (must equal key_length when present),
//             rope.dimension_count (default head_dim),
//             rope.freq_base (default 10000),
//             rope.scaling.type ("none" or "linear"), rope.scaling.factor,
//             rope.scale_linear (older name of a linear factor),
//             vocab_size (must match token_embd.weight when present)
// Integers may have any GGUF integer type; floats float32 or float64.
//
// Errors (messages name the key):
//   INVALID_ARGUMENT  a missing required key, a wrong type, a value out of
//                     range (zero counts, head_count not a multiple of
//                     head_count_kv, an odd or too large rope dimension
//                     count, eps or freq_base <= 0, ...), an unknown rope
//                     scaling type
//   UNIMPLEMENTED     a known rope scaling this engine does not implement
//                     ("yarn", "longrope"), or value_length != key_length
//
// Thread safety: plain data.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/gguf_metadata.h"
#include "services/inference/engine/kernels/kernels.h"
#include "services/inference/engine/model/arch/arch.h"

namespace fleet::engine::model {

struct ModelConfig {
  std::string arch;         // general.architecture
  int64_t n_vocab = 0;      // rows of token_embd.weight
  int64_t n_embd = 0;       // embedding_length
  int64_t n_layer = 0;      // block_count
  int64_t n_head = 0;       // attention.head_count
  int64_t n_head_kv = 0;    // attention.head_count_kv
  int64_t head_dim = 0;     // attention.key_length or n_embd / n_head
  int64_t n_ff = 0;         // feed_forward_length
  int64_t n_ctx_train = 0;  // context_length
  float rms_eps = 0;        // attention.layer_norm_rms_epsilon
  int64_t n_rot = 0;        // rope.dimension_count or head_dim
  float rope_freq_base = 10000;
  kernels::RopeStyle rope_style = kernels::RopeStyle::kNormal;
  // 1 / linear scaling factor (1 without scaling).
  float rope_freq_scale = 1;
  bool has_rope_freqs = false;  // rope_freqs.weight present
  bool qkv_bias = false;        // attn_{q,k,v}.bias present (and used)
  bool tied_output = false;     // no output.weight: token_embd.weight is reused

  int64_t q_dim() const { return n_head * head_dim; }      // rows of attn_q
  int64_t kv_dim() const { return n_head_kv * head_dim; }  // rows of attn_k / attn_v
};

// Reads the hyper-parameters of `spec` from `metadata`. n_vocab, qkv_bias,
// has_rope_freqs and tied_output are left for the weights loader (they come
// from the tensors); rope_style is the spec's.
absl::StatusOr<ModelConfig> ReadModelConfig(const gguf::GgufMetadata& metadata,
                                            const ArchSpec& spec);

}  // namespace fleet::engine::model
