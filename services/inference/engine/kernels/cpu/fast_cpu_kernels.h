#pragma once
// The fast CPU implementation of kernels::Kernels: SIMD tile kernels for the
// matrix products (matmul/matmul_kernel.h: activations rounded to 8 bits for
// quantized weights, as llama.cpp does), a thread pool shared by the ops, and
// attention with an online softmax. Results agree with the reference
// (cpu_kernels.h) within the bounds stated in matmul_kernel.h for the
// products and float rounding elsewhere; they do not depend on the thread
// count (each output element is computed by one thread in a fixed order).
//
// Numerics beyond the reference's:
//   MatMul     float weights: float accumulation in 8-wide partial sums;
//              quantized weights: integer block dot products scaled in
//              float (see matmul_kernel.h).
//   RmsNorm    sum of squares in float partial sums, scale as the reference.
//   Rope       the reference's formula (double theta, cos/sin in double).
//   Attention  one pass over the keys in blocks of 64 with a running max and
//              sum (online softmax); exp in float, sum in float.
//   Silu/SwiGlu libm expf, as the reference.
//
// Allocation: scratch (encoded activations) grows to the largest shape seen
// and is then reused; the token path does not allocate once warm.
//
// Thread safety: every method may be called from any thread; calls are
// serialised internally (one op at a time runs on the pool), so concurrent
// callers wait for each other.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/inference/engine/kernels/cpu/cpu_kernels.h"
#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/kernels/cpu/thread_pool.h"
#include "services/inference/engine/kernels/cpu/vec_ops.h"
#include "services/inference/engine/kernels/kernels.h"

namespace fleet::engine::kernels {

struct FastCpuKernelsOptions {
  // Threads in all (the calling thread included); 0 = every core the process
  // may run on.
  int threads = 0;
  // The instruction set; default cpu::DetectIsa(). One the CPU lacks is an
  // error.
  std::optional<cpu::Isa> isa = std::nullopt;
};

class FastCpuKernels final : public Kernels {
 public:
  // INVALID_ARGUMENT for threads < 0 or an ISA this CPU cannot run.
  static absl::StatusOr<std::unique_ptr<FastCpuKernels>> Create(FastCpuKernelsOptions options = {});

  // "cpu-avx2" or "cpu-portable".
  absl::string_view name() const override { return name_; }
  int threads() const { return pool_.size(); }
  cpu::Isa isa() const { return isa_; }

  absl::Status MatMul(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                      absl::Span<float> out) const override;
  absl::Status GetRow(const WeightView& w, int64_t row, absl::Span<float> out) const override;
  absl::Status RmsNorm(absl::Span<const float> x, absl::Span<const float> weight, float eps,
                       int64_t n_rows, absl::Span<float> out) const override;
  absl::Status Rope(absl::Span<float> x, int64_t n_tokens, int64_t n_heads, int64_t head_dim,
                    absl::Span<const int32_t> positions, const RopeParams& params) const override;
  absl::Status Softmax(absl::Span<float> x) const override;
  absl::Status Silu(absl::Span<float> x) const override;
  absl::Status SwiGlu(absl::Span<float> gate, absl::Span<const float> up) const override;
  absl::Status Add(absl::Span<float> x, absl::Span<const float> y) const override;
  absl::Status Mul(absl::Span<float> x, absl::Span<const float> y) const override;
  absl::Status Attention(absl::Span<const float> q, absl::Span<const float> k,
                         absl::Span<const float> v, const AttentionShape& shape,
                         absl::Span<float> out) const override;

  FastCpuKernels(int threads, cpu::Isa isa);

 private:
  // Runs fn(begin, end) over [0, n) in chunks of about `grain` on the pool.
  void Parallel(int64_t n, int64_t grain, absl::FunctionRef<void(int64_t, int64_t)> fn) const;

  const cpu::Isa isa_;
  const cpu::VecOps& ops_;
  const std::string name_;
  CpuKernels reference_;   // GetRow, Softmax and types without a tile kernel
  mutable std::mutex mu_;  // serialises ops; guards the scratch below
  mutable cpu::ThreadPool pool_;
  mutable std::vector<uint8_t> act_scratch_;  // encoded activations of MatMul
  mutable std::vector<double> rope_inv_freq_;
  mutable std::vector<float> rope_cos_sin_;  // [n_tokens][half][2]
};

}  // namespace fleet::engine::kernels
