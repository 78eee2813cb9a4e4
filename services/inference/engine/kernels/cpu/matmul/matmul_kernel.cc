#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"

namespace fleet::engine::kernels::cpu {

const MatMulKernel* FindMatMulKernel(gguf::GgmlType type, Isa isa) {
  if (const MatMulKernel* k = FindFloatQ0Kernel(type, isa); k != nullptr) return k;
  return FindKQuantKernel(type, isa);
}

}  // namespace fleet::engine::kernels::cpu
