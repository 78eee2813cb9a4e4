#include "tests/services/inference/engine/model/reference/relative_error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fleet::engine::testing {

double MaxRelativeError(absl::Span<const float> got, absl::Span<const double> want) {
  constexpr double kTiny = 1e-30;
  const double kInf = std::numeric_limits<double>::infinity();
  if (got.size() != want.size()) return kInf;
  double max_diff = 0;
  double max_want = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double g = static_cast<double>(got[i]);
    if (!std::isfinite(g) || !std::isfinite(want[i])) return kInf;
    max_diff = std::max(max_diff, std::fabs(g - want[i]));
    max_want = std::max(max_want, std::fabs(want[i]));
  }
  return max_diff / std::max(max_want, kTiny);
}

}  // namespace fleet::engine::testing
