#pragma once
// fleet::Mutex: std::mutex with Clang thread-safety annotations, so that fields
// can be ABSL_GUARDED_BY it and -Wthread-safety checks them.
//
// Why not absl::Mutex: Debian's prebuilt abseil is not compiled with
// ThreadSanitizer, so TSan cannot see absl::Mutex's synchronization and
// reports false races (and can miss real ones); std::mutex goes through
// pthread, which TSan intercepts.
//
// Thread-safety: it is a mutex. Lock() blocks.

#include <mutex>

#include "absl/base/thread_annotations.h"

namespace fleet {

class ABSL_LOCKABLE Mutex {
 public:
  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  // BasicLockable, for std::condition_variable_any.
  void lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

}  // namespace fleet
