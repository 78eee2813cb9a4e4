// Micro benchmark of the F32/F16/BF16/Q8_0/Q4_0 tile kernels
// (FindFloatQ0Kernel), portable and AVX2, on one 4864 x 896 weight matrix
// (Qwen2-0.5B's FFN shape):
//   Decode/<type>/<isa>   n_cols = 1; bytes/s = weight bytes streamed.
//   Prompt/<type>/<isa>   n_cols = 64; GFLOP/s = 2 * rows * n * cols / time.
// One thread, the whole matrix as one tile. Activations are encoded once,
// outside the timed loop. Run with --benchmark_min_time=0.2.

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"
#include "services/inference/engine/quant/quantize.h"

namespace fleet::engine::kernels::cpu {
namespace {

using gguf::GgmlType;

constexpr int64_t kRows = 4864;
constexpr int64_t kN = 896;

struct Problem {
  std::vector<uint8_t> w;
  size_t w_stride = 0;
  std::vector<uint8_t> act;
  size_t act_stride = 0;
  std::vector<float> out;
};

Problem MakeProblem(const MatMulKernel& k, int64_t n_cols) {
  Problem p;
  const gguf::GgmlTypeTraits* t = gguf::FindSupportedGgmlType(k.weight_type);
  p.w_stride = kN / t->block_size * t->bytes_per_block;
  p.w.resize(p.w_stride * kRows);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> row(kN);
  for (int64_t r = 0; r < kRows; ++r) {
    for (float& v : row) v = normal(rng);
    if (!quant::QuantizeRow(k.weight_type, row,
                            absl::MakeSpan(p.w.data() + r * p.w_stride, p.w_stride))
             .ok()) {
      std::abort();
    }
  }
  p.act_stride = k.act_row_bytes(kN);
  p.act.resize(p.act_stride * n_cols);
  for (int64_t c = 0; c < n_cols; ++c) {
    for (float& v : row) v = normal(rng);
    k.quantize_act(row.data(), kN, p.act.data() + c * p.act_stride);
  }
  p.out.resize(static_cast<size_t>(kRows * n_cols));
  return p;
}

void RunTile(benchmark::State& state, GgmlType type, Isa isa, int64_t n_cols) {
  const MatMulKernel* k = FindFloatQ0Kernel(type, isa);
  if (k == nullptr) {
    state.SkipWithError("no kernel");
    return;
  }
  Problem p = MakeProblem(*k, n_cols);
  GemmArgs args;
  args.n = kN;
  args.w = p.w.data();
  args.w_stride = p.w_stride;
  args.n_rows = kRows;
  args.act = p.act.data();
  args.act_stride = p.act_stride;
  args.n_cols = n_cols;
  args.out = p.out.data();
  args.out_stride = kRows;
  for (auto _ : state) {
    k->gemm(args);
    benchmark::DoNotOptimize(p.out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(p.w.size()));
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * kRows * kN * n_cols * static_cast<double>(state.iterations()) / 1e9,
                         benchmark::Counter::kIsRate);
}

void RegisterAll() {
  const std::vector<Isa> isas = SupportedIsas();
  const std::pair<GgmlType, const char*> types[] = {{GgmlType::kQ8_0, "Q8_0"},
                                                    {GgmlType::kQ4_0, "Q4_0"},
                                                    {GgmlType::kF16, "F16"},
                                                    {GgmlType::kBF16, "BF16"},
                                                    {GgmlType::kF32, "F32"}};
  for (int64_t n_cols : {int64_t{1}, int64_t{64}}) {
    for (const auto& [type, name] : types) {
      for (Isa isa : isas) {
        const std::string label =
            absl::StrCat(n_cols == 1 ? "Decode/" : "Prompt/", name, "/", IsaName(isa));
        benchmark::RegisterBenchmark(label.c_str(), [type = type, isa,
                                                     n_cols](benchmark::State& state) {
          RunTile(state, type, isa, n_cols);
        })->Unit(benchmark::kMicrosecond);
      }
    }
  }
}

}  // namespace
}  // namespace fleet::engine::kernels::cpu

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  fleet::engine::kernels::cpu::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
