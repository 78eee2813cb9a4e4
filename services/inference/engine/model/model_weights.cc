#include "services/inference/engine/model/model_weights.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/quant/dequantize.h"

namespace fleet::engine::model {
namespace {

std::string ShapeString(absl::Span<const uint64_t> dims) {
  return absl::StrCat("[", absl::StrJoin(dims, ", "), "]");
}

// Looks tensors up by name, checks them, and remembers which were used.
class TensorBinder {
 public:
  explicit TensorBinder(const gguf::GgufFile& file) : file_(file) {}

  bool Has(const std::string& name) const { return file_.FindTensor(name) != nullptr; }

  // The tensor `name` with ggml dims `expected` (trailing 1s ignored).
  absl::StatusOr<const gguf::GgufTensorInfo*> Find(const std::string& name,
                                                   std::vector<uint64_t> expected) {
    const gguf::GgufTensorInfo* info = file_.FindTensor(name);
    if (info == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing tensor '", name, "' (expected shape ", ShapeString(expected), ")"));
    }
    std::vector<uint64_t> dims = info->dims;
    while (dims.size() > expected.size() && dims.back() == 1) dims.pop_back();
    if (dims != expected) {
      return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "' has shape ",
                                                     ShapeString(info->dims), ", expected ",
                                                     ShapeString(expected)));
    }
    used_.insert(name);
    return info;
  }

  // A 1-D F32 tensor of n elements, copied (GGUF does not promise alignment).
  absl::StatusOr<std::vector<float>> Vector(const std::string& name, int64_t n) {
    ASSIGN_OR_RETURN(const gguf::GgufTensorInfo* info, Find(name, {static_cast<uint64_t>(n)}));
    if (info->type != gguf::GgmlType::kF32) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tensor '", name, "' has type ", gguf::GgmlTypeName(info->type), ", expected F32"));
    }
    absl::Span<const uint8_t> bytes = file_.TensorData(*info);
    std::vector<float> values(static_cast<size_t>(n));
    if (bytes.size() != values.size() * sizeof(float)) {
      return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': data is ", bytes.size(),
                                                     " bytes, expected ",
                                                     values.size() * sizeof(float)));
    }
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
  }

  // A matrix {n_in, n_out} of any supported type, viewed in place. Its first
  // row is decoded once to prove the type is decodable.
  absl::StatusOr<kernels::WeightView> Matrix(const std::string& name, int64_t n_in, int64_t n_out) {
    ASSIGN_OR_RETURN(const gguf::GgufTensorInfo* info,
                     Find(name, {static_cast<uint64_t>(n_in), static_cast<uint64_t>(n_out)}));
    kernels::WeightView view{
        .type = info->type, .n_in = n_in, .n_out = n_out, .data = file_.TensorData(*info)};
    RETURN_IF_ERROR(kernels::ValidateWeightView(view, absl::StrCat("tensor '", name, "'")));
    ASSIGN_OR_RETURN(const uint64_t row_bytes, kernels::RowBytes(view.type, n_in));
    std::vector<float> row(static_cast<size_t>(n_in));
    absl::Status decoded =
        quant::DequantizeRow(view.type, view.data.subspan(0, row_bytes), absl::MakeSpan(row));
    if (!decoded.ok()) {
      return absl::Status(decoded.code(), absl::StrCat("tensor '", name, "': ", decoded.message()));
    }
    return view;
  }

  // The first tensor of the file that no Find used, or nullptr.
  const gguf::GgufTensorInfo* FirstUnused() const {
    for (const gguf::GgufTensorInfo& info : file_.tensors()) {
      if (!used_.contains(info.name)) return &info;
    }
    return nullptr;
  }

 private:
  const gguf::GgufFile& file_;
  absl::flat_hash_set<std::string> used_;
};

std::string BlockName(int64_t layer, absl::string_view suffix) {
  return absl::StrCat("blk.", layer, ".", suffix);
}

// Loads the Q/K/V biases of one layer when the model has them (a bias in a
// model without them is left unused, which LoadModelWeights reports).
absl::Status LoadBiases(TensorBinder& t, const ModelConfig& c, int64_t layer, LayerWeights* l) {
  if (!c.qkv_bias) return absl::OkStatus();
  ASSIGN_OR_RETURN(l->bq, t.Vector(BlockName(layer, "attn_q.bias"), c.q_dim()));
  ASSIGN_OR_RETURN(l->bk, t.Vector(BlockName(layer, "attn_k.bias"), c.kv_dim()));
  ASSIGN_OR_RETURN(l->bv, t.Vector(BlockName(layer, "attn_v.bias"), c.kv_dim()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ModelWeights> LoadModelWeights(const gguf::GgufFile& file, const ArchSpec& spec,
                                              ModelConfig* config) {
  ModelConfig& c = *config;
  TensorBinder t(file);
  ModelWeights w;

  // n_vocab comes from the embedding matrix's row count.
  const gguf::GgufTensorInfo* embd = file.FindTensor("token_embd.weight");
  if (embd == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "missing tensor 'token_embd.weight' (expected shape [", c.n_embd, ", n_vocab])"));
  }
  if (embd->dims.size() < 2 || embd->dims[1] > static_cast<uint64_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat("tensor 'token_embd.weight' has shape ",
                                                   ShapeString(embd->dims), ", expected [",
                                                   c.n_embd, ", n_vocab] with n_vocab < 2^31"));
  }
  c.n_vocab = static_cast<int64_t>(embd->dims[1]);
  const std::string vocab_key = absl::StrCat(spec.name, ".vocab_size");
  if (file.metadata().Contains(vocab_key)) {
    ASSIGN_OR_RETURN(const uint64_t vocab_size, file.metadata().GetUnsigned(vocab_key));
    if (vocab_size != static_cast<uint64_t>(c.n_vocab)) {
      return absl::InvalidArgumentError(absl::StrCat("metadata key '", vocab_key, "' is ",
                                                     vocab_size, " but token_embd.weight has ",
                                                     c.n_vocab, " rows"));
    }
  }
  ASSIGN_OR_RETURN(w.token_embd, t.Matrix("token_embd.weight", c.n_embd, c.n_vocab));

  // Optional groups: decided once, from layer 0 / the file.
  switch (spec.qkv_bias) {
    case Presence::kAbsent:
      c.qkv_bias = false;
      break;
    case Presence::kOptional:
      c.qkv_bias = t.Has(BlockName(0, "attn_q.bias")) || t.Has(BlockName(0, "attn_k.bias")) ||
                   t.Has(BlockName(0, "attn_v.bias"));
      break;
    case Presence::kRequired:
      c.qkv_bias = true;
      break;
  }

  w.layers.resize(static_cast<size_t>(c.n_layer));
  for (int64_t i = 0; i < c.n_layer; ++i) {
    LayerWeights& l = w.layers[static_cast<size_t>(i)];
    ASSIGN_OR_RETURN(l.attn_norm, t.Vector(BlockName(i, "attn_norm.weight"), c.n_embd));
    ASSIGN_OR_RETURN(l.wq, t.Matrix(BlockName(i, "attn_q.weight"), c.n_embd, c.q_dim()));
    ASSIGN_OR_RETURN(l.wk, t.Matrix(BlockName(i, "attn_k.weight"), c.n_embd, c.kv_dim()));
    ASSIGN_OR_RETURN(l.wv, t.Matrix(BlockName(i, "attn_v.weight"), c.n_embd, c.kv_dim()));
    RETURN_IF_ERROR(LoadBiases(t, c, i, &l));
    ASSIGN_OR_RETURN(l.wo, t.Matrix(BlockName(i, "attn_output.weight"), c.q_dim(), c.n_embd));
    ASSIGN_OR_RETURN(l.ffn_norm, t.Vector(BlockName(i, "ffn_norm.weight"), c.n_embd));
    ASSIGN_OR_RETURN(l.w_gate, t.Matrix(BlockName(i, "ffn_gate.weight"), c.n_embd, c.n_ff));
    ASSIGN_OR_RETURN(l.w_up, t.Matrix(BlockName(i, "ffn_up.weight"), c.n_embd, c.n_ff));
    ASSIGN_OR_RETURN(l.w_down, t.Matrix(BlockName(i, "ffn_down.weight"), c.n_ff, c.n_embd));
  }

  ASSIGN_OR_RETURN(w.output_norm, t.Vector("output_norm.weight", c.n_embd));
  c.tied_output = !t.Has("output.weight");
  if (c.tied_output) {
    w.output = w.token_embd;
  } else {
    ASSIGN_OR_RETURN(w.output, t.Matrix("output.weight", c.n_embd, c.n_vocab));
  }

  c.has_rope_freqs = t.Has("rope_freqs.weight") && spec.rope_freqs != Presence::kAbsent;
  if (spec.rope_freqs == Presence::kRequired || c.has_rope_freqs) {
    ASSIGN_OR_RETURN(w.rope_freqs, t.Vector("rope_freqs.weight", c.n_rot / 2));
    for (size_t i = 0; i < w.rope_freqs.size(); ++i) {
      if (!(w.rope_freqs[i] > 0.0f) || !std::isfinite(w.rope_freqs[i])) {
        return absl::InvalidArgumentError(absl::StrCat("tensor 'rope_freqs.weight': element ", i,
                                                       " is ", w.rope_freqs[i],
                                                       ", expected a finite value > 0"));
      }
    }
    c.has_rope_freqs = true;
  }

  if (const gguf::GgufTensorInfo* extra = t.FirstUnused()) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", extra->name,
                                                   "' is not used by architecture '", spec.name,
                                                   "' (with ", c.n_layer, " layers)"));
  }
  return w;
}

}  // namespace fleet::engine::model
