#pragma once
// grpc.health.v1.Health for every fleet server (replaces gRPC's built-in
// one, whose Watch streams stay open through Server::Shutdown and so hold
// every drain until its deadline).
//
// Check: the current status of a service ("" = the whole server); NOT_FOUND
// for a name never set. Watch: the current status at once (SERVICE_UNKNOWN
// for a name never set), then every change; when Shutdown() is called each
// watcher receives NOT_SERVING and its stream ends with OK, so watchers do not
// delay a drain.
//
// Thread-safe. Reactors never block: writes are started under a short mutex
// and completed by gRPC's callbacks.

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "lib/sync/mutex.h"

namespace fleet {

class HealthService final : public grpc::health::v1::Health::CallbackService {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;

  HealthService() = default;
  HealthService(const HealthService&) = delete;
  HealthService& operator=(const HealthService&) = delete;

  // Sets the status of `service` and tells its watchers. Ignored after Shutdown().
  void SetServing(const std::string& service, bool serving);

  // Every known service NOT_SERVING; watchers are told and their streams end.
  // Later SetServing calls are ignored. Idempotent.
  void Shutdown();

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const grpc::health::v1::HealthCheckRequest* request,
                                  grpc::health::v1::HealthCheckResponse* response) override;
  grpc::ServerWriteReactor<grpc::health::v1::HealthCheckResponse>* Watch(
      grpc::CallbackServerContext* context,
      const grpc::health::v1::HealthCheckRequest* request) override;

 private:
  class Watcher;

  ServingStatus StatusLocked(const std::string& service) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // One mutex guards the statuses and every watcher's state.
  mutable Mutex mu_;
  absl::flat_hash_map<std::string, ServingStatus> statuses_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<Watcher*> watchers_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace fleet
