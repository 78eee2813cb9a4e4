#include "services/inference/engine/model/arch/registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fleet::engine::model {

const std::vector<const ArchSpec*>& SupportedArchitectures() {
  // The explicit list: one entry per file under arch/.
  static const std::vector<const ArchSpec*> kArchitectures = {
      &LlamaArch(),
      &Qwen2Arch(),
  };
  return kArchitectures;
}

std::string SupportedArchitectureNames() {
  return absl::StrJoin(SupportedArchitectures(), ", ", [](std::string* out, const ArchSpec* spec) {
    absl::StrAppend(out, spec->name);
  });
}

absl::StatusOr<const ArchSpec*> FindArchitecture(absl::string_view name) {
  for (const ArchSpec* spec : SupportedArchitectures()) {
    if (spec->name == name) return spec;
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported model architecture '", name,
                                                 "' (supported: ", SupportedArchitectureNames(),
                                                 ")"));
}

}  // namespace fleet::engine::model
