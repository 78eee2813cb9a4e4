#include "services/inference/engine/kernels/cpu/cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/quant/dequantize.h"

namespace fleet::engine::kernels {
namespace {

// OK when `n` elements fit int64 products and the span holds exactly them.
absl::Status CheckSize(absl::string_view op, absl::string_view buffer, size_t actual,
                       int64_t expected) {
  if (expected < 0 || actual != static_cast<uint64_t>(expected)) {
    return absl::InvalidArgumentError(
        absl::StrCat(op, ": ", buffer, " has ", actual, " elements, expected ", expected));
  }
  return absl::OkStatus();
}

// a * b, or -1 when either is negative or the product overflows int64.
int64_t CheckedMul(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  if (a != 0 && b > std::numeric_limits<int64_t>::max() / a) return -1;
  return a * b;
}

// Decodes one row of `w` into `out` (w.n_in floats). `w` is validated.
absl::Status DecodeRow(const WeightView& w, uint64_t row_bytes, int64_t row,
                       absl::Span<float> out) {
  absl::Span<const uint8_t> src = w.data.subspan(static_cast<uint64_t>(row) * row_bytes, row_bytes);
  return quant::DequantizeRow(w.type, src, out);
}

}  // namespace

absl::Status CpuKernels::MatMul(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                                absl::Span<float> out) const {
  RETURN_IF_ERROR(ValidateWeightView(w, "MatMul: weight"));
  if (n_batch <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("MatMul: n_batch ", n_batch, " <= 0"));
  }
  RETURN_IF_ERROR(CheckSize("MatMul", "x", x.size(), CheckedMul(n_batch, w.n_in)));
  RETURN_IF_ERROR(CheckSize("MatMul", "out", out.size(), CheckedMul(n_batch, w.n_out)));
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
  RETURN_IF_ERROR(ValidateWeightView(w, "GetRow: weight"));
  if (row < 0 || row >= w.n_out) {
    return absl::InvalidArgumentError(
        absl::StrCat("GetRow: row ", row, " is outside 0..", w.n_out - 1));
  }
  RETURN_IF_ERROR(CheckSize("GetRow", "out", out.size(), w.n_in));
  ASSIGN_OR_RETURN(const uint64_t row_bytes, RowBytes(w.type, w.n_in));
  return DecodeRow(w, row_bytes, row, out);
}

absl::Status CpuKernels::RmsNorm(absl::Span<const float> x, absl::Span<const float> weight,
                                 float eps, int64_t n_rows, absl::Span<float> out) const {
  const int64_t n = static_cast<int64_t>(weight.size());
  if (n == 0 || n_rows <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("RmsNorm: empty shape (", n_rows, " rows of ", n, ")"));
  }
  RETURN_IF_ERROR(CheckSize("RmsNorm", "x", x.size(), CheckedMul(n_rows, n)));
  RETURN_IF_ERROR(CheckSize("RmsNorm", "out", out.size(), CheckedMul(n_rows, n)));
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
  if (n_tokens <= 0 || n_heads <= 0 || head_dim <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Rope: bad shape [", n_tokens, "][", n_heads, "][", head_dim, "]"));
  }
  RETURN_IF_ERROR(
      CheckSize("Rope", "x", x.size(), CheckedMul(CheckedMul(n_tokens, n_heads), head_dim)));
  RETURN_IF_ERROR(CheckSize("Rope", "positions", positions.size(), n_tokens));
  if (p.n_rot < 2 || p.n_rot % 2 != 0 || p.n_rot > head_dim) {
    return absl::InvalidArgumentError(
        absl::StrCat("Rope: n_rot ", p.n_rot, " is not an even number in 2..", head_dim));
  }
  if (!(p.freq_base > 0) || !(p.freq_scale > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Rope: freq_base ", p.freq_base, " and freq_scale ", p.freq_scale, " must be > 0"));
  }
  const int64_t half = p.n_rot / 2;
  if (!p.freq_factors.empty()) {
    RETURN_IF_ERROR(CheckSize("Rope", "freq_factors", p.freq_factors.size(), half));
  }
  // Per-pair inverse frequency (theta / pos).
  std::vector<double> inv_freq(static_cast<size_t>(half));
  for (int64_t i = 0; i < half; ++i) {
    double f = p.freq_scale *
               std::pow(static_cast<double>(p.freq_base), -2.0 * static_cast<double>(i) / p.n_rot);
    if (!p.freq_factors.empty()) f /= p.freq_factors[i];
    inv_freq[i] = f;
  }
  std::vector<float> cos_t(static_cast<size_t>(half)), sin_t(static_cast<size_t>(half));
  for (int64_t t = 0; t < n_tokens; ++t) {
    for (int64_t i = 0; i < half; ++i) {
      const double theta = positions[t] * inv_freq[i];
      cos_t[i] = static_cast<float>(std::cos(theta));
      sin_t[i] = static_cast<float>(std::sin(theta));
    }
    for (int64_t h = 0; h < n_heads; ++h) {
      float* v = x.data() + (t * n_heads + h) * head_dim;
      for (int64_t i = 0; i < half; ++i) {
        const int64_t a = p.style == RopeStyle::kNormal ? 2 * i : i;
        const int64_t b = p.style == RopeStyle::kNormal ? 2 * i + 1 : i + half;
        const float x0 = v[a];
        const float x1 = v[b];
        v[a] = x0 * cos_t[i] - x1 * sin_t[i];
        v[b] = x0 * sin_t[i] + x1 * cos_t[i];
      }
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
  RETURN_IF_ERROR(CheckSize("Add", "y", y.size(), static_cast<int64_t>(x.size())));
  for (size_t i = 0; i < x.size(); ++i) x[i] += y[i];
  return absl::OkStatus();
}

absl::Status CpuKernels::Mul(absl::Span<float> x, absl::Span<const float> y) const {
  RETURN_IF_ERROR(CheckSize("Mul", "y", y.size(), static_cast<int64_t>(x.size())));
  for (size_t i = 0; i < x.size(); ++i) x[i] *= y[i];
  return absl::OkStatus();
}

absl::Status CpuKernels::Attention(absl::Span<const float> q, absl::Span<const float> k,
                                   absl::Span<const float> v, const AttentionShape& s,
                                   absl::Span<float> out) const {
  if (s.n_tokens <= 0 || s.n_head <= 0 || s.n_head_kv <= 0 || s.head_dim <= 0 || s.n_kv <= 0 ||
      s.first_pos < 0 || s.n_head % s.n_head_kv != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Attention: bad shape (n_tokens ", s.n_tokens, ", n_head ", s.n_head,
                     ", n_head_kv ", s.n_head_kv, ", head_dim ", s.head_dim, ", n_kv ", s.n_kv,
                     ", first_pos ", s.first_pos, ")"));
  }
  if (s.first_pos > s.n_kv - s.n_tokens) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Attention: queries at positions ", s.first_pos, "..", s.first_pos + s.n_tokens - 1,
        " need more than the ", s.n_kv, " key/value positions given"));
  }
  const int64_t q_row = CheckedMul(s.n_head, s.head_dim);
  const int64_t kv_row = CheckedMul(s.n_head_kv, s.head_dim);
  RETURN_IF_ERROR(CheckSize("Attention", "q", q.size(), CheckedMul(s.n_tokens, q_row)));
  RETURN_IF_ERROR(CheckSize("Attention", "out", out.size(), CheckedMul(s.n_tokens, q_row)));
  const int64_t kv_needed = CheckedMul(s.n_kv, kv_row);
  if (kv_needed < 0 || k.size() < static_cast<uint64_t>(kv_needed) ||
      v.size() < static_cast<uint64_t>(kv_needed)) {
    return absl::InvalidArgumentError(absl::StrCat("Attention: k/v have ", k.size(), "/", v.size(),
                                                   " elements, need at least ", kv_needed));
  }
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
