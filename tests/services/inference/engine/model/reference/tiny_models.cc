#include "tests/services/inference/engine/model/reference/tiny_models.h"

#include <cmath>
#include <cstring>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/gguf/gguf_value.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::testing {
namespace {

// Uniform doubles in [lo, hi] from mt19937 words (std::mt19937 is specified
// bit for bit; the distributions are not, so they are not used).
class Uniform {
 public:
  explicit Uniform(uint32_t seed) : engine_(seed) {}
  double Next(double lo, double hi) {
    const double u = static_cast<double>(engine_()) / 4294967295.0;  // [0, 1]
    return lo + (hi - lo) * u;
  }

 private:
  std::mt19937 engine_;
};

std::vector<uint8_t> F32Bytes(const std::vector<float>& values) {
  std::vector<uint8_t> out(values.size() * 4);
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<uint8_t>(bits >> (8 * b));
  }
  return out;
}

class Builder {
 public:
  Builder(gguf::GgufWriter& writer, uint32_t seed, gguf::GgmlType matrix_type)
      : writer_(writer), rng_(seed), matrix_type_(matrix_type) {}

  // A {n_in, n_out} matrix of matrix_type with elements uniform in
  // [-1, 1] / sqrt(n_in).
  absl::Status Matrix(const std::string& name, int64_t n_in, int64_t n_out) {
    const double r = 1.0 / std::sqrt(static_cast<double>(n_in));
    return Random(name, {static_cast<uint64_t>(n_in), static_cast<uint64_t>(n_out)}, -r, r,
                  matrix_type_);
  }
  // A tensor with elements uniform in [lo, hi].
  absl::Status Random(const std::string& name, std::vector<uint64_t> dims, double lo, double hi,
                      gguf::GgmlType type = gguf::GgmlType::kF32) {
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    std::vector<float> values(n);
    for (float& v : values) v = static_cast<float>(rng_.Next(lo, hi));
    std::vector<uint8_t> data;
    if (type == gguf::GgmlType::kF32) {
      data = F32Bytes(values);
    } else {
      absl::StatusOr<uint64_t> size = gguf::GgmlTensorBytes(type, dims);
      if (!size.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("tiny model: tensor '", name, "': ", size.status().message()));
      }
      data.resize(*size);
      RETURN_IF_ERROR(quant::QuantizeRow(type, values, absl::MakeSpan(data)));
    }
    return writer_.AddTensor(name, type, std::move(dims), std::move(data));
  }

 private:
  gguf::GgufWriter& writer_;
  Uniform rng_;
  gguf::GgmlType matrix_type_;
};

absl::Status CheckSpec(const TinyModelSpec& s) {
  if (s.arch != "llama" && s.arch != "qwen2") {
    return absl::InvalidArgumentError(
        absl::StrCat("tiny model: arch '", s.arch, "' is not llama or qwen2"));
  }
  if (s.n_vocab <= 0 || s.n_embd <= 0 || s.n_layer <= 0 || s.n_head <= 0 || s.n_head_kv <= 0 ||
      s.n_ff <= 0 || s.n_ctx <= 0) {
    return absl::InvalidArgumentError("tiny model: every size must be positive");
  }
  if (s.n_head % s.n_head_kv != 0) {
    return absl::InvalidArgumentError("tiny model: n_head must be a multiple of n_head_kv");
  }
  if (s.n_embd % s.n_head != 0 || (s.n_embd / s.n_head) % 2 != 0) {
    return absl::InvalidArgumentError(
        "tiny model: n_embd must be a multiple of n_head with an even head size");
  }
  const gguf::GgmlTypeTraits* traits = gguf::FindSupportedGgmlType(s.weight_type);
  if (traits == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tiny model: weight type ", gguf::GgmlTypeName(s.weight_type), " is not supported"));
  }
  if (s.n_embd % traits->block_size != 0 || s.n_ff % traits->block_size != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tiny model: n_embd ", s.n_embd, " and n_ff ", s.n_ff, " must be multiples of the ",
        traits->name, " block size ", traits->block_size));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<gguf::GgufWriter> BuildTinyModelWriter(const TinyModelSpec& s) {
  RETURN_IF_ERROR(CheckSpec(s));
  const int64_t head_dim = s.n_embd / s.n_head;
  gguf::GgufWriter w(3);
  gguf::GgufMetadata& m = w.metadata();
  const std::string p = s.arch + ".";
  auto u32 = [](int32_t v) { return gguf::GgufValue::Uint32(static_cast<uint32_t>(v)); };
  RETURN_IF_ERROR(m.Add("general.architecture", gguf::GgufValue::String(s.arch)));
  RETURN_IF_ERROR(m.Add("general.name", gguf::GgufValue::String("tiny " + s.arch)));
  RETURN_IF_ERROR(m.Add(p + "context_length", u32(s.n_ctx)));
  RETURN_IF_ERROR(m.Add(p + "embedding_length", u32(s.n_embd)));
  RETURN_IF_ERROR(m.Add(p + "block_count", u32(s.n_layer)));
  RETURN_IF_ERROR(m.Add(p + "feed_forward_length", u32(s.n_ff)));
  RETURN_IF_ERROR(m.Add(p + "attention.head_count", u32(s.n_head)));
  RETURN_IF_ERROR(m.Add(p + "attention.head_count_kv", u32(s.n_head_kv)));
  RETURN_IF_ERROR(
      m.Add(p + "attention.layer_norm_rms_epsilon", gguf::GgufValue::Float32(s.rms_eps)));
  RETURN_IF_ERROR(m.Add(p + "rope.freq_base", gguf::GgufValue::Float32(s.rope_freq_base)));
  RETURN_IF_ERROR(m.Add(p + "rope.dimension_count", u32(static_cast<int32_t>(head_dim))));

  Builder b(w, s.seed, s.weight_type);
  const int64_t q_size = s.n_head * head_dim;
  const int64_t kv_size = s.n_head_kv * head_dim;
  const auto n = [](int64_t v) { return static_cast<uint64_t>(v); };
  RETURN_IF_ERROR(b.Random("token_embd.weight", {n(s.n_embd), n(s.n_vocab)}, -1, 1, s.weight_type));
  for (int32_t l = 0; l < s.n_layer; ++l) {
    const std::string blk = absl::StrCat("blk.", l, ".");
    RETURN_IF_ERROR(b.Random(blk + "attn_norm.weight", {n(s.n_embd)}, 0.8, 1.2));
    RETURN_IF_ERROR(b.Matrix(blk + "attn_q.weight", s.n_embd, q_size));
    RETURN_IF_ERROR(b.Matrix(blk + "attn_k.weight", s.n_embd, kv_size));
    RETURN_IF_ERROR(b.Matrix(blk + "attn_v.weight", s.n_embd, kv_size));
    if (s.arch == "qwen2") {
      RETURN_IF_ERROR(b.Random(blk + "attn_q.bias", {n(q_size)}, -0.2, 0.2));
      RETURN_IF_ERROR(b.Random(blk + "attn_k.bias", {n(kv_size)}, -0.2, 0.2));
      RETURN_IF_ERROR(b.Random(blk + "attn_v.bias", {n(kv_size)}, -0.2, 0.2));
    }
    RETURN_IF_ERROR(b.Matrix(blk + "attn_output.weight", q_size, s.n_embd));
    RETURN_IF_ERROR(b.Random(blk + "ffn_norm.weight", {n(s.n_embd)}, 0.8, 1.2));
    RETURN_IF_ERROR(b.Matrix(blk + "ffn_gate.weight", s.n_embd, s.n_ff));
    RETURN_IF_ERROR(b.Matrix(blk + "ffn_up.weight", s.n_embd, s.n_ff));
    RETURN_IF_ERROR(b.Matrix(blk + "ffn_down.weight", s.n_ff, s.n_embd));
  }
  RETURN_IF_ERROR(b.Random("output_norm.weight", {n(s.n_embd)}, 0.8, 1.2));
  if (!s.tied_output) RETURN_IF_ERROR(b.Matrix("output.weight", s.n_embd, s.n_vocab));
  if (s.with_rope_freqs) {
    RETURN_IF_ERROR(b.Random("rope_freqs.weight", {n(head_dim / 2)}, 1, 4));
  }
  return w;
}

absl::StatusOr<std::vector<uint8_t>> BuildTinyModelBytes(const TinyModelSpec& spec) {
  ASSIGN_OR_RETURN(gguf::GgufWriter writer, BuildTinyModelWriter(spec));
  return writer.Serialize();
}

absl::StatusOr<std::unique_ptr<TinyModel>> BuildTinyModel(const TinyModelSpec& spec) {
  auto model = std::make_unique<TinyModel>();
  ASSIGN_OR_RETURN(model->bytes, BuildTinyModelBytes(spec));
  ASSIGN_OR_RETURN(model->file, gguf::GgufFile::Parse(model->bytes));
  return model;
}

absl::Status WriteTinyModelFile(const TinyModelSpec& spec, const std::string& path) {
  ASSIGN_OR_RETURN(gguf::GgufWriter writer, BuildTinyModelWriter(spec));
  return writer.WriteFile(path);
}

}  // namespace fleet::engine::testing
