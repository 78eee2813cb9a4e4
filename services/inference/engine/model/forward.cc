#include "services/inference/engine/model/forward.h"

#include <cmath>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"

namespace fleet::engine::model {
namespace {

// Adds `bias` ([cols]) to every row of `x` ([rows][cols]).
absl::Status AddBias(const kernels::Kernels& k, absl::Span<float> x, int64_t rows,
                     absl::Span<const float> bias) {
  if (bias.empty()) return absl::OkStatus();
  const size_t cols = bias.size();
  for (int64_t r = 0; r < rows; ++r) {
    RETURN_IF_ERROR(k.Add(x.subspan(static_cast<size_t>(r) * cols, cols), bias));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Forward(const Model& model, const kernels::Kernels& k, const KvCacheView& cache,
                     int64_t first_pos, absl::Span<const int32_t> tokens, bool all_positions,
                     absl::Span<float> logits) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  const int64_t n = static_cast<int64_t>(tokens.size());
  const size_t layer_floats = static_cast<size_t>(cache.n_ctx * c.kv_dim());
  if (n == 0 || first_pos < 0 || first_pos + n > cache.n_ctx ||
      cache.k.size() != layer_floats * static_cast<size_t>(c.n_layer) ||
      cache.v.size() != cache.k.size()) {
    return absl::InvalidArgumentError(absl::StrCat("Forward: ", n, " tokens at position ",
                                                   first_pos, " do not fit a cache of ",
                                                   cache.n_ctx, " positions"));
  }
  const int64_t out_rows = all_positions ? n : 1;
  if (logits.size() != static_cast<size_t>(out_rows * c.n_vocab)) {
    return absl::InvalidArgumentError(absl::StrCat("Forward: logits has ", logits.size(),
                                                   " floats, expected ", out_rows * c.n_vocab));
  }

  // Activations, row-major, one row per token.
  const auto buffer = [n](int64_t cols) {
    return std::vector<float>(static_cast<size_t>(n * cols));
  };
  std::vector<float> x = buffer(c.n_embd);      // [n][n_embd] residual stream
  std::vector<float> xn = buffer(c.n_embd);     // [n][n_embd] normalised
  std::vector<float> q = buffer(c.q_dim());     // [n][n_head][head_dim]
  std::vector<float> attn = buffer(c.q_dim());  // [n][n_head][head_dim]
  std::vector<float> proj = buffer(c.n_embd);   // [n][n_embd] block output
  std::vector<float> gate = buffer(c.n_ff);     // [n][n_ff]
  std::vector<float> up = buffer(c.n_ff);       // [n][n_ff]
  std::vector<int32_t> positions(static_cast<size_t>(n));
  std::iota(positions.begin(), positions.end(), static_cast<int32_t>(first_pos));

  const size_t n_embd = static_cast<size_t>(c.n_embd);
  for (int64_t t = 0; t < n; ++t) {
    RETURN_IF_ERROR(k.GetRow(w.token_embd, tokens[t],
                             absl::MakeSpan(x).subspan(static_cast<size_t>(t) * n_embd, n_embd)));
  }

  const kernels::RopeParams rope{.style = c.rope_style,
                                 .n_rot = c.n_rot,
                                 .freq_base = c.rope_freq_base,
                                 .freq_scale = c.rope_freq_scale,
                                 .freq_factors = w.rope_freqs};
  const kernels::AttentionShape shape{
      .n_tokens = n,
      .n_head = c.n_head,
      .n_head_kv = c.n_head_kv,
      .head_dim = c.head_dim,
      .n_kv = first_pos + n,
      .first_pos = first_pos,
      .scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(c.head_dim)))};
  const size_t kv_dim = static_cast<size_t>(c.kv_dim());

  for (int64_t l = 0; l < c.n_layer; ++l) {
    const LayerWeights& lw = w.layers[static_cast<size_t>(l)];
    absl::Span<float> k_layer =
        cache.k.subspan(static_cast<size_t>(l) * layer_floats, layer_floats);
    absl::Span<float> v_layer =
        cache.v.subspan(static_cast<size_t>(l) * layer_floats, layer_floats);
    // This batch's rows of the cache: [n][kv_dim].
    absl::Span<float> k_new =
        k_layer.subspan(static_cast<size_t>(first_pos) * kv_dim, static_cast<size_t>(n) * kv_dim);
    absl::Span<float> v_new =
        v_layer.subspan(static_cast<size_t>(first_pos) * kv_dim, static_cast<size_t>(n) * kv_dim);

    // Attention block.
    RETURN_IF_ERROR(k.RmsNorm(x, lw.attn_norm, c.rms_eps, n, absl::MakeSpan(xn)));
    RETURN_IF_ERROR(k.MatMul(lw.wq, xn, n, absl::MakeSpan(q)));
    RETURN_IF_ERROR(k.MatMul(lw.wk, xn, n, k_new));
    RETURN_IF_ERROR(k.MatMul(lw.wv, xn, n, v_new));
    RETURN_IF_ERROR(AddBias(k, absl::MakeSpan(q), n, lw.bq));
    RETURN_IF_ERROR(AddBias(k, k_new, n, lw.bk));
    RETURN_IF_ERROR(AddBias(k, v_new, n, lw.bv));
    RETURN_IF_ERROR(k.Rope(absl::MakeSpan(q), n, c.n_head, c.head_dim, positions, rope));
    RETURN_IF_ERROR(k.Rope(k_new, n, c.n_head_kv, c.head_dim, positions, rope));
    RETURN_IF_ERROR(k.Attention(q, k_layer, v_layer, shape, absl::MakeSpan(attn)));
    RETURN_IF_ERROR(k.MatMul(lw.wo, attn, n, absl::MakeSpan(proj)));
    RETURN_IF_ERROR(k.Add(absl::MakeSpan(x), proj));

    // Feed-forward block (SwiGLU).
    RETURN_IF_ERROR(k.RmsNorm(x, lw.ffn_norm, c.rms_eps, n, absl::MakeSpan(xn)));
    RETURN_IF_ERROR(k.MatMul(lw.w_gate, xn, n, absl::MakeSpan(gate)));
    RETURN_IF_ERROR(k.MatMul(lw.w_up, xn, n, absl::MakeSpan(up)));
    RETURN_IF_ERROR(k.Silu(absl::MakeSpan(gate)));
    RETURN_IF_ERROR(k.Mul(absl::MakeSpan(gate), up));
    RETURN_IF_ERROR(k.MatMul(lw.w_down, gate, n, absl::MakeSpan(proj)));
    RETURN_IF_ERROR(k.Add(absl::MakeSpan(x), proj));
  }

  // Output head, on every row or only the last.
  const size_t first_row = all_positions ? 0 : static_cast<size_t>(n - 1);
  absl::Span<const float> x_out =
      absl::MakeConstSpan(x).subspan(first_row * n_embd, static_cast<size_t>(out_rows) * n_embd);
  absl::Span<float> xn_out = absl::MakeSpan(xn).subspan(0, static_cast<size_t>(out_rows) * n_embd);
  RETURN_IF_ERROR(k.RmsNorm(x_out, w.output_norm, c.rms_eps, out_rows, xn_out));
  return k.MatMul(w.output, xn_out, out_rows, logits);
}

}  // namespace fleet::engine::model
