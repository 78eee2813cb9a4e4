#include "services/inference/engine/model/forward.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"

namespace fleet::engine::model {
namespace {

// The first `rows` rows of a [max_rows][cols] buffer.
absl::Span<float> Rows(std::vector<float>& buffer, int64_t rows, int64_t cols) {
  return absl::MakeSpan(buffer.data(), static_cast<size_t>(rows * cols));
}

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

absl::Status CheckSlices(const ModelConfig& c, const ForwardScratch& scratch,
                         absl::Span<const SequenceSlice> slices, int64_t* n_tokens) {
  if (slices.empty()) return absl::InvalidArgumentError("Forward: no sequences");
  if (static_cast<int64_t>(slices.size()) > scratch.max_sequences()) {
    return absl::InvalidArgumentError(absl::StrCat("Forward: ", slices.size(),
                                                   " sequences exceed the batch limit of ",
                                                   scratch.max_sequences()));
  }
  const size_t layer_floats_per_pos = static_cast<size_t>(c.kv_dim() * c.n_layer);
  int64_t total = 0;
  for (size_t i = 0; i < slices.size(); ++i) {
    const SequenceSlice& s = slices[i];
    const int64_t n = static_cast<int64_t>(s.tokens.size());
    if (n == 0 || s.first_pos < 0 || s.cache.n_ctx < 0 || s.first_pos > s.cache.n_ctx - n ||
        s.cache.k.size() != layer_floats_per_pos * static_cast<size_t>(s.cache.n_ctx) ||
        s.cache.v.size() != s.cache.k.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Forward: sequence ", i, ": ", n, " tokens at position ", s.first_pos,
                       " do not fit a cache of ", s.cache.n_ctx, " positions"));
    }
    const int64_t rows = s.all_positions ? n : 1;
    if (s.logits.size() != static_cast<size_t>(rows * c.n_vocab)) {
      return absl::InvalidArgumentError(absl::StrCat("Forward: sequence ", i, ": logits has ",
                                                     s.logits.size(), " floats, expected ",
                                                     rows * c.n_vocab));
    }
    total += n;
  }
  if (total > scratch.max_tokens()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Forward: ", total, " tokens exceed the batch limit of ", scratch.max_tokens()));
  }
  *n_tokens = total;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ForwardScratch> ForwardScratch::Create(const ModelConfig& c, int64_t max_tokens,
                                                      int64_t max_sequences) {
  if (max_tokens < 1 || max_sequences < 1 || max_sequences > max_tokens) {
    return absl::InvalidArgumentError(absl::StrCat("batch limits of ", max_tokens, " tokens and ",
                                                   max_sequences, " sequences are invalid"));
  }
  const int64_t widest = std::max({c.n_embd, c.q_dim(), c.n_ff});
  if (max_tokens > std::numeric_limits<int32_t>::max() ||
      static_cast<uint64_t>(max_tokens) >
          std::numeric_limits<size_t>::max() / sizeof(float) / static_cast<uint64_t>(widest) ||
      static_cast<uint64_t>(max_sequences) >
          std::numeric_limits<size_t>::max() / sizeof(float) / static_cast<uint64_t>(c.n_vocab)) {
    return absl::ResourceExhaustedError(
        absl::StrCat("batch buffers for ", max_tokens, " tokens are too large"));
  }
  ForwardScratch s;
  s.max_tokens_ = max_tokens;
  s.max_sequences_ = max_sequences;
  const auto rows = [max_tokens](int64_t cols) {
    return std::vector<float>(static_cast<size_t>(max_tokens * cols));
  };
  s.x_ = rows(c.n_embd);
  s.xn_ = rows(c.n_embd);
  s.q_ = rows(c.q_dim());
  s.k_ = rows(c.kv_dim());
  s.v_ = rows(c.kv_dim());
  s.attn_ = rows(c.q_dim());
  s.proj_ = rows(c.n_embd);
  s.gate_ = rows(c.n_ff);
  s.up_ = rows(c.n_ff);
  s.last_logits_.resize(static_cast<size_t>(max_sequences * c.n_vocab));
  s.positions_.resize(static_cast<size_t>(max_tokens));
  return s;
}

absl::Status Forward(const Model& model, const kernels::Kernels& k, ForwardScratch& scratch,
                     absl::Span<const SequenceSlice> slices) {
  const ModelConfig& c = model.config();
  const ModelWeights& w = model.weights();
  int64_t n = 0;
  RETURN_IF_ERROR(CheckSlices(c, scratch, slices, &n));

  absl::Span<float> x = Rows(scratch.x_, n, c.n_embd);
  absl::Span<float> xn = Rows(scratch.xn_, n, c.n_embd);
  absl::Span<float> q = Rows(scratch.q_, n, c.q_dim());
  absl::Span<float> k_new = Rows(scratch.k_, n, c.kv_dim());
  absl::Span<float> v_new = Rows(scratch.v_, n, c.kv_dim());
  absl::Span<float> attn = Rows(scratch.attn_, n, c.q_dim());
  absl::Span<float> proj = Rows(scratch.proj_, n, c.n_embd);
  absl::Span<float> gate = Rows(scratch.gate_, n, c.n_ff);
  absl::Span<float> up = Rows(scratch.up_, n, c.n_ff);
  absl::Span<int32_t> positions = absl::MakeSpan(scratch.positions_.data(), static_cast<size_t>(n));

  // Token rows in slice order; row_begin[i] is slice i's first row.
  const size_t n_embd = static_cast<size_t>(c.n_embd);
  {
    int64_t row = 0;
    for (const SequenceSlice& s : slices) {
      for (size_t t = 0; t < s.tokens.size(); ++t, ++row) {
        positions[row] = static_cast<int32_t>(s.first_pos + static_cast<int64_t>(t));
        RETURN_IF_ERROR(k.GetRow(w.token_embd, s.tokens[t],
                                 x.subspan(static_cast<size_t>(row) * n_embd, n_embd)));
      }
    }
  }

  const kernels::RopeParams rope{.style = c.rope_style,
                                 .n_rot = c.n_rot,
                                 .freq_base = c.rope_freq_base,
                                 .freq_scale = c.rope_freq_scale,
                                 .freq_factors = w.rope_freqs};
  const float attention_scale =
      static_cast<float>(1.0 / std::sqrt(static_cast<double>(c.head_dim)));
  const size_t kv_dim = static_cast<size_t>(c.kv_dim());
  const size_t q_dim = static_cast<size_t>(c.q_dim());

  for (int64_t l = 0; l < c.n_layer; ++l) {
    const LayerWeights& lw = w.layers[static_cast<size_t>(l)];

    // Attention block: projections for every row at once.
    RETURN_IF_ERROR(k.RmsNorm(x, lw.attn_norm, c.rms_eps, n, xn));
    RETURN_IF_ERROR(k.MatMul(lw.wq, xn, n, q));
    RETURN_IF_ERROR(k.MatMul(lw.wk, xn, n, k_new));
    RETURN_IF_ERROR(k.MatMul(lw.wv, xn, n, v_new));
    RETURN_IF_ERROR(AddBias(k, q, n, lw.bq));
    RETURN_IF_ERROR(AddBias(k, k_new, n, lw.bk));
    RETURN_IF_ERROR(AddBias(k, v_new, n, lw.bv));
    RETURN_IF_ERROR(k.Rope(q, n, c.n_head, c.head_dim, positions, rope));
    RETURN_IF_ERROR(k.Rope(k_new, n, c.n_head_kv, c.head_dim, positions, rope));

    // Per sequence: store its new K/V rows, attend over its cache.
    int64_t row = 0;
    for (const SequenceSlice& s : slices) {
      const int64_t ns = static_cast<int64_t>(s.tokens.size());
      const size_t layer_floats = static_cast<size_t>(s.cache.n_ctx) * kv_dim;
      absl::Span<float> k_layer =
          s.cache.k.subspan(static_cast<size_t>(l) * layer_floats, layer_floats);
      absl::Span<float> v_layer =
          s.cache.v.subspan(static_cast<size_t>(l) * layer_floats, layer_floats);
      const size_t src = static_cast<size_t>(row) * kv_dim;
      const size_t dst = static_cast<size_t>(s.first_pos) * kv_dim;
      const size_t count = static_cast<size_t>(ns) * kv_dim;
      std::memcpy(k_layer.data() + dst, k_new.data() + src, count * sizeof(float));
      std::memcpy(v_layer.data() + dst, v_new.data() + src, count * sizeof(float));
      const kernels::AttentionShape shape{.n_tokens = ns,
                                          .n_head = c.n_head,
                                          .n_head_kv = c.n_head_kv,
                                          .head_dim = c.head_dim,
                                          .n_kv = s.first_pos + ns,
                                          .first_pos = s.first_pos,
                                          .scale = attention_scale};
      const size_t q_rows = static_cast<size_t>(row) * q_dim;
      RETURN_IF_ERROR(k.Attention(q.subspan(q_rows, static_cast<size_t>(ns) * q_dim), k_layer,
                                  v_layer, shape,
                                  attn.subspan(q_rows, static_cast<size_t>(ns) * q_dim)));
      row += ns;
    }
    RETURN_IF_ERROR(k.MatMul(lw.wo, attn, n, proj));
    RETURN_IF_ERROR(k.Add(x, proj));

    // Feed-forward block (SwiGLU).
    RETURN_IF_ERROR(k.RmsNorm(x, lw.ffn_norm, c.rms_eps, n, xn));
    RETURN_IF_ERROR(k.MatMul(lw.w_gate, xn, n, gate));
    RETURN_IF_ERROR(k.MatMul(lw.w_up, xn, n, up));
    RETURN_IF_ERROR(k.SwiGlu(gate, up));
    RETURN_IF_ERROR(k.MatMul(lw.w_down, gate, n, proj));
    RETURN_IF_ERROR(k.Add(x, proj));
  }

  // Output head. Sequences wanting every position get their own product
  // straight into their logits; the last rows of the others are gathered
  // and multiplied together (one more pass over the output matrix).
  const size_t n_vocab = static_cast<size_t>(c.n_vocab);
  int64_t n_last = 0;
  int64_t row = 0;
  for (const SequenceSlice& s : slices) {
    const int64_t ns = static_cast<int64_t>(s.tokens.size());
    if (s.all_positions) {
      absl::Span<const float> rows =
          x.subspan(static_cast<size_t>(row) * n_embd, static_cast<size_t>(ns) * n_embd);
      absl::Span<float> normed = xn.subspan(0, static_cast<size_t>(ns) * n_embd);
      RETURN_IF_ERROR(k.RmsNorm(rows, w.output_norm, c.rms_eps, ns, normed));
      RETURN_IF_ERROR(k.MatMul(w.output, normed, ns, s.logits));
    }
    row += ns;
  }
  row = 0;
  for (const SequenceSlice& s : slices) {
    row += static_cast<int64_t>(s.tokens.size());
    if (s.all_positions) continue;
    // Gather into proj (n_embd wide, at least as many rows as sequences).
    std::memcpy(proj.data() + static_cast<size_t>(n_last) * n_embd,
                x.data() + static_cast<size_t>(row - 1) * n_embd, n_embd * sizeof(float));
    ++n_last;
  }
  if (n_last == 0) return absl::OkStatus();
  absl::Span<const float> last_rows = proj.subspan(0, static_cast<size_t>(n_last) * n_embd);
  absl::Span<float> normed = xn.subspan(0, static_cast<size_t>(n_last) * n_embd);
  RETURN_IF_ERROR(k.RmsNorm(last_rows, w.output_norm, c.rms_eps, n_last, normed));
  if (n_last == 1 && slices.size() == 1) {
    return k.MatMul(w.output, normed, 1, slices[0].logits);
  }
  absl::Span<float> logits =
      absl::MakeSpan(scratch.last_logits_.data(), static_cast<size_t>(n_last) * n_vocab);
  RETURN_IF_ERROR(k.MatMul(w.output, normed, n_last, logits));
  int64_t i = 0;
  for (const SequenceSlice& s : slices) {
    if (s.all_positions) continue;
    std::memcpy(s.logits.data(), logits.data() + static_cast<size_t>(i) * n_vocab,
                n_vocab * sizeof(float));
    ++i;
  }
  return absl::OkStatus();
}

}  // namespace fleet::engine::model
