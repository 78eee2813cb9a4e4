#include "services/inference/engine/model/model.h"

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/model/arch/registry.h"

namespace fleet::engine::model {

absl::StatusOr<std::unique_ptr<Model>> Model::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Open(path);
  if (!file.ok()) return file.status();  // GgufFile::Open already names the path
  absl::StatusOr<std::unique_ptr<Model>> model = Load(*std::move(file));
  if (!model.ok()) {
    return absl::Status(model.status().code(), absl::StrCat(path, ": ", model.status().message()));
  }
  return model;
}

absl::StatusOr<std::unique_ptr<Model>> Model::Load(std::unique_ptr<gguf::GgufFile> file) {
  if (file == nullptr) return absl::InvalidArgumentError("Model::Load: no file");
  const gguf::GgufMetadata& metadata = file->metadata();
  if (!metadata.Contains("general.architecture")) {
    return absl::InvalidArgumentError(
        absl::StrCat("model metadata is missing the required key 'general.architecture' "
                     "(supported architectures: ",
                     SupportedArchitectureNames(), ")"));
  }
  ASSIGN_OR_RETURN(const absl::string_view arch_name, metadata.GetString("general.architecture"));
  ASSIGN_OR_RETURN(const ArchSpec* arch, FindArchitecture(arch_name));
  auto model = std::make_unique<Model>(PrivateTag());
  ASSIGN_OR_RETURN(model->config_, ReadModelConfig(metadata, *arch));
  ASSIGN_OR_RETURN(model->weights_, LoadModelWeights(*file, *arch, &model->config_));
  model->arch_ = arch;
  model->file_ = std::move(file);
  return model;
}

}  // namespace fleet::engine::model
