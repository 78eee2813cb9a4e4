#include "services/inference/engine/kernels/cpu/cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/kernels/kernel_args.h"
#include "services/inference/engine/quant/dequantize.h"

namespace fleet::engine::kernels {
namespace {

// Decodes one row of `w` into `out` (w.n_in floats). `w` is validated.
absl::Status DecodeRow(const WeightView& w, uint64_t row_bytes, int64_t row,
                       absl::Span<float> out) {
  absl::Span<const uint8_t> src = w.data.subspan(static_cast<uint64_t>(row) * row_bytes, row_bytes);
  return quant::DequantizeRow(w.type, src, out);
}

}  // namespace

absl::Status CpuKernels::MatMul(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                                absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckMatMulArgs(w, x, n_batch, out));
  ASSIGN_OR_RETURN(const uint64_t row_bytes, RowBytes(w.type, w.n_in));
  std::vector<float> row(static_cast<size_t>(w.n_in));
  const size_t n_in = static_cast<size_t>(w.n_in);
  const size_t n_out = static_cast<size_t>(w.n_out);
  for (size_t o = 0; o < n_out; ++o) {
    RETURN_IF_ERROR(DecodeRow(w, row_bytes, static_cast<int64_t>(o), absl::MakeSpan(row)));
    for (size_t b = 0; b < static_cast<size_t>(n_batch); ++b) {
      const float* xb = x.data() + b * n_in;
      float sum = 0.0f;
      for (size_t i = 0; i < n_in; ++i) sum += row[i] * xb[i];
      out[b * n_out + o] = sum;
    }
  }
  return absl::OkStatus();
}

absl::Status CpuKernels::GetRow(const WeightView& w, int64_t row, absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckGetRowArgs(w, row, out));
  ASSIGN_OR_RETURN(const uint64_t row_bytes, RowBytes(w.type, w.n_in));
  return DecodeRow(w, row_bytes, row, out);
}

absl::Status CpuKernels::RmsNorm(absl::Span<const float> x, absl::Span<const float> weight,
                                 float eps, int64_t n_rows, absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckRmsNormArgs(x, weight, n_rows, out));
  const int64_t n = static_cast<int64_t>(weight.size());
  for (int64_t r = 0; r < n_rows; ++r) {
    const float* xr = x.data() + r * n;
    float* yr = out.data() + r * n;
    double sum_sq = 0.0;
    for (int64_t i = 0; i < n; ++i) sum_sq += static_cast<double>(xr[i]) * xr[i];
    const float scale = static_cast<float>(1.0 / std::sqrt(sum_sq / n + eps));
    for (int64_t i = 0; i < n; ++i) yr[i] = xr[i] * scale * weight[i];
  }
  return absl::OkStatus();
}

absl::Status CpuKernels::Rope(absl::Span<float> x, int64_t n_tokens, int64_t n_heads,
                              int64_t head_dim, absl::Span<const int32_t> positions,
                              const RopeParams& p) const {
  RETURN_IF_ERROR(CheckRopeArgs(x, n_tokens, n_heads, head_dim, positions, p));
  const int64_t half = p.n_rot / 2;
  std::vector<double> inv_freq(static_cast<size_t>(half));
  RopeInverseFrequencies(p, absl::MakeSpan(inv_freq));
  std::vector<float> cos_sin(static_cast<size_t>(2 * half));
  for (int64_t t = 0; t < n_tokens; ++t) {
    RopeCosSin(positions[t], inv_freq, cos_sin.data());
    for (int64_t h = 0; h < n_heads; ++h) {
      RotatePairs(x.data() + (t * n_heads + h) * head_dim, half, p.style, cos_sin.data());
    }
  }
  return absl::OkStatus();
}

absl::Status CpuKernels::Softmax(absl::Span<float> x) const {
  if (x.empty()) return absl::OkStatus();
  const float max = *std::max_element(x.begin(), x.end());
  double sum = 0.0;
  for (float& value : x) {
    value = std::exp(value - max);
    sum += value;
  }
  const double inv = 1.0 / sum;
  for (float& value : x) value = static_cast<float>(value * inv);
  return absl::OkStatus();
}

absl::Status CpuKernels::Silu(absl::Span<float> x) const {
  for (float& value : x) value = value / (1.0f + std::exp(-value));
  return absl::OkStatus();
}

absl::Status CpuKernels::Add(absl::Span<float> x, absl::Span<const float> y) const {
  RETURN_IF_ERROR(CheckSameSize("Add", x.size(), y.size()));
  for (size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  return absl::OkStatus();
}

absl::Status CpuKernels::Mul(absl::Span<float> x, absl::Span<const float> y) const {
  RETURN_IF_ERROR(CheckSameSize("Mul", x.size(), y.size()));
  for (size_t i = 0; i < x.size(); ++i) x[i] *= y[i];
  return absl::OkStatus();
}

absl::Status CpuKernels::Attention(absl::Span<const float> q, absl::Span<const float> k,
                                   absl::Span<const float> v, const AttentionShape& s,
                                   absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckAttentionArgs(q, k, v, s, out));
  const int64_t q_row = s.n_head * s.head_dim;
  const int64_t kv_row = s.n_head_kv * s.head_dim;
  const int64_t group = s.n_head / s.n_head_kv;
  const int64_t d = s.head_dim;
  std::vector<float> scores(static_cast<size_t>(s.n_kv));
  for (int64_t t = 0; t < s.n_tokens; ++t) {
    const int64_t n_seen = s.first_pos + t + 1;  // positions 0..first_pos+t
    for (int64_t h = 0; h < s.n_head; ++h) {
      const int64_t g = h / group;
      const float* qh = q.data() + t * q_row + h * d;
      for (int64_t j = 0; j < n_seen; ++j) {
        const float* kj = k.data() + j * kv_row + g * d;
        float dot = 0.0f;
        for (int64_t i = 0; i < d; ++i) dot += qh[i] * kj[i];
        scores[j] = dot * s.scale;
      }
      RETURN_IF_ERROR(Softmax(absl::MakeSpan(scores.data(), static_cast<size_t>(n_seen))));
      float* oh = out.data() + t * q_row + h * d;
      std::fill(oh, oh + d, 0.0f);
      for (int64_t j = 0; j < n_seen; ++j) {
        const float* vj = v.data() + j * kv_row + g * d;
        const float weight = scores[j];
        for (int64_t i = 0; i < d; ++i) oh[i] += weight * vj[i];
      }
    }
  }
  return absl::OkStatus();
}

const Kernels& DefaultKernels() {
  static const CpuKernels kernels;
  return kernels;
}

}  // namespace fleet::engine::kernels
