#pragma once
// The machine's memory read bandwidth, measured the way a decode step reads
// weights: each thread streams its own contiguous slice of a buffer much
// larger than the last-level cache, with 256-bit loads where the CPU has
// AVX2. The best of several passes is reported (a noisy neighbour only ever
// slows a pass down).
//
// Thread safety: MeasureReadBandwidth uses its own threads; call it from one
// thread at a time.

#include <cstdint>

namespace fleet::tools {

struct BandwidthResult {
  double best_gb_s = 0;    // 1e9 bytes per second, best pass
  double median_gb_s = 0;  // median pass
  uint64_t bytes = 0;      // buffer size
  int threads = 0;
  int passes = 0;
};

// threads >= 1; bytes >= 64 MiB (rounded down to a multiple of 4 KiB per
// thread); passes >= 1.
BandwidthResult MeasureReadBandwidth(int threads, uint64_t bytes, int passes);

}  // namespace fleet::tools
