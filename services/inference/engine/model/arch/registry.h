#pragma once
// The architecture registry: name -> ArchSpec.
//
// Thread safety: immutable; safe from any thread.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/inference/engine/model/arch/arch.h"

namespace fleet::engine::model {

// Every supported architecture, in registration order.
const std::vector<const ArchSpec*>& SupportedArchitectures();

// "llama, qwen2".
std::string SupportedArchitectureNames();

// The spec named `name`. INVALID_ARGUMENT for an unknown name:
//   "unsupported model architecture 'gpt2' (supported: llama, qwen2)"
absl::StatusOr<const ArchSpec*> FindArchitecture(absl::string_view name);

}  // namespace fleet::engine::model
