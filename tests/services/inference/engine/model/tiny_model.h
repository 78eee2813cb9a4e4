#pragma once
// Tiny llama-family GGUF models built in memory for the model tests: every
// hyper-parameter key and tensor the engine expects, with deterministic
// random weights, editable before serialisation (drop a tensor, change a
// shape, a type or a key) to produce each load error.
//
// Not thread-safe; test-only.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/gguf/gguf_metadata.h"
#include "services/inference/engine/model/model.h"

namespace fleet::engine::model::testing {

struct TinyOptions {
  std::string arch = "llama";
  int64_t n_vocab = 40;
  int64_t n_embd = 32;
  int64_t n_layer = 2;
  int64_t n_head = 4;
  int64_t n_head_kv = 2;
  int64_t n_ff = 64;
  int64_t n_ctx_train = 64;
  float rms_eps = 1e-5f;
  float freq_base = 10000.0f;
  bool qkv_bias = false;     // add blk.N.attn_{q,k,v}.bias
  bool rope_freqs = false;   // add rope_freqs.weight
  bool tied_output = false;  // no output.weight
  // Type of every 2-D weight (1-D tensors stay F32).
  gguf::GgmlType matrix_type = gguf::GgmlType::kF32;
  uint32_t seed = 1;
  float weight_scale = 0.3f;  // weights uniform in [-scale, scale]
};

struct TinyTensor {
  std::string name;
  gguf::GgmlType type;
  std::vector<uint64_t> dims;  // ggml order
  std::vector<float> values;   // product(dims) floats, encoded at Serialize
};

class TinyModel {
 public:
  explicit TinyModel(const TinyOptions& options);

  gguf::GgufMetadata& metadata() { return metadata_; }
  std::vector<TinyTensor>& tensors() { return tensors_; }
  // The tensor named `name`; fails the test (and returns a dummy) if absent.
  TinyTensor& tensor(const std::string& name);
  bool Remove(const std::string& name);  // false if absent
  void RemoveKey(const std::string& key);

  absl::StatusOr<std::vector<uint8_t>> Serialize() const;

 private:
  gguf::GgufMetadata metadata_;
  std::vector<TinyTensor> tensors_;
  TinyTensor dummy_;
};

// Bytes and the Model parsed from them (the Model points into the bytes).
struct LoadedModel {
  std::unique_ptr<std::vector<uint8_t>> bytes;
  std::unique_ptr<Model> model;
};
absl::StatusOr<LoadedModel> LoadTiny(const TinyModel& tiny);

}  // namespace fleet::engine::model::testing
