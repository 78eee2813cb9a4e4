#pragma once
// Hyper-parameters of a llama or qwen2 GGUF model, read from its metadata the
// way llama.cpp reads them (tests only; independent of the engine's model
// code).
//
// Keys (<arch> = general.architecture, "llama" or "qwen2"):
//   required: <arch>.embedding_length, .block_count, .feed_forward_length,
//             .attention.head_count, .attention.layer_norm_rms_epsilon,
//             .context_length
//   optional: .attention.head_count_kv (default head_count),
//             .attention.key_length / .value_length (default
//             embedding_length / head_count),
//             .rope.freq_base (default 10000),
//             .rope.dimension_count (default key_length),
//             .rope.scaling.type ("none" or "linear"; default "linear" as in
//             llama.cpp), .rope.scaling.factor (default 1; 0 means 1; as in
//             llama.cpp it divides the angle whatever the type),
//             .rope.scale_linear (the older name of the factor, read when
//             .rope.scaling.factor is absent).
// Integers may be of any GGUF integer type; floats float32 or float64.
//
// Errors: INVALID_ARGUMENT naming the key for a missing required key, a
// wrong type, a value out of range (zero or > 2^24 sizes, head_count not a
// multiple of head_count_kv, odd or too large rope dimension, eps or base
// not positive and finite, a negative or non-finite factor), an unknown
// architecture or an unsupported rope scaling type (e.g. "yarn").
//
// Thread safety: a pure function.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/gguf_metadata.h"

namespace fleet::engine::testing {

// How rope pairs the elements of a head: ggml's "normal" mode rotates
// adjacent pairs (2i, 2i+1) (llama); NeoX mode rotates (i, i + n_rot/2)
// (qwen2).
enum class RopeStyle { kNormal, kNeox };

struct ReferenceHparams {
  std::string arch;  // "llama" or "qwen2"
  int64_t n_embd = 0;
  int64_t n_layer = 0;
  int64_t n_ff = 0;
  int64_t n_head = 0;
  int64_t n_head_kv = 0;
  int64_t head_dim_k = 0;  // per-head size of q and k
  int64_t head_dim_v = 0;  // per-head size of v
  int64_t n_rot = 0;       // rotated elements at the start of each q/k head
  int64_t n_ctx = 0;       // context_length: the longest sequence Forward accepts
  double rms_eps = 0;
  double rope_freq_base = 10000;
  double rope_linear_factor = 1;  // angles are divided by it
  RopeStyle rope_style = RopeStyle::kNormal;
};

absl::StatusOr<ReferenceHparams> ReadReferenceHparams(const gguf::GgufMetadata& metadata);

}  // namespace fleet::engine::testing
