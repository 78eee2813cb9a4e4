#pragma once
// The instruction sets the CPU kernels have code paths for, and which of them
// this CPU runs. Code for an ISA lives in its own source files compiled with
// that ISA's flags (-mavx2 -mfma -mf16c for kAvx2) and is reached only through
// tables chosen after DetectIsa(), so the binary runs on any x86-64 CPU.
//
// Thread safety: pure functions; DetectIsa caches its answer (thread-safe
// static initialisation).

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fleet::engine::kernels::cpu {

enum class Isa {
  kPortable,  // plain C++; every CPU
  kAvx2,      // AVX2 + FMA + F16C (Haswell, Zen and later)
};

absl::string_view IsaName(Isa isa);  // "portable", "avx2"

// Parses an IsaName; INVALID_ARGUMENT listing the names otherwise.
absl::StatusOr<Isa> ParseIsa(absl::string_view name);

// The best ISA this CPU supports. The environment variable FLEET_ENGINE_ISA
// (an IsaName) lowers it, e.g. to compare paths; a name the CPU cannot run,
// or an unknown one, is ignored.
Isa DetectIsa();

// Every ISA this CPU can run, best last (kPortable first). Tests iterate it.
std::vector<Isa> SupportedIsas();

// Whether the CPU reports AVX-512 (F, BW, VL). Reported by `fleet-engine
// bench`; there is no AVX-512 path yet.
bool CpuHasAvx512();

}  // namespace fleet::engine::kernels::cpu
