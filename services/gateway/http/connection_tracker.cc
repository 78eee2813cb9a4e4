#include "services/gateway/http/connection_tracker.h"

#include <utility>

namespace fleet::gateway::http {

std::optional<uint64_t> ConnectionTracker::Add(std::weak_ptr<HttpConnection> connection) {
  fleet::MutexLock lock(&mu_);
  if (draining_) return std::nullopt;
  const uint64_t id = ++next_id_;
  connections_.emplace(id, std::move(connection));
  return id;
}

void ConnectionTracker::Remove(uint64_t id) {
  fleet::MutexLock lock(&mu_);
  if (connections_.erase(id) > 0 && connections_.empty()) emptied_.notify_all();
}

std::vector<std::shared_ptr<HttpConnection>> ConnectionTracker::StartDraining() {
  {
    fleet::MutexLock lock(&mu_);
    draining_ = true;
  }
  return Live();
}

std::vector<std::shared_ptr<HttpConnection>> ConnectionTracker::Live() const {
  fleet::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<HttpConnection>> live;
  live.reserve(connections_.size());
  for (const auto& [id, weak] : connections_) {
    if (auto connection = weak.lock()) live.push_back(std::move(connection));
  }
  return live;
}

bool ConnectionTracker::AwaitEmpty(absl::Time deadline) const {
  fleet::MutexLock lock(&mu_);
  // The predicate runs with mu_ held (condition_variable_any relocks it).
  auto empty = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return connections_.empty(); };
  if (deadline == absl::InfiniteFuture()) {
    emptied_.wait(mu_, empty);
    return true;
  }
  return emptied_.wait_until(mu_, absl::ToChronoTime(deadline), empty);
}

}  // namespace fleet::gateway::http
