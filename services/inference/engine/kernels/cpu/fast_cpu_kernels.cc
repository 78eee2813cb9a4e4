#include "services/inference/engine/kernels/cpu/fast_cpu_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "absl/strings/str_cat.h"
#include "lib/status/status_macros.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"
#include "services/inference/engine/kernels/kernel_args.h"

namespace fleet::engine::kernels {
namespace {

// Element-wise ops hand out chunks of this many elements (about 16 KiB of
// floats per input): below it, forking costs more than the work.
constexpr int64_t kElementGrain = 4096;

// Keys per online-softmax block in Attention.
constexpr int64_t kAttentionBlock = 64;

// MatMul's rows per task: enough tasks for dynamic balance (about 8 per
// thread), but rows in multiples of 4 and at least 8 so a task streams a
// useful run of weights.
int64_t RowChunk(int64_t n_out, int threads) {
  const int64_t target = (n_out + threads * 8 - 1) / (threads * 8);
  const int64_t chunk = std::clamp<int64_t>(target, 8, 1024);
  return (chunk + 3) / 4 * 4;
}

int DefaultThreadCount() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace

FastCpuKernels::FastCpuKernels(int threads, cpu::Isa isa)
    : isa_(isa),
      ops_(cpu::GetVecOps(isa)),
      name_(absl::StrCat("cpu-", cpu::IsaName(isa))),
      pool_(threads) {}

absl::StatusOr<std::unique_ptr<FastCpuKernels>> FastCpuKernels::Create(
    FastCpuKernelsOptions options) {
  if (options.threads < 0) {
    return absl::InvalidArgumentError(absl::StrCat("threads ", options.threads, " < 0"));
  }
  const int threads = options.threads == 0 ? DefaultThreadCount() : options.threads;
  cpu::Isa isa = cpu::DetectIsa();
  if (options.isa.has_value()) {
    const std::vector<cpu::Isa> supported = cpu::SupportedIsas();
    if (std::find(supported.begin(), supported.end(), *options.isa) == supported.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("this CPU cannot run the ", cpu::IsaName(*options.isa), " kernels"));
    }
    isa = *options.isa;
  }
  return std::make_unique<FastCpuKernels>(threads, isa);
}

void FastCpuKernels::Parallel(int64_t n, int64_t grain,
                              absl::FunctionRef<void(int64_t, int64_t)> fn) const {
  pool_.ParallelFor(n, grain, fn);
}

absl::Status FastCpuKernels::MatMul(const WeightView& w, absl::Span<const float> x, int64_t n_batch,
                                    absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckMatMulArgs(w, x, n_batch, out));
  const cpu::MatMulKernel* kernel = cpu::FindMatMulKernel(w.type, isa_);
  if (kernel == nullptr) return reference_.MatMul(w, x, n_batch, out);
  ASSIGN_OR_RETURN(const uint64_t row_bytes, RowBytes(w.type, w.n_in));

  std::lock_guard<std::mutex> lock(mu_);
  const uint8_t* act = reinterpret_cast<const uint8_t*>(x.data());
  size_t act_stride = static_cast<size_t>(w.n_in) * sizeof(float);
  if (kernel->act != cpu::ActivationFormat::kF32) {
    act_stride = kernel->act_row_bytes(w.n_in);
    const size_t needed = act_stride * static_cast<size_t>(n_batch);
    if (act_scratch_.size() < needed) act_scratch_.resize(needed);
    uint8_t* scratch = act_scratch_.data();
    const int64_t rows_per_chunk = std::max<int64_t>(1, kElementGrain * 4 / w.n_in);
    Parallel(n_batch, rows_per_chunk, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) {
        kernel->quantize_act(x.data() + b * w.n_in, w.n_in, scratch + b * act_stride);
      }
    });
    act = scratch;
  }

  // Tasks: row chunks x column tiles, row-chunk major so that consecutive
  // tasks reuse a chunk of weights while the activation tiles stay in cache.
  const int64_t row_chunk = RowChunk(w.n_out, pool_.size());
  const int64_t n_row_chunks = (w.n_out + row_chunk - 1) / row_chunk;
  const int64_t n_col_tiles = (n_batch + cpu::kMaxTileCols - 1) / cpu::kMaxTileCols;
  const size_t out_stride = static_cast<size_t>(w.n_out);
  Parallel(n_row_chunks * n_col_tiles, 1, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t r0 = task / n_col_tiles * row_chunk;
      const int64_t c0 = task % n_col_tiles * cpu::kMaxTileCols;
      cpu::GemmArgs args;
      args.n = w.n_in;
      args.w = w.data.data() + static_cast<size_t>(r0) * row_bytes;
      args.w_stride = row_bytes;
      args.n_rows = std::min(row_chunk, w.n_out - r0);
      args.act = act + static_cast<size_t>(c0) * act_stride;
      args.act_stride = act_stride;
      args.n_cols = std::min(cpu::kMaxTileCols, n_batch - c0);
      args.out = out.data() + static_cast<size_t>(c0) * out_stride + static_cast<size_t>(r0);
      args.out_stride = out_stride;
      kernel->gemm(args);
    }
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::GetRow(const WeightView& w, int64_t row, absl::Span<float> out) const {
  return reference_.GetRow(w, row, out);
}

absl::Status FastCpuKernels::RmsNorm(absl::Span<const float> x, absl::Span<const float> weight,
                                     float eps, int64_t n_rows, absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckRmsNormArgs(x, weight, n_rows, out));
  const int64_t n = static_cast<int64_t>(weight.size());
  std::lock_guard<std::mutex> lock(mu_);
  Parallel(n_rows, std::max<int64_t>(1, kElementGrain / n), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* xr = x.data() + r * n;
      float* yr = out.data() + r * n;
      const double mean = static_cast<double>(ops_.sum_squares(xr, n)) / static_cast<double>(n);
      const float scale = static_cast<float>(1.0 / std::sqrt(mean + eps));
      for (int64_t i = 0; i < n; ++i) yr[i] = xr[i] * scale * weight[i];
    }
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::Rope(absl::Span<float> x, int64_t n_tokens, int64_t n_heads,
                                  int64_t head_dim, absl::Span<const int32_t> positions,
                                  const RopeParams& p) const {
  RETURN_IF_ERROR(CheckRopeArgs(x, n_tokens, n_heads, head_dim, positions, p));
  const int64_t half = p.n_rot / 2;
  std::lock_guard<std::mutex> lock(mu_);
  if (rope_inv_freq_.size() < static_cast<size_t>(half)) rope_inv_freq_.resize(half);
  const size_t table = static_cast<size_t>(n_tokens * half * 2);
  if (rope_cos_sin_.size() < table) rope_cos_sin_.resize(table);
  RopeInverseFrequencies(p, absl::MakeSpan(rope_inv_freq_.data(), static_cast<size_t>(half)));
  const absl::Span<const double> inv_freq(rope_inv_freq_.data(), static_cast<size_t>(half));
  float* cos_sin = rope_cos_sin_.data();
  Parallel(n_tokens, std::max<int64_t>(1, 256 / half), [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      float* cs = cos_sin + t * half * 2;
      RopeCosSin(positions[t], inv_freq, cs);
      for (int64_t h = 0; h < n_heads; ++h) {
        RotatePairs(x.data() + (t * n_heads + h) * head_dim, half, p.style, cs);
      }
    }
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::Softmax(absl::Span<float> x) const { return reference_.Softmax(x); }

absl::Status FastCpuKernels::Silu(absl::Span<float> x) const {
  std::lock_guard<std::mutex> lock(mu_);
  Parallel(static_cast<int64_t>(x.size()), kElementGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) x[i] = x[i] / (1.0f + std::exp(-x[i]));
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::SwiGlu(absl::Span<float> gate, absl::Span<const float> up) const {
  RETURN_IF_ERROR(CheckSameSize("SwiGlu", gate.size(), up.size()));
  std::lock_guard<std::mutex> lock(mu_);
  Parallel(static_cast<int64_t>(gate.size()), kElementGrain, [&](int64_t begin, int64_t end) {
    ops_.swiglu(gate.data() + begin, up.data() + begin, gate.data() + begin, end - begin);
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::Add(absl::Span<float> x, absl::Span<const float> y) const {
  RETURN_IF_ERROR(CheckSameSize("Add", x.size(), y.size()));
  std::lock_guard<std::mutex> lock(mu_);
  Parallel(static_cast<int64_t>(x.size()), kElementGrain, [&](int64_t begin, int64_t end) {
    ops_.axpy(1.0f, y.data() + begin, x.data() + begin, end - begin);
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::Mul(absl::Span<float> x, absl::Span<const float> y) const {
  RETURN_IF_ERROR(CheckSameSize("Mul", x.size(), y.size()));
  std::lock_guard<std::mutex> lock(mu_);
  Parallel(static_cast<int64_t>(x.size()), kElementGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) x[i] *= y[i];
  });
  return absl::OkStatus();
}

absl::Status FastCpuKernels::Attention(absl::Span<const float> q, absl::Span<const float> k,
                                       absl::Span<const float> v, const AttentionShape& s,
                                       absl::Span<float> out) const {
  RETURN_IF_ERROR(CheckAttentionArgs(q, k, v, s, out));
  const int64_t q_row = s.n_head * s.head_dim;
  const int64_t kv_row = s.n_head_kv * s.head_dim;
  const int64_t group = s.n_head / s.n_head_kv;
  const int64_t d = s.head_dim;
  std::lock_guard<std::mutex> lock(mu_);
  // One task per (query row, head); the output row doubles as the
  // accumulator.
  Parallel(s.n_tokens * s.n_head, 1, [&](int64_t begin, int64_t end) {
    float scores[kAttentionBlock];
    for (int64_t task = begin; task < end; ++task) {
      const int64_t t = task / s.n_head;
      const int64_t h = task % s.n_head;
      const int64_t g = h / group;
      const int64_t n_seen = s.first_pos + t + 1;
      const float* qh = q.data() + t * q_row + h * d;
      float* oh = out.data() + t * q_row + h * d;
      std::fill(oh, oh + d, 0.0f);
      float running_max = -std::numeric_limits<float>::infinity();
      float running_sum = 0.0f;
      for (int64_t j0 = 0; j0 < n_seen; j0 += kAttentionBlock) {
        const int64_t nb = std::min(kAttentionBlock, n_seen - j0);
        ops_.dots(qh, k.data() + j0 * kv_row + g * d, kv_row, nb, d, scores);
        float block_max = -std::numeric_limits<float>::infinity();
        for (int64_t jj = 0; jj < nb; ++jj) {
          scores[jj] *= s.scale;
          block_max = std::max(block_max, scores[jj]);
        }
        if (block_max > running_max) {
          if (running_sum > 0.0f) {
            const float rescale = std::exp(running_max - block_max);
            ops_.scale(rescale, oh, d);
            running_sum *= rescale;
          }
          running_max = block_max;
        }
        for (int64_t jj = 0; jj < nb; ++jj) {
          scores[jj] = std::exp(scores[jj] - running_max);
          running_sum += scores[jj];
        }
        ops_.weighted_sum(scores, v.data() + j0 * kv_row + g * d, kv_row, nb, d, oh);
      }
      ops_.scale(1.0f / running_sum, oh, d);
    }
  });
  return absl::OkStatus();
}

}  // namespace fleet::engine::kernels
