#pragma once
// A fixed pool of worker threads for the forward pass: fork-join with the
// calling thread taking part, workers spinning briefly between jobs (a
// decode step issues a few hundred short jobs; waking a sleeping thread costs
// more than most of them) and then sleeping on a futex-backed atomic wait.
// No allocation per job.
//
// Thread safety: Run and ParallelFor may be called from any thread; calls are
// serialised (one job at a time). A job must not call back into the same
// pool. The destructor joins the workers; no job may be running then.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"

namespace fleet::engine::kernels::cpu {

class ThreadPool {
 public:
  // n_threads >= 1 threads in all: the caller plus n_threads - 1 workers.
  explicit ThreadPool(int n_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return n_threads_; }

  // Runs fn(thread) once on each thread, thread = 0 (the caller) ..
  // size() - 1, and returns when every call has returned.
  void Run(absl::FunctionRef<void(int thread)> fn);

  // Splits [0, n) into chunks of `grain` (the last may be shorter) and runs
  // fn(begin, end) for each, chunks handed out dynamically to the threads.
  // Runs inline when there is one chunk or one thread. grain >= 1.
  void ParallelFor(int64_t n, int64_t grain, absl::FunctionRef<void(int64_t, int64_t)> fn);

 private:
  void WorkerLoop(int thread);

  const int n_threads_;
  std::mutex run_mutex_;  // serialises Run
  // The current job; written by Run before generation_ is bumped.
  absl::FunctionRef<void(int)>* job_ = nullptr;
  std::atomic<uint64_t> generation_{0};  // bumped once per job; workers watch it
  std::atomic<int> pending_{0};          // workers still running the current job
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace fleet::engine::kernels::cpu
