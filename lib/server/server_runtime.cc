#include "lib/server/server_runtime.h"

#include <chrono>
#include <exception>
#include <iostream>
#include <thread>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "lib/logging/log.h"
#include "lib/server/server_interceptor.h"
#include "lib/server/shutdown_signal.h"
#include "nlohmann/json.hpp"

namespace fleet {

ServerRuntime::ServerRuntime(ServerOptions options, std::shared_ptr<prometheus::Registry> registry)
    : options_(std::move(options)),
      registry_(std::move(registry)),
      rpc_metrics_(*registry_, options_.service_name, options_.version) {}

ServerRuntime::~ServerRuntime() {
  if (server_ != nullptr) Drain();
}

void ServerRuntime::AddService(absl::string_view full_name, grpc::Service* service) {
  services_.emplace_back(std::string(full_name), service);
}

void ServerRuntime::AddDrainHook(DrainHook hook) { drain_hooks_.push_back(std::move(hook)); }

absl::Status ServerRuntime::Start() {
  // The metrics port first: it is the one most likely to collide and it has
  // no state to unwind.
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_listen.ToString());
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ",
                                               options_.metrics_listen.ToString(), ": ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> metrics_ports = exposer_->GetListeningPorts();
  if (metrics_ports.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "metrics exposer on ", options_.metrics_listen.ToString(), " reports no listening port"));
  }
  metrics_address_ = options_.metrics_listen.WithPort(metrics_ports.front());

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  builder.AddListeningPort(options_.listen.ToString(), grpc::InsecureServerCredentials(),
                           &bound_port);
  // Without this, gRPC sets SO_REUSEPORT and a second process on the same
  // port would silently take half of the traffic instead of failing.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  builder.RegisterService(&health_);
  for (auto& [name, service] : services_) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<ServerInterceptorFactory>(&rpc_metrics_));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || bound_port == 0) {
    server_.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", options_.listen.ToString()));
  }
  grpc_address_ = options_.listen.WithPort(bound_port);

  health_.SetServing("", true);
  for (const auto& [name, service] : services_) health_.SetServing(name, true);
  log::Info("serving",
            {{"grpc", grpc_address_.ToString()}, {"metrics", metrics_address_.ToString()}});
  return absl::OkStatus();
}

void ServerRuntime::AnnounceReady(const std::vector<std::pair<std::string, std::string>>& extra) {
  nlohmann::ordered_json line;
  line["event"] = "ready";
  line["service"] = options_.service_name;
  line["grpc"] = grpc_address_.ToString();
  line["metrics"] = metrics_address_.ToString();
  for (const auto& [key, value] : extra) line[key] = value;
  std::cout << line.dump() << std::endl;  // endl flushes: scripts wait on it
}

void ServerRuntime::Drain() {
  if (drained_ || server_ == nullptr) return;
  drained_ = true;
  const absl::Time deadline = absl::Now() + options_.drain_timeout;
  log::Info("draining", {{"drain_timeout_seconds", absl::ToDoubleSeconds(options_.drain_timeout)}});
  // NOT_SERVING for every service; Watch streams are told and then end, so
  // they do not hold the gRPC shutdown below.
  health_.Shutdown();

  // gRPC finishes its in-flight calls while the hooks drain their own work.
  std::thread grpc_drain([this, deadline] { server_->Shutdown(absl::ToChronoTime(deadline)); });
  for (DrainHook& hook : drain_hooks_) hook(deadline);
  grpc_drain.join();
  server_->Wait();
  log::Info("drained", {{"overrun_seconds", absl::ToDoubleSeconds(std::max(
                                                absl::ZeroDuration(), absl::Now() - deadline))}});
}

int ServeUntilSignal(ServerRuntime& runtime,
                     const std::vector<std::pair<std::string, std::string>>& extra) {
  runtime.AnnounceReady(extra);
  const int signal_number = WaitForShutdownSignal();
  log::Info("shutdown signal", {{"signal", signal_number}});
  runtime.Drain();
  return 0;
}

}  // namespace fleet
