#pragma once
// Rotary position embedding for the reference forward pass (tests only),
// in double, written from the definition rather than from any kernel.
//
// For pair i (0 <= i < n_rot/2) the angle is
//   theta_i = pos * freq_base^(-2i / n_rot) / freq_factor_i / linear_factor
// (freq_factor_i = 1 when no factors are given) and the pair (a, b) becomes
//   (a cos theta_i - b sin theta_i,  a sin theta_i + b cos theta_i).
// The pair is (head[2i], head[2i+1]) in RopeStyle::kNormal (llama) and
// (head[i], head[i + n_rot/2]) in RopeStyle::kNeox (qwen2). Elements at
// n_rot and beyond are left unchanged.
//
// Preconditions (checked by the caller, ReferenceModel::Load): n_rot even,
// 0 < n_rot <= head.size(), freq_factors empty or of size n_rot/2.
//
// Thread safety: a pure function of its arguments.

#include <cstdint>

#include "absl/types/span.h"
#include "tests/services/inference/engine/model/reference/reference_hparams.h"

namespace fleet::engine::testing {

void ApplyRope(RopeStyle style, absl::Span<double> head, int64_t n_rot, int64_t pos,
               double freq_base, absl::Span<const double> freq_factors, double linear_factor);

}  // namespace fleet::engine::testing
