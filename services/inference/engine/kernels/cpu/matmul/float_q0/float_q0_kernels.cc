// FindFloatQ0Kernel: the MatMulKernel tables of F32, F16, BF16, Q8_0 and Q4_0
// for the portable and AVX2 paths.

#include "services/inference/engine/kernels/cpu/matmul/float_q0/float_q0_kernels.h"

#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"

namespace fleet::engine::kernels::cpu {
namespace {

using gguf::GgmlType;
namespace fq = float_q0;

constexpr MatMulKernel kPortable[] = {
    {GgmlType::kF32, Isa::kPortable, ActivationFormat::kF32, fq::F32ActRowBytes, fq::CopyActF32,
     fq::GemmF32Portable},
    {GgmlType::kF16, Isa::kPortable, ActivationFormat::kF32, fq::F32ActRowBytes, fq::CopyActF32,
     fq::GemmF16Portable},
    {GgmlType::kBF16, Isa::kPortable, ActivationFormat::kF32, fq::F32ActRowBytes, fq::CopyActF32,
     fq::GemmBF16Portable},
    {GgmlType::kQ8_0, Isa::kPortable, ActivationFormat::kQ8_0, fq::Q8_0ActRowBytes,
     fq::QuantizeActQ8_0Portable, fq::GemmQ8_0Portable},
    {GgmlType::kQ4_0, Isa::kPortable, ActivationFormat::kQ8_0, fq::Q8_0ActRowBytes,
     fq::QuantizeActQ8_0Portable, fq::GemmQ4_0Portable},
};

constexpr MatMulKernel kAvx2[] = {
    {GgmlType::kF32, Isa::kAvx2, ActivationFormat::kF32, fq::F32ActRowBytes, fq::CopyActF32,
     fq::GemmF32Avx2},
    {GgmlType::kF16, Isa::kAvx2, ActivationFormat::kF32, fq::F32ActRowBytes, fq::CopyActF32,
     fq::GemmF16Avx2},
    {GgmlType::kBF16, Isa::kAvx2, ActivationFormat::kF32, fq::F32ActRowBytes, fq::CopyActF32,
     fq::GemmBF16Avx2},
    {GgmlType::kQ8_0, Isa::kAvx2, ActivationFormat::kQ8_0, fq::Q8_0ActRowBytes,
     fq::QuantizeActQ8_0Avx2, fq::GemmQ8_0Avx2},
    {GgmlType::kQ4_0, Isa::kAvx2, ActivationFormat::kQ8_0, fq::Q8_0ActRowBytes,
     fq::QuantizeActQ8_0Avx2, fq::GemmQ4_0Avx2},
};

template <size_t N>
const MatMulKernel* Find(const MatMulKernel (&table)[N], GgmlType type) {
  for (const MatMulKernel& k : table) {
    if (k.weight_type == type) return &k;
  }
  return nullptr;
}

}  // namespace

const MatMulKernel* FindFloatQ0Kernel(gguf::GgmlType type, Isa isa) {
  switch (isa) {
    case Isa::kPortable:
      return Find(kPortable, type);
    case Isa::kAvx2:
      return Find(kAvx2, type);
  }
  return nullptr;
}

}  // namespace fleet::engine::kernels::cpu
