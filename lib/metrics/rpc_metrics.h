#pragma once
// The standard per-RPC server metrics of every fleet service, named as the
// go-grpc-prometheus convention that existing Grafana dashboards expect:
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type} (histogram)
//   grpc_server_in_flight{grpc_service,grpc_method,grpc_type}        (gauge)
// plus fleet_build_info{service,version} = 1.
//
// Thread-safe; every call is non-blocking (a short mutex inside prometheus-cpp).

#include <string>

#include <grpcpp/support/status_code_enum.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/strings/string_view.h"

namespace fleet {

// Identifies one RPC method, e.g. {"fleet.auth.v1.AuthService", "IssueToken", "unary"}.
struct RpcMethodLabels {
  std::string service;
  std::string method;
  std::string type;  // unary | client_stream | server_stream | bidi_stream
};

// Splits "/pkg.Service/Method" into service and method; a malformed name
// becomes service "unknown" with the whole string as the method.
RpcMethodLabels LabelsForMethod(absl::string_view full_method, absl::string_view type);

// The canonical upper-case name of a gRPC code ("OK", "NOT_FOUND", ...).
absl::string_view GrpcCodeName(grpc::StatusCode code);

class RpcMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  RpcMetrics(prometheus::Registry& registry, absl::string_view service_name,
             absl::string_view version);

  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  // Call when an RPC starts; increments started and in-flight.
  void OnStarted(const RpcMethodLabels& labels);
  // Call exactly once per started RPC when it ends; decrements in-flight.
  void OnHandled(const RpcMethodLabels& labels, grpc::StatusCode code, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& started_;
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Histogram>& handling_seconds_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
};

}  // namespace fleet
