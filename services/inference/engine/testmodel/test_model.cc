#include "services/inference/engine/testmodel/test_model.h"

#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/quant/quantize.h"
#include "services/inference/engine/testmodel/seeded_normal.h"

namespace fleet::engine::testmodel {
namespace {

using gguf::GgmlType;
using gguf::GgufValue;

// The type of each kind of 2-D weight.
struct TypePlan {
  GgmlType matrices;  // attn_q/k/output, ffn_gate/up, token_embd
  GgmlType attn_v;
  GgmlType ffn_down;
  GgmlType output;
};

absl::StatusOr<TypePlan> PlanTypes(absl::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  if (upper == "Q4_K_M")
    return TypePlan{GgmlType::kQ4_K, GgmlType::kQ6_K, GgmlType::kQ6_K, GgmlType::kQ6_K};
  if (upper == "Q5_K_M")
    return TypePlan{GgmlType::kQ5_K, GgmlType::kQ6_K, GgmlType::kQ6_K, GgmlType::kQ6_K};
  std::string known;
  for (const gguf::GgmlTypeTraits& traits : gguf::SupportedGgmlTypes()) {
    if (upper == traits.name) return TypePlan{traits.type, traits.type, traits.type, traits.type};
    absl::StrAppend(&known, known.empty() ? "" : ", ", traits.name);
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "weight type '%s' is not supported (supported: %s, Q4_K_M, Q5_K_M)", name, known));
}

absl::Status ValidateOptions(const TestModelOptions& o, const tokenizer::TokenizerSpec& vocab) {
  if (o.arch != "llama" && o.arch != "qwen2") {
    return absl::InvalidArgumentError(
        absl::StrFormat("architecture '%s' is not supported (supported: llama, qwen2)", o.arch));
  }
  if (vocab.tokens.empty()) return absl::InvalidArgumentError("the vocabulary has no tokens");
  if (o.n_embd == 0 || o.n_layer == 0 || o.n_head == 0 || o.n_head_kv == 0 || o.n_ff == 0 ||
      o.n_ctx == 0) {
    return absl::InvalidArgumentError(
        "n_embd, n_layer, n_head, n_head_kv, n_ff, n_ctx must be > 0");
  }
  if (o.n_embd % o.n_head != 0 || (o.n_embd / o.n_head) % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("n_embd %d must be n_head %d times an even head size", o.n_embd, o.n_head));
  }
  if (o.n_head % o.n_head_kv != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("n_head %d is not a multiple of n_head_kv %d", o.n_head, o.n_head_kv));
  }
  if (o.rope_scaling != "none" && o.rope_scaling != "linear") {
    return absl::InvalidArgumentError(absl::StrFormat(
        "rope_scaling '%s' is not one the generator writes (none, linear)", o.rope_scaling));
  }
  if (o.rope_freqs && o.arch != "llama") {
    return absl::InvalidArgumentError("rope_freqs is a llama option");
  }
  return absl::OkStatus();
}

class Builder {
 public:
  Builder(uint64_t seed, gguf::GgufWriter& writer) : writer_(writer), normal_(seed) {}

  // A [rows][cols] matrix (ggml dims {cols, rows}) of N(0, stddev^2) in `type`.
  absl::Status Matrix(const std::string& name, GgmlType type, uint64_t cols, uint64_t rows,
                      double stddev) {
    const gguf::GgmlTypeTraits* traits = gguf::FindSupportedGgmlType(type);
    if (cols % traits->block_size != 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "tensor '%s': row length %d is not a multiple of %s's block size %d (pick sizes that "
          "are multiples of %d)",
          name, cols, traits->name, traits->block_size, traits->block_size));
    }
    const uint64_t row_bytes = cols / traits->block_size * traits->bytes_per_block;
    std::vector<uint8_t> data(row_bytes * rows);
    std::vector<float> row(cols);
    for (uint64_t r = 0; r < rows; ++r) {
      for (float& v : row) v = static_cast<float>(normal_.Next() * stddev);
      absl::Status quantized =
          quant::QuantizeRow(type, row, absl::MakeSpan(data).subspan(r * row_bytes, row_bytes));
      if (!quantized.ok()) {
        return absl::Status(quantized.code(),
                            absl::StrCat("tensor '", name, "': ", quantized.message()));
      }
    }
    return writer_.AddTensor(name, type, {cols, rows}, std::move(data));
  }

  // A 1-D F32 vector of mean + N(0, stddev^2).
  absl::Status Vector(const std::string& name, uint64_t n, double mean, double stddev) {
    std::vector<float> values(n);
    for (float& v : values) v = static_cast<float>(mean + normal_.Next() * stddev);
    return AddF32(name, values);
  }

  absl::Status AddF32(const std::string& name, const std::vector<float>& values) {
    std::vector<uint8_t> data(values.size() * sizeof(float));
    std::memcpy(data.data(), values.data(), data.size());
    return writer_.AddTensor(name, GgmlType::kF32, {values.size()}, std::move(data));
  }

 private:
  gguf::GgufWriter& writer_;
  SeededNormal normal_;
};

absl::Status WriteHyperParameters(const TestModelOptions& o, uint32_t n_vocab,
                                  gguf::GgufMetadata& m) {
  const std::string& a = o.arch;
  RETURN_IF_ERROR(m.Set("general.architecture", GgufValue::String(a)));
  RETURN_IF_ERROR(m.Set("general.name", GgufValue::String(o.name)));
  RETURN_IF_ERROR(m.Set("general.quantization_version", GgufValue::Uint32(2)));
  RETURN_IF_ERROR(m.Set(a + ".vocab_size", GgufValue::Uint32(n_vocab)));
  RETURN_IF_ERROR(m.Set(a + ".context_length", GgufValue::Uint32(o.n_ctx)));
  RETURN_IF_ERROR(m.Set(a + ".embedding_length", GgufValue::Uint32(o.n_embd)));
  RETURN_IF_ERROR(m.Set(a + ".block_count", GgufValue::Uint32(o.n_layer)));
  RETURN_IF_ERROR(m.Set(a + ".feed_forward_length", GgufValue::Uint32(o.n_ff)));
  RETURN_IF_ERROR(m.Set(a + ".attention.head_count", GgufValue::Uint32(o.n_head)));
  RETURN_IF_ERROR(m.Set(a + ".attention.head_count_kv", GgufValue::Uint32(o.n_head_kv)));
  RETURN_IF_ERROR(m.Set(a + ".attention.layer_norm_rms_epsilon", GgufValue::Float32(o.rms_eps)));
  RETURN_IF_ERROR(m.Set(a + ".rope.freq_base", GgufValue::Float32(o.rope_theta)));
  RETURN_IF_ERROR(m.Set(a + ".rope.dimension_count", GgufValue::Uint32(o.n_embd / o.n_head)));
  if (o.rope_scaling != "none") {
    RETURN_IF_ERROR(m.Set(a + ".rope.scaling.type", GgufValue::String(o.rope_scaling)));
    RETURN_IF_ERROR(m.Set(a + ".rope.scaling.factor", GgufValue::Float32(o.rope_scaling_factor)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<gguf::GgufWriter> BuildTestModel(const TestModelOptions& o,
                                                const tokenizer::TokenizerSpec& vocabulary) {
  RETURN_IF_ERROR(ValidateOptions(o, vocabulary));
  ASSIGN_OR_RETURN(const TypePlan types, PlanTypes(o.weight_type));
  const uint64_t n_vocab = vocabulary.tokens.size();
  const uint64_t head_dim = o.n_embd / o.n_head;
  const uint64_t n_embd_kv = head_dim * o.n_head_kv;

  gguf::GgufWriter writer(3);
  RETURN_IF_ERROR(WriteHyperParameters(o, static_cast<uint32_t>(n_vocab), writer.metadata()));
  RETURN_IF_ERROR(tokenizer::WriteTokenizerSpec(vocabulary, writer));
  if (!o.chat_template.empty()) {
    RETURN_IF_ERROR(
        writer.metadata().Set("tokenizer.chat_template", GgufValue::String(o.chat_template)));
  }

  Builder b(o.seed, writer);
  const double embd_scale = 1.0 / std::sqrt(static_cast<double>(o.n_embd));
  const double ff_scale = 1.0 / std::sqrt(static_cast<double>(o.n_ff));
  RETURN_IF_ERROR(b.Matrix("token_embd.weight", types.matrices, o.n_embd, n_vocab, 1.0));
  for (uint32_t l = 0; l < o.n_layer; ++l) {
    const std::string p = absl::StrCat("blk.", l, ".");
    RETURN_IF_ERROR(b.Vector(p + "attn_norm.weight", o.n_embd, 1.0, 0.1));
    RETURN_IF_ERROR(b.Matrix(p + "attn_q.weight", types.matrices, o.n_embd, o.n_embd, embd_scale));
    RETURN_IF_ERROR(b.Matrix(p + "attn_k.weight", types.matrices, o.n_embd, n_embd_kv, embd_scale));
    RETURN_IF_ERROR(b.Matrix(p + "attn_v.weight", types.attn_v, o.n_embd, n_embd_kv, embd_scale));
    if (o.arch == "qwen2") {
      RETURN_IF_ERROR(b.Vector(p + "attn_q.bias", o.n_embd, 0.0, 0.1));
      RETURN_IF_ERROR(b.Vector(p + "attn_k.bias", n_embd_kv, 0.0, 0.1));
      RETURN_IF_ERROR(b.Vector(p + "attn_v.bias", n_embd_kv, 0.0, 0.1));
    }
    RETURN_IF_ERROR(
        b.Matrix(p + "attn_output.weight", types.matrices, o.n_embd, o.n_embd, embd_scale));
    RETURN_IF_ERROR(b.Vector(p + "ffn_norm.weight", o.n_embd, 1.0, 0.1));
    RETURN_IF_ERROR(b.Matrix(p + "ffn_gate.weight", types.matrices, o.n_embd, o.n_ff, embd_scale));
    RETURN_IF_ERROR(b.Matrix(p + "ffn_up.weight", types.matrices, o.n_embd, o.n_ff, embd_scale));
    RETURN_IF_ERROR(b.Matrix(p + "ffn_down.weight", types.ffn_down, o.n_ff, o.n_embd, ff_scale));
  }
  RETURN_IF_ERROR(b.Vector("output_norm.weight", o.n_embd, 1.0, 0.1));
  if (!o.tied_output) {
    RETURN_IF_ERROR(b.Matrix("output.weight", types.output, o.n_embd, n_vocab, embd_scale));
  }
  if (o.rope_freqs) {
    // Llama-3.1's factors: 1 for high frequencies rising to 8 for the lowest
    // (a smooth ramp here; the exact values do not matter to a test model).
    std::vector<float> factors(head_dim / 2);
    for (size_t i = 0; i < factors.size(); ++i) {
      factors[i] = 1.0f + 7.0f * static_cast<float>(i) / static_cast<float>(factors.size());
    }
    RETURN_IF_ERROR(b.AddF32("rope_freqs.weight", factors));
  }
  return writer;
}

absl::Status WriteTestModel(const TestModelOptions& options,
                            const tokenizer::TokenizerSpec& vocabulary, const std::string& path) {
  ASSIGN_OR_RETURN(gguf::GgufWriter writer, BuildTestModel(options, vocabulary));
  return writer.WriteFile(path);
}

}  // namespace fleet::engine::testmodel
