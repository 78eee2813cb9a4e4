#pragma once
// The server bootstrap every fleet binary uses: one gRPC callback server with
// grpc.health.v1 health, server reflection, the fleet interceptor (request
// ids, per-RPC metrics, access log) and a Prometheus exposer on its own port.
//
// Life cycle (main thread):
//   ServerRuntime runtime(options, registry);
//   runtime.AddService("fleet.auth.v1.AuthService", &service);
//   RETURN_IF_ERROR(runtime.Start());   // binds; health SERVING
//   runtime.AnnounceReady();            // one JSON line on stdout
//   ... WaitForShutdownSignal() ...
//   runtime.Drain();                    // NOT_SERVING, finish in-flight, stop
//
// Not thread-safe: call every method from one thread (main). Services and
// drain hooks run on gRPC's threads and must not call back into the runtime.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/server.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/metrics/rpc_metrics.h"
#include "lib/net/host_port.h"
#include "lib/server/health_service.h"

namespace fleet {

struct ServerOptions {
  std::string service_name;  // short name in logs and the ready line: "auth"
  HostPort listen{"127.0.0.1", 0};
  HostPort metrics_listen{"127.0.0.1", 0};
  absl::Duration drain_timeout = absl::Seconds(30);
  int max_message_bytes = 64 << 20;
  std::string version = "0.1.0";
};

class ServerRuntime {
 public:
  // A drain hook runs once, in registration order, after health has turned
  // NOT_SERVING and while gRPC is finishing its in-flight calls; it must
  // return by `deadline` (for example: stop an HTTP listener).
  using DrainHook = std::function<void(absl::Time deadline)>;

  // `registry` receives the standard RPC metrics; the caller may register its
  // own families in it too. It is exposed at http://metrics_listen/metrics.
  ServerRuntime(ServerOptions options, std::shared_ptr<prometheus::Registry> registry);
  ~ServerRuntime();  // Drains (with the configured timeout) if still running.

  ServerRuntime(const ServerRuntime&) = delete;
  ServerRuntime& operator=(const ServerRuntime&) = delete;

  // Before Start(): registers a gRPC service under its full name (used for
  // per-service health). `service` must outlive the runtime.
  void AddService(absl::string_view full_name, grpc::Service* service);
  void AddDrainHook(DrainHook hook);

  // Binds the gRPC and metrics ports and starts serving; health SERVING for ""
  // and for every registered service. UNAVAILABLE (naming the address) when a
  // port cannot be bound. Call once.
  absl::Status Start();

  // The bound addresses (ephemeral ports resolved); valid after Start().
  const HostPort& grpc_address() const { return grpc_address_; }
  const HostPort& metrics_address() const { return metrics_address_; }

  // Prints {"event":"ready","service":...,"grpc":...,"metrics":...[,extra]}
  // as one line on stdout and flushes it. `extra` adds string fields such as
  // {"http", "127.0.0.1:8080"}.
  void AnnounceReady(const std::vector<std::pair<std::string, std::string>>& extra = {});

  // Health NOT_SERVING at once (Watch streams are told), stop accepting RPCs,
  // let in-flight RPCs and drain hooks run until now + drain_timeout, then
  // cancel what is left and stop. Blocks until done. Idempotent.
  void Drain();

  prometheus::Registry& registry() { return *registry_; }

 private:
  ServerOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  RpcMetrics rpc_metrics_;
  HealthService health_;
  std::vector<std::pair<std::string, grpc::Service*>> services_;
  std::vector<DrainHook> drain_hooks_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  HostPort grpc_address_;
  HostPort metrics_address_;
  bool drained_ = false;
};

// The tail of every server main(): announce readiness, wait for SIGTERM or
// SIGINT, drain, and return the process exit code (0).
int ServeUntilSignal(ServerRuntime& runtime,
                     const std::vector<std::pair<std::string, std::string>>& extra = {});

}  // namespace fleet
