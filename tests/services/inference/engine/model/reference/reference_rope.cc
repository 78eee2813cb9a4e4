#include "tests/services/inference/engine/model/reference/reference_rope.h"

#include <cmath>

namespace fleet::engine::testing {

void ApplyRope(RopeStyle style, absl::Span<double> head, int64_t n_rot, int64_t pos,
               double freq_base, absl::Span<const double> freq_factors, double linear_factor) {
  const int64_t half = n_rot / 2;
  for (int64_t i = 0; i < half; ++i) {
    double theta = static_cast<double>(pos) *
                   std::pow(freq_base, -2.0 * static_cast<double>(i) / static_cast<double>(n_rot));
    if (!freq_factors.empty()) theta /= freq_factors[i];
    theta /= linear_factor;
    const int64_t ia = style == RopeStyle::kNormal ? 2 * i : i;
    const int64_t ib = style == RopeStyle::kNormal ? 2 * i + 1 : i + half;
    const double a = head[ia];
    const double b = head[ib];
    head[ia] = a * std::cos(theta) - b * std::sin(theta);
    head[ib] = a * std::sin(theta) + b * std::cos(theta);
  }
}

}  // namespace fleet::engine::testing
