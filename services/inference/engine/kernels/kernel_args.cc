#include "services/inference/engine/kernels/kernel_args.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"

namespace fleet::engine::kernels {
namespace {

// OK when the span holds exactly `expected` elements (expected < 0 means the
// shape product overflowed).
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

}  // namespace

absl::Status CheckMatMulArgs(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                             absl::Span<const float> out) {
  RETURN_IF_ERROR(ValidateWeightView(w, "MatMul: weight"));
  if (n_batch <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("MatMul: n_batch ", n_batch, " <= 0"));
  }
  RETURN_IF_ERROR(CheckSize("MatMul", "x", x.size(), CheckedMul(n_batch, w.n_in)));
  return CheckSize("MatMul", "out", out.size(), CheckedMul(n_batch, w.n_out));
}

absl::Status CheckGetRowArgs(const WeightView& w, int64_t row, absl::Span<const float> out) {
  RETURN_IF_ERROR(ValidateWeightView(w, "GetRow: weight"));
  if (row < 0 || row >= w.n_out) {
    return absl::InvalidArgumentError(
        absl::StrCat("GetRow: row ", row, " is outside 0..", w.n_out - 1));
  }
  return CheckSize("GetRow", "out", out.size(), w.n_in);
}

absl::Status CheckRmsNormArgs(absl::Span<const float> x, absl::Span<const float> weight,
                              int64_t n_rows, absl::Span<const float> out) {
  const int64_t n = static_cast<int64_t>(weight.size());
  if (n == 0 || n_rows <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("RmsNorm: empty shape (", n_rows, " rows of ", n, ")"));
  }
  RETURN_IF_ERROR(CheckSize("RmsNorm", "x", x.size(), CheckedMul(n_rows, n)));
  return CheckSize("RmsNorm", "out", out.size(), CheckedMul(n_rows, n));
}

absl::Status CheckRopeArgs(absl::Span<const float> x, int64_t n_tokens, int64_t n_heads,
                           int64_t head_dim, absl::Span<const int32_t> positions,
                           const RopeParams& p) {
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
  if (!p.freq_factors.empty()) {
    RETURN_IF_ERROR(CheckSize("Rope", "freq_factors", p.freq_factors.size(), p.n_rot / 2));
  }
  return absl::OkStatus();
}

absl::Status CheckAttentionArgs(absl::Span<const float> q, absl::Span<const float> k,
                                absl::Span<const float> v, const AttentionShape& s,
                                absl::Span<const float> out) {
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
  return absl::OkStatus();
}

absl::Status CheckSameSize(absl::string_view op, size_t x_size, size_t y_size) {
  return CheckSize(op, "y", y_size, static_cast<int64_t>(x_size));
}

void RopeInverseFrequencies(const RopeParams& p, absl::Span<double> inv_freq) {
  const int64_t half = p.n_rot / 2;
  for (int64_t i = 0; i < half; ++i) {
    double f = p.freq_scale *
               std::pow(static_cast<double>(p.freq_base), -2.0 * static_cast<double>(i) / p.n_rot);
    if (!p.freq_factors.empty()) f /= p.freq_factors[i];
    inv_freq[i] = f;
  }
}

void RopeCosSin(int32_t pos, absl::Span<const double> inv_freq, float* cos_sin) {
  for (size_t i = 0; i < inv_freq.size(); ++i) {
    const double theta = pos * inv_freq[i];
    cos_sin[2 * i] = static_cast<float>(std::cos(theta));
    cos_sin[2 * i + 1] = static_cast<float>(std::sin(theta));
  }
}

void RotatePairs(float* v, int64_t half, RopeStyle style, const float* cos_sin) {
  for (int64_t i = 0; i < half; ++i) {
    const int64_t a = style == RopeStyle::kNormal ? 2 * i : i;
    const int64_t b = style == RopeStyle::kNormal ? 2 * i + 1 : i + half;
    const float x0 = v[a];
    const float x1 = v[b];
    v[a] = x0 * cos_sin[2 * i] - x1 * cos_sin[2 * i + 1];
    v[b] = x0 * cos_sin[2 * i + 1] + x1 * cos_sin[2 * i];
  }
}

}  // namespace fleet::engine::kernels
