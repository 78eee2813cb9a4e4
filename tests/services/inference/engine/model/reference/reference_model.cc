#include "tests/services/inference/engine/model/reference/reference_model.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "tests/services/inference/engine/model/reference/reference_rope.h"

namespace fleet::engine::testing {
namespace {

// Reads tensors by name and remembers which ones were read, so that Load can
// reject a file holding tensors the forward pass would silently ignore.
class TensorLoader {
 public:
  explicit TensorLoader(const gguf::GgufFile& file) : file_(file) {}

  bool Has(const std::string& name) const { return file_.FindTensor(name) != nullptr; }

  absl::StatusOr<DoubleMatrix> Matrix(const std::string& name, int64_t rows, int64_t cols) {
    used_.insert(name);
    return ReadMatrix(file_, name, rows, cols);
  }
  absl::StatusOr<std::vector<double>> Vector(const std::string& name, int64_t n) {
    used_.insert(name);
    return ReadVector(file_, name, n);
  }
  // The vector, or n zeros when the tensor is absent.
  absl::StatusOr<std::vector<double>> OptionalVector(const std::string& name, int64_t n) {
    if (!Has(name)) return std::vector<double>(static_cast<size_t>(n), 0.0);
    return Vector(name, n);
  }

  absl::Status CheckAllUsed() const {
    for (const gguf::GgufTensorInfo& t : file_.tensors()) {
      if (!used_.contains(t.name)) {
        return absl::InvalidArgumentError(absl::StrCat("tensor '", t.name, "' is not used by a ",
                                                       "llama/qwen2 model of this shape"));
      }
    }
    return absl::OkStatus();
  }

 private:
  const gguf::GgufFile& file_;
  absl::flat_hash_set<std::string> used_;
};

// out[r] = sum_c m(r, c) * x[c] + bias[r]
std::vector<double> MatVec(const DoubleMatrix& m, const std::vector<double>& x,
                           const std::vector<double>& bias) {
  std::vector<double> out(static_cast<size_t>(m.rows));
  for (int64_t r = 0; r < m.rows; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < m.cols; ++c) sum += m.at(r, c) * x[c];
    out[r] = sum + bias[r];
  }
  return out;
}

std::vector<double> MatVec(const DoubleMatrix& m, const std::vector<double>& x) {
  return MatVec(m, x, std::vector<double>(static_cast<size_t>(m.rows), 0.0));
}

// rmsnorm(x) * weight, elementwise.
std::vector<double> RmsNorm(const std::vector<double>& x, const std::vector<double>& weight,
                            double eps) {
  double sum_sq = 0;
  for (double v : x) sum_sq += v * v;
  const double scale = 1.0 / std::sqrt(sum_sq / static_cast<double>(x.size()) + eps);
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = x[i] * scale * weight[i];
  return out;
}

double Silu(double z) { return z / (1.0 + std::exp(-z)); }

}  // namespace

absl::StatusOr<std::unique_ptr<ReferenceModel>> ReferenceModel::Load(const gguf::GgufFile& file) {
  auto model = std::unique_ptr<ReferenceModel>(new ReferenceModel());
  ASSIGN_OR_RETURN(model->hp_, ReadReferenceHparams(file.metadata()));
  const ReferenceHparams& hp = model->hp_;
  TensorLoader loader(file);

  const gguf::GgufTensorInfo* embd = file.FindTensor("token_embd.weight");
  if (embd == nullptr) {
    return absl::InvalidArgumentError("required tensor 'token_embd.weight' is missing");
  }
  if (embd->dims.size() < 2 || embd->dims[1] == 0 || embd->dims[1] > (uint64_t{1} << 24)) {
    return absl::InvalidArgumentError(
        "tensor 'token_embd.weight' must have dims {n_embd, n_vocab} with n_vocab <= 2^24");
  }
  model->n_vocab_ = static_cast<int64_t>(embd->dims[1]);
  ASSIGN_OR_RETURN(model->token_embd_,
                   loader.Matrix("token_embd.weight", model->n_vocab_, hp.n_embd));

  const int64_t q_size = hp.n_head * hp.head_dim_k;
  const int64_t k_size = hp.n_head_kv * hp.head_dim_k;
  const int64_t v_size = hp.n_head_kv * hp.head_dim_v;
  const int64_t o_in = hp.n_head * hp.head_dim_v;
  const bool qwen2 = hp.arch == "qwen2";
  for (int64_t l = 0; l < hp.n_layer; ++l) {
    const std::string b = absl::StrCat("blk.", l, ".");
    Layer layer;
    ASSIGN_OR_RETURN(layer.attn_norm, loader.Vector(b + "attn_norm.weight", hp.n_embd));
    ASSIGN_OR_RETURN(layer.wq, loader.Matrix(b + "attn_q.weight", q_size, hp.n_embd));
    ASSIGN_OR_RETURN(layer.wk, loader.Matrix(b + "attn_k.weight", k_size, hp.n_embd));
    ASSIGN_OR_RETURN(layer.wv, loader.Matrix(b + "attn_v.weight", v_size, hp.n_embd));
    ASSIGN_OR_RETURN(layer.wo, loader.Matrix(b + "attn_output.weight", hp.n_embd, o_in));
    if (qwen2) {
      ASSIGN_OR_RETURN(layer.bq, loader.Vector(b + "attn_q.bias", q_size));
      ASSIGN_OR_RETURN(layer.bk, loader.Vector(b + "attn_k.bias", k_size));
      ASSIGN_OR_RETURN(layer.bv, loader.Vector(b + "attn_v.bias", v_size));
      layer.bo.assign(static_cast<size_t>(hp.n_embd), 0.0);
    } else {
      ASSIGN_OR_RETURN(layer.bq, loader.OptionalVector(b + "attn_q.bias", q_size));
      ASSIGN_OR_RETURN(layer.bk, loader.OptionalVector(b + "attn_k.bias", k_size));
      ASSIGN_OR_RETURN(layer.bv, loader.OptionalVector(b + "attn_v.bias", v_size));
      ASSIGN_OR_RETURN(layer.bo, loader.OptionalVector(b + "attn_output.bias", hp.n_embd));
    }
    ASSIGN_OR_RETURN(layer.ffn_norm, loader.Vector(b + "ffn_norm.weight", hp.n_embd));
    ASSIGN_OR_RETURN(layer.w_gate, loader.Matrix(b + "ffn_gate.weight", hp.n_ff, hp.n_embd));
    ASSIGN_OR_RETURN(layer.w_up, loader.Matrix(b + "ffn_up.weight", hp.n_ff, hp.n_embd));
    ASSIGN_OR_RETURN(layer.w_down, loader.Matrix(b + "ffn_down.weight", hp.n_embd, hp.n_ff));
    model->layers_.push_back(std::move(layer));
  }

  ASSIGN_OR_RETURN(model->output_norm_, loader.Vector("output_norm.weight", hp.n_embd));
  if (loader.Has("output.weight")) {
    ASSIGN_OR_RETURN(model->output_, loader.Matrix("output.weight", model->n_vocab_, hp.n_embd));
  } else {
    model->output_ = model->token_embd_;
  }
  if (loader.Has("rope_freqs.weight")) {
    ASSIGN_OR_RETURN(model->rope_freqs_, loader.Vector("rope_freqs.weight", hp.n_rot / 2));
    for (double f : model->rope_freqs_) {
      if (!(std::isfinite(f) && f > 0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("tensor 'rope_freqs.weight': factor ", f, " is not positive and finite"));
      }
    }
  }
  RETURN_IF_ERROR(loader.CheckAllUsed());
  return model;
}

absl::StatusOr<std::vector<std::vector<double>>> ReferenceModel::Forward(
    absl::Span<const int32_t> tokens) const {
  const ReferenceHparams& hp = hp_;
  const int64_t n_tokens = static_cast<int64_t>(tokens.size());
  if (n_tokens == 0) return absl::InvalidArgumentError("empty token sequence");
  if (n_tokens > hp.n_ctx) {
    return absl::InvalidArgumentError(
        absl::StrCat(n_tokens, " tokens exceed the context length ", hp.n_ctx));
  }
  for (int64_t p = 0; p < n_tokens; ++p) {
    if (tokens[p] < 0 || tokens[p] >= n_vocab_) {
      return absl::InvalidArgumentError(absl::StrCat(
          "token #", p, " = ", tokens[p], " is outside the vocabulary (", n_vocab_, " tokens)"));
    }
  }

  // x[p]: the residual stream at position p, [n_tokens][n_embd].
  std::vector<std::vector<double>> x(static_cast<size_t>(n_tokens));
  for (int64_t p = 0; p < n_tokens; ++p) {
    x[p].resize(static_cast<size_t>(hp.n_embd));
    for (int64_t i = 0; i < hp.n_embd; ++i) x[p][i] = token_embd_.at(tokens[p], i);
  }

  const int64_t group = hp.n_head / hp.n_head_kv;  // q heads per kv head
  const double scale = 1.0 / std::sqrt(static_cast<double>(hp.head_dim_k));
  for (const Layer& layer : layers_) {
    // Projections of every position: q [n_tokens][n_head*head_dim_k],
    // k [n_tokens][n_head_kv*head_dim_k], v [n_tokens][n_head_kv*head_dim_v].
    std::vector<std::vector<double>> q(n_tokens), k(n_tokens), v(n_tokens);
    for (int64_t p = 0; p < n_tokens; ++p) {
      const std::vector<double> n = RmsNorm(x[p], layer.attn_norm, hp.rms_eps);
      q[p] = MatVec(layer.wq, n, layer.bq);
      k[p] = MatVec(layer.wk, n, layer.bk);
      v[p] = MatVec(layer.wv, n, layer.bv);
      for (int64_t h = 0; h < hp.n_head; ++h) {
        ApplyRope(hp.rope_style, absl::MakeSpan(q[p]).subspan(h * hp.head_dim_k, hp.head_dim_k),
                  hp.n_rot, p, hp.rope_freq_base, rope_freqs_, hp.rope_linear_factor);
      }
      for (int64_t g = 0; g < hp.n_head_kv; ++g) {
        ApplyRope(hp.rope_style, absl::MakeSpan(k[p]).subspan(g * hp.head_dim_k, hp.head_dim_k),
                  hp.n_rot, p, hp.rope_freq_base, rope_freqs_, hp.rope_linear_factor);
      }
    }

    for (int64_t p = 0; p < n_tokens; ++p) {
      // Causal attention of position p over positions 0..p, head by head.
      std::vector<double> heads(static_cast<size_t>(hp.n_head * hp.head_dim_v), 0.0);
      for (int64_t h = 0; h < hp.n_head; ++h) {
        const int64_t g = h / group;
        std::vector<double> score(static_cast<size_t>(p + 1));
        double max_score = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j <= p; ++j) {
          double dot = 0;
          for (int64_t d = 0; d < hp.head_dim_k; ++d) {
            dot += q[p][h * hp.head_dim_k + d] * k[j][g * hp.head_dim_k + d];
          }
          score[j] = dot * scale;
          if (score[j] > max_score) max_score = score[j];
        }
        double denom = 0;
        for (int64_t j = 0; j <= p; ++j) {
          score[j] = std::exp(score[j] - max_score);
          denom += score[j];
        }
        for (int64_t j = 0; j <= p; ++j) {
          const double a = score[j] / denom;
          for (int64_t d = 0; d < hp.head_dim_v; ++d) {
            heads[h * hp.head_dim_v + d] += a * v[j][g * hp.head_dim_v + d];
          }
        }
      }
      const std::vector<double> attn = MatVec(layer.wo, heads, layer.bo);
      std::vector<double> hres(static_cast<size_t>(hp.n_embd));
      for (int64_t i = 0; i < hp.n_embd; ++i) hres[i] = x[p][i] + attn[i];

      const std::vector<double> m = RmsNorm(hres, layer.ffn_norm, hp.rms_eps);
      const std::vector<double> gate = MatVec(layer.w_gate, m);
      const std::vector<double> up = MatVec(layer.w_up, m);
      std::vector<double> act(static_cast<size_t>(hp.n_ff));
      for (int64_t i = 0; i < hp.n_ff; ++i) act[i] = Silu(gate[i]) * up[i];
      const std::vector<double> down = MatVec(layer.w_down, act);
      for (int64_t i = 0; i < hp.n_embd; ++i) x[p][i] = hres[i] + down[i];
    }
  }

  std::vector<std::vector<double>> logits(static_cast<size_t>(n_tokens));
  for (int64_t p = 0; p < n_tokens; ++p) {
    logits[p] = MatVec(output_, RmsNorm(x[p], output_norm_, hp.rms_eps));
  }
  return logits;
}

}  // namespace fleet::engine::testing
