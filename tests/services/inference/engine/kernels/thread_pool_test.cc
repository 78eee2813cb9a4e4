// ThreadPool: every thread runs each job once, ParallelFor covers [0, n)
// exactly once in any chunking, and back-to-back jobs do not mix.
#include "services/inference/engine/kernels/cpu/thread_pool.h"

#include <atomic>
#include <vector>

#include "gtest/gtest.h"

namespace fleet::engine::kernels::cpu {
namespace {

TEST(ThreadPoolTest, RunCallsEveryThreadOnce) {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int job = 0; job < 200; ++job) {
      std::vector<std::atomic<int>> calls(static_cast<size_t>(threads));
      pool.Run([&](int t) { calls[static_cast<size_t>(t)].fetch_add(1); });
      for (int t = 0; t < threads; ++t) ASSERT_EQ(calls[static_cast<size_t>(t)].load(), 1);
    }
  }
}

TEST(ThreadPoolTest, ParallelForCoversEachIndexOnce) {
  ThreadPool pool(3);
  for (int64_t n : {0, 1, 2, 7, 64, 1000, 4097}) {
    for (int64_t grain : {1, 3, 64, 5000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.ParallelFor(n, grain, [&](int64_t begin, int64_t end) {
        ASSERT_LT(begin, end);
        ASSERT_LE(end - begin, grain);
        for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)].fetch_add(1);
      });
      for (int64_t i = 0; i < n; ++i) {
        ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1) << "n " << n << " grain " << grain;
      }
    }
  }
}

TEST(ThreadPoolTest, ManyShortJobsInARowSumCorrectly) {
  ThreadPool pool(2);
  int64_t total = 0;
  for (int job = 0; job < 20000; ++job) {
    std::atomic<int64_t> sum{0};
    pool.ParallelFor(16, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) sum.fetch_add(i + job);
    });
    total += sum.load();
  }
  // sum over jobs of (120 + 16 job)
  EXPECT_EQ(total, 20000LL * 120 + 16LL * (20000LL * 19999 / 2));
}

TEST(ThreadPoolTest, ZeroOrNegativeThreadCountMeansOne) {
  ThreadPool pool(0);
  EXPECT_EQ(pool.size(), 1);
  int calls = 0;
  pool.Run([&](int t) {
    EXPECT_EQ(t, 0);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace fleet::engine::kernels::cpu
