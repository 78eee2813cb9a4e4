#include "tools/fleet-engine/memory_bandwidth.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "services/inference/engine/kernels/cpu/thread_pool.h"

namespace fleet::tools {
namespace {

// Sums the 64-bit words of [p, p + n) (n a multiple of 16 words) with 256-bit
// loads, four independent accumulators.
__attribute__((target("avx2"))) uint64_t SumWordsAvx2(const uint64_t* p, size_t n) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < n; i += 16) {
    a0 = _mm256_add_epi64(a0, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i)));
    a1 = _mm256_add_epi64(a1, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 4)));
    a2 = _mm256_add_epi64(a2, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 8)));
    a3 = _mm256_add_epi64(a3, _mm256_load_si256(reinterpret_cast<const __m256i*>(p + i + 12)));
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
                     _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3)));
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

uint64_t SumWordsPortable(const uint64_t* p, size_t n) {
  uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (size_t i = 0; i < n; i += 4) {
    s0 += p[i];
    s1 += p[i + 1];
    s2 += p[i + 2];
    s3 += p[i + 3];
  }
  return s0 + s1 + s2 + s3;
}

}  // namespace

BandwidthResult MeasureReadBandwidth(int threads, uint64_t bytes, int passes) {
  threads = std::max(1, threads);
  passes = std::max(1, passes);
  const uint64_t per_thread = std::max<uint64_t>(bytes / threads / 4096 * 4096, 4096);
  const size_t words_per_thread = per_thread / sizeof(uint64_t);
  const size_t total_words = words_per_thread * static_cast<size_t>(threads);
  std::unique_ptr<uint64_t, decltype(&std::free)> buffer(
      static_cast<uint64_t*>(std::aligned_alloc(4096, total_words * sizeof(uint64_t))), &std::free);
  engine::kernels::cpu::ThreadPool pool(threads);
  // Each thread writes its own slice first (first touch places its pages).
  pool.Run([&](int t) {
    uint64_t* slice = buffer.get() + static_cast<size_t>(t) * words_per_thread;
    for (size_t i = 0; i < words_per_thread; ++i) slice[i] = i ^ static_cast<uint64_t>(t);
  });
  const bool avx2 = __builtin_cpu_supports("avx2");
  std::vector<uint64_t> sums(static_cast<size_t>(threads));
  std::vector<double> rates;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = std::chrono::steady_clock::now();
    pool.Run([&](int t) {
      const uint64_t* slice = buffer.get() + static_cast<size_t>(t) * words_per_thread;
      sums[static_cast<size_t>(t)] +=
          avx2 ? SumWordsAvx2(slice, words_per_thread) : SumWordsPortable(slice, words_per_thread);
    });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(static_cast<double>(total_words * sizeof(uint64_t)) / seconds / 1e9);
  }
  // The sums are used so that the reads cannot be optimised away.
  uint64_t checksum = 0;
  for (uint64_t s : sums) checksum += s;
  asm volatile("" : : "r"(checksum));
  std::sort(rates.begin(), rates.end());
  BandwidthResult r;
  r.best_gb_s = rates.back();
  r.median_gb_s = rates[rates.size() / 2];
  r.bytes = total_words * sizeof(uint64_t);
  r.threads = threads;
  r.passes = passes;
  return r;
}

}  // namespace fleet::tools
