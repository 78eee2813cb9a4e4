#pragma once
// The set of open connections of one HttpServer, so that Shutdown can drain
// them, wait for them, and close the stragglers. Internal to the server.
//
// Thread-safety: every method is thread-safe. Only AwaitEmpty blocks.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "lib/sync/mutex.h"

namespace fleet::gateway::http {

class HttpConnection;

class ConnectionTracker {
 public:
  // Registers a connection; returns its id, or nullopt once draining has
  // started (the caller then closes the connection instead of serving it).
  std::optional<uint64_t> Add(std::weak_ptr<HttpConnection> connection);

  // Forgets connection `id` (closed). Unknown ids are ignored.
  void Remove(uint64_t id);

  // From now on Add refuses; returns the connections open at this moment.
  std::vector<std::shared_ptr<HttpConnection>> StartDraining();

  // The connections open at this moment.
  std::vector<std::shared_ptr<HttpConnection>> Live() const;

  // Blocks until no connection is registered or `deadline` passes; true when
  // none is left.
  bool AwaitEmpty(absl::Time deadline) const;

 private:
  mutable fleet::Mutex mu_;
  mutable std::condition_variable_any emptied_;  // signalled when connections_ empties
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, std::weak_ptr<HttpConnection>> connections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fleet::gateway::http
