#include "lib/metrics/rpc_metrics.h"

#include <map>

namespace fleet {
namespace {

using Labels = std::map<std::string, std::string>;

Labels BaseLabels(const RpcMethodLabels& l) {
  return {{"grpc_service", l.service}, {"grpc_method", l.method}, {"grpc_type", l.type}};
}

// Latency buckets in seconds: from sub-millisecond unary calls up to
// multi-minute generation streams.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5,    1,     2.5,    5,     10,   30,    60,   120, 300};
  return *buckets;
}

}  // namespace

RpcMethodLabels LabelsForMethod(absl::string_view full_method, absl::string_view type) {
  RpcMethodLabels labels;
  labels.type = std::string(type);
  if (full_method.size() > 1 && full_method.front() == '/') {
    const absl::string_view rest = full_method.substr(1);
    const size_t slash = rest.find('/');
    if (slash != absl::string_view::npos && slash > 0 && slash + 1 < rest.size()) {
      labels.service = std::string(rest.substr(0, slash));
      labels.method = std::string(rest.substr(slash + 1));
      return labels;
    }
  }
  labels.service = "unknown";
  labels.method = std::string(full_method);
  return labels;
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

RpcMetrics::RpcMetrics(prometheus::Registry& registry, absl::string_view service_name,
                       absl::string_view version)
    : started_(prometheus::BuildCounter()
                   .Name("grpc_server_started_total")
                   .Help("RPCs started on the server.")
                   .Register(registry)),
      handled_(prometheus::BuildCounter()
                   .Name("grpc_server_handled_total")
                   .Help("RPCs completed on the server, by status code.")
                   .Register(registry)),
      handling_seconds_(prometheus::BuildHistogram()
                            .Name("grpc_server_handling_seconds")
                            .Help("Time from the start of an RPC to its completion, in seconds.")
                            .Register(registry)),
      in_flight_(prometheus::BuildGauge()
                     .Name("grpc_server_in_flight")
                     .Help("RPCs started and not yet completed.")
                     .Register(registry)) {
  prometheus::BuildGauge()
      .Name("fleet_build_info")
      .Help("Always 1; labels name the service and its version.")
      .Register(registry)
      .Add({{"service", std::string(service_name)}, {"version", std::string(version)}})
      .Set(1);
}

void RpcMetrics::OnStarted(const RpcMethodLabels& labels) {
  const Labels base = BaseLabels(labels);
  started_.Add(base).Increment();
  in_flight_.Add(base).Increment();
}

void RpcMetrics::OnHandled(const RpcMethodLabels& labels, grpc::StatusCode code, double seconds) {
  Labels with_code = BaseLabels(labels);
  in_flight_.Add(with_code).Decrement();
  handling_seconds_.Add(with_code, LatencyBuckets()).Observe(seconds);
  with_code["grpc_code"] = std::string(GrpcCodeName(code));
  handled_.Add(with_code).Increment();
}

}  // namespace fleet
