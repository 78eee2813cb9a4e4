#pragma once
// The op set of the forward pass, as one abstract interface, so that a
// faster CPU implementation or a CUDA one replaces the reference in one place
// (the Session takes a `const Kernels&`; DefaultKernels() in
// kernels/cpu/cpu_kernels.h is the reference CPU implementation).
//
// Data: activations are float, row-major, in caller-owned spans; every op
// states the shape of its buffers in a comment ([rows][cols], cols
// contiguous). Weight matrices stay in their GGUF encoding (WeightView).
//
// Errors: every op checks the sizes of its spans against the shape arguments
// and returns INVALID_ARGUMENT naming the op and the buffer on a mismatch
// (nothing is written then); MatMul also reports a weight type the backend
// cannot decode. Ops never read or write outside the given spans.
//
// Thread safety: implementations are stateless (or internally synchronised);
// every method is const and may be called from any number of threads at once
// on disjoint output buffers. Ops block until their result is in `out`.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"

namespace fleet::engine::kernels {

// A weight matrix as stored in a GGUF tensor of ggml dims {n_in, n_out}:
// n_out rows, each of n_in elements of `type`, each row RowBytes(type, n_in)
// bytes, rows contiguous. `data` is exactly n_out * RowBytes(type, n_in) bytes.
struct WeightView {
  gguf::GgmlType type = gguf::GgmlType::kF32;
  int64_t n_in = 0;   // row length (ggml dims[0])
  int64_t n_out = 0;  // row count (ggml dims[1])
  absl::Span<const uint8_t> data = {};
};

// Bytes of one row of n elements of a supported type. INVALID_ARGUMENT for an
// unsupported type, n <= 0 or n not a multiple of the block size.
absl::StatusOr<uint64_t> RowBytes(gguf::GgmlType type, int64_t n);

// OK when `w` is consistent: supported type, n_in > 0 and a multiple of the
// block size, n_out > 0, data.size() == n_out * RowBytes(type, n_in).
// The message starts with `what` (e.g. the tensor name).
absl::Status ValidateWeightView(const WeightView& w, absl::string_view what);

// How rope pairs dimensions (ggml's rope modes).
enum class RopeStyle {
  kNormal,  // LLAMA_ROPE_TYPE_NORM (0): rotates pairs (2i, 2i+1)
  kNeox,    // LLAMA_ROPE_TYPE_NEOX (2): rotates pairs (i, i + n_rot/2)
};
absl::string_view RopeStyleName(RopeStyle style);  // "normal", "neox"

// Rotary position embedding parameters. For pair i (0 <= i < n_rot/2):
//   theta_i = pos * freq_scale * freq_base^(-2i/n_rot) / freq_factors[i]
// (freq_factors[i] taken as 1 when freq_factors is empty), and the pair
// (a, b) becomes (a cos theta_i - b sin theta_i, a sin theta_i + b cos theta_i).
// Dimensions n_rot..head_dim-1 are left as they are.
struct RopeParams {
  RopeStyle style = RopeStyle::kNormal;
  int64_t n_rot = 0;                          // rotated dimensions per head: even, 2..head_dim
  float freq_base = 10000;                    // > 0
  float freq_scale = 1;                       // 1 / linear scaling factor; > 0
  absl::Span<const float> freq_factors = {};  // empty, or n_rot/2 values > 0
};

// Shape of one causal multi-head attention call (grouped-query: q head h
// reads kv head h / (n_head / n_head_kv)).
struct AttentionShape {
  int64_t n_tokens = 0;   // query rows
  int64_t n_head = 0;     // query heads; a multiple of n_head_kv
  int64_t n_head_kv = 0;  // key/value heads
  int64_t head_dim = 0;
  int64_t n_kv = 0;       // key/value positions available (0..n_kv-1)
  int64_t first_pos = 0;  // position of query row 0; row t attends to 0..first_pos+t
  float scale = 1;        // applied to q.k before the softmax (1/sqrt(head_dim))
};

class Kernels {
 public:
  virtual ~Kernels() = default;

  // A short name for logs ("cpu-reference").
  virtual absl::string_view name() const = 0;

  // out[b][o] = sum_i w[o][i] * x[b][i]
  //   x: [n_batch][w.n_in], out: [n_batch][w.n_out]
  // The accumulation order is the backend's; it states it.
  virtual absl::Status MatMul(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                              absl::Span<float> out) const = 0;

  // Row `row` of `w` decoded to floats (an embedding lookup).
  //   out: [w.n_in]; INVALID_ARGUMENT if row is outside 0..n_out-1.
  virtual absl::Status GetRow(const WeightView& w, int64_t row, absl::Span<float> out) const = 0;

  // out[r][i] = x[r][i] / sqrt(mean_j(x[r][j]^2) + eps) * weight[i]
  //   x, out: [n_rows][n] with n = weight.size(); out may alias x.
  virtual absl::Status RmsNorm(absl::Span<const float> x, absl::Span<const float> weight, float eps,
                               int64_t n_rows, absl::Span<float> out) const = 0;

  // In-place rope of x: [n_tokens][n_heads][head_dim]; token t is at
  // positions[t] (positions.size() == n_tokens).
  virtual absl::Status Rope(absl::Span<float> x, int64_t n_tokens, int64_t n_heads,
                            int64_t head_dim, absl::Span<const int32_t> positions,
                            const RopeParams& params) const = 0;

  // In place: x[i] = exp(x[i] - max) / sum_j exp(x[j] - max). Empty x is OK.
  virtual absl::Status Softmax(absl::Span<float> x) const = 0;

  // In place: x[i] = x[i] / (1 + exp(-x[i])).
  virtual absl::Status Silu(absl::Span<float> x) const = 0;

  // In place, same sizes: gate[i] = silu(gate[i]) * up[i] (the SwiGLU
  // feed-forward's activation). The default calls Silu then Mul.
  virtual absl::Status SwiGlu(absl::Span<float> gate, absl::Span<const float> up) const;

  // In place, same sizes: x[i] += y[i] / x[i] *= y[i].
  virtual absl::Status Add(absl::Span<float> x, absl::Span<const float> y) const = 0;
  virtual absl::Status Mul(absl::Span<float> x, absl::Span<const float> y) const = 0;

  // Causal grouped-query attention.
  //   q:   [n_tokens][n_head][head_dim]
  //   k,v: [n_kv][n_head_kv][head_dim] (at least n_kv rows; extra rows ignored)
  //   out: [n_tokens][n_head][head_dim]
  // For query row t, head h, kv head g = h / (n_head / n_head_kv) and
  // last = min(first_pos + t, n_kv - 1):
  //   s_j = scale * q[t][h] . k[j][g]    (j = 0..last)
  //   out[t][h] = sum_j softmax(s)_j * v[j][g]
  // INVALID_ARGUMENT also when first_pos + n_tokens > n_kv (a query would
  // see keys that were never written).
  virtual absl::Status Attention(absl::Span<const float> q, absl::Span<const float> k,
                                 absl::Span<const float> v, const AttentionShape& shape,
                                 absl::Span<float> out) const = 0;
};

}  // namespace fleet::engine::kernels
