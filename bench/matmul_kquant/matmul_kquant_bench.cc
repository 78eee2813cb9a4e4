// Micro benchmark of the Q4_K/Q5_K/Q6_K tile kernels (FindKQuantKernel),
// portable and AVX2, one thread:
//   Decode/<type>/<isa>/<rows>x<n>   n_cols = 1; bytes/s = weight bytes
//                                    streamed per second.
//   Prompt/<type>/<isa>/<rows>x<n>   n_cols = 64; GOP/s = 2 * rows * n * 64
//                                    multiply-adds counted as 2 ops.
// References measured in the same run:
//   ReadBandwidth/<bytes>            an AVX2 sum over a buffer of the same
//                                    size as the Q4_K weights: what decode
//                                    could reach.
//   Prompt/<type>/avx2-vecdot/...    the AVX2 single-column kernel called
//                                    once per column, i.e. llama.cpp's AVX2
//                                    scheme (ggml_vec_dot_q*_K_q8_K per row
//                                    and column, re-decoding the weights for
//                                    every column).
//   QuantizeAct/<isa>                64 activation rows to Q8_K.
// Weights are random bytes with finite, moderate fp16 scales (the kernels'
// speed does not depend on the values); activations are encoded once,
// outside the timed loop. Run with --benchmark_min_time=0.2.

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "services/inference/engine/gguf/ggml_types.h"
#include "services/inference/engine/kernels/cpu/isa.h"
#include "services/inference/engine/kernels/cpu/matmul/kquant/kquant_kernels.h"
#include "services/inference/engine/kernels/cpu/matmul/matmul_kernel.h"
#include "services/inference/engine/quant/block_layout.h"
#include "services/inference/engine/quant/fp16.h"

namespace fleet::engine::kernels::cpu {
namespace {

using gguf::GgmlType;

struct Shape {
  int64_t rows;
  int64_t n;
};
constexpr Shape kDecodeShapes[] = {{4864, 1536}, {8192, 8192}};  // ~4 MB (L3) and ~38 MB (DRAM)
constexpr Shape kPromptShape = {4864, 1536};
constexpr int64_t kPromptCols = 64;

struct Problem {
  std::vector<uint8_t> w;
  size_t w_stride = 0;
  std::vector<uint8_t> act;
  size_t act_stride = 0;
  std::vector<float> out;
  GemmArgs args;
};

// Random quant bytes; every fp16 scale set to a moderate finite value.
std::vector<uint8_t> RandomWeights(GgmlType type, Shape shape, size_t* stride) {
  const gguf::GgmlTypeTraits* t = gguf::FindSupportedGgmlType(type);
  *stride = static_cast<size_t>(shape.n) / t->block_size * t->bytes_per_block;
  std::vector<uint8_t> w(*stride * shape.rows);
  std::mt19937_64 rng(1);
  for (size_t i = 0; i + 8 <= w.size(); i += 8) {
    const uint64_t v = rng();
    std::memcpy(&w[i], &v, 8);
  }
  const uint16_t scale = quant::FloatToHalf(0.0123f);
  for (size_t blk = 0; blk < w.size(); blk += t->bytes_per_block) {
    if (type == GgmlType::kQ6_K) {
      quant::StoreU16(&w[blk + quant::kQ6_KDOffset], scale);
    } else {
      quant::StoreU16(&w[blk], scale);
      quant::StoreU16(&w[blk + 2], scale);
    }
  }
  return w;
}

void MakeProblem(const MatMulKernel& k, Shape shape, int64_t n_cols, Problem* p) {
  p->w = RandomWeights(k.weight_type, shape, &p->w_stride);
  p->act_stride = k.act_row_bytes(shape.n);
  p->act.resize(p->act_stride * n_cols);
  std::mt19937 rng(2);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> row(static_cast<size_t>(shape.n));
  for (int64_t c = 0; c < n_cols; ++c) {
    for (float& v : row) v = normal(rng);
    k.quantize_act(row.data(), shape.n, p->act.data() + c * p->act_stride);
  }
  p->out.resize(static_cast<size_t>(shape.rows * n_cols));
  p->args = GemmArgs{.n = shape.n,
                     .w = p->w.data(),
                     .w_stride = p->w_stride,
                     .n_rows = shape.rows,
                     .act = p->act.data(),
                     .act_stride = p->act_stride,
                     .n_cols = n_cols,
                     .out = p->out.data(),
                     .out_stride = static_cast<size_t>(shape.rows)};
}

void SetCounters(benchmark::State& state, const Problem& p, Shape shape, int64_t n_cols) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(p.w.size()));
  state.counters["GOP/s"] = benchmark::Counter(
      2.0 * shape.rows * shape.n * n_cols * static_cast<double>(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
}

void RunGemm(benchmark::State& state, GgmlType type, Isa isa, Shape shape, int64_t n_cols) {
  const MatMulKernel* k = FindKQuantKernel(type, isa);
  if (k == nullptr) {
    state.SkipWithError("no kernel");
    return;
  }
  Problem p;
  MakeProblem(*k, shape, n_cols, &p);
  for (auto _ : state) {
    k->gemm(p.args);
    benchmark::DoNotOptimize(p.out.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, p, shape, n_cols);
}

// llama.cpp's AVX2 scheme: the single-column kernel once per column.
void RunVecDotPerColumn(benchmark::State& state, GgmlType type, Shape shape, int64_t n_cols) {
  const MatMulKernel* k = FindKQuantKernel(type, Isa::kAvx2);
  void (*gemv)(const GemmArgs&) = type == GgmlType::kQ4_K   ? &kquant_detail::GemvQ4KAvx2
                                  : type == GgmlType::kQ5_K ? &kquant_detail::GemvQ5KAvx2
                                                            : &kquant_detail::GemvQ6KAvx2;
  Problem p;
  MakeProblem(*k, shape, n_cols, &p);
  for (auto _ : state) {
    for (int64_t c = 0; c < n_cols; ++c) {
      GemmArgs one = p.args;
      one.act = p.args.act + c * p.args.act_stride;
      one.n_cols = 1;
      one.out = p.args.out + c * p.args.out_stride;
      gemv(one);
    }
    benchmark::DoNotOptimize(p.out.data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, p, shape, n_cols);
}

__attribute__((target("avx2"))) uint64_t SumBytes(const uint8_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    a0 = _mm256_add_epi64(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_add_epi64(a1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
    a2 = _mm256_add_epi64(a2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
    a3 = _mm256_add_epi64(a3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
  }
  const __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
  uint64_t lanes[4];
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes), s);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

void RunReadBandwidth(benchmark::State& state, size_t bytes) {
  std::vector<uint8_t> buf(bytes, 1);
  for (auto _ : state) benchmark::DoNotOptimize(SumBytes(buf.data(), buf.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
}

void RunQuantizeAct(benchmark::State& state, Isa isa) {
  const MatMulKernel* k = FindKQuantKernel(GgmlType::kQ4_K, isa);
  const int64_t n = kPromptShape.n;
  std::vector<float> x(static_cast<size_t>(n * kPromptCols));
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (float& v : x) v = normal(rng);
  std::vector<uint8_t> out(k->act_row_bytes(n) * kPromptCols);
  for (auto _ : state) {
    for (int64_t c = 0; c < kPromptCols; ++c) {
      k->quantize_act(x.data() + c * n, n, out.data() + c * k->act_row_bytes(n));
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(x.size() * sizeof(float)));
}

bool HaveAvx2() {
  for (Isa isa : SupportedIsas()) {
    if (isa == Isa::kAvx2) return true;
  }
  return false;
}

void RegisterAll() {
  const std::vector<Isa> isas = SupportedIsas();
  const std::pair<GgmlType, const char*> types[] = {
      {GgmlType::kQ4_K, "Q4_K"}, {GgmlType::kQ5_K, "Q5_K"}, {GgmlType::kQ6_K, "Q6_K"}};
  const auto shape_name = [](Shape s) { return absl::StrCat(s.rows, "x", s.n); };
  for (Shape shape : kDecodeShapes) {
    if (HaveAvx2()) {
      size_t stride;
      const size_t bytes = RandomWeights(GgmlType::kQ4_K, shape, &stride).size();
      benchmark::RegisterBenchmark(
          absl::StrCat("ReadBandwidth/", bytes).c_str(),
          [bytes](benchmark::State& state) { RunReadBandwidth(state, bytes); })
          ->Unit(benchmark::kMicrosecond);
    }
    for (const auto& [type, name] : types) {
      for (Isa isa : isas) {
        benchmark::RegisterBenchmark(
            absl::StrCat("Decode/", name, "/", IsaName(isa), "/", shape_name(shape)).c_str(),
            [type = type, isa, shape](benchmark::State& state) {
              RunGemm(state, type, isa, shape, 1);
            })
            ->Unit(benchmark::kMicrosecond);
      }
    }
  }
  for (const auto& [type, name] : types) {
    for (Isa isa : isas) {
      benchmark::RegisterBenchmark(
          absl::StrCat("Prompt/", name, "/", IsaName(isa), "/", shape_name(kPromptShape)).c_str(),
          [type = type, isa](benchmark::State& state) {
            RunGemm(state, type, isa, kPromptShape, kPromptCols);
          })
          ->Unit(benchmark::kMillisecond);
    }
    if (HaveAvx2()) {
      benchmark::RegisterBenchmark(
          absl::StrCat("Prompt/", name, "/avx2-vecdot/", shape_name(kPromptShape)).c_str(),
          [type = type](benchmark::State& state) {
            RunVecDotPerColumn(state, type, kPromptShape, kPromptCols);
          })
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (Isa isa : isas) {
    benchmark::RegisterBenchmark(absl::StrCat("QuantizeAct/", IsaName(isa)).c_str(),
                                 [isa](benchmark::State& state) { RunQuantizeAct(state, isa); })
        ->Unit(benchmark::kMicrosecond);
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
