#pragma once
// The weights of a loaded model: views of the GGUF tensors (matrices stay in
// the mapping, in their encoding) and owned float copies of the small 1-D
// tensors (norms, biases, rope frequency factors), which GGUF does not
// guarantee to be 4-byte aligned.
//
// Tensors (llama.cpp names; ggml dims, dims[0] = row length):
//   token_embd.weight          {n_embd, n_vocab}     any supported type
//   blk.N.attn_norm.weight     {n_embd}              F32
//   blk.N.attn_q.weight        {n_embd, q_dim}       any supported type
//   blk.N.attn_k.weight        {n_embd, kv_dim}      "
//   blk.N.attn_v.weight        {n_embd, kv_dim}      "
//   blk.N.attn_q.bias          {q_dim}               F32 (ArchSpec::qkv_bias;
//   blk.N.attn_k.bias          {kv_dim}              F32  when optional, layer 0
//   blk.N.attn_v.bias          {kv_dim}              F32  decides for all layers)
//   blk.N.attn_output.weight   {q_dim, n_embd}       any supported type
//   blk.N.ffn_norm.weight      {n_embd}              F32
//   blk.N.ffn_gate.weight      {n_embd, n_ff}        any supported type
//   blk.N.ffn_up.weight        {n_embd, n_ff}        "
//   blk.N.ffn_down.weight      {n_ff, n_embd}        "
//   output_norm.weight         {n_embd}              F32
//   output.weight              {n_embd, n_vocab}     optional: absent = tied
//   rope_freqs.weight          {n_rot / 2}           F32 (ArchSpec::rope_freqs)
// Trailing dims of 1 are accepted ({n, 1} is {n}). Every tensor of the file
// must be one of these: an extra tensor is an error (as in llama.cpp), so a
// file is never half understood. The first row of every matrix is decoded
// once at load, so a type the kernels cannot decode fails here, not in Eval.
//
// Errors (INVALID_ARGUMENT, naming the tensor):
//   "missing tensor 'blk.0.ffn_up.weight' (expected shape [64, 128])"
//   "tensor 'blk.0.attn_q.weight' has shape [64, 32], expected [64, 64]"
//   "tensor 'output_norm.weight' has type F16, expected F32"
//   "tensor 'rope_freqs.weight' is not used by architecture 'qwen2'"
//   "tensor 'blk.1.attn_q.bias' is not used by architecture 'llama' (with 2 layers)"
//
// Thread safety: immutable after LoadModelWeights.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/kernels/kernels.h"
#include "services/inference/engine/model/arch/arch.h"
#include "services/inference/engine/model/model_config.h"

namespace fleet::engine::model {

struct LayerWeights {
  std::vector<float> attn_norm;  // [n_embd]
  kernels::WeightView wq;        // {n_embd, q_dim}
  kernels::WeightView wk;        // {n_embd, kv_dim}
  kernels::WeightView wv;        // {n_embd, kv_dim}
  std::vector<float> bq;         // [q_dim] or empty
  std::vector<float> bk;         // [kv_dim] or empty
  std::vector<float> bv;         // [kv_dim] or empty
  kernels::WeightView wo;        // {q_dim, n_embd}
  std::vector<float> ffn_norm;   // [n_embd]
  kernels::WeightView w_gate;    // {n_embd, n_ff}
  kernels::WeightView w_up;      // {n_embd, n_ff}
  kernels::WeightView w_down;    // {n_ff, n_embd}
};

struct ModelWeights {
  kernels::WeightView token_embd;  // {n_embd, n_vocab}
  std::vector<LayerWeights> layers;
  std::vector<float> output_norm;  // [n_embd]
  kernels::WeightView output;      // {n_embd, n_vocab}; == token_embd when tied
  std::vector<float> rope_freqs;   // [n_rot / 2] or empty
};

// Checks every tensor of `file` against `config` and `spec` and builds the
// views. Fills config->n_vocab (from token_embd.weight), has_rope_freqs and
// tied_output. The views point into `file`, which must outlive the result.
absl::StatusOr<ModelWeights> LoadModelWeights(const gguf::GgufFile& file, const ArchSpec& spec,
                                              ModelConfig* config);

}  // namespace fleet::engine::model
