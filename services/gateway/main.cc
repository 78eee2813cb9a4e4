// fleet-gateway: the fleet's only public entry, gRPC (GatewayService) and
// HTTP (OpenAI-compatible). Wiring only. The GatewayService has no
// implementation yet, so every gRPC method answers UNIMPLEMENTED and the
// HTTP API paths answer 501; health, reflection and metrics are live.
#include <atomic>
#include <iostream>
#include <memory>

#include "absl/flags/flag.h"
#include "fleet/gateway/v1/gateway.grpc.pb.h"
#include "lib/flags/parse_flags.h"
#include "lib/logging/log.h"
#include "lib/net/host_port.h"
#include "lib/server/server_main.h"
#include "services/gateway/http/http_server.h"
#include "services/gateway/http_routes.h"

ABSL_FLAG(fleet::HostPort, http_listen, (fleet::HostPort{"127.0.0.1", 0}),
          "HTTP (OpenAI-compatible API) listen address HOST:PORT; port 0 picks an "
          "ephemeral port.");
ABSL_FLAG(int32_t, http_threads, 2, "Threads serving HTTP connections (all asynchronous).");

int main(int argc, char** argv) {
  auto runtime = fleet::InitServerOrExit(
      argc, argv, "gateway",
      "the fleet's front door: OpenAI-compatible HTTP and the GatewayService gRPC API.");
  if (absl::GetFlag(FLAGS_http_threads) < 1) {
    fleet::ExitWithFlagError("http_threads", "must be at least 1");
  }

  fleet::gateway::v1::GatewayService::CallbackService service;
  runtime->AddService(fleet::gateway::v1::GatewayService::service_full_name(), &service);

  std::atomic<bool> draining{false};
  fleet::gateway::http::Router router;
  if (absl::Status s = fleet::gateway::AddHttpRoutes(router, &draining); !s.ok()) {
    fleet::log::Error("http routes", {{"error", s.ToString()}});
    return 1;
  }
  fleet::StartServerOrExit(*runtime);

  fleet::gateway::http::HttpServer::Options http_options;
  const fleet::HostPort http_listen = absl::GetFlag(FLAGS_http_listen);
  http_options.listen_address = http_listen.ToString();
  http_options.io_threads = absl::GetFlag(FLAGS_http_threads);
  auto http_server = fleet::gateway::http::HttpServer::Start(http_options, &router);
  if (!http_server.ok()) {
    fleet::log::Error("startup failed", {{"error", http_server.status().ToString()}});
    std::cerr << fleet::ProgramName() << ": " << http_server.status().message() << std::endl;
    return 1;
  }
  runtime->AddDrainHook([&](absl::Time deadline) {
    draining.store(true, std::memory_order_relaxed);
    (*http_server)->Shutdown(deadline);
  });
  return fleet::ServeUntilSignal(
      *runtime, {{"http", http_listen.WithPort((*http_server)->port()).ToString()}});
}
