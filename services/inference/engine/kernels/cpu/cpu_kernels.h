#pragma once
// The reference CPU implementation of kernels::Kernels: correctness first,
// single-threaded, portable C++ (no intrinsics). Faster backends are checked
// against it.
//
// Numerics (documented so that other backends and reference tests know what
// to expect):
//   MatMul   each weight row is decoded to float (quant::DequantizeRow) into
//            a scratch row, then for every batch row the dot product is
//            accumulated in a single float, in increasing index order
//            i = 0, 1, ..., n_in-1 (no pairwise or blocked summation).
//   RmsNorm  sum of squares accumulated in double, the scale 1/sqrt(mean+eps)
//            computed in double, then rounded to float and applied.
//   Rope     theta computed in double as
//            pos * freq_scale * freq_base^(-2i/n_rot) / factor_i, cos/sin in
//            double, rotation in float.
//   Softmax  max subtracted, exp in float, sum in double, then divided.
//   Attention scores: float dot products in index order, times scale;
//            softmax as above; the output accumulated in float over
//            positions 0..last in order.
//
// Thread safety: stateless; every method may run concurrently (scratch
// buffers are per call).

#include "services/inference/engine/kernels/kernels.h"

namespace fleet::engine::kernels {

class CpuKernels final : public Kernels {
 public:
  absl::string_view name() const override { return "cpu-reference"; }
  absl::Status MatMul(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                      absl::Span<float> out) const override;
  absl::Status GetRow(const WeightView& w, int64_t row, absl::Span<float> out) const override;
  absl::Status RmsNorm(absl::Span<const float> x, absl::Span<const float> weight, float eps,
                       int64_t n_rows, absl::Span<float> out) const override;
  absl::Status Rope(absl::Span<float> x, int64_t n_tokens, int64_t n_heads, int64_t head_dim,
                    absl::Span<const int32_t> positions, const RopeParams& params) const override;
  absl::Status Softmax(absl::Span<float> x) const override;
  absl::Status Silu(absl::Span<float> x) const override;
  absl::Status Add(absl::Span<float> x, absl::Span<const float> y) const override;
  absl::Status Mul(absl::Span<float> x, absl::Span<const float> y) const override;
  absl::Status Attention(absl::Span<const float> q, absl::Span<const float> k,
                         absl::Span<const float> v, const AttentionShape& shape,
                         absl::Span<float> out) const override;
};

// The process-wide default backend (a CpuKernels); lives forever.
const Kernels& DefaultKernels();

}  // namespace fleet::engine::kernels
