#include "services/inference/engine/kernels/cpu/isa.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace fleet::engine::kernels::cpu {
namespace {

bool CpuHasAvx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("f16c");
}

Isa BestIsa() { return CpuHasAvx2() ? Isa::kAvx2 : Isa::kPortable; }

}  // namespace

absl::string_view IsaName(Isa isa) {
  switch (isa) {
    case Isa::kPortable:
      return "portable";
    case Isa::kAvx2:
      return "avx2";
  }
  return "unknown";
}

absl::StatusOr<Isa> ParseIsa(absl::string_view name) {
  for (Isa isa : {Isa::kPortable, Isa::kAvx2}) {
    if (name == IsaName(isa)) return isa;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown instruction set '", name, "' (known: portable, avx2)"));
}

Isa DetectIsa() {
  static const Isa isa = [] {
    Isa best = BestIsa();
    if (const char* env = std::getenv("FLEET_ENGINE_ISA"); env != nullptr) {
      absl::StatusOr<Isa> wanted = ParseIsa(env);
      if (wanted.ok() && static_cast<int>(*wanted) <= static_cast<int>(best)) best = *wanted;
    }
    return best;
  }();
  return isa;
}

std::vector<Isa> SupportedIsas() {
  std::vector<Isa> isas = {Isa::kPortable};
  if (CpuHasAvx2()) isas.push_back(Isa::kAvx2);
  return isas;
}

bool CpuHasAvx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
}

}  // namespace fleet::engine::kernels::cpu
