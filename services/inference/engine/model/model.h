#pragma once
// Model: a GGUF model file opened for inference: the mapping, its
// hyper-parameters (ModelConfig) and views of its weights.
//
// What OK from Open/Load means: general.architecture names a registered
// architecture, every required hyper-parameter is present and sane, every
// tensor the architecture needs is present with the expected shape and type,
// and every weight is decodable by the kernels; no tensor is left unchecked.
//
// Errors: those of GgufFile::Open (NOT_FOUND, INVALID_ARGUMENT, ...); an
// unknown architecture (INVALID_ARGUMENT listing the supported ones); those
// of ReadModelConfig and LoadModelWeights. Messages of Open start with the
// path.
//
// Thread safety: a Model is immutable after loading; every const method is
// safe from any number of threads, and any number of Sessions may share one
// Model (which must outlive them). Open blocks on the file system (mapping
// and parsing; weight pages are read by the forward pass as it touches them).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/inference/engine/gguf/gguf_reader.h"
#include "services/inference/engine/model/arch/arch.h"
#include "services/inference/engine/model/model_config.h"
#include "services/inference/engine/model/model_weights.h"

namespace fleet::engine::model {

class Model {
 public:
  // Maps and loads the GGUF file at `path`.
  static absl::StatusOr<std::unique_ptr<Model>> Open(const std::string& path);
  // Loads an already parsed file (e.g. GgufFile::Parse of bytes in memory;
  // those bytes must then outlive the Model).
  static absl::StatusOr<std::unique_ptr<Model>> Load(std::unique_ptr<gguf::GgufFile> file);

  const ModelConfig& config() const { return config_; }
  const ArchSpec& arch() const { return *arch_; }
  const ModelWeights& weights() const { return weights_; }
  const gguf::GgufFile& gguf() const { return *file_; }

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Only Open/Load construct (the tag is private); public for make_unique.
  explicit Model(PrivateTag) {}

 private:
  std::unique_ptr<gguf::GgufFile> file_;
  const ArchSpec* arch_ = nullptr;
  ModelConfig config_;
  ModelWeights weights_;  // views into *file_
};

}  // namespace fleet::engine::model
