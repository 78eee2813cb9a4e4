// The K-quant rows of the MatMulKernel table: Q4_K, Q5_K and Q6_K, each with
// a portable and an AVX2 kernel reading Q8_K activations.
#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"

#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"

namespace fleet::engine::kernels::cpu {
namespace kquant_detail {

size_t Q8KRowBytes(int64_t n) { return static_cast<size_t>(n / kQK) * sizeof(ActQ8_KBlock); }

namespace {

using gguf::GgmlType;

constexpr MatMulKernel Kernel(GgmlType type, Isa isa, void (*gemm)(const GemmArgs&)) {
  return MatMulKernel{
      .weight_type = type,
      .isa = isa,
      .act = ActivationFormat::kQ8_K,
      .act_row_bytes = &Q8KRowBytes,
      .quantize_act = isa == Isa::kAvx2 ? &QuantizeQ8KAvx2 : &QuantizeQ8KPortable,
      .gemm = gemm,
  };
}

constexpr MatMulKernel kKernels[] = {
    Kernel(GgmlType::kQ4_K, Isa::kPortable, &GemmQ4KPortable),
    Kernel(GgmlType::kQ5_K, Isa::kPortable, &GemmQ5KPortable),
    Kernel(GgmlType::kQ6_K, Isa::kPortable, &GemmQ6KPortable),
    Kernel(GgmlType::kQ4_K, Isa::kAvx2, &GemmQ4KAvx2),
    Kernel(GgmlType::kQ5_K, Isa::kAvx2, &GemmQ5KAvx2),
    Kernel(GgmlType::kQ6_K, Isa::kAvx2, &GemmQ6KAvx2),
};

}  // namespace
}  // namespace kquant_detail

const MatMulKernel* FindKQuantKernel(gguf::GgmlType type, Isa isa) {
  for (const MatMulKernel& k : kquant_detail::kKernels) {
    if (k.weight_type == type && k.isa == isa) return &k;
  }
  return nullptr;
}

}  // namespace fleet::engine::kernels::cpu
