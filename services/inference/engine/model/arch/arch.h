#pragma once
// The description of one model architecture: what distinguishes it inside
// the llama family of decoder-only transformers that this engine runs
// (token embedding, N x [RMSNorm, rotary attention, RMSNorm, SwiGLU FFN],
// final RMSNorm, output projection).
//
// Each architecture is one file under model/arch/ (llama.cc, qwen2.cc) that
// defines its ArchSpec; arch/registry.cc lists them explicitly (a reference
// the linker keeps, unlike a static initialiser in an unreferenced object).
// Adding an architecture: write arch/<name>.cc, declare its accessor below,
// add it to kArchitectures in registry.cc.
//
// Hyper-parameters are read from "<name>.<key>" metadata (model_config.h);
// tensors have llama.cpp's names (model_weights.h).
//
// Thread safety: specs are immutable constants.

#include "absl/strings/string_view.h"
#include "services/inference/engine/kernels/kernels.h"

namespace fleet::engine::model {

// Whether an optional group of tensors may or must be present.
enum class Presence {
  kAbsent,    // must not be present (a file holding it is rejected, not misread)
  kOptional,  // used when present
  kRequired,  // must be present
};

struct ArchSpec {
  // general.architecture value and the prefix of its hyper-parameter keys.
  absl::string_view name;
  // How rope pairs dimensions (ggml's rope type of this architecture).
  kernels::RopeStyle rope_style = kernels::RopeStyle::kNormal;
  // blk.N.attn_q.bias, attn_k.bias, attn_v.bias (all three or none).
  Presence qkv_bias = Presence::kAbsent;
  // rope_freqs.weight: per-dimension rope frequency divisors, n_rot/2 floats.
  Presence rope_freqs = Presence::kAbsent;
};

// The architectures, one accessor per file under arch/.
const ArchSpec& LlamaArch();  // arch/llama.cc
const ArchSpec& Qwen2Arch();  // arch/qwen2.cc

}  // namespace fleet::engine::model
