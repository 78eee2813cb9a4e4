#pragma once
// An independent double-precision forward pass of llama and qwen2 GGUF
// models, for tests: the engine's logits are checked against it. It is
// written plainly (loops over every index, no kernels, no KV cache) so that
// it can be checked by reading, and it shares no code with the engine's
// model (only the GGUF reader, and the quant component's decoder for
// block-quantized weights, see reference_weights.h).
//
// Forward pass (llama.cpp's semantics), for a sequence starting at position 0:
//   x = token_embd[token]
//   per layer:  n = rmsnorm(x) * attn_norm
//               q = Wq n + bq,  k = Wk n + bk,  v = Wv n + bv
//               rope on every head of q and k (reference_rope.h; llama: normal
//                 pairs, qwen2: NeoX pairs; rope_freqs.weight divides angles)
//               per head h, kv head g = h / (n_head / n_head_kv):
//                 a_j = softmax_{j <= pos}(q_h . k_{j,g} / sqrt(head_dim_k))
//                 o_h = sum_j a_j v_{j,g}
//               h = x + Wo concat(o_0..o_{n_head-1}) + bo
//               m = rmsnorm(h) * ffn_norm
//               x = h + Wdown (silu(Wgate m) * (Wup m))
//   logits = Wout (rmsnorm(x) * output_norm)
// with rmsnorm(x) = x / sqrt(mean(x^2) + eps) and silu(z) = z / (1 + e^-z).
//
// Tensors (ggml dims, {n_in, n_out} for a matrix: row r holds output r's
// weights): token_embd.weight {n_embd, n_vocab}; output_norm.weight {n_embd};
// output.weight {n_embd, n_vocab} (absent: token_embd is used);
// rope_freqs.weight {n_rot/2} (optional); per layer N, blk.N.:
// attn_norm.weight {n_embd}, attn_q.weight {n_embd, n_head*head_dim_k},
// attn_k.weight {n_embd, n_head_kv*head_dim_k}, attn_v.weight {n_embd,
// n_head_kv*head_dim_v}, attn_output.weight {n_head*head_dim_v, n_embd},
// ffn_norm.weight {n_embd}, ffn_gate.weight and ffn_up.weight {n_embd, n_ff},
// ffn_down.weight {n_ff, n_embd}; biases attn_q/k/v.bias (required for
// qwen2, optional for llama) and attn_output.bias (llama only, optional).
// Any other tensor in the file is an error (as in llama.cpp, which refuses
// files with tensors it does not use).
//
// Memory: every weight is held as double (8 bytes per element), so this is
// for small test models only.
//
// Thread safety: immutable after Load; Forward is const and safe from any
// number of threads.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "tests/services/inference/engine/model/reference/reference_hparams.h"
#include "tests/services/inference/engine/model/reference/reference_weights.h"
#include "tests/services/inference/engine/model/reference/relative_error.h"

namespace fleet::engine::testing {

class ReferenceModel {
 public:
  // Reads the hyper-parameters (reference_hparams.h) and every weight,
  // widened to double. The file is not referenced afterwards.
  // Errors: INVALID_ARGUMENT for bad metadata (naming the key), a missing or
  // misshapen tensor or an unexpected one (naming the tensor).
  // Quantized weights are dequantized (reference_weights.h).
  static absl::StatusOr<std::unique_ptr<ReferenceModel>> Load(const gguf::GgufFile& file);

  // Logits [tokens.size()][n_vocab]: row p is the output at position p of
  // one sequence that starts at position 0, computed entirely in double.
  // INVALID_ARGUMENT for an empty sequence, one longer than context_length,
  // or a token id outside 0..n_vocab-1.
  absl::StatusOr<std::vector<std::vector<double>>> Forward(absl::Span<const int32_t> tokens) const;

  int32_t n_vocab() const { return static_cast<int32_t>(n_vocab_); }
  const ReferenceHparams& hparams() const { return hp_; }

 private:
  struct Layer {
    std::vector<double> attn_norm;       // [n_embd]
    DoubleMatrix wq, wk, wv, wo;         // [out][in]
    std::vector<double> bq, bk, bv, bo;  // [out] each; all zeros when absent
    std::vector<double> ffn_norm;        // [n_embd]
    DoubleMatrix w_gate, w_up, w_down;   // [n_ff][n_embd], [n_ff][n_embd], [n_embd][n_ff]
  };

  ReferenceModel() = default;

  ReferenceHparams hp_;
  int64_t n_vocab_ = 0;
  DoubleMatrix token_embd_;  // [n_vocab][n_embd]
  std::vector<Layer> layers_;
  std::vector<double> output_norm_;  // [n_embd]
  DoubleMatrix output_;              // [n_vocab][n_embd]
  std::vector<double> rope_freqs_;   // [n_rot/2], or empty
};

}  // namespace fleet::engine::testing
