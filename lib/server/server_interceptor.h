#pragma once
// Server interceptor installed on every fleet gRPC server. Per RPC it:
//  - makes sure the handler sees an "x-request-id" in its client metadata
//    (the caller's if acceptable, otherwise a generated one) and echoes it
//    in the response's initial metadata;
//  - records the standard RPC metrics (started, handled by code, latency,
//    in-flight);
//  - writes one access-log line (debug for OK, info for caller errors,
//    warn for server-side errors).
// Interceptors are created per call by gRPC and never block.

#include <memory>

#include <grpcpp/support/server_interceptor.h>

#include "lib/metrics/rpc_metrics.h"

namespace fleet {

class ServerInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` must outlive the server.
  explicit ServerInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics* metrics_;
};

}  // namespace fleet
