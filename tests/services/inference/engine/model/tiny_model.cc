#include "tests/services/inference/engine/model/tiny_model.h"

#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/gguf/gguf_writer.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::model::testing {
namespace {

using gguf::GgmlType;
using gguf::GgufValue;

}  // namespace

TinyModel::TinyModel(const TinyOptions& o) {
  const std::string a = o.arch;
  const auto set = [this](std::string key, GgufValue value) {
    EXPECT_TRUE(metadata_.Set(std::move(key), std::move(value)).ok());
  };
  set("general.architecture", GgufValue::String(a));
  set(a + ".context_length", GgufValue::Uint32(static_cast<uint32_t>(o.n_ctx_train)));
  set(a + ".embedding_length", GgufValue::Uint32(static_cast<uint32_t>(o.n_embd)));
  set(a + ".block_count", GgufValue::Uint32(static_cast<uint32_t>(o.n_layer)));
  set(a + ".feed_forward_length", GgufValue::Uint32(static_cast<uint32_t>(o.n_ff)));
  set(a + ".attention.head_count", GgufValue::Uint32(static_cast<uint32_t>(o.n_head)));
  set(a + ".attention.head_count_kv", GgufValue::Uint32(static_cast<uint32_t>(o.n_head_kv)));
  set(a + ".attention.layer_norm_rms_epsilon", GgufValue::Float32(o.rms_eps));
  set(a + ".rope.freq_base", GgufValue::Float32(o.freq_base));

  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<float> weight(-o.weight_scale, o.weight_scale);
  std::uniform_real_distribution<float> norm(0.8f, 1.2f);
  const auto add = [&](std::string name, GgmlType type, std::vector<uint64_t> dims, bool is_norm) {
    uint64_t n = 1;
    for (uint64_t d : dims) n *= d;
    TinyTensor t{std::move(name), type, std::move(dims), std::vector<float>(n)};
    for (float& v : t.values) v = is_norm ? norm(rng) : weight(rng);
    tensors_.push_back(std::move(t));
  };
  const uint64_t embd = o.n_embd, vocab = o.n_vocab, ff = o.n_ff;
  const uint64_t head_dim = o.n_embd / o.n_head;
  const uint64_t q_dim = o.n_head * head_dim, kv_dim = o.n_head_kv * head_dim;
  const GgmlType m = o.matrix_type;
  add("token_embd.weight", m, {embd, vocab}, false);
  for (int64_t i = 0; i < o.n_layer; ++i) {
    const std::string b = absl::StrCat("blk.", i, ".");
    add(b + "attn_norm.weight", GgmlType::kF32, {embd}, true);
    add(b + "attn_q.weight", m, {embd, q_dim}, false);
    add(b + "attn_k.weight", m, {embd, kv_dim}, false);
    add(b + "attn_v.weight", m, {embd, kv_dim}, false);
    if (o.qkv_bias) {
      add(b + "attn_q.bias", GgmlType::kF32, {q_dim}, false);
      add(b + "attn_k.bias", GgmlType::kF32, {kv_dim}, false);
      add(b + "attn_v.bias", GgmlType::kF32, {kv_dim}, false);
    }
    add(b + "attn_output.weight", m, {q_dim, embd}, false);
    add(b + "ffn_norm.weight", GgmlType::kF32, {embd}, true);
    add(b + "ffn_gate.weight", m, {embd, ff}, false);
    add(b + "ffn_up.weight", m, {embd, ff}, false);
    add(b + "ffn_down.weight", m, {ff, embd}, false);
  }
  add("output_norm.weight", GgmlType::kF32, {embd}, true);
  if (!o.tied_output) add("output.weight", m, {embd, vocab}, false);
  if (o.rope_freqs) {
    add("rope_freqs.weight", GgmlType::kF32, {head_dim / 2}, true);
    for (size_t i = 0; i < tensors_.back().values.size(); ++i) {
      tensors_.back().values[i] = 1.0f + static_cast<float>(i);  // 1, 2, 3, ...
    }
  }
}

TinyTensor& TinyModel::tensor(const std::string& name) {
  for (TinyTensor& t : tensors_) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no tensor " << name;
  return dummy_;
}

bool TinyModel::Remove(const std::string& name) {
  for (auto it = tensors_.begin(); it != tensors_.end(); ++it) {
    if (it->name == name) {
      tensors_.erase(it);
      return true;
    }
  }
  return false;
}

void TinyModel::RemoveKey(const std::string& key) {
  gguf::GgufMetadata kept;
  for (const gguf::GgufMetadata::Entry& e : metadata_.entries()) {
    if (e.key != key) {
      EXPECT_TRUE(kept.Add(e.key, e.value).ok());
    }
  }
  metadata_ = std::move(kept);
}

absl::StatusOr<std::vector<uint8_t>> TinyModel::Serialize() const {
  gguf::GgufWriter writer;
  for (const gguf::GgufMetadata::Entry& e : metadata_.entries()) {
    RETURN_IF_ERROR(writer.metadata().Set(e.key, e.value));
  }
  for (const TinyTensor& t : tensors_) {
    const gguf::GgmlTypeTraits* traits = gguf::FindSupportedGgmlType(t.type);
    if (traits == nullptr) return absl::InvalidArgumentError("unsupported type");
    const size_t row = t.dims[0];
    const size_t row_bytes = row / traits->block_size * traits->bytes_per_block;
    const size_t rows = t.values.size() / row;
    std::vector<uint8_t> data(rows * row_bytes);
    for (size_t r = 0; r < rows; ++r) {
      RETURN_IF_ERROR(quant::QuantizeRow(t.type,
                                         absl::MakeConstSpan(t.values).subspan(r * row, row),
                                         absl::MakeSpan(data).subspan(r * row_bytes, row_bytes)));
    }
    RETURN_IF_ERROR(writer.AddTensor(t.name, t.type, t.dims, std::move(data)));
  }
  return writer.Serialize();
}

absl::StatusOr<LoadedModel> LoadTiny(const TinyModel& tiny) {
  LoadedModel loaded;
  ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, tiny.Serialize());
  loaded.bytes = std::make_unique<std::vector<uint8_t>>(std::move(bytes));
  ASSIGN_OR_RETURN(std::unique_ptr<gguf::GgufFile> file, gguf::GgufFile::Parse(*loaded.bytes));
  ASSIGN_OR_RETURN(loaded.model, Model::Load(std::move(file)));
  return loaded;
}

}  // namespace fleet::engine::model::testing
