#pragma once
// The error measure tests use to compare engine logits (float) with the
// reference (double).
//
// Thread safety: a pure function.

#include "absl/types/span.h"

namespace fleet::engine::testing {

// The largest absolute difference, relative to the largest magnitude of the
// reference:
//   max_i |got_i - want_i| / max(max_i |want_i|, 1e-30)
// So 1e-4 means "no element is off by more than 1e-4 of the biggest value"
// (a scale-aware bound that does not blow up on elements near zero).
// Returns +infinity when the sizes differ or any element of either side is
// NaN or infinite (so `< bound` checks fail), and 0 for two empty spans.
double MaxRelativeError(absl::Span<const float> got, absl::Span<const double> want);

}  // namespace fleet::engine::testing
