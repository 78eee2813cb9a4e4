#pragma once
// The argument checks of kernels.h's ops, shared by every backend so that all
// of them reject the same calls with the same messages (kernels.h states
// them; each returns OK or INVALID_ARGUMENT naming the op and the buffer),
// and the rope formula's pieces, so that backends compute it identically.
//
// Thread safety: pure functions.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "services/inference/engine/kernels/kernels.h"

namespace fleet::engine::kernels {

absl::Status CheckMatMulArgs(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                             absl::Span<const float> out);
absl::Status CheckGetRowArgs(const WeightView& w, int64_t row, absl::Span<const float> out);
absl::Status CheckRmsNormArgs(absl::Span<const float> x, absl::Span<const float> weight,
                              int64_t n_rows, absl::Span<const float> out);
absl::Status CheckRopeArgs(absl::Span<const float> x, int64_t n_tokens, int64_t n_heads,
                           int64_t head_dim, absl::Span<const int32_t> positions,
                           const RopeParams& params);
absl::Status CheckAttentionArgs(absl::Span<const float> q, absl::Span<const float> k,
                                absl::Span<const float> v, const AttentionShape& shape,
                                absl::Span<const float> out);
// `op`: y must have as many elements as x.
absl::Status CheckSameSize(absl::string_view op, size_t x_size, size_t y_size);

// Rope's per-pair inverse frequency, inv_freq[i] = theta_i / pos (kernels.h's
// formula), computed in double; inv_freq.size() == params.n_rot / 2. Params
// must have passed CheckRopeArgs.
void RopeInverseFrequencies(const RopeParams& params, absl::Span<double> inv_freq);

// cos_sin[2i], cos_sin[2i+1] = cos, sin of pos * inv_freq[i] (computed in
// double, rounded to float), for i < inv_freq.size().
void RopeCosSin(int32_t pos, absl::Span<const double> inv_freq, float* cos_sin);

// Rotates the pairs of one head vector `v` by the angles of `cos_sin`
// (RopeCosSin's layout, `half` pairs): normal style pairs (2i, 2i+1), NeoX
// style (i, i + half).
void RotatePairs(float* v, int64_t half, RopeStyle style, const float* cos_sin);

}  // namespace fleet::engine::kernels
